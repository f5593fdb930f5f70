#include "run/outcome_codec.hpp"

#include <cstring>
#include <stdexcept>
#include <string>

namespace photoscore {

namespace {

class Writer {
 public:
  template <typename T>
  void put(T v) {
    const auto* p = reinterpret_cast<const std::uint8_t*>(&v);
    out.insert(out.end(), p, p + sizeof v);
  }
  void put(const std::string& s) {
    put(static_cast<std::uint32_t>(s.size()));
    out.insert(out.end(), s.begin(), s.end());
  }
  std::vector<std::uint8_t> out;
};

class Reader {
 public:
  explicit Reader(std::span<const std::uint8_t> b) : bytes(b) {}
  template <typename T>
  T get() {
    need(sizeof(T));
    T v;
    std::memcpy(&v, bytes.data() + at, sizeof v);
    at += sizeof v;
    return v;
  }
  std::string get_string() {
    const auto n = get<std::uint32_t>();
    need(n);
    std::string s(reinterpret_cast<const char*>(bytes.data() + at), n);
    at += n;
    return s;
  }

 private:
  void need(std::size_t n) const {
    if (at + n > bytes.size()) throw std::runtime_error("malformed result message");
  }
  std::span<const std::uint8_t> bytes;
  std::size_t at = 0;
};

}  // namespace

std::vector<std::uint8_t> encode_outcome(const ImageOutcome& o) {
  Writer w;
  w.put(static_cast<std::uint8_t>(o.ok));
  w.put(static_cast<std::int32_t>(o.width));
  w.put(static_cast<std::int32_t>(o.height));
  w.put(o.error);
  w.put(static_cast<std::uint32_t>(o.results.size()));
  for (const auto& r : o.results) {
    w.put(static_cast<std::uint32_t>(r.values.size()));
    for (const auto& v : r.values) {
      if (const auto* d = std::get_if<double>(&v)) {
        w.put(std::uint8_t{0});
        w.put(*d);
      } else {
        w.put(std::uint8_t{1});
        w.put(std::get<std::string>(v));
      }
    }
  }
  w.put(o.decode_seconds);
  w.put(static_cast<std::uint32_t>(o.analyzer_seconds.size()));
  for (double s : o.analyzer_seconds) w.put(s);
  w.put(o.source);
  w.put(o.identity);
  return std::move(w.out);
}

ImageOutcome decode_outcome(std::span<const std::uint8_t> bytes) {
  Reader r(bytes);
  ImageOutcome o;
  o.ok = r.get<std::uint8_t>() != 0;
  o.width = r.get<std::int32_t>();
  o.height = r.get<std::int32_t>();
  o.error = r.get_string();
  o.results.resize(r.get<std::uint32_t>());
  for (auto& res : o.results) {
    res.values.resize(r.get<std::uint32_t>());
    for (auto& v : res.values) {
      if (r.get<std::uint8_t>() == 0) {
        v = r.get<double>();
      } else {
        v = r.get_string();
      }
    }
  }
  o.decode_seconds = r.get<double>();
  o.analyzer_seconds.resize(r.get<std::uint32_t>());
  for (auto& s : o.analyzer_seconds) s = r.get<double>();
  o.source = r.get_string();
  o.identity = r.get_string();
  return o;
}

}  // namespace photoscore
