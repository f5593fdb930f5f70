#pragma once
// What both exposure analyzers (the seed's and the calibrated one) report
// and how the dashboard words it: the same five fields in the same order,
// the same figure, and a note that differs only in its thresholds' words.
#include <cstdint>
#include <string>
#include <vector>

#include "analysis/analyzer.hpp"

namespace photoscore {

enum ExposureField : std::size_t {
  kExposureMean,
  kExposureShadows,
  kExposureHighlights,
  kExposureScore,
  kExposureVerdict
};

std::vector<FieldSpec> exposure_fields();

// The three figures both measure, from their exact counts over `pixels`:
// the mean gray level (0..1, from the sum of scaled gray levels) and the
// shares of pixels counted as crushed shadows and as blown highlights.
struct ExposureShares {
  double mean;
  double shadows;
  double highlights;
};
ExposureShares exposure_shares(std::int64_t pixels, std::int64_t gray_sum, std::int64_t shadows,
                               std::int64_t highlights);

// The five fields, in their order and rounded as reported.
AnalyzerResult exposure_result(const ExposureShares& shares, double score, const char* verdict);

// "mean 0.41"
std::string exposure_figure(const AnalyzerResult& r);

struct ExposureWording {
  // The note blames highlights when highlights * highlight_weight > shadows.
  double highlight_weight = 1.0;
  const char* blown = "are pure white";       // "... 12.3% of pixels <blown>"
  const char* band = "ideal 0.35\u20130.76";  // "Underexposed — mean brightness 0.21 (<band>)"
};

std::string exposure_note(const AnalyzerResult& r, const ExposureWording& wording);

}  // namespace photoscore
