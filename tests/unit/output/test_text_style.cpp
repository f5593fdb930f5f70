// When the terminal gets UTF-8 and colour.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>

#include "output/text_style.hpp"

namespace photoscore {
namespace {

TEST(TextStyle, Utf8FromTheFirstSetLocaleVariable) {
  const auto set = [](const char* all, const char* ctype, const char* lang) {
    all ? setenv("LC_ALL", all, 1) : unsetenv("LC_ALL");
    ctype ? setenv("LC_CTYPE", ctype, 1) : unsetenv("LC_CTYPE");
    lang ? setenv("LANG", lang, 1) : unsetenv("LANG");
  };
  set(nullptr, nullptr, "en_US.UTF-8");
  EXPECT_TRUE(utf8_locale());
  set("C", nullptr, "en_US.UTF-8");
  EXPECT_FALSE(utf8_locale());
  set(nullptr, "de_DE.utf8", "C");
  EXPECT_TRUE(utf8_locale());
  set(nullptr, nullptr, nullptr);
  EXPECT_FALSE(utf8_locale());
  // A file is never a terminal: plain ASCII whatever the locale.
  set(nullptr, nullptr, "en_US.UTF-8");
  std::FILE* f = std::tmpfile();
  EXPECT_FALSE(text_style(f, false).unicode);
  EXPECT_FALSE(text_style(f, false).color);
  std::fclose(f);
}

}  // namespace
}  // namespace photoscore
