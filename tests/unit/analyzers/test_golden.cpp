// Every reference photo through the library's per-image path (read_file,
// process_image, make_row, merge_scores) against the oracle's rows in
// tests/data/golden.jsonl and golden_color.jsonl, within the tolerances of
// docs/algorithms.md; and every file of tests/data/bad gives an error, not a crash.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "analyzers/profile.hpp"
#include "analyzers/registry.hpp"
#include "app/options.hpp"
#include "merge/merge_scores.hpp"
#include "run/input_files.hpp"
#include "run/process_image.hpp"
#include "run/read_file.hpp"

namespace photoscore {
namespace {

const std::string kData = PHOTOSCORE_TEST_DATA;

std::vector<nlohmann::json> read_jsonl(const std::string& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << "cannot open " << path;
  std::vector<nlohmann::json> rows;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) rows.push_back(nlohmann::json::parse(line));
  }
  return rows;
}

ScoredRow score_file(const InputFile& file, const MergePolicy& policy) {
  ImageScorer scorer(policy.analyzers, 1);
  std::vector<std::uint8_t> bytes;
  std::string error;
  ImageOutcome outcome;
  if (read_file(file.path, bytes, error)) {
    outcome = process_image(bytes, scorer, DecodeLimits{});
  } else {
    outcome.error = error;
  }
  ScoredRow row = make_row(file, std::move(outcome));
  merge_scores(policy, row);
  return row;
}

void check_against(const std::string& golden_path, const std::vector<std::string>& analyzers) {
  Options options;
  options.analyzers = analyzers;
  const MergePolicy policy = make_policy(options);
  const auto golden = read_jsonl(golden_path);
  ASSERT_EQ(golden.size(), 28u) << golden_path;
  const auto files = list_input_files(kData + "/photos");
  ASSERT_EQ(files.size(), golden.size()) << "every photo has one golden row, notes.txt none";

  for (std::size_t i = 0; i < files.size(); ++i) {
    const nlohmann::json& g = golden[i];
    SCOPED_TRACE(files[i].filename);
    // The oracle sorts by name too: the same file at the same position.
    ASSERT_EQ(files[i].filename, g.at("filename").get<std::string>());
    const ScoredRow row = score_file(files[i], policy);
    ASSERT_TRUE(row.ok) << row.error;
    EXPECT_EQ(row.width, g.at("width").get<int>());
    EXPECT_EQ(row.height, g.at("height").get<int>());
    EXPECT_NEAR(row.quality_score, g.at("quality_score").get<double>(), 1.5e-3);
    EXPECT_EQ(verdict_name(row.verdict), g.at("verdict").get<std::string>());

    // Every figure of every analyzer that the golden row holds.
    std::set<std::string> checked;
    ASSERT_EQ(row.results.size(), policy.analyzers.size());
    for (std::size_t a = 0; a < policy.analyzers.size(); ++a) {
      const auto& fields = policy.analyzers[a]->fields;
      ASSERT_EQ(row.results[a].values.size(), fields.size());
      for (std::size_t f = 0; f < fields.size(); ++f) {
        const std::string& key = fields[f].name;
        ASSERT_TRUE(g.contains(key)) << key;
        checked.insert(key);
        const FieldValue& v = row.results[a].values[f];
        if (g.at(key).is_string()) {
          ASSERT_TRUE(std::holds_alternative<std::string>(v)) << key;
          EXPECT_EQ(std::get<std::string>(v), g.at(key).get<std::string>()) << key;
        } else {
          ASSERT_TRUE(std::holds_alternative<double>(v)) << key;
          const double want = g.at(key).get<double>();
          const bool relative = key == "laplacian_var" || key == "colorfulness";
          const double tol = relative ? std::max(1e-3, 5e-4 * std::abs(want)) : 1e-3;
          EXPECT_NEAR(std::get<double>(v), want, tol) << key;
        }
      }
    }
    // Nothing in the golden row goes unchecked.
    for (const auto& [key, value] : g.items()) {
      if (key == "filename" || key == "quality_score" || key == "verdict" || key == "width" || key == "height") continue;
      EXPECT_TRUE(checked.count(key)) << "golden key " << key << " not produced";
    }
  }
}

TEST(Golden, ReferencePhotosAgreeWithOracle) {
  check_against(kData + "/golden.jsonl", {});
}

TEST(Golden, ReferencePhotosAgreeWithOracleWithColor) {
  check_against(kData + "/golden_color.jsonl", {"sharpness", "exposure", "composition", "color"});
}

