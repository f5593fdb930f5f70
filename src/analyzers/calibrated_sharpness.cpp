// Sharpness, calibrated profile (docs/profiles.md): focus where the photo is
// sharpest, measured on the working image (image/working_image.hpp), net of
// noise and JPEG blocking.
//
// The working image is cut into kTile x kTile tiles (the last row and column
// of tiles take the remainder). Per tile, exactly in integers:
//   - the sum and sum of squares of the 5-point Laplacian, as the seed's;
//   - the sum of |N| with N Immerkaer's noise mask [1 -2 1; -2 4 -2; 1 -2 1],
//     which cancels any locally planar or quadratic signal, so on flat tiles
//     it sees only noise: sigma = sqrt(pi/2) * sum|N| / (6 * pixels).
// Then:
//   noise = the 10th percentile of the tiles' sigma (the flattest tenth is
//           where the mask sees least signal);
//   focus of a tile = its Laplacian variance - 20 noise^2 (white noise of
//           sigma s adds 4 s^2 + 16 s^2 to the Laplacian's variance);
//   focus = the mean of the sharpest tiles' focus (the top 1/128 of tiles,
//           at least 4): a small sharp subject on a soft background is sharp,
//           a photo blurred all over is blurry;
//   laplacian_var = focus / (1 + blocking), blocking as working_image.hpp:
//           block edges add Laplacian energy that is no detail.
// Tiles are indexed by position, per slot, so the totals do not depend on
// how rows were split into strips or strips over threads.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include "analysis/analyzer.hpp"
#include "analysis/gray_strips.hpp"

namespace photoscore {
namespace {

enum Field : std::size_t { kFocus, kScore, kVerdict, kNoise, kBlocking };

constexpr int kTile = 16;
// Verdict thresholds on laplacian_var (gray levels 0..255 squared), chosen
// on degradation series (analysis/profile_eval.py): the in-focus photos we
// tried read 1300 or more, a 12 MP photo blurred at sigma 3 below 800.
constexpr double kSharpAbove = 2000.0;
constexpr double kNoiseCost = 0.04;
constexpr double kSoftAbove = 1000.0;

struct TileSums {
  std::int64_t lap = 0;
  std::int64_t lap_sq = 0;
  std::int64_t noise = 0;  // sum of |N|
};

class CalibratedSharpnessKernel final : public AnalyzerKernel {
 public:
  void begin(int width, int height, int slots) override {
    width_ = width;
    height_ = height;
    tiles_x_ = std::max(1, width / kTile);
    tiles_y_ = std::max(1, height / kTile);
    const std::size_t tiles = static_cast<std::size_t>(tiles_x_) * tiles_y_;
    sums_.assign(static_cast<std::size_t>(slots), std::vector<TileSums>(tiles));
  }

  void consume(const Strip& s, int slot) override {
    std::vector<TileSums>& tiles = sums_[static_cast<std::size_t>(slot)];
    for (int y = s.y0; y < s.y1; ++y) {
      const std::int32_t* up = s.gray_row(y - 1);
      const std::int32_t* mid = s.gray_row(y);
      const std::int32_t* down = s.gray_row(y + 1);
      TileSums* row = tiles.data() + static_cast<std::size_t>(std::min(y / kTile, tiles_y_ - 1)) * tiles_x_;
      for (int tx = 0; tx < tiles_x_; ++tx) {
        const int x0 = tx * kTile;
        const int x1 = tx == tiles_x_ - 1 ? width_ : x0 + kTile;
        // |L| < 2^20, |N| < 2^22: a tile row's sums fit 32 bits but for the
        // squares, which stay exact in a double (< 2^40 each, < 2^46 in all).
        std::int64_t lap = 0, noise = 0;
        double lap_sq = 0.0;
        for (int x = x0; x < x1; ++x) {
          const std::int32_t cross = up[x] + down[x] + mid[x - 1] + mid[x + 1];
          const std::int32_t l = cross - 4 * mid[x];
          const std::int32_t n = 4 * mid[x] - 2 * cross + (up[x - 1] + up[x + 1] + down[x - 1] + down[x + 1]);
          lap += l;
          lap_sq += static_cast<double>(l) * l;
          noise += n < 0 ? -n : n;
        }
        row[tx].lap += lap;
        row[tx].lap_sq += static_cast<std::int64_t>(lap_sq);
        row[tx].noise += noise;
      }
    }
  }

