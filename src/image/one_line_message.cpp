#include <cstdio>

#include "image/decode.hpp"

namespace photoscore {

namespace {

std::string megabytes(std::uint64_t bytes) {
  char text[32];
  if (bytes >= (std::uint64_t{1} << 30)) {
    std::snprintf(text, sizeof text, "%.1f GB", static_cast<double>(bytes) / (1u << 30));
  } else {
    std::snprintf(text, sizeof text, "%llu MB",
                  static_cast<unsigned long long>((bytes + (1u << 20) - 1) >> 20));
  }
  return text;
}

}  // namespace

void refuse_memory(const std::string& what, std::uint64_t need, const DecodeLimits& limits) {
  if (limits.memory_bytes == 0 || need <= limits.memory_bytes) return;
  throw DecodeError(what + " needs about " + megabytes(need) +
                    " to decode, more than the decoder's limit of " + megabytes(limits.memory_bytes) +
                    " (--memory-budget)");
}

std::string one_line_message(std::string text) {
  for (char& c : text) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '.')) text.pop_back();
  if (text.size() >= 2 && text[0] >= 'A' && text[0] <= 'Z' && !(text[1] >= 'A' && text[1] <= 'Z')) {
    text[0] = static_cast<char>(text[0] - 'A' + 'a');
  }
  return text;
}

}  // namespace photoscore
