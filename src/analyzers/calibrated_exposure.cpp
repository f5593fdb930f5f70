// Exposure, calibrated profile (docs/profiles.md): the seed's ideas -- mean
// gray level and clipped shadows and highlights -- measured on the working
// image, with a flat "good" band instead of the seed's three-point curve,
// and a little clipping forgiven (a specular highlight or a black shadow is
// no fault; a tenth of the photo blown is).
#include <algorithm>
#include <cstdio>
#include <vector>

#include "analysis/analyzer.hpp"
#include "analysis/gray_strips.hpp"
#include "analysis/summing_kernel.hpp"

namespace photoscore {
namespace {

enum Field : std::size_t { kMean, kShadows, kHighlights, kScore, kVerdict };

constexpr std::int32_t kShadowBelow = kGrayMax / 50;                // 0.02 of full scale, as the seed
constexpr std::int32_t kHighlightAbove = kGrayMax - kGrayMax / 50;  // 0.98
constexpr double kLow = 0.30;   // the good band of the mean gray level
constexpr double kHigh = 0.72;
constexpr double kForgivenHighlights = 0.01;
constexpr double kForgivenShadows = 0.02;

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

void strip_sums(const Strip& s, Sums& acc) {
  for (int y = s.y0; y < s.y1; ++y) {
    const std::int32_t* g = s.gray_row(y);
    for (int x = 0; x < s.width; ++x) {
      acc.sum += g[x];
      acc.shadows += g[x] < kShadowBelow;
      acc.highlights += g[x] > kHighlightAbove;
    }
  }
}

class CalibratedExposureKernel final : public SummingKernel<Sums, strip_sums, nullptr> {
 public:
  AnalyzerResult finish(const RgbImage&) override {
    const Sums t = total();
    const double n = static_cast<double>(pixels());
    const double mean = static_cast<double>(t.sum) / (n * kGrayMax);
    const double shadows = static_cast<double>(t.shadows) / n;
    const double highlights = static_cast<double>(t.highlights) / n;
    const double outside = mean < kLow ? kLow - mean : (mean > kHigh ? mean - kHigh : 0.0);
    const double brightness = clip01(1.0 - 3.0 * outside);
    const double score = brightness * clip01(1.0 - 8.0 * std::max(0.0, highlights - kForgivenHighlights)) *
                         clip01(1.0 - 8.0 * std::max(0.0, shadows - kForgivenShadows));
    // A dark photo's crushed shadows are its darkness: "dark" comes first.
    const char* verdict = mean < kLow                                  ? "dark"
                          : (highlights > 0.05 || shadows > 0.10)      ? "clipped"
                          : mean > kHigh                               ? "bright"
                                                                       : "good";
    return {{round_to(mean, 4), round_to(shadows, 4), round_to(highlights, 4), round_to(score, 4),
             std::string(verdict)}};
  }
};

std::string figure(const AnalyzerResult& r) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "mean %.2f", std::get<double>(r.values[kMean]));
  return buf;
}

std::string note(const AnalyzerResult& r) {
  const std::string& v = std::get<std::string>(r.values[kVerdict]);
  const double mean = std::get<double>(r.values[kMean]);
  const double shadows = std::get<double>(r.values[kShadows]);
  const double highlights = std::get<double>(r.values[kHighlights]);
  char buf[128];
  if (v == "clipped") {
    if (highlights * 2 > shadows) {
      std::snprintf(buf, sizeof buf, "Blown highlights \u2014 %.1f%% of pixels are pure white", highlights * 100);
    } else {
      std::snprintf(buf, sizeof buf, "Crushed shadows \u2014 %.1f%% of pixels are pure black", shadows * 100);
    }
  } else if (v == "dark") {
    std::snprintf(buf, sizeof buf, "Underexposed \u2014 mean brightness %.2f (good 0.30\u20130.72)", mean);
  } else if (v == "bright") {
    std::snprintf(buf, sizeof buf, "Overexposed \u2014 mean brightness %.2f (good 0.30\u20130.72)", mean);
  } else {
    std::snprintf(buf, sizeof buf, "Well exposed \u2014 mean brightness %.2f", mean);
  }
  return buf;
}

}  // namespace

AnalyzerSpec calibrated_exposure_analyzer() {
  AnalyzerSpec spec;
  spec.name = "exposure";
  spec.summary = "mean brightness in a good band and clipped shadows/highlights beyond a small allowance";
  spec.fields = {{"mean_brightness", FieldSpec::Kind::Number, 4, true},
                 {"clipped_shadows", FieldSpec::Kind::Number, 4, false},
                 {"clipped_highlights", FieldSpec::Kind::Number, 4, false},
                 {"exposure_score", FieldSpec::Kind::Number, 4, true},
                 {"exposure_verdict", FieldSpec::Kind::Label, 0, true}};
  spec.score_field = kScore;
  spec.verdict_field = kVerdict;
  spec.weight = 0.4;
  spec.make_kernel = [] { return std::unique_ptr<AnalyzerKernel>(new CalibratedExposureKernel); };
  spec.figure = figure;
  spec.note = note;
  return spec;
}

}  // namespace photoscore
