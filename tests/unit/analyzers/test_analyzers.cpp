// Each analyzer on synthetic photos built in memory, against answers known in
// closed form or computed here by a deliberately naive double-precision
// implementation of docs/algorithms.md (the whole gray image in memory, reflected
// borders by index arithmetic, the percentile by a full std::sort), which
// shares nothing with the strip-based integer kernels under test.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "analyzers/registry.hpp"
#include "analysis/score_image.hpp"
#include "image/decode.hpp"

namespace photoscore {
namespace {

// ---------------------------------------------------------------- images ---

RgbImage make_image(int w, int h) {
  RgbImage img;
  img.width = w;
  img.height = h;
  img.rgb.assign(static_cast<std::size_t>(w) * static_cast<std::size_t>(h) * 3u, 0);
  return img;
}

void set_px(RgbImage& img, int x, int y, std::uint8_t r, std::uint8_t g, std::uint8_t b) {
  const std::size_t i = (static_cast<std::size_t>(y) * static_cast<std::size_t>(img.width) + static_cast<std::size_t>(x)) * 3u;
  img.rgb[i] = r;
  img.rgb[i + 1] = g;
  img.rgb[i + 2] = b;
}

RgbImage flat(int w, int h, std::uint8_t r, std::uint8_t g, std::uint8_t b) {
  RgbImage img = make_image(w, h);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) set_px(img, x, y, r, g, b);
  return img;
}

// Black columns [0, k), columns [k, w) at gray level `level`.
RgbImage vertical_step(int w, int h, int k, std::uint8_t level = 255) {
  RgbImage img = make_image(w, h);
  for (int y = 0; y < h; ++y)
    for (int x = k; x < w; ++x) set_px(img, x, y, level, level, level);
  return img;
}

RgbImage centred_disk(int w, int h, double radius, std::uint8_t bg, std::uint8_t fg) {
  RgbImage img = flat(w, h, bg, bg, bg);
  const double cx = (w - 1) / 2.0;
  const double cy = (h - 1) / 2.0;
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      if (std::hypot(x - cx, y - cy) <= radius) set_px(img, x, y, fg, fg, fg);
  return img;
}

RgbImage noise(int w, int h, std::uint32_t seed, bool gray_only = false) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> byte(0, 255);
  RgbImage img = make_image(w, h);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const auto r = static_cast<std::uint8_t>(byte(rng));
      if (gray_only) {
        set_px(img, x, y, r, r, r);
      } else {
        set_px(img, x, y, r, static_cast<std::uint8_t>(byte(rng)), static_cast<std::uint8_t>(byte(rng)));
      }
    }
  return img;
}

// Noise smoothed by a box filter and offset: a photo-like image whose
// figures land away from the extremes (soft, not clipped).
RgbImage smooth_noise(int w, int h, std::uint32_t seed, int offset) {
  const RgbImage raw = noise(w, h, seed);
  RgbImage img = make_image(w, h);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      for (int c = 0; c < 3; ++c) {
        int sum = 0, count = 0;
        for (int dy = -2; dy <= 2; ++dy)
          for (int dx = -2; dx <= 2; ++dx) {
            const int yy = y + dy, xx = x + dx;
            if (yy < 0 || yy >= h || xx < 0 || xx >= w) continue;
            sum += raw.row(yy)[3 * xx + c];
            ++count;
          }
        const int v = std::clamp(sum / count + offset, 0, 255);
        img.rgb[(static_cast<std::size_t>(y) * static_cast<std::size_t>(w) + static_cast<std::size_t>(x)) * 3u +
                static_cast<std::size_t>(c)] = static_cast<std::uint8_t>(v);
      }
  return img;
}

// ---------------------------------------------------- photoscore's answer ---

using Fields = std::map<std::string, FieldValue>;

Fields score_with(const RgbImage& img, const std::vector<std::string>& names, int threads) {
  std::vector<const AnalyzerSpec*> specs;
  for (const auto& n : names) {
    const AnalyzerSpec* s = find_analyzer(n);
    if (!s) ADD_FAILURE() << "no analyzer " << n;
    specs.push_back(s);
  }
  ImageScorer scorer(specs, threads);
  const auto results = scorer.score(img);
  Fields out;
  EXPECT_EQ(results.size(), specs.size());
  for (std::size_t a = 0; a < specs.size() && a < results.size(); ++a) {
    EXPECT_EQ(results[a].values.size(), specs[a]->fields.size());
    for (std::size_t f = 0; f < specs[a]->fields.size(); ++f) out[specs[a]->fields[f].name] = results[a].values[f];
  }
  return out;
}

Fields score_all(const RgbImage& img, int threads = 1) {
  return score_with(img, {"sharpness", "exposure", "composition", "color"}, threads);
}

