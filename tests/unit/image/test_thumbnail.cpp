// The report's thumbnails.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "image/decode.hpp"
#include "image/thumbnail.hpp"

namespace photoscore {
namespace {

TEST(Thumbnail, FitsTheLongerSideAndDecodes) {
  std::ifstream in(std::string(PHOTOSCORE_TEST_DATA) + "/photos/astronaut_2048.jpg", std::ios::binary);
  const std::vector<char> raw((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_FALSE(raw.empty());
  const std::string jpeg =
      jpeg_thumbnail({reinterpret_cast<const std::uint8_t*>(raw.data()), raw.size()}, 256);
  const RgbImage back = decode_image({reinterpret_cast<const std::uint8_t*>(jpeg.data()), jpeg.size()});
  EXPECT_EQ(std::max(back.width, back.height), 256);
  EXPECT_LT(jpeg.size(), 40000u);
}

}  // namespace
}  // namespace photoscore
