#include "run/outcome_codec.hpp"

#include <string>

#include "record/result_fields.hpp"

namespace photoscore {

namespace {

constexpr const char* kMalformed = "malformed result message";

}  // namespace

std::vector<std::uint8_t> encode_outcome(const ImageOutcome& o) {
  std::string out;
  put_field(out, static_cast<std::uint8_t>(o.ok));
  put_field(out, static_cast<std::int32_t>(o.width));
  put_field(out, static_cast<std::int32_t>(o.height));
  put_text_field(out, o.error);
  put_results(out, o.results);
  put_field(out, o.decode_seconds);
  put_field(out, static_cast<std::uint32_t>(o.analyzer_seconds.size()));
  for (double s : o.analyzer_seconds) put_field(out, s);
  put_text_field(out, o.source);
  put_text_field(out, o.identity);
  put_field(out, o.perceptual_hash);
  put_text_field(out, o.capture_time);
  return {out.begin(), out.end()};
}

ImageOutcome decode_outcome(std::span<const std::uint8_t> message) {
  const std::string_view bytes(reinterpret_cast<const char*>(message.data()), message.size());
  std::size_t at = 0;
  ImageOutcome o;
  o.ok = get_field<std::uint8_t>(bytes, at, kMalformed) != 0;
  o.width = get_field<std::int32_t>(bytes, at, kMalformed);
  o.height = get_field<std::int32_t>(bytes, at, kMalformed);
  o.error = get_text_field(bytes, at, kMalformed);
  o.results = get_results(bytes, at, kMalformed, kMalformed);
  o.decode_seconds = get_field<double>(bytes, at, kMalformed);
  o.analyzer_seconds.resize(get_count_field(bytes, at, 8, kMalformed, kMalformed));
  for (double& s : o.analyzer_seconds) s = get_field<double>(bytes, at, kMalformed);
  o.source = get_text_field(bytes, at, kMalformed);
  o.identity = get_text_field(bytes, at, kMalformed);
  o.perceptual_hash = get_field<std::uint64_t>(bytes, at, kMalformed);
  o.capture_time = get_text_field(bytes, at, kMalformed);
  return o;
}

}  // namespace photoscore
