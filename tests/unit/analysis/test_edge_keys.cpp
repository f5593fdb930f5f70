// Composition's key sweep (analysis/edge_keys.hpp) against its definition,
// computed here another way: a pixel's key is 128 e + m + 1 for a squared
// Sobel magnitude M = 2^e (1 + m/128 + ...), 0 for M = 0. Named Analyzers.*
// so that analyzers_portable_kernels runs it again on the portable loop:
// the AVX2 loop computes in floats and must give the same keys.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "analysis/avx2_dispatch.hpp"
#include "analysis/edge_keys.hpp"
#include "analysis/gray_strips.hpp"

namespace photoscore {
namespace {

int key_by_definition(std::int64_t gx, std::int64_t gy) {
  const std::int64_t m2 = gx * gx + gy * gy;
  if (m2 == 0) return 0;
  const int e = std::ilogb(static_cast<double>(m2));
  const auto mantissa = static_cast<int>(std::floor((std::ldexp(static_cast<double>(m2), -e) - 1.0) * 128.0));
  return 128 * e + mantissa + 1;
}

TEST(Analyzers, EdgeKeysAreTheSquaredMagnitudesExponentAndTopBits) {
  // Odd width, so the vector loops leave a tail; noise over a ramp, with a
  // flat block (key 0) and full-scale steps (the largest magnitudes).
  const int w = 77, h = 41;
  RgbImage image;
  image.width = w;
  image.height = h;
  image.rgb.resize(3 * image.pixels());
  std::mt19937 random(19);
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      std::uint8_t* p = image.rgb.data() + 3 * (static_cast<std::size_t>(y) * w + x);
      for (int c = 0; c < 3; ++c)
        p[c] = static_cast<std::uint8_t>((x * 3 + static_cast<int>(random() % 40)) % 256);
      if (x < 10 && y < 10) p[0] = p[1] = p[2] = 90;
      if (x >= 60) p[0] = p[1] = p[2] = (x + y) % 2 ? 255 : 0;
    }
  }
  std::vector<std::uint16_t> keys(image.pixels());
  std::vector<std::uint32_t> hist(std::size_t{kEdgeKeyCopies} * kEdgeKeys, 0);
  std::vector<std::vector<std::int32_t>> buffers;
  for_each_strip(image, 1, buffers, [&](const Strip& s, int) { edge_keys(s, keys.data(), hist.data()); });

  std::vector<std::int32_t> rows[3];
  for (auto& r : rows) r.resize(w + 2);
  std::vector<std::uint32_t> expected_hist(hist.size(), 0);
  int zeros = 0;
  for (int y = 0; y < h; ++y) {
    for (int d = 0; d < 3; ++d) gray_row(image, std::clamp(y - 1 + d, 0, h - 1), rows[d].data());
    for (int x = 0; x < w; ++x) {
      const auto g = [&](int d, int dx) { return static_cast<std::int64_t>(rows[d][x + 1 + dx]); };
      const std::int64_t gx = (g(0, 1) - g(0, -1)) + 2 * (g(1, 1) - g(1, -1)) + (g(2, 1) - g(2, -1));
      const std::int64_t gy = (g(2, -1) + 2 * g(2, 0) + g(2, 1)) - (g(0, -1) + 2 * g(0, 0) + g(0, 1));
      const int key = key_by_definition(gx, gy);
      zeros += key == 0;
      ASSERT_EQ(keys[static_cast<std::size_t>(y) * w + x], key) << "pixel " << x << "," << y;
      ++expected_hist[static_cast<std::size_t>(kEdgeKeyCopies * key + x % kEdgeKeyCopies)];
    }
  }
  EXPECT_GE(zeros, 64);  // the flat block's inside
  EXPECT_EQ(hist, expected_hist);
}

int portable_answer(int v) { return v + 1; }
int avx2_answer(int v) { return v + 2; }

TEST(Avx2Dispatch, TheAvx2VersionRunsOnlyWhereUseAvx2SaysAndExists) {
  EXPECT_EQ((avx2_or_portable<portable_answer, avx2_answer>(40)), use_avx2() ? 42 : 41);
  EXPECT_EQ((avx2_or_portable<portable_answer, nullptr>(40)), 41);
#if defined(__x86_64__)
  // The AVX2 build of a loop is that loop.
  EXPECT_EQ(kAvx2Build<portable_answer>(40), 41);
#endif
}

}  // namespace
}  // namespace photoscore