double num(const Fields& f, const std::string& key) {
  const auto it = f.find(key);
  if (it == f.end() || !std::holds_alternative<double>(it->second)) {
    ADD_FAILURE() << "no number " << key;
    return std::nan("");
  }
  return std::get<double>(it->second);
}

std::string label(const Fields& f, const std::string& key) {
  const auto it = f.find(key);
  if (it == f.end() || !std::holds_alternative<std::string>(it->second)) {
    ADD_FAILURE() << "no label " << key;
    return {};
  }
  return std::get<std::string>(it->second);
}

// ------------------------------------------- naive reference (docs/algorithms.md) ---

struct Naive {
  double laplacian_var, sharpness_score;
  std::string sharpness_verdict;
  double mean, shadows, highlights, exposure_score;
  std::string exposure_verdict;
  double thirds, bias, composition_score;
  std::string composition_verdict;
  double colorfulness, color_score;
  std::string color_verdict;
};

// scipy's 'reflect': index -1 is 0, index n is n-1.
int reflect(int i, int n) {
  while (i < 0 || i >= n) i = i < 0 ? -i - 1 : 2 * n - i - 1;
  return i;
}

Naive naive(const RgbImage& img) {
  const int w = img.width, h = img.height;
  const double n = static_cast<double>(w) * h;
  std::vector<double> gray(static_cast<std::size_t>(w) * static_cast<std::size_t>(h));
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const std::uint8_t* p = img.row(y) + 3 * x;
      // In the order numpy evaluates the reference's `rgb/255 @ weights`.
      gray[static_cast<std::size_t>(y * w + x)] = p[0] / 255.0 * 0.299 + p[1] / 255.0 * 0.587 + p[2] / 255.0 * 0.114;
    }
  const auto g = [&](int y, int x) { return 255.0 * gray[static_cast<std::size_t>(reflect(y, h) * w + reflect(x, w))]; };
  Naive r;

  // Sharpness.
  std::vector<double> lap;
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) lap.push_back(g(y - 1, x) + g(y + 1, x) + g(y, x - 1) + g(y, x + 1) - 4 * g(y, x));
  double lap_mean = 0;
  for (double v : lap) lap_mean += v;
  lap_mean /= n;
  double var = 0;
  for (double v : lap) var += (v - lap_mean) * (v - lap_mean);
  var /= n;
  r.laplacian_var = var;
  r.sharpness_score = std::clamp(var / 10000.0, 0.0, 1.0);
  r.sharpness_verdict = var >= 2000 ? "sharp" : var >= 300 ? "soft" : "blurry";

  // Exposure.
  double sum = 0, sh = 0, hi = 0;
  for (double v : gray) {
    sum += v;
    sh += v < 0.02;
    hi += v > 0.98;
  }
  r.mean = sum / n;
  r.shadows = sh / n;
  r.highlights = hi / n;
  const double clipped = r.shadows + r.highlights;
  const double off = std::min({std::abs(r.mean - 0.35), std::abs(r.mean - 0.76), 1.5 * std::abs(r.mean - 0.555)});
  r.exposure_score = std::clamp(1 - 2 * off, 0.0, 1.0) * std::clamp(1 - 10 * clipped, 0.0, 1.0);
  r.exposure_verdict = clipped > 0.08 ? "clipped" : r.mean < 0.35 ? "dark" : r.mean > 0.76 ? "bright" : "good";

  // Composition. Sobel in the order scipy evaluates it (the difference along
  // the axis first, then 2*centre + (left + right) across it), so that the
  // magnitudes are the reference's to the last bit: where many pixels tie at
  // the 85th percentile, which of them count as strong depends on that.
  const auto dy = [&](int y, int x) { return g(y + 1, x) - g(y - 1, x); };
  const auto dx = [&](int y, int x) { return g(y, x + 1) - g(y, x - 1); };
  std::vector<double> edge;
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const double gy = 2 * dy(y, x) + (dy(y, x + 1) + dy(y, x - 1));
      const double gx = 2 * dx(y, x) + (dx(y + 1, x) + dx(y - 1, x));
      edge.push_back(std::hypot(gy, gx));
    }
  std::vector<double> sorted = edge;
  std::sort(sorted.begin(), sorted.end());
  const double pos = 0.85 * (n - 1);
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  const std::size_t hi_i = std::min(lo + 1, sorted.size() - 1);
  const double frac = pos - std::floor(pos);
  // numpy's lerp (the symmetric form above one half, as numpy writes it).
  const double a = sorted[lo], b = sorted[hi_i];
  const double t = frac >= 0.5 ? b - (b - a) * (1 - frac) : a + (b - a) * frac;
  std::vector<char> pp(gray.size(), 0), centre(gray.size(), 0);
  const int mh = static_cast<int>(std::floor(0.125 * h)), mw = static_cast<int>(std::floor(0.125 * w));
  for (int ph : {h / 3, 2 * h / 3})
    for (int pw : {w / 3, 2 * w / 3})
      for (int y = std::max(0, ph - mh); y < std::min(h, ph + mh); ++y)
        for (int x = std::max(0, pw - mw); x < std::min(w, pw + mw); ++x) pp[static_cast<std::size_t>(y * w + x)] = 1;
  for (int y = h / 4; y < 3 * h / 4; ++y)
    for (int x = w / 4; x < 3 * w / 4; ++x) centre[static_cast<std::size_t>(y * w + x)] = 1;
  double strong = 0, in_pp = 0, in_centre = 0;
  for (std::size_t i = 0; i < edge.size(); ++i) {
    if (edge[i] > t) {
      ++strong;
      in_pp += pp[i];
      in_centre += centre[i];
    }
  }
  if (strong == 0) {
    r.thirds = r.bias = r.composition_score = 0;
    r.composition_verdict = "sparse";
  } else {
    r.thirds = in_pp / strong;
    r.bias = in_centre / strong;
    r.composition_score = std::clamp(2 * r.thirds - 0.5 * std::max(0.0, r.bias - 0.5), 0.0, 1.0);
    r.composition_verdict = r.thirds >= 0.25 ? "good" : r.bias >= 0.35 ? "centered" : "sparse";
  }

  // Color.
  double mrg = 0, myb = 0;
  std::vector<double> rg, yb;
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const std::uint8_t* p = img.row(y) + 3 * x;
      rg.push_back(double(p[0]) - double(p[1]));
      yb.push_back(0.5 * (double(p[0]) + double(p[1])) - double(p[2]));
      mrg += rg.back();
      myb += yb.back();
    }
  mrg /= n;
  myb /= n;
  double vrg = 0, vyb = 0;
  for (std::size_t i = 0; i < rg.size(); ++i) {
    vrg += (rg[i] - mrg) * (rg[i] - mrg);
    vyb += (yb[i] - myb) * (yb[i] - myb);
  }
  const double m = std::hypot(std::sqrt(vrg / n), std::sqrt(vyb / n)) + 0.3 * std::hypot(mrg, myb);
  r.colorfulness = m;
  r.color_score = std::clamp(m / 100, 0.0, 1.0);
  r.color_verdict = m < 15 ? "grayscale" : m < 33 ? "muted" : m < 59 ? "colorful" : "vivid";
  return r;
}

