#pragma once
// A file's bytes, and those of a reference photo of tests/data/photos.
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace photoscore::test_support {

inline std::vector<std::uint8_t> file_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in) << path;
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline std::vector<std::uint8_t> photo_bytes(const std::string& name) {
  return file_bytes(std::filesystem::path(PHOTOSCORE_TEST_DATA) / "photos" / name);
}

}  // namespace photoscore::test_support
