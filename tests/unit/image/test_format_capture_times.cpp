// Capture times of the formats decoded in helper processes (TIFF, HEIF,
// camera RAW): read where the photo is decoded and sent back with the
// pixels. The fixtures in tests/data/capture_times were stamped by exiftool
// (tests/tools/make_capture_times.py, which reads them back with exiftool
// too): the expected texts are what was written there, in ISO 8601.
#include <gtest/gtest.h>

#include <cstdint>
#include <ctime>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "image/capture_time.hpp"
#include "image/decode.hpp"
#include "image/decoder_helpers.hpp"

namespace photoscore {
namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes fixture(const std::string& name) {
  std::ifstream in(std::string(PHOTOSCORE_TEST_DATA) + "/capture_times/" + name, std::ios::binary);
  Bytes bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  EXPECT_FALSE(bytes.empty()) << name;
  return bytes;
}

Bytes photo(const std::string& name) {
  std::ifstream in(std::string(PHOTOSCORE_TEST_DATA) + "/photos/" + name, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

struct Case {
  const char* file;
  ImageFormat format;
  const char* taken;  // "" for none
};

// make_capture_times.py's TIMES; none.* and rocket.tiff carry no time.
const Case kCases[] = {
    {"taken.tiff", ImageFormat::Tiff, "2024-05-01T12:34:56.78+02:00"},
    {"taken.dng", ImageFormat::Raw, "2023-11-05T07:08:09.125-05:00"},
    {"taken.heic", ImageFormat::Heif, "2022-02-28T23:59:59.5+09:30"},
    {"none.dng", ImageFormat::Raw, ""},
    {"none.heic", ImageFormat::Heif, ""},
};

TEST(FormatCaptureTimes, EachDecoderReadsItsFormatsTime) {
  for (const Case& c : kCases) {
    const Bytes bytes = fixture(c.file);
    ASSERT_EQ(detect_format(bytes), c.format) << c.file;
    const RgbImage image = decode_image(bytes);  // in this process: no helpers configured
    EXPECT_EQ(image.width, 64) << c.file;
    EXPECT_EQ(image.capture_time, c.taken) << c.file;
  }
  // The DNG's pixels are its embedded preview: the preview (a JPEG without
  // Exif) says nothing, the time is the RAW's own.
  EXPECT_EQ(decode_image(fixture("taken.dng")).source, "embedded preview");
  EXPECT_EQ(decode_image(photo("rocket.tiff")).capture_time, "");
}

TEST(FormatCaptureTimes, ExivReadsTheWholeFile) {
  const FileCaptureTime tiff = file_capture_time(fixture("taken.tiff"));
  EXPECT_TRUE(tiff.has_exif);
  ASSERT_TRUE(tiff.time);
  EXPECT_EQ(capture_time_text(*tiff.time), "2024-05-01T12:34:56.78+02:00");
  const FileCaptureTime none = file_capture_time(fixture("none.dng"));
  EXPECT_TRUE(none.has_exif);  // IFD0's Make, Model, ...
  EXPECT_FALSE(none.time);
  const Bytes garbage(4096, 0x5a);
  EXPECT_FALSE(file_capture_time(garbage).has_exif);
  EXPECT_FALSE(file_capture_time({}).has_exif);
  // Exiv2 0.27 opens an ISO-BMFF file (HEIC here, a CR3 alike) as a
  // QuickTime movie: no Exif, whatever the file holds.
  EXPECT_FALSE(file_capture_time(fixture("taken.heic")).has_exif);
}

// LibRaw's timestamp stands in only where Exiv2 finds no Exif in the file
// at all; it is the camera's clock through mktime, given back by localtime.
TEST(FormatCaptureTimes, LibRawsTimestampIsTheFallback) {
  std::tm clock{};
  clock.tm_year = 2021 - 1900;
  clock.tm_mon = 6;
  clock.tm_mday = 4;
  clock.tm_hour = 5;
  clock.tm_min = 6;
  clock.tm_sec = 7;
  clock.tm_isdst = -1;  // as LibRaw's parser leaves it
  const std::int64_t libraw = std::mktime(&clock);
  ASSERT_GT(libraw, 0);
  const Bytes unknown(4096, 0x5a);
  EXPECT_EQ(capture_time_text(raw_capture_time(unknown, libraw)), "2021-07-04T05:06:07");
  EXPECT_FALSE(raw_capture_time(unknown, 0));
  // An ISO-BMFF RAW (CR3) as Exiv2 0.27 sees one: LibRaw's time.
  EXPECT_EQ(capture_time_text(raw_capture_time(fixture("taken.heic"), libraw)), "2021-07-04T05:06:07");
  // Exiv2's reading wins, with its fraction and offset, and so does its
  // finding no time in a file it reads.
  EXPECT_EQ(capture_time_text(raw_capture_time(fixture("taken.dng"), libraw)),
            "2023-11-05T07:08:09.125-05:00");
  EXPECT_FALSE(raw_capture_time(fixture("none.dng"), libraw));
}

// Mutants of each timed fixture (a few bytes overwritten, or cut short):
// Exiv2 in this process (as with --decoders in-process) must never crash or
// throw, and whatever time it still finds is either the one written or
// another well-formed one. The fuzzers (scripts/fuzz.sh) go further.
TEST(FormatCaptureTimes, DamagedFilesGiveNoTroubleToExiv2) {
  std::mt19937 rng(20);
  for (const char* name : {"taken.tiff", "taken.dng"}) {
    const Bytes good = fixture(name);
    for (int round = 0; round < 300; ++round) {
      Bytes bad = good;
      if (round % 10 == 0) {
        bad.resize(rng() % good.size());
      } else {
        for (int k = 0; k < 4; ++k) bad[rng() % 2048 % bad.size()] = static_cast<std::uint8_t>(rng());
      }
      FileCaptureTime found;
      EXPECT_NO_THROW(found = file_capture_time(bad)) << name << " round " << round;
      if (found.time) EXPECT_TRUE(capture_time_from_text(capture_time_text(*found.time))) << name;
    }
  }
}

class FormatCaptureTimesIsolated : public ::testing::Test {
 protected:
  void SetUp() override {
    DecoderHelperSettings settings;
    settings.enabled = true;
    settings.program = PHOTOSCORE_BINARY;
    settings.seconds = 30;
    configure_decoder_helpers(settings);
  }
  void TearDown() override {
    end_decoder_helper();
    configure_decoder_helpers({});
  }
};

// Through a decoder helper, into one reused buffer (as a runner's thread
// decodes photo after photo): each photo's own time, never the last one's.
TEST_F(FormatCaptureTimesIsolated, TheTimeComesBackWithThePixels) {
  ASSERT_TRUE(decoded_in_helper(ImageFormat::Tiff));
  ASSERT_TRUE(decoded_in_helper(ImageFormat::Raw));
  ASSERT_TRUE(decoded_in_helper(ImageFormat::Heif));
  RgbImage image;
  for (const bool borrow : {false, true}) {
    DecodeLimits limits;
    limits.borrow_helper_pixels = borrow;
    for (const Case& c : kCases) {
      decode_image_into(fixture(c.file), limits, image);
      EXPECT_EQ(image.capture_time, c.taken) << c.file << (borrow ? " (borrowed)" : "");
      EXPECT_EQ(image.shared != nullptr, borrow) << c.file;
    }
    // A format decoded in this process after a timed one: no time left over.
    decode_image_into(fixture("taken.heic"), limits, image);
    decode_image_into(photo("coffee.png"), limits, image);
    EXPECT_EQ(image.capture_time, "");
  }
  EXPECT_EQ(decode_image(fixture("taken.dng")).capture_time, "2023-11-05T07:08:09.125-05:00");
}

// Each photo first in a fresh thread, so a fresh shared file that must grow
// for the pixels while the decoder still holds the photo's bytes: the bytes
// it reads after that (the capture time, LibRaw's stream) are still the
// photo's, so the time and the pixels are those decoded in this process.
// (The shared mapping used to move when it grew, and the first photo of a
// thread read its time from other bytes: a DNG got LibRaw's whole seconds.)
TEST_F(FormatCaptureTimesIsolated, TheFirstPhotoOfAFreshHelperReadsItsOwnBytes) {
  for (const Case& c : kCases) {
    const Bytes bytes = fixture(c.file);
    configure_decoder_helpers({});
    const RgbImage here = decode_image(bytes);
    DecoderHelperSettings settings;
    settings.enabled = true;
    settings.program = PHOTOSCORE_BINARY;
    settings.seconds = 30;
    configure_decoder_helpers(settings);
    RgbImage there;
    std::thread first([&] {
      decode_image_into(bytes, {}, there);
      end_decoder_helper();
    });
    first.join();
    EXPECT_EQ(there.capture_time, c.taken) << c.file;
    EXPECT_EQ(there.capture_time, here.capture_time) << c.file;
    EXPECT_EQ(there.width, here.width) << c.file;
    EXPECT_EQ(there.height, here.height) << c.file;
    EXPECT_TRUE(there.rgb == here.rgb) << c.file << ": the pixels differ from this process's decoding";
  }
}

}  // namespace
}  // namespace photoscore
