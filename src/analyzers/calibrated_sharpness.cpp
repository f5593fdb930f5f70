// Sharpness, calibrated profile (docs/profiles.md): focus where the photo is
// sharpest, measured on the working image (image/working_image.hpp),
// whatever the photo's exposure and contrast, net of noise and JPEG blocking.
//
// The working image is cut into kTile x kTile tiles (the last row and column
// of tiles take the remainder). Per tile, exactly in integers:
//   - the sum and sum of squares of the 5-point Laplacian, as the seed's;
//   - the sum and sum of squares of the gray levels: the tile's own signal;
//   - the sum of |N| with N Immerkaer's noise mask [1 -2 1; -2 4 -2; 1 -2 1],
//     which cancels any locally planar or quadratic signal, so on flat tiles
//     it sees only noise: sigma = sqrt(pi/2) * sum|N| / (6 * pixels).
// Then:
//   noise = the 10th percentile of the tiles' sigma (the flattest tenth is
//           where the mask sees least signal);
//   per tile, net of noise: L = its Laplacian variance - 20 e and
//           V = its gray variance - e, e = noise^2 - 0.5^2 (white noise of
//           sigma s adds 4 s^2 + 16 s^2 to the Laplacian's variance and s^2
//           to the gray levels'; the first half gray level is every photo's
//           rounding), each at least a hundredth of itself, so ever stronger
//           blurs keep falling;
//   the sharpest tiles: the top 1/128 by L (at least 4): a small sharp
//           subject on a soft background is sharp, a photo blurred all over
//           is blurry;
//   focus = 2500 x sum L / sum (V + 100) over them: the Laplacian variance
//           they would have at a gray deviation of 50 levels. A gain on the
//           gray levels (a darker or brighter exposure, less contrast) scales
//           L and V alike and cancels; a blur takes the fine detail, which L
//           sees and V hardly does. The focus was the bare L before: a photo
//           darkened x0.35 lost 0.35^2 of it and read "blurry". The 100 (a
//           tile varying by under 10 gray levels shows no detail) keeps the
//           8-bit rounding's Laplacian energy in a blurred, darkened photo
//           from reading as detail;
//   laplacian_var = focus / (1 + blocking), blocking as working_image.hpp,
//           from the |gray steps| on and off the JPEG grid summed in the same
//           sweep: block edges add Laplacian energy that is no detail;
//   sharpness_score = the log of focus, less the noise's sigma over the
//           sharpest tiles' gray deviation, less kBlockingCost per unit of
//           blocking beyond kBlockingAllowed, at most kBlockingMaxCost
//           (dividing focus alone did nothing once focus was past the full
//           mark: a small photo's quality 10 copy kept its original's score
//           of 1), and the verdict is cut from the score (one scale: a
//           higher score never has a worse word).
// Tiles are indexed by position, per slot, so the totals do not depend on
// how rows were split into strips or strips over threads.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <vector>

#include "analysis/analyzer.hpp"
#include "analysis/avx2_dispatch.hpp"
#include "analysis/gray_strips.hpp"
#include "image/working_image.hpp"

