// The warning when --weights do not add up to one.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "analyzers/registry.hpp"
#include "app/weights_warning.hpp"
#include "support/read_back.hpp"

namespace photoscore {
namespace {

using test_support::read_back;

TEST(Weights, WarnOnlyWhenTheyDoNotAddUpToOne) {
  MergePolicy policy;
  for (const auto& a : all_analyzers()) {
    if (a.enabled_by_default) policy.analyzers.push_back(&a);
  }
  policy.weights = {0.4, 0.4, 0.2};
  std::FILE* f = std::tmpfile();
  warn_about_weights(policy, f);
  EXPECT_EQ(read_back(f), "");
  policy.weights = {0.5, 0.4, 0.2};
  warn_about_weights(policy, f);
  const std::string text = read_back(f);
  std::fclose(f);
  EXPECT_NE(text.find("add up to 1.1, not 1"), std::string::npos) << text;
  EXPECT_EQ(text.find('\n'), text.size() - 1);  // one line
}

}  // namespace
}  // namespace photoscore