// docs/algorithms.md: every score (and every other figure) within 0.001,
// laplacian_var and colorfulness within 0.05% relative; a verdict must match
// unless its deciding value is within that tolerance of a threshold.
constexpr double kTol = 1e-3;
double rel_tol(double v) { return std::max(kTol, 5e-4 * std::abs(v)); }
// The same, between a figure rounded to 2 decimals and an unrounded one.
double rel_tol_2dp(double v) { return rel_tol(v) + 0.005; }
bool near_any(double v, std::initializer_list<double> cuts, double tol) {
  for (double c : cuts)
    if (std::abs(v - c) <= tol) return true;
  return false;
}

void expect_matches_naive(const RgbImage& img, const Fields& got, const std::string& what) {
  SCOPED_TRACE(what + " " + std::to_string(img.width) + "x" + std::to_string(img.height));
  const Naive n = naive(img);
  EXPECT_NEAR(num(got, "laplacian_var"), n.laplacian_var, rel_tol_2dp(n.laplacian_var));
  EXPECT_NEAR(num(got, "sharpness_score"), n.sharpness_score, kTol);
  if (!near_any(n.laplacian_var, {300, 2000}, rel_tol(n.laplacian_var))) {
    EXPECT_EQ(label(got, "sharpness_verdict"), n.sharpness_verdict);
  }
  EXPECT_NEAR(num(got, "mean_brightness"), n.mean, kTol);
  EXPECT_NEAR(num(got, "clipped_shadows"), n.shadows, kTol);
  EXPECT_NEAR(num(got, "clipped_highlights"), n.highlights, kTol);
  EXPECT_NEAR(num(got, "exposure_score"), n.exposure_score, kTol);
  if (!near_any(n.shadows + n.highlights, {0.08}, kTol) && !near_any(n.mean, {0.35, 0.76}, kTol)) {
    EXPECT_EQ(label(got, "exposure_verdict"), n.exposure_verdict);
  }
  EXPECT_NEAR(num(got, "thirds_coverage"), n.thirds, kTol);
  EXPECT_NEAR(num(got, "center_bias"), n.bias, kTol);
  EXPECT_NEAR(num(got, "composition_score"), n.composition_score, kTol);
  if (!near_any(n.thirds, {0.25}, kTol) && !near_any(n.bias, {0.35}, kTol)) {
    EXPECT_EQ(label(got, "composition_verdict"), n.composition_verdict);
  }
  EXPECT_NEAR(num(got, "colorfulness"), n.colorfulness, rel_tol_2dp(n.colorfulness));
  EXPECT_NEAR(num(got, "color_score"), n.color_score, kTol);
  if (!near_any(n.colorfulness, {15, 33, 59}, rel_tol(n.colorfulness))) {
    EXPECT_EQ(label(got, "color_verdict"), n.color_verdict);
  }
}

