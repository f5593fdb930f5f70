#include "image/heif_capture_time.hpp"

#include <cstdint>
#include <cstring>
#include <new>
#include <vector>

namespace photoscore {

std::optional<CaptureTime> heif_capture_time(const heif_image_handle* image) {
  heif_item_id id = 0;
  if (heif_image_handle_get_list_of_metadata_block_IDs(image, "Exif", &id, 1) != 1) return std::nullopt;
  // The item: a 4-byte big-endian offset, then that many bytes before the
  // TIFF header (usually "Exif\0\0", or none), then the Exif block.
  const std::size_t size = heif_image_handle_get_metadata_size(image, id);
  if (size < 4 || size > kMaxExifBlockBytes + 64) return std::nullopt;
  try {
    std::vector<std::uint8_t> item(size);
    if (heif_image_handle_get_metadata(image, id, item.data()).code != heif_error_Ok) return std::nullopt;
    const std::uint64_t skip = (std::uint64_t{item[0]} << 24) | (std::uint64_t{item[1]} << 16) |
                               (std::uint64_t{item[2]} << 8) | std::uint64_t{item[3]};
    if (skip > size - 4) return std::nullopt;
    std::span<const std::uint8_t> block(item.data() + 4 + skip, size - 4 - skip);
    // Some writers put "Exif\0\0" there and still say 0.
    static constexpr std::uint8_t kExif[6] = {'E', 'x', 'i', 'f', 0, 0};
    if (block.size() > 6 && std::memcmp(block.data(), kExif, 6) == 0) block = block.subspan(6);
    return exif_capture_time(block);
  } catch (const std::bad_alloc&) {
    return std::nullopt;
  }
}

}  // namespace photoscore
