// Which format a file is, by its content: every signature, near misses, HEIF
// brands, RAW signatures, and the formats' names.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "image/decode.hpp"
#include "support/file_bytes.hpp"

namespace photoscore {
namespace {

using Bytes = std::vector<std::uint8_t>;
using test_support::file_bytes;
using test_support::photo_bytes;

TEST(DetectFormat, RecognisesEachSignature) {
  EXPECT_EQ(detect_format(Bytes{0xFF, 0xD8, 0xFF, 0xE0}), ImageFormat::Jpeg);
  EXPECT_EQ(detect_format(Bytes{0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A}), ImageFormat::Png);
  EXPECT_EQ(detect_format(Bytes{'I', 'I', 0x2A, 0x00, 8, 0, 0, 0}), ImageFormat::Tiff);
  EXPECT_EQ(detect_format(Bytes{'M', 'M', 0x00, 0x2A, 0, 0, 0, 8}), ImageFormat::Tiff);
  EXPECT_EQ(detect_format(Bytes{'R', 'I', 'F', 'F', 1, 2, 3, 4, 'W', 'E', 'B', 'P', 'V', 'P', '8', 'L'}),
            ImageFormat::Webp);
  EXPECT_EQ(detect_format(Bytes{'B', 'M', 0, 0}), ImageFormat::Bmp);
}

TEST(DetectFormat, RejectsNearMissesAndShortInput) {
  EXPECT_EQ(detect_format(Bytes{}), ImageFormat::Unknown);
  EXPECT_EQ(detect_format(Bytes{0xFF, 0xD8}), ImageFormat::Unknown);
  EXPECT_EQ(detect_format(Bytes{0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A}), ImageFormat::Unknown);
  EXPECT_EQ(detect_format(Bytes{'I', 'I', 0x00, 0x2A}), ImageFormat::Unknown);
  EXPECT_EQ(detect_format(Bytes{'R', 'I', 'F', 'F', 1, 2, 3, 4, 'W', 'A', 'V', 'E'}), ImageFormat::Unknown);
  EXPECT_EQ(detect_format(Bytes{'R', 'I', 'F', 'F', 1, 2, 3, 4, 'W', 'E', 'B'}), ImageFormat::Unknown);
  EXPECT_EQ(detect_format(Bytes{'B'}), ImageFormat::Unknown);
}

TEST(DetectFormat, GoesByContentNotName) {
  EXPECT_EQ(detect_format(photo_bytes("tiny_png_named.jpg")), ImageFormat::Png);
  EXPECT_EQ(detect_format(photo_bytes("rocket.jpg")), ImageFormat::Jpeg);
  EXPECT_EQ(detect_format(photo_bytes("ROCKET_UPPER.JPG")), ImageFormat::Jpeg);
  EXPECT_EQ(detect_format(photo_bytes("coffee.png")), ImageFormat::Png);
  EXPECT_EQ(detect_format(photo_bytes("rocket.tiff")), ImageFormat::Tiff);
  EXPECT_EQ(detect_format(photo_bytes("coffee_lossless.webp")), ImageFormat::Webp);
  EXPECT_EQ(detect_format(photo_bytes("chelsea.bmp")), ImageFormat::Bmp);
  EXPECT_EQ(detect_format(file_bytes(std::string(PHOTOSCORE_TEST_DATA) + "/bad/text_named.png")),
            ImageFormat::Unknown);
  EXPECT_EQ(detect_format(file_bytes(std::string(PHOTOSCORE_TEST_DATA) + "/bad/garbage.webp")),
            ImageFormat::Unknown);
}

TEST(FormatName, NamesEveryFormat) {
  EXPECT_EQ(format_name(ImageFormat::Jpeg), "JPEG");
  EXPECT_EQ(format_name(ImageFormat::Png), "PNG");
  EXPECT_EQ(format_name(ImageFormat::Tiff), "TIFF");
  EXPECT_EQ(format_name(ImageFormat::Webp), "WebP");
  EXPECT_EQ(format_name(ImageFormat::Bmp), "BMP");
  EXPECT_EQ(format_name(ImageFormat::Unknown), "unknown");
}

std::vector<std::uint8_t> bytes_of(std::initializer_list<const char*> parts) {
  std::vector<std::uint8_t> out;
  for (const char* p : parts) {
    const std::string s(p, p[0] == '\0' ? 1 : std::char_traits<char>::length(p));
    out.insert(out.end(), s.begin(), s.end());
  }
  return out;
}

std::vector<std::uint8_t> ftyp(const std::string& major, const std::string& compatible) {
  std::vector<std::uint8_t> b = {0,   0,   0,   static_cast<std::uint8_t>(16 + compatible.size()),
                                 'f', 't', 'y', 'p'};
  b.insert(b.end(), major.begin(), major.end());
  b.insert(b.end(), 4, 0);
  b.insert(b.end(), compatible.begin(), compatible.end());
  b.resize(64, 0);
  return b;
}

TEST(DetectFormat, HeifByItsFtypBrand) {
  EXPECT_EQ(detect_format(ftyp("heic", "mif1heic")), ImageFormat::Heif);
  EXPECT_EQ(detect_format(ftyp("msf1", "")), ImageFormat::Heif);
  EXPECT_EQ(detect_format(ftyp("isom", "mif1")), ImageFormat::Heif);         // a compatible brand counts
  EXPECT_EQ(detect_format(ftyp("mp42", "isommp41")), ImageFormat::Unknown);  // a video
  EXPECT_EQ(detect_format(ftyp("crx ", "isom")), ImageFormat::Unknown);      // CR3 is not read
}

TEST(DetectFormat, RawSignatures) {
  std::vector<std::uint8_t> raf = bytes_of({"FUJIFILMCCD-RAW 0201"});
  raf.resize(64, 0);
  EXPECT_EQ(detect_signature(raf), ImageFormat::Raw);
  std::vector<std::uint8_t> orf = {'I', 'I', 'R', 'O', 8, 0, 0, 0};
  orf.resize(64, 0);
  EXPECT_EQ(detect_signature(orf), ImageFormat::Raw);
  // A RAW signature without a RAW behind it is an error row, not a crash.
  EXPECT_THROW(decode_image(raf), DecodeError);
}

}  // namespace
}  // namespace photoscore