TEST(Golden, EveryVerdictIsCovered) {
  // The goldens are only a good test if they exercise every verdict.
  std::map<std::string, std::set<std::string>> seen;
  for (const auto& g : read_jsonl(kData + "/golden_color.jsonl")) {
    for (const char* key : {"verdict", "sharpness_verdict", "exposure_verdict", "composition_verdict", "color_verdict"})
      seen[key].insert(g.at(key).get<std::string>());
  }
  EXPECT_EQ(seen["verdict"], (std::set<std::string>{"post_it", "maybe", "delete"}));
  EXPECT_EQ(seen["sharpness_verdict"], (std::set<std::string>{"sharp", "soft", "blurry"}));
  // (No reference photo is "bright"; test_analyzers covers it.)
  EXPECT_EQ(seen["exposure_verdict"], (std::set<std::string>{"good", "dark", "clipped"}));
  EXPECT_EQ(seen["composition_verdict"], (std::set<std::string>{"good", "centered", "sparse"}));
  EXPECT_EQ(seen["color_verdict"], (std::set<std::string>{"grayscale", "muted", "colorful", "vivid"}));
}

// Every label field declares its words (they size its HDF5 column and
// document the outputs), and every word an analyzer gives on the reference
// photos, under every profile, is one of them.
TEST(Golden, EveryLabelIsAWordItsFieldDeclares) {
  for (const Profile& profile : all_profiles()) {
    std::vector<const AnalyzerSpec*> analyzers;
    for (const AnalyzerSpec& a : profile.analyzers) analyzers.push_back(&a);
    ImageScorer scorer(analyzers, 1);
    DecodeLimits limits;
    limits.working_resolution = profile.working_resolution;
    int labels = 0;
    for (const auto& entry : std::filesystem::directory_iterator(kData + "/photos")) {
      std::vector<std::uint8_t> bytes;
      std::string error;
      if (!read_file(entry.path().string(), bytes, error)) continue;
      const ImageOutcome outcome = process_image(bytes, scorer, limits);
      if (!outcome.ok) continue;
      for (std::size_t a = 0; a < analyzers.size(); ++a) {
        for (std::size_t f = 0; f < analyzers[a]->fields.size(); ++f) {
          const FieldSpec& field = analyzers[a]->fields[f];
          if (field.kind != FieldSpec::Kind::Label) continue;
          ASSERT_FALSE(field.labels.empty()) << profile.name << " " << field.name << " declares no words";
          const auto& word = std::get<std::string>(outcome.results[a].values[f]);
          EXPECT_NE(std::find(field.labels.begin(), field.labels.end(), word), field.labels.end())
              << profile.name << " " << field.name << " gave \"" << word << "\" on " << entry.path().filename();
          ++labels;
        }
      }
    }
    EXPECT_GT(labels, 20) << profile.name;
  }
}

TEST(Golden, BadFilesGiveOneLineErrors) {
  const MergePolicy policy = make_policy(Options{});
  const auto files = list_input_files(kData + "/bad");
  ASSERT_EQ(files.size(), 6u);
  for (const auto& file : files) {
    SCOPED_TRACE(file.filename);
    const ScoredRow row = score_file(file, policy);
    EXPECT_FALSE(row.ok);
    EXPECT_FALSE(row.error.empty());
    EXPECT_EQ(row.error.find('\n'), std::string::npos) << row.error;
    EXPECT_EQ(row.error.find('\r'), std::string::npos) << row.error;
    EXPECT_TRUE(row.results.empty());
  }
}

TEST(Golden, HugeHeaderIsRefusedByTheLimit) {
  // 60000 x 60000 claims 3.6 gigapixels: refused before any allocation.
  std::vector<std::uint8_t> bytes;
  std::string error;
  ASSERT_TRUE(read_file(kData + "/bad/huge_header.jpg", bytes, error)) << error;
  try {
    decode_image(bytes, DecodeLimits{});
    ADD_FAILURE() << "decoded";
  } catch (const DecodeError& e) {
    EXPECT_STREQ(e.what(), "image is 60000 x 60000 pixels, over the limit of 500000000");
  }
}

TEST(Golden, MissingFileIsAnErrorRow) {
  const MergePolicy policy = make_policy(Options{});
  const ScoredRow row = score_file({"gone.jpg", kData + "/photos/gone.jpg"}, policy);
  EXPECT_FALSE(row.ok);
  EXPECT_EQ(row.error, "cannot open file: No such file or directory");
}

}  // namespace
}  // namespace photoscore
