#pragma once
// What a test wrote to a temporary FILE (std::tmpfile), from its start.
#include <cstdio>
#include <string>

namespace photoscore::test_support {

inline std::string read_back(std::FILE* f) {
  std::rewind(f);
  std::string text;
  char buf[4096];
  while (std::size_t n = std::fread(buf, 1, sizeof buf, f)) text.append(buf, n);
  return text;
}

}  // namespace photoscore::test_support
