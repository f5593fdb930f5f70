#pragma once
// The benchmark programs' one argument of their own, --jpeg=PHOTO.jpg, read
// after Google Benchmark has taken its --benchmark_* flags out of argv.
#include <cstdio>
#include <string>

// Sets `path` from --jpeg=; false (after a line on stderr naming `program`)
// on any other argument.
inline bool read_jpeg_argument(int argc, char** argv, const char* program, std::string& path) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.rfind("--jpeg=", 0) != 0) {
      std::fprintf(stderr, "%s: unknown argument %s (--jpeg=PHOTO.jpg or --benchmark_*)\n", program, argv[i]);
      return false;
    }
    path = arg.substr(7);
  }
  return true;
}