namespace photoscore {
namespace {

enum Field : std::size_t { kFocus, kScore, kVerdict, kNoise, kBlocking };

constexpr int kTile = 16;
// focus = kReferenceVariance x the sharpest tiles' Laplacian variance over
// their gray variance (plus kQuietVariance): the Laplacian variance they
// would have at a gray deviation of 50 levels, whatever their exposure.
constexpr double kReferenceVariance = 2500.0;  // gray levels^2
// A tile whose gray levels vary by less than 10 holds no detail anyone sees;
// it keeps the 8-bit rounding's Laplacian energy in a blurred, darkened photo
// (about 20 / 12 gray levels^2 a pixel) from reading as detail.
constexpr double kQuietVariance = 100.0;
// Score: log10(1 + focus / kFocusZero) / log10(1 + kFocusFull / kFocusZero),
// less kNoiseCost x the noise's sigma over the sharpest tiles' gray deviation.
constexpr double kFocusZero = 10.0;
constexpr double kFocusFull = 10000.0;
constexpr double kNoiseCost = 1.0;
// Less kBlockingCost per unit of blocking beyond kBlockingAllowed, at most
// kBlockingMaxCost. The evaluation's photos, saved at JPEG quality 95, read
// 0 to 0.37 (the dragonfly's, whose source was compressed harder) whatever
// else was done to them, so a photo's own encoding costs nothing. Their
// quality 10 copies read 0.87 to 9.1, but so do some quality 50-60 ones
// (2.1 to 2.4 for the bridge, scored at a quarter of its size, where a
// block is 2 pixels): the measure does not compare across photos, so the
// cost is capped, enough to rank a compressed copy below its original
// where focus is past the full mark, and too little to take a sharp
// photo (0.82 and up) below "sharp". Chosen by replaying the evaluation's
// rows (docs/profiles.md): allowances 0.4-0.6, costs 0.05-0.3 and caps
// 0.04-0.1 all pass its claims. With no allowance a contrast-reduced copy
// of the ladybird lost its verdict; uncapped (0.15 a unit), 8 of the 75
// copies at quality 50-90 changed theirs, 6 to "blurry"; capped, 4 and 2.
constexpr double kBlockingCost = 0.1;
constexpr double kBlockingAllowed = 0.5;
constexpr double kBlockingMaxCost = 0.05;
// Verdict thresholds on sharpness_score, chosen on the degradation series
// (analysis/profile_eval.py, docs/profiles.md; focus figures without noise
// cost). Soft from 0.70 (focus 1250): the 15 in-focus photos read 1786 or
// more (the macro ladybird, lowest; its copies darkened to x0.3 1441, at
// contrast x0.25 1324), their synthetic shallow depth of field 1958 or
// more, while 12 MP photos blurred at sigma 3 read 1210 or less (the
// elephants painting; the others 1060 and below). Sharp from 0.77 (focus
// 2030): every other in-focus photo reads 3600 or more and keeps it down to
// x0.3 and contrast x0.25 (2329 the least), so only the ladybird is "soft".
constexpr double kSharpFrom = 0.77;
constexpr double kSoftFrom = 0.70;
constexpr double kNetFloor = 0.01;
constexpr double kNoiseFloor = 0.5;  // gray levels

// Log scale, each halving of focus costing the same, from kFocusZero (0) to
// kFocusFull (1): a blurred photo keeps losing score as it blurs further.
// Noise costs on the log of focus; blocking on what they leave, capped at 1,
// so compression costs a photo whose focus is past the full mark too (a
// quality 10 JPEG's block edges raise its focus as much as the division
// by 1 + blocking takes off).
double sharpness_score(double focus, double relative_noise, double blocking) {
  const double focused =
      clip01(std::log10(1.0 + focus / kFocusZero) / std::log10(1.0 + kFocusFull / kFocusZero) -
             kNoiseCost * relative_noise);
  return clip01(focused -
                std::min(kBlockingMaxCost, kBlockingCost * std::max(0.0, blocking - kBlockingAllowed)));
}

// The verdict is read off the score, so the two never disagree.
const char* sharpness_verdict(double score) {
  return score >= kSharpFrom ? "sharp" : (score >= kSoftFrom ? "soft" : "blurry");
}

// The JPEG block grid's period in the working image: 8 / the reduction, 0
// when a block is a pixel or less (or the photo was not reduced by a profile).
int block_period(const RgbImage& image) {
  const int f = image.scaled.factor;
  return f > 0 && f <= 4 ? 8 / f : 0;
}

struct BlockSums {
  std::int64_t on = 0;   // |gray steps| across the JPEG grid
  std::int64_t off = 0;  // the rest
};

struct TileSums {
  std::int64_t lap = 0;
  std::int64_t lap_sq = 0;
  std::int64_t noise = 0;    // sum of |N|
  std::int64_t gray = 0;     // sum of the gray levels
  std::int64_t gray_sq = 0;  // and of their squares
};

// One strip's tile and blocking sums, into `tiles` (tiles_x x tiles_y, by
// position) and `block`. Its AVX2 build (eight lanes) makes the same exact
// integer sums, so the same figures.
[[gnu::always_inline]] inline void strip_sums(const Strip& s, int tiles_x, int tiles_y, TileSums* tiles,
                                              BlockSums& block) {
  const int width = s.width;
  const int period = block_period(*s.image);
  for (int y = s.y0; y < s.y1; ++y) {
    const std::int32_t* up = s.gray_row(y - 1);
    const std::int32_t* mid = s.gray_row(y);
    const std::int32_t* down = s.gray_row(y + 1);
    TileSums* row = tiles + static_cast<std::size_t>(std::min(y / kTile, tiles_y - 1)) * tiles_x;
    // |steps| to the right and from above, for the blocking measure: at the
    // last column and the first row the mirrored edge makes them 0.
    std::int64_t across = 0, down_steps = 0;
    for (int tx = 0; tx < tiles_x; ++tx) {
      const int x0 = tx * kTile;
      const int x1 = tx == tiles_x - 1 ? width : x0 + kTile;
      // |L| < 2^20, |N| < 2^22, |step| < 2^18: a tile row's sums (at most
      // 2 * kTile - 1 pixels) fit 32 bits but for the squares, which stay
      // exact in a double (< 2^40 each, < 2^46 in all) whatever order the
      // vector lanes add them in.
      std::int32_t lap = 0, noise = 0, h_sum = 0, v_sum = 0, gray = 0;
      double lap_sq = 0.0, gray_sq = 0.0;
#pragma omp simd reduction(+ : lap, noise, h_sum, v_sum, gray, lap_sq, gray_sq)
      for (int x = x0; x < x1; ++x) {
        const std::int32_t cross = up[x] + down[x] + mid[x - 1] + mid[x + 1];
        const std::int32_t l = cross - 4 * mid[x];
        const std::int32_t n = 4 * mid[x] - 2 * cross + (up[x - 1] + up[x + 1] + down[x - 1] + down[x + 1]);
        const std::int32_t h = mid[x + 1] - mid[x], v = mid[x] - up[x];
        lap += l;
        lap_sq += static_cast<double>(l) * static_cast<double>(l);
        noise += n < 0 ? -n : n;
        gray += mid[x];
        gray_sq += static_cast<double>(mid[x]) * static_cast<double>(mid[x]);
        h_sum += h < 0 ? -h : h;
        v_sum += v < 0 ? -v : v;
      }
      row[tx].lap += lap;
      row[tx].lap_sq += static_cast<std::int64_t>(lap_sq);
      row[tx].noise += noise;
      row[tx].gray += gray;
      row[tx].gray_sq += static_cast<std::int64_t>(gray_sq);
      across += h_sum;
      down_steps += v_sum;
    }
    if (period == 0) continue;
    // Steps across the grid: between columns period*k - 1 and period*k, and
    // from row period*k - 1 down to row period*k.
    std::int64_t on = 0;
    for (int x = period - 1; x + 1 < width; x += period) on += std::abs(mid[x + 1] - mid[x]);
    block.on += on;
    block.off += across - on;
    (y % period == 0 && y > 0 ? block.on : block.off) += down_steps;
  }
}

class CalibratedSharpnessKernel final : public AnalyzerKernel {
 public:
  void begin(int width, int height, int slots) override {
    width_ = width;
    height_ = height;
    tiles_x_ = std::max(1, width / kTile);
    tiles_y_ = std::max(1, height / kTile);
    const std::size_t tiles = static_cast<std::size_t>(tiles_x_) * tiles_y_;
    sums_.assign(static_cast<std::size_t>(slots), std::vector<TileSums>(tiles));
    blocks_.assign(static_cast<std::size_t>(slots), BlockSums{});
  }

