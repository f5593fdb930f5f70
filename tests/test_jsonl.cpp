// The archive row (row_to_json) and the input list (list_input_files,
// select_shard).
#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "analyzers/registry.hpp"
#include "output/row_from_json.hpp"
#include "output/row_json.hpp"
#include "output/utf8.hpp"
#include "run/input_files.hpp"
#include "sample_rows.hpp"
#include "temp_dir.hpp"

namespace photoscore {
namespace {

namespace fs = std::filesystem;

std::vector<const AnalyzerSpec*> specs(const std::vector<std::string>& names) {
  std::vector<const AnalyzerSpec*> out;
  for (const auto& n : names) out.push_back(find_analyzer(n));
  return out;
}

const std::vector<std::string> kSeedKeys = {"filename",        "quality_score",     "verdict",
                                            "laplacian_var",   "sharpness_score",   "sharpness_verdict",
                                            "mean_brightness", "exposure_score",    "exposure_verdict",
                                            "thirds_coverage", "composition_score", "composition_verdict"};

// An ok row whose every number is distinct, so a value under the wrong key shows.
ScoredRow ok_row(const std::vector<const AnalyzerSpec*>& analyzers) {
  return test_support::sample_row(analyzers, "a.jpg", 640, 0.374, 0.125, 1.0, "_label");
}

std::vector<std::string> keys_of(const nlohmann::ordered_json& j) {
  std::vector<std::string> keys;
  for (const auto& [k, v] : j.items()) keys.push_back(k);
  return keys;
}

TEST(RowJson, KeyOrderSeedTwelveFirst) {
  const auto analyzers = specs({"sharpness", "exposure", "composition"});
  const std::string line = row_to_json(ok_row(analyzers), analyzers);
  EXPECT_EQ(line.find('\n'), std::string::npos);
  const auto j = nlohmann::ordered_json::parse(line);
  std::vector<std::string> want = kSeedKeys;
  for (const char* k :
       {"width", "height", "clipped_shadows", "clipped_highlights", "center_bias", "path", "status", "error"})
    want.push_back(k);
  EXPECT_EQ(keys_of(j), want);
  EXPECT_EQ(j["filename"], "a.jpg");
  EXPECT_EQ(j["quality_score"], 0.374);
  EXPECT_EQ(j["verdict"], "maybe");
  EXPECT_EQ(j["laplacian_var"], 0.125);    // sharpness field 0
  EXPECT_EQ(j["sharpness_score"], 1.125);  // sharpness field 1
  EXPECT_EQ(j["sharpness_verdict"], "sharpness_verdict_label");
  EXPECT_EQ(j["mean_brightness"], 2.125);
  EXPECT_EQ(j["clipped_shadows"], 3.125);
  EXPECT_EQ(j["exposure_score"], 5.125);
  EXPECT_EQ(j["center_bias"], 7.125);
  EXPECT_EQ(j["width"], 640);
  EXPECT_EQ(j["height"], 427);
  EXPECT_EQ(j["path"], "photos/a.jpg");
  EXPECT_EQ(j["status"], "ok");
  EXPECT_TRUE(j["error"].is_null());
}

TEST(RowJson, ColorFieldsFollowTheOthers) {
  const auto analyzers = specs({"sharpness", "exposure", "composition", "color"});
  const auto j = nlohmann::ordered_json::parse(row_to_json(ok_row(analyzers), analyzers));
  std::vector<std::string> want = kSeedKeys;
  for (const char* k : {"width", "height", "clipped_shadows", "clipped_highlights", "center_bias",
                        "colorfulness", "color_score", "color_verdict", "path", "status", "error"})
    want.push_back(k);
  EXPECT_EQ(keys_of(j), want);
}

TEST(RowJson, NumbersPrintShortest) {
  // 0.36 must print as 0.36, a rounded score as the rounded decimal.
  const auto analyzers = specs({"sharpness"});
  ScoredRow row = ok_row(analyzers);
  row.results[0].values[0] = 1089.58;
  const std::string line = row_to_json(row, analyzers);
  EXPECT_NE(line.find("\"laplacian_var\":1089.58"), std::string::npos) << line;
}

TEST(RowJson, ErrorRowHasNulls) {
  const auto analyzers = specs({"sharpness", "exposure", "composition", "color"});
  ScoredRow row;
  row.filename = "empty.jpg";
  row.path = "bad/empty.jpg";
  row.ok = false;
  row.error = "empty file";
  const std::string line = row_to_json(row, analyzers);
  const auto j = nlohmann::ordered_json::parse(line);
  const auto keys = keys_of(j);
  ASSERT_GE(keys.size(), 12u);
  EXPECT_EQ(std::vector<std::string>(keys.begin(), keys.begin() + 12), kSeedKeys);
  EXPECT_EQ(j["filename"], "empty.jpg");
  EXPECT_EQ(j["status"], "error");
  EXPECT_EQ(j["error"], "empty file");
  for (const auto& [k, v] : j.items()) {
    if (k == "filename" || k == "path" || k == "status" || k == "error") continue;
    EXPECT_TRUE(v.is_null()) << k;
  }
}

TEST(RowJson, AnyFileNameGivesOneValidLine) {
  const auto analyzers = specs({"sharpness", "exposure", "composition"});
  const std::vector<std::string> names = {"quote\"d.jpg",
                                          "back\\slash.jpg",
                                          "new\nline.jpg",
                                          "tab\there\r.jpg",
                                          "caf\xc3\xa9_\xe6\x97\xa5.jpg",
                                          "bad\xff\xfe.jpg",
                                          "trunc\xc3.jpg",
                                          "ctl\x01\x1f.jpg",
                                          "emoji\xf0\x9f\x93\xb7.png"};
  for (const auto& name : names) {
    for (const bool ok : {true, false}) {
      ScoredRow row = ok ? ok_row(analyzers) : ScoredRow{};
      row.filename = name;
      row.path = "dir/" + name;
      if (!ok) row.error = "cannot decode";
      const std::string line = row_to_json(row, analyzers);
      EXPECT_EQ(line.find('\n'), std::string::npos) << line;
      EXPECT_EQ(line.find('\r'), std::string::npos) << line;
      nlohmann::json j;
      ASSERT_NO_THROW(j = nlohmann::json::parse(line)) << line;
      const std::string back = j["filename"].get<std::string>();
      const bool valid_utf8 = name.find('\xff') == std::string::npos && name != "trunc\xc3.jpg";
      if (valid_utf8) {
        EXPECT_EQ(back, name);
        EXPECT_EQ(j["path"].get<std::string>(), "dir/" + name);
      } else {
        EXPECT_NE(back.find("\\x"), std::string::npos) << "invalid bytes become \\xNN";
        EXPECT_EQ(back.substr(back.size() - 4), ".jpg");
      }
    }
  }
}

// Invalid bytes are kept reversibly: names that differ only in them stay
// distinct, valid UTF-8 keeps its bytes, and the row reads back as written.
TEST(RowJson, InvalidBytesAreEscapedReversibly) {
  EXPECT_EQ(as_utf8("bad\xff\xfe.jpg"), "bad\\xff\\xfe.jpg");
  EXPECT_EQ(as_utf8("trunc\xc3.jpg"), "trunc\\xc3.jpg");
  EXPECT_EQ(as_utf8("a\\b\xff"), "a\\x5cb\\xff") << "a backslash in an escaped name is escaped too";
  EXPECT_EQ(as_utf8("caf\xc3\xa9\\x.jpg"), "caf\xc3\xa9\\x.jpg") << "valid UTF-8 keeps its bytes";
  EXPECT_NE(as_utf8("x\xfe.jpg"), as_utf8("x\xff.jpg"));
  EXPECT_NE(as_utf8("x\xfe.jpg"), as_utf8("x\xef\xbf\xbd.jpg")) << "not U+FFFD";
  const auto analyzers = specs({"sharpness", "exposure", "composition"});
  const RowSchema schema(analyzers);
  for (const bool ok : {true, false}) {
    ScoredRow row = ok ? ok_row(analyzers) : ScoredRow{};
    row.filename = "x\xfe.jpg";
    row.path = "dir/x\xfe.jpg";
    if (!ok) row.error = "cannot decode";
    const std::string line = row_to_json(row, schema);
    EXPECT_EQ(row_to_json(row_from_json(line, schema), schema), line);
  }
  EXPECT_THROW(row_from_json("{\"filename\":", schema), std::invalid_argument);
  EXPECT_THROW(row_from_json("[1]", schema), std::invalid_argument);
}

TEST(RowJson, TerminalTextHasNoControlCharacters) {
  const std::string shown = for_terminal("a\nb\x1b[31mc\x7f\xc2\x9b\xff.jpg");
  for (const char c : shown) EXPECT_FALSE(static_cast<unsigned char>(c) < 0x20 || c == 0x7f) << shown;
  EXPECT_EQ(shown, "a\\x0ab\\x1b[31mc\\x7f\\xc2\\x9b\\xff.jpg");
  EXPECT_EQ(for_terminal("caf\xc3\xa9 ok.jpg"), "caf\xc3\xa9 ok.jpg");
}

// ------------------------------------------------------- list_input_files ---

using photoscore::test_support::TempDir;

std::vector<std::string> names_of(const std::vector<InputFile>& files) {
  std::vector<std::string> out;
  for (const auto& f : files) out.push_back(f.filename);
  return out;
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
  // .tif joined the seed's extensions with issue 12.
  EXPECT_EQ(names_of(files), (std::vector<std::string>{"B.webp", "_first.jpg", "a.JPG", "b.png", "c.Jpeg",
                                                       "d.TIFF", "e.bmp", "f.jpeg", "g.PnG", "x.tif"}));
  for (const auto& f : files) EXPECT_EQ(fs::path(f.path), dir.path() / f.filename);
}

TEST(InputFiles, ExtensionRule) {
  EXPECT_TRUE(has_photo_extension("x.jpg"));
  EXPECT_TRUE(has_photo_extension("x.WEBP"));
  EXPECT_TRUE(has_photo_extension("archive.tar.png"));
  EXPECT_TRUE(has_photo_extension("x.tif"));  // issue 12
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
