#include "comm/pixel_arena.hpp"

#include <algorithm>

namespace photoscore::mpi {

void PixelArena::release(std::int64_t released) {
  std::erase_if(live_, [&](const Region& r) { return r.photo < released; });
}

std::optional<std::size_t> PixelArena::place(std::int64_t photo, std::size_t bytes) {
  const std::size_t need = (bytes + kAlign - 1) / kAlign * kAlign;
  if (need == 0 || need > capacity_) return std::nullopt;
  // A handful of photos are in flight: a walk over them is enough.
  std::size_t at = 0;
  auto it = live_.begin();
  for (; it != live_.end(); ++it) {
    if (it->at - at >= need) break;
    at = it->at + it->bytes;
  }
  if (it == live_.end() && capacity_ - at < need) return std::nullopt;
  live_.insert(it, {photo, at, need});
  high_water_ = std::max(high_water_, at + need);
  return at;
}

}  // namespace photoscore::mpi
