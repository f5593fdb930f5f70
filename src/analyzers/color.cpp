// Color: Hasler and Suesstrunk's colorfulness (ALGORITHMS.md, "Color"), off
// unless asked for. rg = R - G and 2*yb = R + G - 2B are exact integers, so
// their sums and sums of squares are exact.
#include <cmath>
#include <cstdio>
#include <vector>

#include "analysis/analyzer.hpp"

namespace photoscore {
namespace {

enum Field : std::size_t { kColorfulness, kScore, kVerdict };

struct Sums {
  std::int64_t rg = 0, rg_sq = 0, yb2 = 0, yb2_sq = 0;
};

class ColorKernel final : public AnalyzerKernel {
 public:
  void begin(int width, int height, int slots) override {
    pixels_ = static_cast<std::int64_t>(width) * height;
    sums_.assign(slots, Sums{});
  }

  void consume(const Strip& s, int slot) override {
    Sums& acc = sums_[slot];
    for (int y = s.y0; y < s.y1; ++y) {
      const std::uint8_t* p = s.image->row(y);
      std::int64_t rg = 0, rg_sq = 0, yb2 = 0, yb2_sq = 0;
      for (int x = 0; x < s.width; ++x) {
        const std::int32_t r = p[3 * x], g = p[3 * x + 1], b = p[3 * x + 2];
        const std::int32_t d = r - g;
        const std::int32_t e = r + g - 2 * b;
        rg += d;
        rg_sq += d * d;
        yb2 += e;
        yb2_sq += e * e;
      }
      acc.rg += rg;
      acc.rg_sq += rg_sq;
      acc.yb2 += yb2;
      acc.yb2_sq += yb2_sq;
    }
  }

  AnalyzerResult finish(const RgbImage&) override {
    Sums t;
    for (const Sums& s : sums_) {
      t.rg += s.rg;
      t.rg_sq += s.rg_sq;
      t.yb2 += s.yb2;
      t.yb2_sq += s.yb2_sq;
    }
    const auto n = static_cast<long double>(pixels_);
    const auto variance = [this, n](std::int64_t sum, std::int64_t sum_sq) {
      const Int128 num = static_cast<Int128>(pixels_) * sum_sq - static_cast<Int128>(sum) * sum;
      const long double v = static_cast<long double>(num) / (n * n);
      return static_cast<double>(v < 0 ? 0 : v);
    };
    const double std_rg = std::sqrt(variance(t.rg, t.rg_sq));
    const double std_yb = std::sqrt(variance(t.yb2, t.yb2_sq)) / 2.0;
    const double mean_rg = static_cast<double>(static_cast<long double>(t.rg) / n);
    const double mean_yb = static_cast<double>(static_cast<long double>(t.yb2) / n) / 2.0;
    const double m = std::hypot(std_rg, std_yb) + 0.3 * std::hypot(mean_rg, mean_yb);
    const double score = clip01(m / 100.0);
    const char* verdict = m < 15 ? "grayscale" : m < 33 ? "muted" : m < 59 ? "colorful" : "vivid";
    return {{round_to(m, 2), round_to(score, 4), std::string(verdict)}};
  }

 private:
  std::int64_t pixels_ = 0;
  std::vector<Sums> sums_;
};

std::string figure(const AnalyzerResult& r) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "M %.1f", std::get<double>(r.values[kColorfulness]));
  return buf;
}

std::string note(const AnalyzerResult& r) {
  const std::string& v = std::get<std::string>(r.values[kVerdict]);
  if (v == "grayscale") return "Little or no color";
  if (v == "muted") return "Muted, soft colors";
  if (v == "colorful") return "Colorful";
  return "Vivid, saturated colors";
}

}  // namespace

AnalyzerSpec color_analyzer() {
  AnalyzerSpec spec;
  spec.name = "color";
  spec.summary = "Hasler-Suesstrunk colorfulness (off unless listed)";
  spec.fields = {{"colorfulness", FieldSpec::Kind::Number, 2, false},
                 {"color_score", FieldSpec::Kind::Number, 4, false},
                 {"color_verdict", FieldSpec::Kind::Label, 0, false}};
  spec.score_field = kScore;
  spec.verdict_field = kVerdict;
  spec.weight = 0.1;
  spec.enabled_by_default = false;
  spec.make_kernel = [] { return std::unique_ptr<AnalyzerKernel>(new ColorKernel); };
  spec.figure = figure;
  spec.note = note;
  return spec;
}

}  // namespace photoscore
