#pragma once
// How rank 0 deals a group its photos, a batch at a time, and the group's
// ranks receive them (internal to src/comm). Each layout is one
// implementation of GroupChannel and one factory: roles broadcasts each
// batch into a communicator per group (rank 0 and the group's analyzer
// ranks) and the decoded pixels into communicators of the analyzer ranks
// alone; farm sends point-to-point to the group's single worker. Either way
// the bytes of a photo that rank 0 reads go point-to-point to the one rank
// that decodes it (payload()). A new layout is its channels' file, which
// provides make_..._channels(), its group ranks' loop, its LayoutRuntime in
// layouts.cpp and its LayoutKind in the plan (mpi_plan.hpp).
#include <mpi.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "comm/mpi_plan.hpp"
#include "comm/pixel_window.hpp"

namespace photoscore::mpi {

constexpr int kTagBatch = 1;  // point-to-point (farm): batches, rank 0 -> worker
constexpr int kTagData = 2;   // point-to-point: a photo's bytes, rank 0 -> the decoding rank
constexpr int kTagBlock = 3;  // blocks of formatted rows, a group's merging rank -> rank 0
constexpr int kTagPart = 4;   // a roles member's part of a photo's outcome -> its group's merging rank

// A batch on its way out of rank 0: the buffers live until every send is done.
struct OutgoingBatch {
  std::int64_t size = 0;  // roles: the broadcast head, the batch's byte count (0: the end)
  std::string bytes;      // the encoded batch (run/photo_batch.hpp); empty: the end
  std::vector<std::vector<std::uint8_t>> payloads;  // photos' bytes rank 0 read for their decoders
  std::vector<MPI_Request> requests;
};

// Non-blocking on both sides.
class GroupChannel {
 public:
  virtual ~GroupChannel() = default;
  // Rank 0: posts the sends of `batch` (its bytes; none for the end).
  virtual void send_batch(OutgoingBatch& batch) = 0;
  // Bytes a batch of `size` bytes costs the sender: the batch times its receivers.
  virtual std::int64_t batch_bytes(std::size_t size) const = 0;
  // A group rank: true and the next batch in `bytes` once one has arrived
  // (empty for the end); false while it has not. Never blocks.
  virtual bool receive_batch(std::string& bytes) = 0;
  // Roles, on an analyzer rank of a group of more than one: the
  // communicator of the group's analyzer ranks on which member `root` (a
  // world rank) broadcasts the pixels it decodes, `root` being its rank 0.
  // One per member, so each member's photos are a stream of their own and a
  // rank can receive one member's photo while it decodes another. Null in
  // the farm layout and in groups of one.
  virtual MPI_Comm pixels(int root) const = 0;
  // Roles, on an analyzer rank of a group of more than one on one node: the
  // group's shared-memory window, where each member puts the pixels it
  // decodes. Null otherwise: the pixels then go by broadcast on pixels().
  virtual PixelWindow* window() const { return nullptr; }
};

// A photo's bytes, point-to-point on the run's communicator: rank 0 sends
// `data` to `peer` (the decoding rank), or the decoding rank receives it
// from rank 0 into `data` (sized already).
void payload(MPI_Comm world, int peer, bool sending, std::vector<std::uint8_t>& data,
             std::vector<MPI_Request>& requests);

// The group channels of one run, on one rank: those of the groups it deals
// to or belongs to (null for the others). Made collectively by every rank.
class GroupChannels {
 public:
  virtual ~GroupChannels() = default;
  virtual GroupChannel* group(std::size_t index) = 0;
};

// `window_bytes`: the part of its group's shared-memory window each roles member offers (0: none;
// the pixels go by broadcast).
std::unique_ptr<GroupChannels> make_roles_channels(const MpiPlan& plan, MPI_Comm world, int rank,
                                                   std::size_t window_bytes);
std::unique_ptr<GroupChannels> make_farm_channels(const MpiPlan& plan, MPI_Comm world, int rank);
// Batches point-to-point between a dealing rank and `peer` (a farm worker,
// a leader, or on those the rank that deals to them).
std::unique_ptr<GroupChannel> make_point_to_point_channel(MPI_Comm comm, int peer);

// Every channel a rank of the run uses: a dealing rank's (rank 0, a leader)
// to each of its lanes, in plan_lanes' order; a group rank's to its group;
// a leader's from rank 0.
class LaneChannels {
 public:
  LaneChannels(const MpiPlan& plan, MPI_Comm world, int rank, std::size_t window_bytes);
  GroupChannel& lane(std::size_t index);
  GroupChannel& own();
  GroupChannel& upstream();

 private:
  const MpiPlan& plan_;
  int rank_;
  std::unique_ptr<GroupChannels> groups_;
  std::vector<std::unique_ptr<GroupChannel>> leaders_;  // rank 0: one per leader; a leader: rank 0's
  std::vector<PlanLane> lanes_;
};

// MPI counts are ints: larger photos travel in several pieces.
constexpr std::size_t kMaxPiece = std::size_t{1} << 30;

template <typename Post>
void for_each_piece(std::uint8_t* data, std::size_t size, Post post) {
  for (std::size_t at = 0; at < size; at += kMaxPiece)
    post(data + at, static_cast<int>(std::min(kMaxPiece, size - at)));
}

}  // namespace photoscore::mpi
