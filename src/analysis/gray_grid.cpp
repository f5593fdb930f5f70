#include <algorithm>

#include "analysis/perceptual_hash.hpp"

namespace photoscore {

namespace {

// Cell c's pixels along a side of n pixels cut into `cells`: [first, end).
struct Span {
  int first;
  int end;
};

Span cell_span(int c, int n, int cells) {
  const auto first = static_cast<int>(static_cast<long long>(c) * n / cells);
  const auto end = static_cast<int>(static_cast<long long>(c + 1) * n / cells);
  return {first, std::max(end, first + 1)};
}

}  // namespace

std::vector<std::uint32_t> gray_grid(const std::uint8_t* rgb, int width, int height, std::size_t row_stride,
                                     int columns, int rows, int rows_per_cell) {
  std::vector<std::uint32_t> grid(static_cast<std::size_t>(columns) * static_cast<std::size_t>(rows), 0);
  if (width <= 0 || height <= 0 || rgb == nullptr) return grid;
  std::vector<Span> xs(static_cast<std::size_t>(columns));
  for (int cx = 0; cx < columns; ++cx) xs[cx] = cell_span(cx, width, columns);
  std::vector<std::uint64_t> sums(static_cast<std::size_t>(columns));
  for (int cy = 0; cy < rows; ++cy) {
    const Span ys = cell_span(cy, height, rows);
    const int span = ys.end - ys.first;
    const int sampled = rows_per_cell > 0 ? std::min(span, rows_per_cell) : span;
    std::fill(sums.begin(), sums.end(), 0);
    for (int j = 0; j < sampled; ++j) {
      // The centres of `sampled` equal slices of the cell's rows (every row
      // when none are skipped).
      const int y = ys.first + static_cast<int>((2 * static_cast<long long>(j) + 1) * span / (2 * sampled));
      const std::uint8_t* row = rgb + static_cast<std::size_t>(y) * row_stride;
      for (int cx = 0; cx < columns; ++cx) {
        // A row's part of a cell: each channel summed alone in 32 bits
        // (which vectorizes), weighted once at the end (the same sum, as it
        // is linear), in pieces of at most 65,536 pixels, whose weighted sum
        // (at most 65,536 x 65,280) still fits.
        for (int start = xs[cx].first; start < xs[cx].end; start += 65536) {
          const int stop = std::min(xs[cx].end, start + 65536);
          std::uint32_t r = 0, g = 0, b = 0;
          const std::uint8_t* p = row + 3 * static_cast<std::size_t>(start);
          for (int x = start; x < stop; ++x, p += 3) {
            r += p[0];
            g += p[1];
            b += p[2];
          }
          sums[cx] += 77u * r + 150u * g + 29u * b;
        }
      }
    }
    for (int cx = 0; cx < columns; ++cx) {
      const auto count =
          static_cast<std::uint64_t>(xs[cx].end - xs[cx].first) * static_cast<std::uint64_t>(sampled);
      grid[static_cast<std::size_t>(cy) * columns + cx] = static_cast<std::uint32_t>(sums[cx] / count);
    }
  }
  return grid;
}

}  // namespace photoscore
