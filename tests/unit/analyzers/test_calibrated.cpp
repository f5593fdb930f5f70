// The calibrated profile's analyzers (docs/profiles.md) on synthetic photos:
// focus falls with blur, reads the same verdict across downscales, finds a
// small sharp subject, is not fooled by noise, and gives the same bytes
// however the strips are split. Expected values come from how the images are
// built, not from photoscore.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "analysis/score_image.hpp"
#include "analyzers/profile.hpp"
#include "image/working_image.hpp"

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

// What decode_working_image does after decoding a non-JPEG.
RgbImage working(const RgbImage& img) {
  const int factor = working_factor(std::max(img.width, img.height));
  RgbImage out = img;
  if (factor > 1) box_downscale(img, factor, out);
  out.scaled.source_width = img.width;
  out.scaled.source_height = img.height;
  out.scaled.factor = factor;
  return out;
}

struct Sharpness {
  double focus;
  std::string verdict;
  double noise;
  double score;
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
  return {std::get<double>(r[0].values[0]), std::get<std::string>(r[0].values[2]),
          std::get<double>(r[0].values[3]), std::get<double>(r[0].values[1])};
}

// The gray levels through a gain about `pivot`: 0 darkens (x gain), the mean
// lowers the contrast around the photo's mean gray.
std::vector<double> through_gain(std::vector<double> g, double gain, double pivot) {
  for (double& v : g) v = pivot + gain * (v - pivot);
  return g;
}

double mean_of(const std::vector<double>& g) {
  double sum = 0.0;
  for (double v : g) sum += v;
  return sum / static_cast<double>(g.size());
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
      EXPECT_TRUE(std::any_of(cf.begin(), cf.end(), [&](const FieldSpec& c) {
        return c.name == f.name && c.headline;
      })) << f.name;
    }
  }
  EXPECT_EQ(find_profile("nope"), nullptr);
}

TEST(Calibrated, BoxDownscaleIsTheExactBoxMean) {
  // 3 x 2 by 2: output 0 averages the 2 x 2 box, output 1 the last column's
  // two pixels (ceil(3 / 2) outputs, as libjpeg's DCT scaling).
  RgbImage in = gray_image(3, 2, {10, 20, 90, 30, 41, 201});
  RgbImage out;
  box_downscale(in, 2, out);
  ASSERT_EQ(out.width, 2);
  ASSERT_EQ(out.height, 1);
  EXPECT_EQ(out.rgb[0], 25);   // 101 / 4 = 25.25
  EXPECT_EQ(out.rgb[3], 146);  // 291 / 2 = 145.5, rounded up
}