  void consume(const Strip& s, int slot) override {
    avx2_or_portable<strip_sums, kAvx2Build<strip_sums>>(s, tiles_x_, tiles_y_,
                                                         sums_[static_cast<std::size_t>(slot)].data(),
                                                         blocks_[static_cast<std::size_t>(slot)]);
  }

  AnalyzerResult finish(const RgbImage& image) override {
    const std::size_t tiles = static_cast<std::size_t>(tiles_x_) * tiles_y_;
    std::vector<double> variance(tiles), spread(tiles), sigma(tiles);
    for (std::size_t t = 0; t < tiles; ++t) {
      TileSums total;
      for (const auto& slot : sums_) {
        total.lap += slot[t].lap;
        total.lap_sq += slot[t].lap_sq;
        total.noise += slot[t].noise;
        total.gray += slot[t].gray;
        total.gray_sq += slot[t].gray_sq;
      }
      const int tx = static_cast<int>(t % tiles_x_);
      const int ty = static_cast<int>(t / tiles_x_);
      const std::int64_t w = (tx == tiles_x_ - 1 ? width_ : (tx + 1) * kTile) - tx * kTile;
      const std::int64_t h = (ty == tiles_y_ - 1 ? height_ : (ty + 1) * kTile) - ty * kTile;
      const std::int64_t n = w * h;
      constexpr long double kScale2 = static_cast<long double>(kGrayScale) * kGrayScale;
      variance[t] = static_cast<double>(exact_variance(n, total.lap, total.lap_sq) / kScale2);
      spread[t] = static_cast<double>(exact_variance(n, total.gray, total.gray_sq) / kScale2);
      sigma[t] = std::sqrt(std::acos(-1.0) / 2.0) * static_cast<double>(total.noise) /
                 (6.0 * static_cast<double>(n) * kGrayScale);
    }
    std::vector<double> sorted = sigma;
    const std::size_t tenth = (tiles - 1) / 10;
    std::nth_element(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(tenth), sorted.end());
    const double noise = sorted[tenth];
    // Net of noise, but never below a hundredth of the tile's figure:
    // clamping at 0 made the strongest blurs of a series tie
    // (docs/profiles.md); a hundredth still rises with the figure and leaks
    // next to nothing of the noise.
    // Noise below kNoiseFloor is the 8-bit rounding and JPEG's own, which
    // every photo has and which is not what a viewer calls noise; taking it
    // off too made the strongest blurs of a series rise again as their
    // noise estimate fell with the last of the detail.
    // White noise of variance s^2 adds 20 s^2 to the Laplacian's variance
    // and s^2 to the gray levels'.
    const double excess = std::max(0.0, noise * noise - kNoiseFloor * kNoiseFloor);
    std::vector<std::size_t> order(tiles);
    for (std::size_t t = 0; t < tiles; ++t) {
      order[t] = t;
      variance[t] = std::max(variance[t] - 20.0 * excess, kNetFloor * variance[t]);
      spread[t] = std::max(spread[t] - excess, kNetFloor * spread[t]);
    }
    // The sharpest tiles: the most Laplacian energy, which gain scales alike
    // in every tile, so darkening a photo picks the same tiles. Ties go to
    // the first tile, so the choice is the same on every machine.
    const std::size_t top = std::min(tiles, std::max<std::size_t>(4, tiles / 128));
    std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(top), order.end(),
                      [&](std::size_t a, std::size_t b) {
                        return variance[a] != variance[b] ? variance[a] > variance[b] : a < b;
                      });
    double lap_energy = 0.0, gray_energy = 0.0;
    for (std::size_t i = 0; i < top; ++i) {
      lap_energy += variance[order[i]];
      gray_energy += spread[order[i]];
    }
    BlockSums block;
    for (const auto& b : blocks_) {
      block.on += b.on;
      block.off += b.off;
    }
    const int period = block_period(image);
    double blocking = 0.0;
    if (period > 0 && width_ >= 2 * period && height_ >= 2 * period) {
      // How many steps of each kind consume() summed (see there).
      const std::int64_t w = width_, h = height_;
      const std::int64_t across_on = (w - 1) / period, rows_on = (h - 1) / period;
      const std::int64_t n_on = across_on * h + rows_on * w;
      const std::int64_t n_off = ((w - 1) - across_on) * h + ((h - 1) - rows_on) * w;
      blocking = jpeg_blocking(block.on, n_on, block.off, n_off, period);
    }
    const double signal = gray_energy + kQuietVariance * static_cast<double>(top);
    const double focus = kReferenceVariance * lap_energy / signal / (1.0 + blocking);
    // Noise costs in proportion to the detail it hides (its sigma over the
    // sharpest tiles' gray deviation), so a darker copy, whose noise and
    // detail both scale down, pays the same.
    const double relative_noise = std::sqrt(excess / (signal / static_cast<double>(top)));
    const double score = round_to(sharpness_score(focus, relative_noise, blocking), 4);
    const char* verdict = sharpness_verdict(score);
    return {{round_to(focus, 2), score, std::string(verdict), round_to(noise, 2), round_to(blocking, 3)}};
  }

