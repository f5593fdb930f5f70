// Composition: where the strongest edges lie (ALGORITHMS.md, "Composition").
//
// The reference sorts every Sobel magnitude to find the 85th percentile. Here
// the squared magnitude gx^2 + gy^2 is an exact integer (below 2^42), so:
//   1. while sweeping strips, each pixel gets a 16-bit key that is monotone in
//      its magnitude (exponent and 7 mantissa bits of the double) and a
//      histogram of keys is counted;
//   2. the histogram names the key bucket(s) holding the two order statistics
//      the interpolation needs; one scan of the keys counts the strong pixels
//      above those buckets zone by zone and collects the few pixels inside
//      them, whose exact magnitudes are recomputed from the photo;
//   3. a selection among those few gives the exact order statistics.
// No sort, and no full-size array of magnitudes.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <vector>

#include "analysis/analyzer.hpp"
#include "analysis/gray_strips.hpp"

namespace photoscore {
namespace {

enum Field : std::size_t { kThirds, kBias, kScore, kVerdict };

constexpr int kMantissaBits = 7;
// Squared magnitudes are below 2^42: exponents 0..41, plus the key 0 for 0.
constexpr int kKeys = 1 + 42 * (1 << kMantissaBits);

inline std::uint16_t magnitude_key(std::int64_t e2) {
  if (e2 == 0) return 0;
  const double d = static_cast<double>(e2);  // exact: e2 < 2^53
  std::uint64_t bits;
  std::memcpy(&bits, &d, sizeof bits);
  const std::uint64_t top = bits >> (52 - kMantissaBits);
  return static_cast<std::uint16_t>(top - (std::uint64_t{1023} << kMantissaBits) + 1);
}

// Half-open row or column ranges of the zones (ALGORITHMS.md).
struct Range {
  int lo = 0;
  int hi = 0;
  bool contains(int v) const { return v >= lo && v < hi; }
};

struct Zones {
  Range pp_rows[2], pp_cols[2];  // power-point zones: their union is rows x cols
  Range centre_rows, centre_cols;

  Zones(int h, int w) {
    const int mh = static_cast<int>(h * 0.125);
    const int mw = static_cast<int>(w * 0.125);
    const int ph[2] = {h / 3, 2 * h / 3};
    const int pw[2] = {w / 3, 2 * w / 3};
    for (int i = 0; i < 2; ++i) {
      pp_rows[i] = {std::max(0, ph[i] - mh), std::min(h, ph[i] + mh)};
      pp_cols[i] = {std::max(0, pw[i] - mw), std::min(w, pw[i] + mw)};
    }
    centre_rows = {h / 4, 3 * h / 4};
    centre_cols = {w / 4, 3 * w / 4};
  }
  bool in_pp_row(int y) const { return pp_rows[0].contains(y) || pp_rows[1].contains(y); }
  bool in_pp(int y, int x) const { return in_pp_row(y) && (pp_cols[0].contains(x) || pp_cols[1].contains(x)); }
  bool in_centre(int y, int x) const { return centre_rows.contains(y) && centre_cols.contains(x); }
};

// Squared Sobel magnitude at (y, x) straight from the photo, with the mirrored
// borders; used only for the few pixels whose key is ambiguous.
std::int64_t magnitude_at(const RgbImage& img, int y, int x) {
  std::int32_t g[3][3];
  for (int dy = -1; dy <= 1; ++dy) {
    const int yy = std::clamp(y + dy, 0, img.height - 1);
    for (int dx = -1; dx <= 1; ++dx) {
      const int xx = std::clamp(x + dx, 0, img.width - 1);
      const std::uint8_t* p = img.row(yy) + 3 * xx;
      g[dy + 1][dx + 1] = 299 * p[0] + 587 * p[1] + 114 * p[2];
    }
  }
  const std::int64_t gx = (g[0][2] + 2 * g[1][2] + g[2][2]) - (g[0][0] + 2 * g[1][0] + g[2][0]);
  const std::int64_t gy = (g[2][0] + 2 * g[2][1] + g[2][2]) - (g[0][0] + 2 * g[0][1] + g[0][2]);
  return gx * gx + gy * gy;
}

class CompositionKernel final : public AnalyzerKernel {
 public:
  void begin(int width, int height, int slots) override {
    width_ = width;
    height_ = height;
    keys_.resize(static_cast<std::size_t>(width) * height);
    histograms_.resize(slots);
    for (auto& h : histograms_) h.assign(kKeys, 0);
  }

