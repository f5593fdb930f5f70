#include "run/photo_thumbnail.hpp"

#include <exception>
#include <memory>
#include <vector>

#include "image/thumbnail.hpp"
#include "run/memory_budget.hpp"
#include "run/process_image.hpp"

namespace photoscore {

std::function<Thumbnail(const std::string& path)> thumbnail_maker(int side, const DecodeLimits& limits,
                                                                  std::uint64_t memory_budget) {
  auto budget = std::make_shared<MemoryBudget>(memory_budget);
  return [side, limits, budget](const std::string& path) -> Thumbnail {
    // A thumbnail decodes at most what scoring the photo did (a JPEG at a
    // DCT scaling near the size wanted): the scoring estimate bounds it.
    const PhotoMemory estimate = budget->total() ? photo_memory_estimate(path, limits) : PhotoMemory{};
    if (!budget->acquire(estimate.bytes)) return {};
    const Reservation held(*budget, estimate.bytes);
    DecodeLimits photo_limits = limits;
    photo_limits.decoder_memory = decoder_allowance(estimate, budget->total());
    std::vector<std::uint8_t> bytes;
    std::string error;
    if (!read_photo(path, bytes, error, limits.max_file_bytes)) return {};
    try {
      // The EXIF details come from these same bytes, read within the
      // limits above: nothing else of the photo is opened.
      return photo_thumbnail(bytes, side, 75, photo_limits);
    } catch (const std::exception&) {
      return {};  // changed since it was scored: the page shows no picture
    }
  };
}

}  // namespace photoscore
