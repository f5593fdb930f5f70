#include "output/text_style.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <string>

#include "output/progress.hpp"

namespace photoscore {

bool utf8_locale() {
  for (const char* name : {"LC_ALL", "LC_CTYPE", "LANG"}) {
    const char* value = std::getenv(name);
    if (!value || !*value) continue;
    std::string v(value);
    std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return std::tolower(c); });
    return v.find("utf-8") != std::string::npos || v.find("utf8") != std::string::npos;
  }
  return false;
}

TextStyle text_style(std::FILE* out, bool plain) {
  TextStyle style;
  if (plain || !is_terminal(out)) return style;
  style.unicode = utf8_locale();
  const char* no_color = std::getenv("NO_COLOR");
  const char* term = std::getenv("TERM");
  style.color = !(no_color && *no_color) && !(term && std::string(term) == "dumb");
  return style;
}

}  // namespace photoscore
