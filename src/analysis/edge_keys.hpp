#pragma once
// Composition's sweep (analyzers/composition.cpp): every pixel's Sobel
// magnitude as a 16-bit key, monotone in the magnitude, and a histogram of
// the keys, strip by strip. The squared magnitude gx^2 + gy^2 is an exact
// integer (below 2^42); its key is its double's exponent and top
// kEdgeKeyMantissaBits mantissa bits, so the histogram names the key bucket of
// any order statistic with no sort, and only the few pixels in that bucket
// need their exact magnitudes.
#include <cstdint>

#include "analysis/analyzer.hpp"

namespace photoscore {

inline constexpr int kEdgeKeyMantissaBits = 7;
// Squared magnitudes are below 2^42: exponents 0..41, plus the key 0 for 0.
inline constexpr int kEdgeKeys = 1 + 42 * (1 << kEdgeKeyMantissaBits);
// Each histogram is kept as this many interleaved copies, pixel x counting
// in copy x % kEdgeKeyCopies: neighbouring pixels mostly share a key (smooth areas),
// and consecutive increments of one counter would each wait for the last.
inline constexpr int kEdgeKeyCopies = 4;

// Writes the keys of the strip's pixels into `keys` (one a pixel of the
// whole photo, row-major) and counts them in `hist` (kEdgeKeyCopies x kEdgeKeys
// counters, pixel x counting in copy x % kEdgeKeyCopies).
void edge_keys(const Strip& s, std::uint16_t* keys, std::uint32_t* hist);

}  // namespace photoscore
