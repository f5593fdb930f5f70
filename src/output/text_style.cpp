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

bool person_terminal(std::FILE* out, ColorChoice color, bool under_launcher) {
  if (color == ColorChoice::Always) return true;
  return !under_launcher && is_terminal(out);
}

TextStyle text_style(bool terminal, ColorChoice color, bool plain) {
  TextStyle style;
  style.unicode = !plain && terminal && utf8_locale();
  if (color == ColorChoice::Always) {
    // Asked for by name: NO_COLOR and TERM=dumb are for the default.
    style.color = true;
  } else if (color == ColorChoice::Auto && !plain && terminal) {
    const char* no_color = std::getenv("NO_COLOR");
    const char* term = std::getenv("TERM");
    style.color = !(no_color && *no_color) && !(term && std::string(term) == "dumb");
  }
  return style;
}

TextStyle text_style(std::FILE* out, bool plain) {
  return text_style(is_terminal(out), ColorChoice::Auto, plain);
}

}  // namespace photoscore
