// Finding photos (issue 12): the recursive listing, the skipped-file counts,
// the new formats' detection, the header-only probe and the RAW source note.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "analyzers/registry.hpp"
#include "image/decode.hpp"
#include "image/probe.hpp"
#include "output/row_json.hpp"
#include "run/input_files.hpp"
#include "run/outcome_codec.hpp"
#include "temp_dir.hpp"

namespace photoscore {
namespace {

namespace fs = std::filesystem;
using test_support::TempDir;

void put(const fs::path& path) {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << "x";
}

std::vector<std::string> names(const std::vector<InputFile>& files) {
  std::vector<std::string> out;
  for (const auto& f : files) out.push_back(f.filename);
  return out;
}

// A camera card: photos at three depths, the clutter a card carries, a link
// looping back to the top, a link to a folder already in the tree and a link
// to a folder outside it.
class CardTree : public ::testing::Test {
 protected:
  void SetUp() override {
    const fs::path& r = card.path();
    put(r / "top.jpg");
    put(r / "DCIM/100CANON/IMG_0001.JPG");
    put(r / "DCIM/100CANON/IMG_0002.jfif");
    put(r / "DCIM/100CANON/IMG_0003.tif");
    put(r / "DCIM/100CANON/deeper/IMG_0004.jpe");
    put(r / "DCIM/101APPLE/IMG_0005.HEIC");
    put(r / "DCIM/102RAW/IMG_0006.DNG");
    put(r / "DCIM/100CANON/._IMG_0001.JPG");
    put(r / ".DS_Store");
    put(r / ".thumbnails/hidden.jpg");
    put(r / "DCIM/100CANON/MVI_0008.MOV");
    put(r / "DCIM/101APPLE/IMG_0009.mov");
    put(r / "DCIM/102RAW/IMG_0010.CR3");
    put(r / "DCIM/README");
    fs::create_directory_symlink("../..", r / "DCIM/100CANON/loop");
    fs::create_directory_symlink("DCIM/100CANON", r / "a_link_to_100CANON");
    put(outside.path() / "extra/IMG_0011.png");
    fs::create_directory_symlink(outside.path() / "extra", r / "DCIM/zz_linked");
  }
  TempDir card;
  TempDir outside;
};

TEST_F(CardTree, RecursiveListsEveryPhotoOnceInByteOrder) {
  const InputListing listing = list_input_tree(card.path().string(), true);
  // Byte order: upper case sorts before lower case; the linked-in folder
  // keeps its link's name; 100CANON is listed under its real name only.
  const std::vector<std::string> expected = {
      "DCIM/100CANON/IMG_0001.JPG",  "DCIM/100CANON/IMG_0002.jfif",
      "DCIM/100CANON/IMG_0003.tif",  "DCIM/100CANON/deeper/IMG_0004.jpe",
      "DCIM/101APPLE/IMG_0005.HEIC", "DCIM/102RAW/IMG_0006.DNG",
      "DCIM/zz_linked/IMG_0011.png", "top.jpg"};
  EXPECT_EQ(names(listing.files), expected);
  for (const auto& f : listing.files) EXPECT_EQ(f.path, (card.path() / f.filename).string());
  const std::map<std::string, int> skipped = {{".mov", 2}, {".cr3", 1}, {"", 1}};
  EXPECT_EQ(listing.skipped, skipped);
  EXPECT_TRUE(listing.unreadable_folders.empty());
}

TEST_F(CardTree, NotRecursiveKeepsTopLevelNames) {
  const InputListing listing = list_input_tree(card.path().string(), false);
  EXPECT_EQ(names(listing.files), std::vector<std::string>{"top.jpg"});
  EXPECT_TRUE(listing.skipped.empty());  // .DS_Store is a dotfile
  EXPECT_EQ(list_input_files(card.path().string()).size(), 1u);
  // 100CANON, its deeper/, 101APPLE, 102RAW and the linked folder.
  EXPECT_EQ(subfolders_with_photos(card.path().string()), 5);
}

TEST(InputFiles, ArchiveExtensionsAnyCase) {
  for (const char* name : {"a.TIF", "a.jfif", "a.JPE", "a.heic", "a.HIF", "a.DNG", "a.cr2", "a.NEF", "a.arw",
                           "a.orf", "a.RW2", "a.pef", "a.raf", "a.srw"}) {
    EXPECT_TRUE(has_photo_extension(name)) << name;
  }
  for (const char* name : {"a.cr3", "a.mov", "a.mp4", "a.xmp", "a.tif.txt", ".jpg"}) {
    EXPECT_FALSE(has_photo_extension(name)) << name;
  }
}

TEST(InputFiles, SkippedSummaryMostFirst) {
  EXPECT_EQ(skipped_summary({{".cr3", 1}, {".mov", 2}, {"", 1}}), ".mov: 2, no extension: 1, .cr3: 1");
  EXPECT_EQ(skipped_summary({}), "");
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

std::vector<std::uint8_t> read_all(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The probe reads headers only; it must agree with a full decode on every
// reference photo, or --list would report sizes nobody scores.
TEST(ProbeImage, AgreesWithDecodeOnEveryReferencePhoto) {
  int checked = 0;
  for (const auto& file : list_input_files(PHOTOSCORE_TEST_DATA "/photos")) {
    const std::vector<std::uint8_t> bytes = read_all(file.path);
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

TEST(RawSource, OnlyRawRowsCarryIt) {
  const std::vector<const AnalyzerSpec*> analyzers = {find_analyzer("sharpness")};
  ScoredRow row;
  row.filename = "IMG_0001.JPG";
  row.path = "card/IMG_0001.JPG";
  row.error = "invalid JPEG";
  EXPECT_EQ(row_to_json(row, analyzers).find("source"), std::string::npos);
  row.source = "embedded preview";
  const auto j = nlohmann::ordered_json::parse(row_to_json(row, analyzers));
  EXPECT_EQ(j.at("source"), "embedded preview");
  // Before path, status and error, which stay the last three keys.
  std::vector<std::string> keys;
  for (const auto& [k, v] : j.items()) keys.push_back(k);
  ASSERT_GE(keys.size(), 4u);
  EXPECT_EQ(std::vector<std::string>(keys.end() - 4, keys.end()),
            (std::vector<std::string>{"source", "path", "status", "error"}));
}

TEST(RawSource, TravelsBetweenRanks) {
  ImageOutcome outcome;
  outcome.ok = true;
  outcome.width = 450;
  outcome.height = 300;
  outcome.source = "demosaiced";
  EXPECT_EQ(decode_outcome(encode_outcome(outcome)).source, "demosaiced");
  outcome.source.clear();
  EXPECT_EQ(decode_outcome(encode_outcome(outcome)).source, "");
}

}  // namespace
}  // namespace photoscore
