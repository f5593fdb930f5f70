// The input list: the folder's photos in byte order (list_input_files), the
// recursive listing of a camera card (list_input_tree), the skipped-file
// counts and the shards (select_shard).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "run/input_files.hpp"
#include "support/temp_dir.hpp"

namespace photoscore {
namespace {

namespace fs = std::filesystem;
using test_support::TempDir;

void put(const fs::path& path) {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << "x";
}

std::vector<std::string> names_of(const std::vector<InputFile>& files) {
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
  EXPECT_EQ(names_of(listing.files), expected);
  for (const auto& f : listing.files) EXPECT_EQ(f.path, (card.path() / f.filename).string());
  const std::map<std::string, int> skipped = {{".mov", 2}, {".cr3", 1}, {"", 1}};
  EXPECT_EQ(listing.skipped, skipped);
  EXPECT_TRUE(listing.unreadable_folders.empty());
}

TEST_F(CardTree, NotRecursiveKeepsTopLevelNames) {
  const InputListing listing = list_input_tree(card.path().string(), false);
  EXPECT_EQ(names_of(listing.files), std::vector<std::string>{"top.jpg"});
  EXPECT_TRUE(listing.skipped.empty());  // .DS_Store is a dotfile
  EXPECT_EQ(list_input_files(card.path().string()).size(), 1u);
  // 100CANON, its deeper/, 101APPLE, 102RAW and the linked folder.
  EXPECT_EQ(subfolders_with_photos(card.path().string()), 5);
}

// --xmp's sidecars (photo.ext.xmp or photo.xmp, any case of .xmp) beside
// their photos are no skipped files; an .xmp with no photo of its name in its
// own folder still is.
TEST(InputFiles, SidecarsBesideTheirPhotosAreNotSkipped) {
  TempDir card;
  const fs::path& r = card.path();
  put(r / "a.jpg");
  put(r / "a.jpg.xmp");
  put(r / "b.JPG");
  put(r / "b.XMP");
  put(r / "sub/c.tif");
  put(r / "sub/c.tif.xmp");
  put(r / "sub/a.jpg.xmp");  // a.jpg is in the folder above
  put(r / "orphan.xmp");
  put(r / "a.jpg.xmp.xmp");
  const InputListing listing = list_input_tree(r.string(), true);
  EXPECT_EQ(names_of(listing.files), (std::vector<std::string>{"a.jpg", "b.JPG", "sub/c.tif"}));
  const std::map<std::string, int> skipped = {{".xmp", 3}};
  EXPECT_EQ(listing.skipped, skipped);
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

TEST(InputFiles, SortedAnyCaseSkippingOthers) {
  TempDir dir;
  for (const char* name : {"b.png", "a.JPG", "c.Jpeg", "B.webp", "d.TIFF", "e.bmp", "f.jpeg", "g.PnG",
                           "notes.txt", "noext", "x.tif", "y.jpg.txt", "z.gif", ".png", "_first.jpg"})
    dir.touch(name);
  fs::create_directory(dir.path() / "sub.jpg");  // a folder named like a photo
  fs::create_directory(dir.path() / "sub");
  dir.touch("sub/inner.jpg");  // not recursive
  const auto files = list_input_files(dir.path().string());
  // Byte order, as Python's sorted(): upper case before lower case.
  // .tif is one of the extensions beyond the seed's.
  EXPECT_EQ(names_of(files), (std::vector<std::string>{"B.webp", "_first.jpg", "a.JPG", "b.png", "c.Jpeg",
                                                       "d.TIFF", "e.bmp", "f.jpeg", "g.PnG", "x.tif"}));
  for (const auto& f : files) EXPECT_EQ(fs::path(f.path), dir.path() / f.filename);
}

TEST(InputFiles, ExtensionRule) {
  EXPECT_TRUE(has_photo_extension("x.jpg"));
  EXPECT_TRUE(has_photo_extension("x.WEBP"));
  EXPECT_TRUE(has_photo_extension("archive.tar.png"));
  EXPECT_TRUE(has_photo_extension("x.tif"));
  EXPECT_FALSE(has_photo_extension("x.gif"));
  EXPECT_FALSE(has_photo_extension("x.jpg.bak"));
  EXPECT_FALSE(has_photo_extension("jpg"));
  EXPECT_FALSE(has_photo_extension(".jpg"));  // Python: Path('.jpg').suffix == ''
  EXPECT_FALSE(has_photo_extension("notes.txt"));
}

TEST(InputFiles, ReferencePhotosFolder) {
  const auto files = list_input_files(std::string(PHOTOSCORE_TEST_DATA) + "/photos");
  EXPECT_EQ(files.size(), 28u);
  const auto names = names_of(files);
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
  EXPECT_EQ(names.front(), "ROCKET_UPPER.JPG");
  EXPECT_EQ(std::count(names.begin(), names.end(), "notes.txt"), 0);
}

TEST(InputFiles, EmptyFolderIsAnEmptyList) {
  TempDir dir;
  EXPECT_TRUE(list_input_files(dir.path().string()).empty());
}

TEST(InputFiles, MissingFolderOrFileIsAnInputError) {
  TempDir dir;
  EXPECT_THROW(list_input_files((dir.path() / "nope").string()), InputError);
  dir.touch("file.jpg");
  EXPECT_THROW(list_input_files((dir.path() / "file.jpg").string()), InputError);
  try {
    list_input_files((dir.path() / "nope").string());
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("nope"), std::string::npos);
  }
}

// ------------------------------------------------------------ select_shard ---

std::vector<InputFile> n_files(int n) {
  std::vector<InputFile> files;
  for (int i = 0; i < n; ++i) {
    const std::string name = "f" + std::to_string(1000 + i) + ".jpg";
    files.push_back({name, "d/" + name});
  }
  return files;
}

TEST(Shard, UnionIsAllAndShardsAreDisjoint) {
  for (const int n : {0, 1, 7, 10, 28}) {
    const auto files = n_files(n);
    for (const int count : {1, 2, 3, 4, 8, 40}) {
      std::multiset<std::string> seen;
      std::size_t total = 0;
      for (int index = 0; index < count; ++index) {
        const auto shard = select_shard(files, index, count);
        total += shard.size();
        // Balanced: sizes differ by at most one.
        EXPECT_LE(shard.size(), static_cast<std::size_t>((n + count - 1) / count));
        EXPECT_GE(shard.size(), static_cast<std::size_t>(n / count));
        // Sorted order is kept within a shard.
        for (std::size_t i = 1; i < shard.size(); ++i) EXPECT_LT(shard[i - 1].filename, shard[i].filename);
        for (const auto& f : shard) seen.insert(f.filename);
      }
      EXPECT_EQ(total, files.size()) << n << " files, " << count << " shards";
      for (const auto& f : files) EXPECT_EQ(seen.count(f.filename), 1u) << f.filename;
    }
  }
}

TEST(Shard, OneShardIsEverything) {
  const auto files = n_files(9);
  EXPECT_EQ(names_of(select_shard(files, 0, 1)), names_of(files));
}

}  // namespace
}  // namespace photoscore
