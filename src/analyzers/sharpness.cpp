// Sharpness: the variance of the 5-point Laplacian of the gray image
// (docs/algorithms.md, "Sharpness"). On scaled gray levels the Laplacian is an
// exact integer, so its sum and sum of squares are exact and the variance is
// independent of how the photo was split into strips.
#include <vector>

#include "analysis/analyzer.hpp"
#include "analysis/summing_kernel.hpp"
#include "analysis/gray_strips.hpp"

namespace photoscore {
namespace {

enum Field : std::size_t { kVar, kScore, kVerdict };

struct Sums {
  std::int64_t sum = 0;
  // Squares reach 1.04e12 each: a row's total fits easily in 64 bits, the
  // photo's is kept in 128 so no size of photo can overflow it.
  Int128 sum_sq = 0;

  Sums& operator+=(const Sums& o) {
    sum += o.sum;
    sum_sq += o.sum_sq;
    return *this;
  }
};

// |L| <= 4 * kGrayMax < 2^20, so L^2 < 2^40 is exact in a double, and so is
// any sum of them below 2^53: blocks of kBlock pixels stay below it (8192 *
// 1.04e12 = 8.5e15 < 9.0e15) whatever order the vector lanes add in, which
// lets the compiler vectorize the double sum (the omp simd reduction) where
// 64-bit integer multiplies would not vectorize on every x86-64.
constexpr int kBlock = 8192;

[[gnu::always_inline]] inline void row_sums(const std::int32_t* up, const std::int32_t* mid,
                                            const std::int32_t* down, int width, Sums& acc) {
  std::int64_t sum = 0;
  std::int64_t sum_sq = 0;
  for (int x0 = 0; x0 < width; x0 += kBlock) {
    const int x1 = width - x0 < kBlock ? width : x0 + kBlock;
    // |L| < 2^20 and a block has 2^13 pixels: its sum fits 32 bits.
    std::int32_t block_sum = 0;
    double block_sq = 0.0;
#pragma omp simd reduction(+ : block_sum, block_sq)
    for (int x = x0; x < x1; ++x) {
      const std::int32_t lap = up[x] + down[x] + mid[x - 1] + mid[x + 1] - 4 * mid[x];
      block_sum += lap;
      block_sq += static_cast<double>(lap) * static_cast<double>(lap);
    }
    sum += block_sum;
    sum_sq += static_cast<std::int64_t>(block_sq);
  }
  acc.sum += sum;
  acc.sum_sq += sum_sq;
}

void strip_sums(const Strip& s, Sums& acc) {
  for (int y = s.y0; y < s.y1; ++y) row_sums(s.gray_row(y - 1), s.gray_row(y), s.gray_row(y + 1), s.width, acc);
}

class SharpnessKernel final : public TwinSummingKernel<Sums, strip_sums> {
 public:
  AnalyzerResult finish(const RgbImage&) override {
    const Sums t = total();
    // In units of 1/1000^2: the Laplacian of scaled gray levels.
    const double var = static_cast<double>(exact_variance(pixels(), t.sum, t.sum_sq) /
                                           (static_cast<long double>(kGrayScale) * kGrayScale));
    const double score = clip01(var / 10000.0);
    const char* verdict = var >= 2000.0 ? "sharp" : (var >= 300.0 ? "soft" : "blurry");
    return {{round_to(var, 2), round_to(score, 4), std::string(verdict)}};
  }
};

std::string figure(const AnalyzerResult& r) { return figure_text(r, kVar, "var %.1f"); }

std::string note(const AnalyzerResult& r) {
  const std::string& v = std::get<std::string>(r.values[kVerdict]);
  if (v == "sharp") return "Well-focused, clear detail throughout";
  if (v == "soft") return "Slightly soft \u2014 some detail lost";
  return "Blurry \u2014 out of focus or motion blur";
}

}  // namespace

AnalyzerSpec sharpness_analyzer() {
  AnalyzerSpec spec;
  spec.name = "sharpness";
  spec.summary = "variance of the Laplacian (focus and detail)";
  spec.fields = {number_field("laplacian_var", 2, true, "gray level^2",
                              "variance of the 3x3 Laplacian of the gray image (sharpness)"),
                 number_field("sharpness_score", 4, true, "1", "sharpness analyzer's score, 0..1"),
                 label_field("sharpness_verdict", true, {"sharp", "soft", "blurry"},
                             "sharpness analyzer's one-word verdict")};
  spec.score_field = kScore;
  spec.verdict_field = kVerdict;
  spec.weight = 0.4;
  spec.make_kernel = [] { return std::unique_ptr<AnalyzerKernel>(new SharpnessKernel); };
  spec.figure = figure;
  spec.note = note;
  return spec;
}

}  // namespace photoscore
