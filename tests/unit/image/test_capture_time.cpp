// Capture times (image/capture_time.hpp): EXIF's text to microseconds and
// back to ISO 8601, the Exif block of a JPEG, and Exiv2 reading Exif blocks
// built here byte by byte (both byte orders), with hostile ones that must
// give no time rather than trouble.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "image/capture_time.hpp"

namespace photoscore {
namespace {

constexpr std::int64_t kUs = 1'000'000;

TEST(CaptureTime, ExifTextToMicroseconds) {
  // 2024-05-01T12:34:56Z is 1,714,566,896 s after the epoch (Python's datetime).
  const auto t = parse_exif_time("2024:05:01 12:34:56", "78", "+02:00");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->local_us, 1'714'566'896 * kUs + 780'000);
  EXPECT_EQ(t->subsec_digits, 2);
  EXPECT_TRUE(t->has_offset);
  EXPECT_EQ(t->offset_minutes, 120);
  EXPECT_EQ(t->instant_us(), (1'714'566'896 - 7200) * kUs + 780'000);
  // No fraction, no offset: the clock's reading is the instant.
  const auto plain = parse_exif_time(std::string("2024:02:29 00:00:00\0", 20));
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->instant_us(), 1'709'164'800 * kUs);
  EXPECT_FALSE(plain->has_offset);
  // Before 1970, a negative offset, a fraction longer than microseconds.
  const auto old = parse_exif_time("1969:12:31 23:59:59", "1234567", "-04:30");
  ASSERT_TRUE(old);
  EXPECT_EQ(old->local_us, -1 * kUs + 123'456);
  EXPECT_EQ(old->instant_us(), old->local_us + 270 * 60 * kUs);
}

TEST(CaptureTime, NoTimeIsNone) {
  for (const char* bad :
       {"", "0000:00:00 00:00:00", "    :  :     :  :  ", "2023:02:29 10:00:00", "2024:13:01 10:00:00",
        "2024:05:01 24:00:00", "2024-05-01 10:00:00", "2024:05:01 10:00", "2024:05:01 10:00:0x"}) {
    EXPECT_FALSE(parse_exif_time(bad)) << bad;
  }
  // A bad fraction or offset loses only itself.
  const auto t = parse_exif_time("2024:05:01 12:34:56", "7x", "+2:00");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->subsec_digits, 0);
  EXPECT_FALSE(t->has_offset);
}

TEST(CaptureTime, TextAndBack) {
  const std::vector<std::pair<std::array<const char*, 3>, const char*>> cases = {
      {{"2024:05:01 12:34:56", "78", "+02:00"}, "2024-05-01T12:34:56.78+02:00"},
      {{"2024:05:01 12:34:56", "", ""}, "2024-05-01T12:34:56"},
      {{"1969:12:31 23:59:59", "000001", "-04:30"}, "1969-12-31T23:59:59.000001-04:30"},
      {{"2000:02:29 00:00:00", "5", "+00:00"}, "2000-02-29T00:00:00.5+00:00"},
  };
  for (const auto& [fields, text] : cases) {
    const auto t = parse_exif_time(fields[0], fields[1], fields[2]);
    ASSERT_TRUE(t) << text;
    EXPECT_EQ(capture_time_text(*t), text);
    const auto back = capture_time_from_text(text);
    ASSERT_TRUE(back) << text;
    EXPECT_EQ(*back, *t) << text;
  }
  for (const char* bad : {"2024-05-01", "2024-05-01T12:34:56.", "2024-05-01T12:34:56.1234567",
                          "2024-05-01T12:34:56Z", "2024:05:01 12:34:56"}) {
    EXPECT_FALSE(capture_time_from_text(bad)) << bad;
  }
}

// --- Exif blocks, built as the TIFF 6.0 and Exif 2.32 specifications lay them out ---

struct Tiff {
  bool big_endian = false;
  std::vector<std::uint8_t> bytes;
  void u16(std::uint16_t v) {
    if (big_endian) {
      bytes.push_back(static_cast<std::uint8_t>(v >> 8));
      bytes.push_back(static_cast<std::uint8_t>(v));
    } else {
      bytes.push_back(static_cast<std::uint8_t>(v));
      bytes.push_back(static_cast<std::uint8_t>(v >> 8));
    }
  }
  void u32(std::uint32_t v) {
    if (big_endian) {
      u16(static_cast<std::uint16_t>(v >> 16));
      u16(static_cast<std::uint16_t>(v));
    } else {
      u16(static_cast<std::uint16_t>(v));
      u16(static_cast<std::uint16_t>(v >> 16));
    }
  }
};

// An Exif block: IFD0 with only the Exif IFD pointer, the Exif IFD with the
// given ASCII tags (ascending), their values after it.
std::vector<std::uint8_t> exif_block(const std::vector<std::pair<std::uint16_t, std::string>>& tags,
                                     bool big_endian = false) {
  Tiff t;
  t.big_endian = big_endian;
  t.bytes = big_endian ? std::vector<std::uint8_t>{'M', 'M'} : std::vector<std::uint8_t>{'I', 'I'};
  t.u16(42);
  t.u32(8);
  // IFD0 at 8: one entry (12 bytes), the next-IFD link.
  t.u16(1);
  t.u16(0x8769);
  t.u16(4);  // LONG
  t.u32(1);
  const std::uint32_t exif_ifd = 8 + 2 + 12 + 4;
  t.u32(exif_ifd);
  t.u32(0);
  std::uint32_t data = exif_ifd + 2 + 12 * static_cast<std::uint32_t>(tags.size()) + 4;
  std::vector<std::uint8_t> values;
  t.u16(static_cast<std::uint16_t>(tags.size()));
  for (const auto& [tag, text] : tags) {
    const auto count = static_cast<std::uint32_t>(text.size() + 1);  // with its NUL
    t.u16(tag);
    t.u16(2);  // ASCII
    t.u32(count);
    if (count <= 4) {
      std::uint8_t inline_value[4] = {0, 0, 0, 0};
      for (std::size_t i = 0; i < text.size() && i < 4; ++i)
        inline_value[i] = static_cast<std::uint8_t>(text[i]);
      t.bytes.insert(t.bytes.end(), inline_value, inline_value + 4);
    } else {
      t.u32(data + static_cast<std::uint32_t>(values.size()));
      values.insert(values.end(), text.begin(), text.end());
      values.push_back(0);
    }
  }
  t.u32(0);
  t.bytes.insert(t.bytes.end(), values.begin(), values.end());
  return t.bytes;
}

const std::vector<std::pair<std::uint16_t, std::string>> kFullTags = {
    {0x9003, "2024:05:01 12:34:56"}, {0x9004, "2024:05:01 12:00:00"}, {0x9011, "+02:00"}, {0x9291, "78"}};

TEST(CaptureTime, ExivReadsTheOriginalTime) {
  for (const bool big : {false, true}) {
    const auto t = exif_capture_time(exif_block(kFullTags, big));
    ASSERT_TRUE(t) << (big ? "big-endian" : "little-endian");
    EXPECT_EQ(capture_time_text(*t), "2024-05-01T12:34:56.78+02:00");
  }
  // Only DateTimeDigitized, with OffsetTime (0x9010) standing in.
  const auto digitized = exif_capture_time(exif_block({{0x9004, "2020:01:02 03:04:05"}, {0x9010, "-07:00"}}));
  ASSERT_TRUE(digitized);
  EXPECT_EQ(capture_time_text(*digitized), "2020-01-02T03:04:05-07:00");
  // Exif without a date, a blank date: none.
  EXPECT_FALSE(exif_capture_time(exif_block({{0x9291, "12"}})));
  EXPECT_FALSE(exif_capture_time(exif_block({{0x9003, "    :  :     :  :  "}})));
}

// TIFF/EP (ISO 12234-2), which some camera RAWs follow, puts
// DateTimeOriginal in IFD0 itself: read there when the Exif IFD has none.
TEST(CaptureTime, ExivReadsTiffEpsDateTimeOriginalInIfd0) {
  const std::string date = "2019:08:07 06:05:04";
  Tiff t;
  t.bytes = {'I', 'I'};
  t.u16(42);
  t.u32(8);
  t.u16(1);  // IFD0 at 8: DateTimeOriginal only, its value at 26
  t.u16(0x9003);
  t.u16(2);  // ASCII
  t.u32(static_cast<std::uint32_t>(date.size() + 1));
  t.u32(8 + 2 + 12 + 4);
  t.u32(0);
  t.bytes.insert(t.bytes.end(), date.begin(), date.end());
  t.bytes.push_back(0);
  const auto t_ep = exif_capture_time(t.bytes);
  ASSERT_TRUE(t_ep);
  EXPECT_EQ(capture_time_text(*t_ep), "2019-08-07T06:05:04");
}

TEST(CaptureTime, HostileBlocksGiveNoTimeAndNoTrouble) {
  const std::vector<std::uint8_t> good = exif_block(kFullTags);
  // Every truncation, and blocks with random bytes overwritten.
  for (std::size_t n = 0; n < good.size(); ++n) {
    const auto t = exif_capture_time(std::span(good.data(), n));
    if (t) {
      EXPECT_EQ(capture_time_text(*t).substr(0, 19), "2024-05-01T12:34:56");
    }
  }
  std::mt19937 rng(20);
  for (int round = 0; round < 2000; ++round) {
    std::vector<std::uint8_t> bad = good;
    for (int k = 0; k < 4; ++k) bad[rng() % bad.size()] = static_cast<std::uint8_t>(rng());
    (void)exif_capture_time(bad);  // no crash, no exception (ASan/UBSan runs check the rest)
  }
  // Counts that claim gigabytes.
  std::vector<std::uint8_t> huge = good;
  huge[8 + 2 + 12 + 4 + 2 + 4] = 0xFF;  // the first Exif entry's count, low byte
  huge[8 + 2 + 12 + 4 + 2 + 7] = 0x7F;  // and high byte
  EXPECT_NO_THROW((void)exif_capture_time(huge));
}

std::vector<std::uint8_t> read_photo(const std::string& name) {
  std::ifstream in(std::string(PHOTOSCORE_TEST_DATA) + "/photos/" + name, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// `jpeg` with APP1 segments inserted after SOI, each payload as given.
std::vector<std::uint8_t> with_app1(const std::vector<std::uint8_t>& jpeg,
                                    const std::vector<std::vector<std::uint8_t>>& payloads) {
  std::vector<std::uint8_t> out(jpeg.begin(), jpeg.begin() + 2);
  for (const auto& p : payloads) {
    const std::size_t length = p.size() + 2;
    out.insert(out.end(),
               {0xFF, 0xE1, static_cast<std::uint8_t>(length >> 8), static_cast<std::uint8_t>(length)});
    out.insert(out.end(), p.begin(), p.end());
  }
  out.insert(out.end(), jpeg.begin() + 2, jpeg.end());
  return out;
}

TEST(CaptureTime, JpegExifBlockAfterOtherSegments) {
  const std::vector<std::uint8_t> rocket = read_photo("rocket.jpg");
  EXPECT_FALSE(jpeg_capture_time(rocket));
  std::vector<std::uint8_t> exif = {'E', 'x', 'i', 'f', 0, 0};
  const std::vector<std::uint8_t> block = exif_block(kFullTags, true);
  exif.insert(exif.end(), block.begin(), block.end());
  // An XMP APP1 first (not Exif), then the Exif one.
  const std::string xmp = "http://ns.adobe.com/xap/1.0/";
  const std::vector<std::uint8_t> photo = with_app1(rocket, {{xmp.begin(), xmp.end()}, exif});
  const auto found = jpeg_exif_block(photo);
  ASSERT_EQ(found.size(), block.size());
  EXPECT_TRUE(std::equal(block.begin(), block.end(), found.begin()));
  const auto t = jpeg_capture_time(photo);
  ASSERT_TRUE(t);
  EXPECT_EQ(capture_time_text(*t), "2024-05-01T12:34:56.78+02:00");
  // Cut inside the Exif segment, not a JPEG at all: no block.
  EXPECT_TRUE(jpeg_exif_block(std::span(photo.data(), 2 + 4 + xmp.size() + 10)).empty());
  const std::vector<std::uint8_t> png = read_photo("chelsea.png");
  EXPECT_TRUE(jpeg_exif_block(png).empty());
}

}  // namespace
}  // namespace photoscore
