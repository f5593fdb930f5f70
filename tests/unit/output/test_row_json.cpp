// The archive row (row_to_json, row_from_json) and names shown on a terminal.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "analyzers/registry.hpp"
#include "output/row_from_json.hpp"
#include "output/row_json.hpp"
#include "output/utf8.hpp"
#include "support/sample_rows.hpp"

namespace photoscore {
namespace {

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

}  // namespace
}  // namespace photoscore
