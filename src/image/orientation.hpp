#pragma once
// A photo's Orientation tag (TIFF's, and EXIF's, which means the same) put
// into its pixels: what the TIFF decoder does, as Pillow does, and what the
// report's thumbnails do with a JPEG's EXIF orientation (scoring leaves a
// JPEG as stored, as Pillow's decoder does).
#include <cstdint>

#include "image/rgb_image.hpp"

namespace photoscore {

// `stored` as it is meant to be seen under Orientation `orientation` (1-8:
// 2-4 mirror, 5-8 also swap the axes, 6 is "rotate 90 degrees clockwise");
// any other value leaves it as stored.
RgbImage apply_orientation(RgbImage stored, std::uint16_t orientation);

}  // namespace photoscore
