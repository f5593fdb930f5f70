#include "output/row_codec.hpp"

#include <cstring>
#include <stdexcept>

namespace photoscore {

namespace {

class Out {
 public:
  explicit Out(std::string& out) : out_(out) {}
  template <typename T>
  void put(T v) {
    out_.append(reinterpret_cast<const char*>(&v), sizeof v);
  }
  void put(const std::string& s) {
    put(static_cast<std::uint32_t>(s.size()));
    out_ += s;
  }

 private:
  std::string& out_;
};

class In {
 public:
  explicit In(std::string_view bytes) : bytes_(bytes) {}
  template <typename T>
  T get() {
    need(sizeof(T));
    T v;
    std::memcpy(&v, bytes_.data() + at_, sizeof v);
    at_ += sizeof v;
    return v;
  }
  std::string text() {
    const auto n = get<std::uint32_t>();
    need(n);
    std::string s(bytes_.substr(at_, n));
    at_ += n;
    return s;
  }
  // A count of things each at least `least` bytes long: never more than the bytes left could hold.
  std::uint32_t count(std::size_t least) {
    const auto n = get<std::uint32_t>();
    if (least > 0 && n > (bytes_.size() - at_) / least) throw std::runtime_error("malformed rows: bad count");
    return n;
  }
  bool done() const { return at_ == bytes_.size(); }

 private:
  void need(std::size_t n) const {
    if (bytes_.size() - at_ < n) throw std::runtime_error("malformed rows: cut short");
  }
  std::string_view bytes_;
  std::size_t at_ = 0;
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
  w.put(row.quality_score);
  w.put(row.verdict);
  w.put(row.identity);
  w.put(static_cast<std::uint32_t>(row.results.size()));
  for (const AnalyzerResult& r : row.results) {
    w.put(static_cast<std::uint32_t>(r.values.size()));
    for (const FieldValue& v : r.values) {
      if (const auto* d = std::get_if<double>(&v)) {
        w.put(std::uint8_t{0});
        w.put(*d);
      } else {
        w.put(std::uint8_t{1});
        w.put(std::get<std::string>(v));
      }
    }
  }
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
    row.quality_score = r.get<double>();
    row.verdict = r.text();
    row.identity = r.text();
    row.results.resize(r.count(4));
    for (AnalyzerResult& res : row.results) {
      res.values.resize(r.count(1));
      for (FieldValue& v : res.values) {
        if (r.get<std::uint8_t>() == 0) {
          v = r.get<double>();
        } else {
          v = r.text();
        }
      }
    }
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
