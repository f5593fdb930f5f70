#include "output/row_codec.hpp"

#include <stdexcept>

#include "record/result_fields.hpp"

namespace photoscore {

namespace {

constexpr const char* kCutShort = "malformed rows: cut short";
constexpr const char* kBadCount = "malformed rows: bad count";

class Out {
 public:
  explicit Out(std::string& out) : out_(out) {}
  template <typename T>
  void put(T v) {
    put_field(out_, v);
  }
  void put(const std::string& s) { put_text_field(out_, s); }

 private:
  std::string& out_;
};

class In : public FieldReader {
 public:
  explicit In(std::string_view bytes) : FieldReader(bytes, kCutShort) {}
  // A count of things each at least `least` bytes long: never more than the bytes left could hold.
  std::uint32_t count(std::size_t least) {
    return get_count_field(bytes(), at(), least, kCutShort, kBadCount);
  }
  std::vector<AnalyzerResult> results() { return get_results(bytes(), at(), kCutShort, kBadCount); }
};

}  // namespace

void encode_row(const ScoredRow& row, const ImageTiming& timing, std::string& out) {
  Out w(out);
  w.put(row.filename);
  w.put(row.path);
  w.put(static_cast<std::uint8_t>(row.ok));
  w.put(row.error);
  w.put(static_cast<std::int32_t>(row.width));
  w.put(static_cast<std::int32_t>(row.height));
  w.put(row.source);
  w.put(row.perceptual_hash);
  w.put(row.capture_time);
  w.put(row.quality_score);
  w.put(static_cast<std::uint8_t>(row.verdict));
  w.put(row.identity);
  put_results(out, row.results);
  w.put(static_cast<std::uint32_t>(timing.ranks.size()));
  for (int r : timing.ranks) w.put(static_cast<std::int32_t>(r));
  w.put(timing.read_seconds);
  w.put(timing.decode_seconds);
  w.put(static_cast<std::uint32_t>(timing.analyzer_seconds.size()));
  for (double s : timing.analyzer_seconds) w.put(s);
  w.put(timing.latency_seconds);
}

std::vector<TimedRow> decode_rows(std::string_view bytes, std::int64_t count) {
  In r(bytes);
  std::vector<TimedRow> rows;
  for (std::int64_t i = 0; i < count; ++i) {
    TimedRow& t = rows.emplace_back();
    ScoredRow& row = t.row;
    row.filename = r.text();
    row.path = r.text();
    row.ok = r.get<std::uint8_t>() != 0;
    row.error = r.text();
    row.width = r.get<std::int32_t>();
    row.height = r.get<std::int32_t>();
    row.source = r.text();
    row.perceptual_hash = r.text();
    row.capture_time = r.text();
    row.quality_score = r.get<double>();
    const auto verdict = r.get<std::uint8_t>();
    if (verdict >= kVerdicts.size()) throw std::runtime_error("malformed rows: bad verdict");
    row.verdict = static_cast<Verdict>(verdict);
    row.identity = r.text();
    row.results = r.results();
    t.timing.ranks.resize(r.count(4));
    for (int& rank : t.timing.ranks) rank = r.get<std::int32_t>();
    t.timing.read_seconds = r.get<double>();
    t.timing.decode_seconds = r.get<double>();
    t.timing.analyzer_seconds.resize(r.count(8));
    for (double& s : t.timing.analyzer_seconds) s = r.get<double>();
    t.timing.latency_seconds = r.get<double>();
  }
  if (!r.done()) throw std::runtime_error("malformed rows: bytes after the last row");
  return rows;
}

}  // namespace photoscore
