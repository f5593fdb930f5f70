// Composition: where the strongest edges lie (docs/algorithms.md, "Composition").
//
// The reference sorts every Sobel magnitude to find the 85th percentile. Here
// the squared magnitude gx^2 + gy^2 is an exact integer (below 2^42), so:
//   1. while sweeping strips, each pixel gets a 16-bit key that is monotone in
//      its magnitude (exponent and 7 mantissa bits of the double) and a
//      histogram of keys is counted (analysis/edge_keys.hpp);
//   2. the histogram names the key bucket(s) holding the two order statistics
//      the interpolation needs; one scan of the keys counts the strong pixels
//      above those buckets zone by zone and collects the few pixels inside
//      them, whose magnitudes are recomputed from the photo the reference's
//      way (reference_edge_at), so exact ties split as the reference's
//      rounding splits them;
//   3. a selection among those few gives the reference's order statistics.
// Pixels whose exact magnitude is 0 are taken as 0 (the reference may see
// 1e-14 where two colors share a gray level; it matters only for photos
// where 85% of the pixels have no gradient at all).
// No sort, and no full-size array of magnitudes.
#include <algorithm>
#include <cmath>
#include <vector>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "analysis/analyzer.hpp"
#include "analysis/avx2_dispatch.hpp"
#include "analysis/edge_keys.hpp"
#include "image/big_buffer.hpp"

