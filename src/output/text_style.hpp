#pragma once
#include <cstdio>

namespace photoscore {

// What a stream can show. Emoji and box drawing need a person's terminal
// whose locale is UTF-8 (a batch log, a pipe or a C locale gets ASCII, which
// reads anywhere); colour needs a person's terminal and no NO_COLOR
// (https://no-color.org) nor TERM=dumb. --plain turns both off; --color
// always turns colour on (and, on a UTF-8 locale, emoji), --color never off.
struct TextStyle {
  bool unicode = false;
  bool color = false;
};

// --color: auto (colour and emoji on a person's terminal), always, never.
enum class ColorChoice { Auto, Always, Never };

// Whether `out` is a person's terminal. A terminal under an MPI launcher
// (`under_launcher`) is not one: Open MPI's mpirun gives a rank's stdout a
// pseudo-terminal of its own, also when mpirun itself writes to a batch log,
// so isatty() says yes where nobody reads. --color always says yes anyway.
bool person_terminal(std::FILE* out, ColorChoice color, bool under_launcher);

// The style of a stream for which person_terminal() said `terminal`.
TextStyle text_style(bool terminal, ColorChoice color, bool plain);
// The same for `out` outside any launcher, with --color auto.
TextStyle text_style(std::FILE* out, bool plain);

// Whether LC_ALL, else LC_CTYPE, else LANG (the first one set, as the C
// library decides) names a UTF-8 character set.
bool utf8_locale();

}  // namespace photoscore
