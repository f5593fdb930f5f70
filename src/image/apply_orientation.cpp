#include <algorithm>
#include <cstddef>

#include "image/orientation.hpp"

namespace photoscore {

// An output pixel reads the stored one at
// (x, y), or (y, x) when swapped, then mirrored along x and/or y.
RgbImage apply_orientation(RgbImage stored, std::uint16_t orientation) {
  if (orientation < 2 || orientation > 8) return stored;
  const std::size_t w = static_cast<std::size_t>(stored.width);
  const std::size_t h = static_cast<std::size_t>(stored.height);
  const bool swap = orientation >= 5;
  // By orientation 2..8: 2 x, 3 both, 4 y, 5 none, 6 y, 7 both, 8 x.
  const bool mirror_x = orientation == 2 || orientation == 3 || orientation == 7 || orientation == 8;
  const bool mirror_y = orientation == 3 || orientation == 4 || orientation == 6 || orientation == 7;
  RgbImage out;
  out.width = swap ? stored.height : stored.width;
  out.height = swap ? stored.width : stored.height;
  out.rgb.resize(stored.rgb.size());
  const std::size_t ow = static_cast<std::size_t>(out.width);
  const std::size_t oh = static_cast<std::size_t>(out.height);
  for (std::size_t oy = 0; oy < oh; ++oy) {
    for (std::size_t ox = 0; ox < ow; ++ox) {
      std::size_t sx = swap ? oy : ox;
      std::size_t sy = swap ? ox : oy;
      if (mirror_x) sx = w - 1 - sx;
      if (mirror_y) sy = h - 1 - sy;
      const std::uint8_t* src = stored.rgb.data() + 3 * (sy * w + sx);
      std::copy_n(src, 3, out.rgb.data() + 3 * (oy * ow + ox));
    }
  }
  return out;
}

}  // namespace photoscore
