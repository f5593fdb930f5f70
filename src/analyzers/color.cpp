// Color: Hasler and Suesstrunk's colorfulness (docs/algorithms.md, "Color"), off
// unless asked for. rg = R - G and 2*yb = R + G - 2B are exact integers, so
// their sums and sums of squares are exact.
#include <algorithm>
#include <cmath>
#include <vector>

#include "analysis/analyzer.hpp"
#include "analysis/avx2_dispatch.hpp"
#include "analysis/gray_strips.hpp"
#include "analysis/summing_kernel.hpp"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace photoscore {
namespace {

enum Field : std::size_t { kColorfulness, kScore, kVerdict };

struct Sums {
  std::int64_t rg = 0, rg_sq = 0, yb2 = 0, yb2_sq = 0;

  Sums& operator+=(const Sums& o) {
    rg += o.rg;
    rg_sq += o.rg_sq;
    yb2 += o.yb2;
    yb2_sq += o.yb2_sq;
    return *this;
  }
};

// Blocks of pixels small enough that 32-bit sums are exact: 8192 squares of
// e (each at most 510^2 = 260100) stay below 2^31.
constexpr int kBlock = 8192;

[[gnu::always_inline]] inline void add_span(const std::uint8_t* p, int n, Sums& acc) {
  std::int32_t rg = 0, yb2 = 0;
  std::int32_t rg_sq = 0;
  std::uint32_t yb2_sq = 0;
  for (int x = 0; x < n; ++x) {
    const std::int32_t r = p[3 * x], g = p[3 * x + 1], b = p[3 * x + 2];
    const std::int32_t d = r - g;
    const std::int32_t e = r + g - 2 * b;
    rg += d;
    rg_sq += d * d;
    yb2 += e;
    yb2_sq += static_cast<std::uint32_t>(e * e);
  }
  acc.rg += rg;
  acc.rg_sq += rg_sq;
  acc.yb2 += yb2;
  acc.yb2_sq += yb2_sq;
}

void strip_sums_portable(const Strip& s, Sums& acc) {
  for (int y = s.y0; y < s.y1; ++y) {
    const std::uint8_t* p = s.image->row(y);
    for (int x0 = 0; x0 < s.width; x0 += kBlock) add_span(p + 3 * x0, std::min(kBlock, s.width - x0), acc);
  }
}

#if defined(__x86_64__)
// Four pixels per 128-bit lane, as in the gray conversion: one byte shuffle
// makes (R, G) pairs and (B, B) pairs, byte multiply-adds give R - G and
// R + G, -2B in 16 bits, and 16-bit multiply-adds sum them and their
// squares in pairs into 32-bit lanes (d's in lanes 0-1, e's in 2-3).
[[gnu::target("avx2")]] void strip_sums_avx2(const Strip& s, Sums& acc) {
  const __m256i shuffle = _mm256_setr_epi8(0, 1, 3, 4, 6, 7, 9, 10, 2, 2, 5, 5, 8, 8, 11, 11,  //
                                           0, 1, 3, 4, 6, 7, 9, 10, 2, 2, 5, 5, 8, 8, 11, 11);
  const __m256i w_diff = _mm256_setr_epi8(1, -1, 1, -1, 1, -1, 1, -1, 0, 0, 0, 0, 0, 0, 0, 0,  //
                                          1, -1, 1, -1, 1, -1, 1, -1, 0, 0, 0, 0, 0, 0, 0, 0);
  const __m256i w_sum = _mm256_setr_epi8(1, 1, 1, 1, 1, 1, 1, 1, -1, -1, -1, -1, -1, -1, -1, -1,  //
                                         1, 1, 1, 1, 1, 1, 1, 1, -1, -1, -1, -1, -1, -1, -1, -1);
  const __m256i ones = _mm256_set1_epi16(1);
  for (int y = s.y0; y < s.y1; ++y) {
    const std::uint8_t* row = s.image->row(y);
    for (int x0 = 0; x0 < s.width; x0 += kBlock) {
      const int n = std::min(kBlock, s.width - x0);
      const std::uint8_t* p = row + 3 * x0;
      __m256i sums = _mm256_setzero_si256();
      __m256i squares = _mm256_setzero_si256();
      int x = 0;
      // The upper lane's 16-byte load reaches 4 bytes past pixel x + 7.
      for (; x + 10 <= n; x += 8) {
        const std::uint8_t* q = p + 3 * x;
        const __m256i raw = _mm256_inserti128_si256(
            _mm256_castsi128_si256(_mm_loadu_si128(reinterpret_cast<const __m128i*>(q))),
            _mm_loadu_si128(reinterpret_cast<const __m128i*>(q + 12)), 1);
        const __m256i px = _mm256_shuffle_epi8(raw, shuffle);
        const __m256i d = _mm256_maddubs_epi16(px, w_diff);     // R - G in words 0-3
        const __m256i sb = _mm256_maddubs_epi16(px, w_sum);     // R + G in 0-3, -2B in 4-7
        const __m256i e = _mm256_add_epi16(sb, _mm256_bsrli_epi128(sb, 8));  // R + G - 2B in 0-3
        const __m256i de = _mm256_unpacklo_epi64(d, e);
        sums = _mm256_add_epi32(sums, _mm256_madd_epi16(de, ones));
        squares = _mm256_add_epi32(squares, _mm256_madd_epi16(de, de));
      }
      alignas(32) std::int32_t sum_lanes[8], square_lanes[8];
      _mm256_store_si256(reinterpret_cast<__m256i*>(sum_lanes), sums);
      _mm256_store_si256(reinterpret_cast<__m256i*>(square_lanes), squares);
      for (int lane = 0; lane < 8; lane += 4) {
        acc.rg += sum_lanes[lane] + sum_lanes[lane + 1];
        acc.yb2 += sum_lanes[lane + 2] + sum_lanes[lane + 3];
        acc.rg_sq += static_cast<std::int64_t>(square_lanes[lane]) + square_lanes[lane + 1];
        acc.yb2_sq += static_cast<std::int64_t>(static_cast<std::uint32_t>(square_lanes[lane + 2])) +
                      static_cast<std::uint32_t>(square_lanes[lane + 3]);
      }
      add_span(p + 3 * x, n - x, acc);
    }
  }
}
#endif

class ColorKernel final : public SummingKernel<Sums, strip_sums_portable, PHOTOSCORE_AVX2(strip_sums_avx2)> {
 public:
  AnalyzerResult finish(const RgbImage&) override {
    const Sums t = total();
    const auto n = static_cast<long double>(pixels());
    const auto variance = [this](std::int64_t sum, std::int64_t sum_sq) {
      return static_cast<double>(exact_variance(pixels(), sum, sum_sq));
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
};

std::string figure(const AnalyzerResult& r) { return figure_text(r, kColorfulness, "M %.1f"); }

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
  spec.fields = {
      number_field("colorfulness", 2, false, "1", "Hasler-Suesstrunk colorfulness of the RGB image"),
      number_field("color_score", 4, false, "1", "color analyzer's score, 0..1"),
      label_field("color_verdict", false, {"grayscale", "muted", "colorful", "vivid"},
                  "color analyzer's one-word verdict")};
  spec.score_field = kScore;
  spec.verdict_field = kVerdict;
  spec.weight = 0.1;
  spec.enabled_by_default = false;
  spec.reads_gray = false;
  spec.make_kernel = [] { return std::unique_ptr<AnalyzerKernel>(new ColorKernel); };
  spec.figure = figure;
  spec.note = note;
  return spec;
}

}  // namespace photoscore