namespace photoscore {
namespace {

enum Field : std::size_t { kThirds, kBias, kScore, kVerdict };

// Half-open row or column ranges of the zones (docs/algorithms.md).
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

// The reference's Sobel magnitude at (y, x), in double precision and in the
// reference's order of operations: numpy's gray conversion, then scipy's
// correlate1d with [-1, 0, 1] along one axis and [1, 2, 1] along the other,
// then hypot. Exact integers order distinct magnitudes correctly, but where
// many pixels tie exactly at the percentile the reference splits them by its
// rounding; recomputing the few ambiguous pixels this way splits them alike.
// (v / 255.0) * weight for every 8-bit v, so that the reference's products
// are looked up rather than divided for again: the same doubles, bit for bit.
struct ReferenceGrayTables {
  double r[256], g[256], b[256];
  ReferenceGrayTables() {
    for (int v = 0; v < 256; ++v) {
      r[v] = (v / 255.0) * 0.299;
      g[v] = (v / 255.0) * 0.587;
      b[v] = (v / 255.0) * 0.114;
    }
  }
};

double reference_edge_at(const RgbImage& img, int y, int x) {
  static const ReferenceGrayTables tables;
  double g[3][3];
  for (int dy = -1; dy <= 1; ++dy) {
    const int yy = std::clamp(y + dy, 0, img.height - 1);
    for (int dx = -1; dx <= 1; ++dx) {
      const int xx = std::clamp(x + dx, 0, img.width - 1);
      const std::uint8_t* p = img.row(yy) + 3 * xx;
      const double gray = tables.r[p[0]] + tables.g[p[1]] + tables.b[p[2]];
      g[dy + 1][dx + 1] = gray * 255.0;
    }
  }
  double along_rows[3];
  double along_cols[3];
  for (int i = 0; i < 3; ++i) {
    along_rows[i] = g[2][i] - g[0][i];
    along_cols[i] = g[i][2] - g[i][0];
  }
  const double gy = along_rows[1] * 2.0 + (along_rows[2] + along_rows[0]);
  const double gx = along_cols[1] * 2.0 + (along_cols[2] + along_cols[0]);
  return std::hypot(gy, gx);
}

struct Candidate {
  double edge;  // the reference's magnitude, from reference_edge_at
  int y, x;
};

struct Tally {
  std::int64_t strong = 0;
  std::int64_t pp = 0;
  std::int64_t centre = 0;
};

// Column segments of a row between zone edges, each wholly in or out of the
// power-point columns and the centre columns, so every key is read once.
struct Segment {
  int lo, hi;
  bool pp, centre;
};

std::vector<Segment> row_segments(int w, const Zones& zones, const Range (&cols)[2]) {
  std::vector<int> cuts{0, w, cols[0].lo, cols[0].hi, cols[1].lo, cols[1].hi, zones.centre_cols.lo, zones.centre_cols.hi};
  for (int& c : cuts) c = std::clamp(c, 0, w);
  std::sort(cuts.begin(), cuts.end());
  cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
  std::vector<Segment> segments;
  for (std::size_t i = 0; i + 1 < cuts.size(); ++i) {
    const int lo = cuts[i];
    segments.push_back({lo, cuts[i + 1], cols[0].contains(lo) || cols[1].contains(lo), zones.centre_cols.contains(lo)});
  }
  return segments;
}

// Over keys [lo, hi) of row y: returns how many are above `above`, and
// appends the positions of those in [first, first + span]. Candidates are
// rare, so 64 keys at a time are first checked for any by a vectorized count.
[[gnu::always_inline]] inline std::int32_t scan_segment(const std::uint16_t* k, int y, int lo, int hi,
                                                        std::uint16_t above, std::uint16_t first,
                                                        std::uint16_t span, std::vector<Candidate>& out) {
  const auto within = [first, span](std::uint16_t key) { return static_cast<std::uint16_t>(key - first) <= span; };
  std::int32_t c = 0;
  for (int x = lo; x < hi; ++x) c += k[x] > above;
  constexpr int kChunk = 64;
  for (int x0 = lo; x0 < hi; x0 += kChunk) {
    const int x1 = std::min(hi, x0 + kChunk);
    std::int32_t any = 0;
    for (int x = x0; x < x1; ++x) any += within(k[x]);
    if (any == 0) continue;
    for (int x = x0; x < x1; ++x) {
      if (within(k[x])) out.push_back({0.0, y, x});
    }
  }
  return c;
}

#if defined(__x86_64__)
// Sixteen keys a step: keys are below 2^15, so signed compares order them.
[[gnu::target("avx2")]] std::int32_t scan_segment_avx2(const std::uint16_t* k, int y, int lo, int hi,
                                                       std::uint16_t above, std::uint16_t first,
                                                       std::uint16_t span, std::vector<Candidate>& out) {
  const __m256i v_above = _mm256_set1_epi16(static_cast<short>(above));
  const __m256i v_below_first = _mm256_set1_epi16(static_cast<short>(first - 1));
  const __m256i v_last = _mm256_set1_epi16(static_cast<short>(first + span));
  std::int32_t c = 0;
  int x = lo;
  for (; x + 16 <= hi; x += 16) {
    const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(k + x));
    const auto strong = static_cast<unsigned>(_mm256_movemask_epi8(_mm256_cmpgt_epi16(v, v_above)));
    c += __builtin_popcount(strong) / 2;
    const __m256i within = _mm256_andnot_si256(_mm256_cmpgt_epi16(v, v_last), _mm256_cmpgt_epi16(v, v_below_first));
    auto mask = static_cast<unsigned>(_mm256_movemask_epi8(within));
    while (mask) [[unlikely]] {
      // Each 16-bit lane sets two adjacent bits, the lower one even.
      const int bit = __builtin_ctz(mask);
      out.push_back({0.0, y, x + bit / 2});
      mask &= ~(3u << bit);
    }
  }
  return c + scan_segment(k, y, x, hi, above, first, span, out);
}
#endif

// The scan after the histogram: strong pixels (keys above hi_key) zone by
// zone, and the positions of the ambiguous ones (keys first_key..hi_key,
// none when hi_key is 0), whose exact magnitudes are filled in afterwards.
void scan_keys(const std::uint16_t* keys, int w, int h, const Zones& zones,
               const std::vector<Segment>& segments, std::uint16_t hi_key, std::uint16_t first_key, Tally& t,
               std::vector<Candidate>& candidates) {
  // With hi_key 0 no key is within [first, first + span]: span wraps below.
  const auto span = static_cast<std::uint16_t>(hi_key == 0 ? 0 : hi_key - first_key);
  const auto first = static_cast<std::uint16_t>(hi_key == 0 ? 0xffff : first_key);
  for (int y = 0; y < h; ++y) {
    const std::uint16_t* k = keys + static_cast<std::size_t>(y) * static_cast<std::size_t>(w);
    const bool pp_row = zones.in_pp_row(y);
    const bool centre_row = zones.centre_rows.contains(y);
    for (const Segment& seg : segments) {
      const std::int32_t c = avx2_or_portable<scan_segment, PHOTOSCORE_AVX2(scan_segment_avx2)>(
          k, y, seg.lo, seg.hi, hi_key, first, span, candidates);
      t.strong += c;
      if (pp_row && seg.pp) t.pp += c;
      if (centre_row && seg.centre) t.centre += c;
    }
  }
}

// The reference magnitudes of the candidates, fetching each one's rows a few
// candidates ahead: they are scattered over a photo far larger than cache.
void fill_reference_edges(const RgbImage& image, std::vector<Candidate>& candidates) {
  constexpr std::size_t kAhead = 16;
  const std::size_t n = candidates.size();
  for (std::size_t i = 0; i < n; ++i) {
    if (i + kAhead < n) {
      const Candidate& c = candidates[i + kAhead];
      const int x = std::max(0, c.x - 1);
      for (int dy = -1; dy <= 1; ++dy) {
        const std::uint8_t* p = image.row(std::clamp(c.y + dy, 0, image.height - 1)) + 3 * x;
        __builtin_prefetch(p);
        __builtin_prefetch(p + 8);
      }
    }
    candidates[i].edge = reference_edge_at(image, candidates[i].y, candidates[i].x);
  }
}

class CompositionKernel final : public AnalyzerKernel {
 public:
  void begin(int width, int height, int slots) override {
    width_ = width;
    height_ = height;
    // Every key is written by consume() before finish() reads it.
    keys_.reserve(static_cast<std::size_t>(width) * static_cast<std::size_t>(height));
    histograms_.resize(static_cast<std::size_t>(slots));
    for (auto& h : histograms_) h.assign(std::size_t{kEdgeKeyCopies} * kEdgeKeys, 0);
  }

