#pragma once
#include <cstdio>

namespace photoscore {

// What a stream can show. Emoji and box drawing need a terminal whose
// locale is UTF-8 (a batch log, a pipe or a C locale gets ASCII, which reads
// anywhere); colour needs a terminal and no NO_COLOR (https://no-color.org)
// nor TERM=dumb. --plain turns both off.
struct TextStyle {
  bool unicode = false;
  bool color = false;
};

TextStyle text_style(std::FILE* out, bool plain);

// Whether LC_ALL, else LC_CTYPE, else LANG (the first one set, as the C
// library decides) names a UTF-8 character set.
bool utf8_locale();

}  // namespace photoscore