// Python's round(x, n) as the reference reports its figures.
double py_round(double v, int decimals) { return std::nearbyint(v * std::pow(10.0, decimals)) / std::pow(10.0, decimals); }

void expect_sparse_zero(const Fields& f) {
  EXPECT_EQ(num(f, "thirds_coverage"), 0.0);
  EXPECT_EQ(num(f, "center_bias"), 0.0);
  EXPECT_EQ(num(f, "composition_score"), 0.0);
  EXPECT_EQ(label(f, "composition_verdict"), "sparse");
}

// ----------------------------------------------------------------- tests ---

TEST(NaiveReference, AgreesWithTheOracleGoldens) {
  // The naive implementation above is only a useful yardstick if it is right:
  // check it against the oracle's own rows for the reference photos (up to
  // 1.5 megapixels, to keep this quick).
  std::ifstream in(std::string(PHOTOSCORE_TEST_DATA) + "/golden_color.jsonl");
  ASSERT_TRUE(in.good());
  std::string line;
  int checked = 0;
  while (std::getline(in, line)) {
    const auto g = nlohmann::json::parse(line);
    if (g.at("width").get<double>() * g.at("height").get<double>() > 1.5e6) continue;
    const std::string name = g.at("filename").get<std::string>();
    SCOPED_TRACE(name);
    std::ifstream f(std::string(PHOTOSCORE_TEST_DATA) + "/photos/" + name, std::ios::binary);
    const std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    const RgbImage img = decode_image(bytes);
    const Naive n = naive(img);
    const auto near = [&](const char* key, double v, double tol) { EXPECT_NEAR(v, g.at(key).get<double>(), tol) << key; };
    near("laplacian_var", n.laplacian_var, rel_tol_2dp(n.laplacian_var));
    near("sharpness_score", n.sharpness_score, kTol);
    near("mean_brightness", n.mean, kTol);
    near("clipped_shadows", n.shadows, kTol);
    near("clipped_highlights", n.highlights, kTol);
    near("exposure_score", n.exposure_score, kTol);
    near("thirds_coverage", n.thirds, kTol);
    near("center_bias", n.bias, kTol);
    near("composition_score", n.composition_score, kTol);
    near("colorfulness", n.colorfulness, rel_tol_2dp(n.colorfulness));
    near("color_score", n.color_score, kTol);
    EXPECT_EQ(n.sharpness_verdict, g.at("sharpness_verdict").get<std::string>());
    EXPECT_EQ(n.exposure_verdict, g.at("exposure_verdict").get<std::string>());
    EXPECT_EQ(n.composition_verdict, g.at("composition_verdict").get<std::string>());
    EXPECT_EQ(n.color_verdict, g.at("color_verdict").get<std::string>());
    ++checked;
  }
  EXPECT_GE(checked, 20);
}

TEST(Analyzers, FlatGrayHasNoEdges) {
  const RgbImage img = flat(64, 48, 128, 128, 128);
  const Fields f = score_all(img);
  EXPECT_EQ(num(f, "laplacian_var"), 0.0);
  EXPECT_EQ(num(f, "sharpness_score"), 0.0);
  EXPECT_EQ(label(f, "sharpness_verdict"), "blurry");
  // mean = 128/255; nothing clipped; brightness = 1 - 2 * 1.5 * |mean - 0.555|.
  const double mean = 128.0 / 255.0;
  EXPECT_NEAR(num(f, "mean_brightness"), py_round(mean, 4), 1e-12);
  EXPECT_EQ(num(f, "clipped_shadows"), 0.0);
  EXPECT_EQ(num(f, "clipped_highlights"), 0.0);
  EXPECT_NEAR(num(f, "exposure_score"), py_round(1 - 3 * std::abs(mean - 0.555), 4), 1e-12);
  EXPECT_EQ(label(f, "exposure_verdict"), "good");
  expect_sparse_zero(f);
  EXPECT_EQ(num(f, "colorfulness"), 0.0);
  EXPECT_EQ(label(f, "color_verdict"), "grayscale");
}

