// The calibrated profile's analyzers (docs/profiles.md) on synthetic photos:
// focus falls with blur, reads the same verdict across downscales, finds a
// small sharp subject, is not fooled by noise, and gives the same bytes
// however the strips are split. Expected values come from how the images are
// built, not from photoscore.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "analysis/score_image.hpp"
#include "image/working_image.hpp"
#include "analyzers/profile.hpp"

namespace photoscore {
namespace {

RgbImage gray_image(int w, int h, const std::vector<double>& g) {
  RgbImage img;
  img.width = w;
  img.height = h;
  img.rgb.resize(static_cast<std::size_t>(w) * h * 3);
  for (std::size_t i = 0; i < g.size(); ++i) {
    const auto v = static_cast<std::uint8_t>(std::clamp(std::lround(g[i]), 0L, 255L));
    img.rgb[3 * i] = img.rgb[3 * i + 1] = img.rgb[3 * i + 2] = v;
  }
  return img;
}

// A detailed scene: random discs of random gray levels (hard edges at every
// scale, like leaves or text), mid-gray on average.
std::vector<double> scene(int w, int h, unsigned seed = 7) {
  std::vector<double> g(static_cast<std::size_t>(w) * h, 128.0);
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  for (int k = 0; k < 4000; ++k) {
    const double cx = u(rng) * w, cy = u(rng) * h, r = 2.0 + u(rng) * w / 40.0, v = 40.0 + u(rng) * 175.0;
    for (int y = std::max(0, int(cy - r)); y < std::min(h, int(cy + r) + 1); ++y)
      for (int x = std::max(0, int(cx - r)); x < std::min(w, int(cx + r) + 1); ++x)
        if ((x - cx) * (x - cx) + (y - cy) * (y - cy) <= r * r) g[std::size_t(y) * w + x] = v;
  }
  return g;
}

// Separable Gaussian blur with reflected borders.
std::vector<double> blur(const std::vector<double>& g, int w, int h, double sigma) {
  if (sigma <= 0) return g;
  const int r = static_cast<int>(std::ceil(3 * sigma));
  std::vector<double> k(2 * r + 1);
  double sum = 0;
  for (int i = -r; i <= r; ++i) sum += k[i + r] = std::exp(-i * i / (2 * sigma * sigma));
  for (double& v : k) v /= sum;
  auto at = [](int i, int n) { return i < 0 ? -i - 1 : (i >= n ? 2 * n - i - 1 : i); };
  std::vector<double> t(g.size()), out(g.size());
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      double s = 0;
      for (int i = -r; i <= r; ++i) s += k[i + r] * g[std::size_t(y) * w + at(x + i, w)];
      t[std::size_t(y) * w + x] = s;
    }
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      double s = 0;
      for (int i = -r; i <= r; ++i) s += k[i + r] * t[std::size_t(at(y + i, h)) * w + x];
      out[std::size_t(y) * w + x] = s;
    }
  return out;
}

// What decode_working_image does after decoding.
RgbImage working(const RgbImage& img) {
  const int long_side = std::max(img.width, img.height);
  if (long_side <= kWorkingLongSide) return img;
  RgbImage out;
  area_downscale(img, img.width * kWorkingLongSide / long_side, img.height * kWorkingLongSide / long_side, out);
  return out;
}

struct Sharpness {
  double focus;
  std::string verdict;
  double noise;
};

std::vector<AnalyzerResult> score_all(const RgbImage& img, int threads) {
  const Profile* p = find_profile("calibrated");
  std::vector<const AnalyzerSpec*> specs;
  for (const auto& s : p->analyzers) specs.push_back(&s);
  ImageScorer scorer(specs, threads);
  return scorer.score(img);
}

Sharpness sharpness(const RgbImage& img) {
  const auto r = score_all(working(img), 1);
  return {std::get<double>(r[0].values[0]), std::get<std::string>(r[0].values[2]), std::get<double>(r[0].values[3])};
}

TEST(Calibrated, ProfilesKeepTheSeedsKeys) {
  const Profile* seed = find_profile("seed");
  const Profile* cal = find_profile("calibrated");
  ASSERT_TRUE(seed && cal);
  ASSERT_EQ(seed->analyzers.size(), cal->analyzers.size());
  for (std::size_t i = 0; i < seed->analyzers.size(); ++i) {
    EXPECT_EQ(seed->analyzers[i].name, cal->analyzers[i].name);
    for (const auto& f : seed->analyzers[i].fields) {
      if (!f.headline) continue;
      const auto& cf = cal->analyzers[i].fields;
      EXPECT_TRUE(std::any_of(cf.begin(), cf.end(), [&](const FieldSpec& c) { return c.name == f.name && c.headline; }))
          << f.name;
    }
  }
  EXPECT_EQ(find_profile("nope"), nullptr);
}

