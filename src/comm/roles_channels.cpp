// The roles layout's transport: a group's dealer (rank 0 or its node's
// leader) and the group's analyzer ranks share a communicator, and every
// batch is two non-blocking broadcasts into it:
// its size, then its bytes. The bytes of a photo that rank 0 reads go to
// the member that decodes it only (point-to-point, see payload()), and that
// member broadcasts the decoded pixels on its own
// communicator of the group's analyzer ranks (rank 0 is not in those), or,
// when the group is on one node, puts them in the group's shared-memory
// window and broadcasts only where they are (comm/pixel_window.hpp).
#include <algorithm>

#include "comm/group_channel.hpp"

namespace photoscore::mpi {

namespace {

class BroadcastChannel final : public GroupChannel {
 public:
  BroadcastChannel(MPI_Comm comm, std::vector<int> members, std::vector<MPI_Comm> pixels,
                   std::unique_ptr<PixelWindow> window)
      : comm_(comm), members_(std::move(members)), pixels_(std::move(pixels)), window_(std::move(window)) {}
  void send_batch(OutgoingBatch& batch) override {
    batch.size = static_cast<std::int64_t>(batch.bytes.size());
    MPI_Ibcast(&batch.size, 1, MPI_INT64_T, 0, comm_, &batch.requests.emplace_back());
    if (batch.size > 0)
      MPI_Ibcast(batch.bytes.data(), static_cast<int>(batch.size), MPI_BYTE, 0, comm_, &batch.requests.emplace_back());
  }
  std::int64_t batch_bytes(std::size_t size) const override {
    return static_cast<std::int64_t>((sizeof(std::int64_t) + size) * members_.size());
  }
  // Broadcasts are matched in the order they are posted: the size is always
  // posted, and the bytes once the size is known.
  bool receive_batch(std::string& bytes) override {
    if (comm_ == MPI_COMM_NULL) return false;
    if (state_ == State::Idle) {
      MPI_Ibcast(&size_, 1, MPI_INT64_T, 0, comm_, &request_);
      state_ = State::Size;
    }
    int done = 0;
    MPI_Test(&request_, &done, MPI_STATUS_IGNORE);
    if (!done) return false;
    if (state_ == State::Size && size_ > 0) {
      incoming_.resize(static_cast<std::size_t>(size_));
      MPI_Ibcast(incoming_.data(), static_cast<int>(size_), MPI_BYTE, 0, comm_, &request_);
      state_ = State::Bytes;
      MPI_Test(&request_, &done, MPI_STATUS_IGNORE);
      if (!done) return false;
    }
    bytes.swap(incoming_);
    if (state_ == State::Size) bytes.clear();  // the end
    incoming_.clear();
    state_ = State::Idle;
    return true;
  }
  MPI_Comm pixels(int root) const override {
    const auto it = std::find(members_.begin(), members_.end(), root);
    if (it == members_.end() || pixels_.empty()) return MPI_COMM_NULL;
    return pixels_[static_cast<std::size_t>(it - members_.begin())];
  }
  PixelWindow* window() const override { return window_.get(); }
  // Freed before the communicators (MPI_Win_free is collective on them).
  void close() { window_.reset(); }

 private:
  MPI_Comm comm_;
  std::vector<int> members_;
  std::vector<MPI_Comm> pixels_;  // on a member: one per member, in members_' order
  std::unique_ptr<PixelWindow> window_;
  // The receiving side's batch in progress.
  enum class State { Idle, Size, Bytes };
  State state_ = State::Idle;
  std::int64_t size_ = 0;
  std::string incoming_;
  MPI_Request request_ = MPI_REQUEST_NULL;
};

// The communicator of `members` (world ranks, in this order), made by them
// alone: groups form without involving ranks outside them.
MPI_Comm make_comm(MPI_Comm world, MPI_Group world_group, const std::vector<int>& members, int tag) {
  MPI_Group group;
  MPI_Group_incl(world_group, static_cast<int>(members.size()), members.data(), &group);
  MPI_Comm comm = MPI_COMM_NULL;
  MPI_Comm_create_group(world, group, tag, &comm);
  MPI_Group_free(&group);
  return comm;
}

class RolesChannels final : public GroupChannels {
 public:
  RolesChannels(const MpiPlan& plan, MPI_Comm world, int rank, std::size_t window_bytes) {
    MPI_Group world_group;
    MPI_Comm_group(world, &world_group);
    const int groups = static_cast<int>(plan.groups.size());
    for (int g = 0; g < groups; ++g) {
      const std::vector<int>& ranks = plan.groups[static_cast<std::size_t>(g)].ranks;
      const bool member = std::find(ranks.begin(), ranks.end(), rank) != ranks.end();
      const int dealer = plan.groups[static_cast<std::size_t>(g)].dealer;
      MPI_Comm header = MPI_COMM_NULL;
      std::vector<MPI_Comm> pixels;
      if (rank == dealer || member) {
        // The dealer first, so it is the broadcast root 0 in every group.
        std::vector<int> members = {dealer};
        members.insert(members.end(), ranks.begin(), ranks.end());
        header = make_comm(world, world_group, members, g);
        comms_.push_back(header);
      }
      if (member && ranks.size() > 1) {
        // One per member, that member first (its broadcast root 0); tagged
        // by the member's world rank, past the header communicators' tags.
        for (std::size_t k = 0; k < ranks.size(); ++k) {
          std::vector<int> order = {ranks[k]};
          for (int r : ranks)
            if (r != ranks[k]) order.push_back(r);
          pixels.push_back(make_comm(world, world_group, order, groups + ranks[k]));
          comms_.push_back(pixels.back());
        }
      }
      // The first member's communicator has the members in the group's order.
      std::unique_ptr<PixelWindow> window;
      if (!pixels.empty()) window = PixelWindow::open(pixels.front(), window_bytes);
      channels_.emplace_back(header, ranks, std::move(pixels), std::move(window));
      touched_.push_back(rank == dealer || member);
    }
    MPI_Group_free(&world_group);
  }
  ~RolesChannels() override {
    for (BroadcastChannel& c : channels_) c.close();
    for (MPI_Comm& c : comms_) {
      if (c != MPI_COMM_NULL) MPI_Comm_free(&c);
    }
  }
  RolesChannels(const RolesChannels&) = delete;
  RolesChannels& operator=(const RolesChannels&) = delete;

  GroupChannel* group(std::size_t index) override { return touched_.at(index) ? &channels_.at(index) : nullptr; }

 private:
  std::vector<MPI_Comm> comms_;  // every communicator made here, freed at the end
  std::vector<BroadcastChannel> channels_;
  std::vector<bool> touched_;  // whether this rank deals to or belongs to the group
};

}  // namespace

std::unique_ptr<GroupChannels> make_roles_channels(const MpiPlan& plan, MPI_Comm world, int rank,
                                                   std::size_t window_bytes) {
  return std::make_unique<RolesChannels>(plan, world, rank, window_bytes);
}

}  // namespace photoscore::mpi
