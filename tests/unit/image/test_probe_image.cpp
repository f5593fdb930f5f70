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
  EXPECT_FALSE(missing.error.empty());
  for (const char* bad : {"empty.jpg", "truncated.jpg", "garbage.webp", "text_named.png"}) {
    const ImageProbe probe = probe_image(std::string(PHOTOSCORE_TEST_DATA "/bad/") + bad);
    if (!probe.ok) EXPECT_FALSE(probe.error.empty()) << bad;
  }
  EXPECT_FALSE(probe_image(PHOTOSCORE_TEST_DATA "/bad/empty.jpg").ok);
  EXPECT_FALSE(probe_image(PHOTOSCORE_TEST_DATA "/bad/text_named.png").ok);
}

}  // namespace
}  // namespace photoscore
