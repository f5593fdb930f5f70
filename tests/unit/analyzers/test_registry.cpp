// The analyzers the registry knows, in archive order.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "analyzers/registry.hpp"

namespace photoscore {
namespace {

TEST(Registry, KnowsTheFourAnalyzersInArchiveOrder) {
  const auto all = all_analyzers();
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[0].name, "sharpness");
  EXPECT_EQ(all[1].name, "exposure");
  EXPECT_EQ(all[2].name, "composition");
  EXPECT_EQ(all[3].name, "color");
  EXPECT_EQ(find_analyzer("nope"), nullptr);
  EXPECT_EQ(default_analyzer_names(), (std::vector<std::string>{"sharpness", "exposure", "composition"}));
  for (const auto& a : all) {
    ASSERT_LT(a.score_field, a.fields.size());
    ASSERT_LT(a.verdict_field, a.fields.size());
    EXPECT_EQ(a.fields[a.verdict_field].kind, FieldSpec::Kind::Label);
  }
}

}  // namespace
}  // namespace photoscore
