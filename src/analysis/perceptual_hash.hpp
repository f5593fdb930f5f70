#pragma once
// Perceptual hashes of a decoded photo, for finding bursts and near-duplicates
// (docs/groups.md): 64 bits that change little when the photo is resized,
// re-encoded, shifted by a few pixels or brightened, so that the Hamming
// distance between two photos' hashes says how alike they look.
//
// Each is a pure function of the pixels: integer arithmetic only, in a fixed
// order, with the DCT's cosines as integer constants (no libm), so a photo
// has the same hash on every machine, compiler, flag, thread and rank count.
//
// The pixels: 8-bit RGB, `width` x `height`, row y starting at
// rgb + y * row_stride (bytes); the photo's gray is (77 R + 150 G + 29 B) / 256.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "image/rgb_image.hpp"

namespace photoscore {

// The photo's gray averaged over a `columns` x `rows` grid of cells: cell
// (cx, cy) covers x in [cx * width / columns, (cx + 1) * width / columns) and
// likewise y (at least one pixel, so a photo smaller than the grid repeats
// pixels), its mean gray x 256 rounded down. Row-major, `rows` x `columns`
// values. An empty photo gives all zeros.
//
// With rows_per_cell > 0, a cell of more rows than that is averaged over
// rows_per_cell of them only, the middle rows of equal slices (of the cell's
// `span` rows, row first + ((2 j + 1) span) / (2 rows_per_cell) for j = 0,
// 1, ...): the mean changes little, and the rows skipped are never read from
// memory, which is what the hash's time is made of (docs/groups.md).
std::vector<std::uint32_t> gray_grid(const std::uint8_t* rgb, int width, int height, std::size_t row_stride,
                                     int columns, int rows, int rows_per_cell = 0);

// The rows a cell of the hashes' grids is averaged over (at most).
inline constexpr int kHashRowsPerCell = 8;

// dHash: the gray on a 9 x 8 grid; bit 8 y + x is set when cell (x, y) is
// darker than cell (x + 1, y). Sees the direction of horizontal gradients.
std::uint64_t difference_hash(const std::uint8_t* rgb, int width, int height, std::size_t row_stride);

// pHash: the gray on a 32 x 32 grid, its 2-D DCT-II, and the 8 x 8 lowest
// frequencies after the first row and column (u, v = 1..8, so not the mean
// and not the pure vertical or horizontal ramps' DC mix); bit 8 (v - 1) +
// (u - 1) is set when the coefficient is above the median of the 64. Sees the
// photo's coarse layout; brightness and contrast shift every coefficient
// alike and leave the bits be.
std::uint64_t dct_hash(const std::uint8_t* rgb, int width, int height, std::size_t row_stride);

// Wavelet hash with the Haar wavelet: the Haar transform's low-low band at
// 8 x 8 is the gray's mean over an 8 x 8 grid (up to a constant), so bit
// 8 y + x is set when cell (x, y) is brighter than the median cell.
std::uint64_t wavelet_hash(const std::uint8_t* rgb, int width, int height, std::size_t row_stride);

// The hash photoscore records for a photo (docs/groups.md says why this
// one), of a decoded image as the analyzers see it.
std::uint64_t perceptual_hash(const RgbImage& image);

// How many of the 64 bits differ.
int hash_distance(std::uint64_t a, std::uint64_t b);

// A hash as rows carry it: 16 lowercase hex digits (JSON numbers would lose
// bits in most readers), and back (none for anything else).
std::string hash_text(std::uint64_t hash);
std::optional<std::uint64_t> hash_from_text(std::string_view text);

}  // namespace photoscore
