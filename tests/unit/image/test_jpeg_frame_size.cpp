// A RAW preview's size from its JPEG frame header.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "image/camera_raw.hpp"
#include "image/rgb_image.hpp"
#include "image/thumbnail.hpp"

namespace photoscore {
namespace {

using Bytes = std::vector<std::uint8_t>;

// --- A RAW preview's size from its JPEG frame ------------------------------------
TEST(JpegFrameSize, ReadsTheFrameHeaderPastOtherSegments) {
  RgbImage image;
  image.width = 40;
  image.height = 24;
  image.rgb.assign(40 * 24 * 3, 128);
  const std::string jpeg = encode_jpeg(image, 90);
  // An APP1 segment of 3,000 bytes before the frame, as EXIF puts there.
  Bytes file(jpeg.begin(), jpeg.begin() + 2);
  Bytes app{0xFF, 0xE1, 3002 >> 8, 3002 & 0xFF};
  app.resize(app.size() + 3000, 0x41);
  file.insert(file.end(), app.begin(), app.end());
  file.insert(file.end(), jpeg.begin() + 2, jpeg.end());
  const ReadAt read = [&](std::uint64_t at, std::size_t n, std::uint8_t* out) {
    if (at > file.size() || n > file.size() - at) return false;
    std::memcpy(out, file.data() + at, n);
    return true;
  };
  int w = 0, h = 0;
  ASSERT_TRUE(jpeg_frame_size(read, 0, file.size(), w, h));
  EXPECT_EQ(w, 40);
  EXPECT_EQ(h, 24);
  EXPECT_FALSE(jpeg_frame_size(read, 1, file.size() - 1, w, h));  // not at a JPEG
  EXPECT_FALSE(jpeg_frame_size(read, 0, 500, w, h));              // the frame is past the length
}

}  // namespace
}  // namespace photoscore
