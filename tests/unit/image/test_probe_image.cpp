// The header-only probe behind --list.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "image/decode.hpp"
#include "image/probe.hpp"
#include "run/input_files.hpp"
#include "support/file_bytes.hpp"

namespace photoscore {
namespace {

// The probe reads headers only; it must agree with a full decode on every
// reference photo, or --list would report sizes nobody scores.
TEST(ProbeImage, AgreesWithDecodeOnEveryReferencePhoto) {
  int checked = 0;
  for (const auto& file : list_input_files(PHOTOSCORE_TEST_DATA "/photos")) {
    const std::vector<std::uint8_t> bytes = test_support::file_bytes(file.path);
    const ImageProbe probe = probe_image(file.path);
    ASSERT_TRUE(probe.ok) << file.filename << ": " << probe.error;
    EXPECT_EQ(probe.format, detect_format(bytes)) << file.filename;
    const RgbImage image = decode_image(bytes);
    // TIFF orientation may turn the decoded picture a quarter: same pixels.
    EXPECT_EQ(static_cast<long>(probe.width) * probe.height, static_cast<long>(image.width) * image.height)
        << file.filename;
    if (probe.format != ImageFormat::Tiff) {
      EXPECT_EQ(probe.width, image.width) << file.filename;
      EXPECT_EQ(probe.height, image.height) << file.filename;
    }
    ++checked;
  }
  EXPECT_GE(checked, 25);
}

TEST(ProbeImage, BadFilesAreReportedNotThrown) {
  const ImageProbe missing = probe_image(PHOTOSCORE_TEST_DATA "/no_such_file.jpg");
  EXPECT_FALSE(missing.ok);
  EXPECT_EQ(missing.error, "cannot open");
  // A header-only probe: a file whose header is whole probes as its header
  // says (truncated.jpg, bad_crc.png, and huge_header.jpg's claim, which
  // --list reports and the decode refuses); one without a header it knows
  // says so.
  struct Case {
    const char* name;
    bool ok;
    const char* error;
  };
  const char* const unrecognised = "not a supported image (unrecognised content)";
  for (const Case& c :
       {Case{"empty.jpg", false, unrecognised}, Case{"truncated.jpg", true, ""},
        Case{"garbage.webp", false, unrecognised}, Case{"text_named.png", false, unrecognised},
        Case{"bad_crc.png", true, ""}, Case{"huge_header.jpg", true, ""}}) {
    const ImageProbe probe = probe_image(std::string(PHOTOSCORE_TEST_DATA "/bad/") + c.name);
    EXPECT_EQ(probe.ok, c.ok) << c.name;
    EXPECT_EQ(probe.error, c.error) << c.name;
  }
  const ImageProbe huge = probe_image(PHOTOSCORE_TEST_DATA "/bad/huge_header.jpg");
  EXPECT_EQ(huge.format, ImageFormat::Jpeg);
  EXPECT_EQ(huge.width, 60000);
  EXPECT_EQ(huge.height, 60000);
}

}  // namespace
}  // namespace photoscore
