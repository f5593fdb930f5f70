#include "output/utf8.hpp"

#include <nlohmann/json.hpp>

namespace photoscore {

bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  const auto* b = reinterpret_cast<const unsigned char*>(s.data());
  while (i < s.size()) {
    const unsigned c = b[i];
    std::size_t len = 0;
    unsigned lo = 0x80;
    unsigned hi = 0xBF;
    if (c < 0x80) {
      ++i;
      continue;
    } else if (c >= 0xC2 && c <= 0xDF) {
      len = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 2;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 3;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      return false;
    }
    if (i + len >= s.size()) return false;
    if (b[i + 1] < lo || b[i + 1] > hi) return false;
    for (std::size_t k = 2; k <= len; ++k) {
      if (b[i + k] < 0x80 || b[i + k] > 0xBF) return false;
    }
    i += len + 1;
  }
  return true;
}

std::string as_utf8(std::string_view s) {
  if (valid_utf8(s)) return std::string(s);
  // The JSONL's own replacement, so the two cannot drift apart.
  const std::string quoted =
      nlohmann::json(std::string(s)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return nlohmann::json::parse(quoted).get<std::string>();
}

}  // namespace photoscore