TEST(Analyzers, FlatLevelsGiveEachExposureVerdict) {
  // mean = v/255 and nothing clipped for 6 <= v <= 249.
  struct Case {
    std::uint8_t v;
    const char* verdict;
  };
  for (const Case c : {Case{60, "dark"}, Case{89, "dark"}, Case{90, "good"}, Case{193, "good"}, Case{194, "bright"},
                       Case{240, "bright"}}) {
    const Fields f = score_all(flat(9, 7, c.v, c.v, c.v));
    const double mean = c.v / 255.0;
    const double off = std::min({std::abs(mean - 0.35), std::abs(mean - 0.76), 1.5 * std::abs(mean - 0.555)});
    EXPECT_EQ(label(f, "exposure_verdict"), c.verdict) << int(c.v);
    EXPECT_NEAR(num(f, "mean_brightness"), py_round(mean, 4), 1e-12) << int(c.v);
    EXPECT_NEAR(num(f, "exposure_score"), py_round(std::clamp(1 - 2 * off, 0.0, 1.0), 4), 1e-12) << int(c.v);
  }
}

TEST(Analyzers, FlatColourClosedForm) {
  // No spread, so M = 0.3 * hypot(R - G, (R + G) / 2 - B) = 0.3 * hypot(100, 100).
  const Fields f = score_all(flat(17, 9, 200, 100, 50));
  const double m = 0.3 * std::hypot(100.0, 100.0);
  EXPECT_NEAR(num(f, "colorfulness"), py_round(m, 2), 1e-12);
  EXPECT_NEAR(num(f, "color_score"), py_round(m / 100, 4), 1e-12);
  EXPECT_EQ(label(f, "color_verdict"), "colorful");
  EXPECT_EQ(num(f, "laplacian_var"), 0.0);
  expect_sparse_zero(f);
}

TEST(Analyzers, ClipThresholdsAreStrictOnExactGrayLevels) {
  // 299*6 + 587*0 + 114*29 = 5100: gray is exactly 0.02, not a shadow; one
  // level of red less is. 299*249 + 587*255 + 114*226 = 249900: exactly 0.98,
  // not a highlight; one level of red more is. (The reference's float gray
  // classifies all 2^24 colours the same way.)
  EXPECT_EQ(num(score_all(flat(5, 5, 6, 0, 29)), "clipped_shadows"), 0.0);
  EXPECT_EQ(num(score_all(flat(5, 5, 5, 0, 29)), "clipped_shadows"), 1.0);
  EXPECT_EQ(num(score_all(flat(5, 5, 249, 255, 226)), "clipped_highlights"), 0.0);
  EXPECT_EQ(num(score_all(flat(5, 5, 250, 255, 226)), "clipped_highlights"), 1.0);
}

TEST(Analyzers, AllBlack) {
  const Fields f = score_all(flat(40, 30, 0, 0, 0));
  EXPECT_EQ(num(f, "mean_brightness"), 0.0);
  EXPECT_EQ(num(f, "clipped_shadows"), 1.0);
  EXPECT_EQ(num(f, "clipped_highlights"), 0.0);
  EXPECT_EQ(num(f, "exposure_score"), 0.0);
  EXPECT_EQ(label(f, "exposure_verdict"), "clipped");
  EXPECT_EQ(num(f, "laplacian_var"), 0.0);
  EXPECT_EQ(label(f, "sharpness_verdict"), "blurry");
  expect_sparse_zero(f);
  EXPECT_EQ(num(f, "colorfulness"), 0.0);
  EXPECT_EQ(label(f, "color_verdict"), "grayscale");
}

TEST(Analyzers, AllWhite) {
  const Fields f = score_all(flat(40, 30, 255, 255, 255));
  EXPECT_EQ(num(f, "mean_brightness"), 1.0);
  EXPECT_EQ(num(f, "clipped_shadows"), 0.0);
  EXPECT_EQ(num(f, "clipped_highlights"), 1.0);
  EXPECT_EQ(num(f, "exposure_score"), 0.0);
  EXPECT_EQ(label(f, "exposure_verdict"), "clipped");
  EXPECT_EQ(num(f, "laplacian_var"), 0.0);
  expect_sparse_zero(f);
  const AnalyzerSpec* e = find_analyzer("exposure");
  ImageScorer scorer({e}, 1);
  const auto r = scorer.score(flat(40, 30, 255, 255, 255));
  EXPECT_NE(e->note(r[0]).find("Blown highlights"), std::string::npos) << e->note(r[0]);
}

