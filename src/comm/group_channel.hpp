#pragma once
// How rank 0 sends a group its photos and the group's ranks receive them
// (internal to src/comm). Each layout is one implementation of GroupChannel
// and one factory: roles broadcasts headers into a communicator per group
// (rank 0 and the group's analyzer ranks) and the decoded pixels into
// communicators of the analyzer ranks alone; farm sends point-to-point to
// the group's single worker. Either way a photo's payload (its bytes, or
// with --read workers its path) goes point-to-point to the one rank that
// decodes it. A new layout is one file that provides make_..._channels().
#include <mpi.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "comm/mpi_plan.hpp"
#include "comm/pixel_window.hpp"

namespace photoscore::mpi {

constexpr int kTagHeader = 1;  // point-to-point: photo headers, rank 0 -> worker
constexpr int kTagData = 2;    // point-to-point: photo bytes or path, rank 0 -> the decoding rank
constexpr int kTagResult = 3;  // encoded outcomes, group rank -> rank 0

// What rank 0 says before each photo: the group's next photo (its index in
// the file list, its payload's byte count, its number within the group, the
// world rank that decodes it) or the end.
struct Header {
  std::int64_t end = 0;
  std::int64_t index = 0;
  std::int64_t bytes = 0;
  std::int64_t seq = 0;
  std::int64_t decoder = 0;
};
constexpr int kHeaderWords = 5;
static_assert(sizeof(Header) == kHeaderWords * sizeof(std::int64_t));

// Non-blocking: each call posts requests the caller completes.
class GroupChannel {
 public:
  virtual ~GroupChannel() = default;
  // Rank 0: sends `h`; a group rank: receives into it.
  virtual void header(Header& h, MPI_Request& request) const = 0;
  // Bytes one header costs the sender: the header times its receivers.
  virtual std::int64_t header_bytes() const = 0;
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

// A photo's payload, point-to-point on the run's communicator: rank 0 sends
// `data` to `peer` (the decoding rank), or the decoding rank receives it
// from rank 0 into `data` (sized already).
void payload(MPI_Comm world, int peer, bool sending, std::vector<std::uint8_t>& data,
             std::vector<MPI_Request>& requests);

// The channels of one run, on one rank: on rank 0 one per group; on a group
// rank only its own group's is valid. `world` is the run's communicator.
class LayoutChannels {
 public:
  virtual ~LayoutChannels() = default;
  virtual const GroupChannel& group(std::size_t index) const = 0;
};

// `window_bytes`: the part of its group's shared-memory window each roles member offers (0: none;
// the pixels go by broadcast).
std::unique_ptr<LayoutChannels> make_roles_channels(const MpiPlan& plan, MPI_Comm world, int rank,
                                                    std::size_t window_bytes);
std::unique_ptr<LayoutChannels> make_farm_channels(const MpiPlan& plan, MPI_Comm world, int rank);

// MPI counts are ints: larger photos travel in several pieces.
constexpr std::size_t kMaxPiece = std::size_t{1} << 30;

template <typename Post>
void for_each_piece(std::uint8_t* data, std::size_t size, Post post) {
  for (std::size_t at = 0; at < size; at += kMaxPiece)
    post(data + at, static_cast<int>(std::min(kMaxPiece, size - at)));
}

}  // namespace photoscore::mpi