TEST(Calibrated, AreaDownscaleIsTheExactAreaMean) {
  // 3 -> 2 columns: output 0 covers input 0 and half of 1, output 1 the
  // other half of 1 and input 2.
  RgbImage in = gray_image(3, 1, {0, 90, 210});
  RgbImage out;
  area_downscale(in, 2, 1, out);
  EXPECT_EQ(out.rgb[0], 30);   // (2*0 + 90) / 3
  EXPECT_EQ(out.rgb[3], 170);  // (90 + 2*210) / 3
  in = gray_image(2, 2, {10, 20, 30, 41});
  area_downscale(in, 1, 1, out);
  EXPECT_EQ(out.rgb[0], 25);  // 101 / 4 = 25.25
}

TEST(Calibrated, BlockingSeesAGridAndNotAGradient) {
  const int w = 256, h = 192;
  std::vector<double> blocks(std::size_t(w) * h), ramp(std::size_t(w) * h);
  std::mt19937 rng(3);
  std::vector<double> level(std::size_t(w / 8) * (h / 8));
  for (double& v : level) v = 60.0 + rng() % 120;
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      blocks[std::size_t(y) * w + x] = level[std::size_t(y / 8) * (w / 8) + x / 8];
      ramp[std::size_t(y) * w + x] = x * 255.0 / w;
    }
  EXPECT_GT(jpeg_blocking(gray_image(w, h, blocks), 8), 1.0);
  EXPECT_LT(jpeg_blocking(gray_image(w, h, ramp), 8), 0.01);
  EXPECT_EQ(jpeg_blocking(gray_image(w, h, blocks), 1), 0.0);
}

TEST(Calibrated, FocusFallsStrictlyWithBlur) {
  const int w = 2048, h = 1536;
  const auto g = scene(w, h);
  double last = 1e300;
  std::vector<std::string> verdicts;
  for (double sigma : {0.0, 1.0, 2.0, 3.0, 5.0, 8.0}) {
    const Sharpness s = sharpness(gray_image(w, h, blur(g, w, h, sigma)));
    EXPECT_LT(s.focus, last) << "sigma " << sigma;
    last = s.focus;
    verdicts.push_back(s.verdict);
  }
  EXPECT_EQ(verdicts.front(), "sharp");
  EXPECT_EQ(verdicts.back(), "blurry");
}

TEST(Calibrated, SameVerdictAtHalfAndQuarterSize) {
  const int w = 2048, h = 1536;
  const RgbImage full = gray_image(w, h, scene(w, h));
  RgbImage half, quarter;
  area_downscale(full, w / 2, h / 2, half);
  area_downscale(full, w / 4, h / 4, quarter);
  const std::string v = sharpness(full).verdict;
  EXPECT_EQ(v, "sharp");
  EXPECT_EQ(sharpness(half).verdict, v);
  EXPECT_EQ(sharpness(quarter).verdict, v);
}

TEST(Calibrated, SharpSubjectOnBlurredBackgroundIsNotBlurry) {
  const int w = 1024, h = 768;
  const auto g = scene(w, h);
  const auto soft = blur(g, w, h, 4.0);
  std::vector<double> dof = soft;
  // A sharp subject of a tenth of the width and height: 1% of the photo.
  for (int y = h / 2; y < h / 2 + h / 10; ++y)
    for (int x = w / 3; x < w / 3 + w / 10; ++x) dof[std::size_t(y) * w + x] = g[std::size_t(y) * w + x];
  EXPECT_EQ(sharpness(gray_image(w, h, soft)).verdict, "blurry");
  EXPECT_NE(sharpness(gray_image(w, h, dof)).verdict, "blurry");
}

TEST(Calibrated, NoiseIsEstimatedAndNotReadAsFocus) {
  const int w = 1024, h = 768;
  const auto g = blur(scene(w, h), w, h, 4.0);
  std::mt19937 rng(11);
  std::normal_distribution<double> n(0.0, 8.0);
  std::vector<double> noisy = g;
  for (double& v : noisy) v += n(rng);
  const Sharpness clean = sharpness(gray_image(w, h, g));
  const Sharpness grainy = sharpness(gray_image(w, h, noisy));
  // Immerkaer's estimate is within 15% of the noise added (8 gray levels,
  // less the rounding to 8 bits it partly hides).
  EXPECT_NEAR(grainy.noise, 8.0, 1.2);
  EXPECT_LT(clean.noise, 1.0);
  // Noise of variance 64 adds 20 * 64 = 1280 to every tile's Laplacian
  // variance, more to the sharpest tiles picked (chance fluctuations);
  // net of the estimate well under that remains, and the blurred scene
  // stays blurry.
  EXPECT_EQ(grainy.verdict, "blurry");
  EXPECT_LT(grainy.focus, clean.focus + 0.6 * 1280.0);
}

TEST(Calibrated, SameBytesWhateverTheThreadCount) {
  // Sizes whose tiles and strips do not line up.
  for (const auto [w, h] : {std::pair{1000, 731}, std::pair{333, 517}}) {
    const RgbImage img = gray_image(w, h, scene(w, h, 5));
    const auto one = score_all(img, 1);
    for (int threads : {2, 3, 7}) {
      const auto many = score_all(img, threads);
      ASSERT_EQ(one.size(), many.size());
      for (std::size_t a = 0; a < one.size(); ++a) EXPECT_EQ(one[a].values, many[a].values) << threads;
    }
  }
}

}  // namespace
}  // namespace photoscore