  void consume(const Strip& s, int slot) override {
    edge_keys(s, keys_.data(), histograms_[static_cast<std::size_t>(slot)].data());
  }

  AnalyzerResult finish(const RgbImage& image) override {
    const std::int64_t n = static_cast<std::int64_t>(width_) * height_;
    std::vector<std::int64_t> hist(kEdgeKeys, 0);
    for (const auto& h : histograms_) {
      for (int k = 0; k < kEdgeKeys; ++k) {
        for (int c = 0; c < kEdgeKeyCopies; ++c)
          hist[k] += h[static_cast<std::size_t>(kEdgeKeyCopies * k + c)];
      }
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
      for (int k = 0; k < kEdgeKeys; ++k) {
        if (seen + hist[k] > lo_rank) {
          lo_key = k;
          below_lo_key = seen;
          break;
        }
        seen += hist[k];
      }
      seen = 0;
      for (int k = 0; k < kEdgeKeys; ++k) {
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
    Range cols[2] = {zones.pp_cols[0], zones.pp_cols[1]};
    if (cols[1].lo < cols[0].hi) {  // overlapping power-point columns: count once
      cols[0].hi = std::max(cols[0].hi, cols[1].hi);
      cols[1] = {0, 0};
    }
    // Key 0 is exactly magnitude 0: those pixels are never strong and never
    // need recomputing, however many there are (flat skies, blank scans).
    const int first_key = std::max(lo_key, 1);
    const std::int64_t base = lo_key == 0 ? hist[0] : below_lo_key;
    Tally t;
    candidates_.clear();
    const auto segments = row_segments(width_, zones, cols);
    const auto hi = static_cast<std::uint16_t>(hi_key);
    const auto first = static_cast<std::uint16_t>(first_key);
    scan_keys(keys_.data(), width_, height_, zones, segments, hi, first, t, candidates_);
    fill_reference_edges(image, candidates_);
    if (hi_key != 0) {
      const auto by_edge = [](const Candidate& a, const Candidate& b) { return a.edge < b.edge; };
      const auto order_statistic = [&](std::int64_t rank) {
        if (rank < base) return 0.0;  // inside the zero bucket
        const auto it = candidates_.begin() + (rank - base);
        std::nth_element(candidates_.begin(), it, candidates_.end(), by_edge);
        return it->edge;
      };
      const double v_lo = order_statistic(lo_rank);
      const double v_hi = order_statistic(hi_rank);
      // numpy's _lerp, including its symmetric form for the upper half.
      const double threshold = frac >= 0.5 ? v_hi - (v_hi - v_lo) * (1.0 - frac) : v_lo + (v_hi - v_lo) * frac;
      for (const auto& c : candidates_) {
        if (c.edge > threshold) {
          ++t.strong;
          t.pp += zones.in_pp(c.y, c.x);
          t.centre += zones.in_centre(c.y, c.x);
        }
      }
    }
    return make_result(t.strong, t.pp, t.centre);
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
  BigBuffer<std::uint16_t> keys_;  // one key a pixel, row-major
  std::vector<std::vector<std::uint32_t>> histograms_;    // per slot, kEdgeKeyCopies interleaved
  std::vector<Candidate> candidates_;                     // kept: allocated once
};

std::string figure(const AnalyzerResult& r) { return figure_text(r, kThirds, "thirds %.2f"); }

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
  spec.fields = {
      number_field("thirds_coverage", 4, true, "1", "share of strong edges near the rule-of-thirds lines"),
      number_field("center_bias", 4, false, "1", "share of strong edges in the central region"),
      number_field("composition_score", 4, true, "1", "composition analyzer's score, 0..1"),
      label_field("composition_verdict", true, {"good", "centered", "sparse"},
                  "composition analyzer's one-word verdict")};
  spec.score_field = kScore;
  spec.verdict_field = kVerdict;
  spec.weight = 0.2;
  spec.make_kernel = [] { return std::unique_ptr<AnalyzerKernel>(new CompositionKernel); };
  spec.figure = figure;
  spec.note = note;
  return spec;
}

}  // namespace photoscore