  AnalyzerResult finish(const RgbImage& image) override {
    const std::size_t tiles = static_cast<std::size_t>(tiles_x_) * tiles_y_;
    std::vector<double> variance(tiles), sigma(tiles);
    for (std::size_t t = 0; t < tiles; ++t) {
      TileSums total;
      for (const auto& slot : sums_) {
        total.lap += slot[t].lap;
        total.lap_sq += slot[t].lap_sq;
        total.noise += slot[t].noise;
      }
      const int tx = static_cast<int>(t % tiles_x_);
      const int ty = static_cast<int>(t / tiles_x_);
      const std::int64_t w = (tx == tiles_x_ - 1 ? width_ : (tx + 1) * kTile) - tx * kTile;
      const std::int64_t h = (ty == tiles_y_ - 1 ? height_ : (ty + 1) * kTile) - ty * kTile;
      const std::int64_t n = w * h;
      constexpr long double kScale2 = static_cast<long double>(kGrayScale) * kGrayScale;
      variance[t] = static_cast<double>(exact_variance(n, total.lap, total.lap_sq) / kScale2);
      sigma[t] = std::sqrt(std::acos(-1.0) / 2.0) * static_cast<double>(total.noise) /
                 (6.0 * static_cast<double>(n) * kGrayScale);
    }
    std::vector<double> sorted = sigma;
    const std::size_t tenth = (tiles - 1) / 10;
    std::nth_element(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(tenth), sorted.end());
    const double noise = sorted[tenth];
    for (double& v : variance) v = std::max(0.0, v - 20.0 * noise * noise);
    const std::size_t top = std::min(tiles, std::max<std::size_t>(4, tiles / 128));
    std::partial_sort(variance.begin(), variance.begin() + static_cast<std::ptrdiff_t>(top), variance.end(),
                      std::greater<>());
    double sum = 0.0;
    for (std::size_t i = 0; i < top; ++i) sum += variance[i];
    const double blocking = image.scaled.blocking;
    const double focus = sum / static_cast<double>(top) / (1.0 + blocking);
    // Log scale, each halving of focus costing the same, from 3 (0) to 10000
    // (1): a blurred photo keeps losing score as it blurs further. Visible
    // noise (sigma in gray levels at the working resolution) costs on top.
    const double score = focus > 0.0 ? clip01((std::log10(focus) - 0.5) / 3.5 - kNoiseCost * noise) : 0.0;
    const char* verdict = focus >= kSharpAbove ? "sharp" : (focus >= kSoftAbove ? "soft" : "blurry");
    return {{round_to(focus, 2), round_to(score, 4), std::string(verdict), round_to(noise, 2),
             round_to(blocking, 3)}};
  }

 private:
  int width_ = 0, height_ = 0, tiles_x_ = 1, tiles_y_ = 1;
  std::vector<std::vector<TileSums>> sums_;  // per slot, per tile
};

std::string figure(const AnalyzerResult& r) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "focus %.0f", std::get<double>(r.values[kFocus]));
  return buf;
}

std::string note(const AnalyzerResult& r) {
  const std::string& v = std::get<std::string>(r.values[kVerdict]);
  if (v == "sharp") return "In focus \u2014 its sharpest parts hold fine detail";
  if (v == "soft") return "Slightly soft \u2014 even its sharpest parts lose some detail";
  return "Blurry \u2014 nothing in the photo is in focus";
}

}  // namespace

AnalyzerSpec calibrated_sharpness_analyzer() {
  AnalyzerSpec spec;
  spec.name = "sharpness";
  spec.summary = "focus of the sharpest tiles at the working resolution, net of noise and JPEG blocking";
  spec.fields = {{"laplacian_var", FieldSpec::Kind::Number, 2, true},
                 {"sharpness_score", FieldSpec::Kind::Number, 4, true},
                 {"sharpness_verdict", FieldSpec::Kind::Label, 0, true},
                 {"noise_sigma", FieldSpec::Kind::Number, 2, false},
                 {"jpeg_blocking", FieldSpec::Kind::Number, 3, false}};
  spec.score_field = kScore;
  spec.verdict_field = kVerdict;
  spec.weight = 0.4;
  spec.make_kernel = [] { return std::unique_ptr<AnalyzerKernel>(new CalibratedSharpnessKernel); };
  spec.figure = figure;
  spec.note = note;
  return spec;
}

}  // namespace photoscore
