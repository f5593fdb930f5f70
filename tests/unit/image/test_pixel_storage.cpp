// Where a decoder puts a photo's pixels: RgbImage::place (a roles group's
// shared-memory window, a decoder helper's shared file) or the image's own
// buffer, and what the readers of the image see either way.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "image/decode.hpp"
#include "image/rgb_image.hpp"
#include "image/thumbnail.hpp"
#include "image/working_image.hpp"

namespace photoscore {
namespace {

using Bytes = std::vector<std::uint8_t>;

// A JPEG of a gradient, so that every row differs.
Bytes gradient_jpeg(int width, int height) {
  RgbImage image;
  image.width = width;
  image.height = height;
  image.rgb.resize(3 * image.pixels());
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x)
      for (int c = 0; c < 3; ++c)
        image.rgb[3 * (static_cast<std::size_t>(y) * width + x) + c] =
            static_cast<std::uint8_t>((x * 7 + y * 13 + c * 50) & 0xFF);
  const std::string jpeg = encode_jpeg(image, 90);
  return Bytes(jpeg.begin(), jpeg.end());
}

// The pixels as a scorer reads them: row by row, wherever they live.
Bytes rows_of(const RgbImage& image) {
  Bytes out;
  for (int y = 0; y < image.height; ++y)
    out.insert(out.end(), image.row(y), image.row(y) + 3 * static_cast<std::size_t>(image.width));
  return out;
}

TEST(PixelStorage, AJpegIsDecodedWherePlaceSaysAndReadThere) {
  const Bytes jpeg = gradient_jpeg(96, 40);
  const RgbImage plain = decode_image(jpeg);

  Bytes elsewhere(3 * 96 * 40 + 64, 0xAB);
  std::size_t asked = 0;
  RgbImage image;
  image.place = [&](std::size_t bytes) {
    asked = bytes;
    return elsewhere.data() + 64;
  };
  int first_call = -1;
  const RowsDone rows_done = [&](int rows) {
    if (first_call < 0) first_call = rows;
    // The size is known and the storage given before the first row.
    EXPECT_EQ(image.shared, elsewhere.data() + 64);
  };
  decode_image_into(jpeg, {}, image, &rows_done);
  EXPECT_EQ(first_call, 0);
  EXPECT_EQ(asked, 3u * 96 * 40);
  EXPECT_EQ(image.shared, elsewhere.data() + 64);
  EXPECT_TRUE(image.rgb.empty());  // nothing went to the image's own buffer
  EXPECT_EQ(Bytes(elsewhere.begin() + 64, elsewhere.end()), plain.rgb);
  EXPECT_EQ(rows_of(image), plain.rgb);
  for (int i = 0; i < 64; ++i) EXPECT_EQ(elsewhere[i], 0xAB) << "a byte before the place was written";
}

TEST(PixelStorage, APlaceWithNoRoomLeavesThePixelsInTheImagesBuffer) {
  const Bytes jpeg = gradient_jpeg(96, 40);
  const RgbImage plain = decode_image(jpeg);
  RgbImage image;
  Bytes stale(16, 0);
  image.shared = stale.data();  // left from an earlier photo: must not be read
  int asked = 0;
  image.place = [&](std::size_t) -> std::uint8_t* {
    ++asked;
    return nullptr;
  };
  decode_image_into(jpeg, {}, image);
  EXPECT_EQ(asked, 1);
  EXPECT_EQ(image.shared, nullptr);
  EXPECT_EQ(image.rgb, plain.rgb);
  EXPECT_EQ(rows_of(image), plain.rgb);
}

// A JPEG too large for the DCT scaling alone to reach the working range is
// reduced after its decode: the reduction is the image, not the full-size
// pixels the decoder left where `place` said.
TEST(PixelStorage, AWorkingImageReducedAfterAPlacedDecodeIsReadFromTheReduction) {
  const int width = 8 * 2 * kWorkingMinLongSide + 64;  // 1/8 by the DCT, then 2 by boxes
  const Bytes jpeg = gradient_jpeg(width, 16);
  RgbImage plain;
  decode_working_image(jpeg, {}, plain);
  ASSERT_EQ(plain.scaled.factor, 16);
  ASSERT_EQ(plain.shared, nullptr);

  Bytes elsewhere;
  RgbImage image;
  image.place = [&](std::size_t bytes) {
    elsewhere.assign(bytes, 0);
    return elsewhere.data();
  };
  decode_working_image(jpeg, {}, image);
  ASSERT_FALSE(elsewhere.empty());  // the decode went there
  EXPECT_EQ(image.shared, nullptr);
  EXPECT_EQ(image.width, plain.width);
  EXPECT_EQ(image.height, plain.height);
  EXPECT_EQ(image.scaled.factor, 16);
  EXPECT_EQ(rows_of(image), rows_of(plain));
}

}  // namespace
}  // namespace photoscore
