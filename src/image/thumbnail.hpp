#pragma once
// Small JPEG thumbnails of photos, for the HTML report.
#include <cstdint>
#include <span>
#include <string>

#include "image/decode.hpp"
#include "image/exif_details.hpp"
#include "image/rgb_image.hpp"

namespace photoscore {

// A photo's thumbnail and the EXIF details its card shows beside it.
struct Thumbnail {
  std::string jpeg;  // baseline JPEG bytes, upright
  ExifDetails exif;  // a JPEG's (what its Exif block says); none for other formats
};

// The photo in `bytes` as jpeg_thumbnail makes it, turned upright by its EXIF
// orientation (a JPEG's: TIFF's own is applied by its decoder, and HEIC's by
// libheif), with its EXIF details; both from the one copy of the bytes.
// Throws DecodeError when the photo cannot be decoded.
Thumbnail photo_thumbnail(std::span<const std::uint8_t> bytes, int max_side, int quality = 80,
                          const DecodeLimits& limits = {});

// The photo in `bytes` scaled down (box filter) so its longer side is at most
// `max_side` pixels, as baseline JPEG bytes of this `quality`. JPEGs are
// decoded at a DCT scaling near the size wanted, so a 24-megapixel photo
// costs a fraction of a full decode. Decoded within `limits` (the job's: its
// pixel limit, its decoder helpers), as scoring decodes; upright (see
// photo_thumbnail). Throws DecodeError when the photo cannot be decoded.
std::string jpeg_thumbnail(std::span<const std::uint8_t> bytes, int max_side, int quality = 80,
                           const DecodeLimits& limits = {});

// `image` scaled down to fit `max_side` (a copy when it already does).
RgbImage shrink_to_fit(const RgbImage& image, int max_side);

// `image` as baseline JPEG bytes.
std::string encode_jpeg(const RgbImage& image, int quality);

}  // namespace photoscore
