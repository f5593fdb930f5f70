#pragma once
// How rank 0 sends a group its photos and the group's ranks receive them
// (internal to src/comm). Each layout is one implementation of GroupChannel
// and one factory: roles broadcasts into a communicator per group, farm
// sends point-to-point to the group's single worker. A new layout is one
// file that provides make_..._channels().
#include <mpi.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "comm/mpi_plan.hpp"

namespace photoscore::mpi {

constexpr int kTagHeader = 1;  // point-to-point: photo headers, rank 0 -> worker
constexpr int kTagData = 2;    // point-to-point: photo bytes, rank 0 -> worker
constexpr int kTagResult = 3;  // encoded outcomes, group rank -> rank 0

// What rank 0 says before each photo: the group's next photo (its index in
// the file list, its byte count, its number within the group) or the end.
struct Header {
  std::int64_t end = 0;
  std::int64_t index = 0;
  std::int64_t bytes = 0;
  std::int64_t seq = 0;
};
constexpr int kHeaderWords = 4;
static_assert(sizeof(Header) == kHeaderWords * sizeof(std::int64_t));

// Non-blocking: each call posts requests the caller completes.
class GroupChannel {
 public:
  virtual ~GroupChannel() = default;
  // Rank 0: sends `h`; a group rank: receives into it.
  virtual void header(Header& h, MPI_Request& request) const = 0;
  // Rank 0: sends `data`; a group rank: receives into it (sized already).
  virtual void bytes(std::vector<std::uint8_t>& data, std::vector<MPI_Request>& requests) const = 0;
};

// The channels of one run, on one rank: on rank 0 one per group; on a group
// rank only its own group's is valid. `world` is the run's communicator.
class LayoutChannels {
 public:
  virtual ~LayoutChannels() = default;
  virtual const GroupChannel& group(std::size_t index) const = 0;
};

std::unique_ptr<LayoutChannels> make_roles_channels(const MpiPlan& plan, MPI_Comm world, int rank);
std::unique_ptr<LayoutChannels> make_farm_channels(const MpiPlan& plan, MPI_Comm world, int rank);

// MPI counts are ints: larger photos travel in several pieces.
constexpr std::size_t kMaxPiece = std::size_t{1} << 30;

template <typename Post>
void for_each_piece(std::uint8_t* data, std::size_t size, Post post) {
  for (std::size_t at = 0; at < size; at += kMaxPiece)
    post(data + at, static_cast<int>(std::min(kMaxPiece, size - at)));
}

}  // namespace photoscore::mpi