 private:
  int width_ = 0, height_ = 0, tiles_x_ = 1, tiles_y_ = 1;
  std::vector<std::vector<TileSums>> sums_;  // per slot, per tile
  std::vector<BlockSums> blocks_;            // per slot
};

std::string figure(const AnalyzerResult& r) { return figure_text(r, kFocus, "focus %.0f"); }

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
  spec.summary =
      "focus of the sharpest tiles at the working resolution, whatever their exposure and contrast, "
      "net of noise and JPEG blocking";
  spec.fields = {
      number_field(
          "laplacian_var", 2, true, "gray level^2",
          "focus: Laplacian variance of the sharpest tiles of the working image at a gray deviation of 50 "
          "levels (their own contrast and exposure divided out), net of noise and JPEG blocking"),
      number_field("sharpness_score", 4, true, "1",
                   "sharpness analyzer's score, 0..1 (log of focus, less noise and JPEG blocking)"),
      label_field("sharpness_verdict", true, {"sharp", "soft", "blurry"},
                  "sharpness analyzer's one-word verdict, read off sharpness_score"),
      number_field("noise_sigma", 2, false, "gray level",
                   "noise of the working image (Immerkaer's estimate, the 10th percentile of its tiles')"),
      number_field(
          "jpeg_blocking", 3, false, "1",
          "mean gray step across the JPEG block grid over the mean step elsewhere, minus 1 (0: none seen)")};
  spec.score_field = kScore;
  spec.verdict_field = kVerdict;
  spec.weight = 0.4;
  spec.never_post_it = "blurry";
  spec.make_kernel = [] { return std::unique_ptr<AnalyzerKernel>(new CalibratedSharpnessKernel); };
  spec.figure = figure;
  spec.note = note;
  return spec;
}

}  // namespace photoscore
