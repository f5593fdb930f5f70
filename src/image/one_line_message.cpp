#include <cstdio>

#include "image/decode.hpp"
#include "image/size_text.hpp"

namespace photoscore {

void refuse_memory(const std::string& what, std::uint64_t need, const DecodeLimits& limits) {
  if (limits.memory_bytes == 0 || need <= limits.memory_bytes) return;
  throw DecodeError(what + " needs about " + size_text(need) +
                    " to decode, more than the decoder's limit of " + size_text(limits.memory_bytes) +
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