TEST(Analyzers, VerticalStepEdgeClosedForm) {
  // Black | white at column k: the Laplacian is +255 in column k-1 and -255 in
  // column k of every row, 0 elsewhere: var = 2 * 255^2 / w. The Sobel
  // magnitude is 4 * 255 in those two columns, 0 elsewhere, so with 2/w < 0.15
  // the 85th percentile is 0 and the strong pixels are exactly those columns.
  {
    const int w = 64, h = 48;  // step in the middle: 2032.03, sharp; centred
    const Fields f = score_all(vertical_step(w, h, w / 2));
    EXPECT_NEAR(num(f, "laplacian_var"), py_round(2.0 * 255 * 255 / w, 2), 1e-9);
    EXPECT_NEAR(num(f, "sharpness_score"), py_round(2.0 * 255 * 255 / w / 10000, 4), 1e-12);
    EXPECT_EQ(label(f, "sharpness_verdict"), "sharp");
    EXPECT_EQ(num(f, "mean_brightness"), 0.5);
    EXPECT_EQ(num(f, "clipped_shadows"), 0.5);
    EXPECT_EQ(num(f, "clipped_highlights"), 0.5);
    EXPECT_EQ(num(f, "exposure_score"), 0.0);
    EXPECT_EQ(label(f, "exposure_verdict"), "clipped");
    // Columns 31, 32 miss the power-point columns [13, 29) and [34, 50) but lie
    // in the centre columns [16, 48); centre rows [12, 36) are half the rows.
    EXPECT_EQ(num(f, "thirds_coverage"), 0.0);
    EXPECT_EQ(num(f, "center_bias"), 0.5);
    EXPECT_EQ(num(f, "composition_score"), 0.0);
    EXPECT_EQ(label(f, "composition_verdict"), "centered");
  }
  {
    const int w = 100, h = 48;  // step on the left third: 1300.5, soft; good
    const Fields f = score_all(vertical_step(w, h, 33));
    EXPECT_NEAR(num(f, "laplacian_var"), py_round(2.0 * 255 * 255 / w, 2), 1e-9);
    EXPECT_EQ(label(f, "sharpness_verdict"), "soft");
    // Columns 32, 33 lie in the power-point columns [21, 45); the power-point
    // rows [10, 22) and [26, 38) are half the rows; so are the centre rows
    // [12, 36), and the centre columns [25, 75) hold both columns.
    EXPECT_EQ(num(f, "thirds_coverage"), 0.5);
    EXPECT_EQ(num(f, "center_bias"), 0.5);
    EXPECT_EQ(num(f, "composition_score"), 1.0);
    EXPECT_EQ(label(f, "composition_verdict"), "good");
    EXPECT_NEAR(num(f, "mean_brightness"), py_round(67.0 / 100, 4), 1e-12);
  }
}

TEST(Analyzers, VerdictCutOffs) {
  // Sharpness: a step of height a in an image w wide has var = 2 a^2 / w.
  // Pairs just either side of 300 and 2000, each well outside the 0.05%
  // tolerance within which a verdict may go either way.
  struct Step {
    int w, a;
    const char* verdict;
  };
  for (const Step c : {Step{8, 89, "soft"}, Step{8, 90, "sharp"}, Step{12, 42, "blurry"}, Step{12, 43, "soft"}}) {
    const Fields f = score_with(vertical_step(c.w, 5, c.w / 2, static_cast<std::uint8_t>(c.a)), {"sharpness"}, 1);
    const double var = 2.0 * c.a * c.a / c.w;  // 1980.25, 2025, 294, 308.17
    EXPECT_NEAR(num(f, "laplacian_var"), py_round(var, 2), 1e-9) << c.w << " " << c.a;
    EXPECT_EQ(label(f, "sharpness_verdict"), c.verdict) << "var " << var;
  }
  // Exposure: clipped is more than 8% of the pixels at gray < 0.02 or > 0.98.
  // 79 or 81 black pixels of 1000 (0.079, 0.081: outside the 0.001 tolerance).
  for (const int black : {79, 81}) {
    RgbImage img = flat(40, 25, 128, 128, 128);
    for (int i = 0; i < black; ++i) set_px(img, i % 40, i / 40, 0, 0, 0);
    const Fields f = score_with(img, {"exposure"}, 1);
    EXPECT_NEAR(num(f, "clipped_shadows"), py_round(black / 1000.0, 4), 1e-12);
    EXPECT_EQ(label(f, "exposure_verdict"), black > 80 ? "clipped" : "good") << black << " black pixels";
    // score = brightness * (1 - 10 * clipped)
    const double mean = (1000 - black) * 128.0 / 255.0 / 1000.0;
    const double brightness = 1 - 2 * std::min({std::abs(mean - 0.35), std::abs(mean - 0.76), 1.5 * std::abs(mean - 0.555)});
    EXPECT_NEAR(num(f, "exposure_score"), py_round(brightness * std::max(0.0, 1 - 10 * black / 1000.0), 4), 1e-12);
  }
  // Color: a flat colour with R - G = d and B = (R + G) / 2 has M = 0.3 |d|;
  // the cut-offs 15, 33 and 59 lie between d = 48|52, 108|112 and 194|200.
  struct Hue {
    int d;
    const char* verdict;
  };
  for (const Hue c : {Hue{48, "grayscale"}, Hue{52, "muted"}, Hue{108, "muted"}, Hue{112, "colorful"},
                      Hue{194, "colorful"}, Hue{200, "vivid"}}) {
    const auto r = static_cast<std::uint8_t>(20 + c.d), b = static_cast<std::uint8_t>(20 + c.d / 2);
    const Fields f = score_with(flat(6, 4, r, 20, b), {"color"}, 1);
    EXPECT_NEAR(num(f, "colorfulness"), py_round(0.3 * c.d, 2), 1e-9) << c.d;
    EXPECT_EQ(label(f, "color_verdict"), c.verdict) << "M " << 0.3 * c.d;
  }
}

