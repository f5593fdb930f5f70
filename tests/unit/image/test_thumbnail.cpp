// The report's thumbnails.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "image/decode.hpp"
#include "image/orientation.hpp"
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

std::vector<std::uint8_t> read_photo(const std::string& name) {
  std::ifstream in(std::string(PHOTOSCORE_TEST_DATA) + "/photos/" + name, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// rocket_exif_rotated.jpg is the landscape rocket stored as is, with EXIF
// Orientation 6 (rotate 90 degrees clockwise): scoring sees it as stored,
// the report's thumbnail stands upright, taller than wide.
TEST(Thumbnail, StandsUprightByExifOrientation) {
  const std::vector<std::uint8_t> bytes = read_photo("rocket_exif_rotated.jpg");
  ASSERT_FALSE(bytes.empty());
  const RgbImage stored = decode_image(bytes);
  ASSERT_GT(stored.width, stored.height);
  const Thumbnail t = photo_thumbnail(bytes, 256);
  EXPECT_EQ(t.exif.orientation, 6);
  const RgbImage back = decode_image({reinterpret_cast<const std::uint8_t*>(t.jpeg.data()), t.jpeg.size()});
  EXPECT_EQ(back.height, 256);
  EXPECT_LT(back.width, back.height);
  // Without the tag the same pixels stay as stored.
  const Thumbnail plain = photo_thumbnail(read_photo("rocket.jpg"), 256);
  EXPECT_EQ(plain.exif.orientation, 1);
  const RgbImage flat =
      decode_image({reinterpret_cast<const std::uint8_t*>(plain.jpeg.data()), plain.jpeg.size()});
  EXPECT_GT(flat.width, flat.height);
}

// A 3 x 2 image of distinct pixels under each orientation: where stored
// pixel (x, y) lands, worked out from the tag's definition (TIFF 6.0: 6 =
// row 0 is the visual right side, column 0 the visual top).
TEST(Thumbnail, OrientationsMoveThePixels) {
  RgbImage stored;
  stored.width = 3;
  stored.height = 2;
  for (int i = 0; i < 6; ++i) stored.rgb.insert(stored.rgb.end(), {std::uint8_t(i), 0, 0});
  // Stored:  0 1 2
  //          3 4 5
  const auto reds = [](const RgbImage& im) {
    std::vector<int> out;
    for (std::size_t i = 0; i < im.rgb.size(); i += 3) out.push_back(im.rgb[i]);
    return out;
  };
  const RgbImage r6 = apply_orientation(stored, 6);  // turned clockwise: 3 0 / 4 1 / 5 2
  EXPECT_EQ(r6.width, 2);
  EXPECT_EQ(r6.height, 3);
  EXPECT_EQ(reds(r6), (std::vector<int>{3, 0, 4, 1, 5, 2}));
  const RgbImage r8 = apply_orientation(stored, 8);  // anticlockwise: 2 5 / 1 4 / 0 3
  EXPECT_EQ(reds(r8), (std::vector<int>{2, 5, 1, 4, 0, 3}));
  EXPECT_EQ(reds(apply_orientation(stored, 3)), (std::vector<int>{5, 4, 3, 2, 1, 0}));
  EXPECT_EQ(reds(apply_orientation(stored, 2)), (std::vector<int>{2, 1, 0, 5, 4, 3}));
  EXPECT_EQ(reds(apply_orientation(stored, 1)), (std::vector<int>{0, 1, 2, 3, 4, 5}));
  EXPECT_EQ(reds(apply_orientation(stored, 9)), (std::vector<int>{0, 1, 2, 3, 4, 5}));
}

}  // namespace
}  // namespace photoscore
