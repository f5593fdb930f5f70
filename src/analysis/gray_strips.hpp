#pragma once
// The shared front of every analyzer: the photo's scaled gray levels, made
// strip by strip into a small padded buffer that stays in cache while each
// analyzer sweeps it. The whole gray image never exists in memory.
#include <cstdint>
#include <functional>
#include <vector>

#include "analysis/analyzer.hpp"

namespace photoscore {

// Rows per strip: about 256 KiB of gray for a 4000-pixel-wide photo.
inline constexpr int kStripRows = 16;

// Fills `out` (width + 2 elements) with row y's scaled gray levels at
// out[1..width] and the mirrored edges at out[0] and out[width + 1].
void gray_row(const RgbImage& image, int y, std::int32_t* out);

// Calls visit(strip, slot) for every strip of the photo, on up to `threads`
// OpenMP threads; slot is the calling thread's number in [0, threads).
// `buffers` holds one padded strip buffer per thread and is reused.
void for_each_strip(const RgbImage& image, int threads, std::vector<std::vector<std::int32_t>>& buffers,
                    const std::function<void(const Strip&, int)>& visit);

}  // namespace photoscore