  void consume(const Strip& s, int slot) override {
    std::uint32_t* hist = histograms_[slot].data();
    for (int y = s.y0; y < s.y1; ++y) {
      const std::int32_t* up = s.gray_row(y - 1);
      const std::int32_t* mid = s.gray_row(y);
      const std::int32_t* down = s.gray_row(y + 1);
      std::uint16_t* key = keys_.data() + static_cast<std::size_t>(y) * width_;
      for (int x = 0; x < s.width; ++x) {
        const std::int64_t gx = (up[x + 1] + 2 * mid[x + 1] + down[x + 1]) - (up[x - 1] + 2 * mid[x - 1] + down[x - 1]);
        const std::int64_t gy = (down[x - 1] + 2 * down[x] + down[x + 1]) - (up[x - 1] + 2 * up[x] + up[x + 1]);
        const std::uint16_t k = magnitude_key(gx * gx + gy * gy);
        key[x] = k;
        ++hist[k];
      }
    }
  }

  AnalyzerResult finish(const RgbImage& image) override {
    const std::int64_t n = static_cast<std::int64_t>(width_) * height_;
    std::vector<std::int64_t> hist(kKeys, 0);
    for (const auto& h : histograms_) {
      for (int k = 0; k < kKeys; ++k) hist[k] += h[k];
    }
    // numpy's linear percentile: position p = 0.85 (n - 1) between the order
    // statistics lo and lo + 1.
    const double position = 0.85 * static_cast<double>(n - 1);
    const auto lo_rank = static_cast<std::int64_t>(std::floor(position));
    const std::int64_t hi_rank = std::min(lo_rank + 1, n - 1);
    const double frac = position - static_cast<double>(lo_rank);
    int lo_key = 0;
    int hi_key = 0;
    std::int64_t below_lo_key = 0;
    {
      std::int64_t seen = 0;
      for (int k = 0; k < kKeys; ++k) {
        if (seen + hist[k] > lo_rank) {
          lo_key = k;
          below_lo_key = seen;
          break;
        }
        seen += hist[k];
      }
      seen = 0;
      for (int k = 0; k < kKeys; ++k) {
        if (seen + hist[k] > hi_rank) {
          hi_key = k;
          break;
        }
        seen += hist[k];
      }
    }

    // One scan: strong pixels above the ambiguous buckets, zone by zone, and
    // the ambiguous pixels themselves for exact treatment.
    const Zones zones(height_, width_);
    std::int64_t strong = 0;
    std::int64_t strong_pp = 0;
    std::int64_t strong_centre = 0;
    struct Candidate {
      std::int64_t e2;
      int y, x;
    };
    std::vector<Candidate> candidates;
    const auto above = [hi_key](const std::uint16_t* k, int lo, int hi) {
      std::int64_t c = 0;
      for (int x = lo; x < hi; ++x) c += k[x] > hi_key;
      return c;
    };
    Range cols[2] = {zones.pp_cols[0], zones.pp_cols[1]};
    if (cols[1].lo < cols[0].hi) {  // overlapping power-point columns: count once
      cols[0].hi = std::max(cols[0].hi, cols[1].hi);
      cols[1] = {0, 0};
    }
    // Key 0 is exactly magnitude 0: those pixels are never strong and never
    // need recomputing, however many there are (flat skies, blank scans).
    const int first_key = std::max(lo_key, 1);
    const std::int64_t base = lo_key == 0 ? hist[0] : below_lo_key;
    for (int y = 0; y < height_; ++y) {
      const std::uint16_t* k = keys_.data() + static_cast<std::size_t>(y) * width_;
      strong += above(k, 0, width_);
      if (zones.in_pp_row(y)) strong_pp += above(k, cols[0].lo, cols[0].hi) + above(k, cols[1].lo, cols[1].hi);
      if (zones.centre_rows.contains(y)) strong_centre += above(k, zones.centre_cols.lo, zones.centre_cols.hi);
      if (hi_key == 0) continue;
      for (int x = 0; x < width_; ++x) {
        if (k[x] >= first_key && k[x] <= hi_key) candidates.push_back({magnitude_at(image, y, x), y, x});
      }
    }
    if (hi_key != 0) {
      const auto by_e2 = [](const Candidate& a, const Candidate& b) { return a.e2 < b.e2; };
      const auto order_statistic = [&](std::int64_t rank) {
        if (rank < base) return 0.0;  // inside the zero bucket
        const auto it = candidates.begin() + (rank - base);
        std::nth_element(candidates.begin(), it, candidates.end(), by_e2);
        return std::sqrt(static_cast<double>(it->e2));
      };
      const double v_lo = order_statistic(lo_rank);
      const double v_hi = order_statistic(hi_rank);
      // numpy's _lerp, including its symmetric form for the upper half.
      const double threshold = frac >= 0.5 ? v_hi - (v_hi - v_lo) * (1.0 - frac) : v_lo + (v_hi - v_lo) * frac;
      for (const auto& c : candidates) {
        if (std::sqrt(static_cast<double>(c.e2)) > threshold) {
          ++strong;
          strong_pp += zones.in_pp(c.y, c.x);
          strong_centre += zones.in_centre(c.y, c.x);
        }
      }
    }
    return make_result(strong, strong_pp, strong_centre);
  }