TEST(Analyzers, CentredDiskIsCentered) {
  // 240x180: the power-point columns are [50, 110) and [130, 190), so a disk
  // of radius 9 at the centre (119.5, 89.5) keeps its ring of edges (columns
  // 110..129) out of every power-point zone and inside the centre zone: far
  // fewer than 15% of the pixels are edges, so all of them are strong.
  const RgbImage img = centred_disk(240, 180, 9.0, 20, 240);
  const Fields f = score_all(img);
  EXPECT_EQ(num(f, "thirds_coverage"), 0.0);
  EXPECT_EQ(num(f, "center_bias"), 1.0);
  EXPECT_EQ(num(f, "composition_score"), 0.0);  // 2*0 - 0.5*(1 - 0.5), clipped
  EXPECT_EQ(label(f, "composition_verdict"), "centered");
  expect_matches_naive(img, f, "disk");
}

TEST(Analyzers, ImagesSmallerThanTheFilters) {
  // 1x1: every neighbour is the pixel itself, so no Laplacian and no edges.
  {
    const Fields f = score_all(flat(1, 1, 10, 200, 30));
    EXPECT_EQ(num(f, "laplacian_var"), 0.0);
    EXPECT_EQ(label(f, "sharpness_verdict"), "blurry");
    expect_sparse_zero(f);
    EXPECT_NEAR(num(f, "mean_brightness"), py_round((299.0 * 10 + 587.0 * 200 + 114.0 * 30) / 255000, 4), 1e-12);
  }
  // 2x2 with one white pixel at (0, 0): the Laplacian there is -2*255 (two
  // reflected copies of itself), +255 at its two neighbours, 0 at the corner
  // opposite: mean 0, var = (510^2 + 2 * 255^2) / 4.
  {
    RgbImage img = make_image(2, 2);
    set_px(img, 0, 0, 255, 255, 255);
    const Fields f = score_all(img);
    EXPECT_NEAR(num(f, "laplacian_var"), (510.0 * 510 + 2 * 255.0 * 255) / 4, 1e-9);
    EXPECT_EQ(num(f, "mean_brightness"), 0.25);
    EXPECT_EQ(num(f, "clipped_shadows"), 0.75);
    EXPECT_EQ(num(f, "clipped_highlights"), 0.25);
    // No power-point zone exists (mh = mw = 0), so thirds is 0 whatever is strong.
    EXPECT_EQ(num(f, "thirds_coverage"), 0.0);
    expect_matches_naive(img, f, "2x2 corner");
  }
  for (const auto& [w, h] : std::vector<std::pair<int, int>>{{2, 2}, {3, 2}, {2, 3}, {1, 2}, {2, 1}, {1, 9}, {9, 1},
                                                            {1, 300}, {300, 1}, {3, 3}, {4, 4}}) {
    for (std::uint32_t seed = 1; seed <= 3; ++seed) {
      const RgbImage img = noise(w, h, seed * 7919u + static_cast<std::uint32_t>(w * 31 + h));
      expect_matches_naive(img, score_all(img), "tiny noise seed " + std::to_string(seed));
    }
  }
}

TEST(Analyzers, OneRowAndOneColumnSteps) {
  // 1xN and Nx1 with a step: the Laplacian and Sobel only see one axis.
  for (const bool row : {true, false}) {
    const int w = row ? 40 : 1, h = row ? 1 : 40;
    RgbImage img = make_image(w, h);
    for (int i = 20; i < 40; ++i) set_px(img, row ? i : 0, row ? 0 : i, 255, 255, 255);
    const Fields f = score_all(img);
    // Two nonzero Laplacian values, +-255: var = 2 * 255^2 / 40.
    EXPECT_NEAR(num(f, "laplacian_var"), py_round(2.0 * 255 * 255 / 40, 2), 1e-9) << (row ? "1xN" : "Nx1");
    EXPECT_EQ(num(f, "mean_brightness"), 0.5);
    expect_matches_naive(img, f, row ? "1x40 step" : "40x1 step");
  }
}

