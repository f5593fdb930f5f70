// The /scores column docs: every column of every profile described, and units.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "analyzers/profile.hpp"
#include "analyzers/registry.hpp"
#include "output/column_docs.hpp"
#include "output/row_schema.hpp"

namespace photoscore {
namespace {

// Every column of every profile (the calibrated one's own fields included)
// says what it holds: its own description, never the generic one, and no
// two columns share one (a copied line would say the wrong thing of one).
TEST(ColumnDocs, EveryColumnOfEveryProfileDescribed) {
  const std::string generic = column_doc("no such column").description;
  std::vector<std::string> profiles;
  for (const Profile& profile : all_profiles()) {
    profiles.push_back(profile.name);
    std::vector<const AnalyzerSpec*> analyzers;
    for (const auto& a : profile.analyzers) analyzers.push_back(&a);
    const RowSchema schema(analyzers);
    std::set<std::string> seen;
    for (const Column& c : schema.columns()) {
      EXPECT_FALSE(c.description.empty()) << profile.name << ": " << c.name;
      EXPECT_NE(c.description, generic) << profile.name << ": " << c.name;
      EXPECT_TRUE(seen.insert(c.description).second)
          << profile.name << ": " << c.name << " shares its description";
    }
    EXPECT_EQ(schema.columns().size(), seen.size());
  }
  // Every profile was looked at, the calibrated one too.
  EXPECT_EQ(profiles, (std::vector<std::string>{"seed", "calibrated"}));
  // The calibrated profile's own fields, which the fixed list never knew.
  const Profile* calibrated = find_profile("calibrated");
  ASSERT_NE(calibrated, nullptr);
  std::vector<const AnalyzerSpec*> analyzers;
  for (const auto& a : calibrated->analyzers) analyzers.push_back(&a);
  const RowSchema calibrated_schema(analyzers);
  std::set<std::string> names;
  for (const Column& c : calibrated_schema.columns()) names.insert(c.name);
  for (const char* own : {"white_point", "noise_sigma", "jpeg_blocking"})
    EXPECT_EQ(names.count(own), 1u) << own;
}

TEST(ColumnDocs, UnitsOfFixedColumnsAndFields) {
  EXPECT_EQ(column_doc("width").unit, "pixel");
  EXPECT_EQ(column_doc("quality_score").unit, "1");
  std::vector<const AnalyzerSpec*> analyzers;
  for (const auto& a : all_analyzers()) analyzers.push_back(&a);
  const RowSchema schema(analyzers);
  std::map<std::string, std::string> unit_of;
  for (const Column& c : schema.columns()) unit_of[c.name] = c.unit;
  EXPECT_EQ(unit_of.at("laplacian_var"), "gray level^2");
  EXPECT_EQ(unit_of.at("sharpness_verdict"), "");
  EXPECT_EQ(unit_of.at("colorfulness"), "1");
  EXPECT_EQ(unit_of.at("height"), "pixel");
}

}  // namespace
}  // namespace photoscore
