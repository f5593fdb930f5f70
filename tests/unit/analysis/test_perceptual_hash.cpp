// Perceptual hashes (analysis/perceptual_hash.hpp): the gray grid against a
// pixel-by-pixel reference, the DCT hash against the same DCT in floating
// point, what the hashes must not see (a brightness offset, the row stride)
// and what they must (a photo from another).
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <numbers>
#include <random>
#include <string>
#include <vector>

#include "analysis/perceptual_hash.hpp"
#include "image/decode.hpp"

namespace photoscore {
namespace {

RgbImage load(const std::string& name) {
  std::ifstream in(std::string(PHOTOSCORE_TEST_DATA) + "/photos/" + name, std::ios::binary);
  const std::vector<std::uint8_t> bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  return decode_image(bytes);
}

// Smooth random blobs plus grain, values kept in [lo, hi].
RgbImage texture(int width, int height, unsigned seed, int lo = 0, int hi = 255) {
  std::mt19937 rng(seed);
  RgbImage img;
  img.width = width;
  img.height = height;
  img.rgb.resize(3 * img.pixels());
  std::uniform_real_distribution<double> unit(0, 1);
  struct Blob {
    double x, y, r, c[3];
  };
  std::vector<Blob> blobs(12);
  for (auto& b : blobs)
    b = {unit(rng) * width, unit(rng) * height, 5 + unit(rng) * width / 3, {unit(rng), unit(rng), unit(rng)}};
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      for (int ch = 0; ch < 3; ++ch) {
        double v = 0.2;
        for (const auto& b : blobs) {
          const double d2 = ((x - b.x) * (x - b.x) + (y - b.y) * (y - b.y)) / (b.r * b.r);
          v += b.c[ch] * std::exp(-d2);
        }
        const double grain = (static_cast<int>(rng() % 9) - 4) / 255.0;
        const double value = lo + (hi - lo) * std::clamp(v / 2.5 + grain, 0.0, 1.0);
        img.rgb[3 * (static_cast<std::size_t>(y) * width + x) + ch] =
            static_cast<std::uint8_t>(std::lround(value));
      }
    }
  }
  return img;
}

std::uint64_t phash(const RgbImage& i) { return dct_hash(i.rgb.data(), i.width, i.height, 3 * i.width); }
std::uint64_t dhash(const RgbImage& i) {
  return difference_hash(i.rgb.data(), i.width, i.height, 3 * i.width);
}
std::uint64_t whash(const RgbImage& i) { return wavelet_hash(i.rgb.data(), i.width, i.height, 3 * i.width); }

// Pixel (x, y)'s cell bounds, straight from the definition.
TEST(PerceptualHash, GrayGridIsTheMeanOfEachCell) {
  for (const auto& [w, h, cols, rows] : std::vector<std::array<int, 4>>{
           {101, 67, 32, 32}, {9, 8, 9, 8}, {5, 3, 9, 8}, {1, 1, 32, 32}, {640, 427, 9, 8}}) {
    const RgbImage img = texture(w, h, static_cast<unsigned>(w * 1000 + h));
    // Rows padded to a wider stride, the padding full of 255s that must not count.
    const std::size_t stride = 3 * static_cast<std::size_t>(w) + 7;
    std::vector<std::uint8_t> padded(stride * h, 255);
    for (int y = 0; y < h; ++y) std::copy_n(img.row(y), 3 * w, padded.begin() + y * stride);
    for (const int per_cell : {0, 8, 3, 1}) {
      const auto grid = gray_grid(padded.data(), w, h, stride, cols, rows, per_cell);
      ASSERT_EQ(grid.size(), static_cast<std::size_t>(cols * rows));
      for (int cy = 0; cy < rows; ++cy) {
        for (int cx = 0; cx < cols; ++cx) {
          const int x0 = cx * w / cols, y0 = cy * h / rows;
          const int x1 = std::max((cx + 1) * w / cols, x0 + 1), y1 = std::max((cy + 1) * h / rows, y0 + 1);
          // The rows averaged: all, or per_cell of them, each the middle row
          // of one of per_cell equal slices.
          std::vector<int> ys;
          const int span = y1 - y0;
          if (per_cell == 0 || per_cell >= span) {
            for (int y = y0; y < y1; ++y) ys.push_back(y);
          } else {
            for (int j = 0; j < per_cell; ++j) {
              const double middle = y0 + (j + 0.5) * span / per_cell;
              ys.push_back(static_cast<int>(std::floor(middle)));
            }
          }
          std::uint64_t sum = 0, count = 0;
          for (const int y : ys) {
            for (int x = x0; x < x1; ++x) {
              const std::uint8_t* p = img.row(y) + 3 * x;
              sum += 77u * p[0] + 150u * p[1] + 29u * p[2];
              ++count;
            }
          }
          EXPECT_EQ(grid[cy * cols + cx], sum / count)
              << w << "x" << h << " cell " << cx << "," << cy << " rows a cell " << per_cell;
        }
      }
    }
  }
}

