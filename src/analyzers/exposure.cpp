// Exposure: mean gray level and the fractions of crushed shadows and blown
// highlights (docs/algorithms.md, "Exposure"). The thresholds 0.02 and 0.98 are
// compared on the exact scaled gray levels: gray < 0.02 is G < 5100.
#include <algorithm>
#include <cmath>
#include <vector>

#include "analysis/analyzer.hpp"
#include "analysis/gray_strips.hpp"
#include "analysis/summing_kernel.hpp"
#include "analyzers/exposure_report.hpp"

namespace photoscore {
namespace {

// The fields, in exposure_report.hpp's order.
enum Field : std::size_t { kMean = kExposureMean, kShadows, kHighlights, kScore, kVerdict };

constexpr std::int32_t kShadowBelow = kGrayMax / 50;                // 0.02 of full scale
constexpr std::int32_t kHighlightAbove = kGrayMax - kGrayMax / 50;  // 0.98 of full scale
constexpr double kLow = 0.35;
constexpr double kHigh = 0.76;

struct Sums {
  std::int64_t sum = 0;
  std::int64_t shadows = 0;
  std::int64_t highlights = 0;

  Sums& operator+=(const Sums& o) {
    sum += o.sum;
    shadows += o.shadows;
    highlights += o.highlights;
    return *this;
  }
};

// A block's gray levels sum below 2^31 (8192 * 255000 = 2.09e9), so each
// block is summed in 32-bit lanes and only the block totals are widened.
constexpr int kBlock = 8192;

[[gnu::always_inline]] inline void strip_sums(const Strip& s, Sums& acc) {
  for (int y = s.y0; y < s.y1; ++y) {
    const std::int32_t* g = s.gray_row(y);
    for (int x0 = 0; x0 < s.width; x0 += kBlock) {
      const int x1 = s.width - x0 < kBlock ? s.width : x0 + kBlock;
      std::int32_t sum = 0;
      std::int32_t shadows = 0;
      std::int32_t highlights = 0;
      for (int x = x0; x < x1; ++x) {
        sum += g[x];
        shadows += g[x] < kShadowBelow;
        highlights += g[x] > kHighlightAbove;
      }
      acc.sum += sum;
      acc.shadows += shadows;
      acc.highlights += highlights;
    }
  }
}

class ExposureKernel final : public TwinSummingKernel<Sums, strip_sums> {
 public:
  AnalyzerResult finish(const RgbImage&) override {
    const Sums t = total();
    const ExposureShares shares = exposure_shares(pixels(), t.sum, t.shadows, t.highlights);
    const auto [mean, shadows, highlights] = shares;
    const double clipped = shadows + highlights;
    const double off =
        std::min({std::abs(mean - kLow), std::abs(mean - kHigh), std::abs(mean - (kLow + kHigh) / 2) * 1.5});
    const double brightness = clip01(1.0 - off * 2.0);
    const double score = brightness * clip01(1.0 - clipped * 10.0);
    const char* verdict = clipped > 0.08 ? "clipped"
                          : mean < kLow  ? "dark"
                          : mean > kHigh ? "bright"
                                         : "good";
    return exposure_result(shares, score, verdict);
  }
};

}  // namespace

AnalyzerSpec exposure_analyzer() {
  AnalyzerSpec spec;
  spec.name = "exposure";
  spec.summary = "mean brightness and clipped shadows/highlights";
  spec.fields = exposure_fields();
  spec.score_field = kScore;
  spec.verdict_field = kVerdict;
  spec.weight = 0.4;
  spec.make_kernel = [] { return std::unique_ptr<AnalyzerKernel>(new ExposureKernel); };
  spec.figure = exposure_figure;
  spec.note = [](const AnalyzerResult& r) { return exposure_note(r, {}); };
  return spec;
}

}  // namespace photoscore
