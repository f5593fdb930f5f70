#include "analysis/perceptual_hash.hpp"

#include <algorithm>
#include <array>
#include <bit>

namespace photoscore {

namespace {

// round(16384 cos(pi (2 x + 1) u / 64)) for u = 1..8 (rows) and x = 0..31:
// the 32-point DCT-II's basis at the frequencies dct_hash keeps, as integer
// constants so that no libm cosine (which may differ in its last bit between
// libraries) decides a bit of the hash.
constexpr int kDctBasis[8][32] = {
    {16364, 16207,  15893,  15426,  14811,  14053,  13160,  12140,  11003,  9760,  8423,
     7005,  5520,   3981,   2404,   804,    -804,   -2404,  -3981,  -5520,  -7005, -8423,
     -9760, -11003, -12140, -13160, -14053, -14811, -15426, -15893, -16207, -16364},
    {16305,  15679,  14449,  12665,  10394,  7723,   4756,   1606,   -1606,  -4756,  -7723,
     -10394, -12665, -14449, -15679, -16305, -16305, -15679, -14449, -12665, -10394, -7723,
     -4756,  -1606,  1606,   4756,   7723,   10394,  12665,  14449,  15679,  16305},
    {16207,  14811,  12140,  8423,  3981,  -804,  -5520, -9760,  -13160, -15426, -16364,
     -15893, -14053, -11003, -7005, -2404, 2404,  7005,  11003,  14053,  15893,  16364,
     15426,  13160,  9760,   5520,  804,   -3981, -8423, -12140, -14811, -16207},
    {16069,  13623,  9102,   3196,   -3196, -9102, -13623, -16069, -16069, -13623, -9102,
     -3196,  3196,   9102,   13623,  16069, 16069, 13623,  9102,   3196,   -3196,  -9102,
     -13623, -16069, -16069, -13623, -9102, -3196, 3196,   9102,   13623,  16069},
    {15893, 12140, 5520,  -2404, -9760, -14811, -16364, -14053, -8423,  -804,   7005,
     13160, 16207, 15426, 11003, 3981,  -3981,  -11003, -15426, -16207, -13160, -7005,
     804,   8423,  14053, 16364, 14811, 9760,   2404,   -5520,  -12140, -15893},
    {15679, 10394, 1606,  -7723,  -14449, -16305, -12665, -4756, 4756,  12665, 16305,
     14449, 7723,  -1606, -10394, -15679, -15679, -10394, -1606, 7723,  14449, 16305,
     12665, 4756,  -4756, -12665, -16305, -14449, -7723,  1606,  10394, 15679},
    {15426,  8423,   -2404,  -12140, -16364, -13160, -3981, 7005,  14811, 15893, 9760,
     -804,   -11003, -16207, -14053, -5520,  5520,   14053, 16207, 11003, 804,   -9760,
     -15893, -14811, -7005,  3981,   13160,  16364,  12140, 2404,  -8423, -15426},
    {15137,  6270,   -6270, -15137, -15137, -6270,  6270,   15137, 15137,  6270,   -6270,
     -15137, -15137, -6270, 6270,   15137,  15137,  6270,   -6270, -15137, -15137, -6270,
     6270,   15137,  15137, 6270,   -6270,  -15137, -15137, -6270, 6270,   15137},
};

// Bit i set where values[i] is above the median of the 64 (the mean of the
// 32nd and 33rd smallest, compared doubled so nothing is halved).
template <typename T>
std::uint64_t above_median(const std::array<T, 64>& values) {
  std::array<T, 64> sorted = values;
  std::sort(sorted.begin(), sorted.end());
  const T twice_median = sorted[31] + sorted[32];
  std::uint64_t bits = 0;
  for (int i = 0; i < 64; ++i) {
    if (2 * values[i] > twice_median) bits |= std::uint64_t{1} << i;
  }
  return bits;
}

}  // namespace

std::uint64_t difference_hash(const std::uint8_t* rgb, int width, int height, std::size_t row_stride) {
  const std::vector<std::uint32_t> grid = gray_grid(rgb, width, height, row_stride, 9, 8, kHashRowsPerCell);
  std::uint64_t bits = 0;
  for (int y = 0; y < 8; ++y) {
    for (int x = 0; x < 8; ++x) {
      if (grid[9 * y + x] < grid[9 * y + x + 1]) bits |= std::uint64_t{1} << (8 * y + x);
    }
  }
  return bits;
}

std::uint64_t dct_hash(const std::uint8_t* rgb, int width, int height, std::size_t row_stride) {
  const std::vector<std::uint32_t> grid = gray_grid(rgb, width, height, row_stride, 32, 32, kHashRowsPerCell);
  // Along the rows first: rows[y][u] = sum_x basis[u][x] grid[y][x], at most
  // 32 x 16,384 x 65,280 (< 2^36); then down the columns, at most 2^55: exact
  // in 64 bits, and the same sums in the same order everywhere.
  std::int64_t rows[32][8];
  for (int y = 0; y < 32; ++y) {
    for (int u = 0; u < 8; ++u) {
      std::int64_t sum = 0;
      for (int x = 0; x < 32; ++x) sum += std::int64_t{kDctBasis[u][x]} * grid[32 * y + x];
      rows[y][u] = sum;
    }
  }
  std::array<std::int64_t, 64> coefficients{};
  for (int v = 0; v < 8; ++v) {
    for (int u = 0; u < 8; ++u) {
      std::int64_t sum = 0;
      for (int y = 0; y < 32; ++y) sum += std::int64_t{kDctBasis[v][y]} * rows[y][u];
      coefficients[8 * v + u] = sum;
    }
  }
  return above_median(coefficients);
}

std::uint64_t wavelet_hash(const std::uint8_t* rgb, int width, int height, std::size_t row_stride) {
  const std::vector<std::uint32_t> grid = gray_grid(rgb, width, height, row_stride, 8, 8, kHashRowsPerCell);
  std::array<std::int64_t, 64> cells{};
  for (int i = 0; i < 64; ++i) cells[i] = grid[i];
  return above_median(cells);
}

std::uint64_t perceptual_hash(const RgbImage& image) {
  if (image.width <= 0 || image.height <= 0) return 0;
  return dct_hash(image.row(0), image.width, image.height, 3 * static_cast<std::size_t>(image.width));
}

int hash_distance(std::uint64_t a, std::uint64_t b) { return std::popcount(a ^ b); }

std::string hash_text(std::uint64_t hash) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string text(16, '0');
  for (int i = 15; i >= 0; --i, hash >>= 4) text[static_cast<std::size_t>(i)] = kHex[hash & 15];
  return text;
}

std::optional<std::uint64_t> hash_from_text(std::string_view text) {
  if (text.size() != 16) return std::nullopt;
  std::uint64_t hash = 0;
  for (const char c : text) {
    const int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    if (digit < 0) return std::nullopt;
    hash = hash << 4 | static_cast<std::uint64_t>(digit);
  }
  return hash;
}

}  // namespace photoscore