TEST(Calibrated, WorkingFactorKeepsTheLongSideInRange) {
  EXPECT_EQ(working_factor(500), 1);
  EXPECT_EQ(working_factor(2 * kWorkingMinLongSide - 1), 1);
  EXPECT_EQ(working_factor(2 * kWorkingMinLongSide), 2);
  EXPECT_EQ(working_factor(4000), 4);  // a 12 MP photo: 1000 pixels
  EXPECT_EQ(working_factor(6144), 8);  // 768
  EXPECT_EQ(working_factor(20000), 16);
  // The JPEG DCT scaling makes the same choice up to 1/8.
  for (int side : {1000, 1536, 3000, 4000, 6143, 6144, 9000})
    EXPECT_EQ(jpeg_scale_denom(side, kWorkingMinLongSide), working_factor(side)) << side;
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

TEST(Calibrated, SharpnessMeasuresBlockingAsTheWholeImageFunction) {
  // Blocks of 4 pixels, as a JPEG reduced by 2 shows them; sizes that are
  // no multiple of the period nor of the strips, on several threads.
  const int w = 250, h = 187;
  std::mt19937 rng(5);
  std::vector<double> g(std::size_t(w) * h);
  std::vector<double> level(std::size_t(w / 4 + 1) * (h / 4 + 1));
  for (double& v : level) v = 60.0 + rng() % 120;
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      g[std::size_t(y) * w + x] = level[std::size_t(y / 4) * (w / 4 + 1) + x / 4] + (x * 7 + y * 3) % 5;
  RgbImage img = gray_image(w, h, g);
  img.scaled.factor = 2;
  const double expected = jpeg_blocking(img, 4);
  EXPECT_GT(expected, 1.0);
  for (int threads : {1, 3}) {
    const auto r = score_all(img, threads);
    EXPECT_NEAR(std::get<double>(r[0].values[4]), expected, 0.0005) << threads;
  }
  // Not reduced by a profile (factor 0, as the seed decodes): no grid known.
  img.scaled.factor = 0;
  EXPECT_EQ(std::get<double>(score_all(img, 1)[0].values[4]), 0.0);
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

TEST(Calibrated, FocusKeepsFallingAtTheStrongestBlursOfASmallPhoto) {
  // A small photo blurred until its detail is below the 8-bit rounding: the
  // focus falls strictly down to 100 (a tenth of the blurry cut; no clamp at
  // 0, no rise as the noise estimate falls), so a blur series ranks. Below
  // it the tiles' own variance is going too and what is left of the
  // Laplacian is mostly the rounding, so the focus may rise a little
  // (docs/profiles.md) but stays under 100 and blurry.
  const int w = 451, h = 300;
  const auto g = scene(w, h, 9);
  double last = 1e300;
  bool floor = false;
  for (double sigma : {1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0}) {
    const Sharpness s = sharpness(gray_image(w, h, blur(g, w, h, sigma)));
    EXPECT_GT(s.focus, 0.0) << "sigma " << sigma;
    if (floor) {
      EXPECT_LT(s.focus, 100.0) << "sigma " << sigma;
    } else {
      EXPECT_LT(s.focus, last) << "sigma " << sigma;
    }
    if (sigma >= 3.0) EXPECT_EQ(s.verdict, "blurry") << "sigma " << sigma;
    floor = floor || s.focus < 100.0;
    last = s.focus;
  }
  EXPECT_TRUE(floor);
}

TEST(Calibrated, SameVerdictAtHalfAndQuarterSize) {
  const int w = 2048, h = 1536;
  const RgbImage full = gray_image(w, h, scene(w, h));
  RgbImage half, quarter;
  box_downscale(full, 2, half);
  box_downscale(full, 4, quarter);
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
  // variance, more to the sharpest tiles picked (chance fluctuations), and
  // 64 to their gray variance; net of the estimate the blurred scene stays
  // blurry.
  // What the estimate leaves of the noise in the sharpest tiles (chosen
  // for their Laplacian, so the noisiest) is divided by a blurred tile's
  // small gray variance, so the focus leaks more than the bare Laplacian
  // did; the score's noise cost (sigma over the tiles' gray deviation)
  // keeps the blurred scene blurry and far below the sharp scene.
  EXPECT_EQ(grainy.verdict, "blurry");
  EXPECT_LT(grainy.score, sharpness(gray_image(w, h, scene(w, h))).score - 0.3);
}

TEST(Calibrated, DarkenedAndFlatterCopiesKeepTheirFocusAndVerdict) {
  // Focus means focus: darkening (x0.35, the card) or lowering the
  // contrast scales the Laplacian and the gradients alike. Before focus was
  // normalised by the tiles' gradient energy, x0.35 took a sharp photo's
  // focus to 0.35^2 of itself, and the verdict to "blurry".
  const int w = 1024, h = 768;
  const auto g = scene(w, h);
  for (double sigma : {0.0, 1.0, 3.0}) {
    const auto base = blur(g, w, h, sigma);
    const Sharpness original = sharpness(gray_image(w, h, base));
    for (const auto& [gain, pivot] : {std::pair{0.35, 0.0}, std::pair{0.6, 0.0},
                                      std::pair{0.5, mean_of(base)}, std::pair{0.3, mean_of(base)}}) {
      const Sharpness copy = sharpness(gray_image(w, h, through_gain(base, gain, pivot)));
      EXPECT_EQ(copy.verdict, original.verdict)
          << "sigma " << sigma << " gain " << gain << " pivot " << pivot;
      // Near-equal: the quiet tile's 100 gray levels^2 in the divisor take up
      // to a quarter off at x0.3 (the bare Laplacian lost 91%). At sigma 3
      // the detail is below the 8-bit rounding, which no gain scales: the
      // verdict (blurry) is all that has to hold there.
      if (sigma < 2.0) {
        EXPECT_NEAR(copy.focus, original.focus, 0.25 * original.focus)
            << "sigma " << sigma << " gain " << gain << " pivot " << pivot;
      }
    }
  }
}

TEST(Calibrated, BlurredCopiesAreBlurryHoweverExposed) {
  // The normalisation must not lift a blur: a blurred copy is blurry, and
  // so are its darkened and brightened copies.
  const int w = 1024, h = 768;
  const auto g = scene(w, h);
  EXPECT_EQ(sharpness(gray_image(w, h, g)).verdict, "sharp");
  for (double sigma : {2.0, 4.0, 8.0}) {
    const auto soft = blur(g, w, h, sigma);
    EXPECT_EQ(sharpness(gray_image(w, h, soft)).verdict, "blurry") << sigma;
    EXPECT_EQ(sharpness(gray_image(w, h, through_gain(soft, 0.35, 0.0))).verdict, "blurry") << sigma;
    EXPECT_EQ(sharpness(gray_image(w, h, through_gain(soft, 1.2, 0.0))).verdict, "blurry") << sigma;
  }
}

TEST(Calibrated, SharpnessVerdictIsReadOffTheScore) {
  // One scale: across blurs, gains and noise, ordering the copies by score
  // orders their verdicts (blurry < soft < sharp), so no score is called
  // blurry while a lower one is soft. Noise costs score; with the verdict
  // cut on focus alone a noisy sharp copy scored below a clean soft one and
  // kept "sharp".
  const int w = 768, h = 512;
  const auto g = scene(w, h, 21);
  std::mt19937 rng(4);
  std::normal_distribution<double> n01(0.0, 1.0);
  std::vector<Sharpness> sweep;
  for (double sigma : {0.0, 0.6, 0.9, 1.2, 1.6, 2.0, 3.0, 5.0}) {
    const auto base = blur(g, w, h, sigma);
    for (double gain : {1.0, 0.4}) {
      for (double noise : {0.0, 3.0, 8.0}) {
        std::vector<double> copy = through_gain(base, gain, 0.0);
        for (double& v : copy) v += noise * n01(rng);
        sweep.push_back(sharpness(gray_image(w, h, copy)));
      }
    }
  }
  const auto rank = [](const std::string& v) { return v == "sharp" ? 2 : (v == "soft" ? 1 : 0); };
  std::sort(sweep.begin(), sweep.end(),
            [](const Sharpness& a, const Sharpness& b) { return a.score < b.score; });
  std::array<int, 3> seen{};
  for (std::size_t i = 0; i < sweep.size(); ++i) {
    ++seen[static_cast<std::size_t>(rank(sweep[i].verdict))];
    if (i > 0) {
      EXPECT_LE(rank(sweep[i - 1].verdict), rank(sweep[i].verdict))
          << sweep[i - 1].score << " " << sweep[i - 1].verdict << " vs " << sweep[i].score << " "
          << sweep[i].verdict;
    }
  }
  // The sweep spans all three words, so the order means something.
  for (int count : seen) EXPECT_GT(count, 0);
}

struct Exposure {
  double highlights;
  double score;
  std::string verdict;
};

Exposure exposure(const RgbImage& img) {
  const auto r = score_all(img, 1);
  return {std::get<double>(r[1].values[2]), std::get<double>(r[1].values[3]),
          std::get<std::string>(r[1].values[4])};
}

// Mid-gray with the first `share` of the rows painted `rgb`.
RgbImage painted(double share, std::array<std::uint8_t, 3> rgb) {
  const int w = 200, h = 100;
  RgbImage img = gray_image(w, h, std::vector<double>(std::size_t(w) * h, 110.0));
  for (int y = 0; y < static_cast<int>(share * h); ++y)
    for (int x = 0; x < w; ++x)
      std::copy(rgb.begin(), rgb.end(), img.rgb.begin() + 3 * (std::size_t(y) * w + x));
  return img;
}

TEST(Calibrated, HighlightsClipPerChannel) {
  // Pure red is gray level 76, nowhere near white, but its red channel is
  // blown: a fifth of the photo so is clipped.
  const Exposure red = exposure(painted(0.2, {255, 0, 0}));
  EXPECT_NEAR(red.highlights, 0.2, 1e-9);
  EXPECT_EQ(red.verdict, "clipped");
  // A channel at 249 is not blown.
  const Exposure almost = exposure(painted(0.2, {249, 0, 0}));
  EXPECT_EQ(almost.highlights, 0.0);
  EXPECT_EQ(almost.verdict, "good");
  // The penalty grows with the share blown and never reaches 0, so two
  // badly clipped photos still rank.
  const double s10 = exposure(painted(0.1, {255, 255, 255})).score;
  const double s50 = exposure(painted(0.5, {255, 255, 255})).score;
  const double s90 = exposure(painted(0.9, {255, 255, 255})).score;
  EXPECT_GT(almost.score, s10);
  EXPECT_GT(s10, s50);
  EXPECT_GT(s50, s90);
  EXPECT_GT(s90, 0.0);
}

// A dusk scene: gray `ground` everywhere but the first `share` of the rows,
// a lit subject of gray `subject`.
RgbImage dusk(int ground, double share, int subject) {
  const int w = 200, h = 100;
  RgbImage img = gray_image(w, h, std::vector<double>(std::size_t(w) * h, ground));
  for (int y = 0; y < static_cast<int>(share * h); ++y)
    for (int x = 0; x < w; ++x)
      std::fill_n(img.rgb.begin() + 3 * (std::size_t(y) * w + x), 3, static_cast<std::uint8_t>(subject));
  return img;
}

TEST(Calibrated, ExposureIsReadAtTheHighlights) {
  // Mean 0.17 (40 with 2% at 240: 44 / 255), below the band's 0.30, but its
  // lit subject sits within a third of a stop of full scale (240 / 255,
  // 0.09 stops): exposed for its highlights, a dark scene, not a dark photo.
  const Exposure lit = exposure(dusk(40, 0.02, 240));
  EXPECT_EQ(lit.verdict, "good");
  EXPECT_EQ(lit.score, 1.0);
  // The same mean with nothing bright: the whole shortfall counts, and so
  // does the range left unused above 44 (2.5 stops, 2.2 beyond the third
  // of a stop allowed), x exp(-0.5) a stop.
  const auto unused = [](double top) { return std::exp(-0.5 * (std::log2(255.0 / top) - 1.0 / 3)); };
  const Exposure flat = exposure(dusk(44, 0.0, 44));
  EXPECT_EQ(flat.verdict, "dark");
  EXPECT_NEAR(flat.score, (1.0 - 3.0 * (0.30 - 44.0 / 255)) * unused(44), 1e-4);
  // Half the light: the subject at 120 is more than a stop below full
  // scale, so its mean (22 / 255) is underexposure in full, and so is its
  // unused range.
  const Exposure half = exposure(dusk(20, 0.02, 120));
  EXPECT_EQ(half.verdict, "dark");
  EXPECT_NEAR(half.score, (1.0 - 3.0 * (0.30 - 22.0 / 255)) * unused(120), 1e-4);
  EXPECT_GT(half.score, 0.0);
  // Brightened until the subject is blown, 4% of the photo: past the top of
  // the range, beyond the 2% allowance, so "bright", and it scores below
  // the scene exposed for its highlights.
  const Exposure blown = exposure(dusk(68, 0.04, 255));
  EXPECT_NEAR(blown.highlights, 0.04, 1e-9);
  EXPECT_EQ(blown.verdict, "bright");
  EXPECT_NEAR(blown.score, std::exp(-2.0 * (0.04 - 0.02)), 1e-4);
  EXPECT_LT(blown.score, lit.score);
  // Within the allowance it is no fault.
  EXPECT_EQ(exposure(dusk(68, 0.01, 255)).verdict, "good");
}

TEST(Calibrated, UnusedRangeIsUnderexposure) {
  // A high-key photo, the nuthatch of the evaluation: a detailed subject
  // below a white background that blows 23% of the pixels. Its copy
  // darkened x0.4 no longer clips, but leaves the top 1.3 stops of the
  // range empty: underexposed, and it must score below the original. Before
  // the unused range cost anything, the copy paid only for its mean below
  // the band (0.16) and outscored the original's clipping (0.34).
  const int w = 400, h = 300;
  std::vector<double> g = scene(w, h, 11);
  for (std::size_t i = 0; i < g.size() * 23 / 100; ++i) g[i] = 255.0;
  const Exposure original = exposure(gray_image(w, h, g));
  EXPECT_NEAR(original.highlights, 0.23, 0.005);
  EXPECT_EQ(original.verdict, "clipped");
  const Exposure darker = exposure(gray_image(w, h, through_gain(g, 0.4, 0.0)));
  EXPECT_EQ(darker.highlights, 0.0);
  EXPECT_EQ(darker.verdict, "dark");
  EXPECT_LT(darker.score, original.score - 0.05);
  // The mean in the band but the brightest tones at 150 (0.77 stops down):
  // no shortfall of the mean, yet 0.43 stops of unused range cost
  // exp(-0.5) a stop; under a stop down the word stays "good".
  const Exposure dim = exposure(dusk(100, 0.02, 150));
  EXPECT_EQ(dim.verdict, "good");
  EXPECT_NEAR(dim.score, std::exp(-0.5 * (std::log2(255.0 / 150) - 1.0 / 3)), 1e-4);
  // The same with the brightest tones at 127, just over a stop down: "dark", mean
  // (0.39) in the band or not.
  EXPECT_EQ(exposure(dusk(100, 0.02, 127)).verdict, "dark");
  // Its note says why, not "mean brightness 0.39" as if that were the fault.
  const AnalyzerSpec& spec = find_profile("calibrated")->analyzers[1];
  EXPECT_EQ(spec.note(score_all(dusk(100, 0.02, 127), 1)[1]),
            "Underexposed \u2014 the highlights reach 50% of full scale");
  // Within a third of a stop of full scale the range is in use: no cost.
  EXPECT_EQ(exposure(dusk(100, 0.02, 210)).score, 1.0);
}

TEST(Calibrated, BlockingCostsScorePastTheFullMark) {
  // A photo whose focus is past the score's full mark (10,000): a patch of
  // fine texture (pixel-sized grain, like grass seen from afar) in the
  // middle third, smooth elsewhere; and a copy with JPEG-like blocks: each
  // 8x8 block shifted by its own offset, as a heavily compressed JPEG's DC
  // terms are. Focus divided by 1 + blocking stays past the full mark, so
  // before blocking cost the score directly both scored 1.
  const int w = 1024, h = 768;
  std::vector<double> g(std::size_t(w) * h, 128.0);
  std::mt19937 rng(17);
  std::uniform_real_distribution<double> grain(68.0, 188.0), offset(-12.0, 12.0);
  for (int y = h / 3; y < 2 * h / 3; ++y)
    for (int x = w / 3; x < 2 * w / 3; ++x) g[std::size_t(y) * w + x] = grain(rng);
  std::vector<double> shift(std::size_t(w / 8) * (h / 8));
  for (double& v : shift) v = offset(rng);
  std::vector<double> blocky = g;
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) blocky[std::size_t(y) * w + x] += shift[std::size_t(y / 8) * (w / 8) + x / 8];
  const auto smooth_r = score_all(working(gray_image(w, h, g)), 1);
  const auto blocky_r = score_all(working(gray_image(w, h, blocky)), 1);
  const double smooth_blocking = std::get<double>(smooth_r[0].values[4]);
  const double blocky_blocking = std::get<double>(blocky_r[0].values[4]);
  EXPECT_LT(smooth_blocking, 0.5);
  EXPECT_GT(blocky_blocking, 1.0);
  EXPECT_GE(std::get<double>(smooth_r[0].values[0]), 10000.0);
  EXPECT_GE(std::get<double>(blocky_r[0].values[0]), 10000.0);
  const double smooth_score = std::get<double>(smooth_r[0].values[1]);
  const double blocky_score = std::get<double>(blocky_r[0].values[1]);
  EXPECT_EQ(smooth_score, 1.0);
  // 0.1 per unit of blocking beyond the 0.5 a photo's own encoding shows,
  // at most 0.05.
  EXPECT_NEAR(blocky_score, 1.0 - std::min(0.05, 0.1 * (blocky_blocking - 0.5)), 1e-9);
  EXPECT_LT(blocky_score, smooth_score - 0.04);
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