TEST(Analyzers, NoiseOfOddSizesMatchesNaiveReference) {
  struct Case {
    int w, h;
    std::uint32_t seed;
  };
  for (const Case c : {Case{31, 17, 1}, Case{101, 77, 2}, Case{257, 131, 3}, Case{17, 333, 4}, Case{199, 1, 5},
                       Case{1, 201, 6}, Case{5, 1001, 7}}) {
    const RgbImage img = noise(c.w, c.h, c.seed);
    expect_matches_naive(img, score_all(img), "rgb noise");
    const RgbImage gray = noise(c.w, c.h, c.seed + 100, true);
    expect_matches_naive(gray, score_all(gray), "gray noise");
  }
  // Photo-like: smoothed noise, dark, mid and bright.
  for (const int offset : {-90, 0, 90}) {
    const RgbImage img = smooth_noise(211, 157, static_cast<std::uint32_t>(offset + 1000), offset);
    expect_matches_naive(img, score_all(img), "smooth noise offset " + std::to_string(offset));
  }
}

// A horizontal gray ramp has the same Sobel magnitude (8.0) at nearly every
// pixel, so the 85th percentile is that value and whether a pixel is "strong"
// (edge > t) is decided by the reference's floating-point rounding: the
// oracle finds 22% of the pixels strong. photoscore recomputes such tied
// pixels the reference's way and must find the same. The expected figures are the oracle's
// (/usr/bin/python3 oracle.py on this image saved as PNG).
TEST(Analyzers, TieHeavyRampMatchesOracle) {
  RgbImage img = make_image(256, 200);
  for (int y = 0; y < 200; ++y)
    for (int x = 0; x < 256; ++x) set_px(img, x, y, static_cast<std::uint8_t>(x), static_cast<std::uint8_t>(x),
                                         static_cast<std::uint8_t>(x));
  const Fields f = score_all(img);
  EXPECT_NEAR(num(f, "thirds_coverage"), 0.2237, kTol);
  EXPECT_NEAR(num(f, "center_bias"), 0.1974, kTol);
  EXPECT_NEAR(num(f, "composition_score"), 0.4474, kTol);
  EXPECT_EQ(label(f, "composition_verdict"), "sparse");
  expect_matches_naive(img, f, "gray ramp");
}

TEST(NaiveReference, ReproducesTheOracleOnATieHeavyRamp) {
  // The same ramp through the naive implementation: it follows the
  // reference's floating-point order, so it lands on the oracle's figures.
  RgbImage img = make_image(256, 200);
  for (int y = 0; y < 200; ++y)
    for (int x = 0; x < 256; ++x) set_px(img, x, y, static_cast<std::uint8_t>(x), static_cast<std::uint8_t>(x),
                                         static_cast<std::uint8_t>(x));
  const Naive n = naive(img);
  EXPECT_NEAR(n.thirds, 0.2237, 1e-4);
  EXPECT_NEAR(n.bias, 0.1974, 1e-4);
  EXPECT_NEAR(n.composition_score, 0.4474, 1e-4);
  EXPECT_NEAR(n.mean, 0.5, 1e-4);
  EXPECT_NEAR(n.shadows, 0.0234, 1e-4);
}

TEST(Analyzers, ResultsDoNotDependOnThreads) {
  // Several strips of 16 rows each, so 2 and 3 threads really split the work.
  for (const RgbImage& img : {noise(203, 157, 42), smooth_noise(321, 243, 43, 20), centred_disk(160, 129, 30, 20, 230),
                              noise(7, 50, 44, true)}) {
    const Fields one = score_all(img, 1);
    for (const int threads : {2, 3}) {
      const Fields many = score_all(img, threads);
      ASSERT_EQ(one.size(), many.size());
      for (const auto& [key, value] : one) {
        EXPECT_EQ(value, many.at(key)) << key << " with " << threads << " threads, " << img.width << "x" << img.height;
      }
    }
  }
}

TEST(Analyzers, ScorerIsReusableAcrossPhotosOfDifferentSizes) {
  // Kernels keep their buffers from photo to photo: a large photo followed by
  // a small one must not leak state into the second answer.
  std::vector<const AnalyzerSpec*> specs;
  for (const auto& a : all_analyzers()) specs.push_back(&a);
  ImageScorer reused(specs, 2);
  const RgbImage big = noise(300, 200, 9), small = smooth_noise(37, 23, 10, 0);
  (void)reused.score(big);
  const auto again = reused.score(small);
  ImageScorer fresh(specs, 2);
  const auto first = fresh.score(small);
  ASSERT_EQ(again.size(), first.size());
  for (std::size_t i = 0; i < first.size(); ++i) EXPECT_EQ(again[i].values, first[i].values) << specs[i]->name;
}

TEST(Analyzers, AnalyzersSubsetGiveSameFiguresAsAllTogether) {
  const RgbImage img = smooth_noise(90, 70, 11, 10);
  const Fields all = score_all(img);
  for (const auto& a : all_analyzers()) {
    const Fields alone = score_with(img, {a.name}, 1);
    for (const auto& [key, value] : alone) EXPECT_EQ(value, all.at(key)) << key;
  }
}

}  // namespace
}  // namespace photoscore