 private:
  static AnalyzerResult make_result(std::int64_t strong, std::int64_t pp, std::int64_t centre) {
    if (strong == 0) return {{0.0, 0.0, 0.0, std::string("sparse")}};
    const double thirds = static_cast<double>(pp) / static_cast<double>(strong);
    const double bias = static_cast<double>(centre) / static_cast<double>(strong);
    const double score = clip01(thirds * 2.0 - std::max(0.0, bias - 0.5) * 0.5);
    const char* verdict = thirds >= 0.25 ? "good" : bias >= 0.35 ? "centered" : "sparse";
    return {{round_to(thirds, 4), round_to(bias, 4), round_to(score, 4), std::string(verdict)}};
  }

  int width_ = 0;
  int height_ = 0;
  std::vector<std::uint16_t> keys_;
  std::vector<std::vector<std::uint32_t>> histograms_;
};

std::string figure(const AnalyzerResult& r) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "thirds %.2f", std::get<double>(r.values[kThirds]));
  return buf;
}

std::string note(const AnalyzerResult& r) {
  const std::string& v = std::get<std::string>(r.values[kVerdict]);
  if (std::get<double>(r.values[kScore]) == 0.0 && std::get<double>(r.values[kThirds]) == 0.0 && v == "sparse")
    return "Very few edges \u2014 featureless or blank image";
  if (v == "good") return "Strong edges near the rule-of-thirds power points";
  if (v == "centered") return "Subject centred \u2014 edges cluster in the middle";
  return "Edges scattered away from the power points";
}

}  // namespace

AnalyzerSpec composition_analyzer() {
  AnalyzerSpec spec;
  spec.name = "composition";
  spec.summary = "rule-of-thirds placement of the strongest edges";
  spec.fields = {{"thirds_coverage", FieldSpec::Kind::Number, 4, true},
                 {"center_bias", FieldSpec::Kind::Number, 4, false},
                 {"composition_score", FieldSpec::Kind::Number, 4, true},
                 {"composition_verdict", FieldSpec::Kind::Label, 0, true}};
  spec.score_field = kScore;
  spec.verdict_field = kVerdict;
  spec.weight = 0.2;
  spec.make_kernel = [] { return std::unique_ptr<AnalyzerKernel>(new CompositionKernel); };
  spec.figure = figure;
  spec.note = note;
  return spec;
}

}  // namespace photoscore
