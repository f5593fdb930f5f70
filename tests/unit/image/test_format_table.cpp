// The format table (image/codec.hpp): one entry per format, and what loops
// over it (detection order, extensions, --help, the "no photos" message,
// library versions) says what it said when each of those had its own list.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <set>
#include <string>

#include "image/codec.hpp"
#include "image/library_versions.hpp"
#include "run/input_files.hpp"
#include "run/photo_extensions.hpp"

namespace photoscore {
namespace {

constexpr ImageFormat kEveryFormat[] = {ImageFormat::Jpeg, ImageFormat::Png, ImageFormat::Tiff,
                                        ImageFormat::Webp, ImageFormat::Bmp, ImageFormat::Heif,
                                        ImageFormat::Raw};

TEST(FormatTable, EveryFormatHasOneEntryOfItsOwn) {
  EXPECT_EQ(codecs().size(), std::size(kEveryFormat));
  std::set<std::string_view> names;
  for (const ImageFormat format : kEveryFormat) {
    const Codec* codec = codec_of(format);
    ASSERT_NE(codec, nullptr) << static_cast<int>(format);
    EXPECT_EQ(codec->format, format);
    EXPECT_TRUE(names.insert(codec->name).second) << codec->name;
    EXPECT_NE(codec->sniff, nullptr) << codec->name;
    EXPECT_NE(codec->probe, nullptr) << codec->name;
    EXPECT_NE(codec->decode, nullptr) << codec->name;
  }
  EXPECT_EQ(codec_of(ImageFormat::Unknown), nullptr);
  EXPECT_EQ(format_name(ImageFormat::Unknown), "unknown");
}

TEST(FormatTable, EveryExtensionBelongsToOneFormat) {
  std::set<std::string> seen;
  std::size_t count = 0;
  for (const Codec* codec : codecs()) {
    ASSERT_FALSE(codec->extensions.empty()) << codec->name;
    EXPECT_LE(codec->help_extensions, codec->extensions.size()) << codec->name;
    for (const std::string_view ext : codec->extensions) {
      ++count;
      EXPECT_TRUE(seen.insert(std::string(ext)).second) << ext << " twice";
      ASSERT_GE(ext.size(), 2u);
      EXPECT_EQ(ext.front(), '.');
      EXPECT_TRUE(std::none_of(ext.begin(), ext.end(), [](unsigned char c) { return std::isupper(c); }))
          << ext;
      // Any case makes a photo, as the table's extension says.
      std::string upper(ext);
      std::transform(upper.begin(), upper.end(), upper.begin(),
                     [](unsigned char c) { return std::toupper(c); });
      EXPECT_TRUE(has_photo_extension("photo" + upper)) << upper;
    }
  }
  EXPECT_EQ(photo_extensions().size(), count);
  EXPECT_FALSE(has_photo_extension("clip.cr3"));
  EXPECT_FALSE(has_photo_extension("notes.txt"));
}

// BMP's two bytes are the weakest signature: every other is tried first.
TEST(FormatTable, TheWeakSignatureIsTriedLast) {
  std::set<int> ranks;
  for (const Codec* codec : codecs()) EXPECT_TRUE(ranks.insert(codec->sniff_rank).second) << codec->name;
  EXPECT_EQ(*ranks.rbegin(), codec_of(ImageFormat::Bmp)->sniff_rank);
  // "BM" then a TIFF-like word: still a BMP, the only signature it carries.
  const std::uint8_t bmp[] = {'B', 'M', 0x2A, 0x00, 0, 0, 0, 0};
  EXPECT_EQ(detect_signature(bmp), ImageFormat::Bmp);
}

TEST(FormatTable, HelpAndMessagesNameTheFormatsAsBefore) {
  EXPECT_EQ(formats_list(), "JPEG, PNG, TIFF, WebP, BMP, HEIF and camera RAW");
  EXPECT_EQ(
      formats_help(),
      "JPEG (.jpg .jpeg .jpe .jfif), .png, TIFF (.tif .tiff), .webp, .bmp, HEIF (.heic .heif .hif), camera "
      "RAW "
      "(.dng .cr2 .nef .arw .orf .rw2 .pef .raf .srw and more; scored from the embedded full-size preview, "
      "else demosaiced)");
}

TEST(FormatTable, LibraryVersionsFollowTheTable) {
  const std::string versions = image_library_versions();
  std::size_t libraries = 0;
  std::size_t at = 0;
  for (const Codec* codec : codecs()) {
    if (!codec->library_version) continue;
    ++libraries;
    const std::string one = codec->library_version();
    const std::size_t found = versions.find(one, at);
    ASSERT_NE(found, std::string::npos) << one << " in " << versions;
    at = found + one.size();
  }
  EXPECT_EQ(static_cast<std::size_t>(std::count(versions.begin(), versions.end(), ',')) + 1, libraries);
  EXPECT_EQ(versions.rfind("libjpeg", 0), 0u) << versions;
}

}  // namespace
}  // namespace photoscore
