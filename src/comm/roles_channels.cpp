// The roles layout's transport: rank 0 and each group's analyzer ranks share
// a communicator, and every header and photo is one non-blocking broadcast
// into it, so a photo leaves rank 0 once per group however many ranks the
// group has.
#include <algorithm>

#include "comm/group_channel.hpp"

namespace photoscore::mpi {

namespace {

class BroadcastChannel final : public GroupChannel {
 public:
  explicit BroadcastChannel(MPI_Comm comm) : comm_(comm) {}
  void header(Header& h, MPI_Request& request) const override {
    MPI_Ibcast(&h, kHeaderWords, MPI_INT64_T, 0, comm_, &request);
  }
  void bytes(std::vector<std::uint8_t>& data, std::vector<MPI_Request>& requests) const override {
    for_each_piece(data.data(), data.size(), [&](std::uint8_t* p, int n) {
      MPI_Ibcast(p, n, MPI_BYTE, 0, comm_, &requests.emplace_back());
    });
  }

 private:
  MPI_Comm comm_;
};

class RolesChannels final : public LayoutChannels {
 public:
  RolesChannels(const MpiPlan& plan, MPI_Comm world, int rank) {
    comms_.assign(plan.groups.size(), MPI_COMM_NULL);
    MPI_Group world_group;
    MPI_Comm_group(world, &world_group);
    for (std::size_t g = 0; g < plan.groups.size(); ++g) {
      const std::vector<int>& ranks = plan.groups[g].ranks;
      if (rank != 0 && std::find(ranks.begin(), ranks.end(), rank) == ranks.end()) continue;
      // Rank 0 first, so it is the broadcast root 0 in every group.
      std::vector<int> members = {0};
      members.insert(members.end(), ranks.begin(), ranks.end());
      MPI_Group group;
      MPI_Group_incl(world_group, static_cast<int>(members.size()), members.data(), &group);
      // Collective only over the group's members, so groups form without
      // involving ranks outside them.
      MPI_Comm_create_group(world, group, static_cast<int>(g), &comms_[g]);
      MPI_Group_free(&group);
    }
    MPI_Group_free(&world_group);
    for (MPI_Comm c : comms_) channels_.emplace_back(c);
  }
  ~RolesChannels() override {
    for (MPI_Comm& c : comms_) {
      if (c != MPI_COMM_NULL) MPI_Comm_free(&c);
    }
  }
  RolesChannels(const RolesChannels&) = delete;
  RolesChannels& operator=(const RolesChannels&) = delete;

  const GroupChannel& group(std::size_t index) const override { return channels_.at(index); }

 private:
  std::vector<MPI_Comm> comms_;
  std::vector<BroadcastChannel> channels_;
};

}  // namespace

std::unique_ptr<LayoutChannels> make_roles_channels(const MpiPlan& plan, MPI_Comm world, int rank) {
  return std::make_unique<RolesChannels>(plan, world, rank);
}

}  // namespace photoscore::mpi
