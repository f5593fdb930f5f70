#pragma once
// Where a roles member puts the photos it decodes in its part of the group's
// shared-memory window (comm/pixel_window.hpp): each photo one contiguous
// region, placed at the lowest offset with room (first fit), given back once
// every other member has finished with it. Lowest first, not round a ring:
// only the pages the photos in flight need at once are ever touched, and a
// page of shared memory costs its first touch (about 4 us for 4 KiB, a
// fifth of a roles run's system time when a 256 MiB ring was cycled
// through). No MPI here: bookkeeping over offsets, tested with plain
// GoogleTest.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace photoscore::mpi {

class PixelArena {
 public:
  explicit PixelArena(std::size_t capacity) : capacity_(capacity) {}

  // Gives back every region whose photo number is below `released` (the
  // member's photos, counted from 0 in decoding order, that every other
  // member has finished with).
  void release(std::int64_t released);
  // The offset of a new region of `bytes` for photo number `photo`, or
  // nothing when no gap holds it now. The caller then sends the photo
  // another way: it never waits for room, since room is freed by members
  // that may be waiting for it.
  std::optional<std::size_t> place(std::int64_t photo, std::size_t bytes);

  std::size_t capacity() const { return capacity_; }
  std::size_t regions() const { return live_.size(); }
  // One past the highest byte ever placed: what has been touched.
  std::size_t high_water() const { return high_water_; }

  // Regions start on cache lines, so no two photos share one.
  static constexpr std::size_t kAlign = 64;

 private:
  struct Region {
    std::int64_t photo;
    std::size_t at;
    std::size_t bytes;  // rounded up to kAlign
  };
  std::size_t capacity_;
  std::size_t high_water_ = 0;
  std::vector<Region> live_;  // by offset
};

}  // namespace photoscore::mpi
