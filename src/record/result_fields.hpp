#pragma once
// Analyzers' results in a message between ranks (record/byte_fields.hpp):
// a uint32 count of results, then each as a uint32 count of values, each
// value a byte tag, 0 a number (f64) or 1 text.
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/analyzer.hpp"
#include "record/byte_fields.hpp"

namespace photoscore {

inline void put_results(std::string& out, const std::vector<AnalyzerResult>& results) {
  put_field(out, static_cast<std::uint32_t>(results.size()));
  for (const AnalyzerResult& r : results) {
    put_field(out, static_cast<std::uint32_t>(r.values.size()));
    for (const FieldValue& v : r.values) {
      if (const auto* d = std::get_if<double>(&v)) {
        put_field(out, std::uint8_t{0});
        put_field(out, *d);
      } else {
        put_field(out, std::uint8_t{1});
        put_text_field(out, std::get<std::string>(v));
      }
    }
  }
}

// A count of things each at least `least` bytes long, never more than the
// bytes left could hold: std::runtime_error `bad_count` otherwise.
inline std::uint32_t get_count_field(std::string_view bytes, std::size_t& at, std::size_t least,
                                     const char* cut_short, const char* bad_count) {
  const auto n = get_field<std::uint32_t>(bytes, at, cut_short);
  if (least > 0 && n > (bytes.size() - at) / least) throw std::runtime_error(bad_count);
  return n;
}

inline std::vector<AnalyzerResult> get_results(std::string_view bytes, std::size_t& at, const char* cut_short,
                                               const char* bad_count) {
  std::vector<AnalyzerResult> results(get_count_field(bytes, at, 4, cut_short, bad_count));
  for (AnalyzerResult& res : results) {
    res.values.resize(get_count_field(bytes, at, 1, cut_short, bad_count));
    for (FieldValue& v : res.values) {
      if (get_field<std::uint8_t>(bytes, at, cut_short) == 0) {
        v = get_field<double>(bytes, at, cut_short);
      } else {
        v = get_text_field(bytes, at, cut_short);
      }
    }
  }
  return results;
}

}  // namespace photoscore
