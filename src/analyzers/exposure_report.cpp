#include "analyzers/exposure_report.hpp"

#include <cstdio>

namespace photoscore {

std::vector<FieldSpec> exposure_fields() {
  return {
      number_field("mean_brightness", 4, true, "1", "mean gray level over 255, 0..1"),
      number_field("clipped_shadows", 4, false, "1", "fraction of pixels at the darkest gray levels"),
      number_field("clipped_highlights", 4, false, "1", "fraction of pixels at the brightest gray levels"),
      number_field("exposure_score", 4, true, "1", "exposure analyzer's score, 0..1"),
      label_field("exposure_verdict", true, {"good", "dark", "bright", "clipped"},
                  "exposure analyzer's one-word verdict")};
}

ExposureShares exposure_shares(std::int64_t pixels, std::int64_t gray_sum, std::int64_t shadows,
                               std::int64_t highlights) {
  const double n = static_cast<double>(pixels);
  return {static_cast<double>(gray_sum) / (n * kGrayMax), static_cast<double>(shadows) / n,
          static_cast<double>(highlights) / n};
}

AnalyzerResult exposure_result(const ExposureShares& shares, double score, const char* verdict) {
  return {{round_to(shares.mean, 4), round_to(shares.shadows, 4), round_to(shares.highlights, 4),
           round_to(score, 4), std::string(verdict)}};
}

std::string exposure_figure(const AnalyzerResult& r) { return figure_text(r, kExposureMean, "mean %.2f"); }

std::string exposure_note(const AnalyzerResult& r, const ExposureWording& wording) {
  const std::string& v = std::get<std::string>(r.values[kExposureVerdict]);
  const double mean = std::get<double>(r.values[kExposureMean]);
  const double shadows = std::get<double>(r.values[kExposureShadows]);
  const double highlights = std::get<double>(r.values[kExposureHighlights]);
  char buf[160];
  if (v == "clipped") {
    if (highlights * wording.highlight_weight > shadows) {
      std::snprintf(buf, sizeof buf, "Blown highlights \u2014 %.1f%% of pixels %s", highlights * 100,
                    wording.blown);
    } else {
      std::snprintf(buf, sizeof buf, "Crushed shadows \u2014 %.1f%% of pixels are pure black", shadows * 100);
    }
  } else if (v == "dark") {
    std::snprintf(buf, sizeof buf, "Underexposed \u2014 mean brightness %.2f (%s)", mean, wording.band);
  } else if (v == "bright") {
    std::snprintf(buf, sizeof buf, "Overexposed \u2014 mean brightness %.2f (%s)", mean, wording.band);
  } else {
    std::snprintf(buf, sizeof buf, "Well exposed \u2014 mean brightness %.2f", mean);
  }
  return buf;
}

}  // namespace photoscore