TEST(PerceptualHash, DctHashIsTheDctOfTheGrid) {
  // The same DCT in double with libm's cosines; the bits agree wherever the
  // coefficient is not within rounding of the median.
  for (unsigned seed = 1; seed <= 6; ++seed) {
    const RgbImage img = texture(320 + 13 * static_cast<int>(seed), 240, seed);
    const auto grid = gray_grid(img.rgb.data(), img.width, img.height, 3 * img.width, 32, 32);
    std::vector<double> coef(64);
    for (int v = 1; v <= 8; ++v) {
      for (int u = 1; u <= 8; ++u) {
        double sum = 0;
        for (int y = 0; y < 32; ++y) {
          for (int x = 0; x < 32; ++x) {
            sum += std::cos(std::numbers::pi * (2 * x + 1) * u / 64) *
                   std::cos(std::numbers::pi * (2 * y + 1) * v / 64) * grid[32 * y + x];
          }
        }
        coef[8 * (v - 1) + (u - 1)] = sum;
      }
    }
    std::vector<double> sorted = coef;
    std::sort(sorted.begin(), sorted.end());
    const double median = (sorted[31] + sorted[32]) / 2;
    // The integer basis is the cosines x 16384 within 0.5, so a coefficient
    // (scaled back) is off by at most sum(grid) / 16384; bits closer than
    // twice that to the median may go either way.
    double total = 0;
    for (const auto g : grid) total += g;
    const double tolerance = 2 * total / 16384;
    const std::uint64_t hash = phash(img);
    int compared = 0;
    for (int i = 0; i < 64; ++i) {
      if (std::abs(coef[i] - median) <= tolerance) continue;
      ++compared;
      EXPECT_EQ((hash >> i) & 1, coef[i] > median ? 1u : 0u) << "seed " << seed << " bit " << i;
    }
    EXPECT_GE(compared, 56);
  }
}

TEST(PerceptualHash, DifferenceHashReadsHorizontalGradients) {
  RgbImage ramp;
  ramp.width = 90;
  ramp.height = 40;
  ramp.rgb.resize(3 * ramp.pixels());
  for (int y = 0; y < ramp.height; ++y) {
    for (int x = 0; x < ramp.width; ++x) {
      for (int c = 0; c < 3; ++c)
        ramp.rgb[3 * (y * ramp.width + x) + c] = static_cast<std::uint8_t>(2 * x + y);
    }
  }
  EXPECT_EQ(dhash(ramp), ~std::uint64_t{0});
  RgbImage mirrored = ramp;
  for (int y = 0; y < ramp.height; ++y) {
    for (int x = 0; x < ramp.width; ++x) {
      for (int c = 0; c < 3; ++c) {
        mirrored.rgb[3 * (y * ramp.width + x) + c] =
            ramp.rgb[3 * (y * ramp.width + (ramp.width - 1 - x)) + c];
      }
    }
  }
  EXPECT_EQ(dhash(mirrored), 0u);
}

TEST(PerceptualHash, ABrightnessOffsetChangesNoBit) {
  // Every channel + 40 with nothing clipped: each cell's mean moves by the
  // same 40 x 256, so comparisons, medians and the DCT's non-DC terms (its
  // integer basis rows sum to exactly zero) see nothing.
  const RgbImage base = texture(333, 222, 9, 10, 200);
  RgbImage brighter = base;
  for (auto& v : brighter.rgb) v = static_cast<std::uint8_t>(v + 40);
  EXPECT_EQ(phash(brighter), phash(base));
  EXPECT_EQ(dhash(brighter), dhash(base));
  EXPECT_EQ(whash(brighter), whash(base));
}

RgbImage half_size(const RgbImage& in) {
  RgbImage out;
  out.width = in.width / 2;
  out.height = in.height / 2;
  out.rgb.resize(3 * out.pixels());
  for (int y = 0; y < out.height; ++y) {
    for (int x = 0; x < out.width; ++x) {
      for (int c = 0; c < 3; ++c) {
        const int sum = in.row(2 * y)[3 * 2 * x + c] + in.row(2 * y)[3 * (2 * x + 1) + c] +
                        in.row(2 * y + 1)[3 * 2 * x + c] + in.row(2 * y + 1)[3 * (2 * x + 1) + c];
        out.rgb[3 * (static_cast<std::size_t>(y) * out.width + x) + c] =
            static_cast<std::uint8_t>((sum + 2) / 4);
      }
    }
  }
  return out;
}

TEST(PerceptualHash, SamePhotoNearDifferentPhotosFar) {
  const std::vector<std::string> names = {"chelsea.png", "coffee.png", "rocket.jpg", "astronaut.png",
                                          "camera.png"};
  std::vector<std::uint64_t> hashes;
  for (const auto& name : names) {
    const RgbImage img = load(name);
    const std::uint64_t h = perceptual_hash(img);
    EXPECT_LE(hash_distance(h, perceptual_hash(half_size(img))), 4) << name << " and its half-size copy";
    hashes.push_back(h);
  }
  for (std::size_t a = 0; a < hashes.size(); ++a) {
    for (std::size_t b = a + 1; b < hashes.size(); ++b) {
      EXPECT_GE(hash_distance(hashes[a], hashes[b]), 16) << names[a] << " and " << names[b];
    }
  }
  // The decoders' other formats of one photo: the same content.
  EXPECT_LE(hash_distance(perceptual_hash(load("rocket.jpg")), perceptual_hash(load("rocket.tiff"))), 2);
}

TEST(PerceptualHash, SharedPixelsAndDegenerateSizes) {
  const RgbImage img = texture(64, 48, 4);
  RgbImage view;
  view.width = img.width;
  view.height = img.height;
  view.shared = img.rgb.data();
  EXPECT_EQ(perceptual_hash(view), perceptual_hash(img));
  EXPECT_EQ(perceptual_hash(RgbImage{}), 0u);
  // A 1x1 photo repeats its pixel over the grid: all coefficients 0, no bit above the median.
  const RgbImage dot = texture(1, 1, 5);
  EXPECT_EQ(phash(dot), 0u);
  EXPECT_EQ(dhash(dot), 0u);
}

}  // namespace
}  // namespace photoscore
