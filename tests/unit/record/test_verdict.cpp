// The verdicts' words.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "record/verdict.hpp"

namespace photoscore {
namespace {

// The words every output writes, in the outputs' order, and back.
TEST(Verdicts, NamesInOrderAndBack) {
  std::vector<std::string> names;
  for (Verdict v : kVerdicts) {
    names.emplace_back(verdict_name(v));
    EXPECT_EQ(verdict_named(verdict_name(v)), v);
  }
  EXPECT_EQ(names, (std::vector<std::string>{"post_it", "maybe", "delete", "error"}));
  EXPECT_FALSE(verdict_named("Post_it").has_value());
  EXPECT_FALSE(verdict_named("").has_value());
}

}  // namespace
}  // namespace photoscore
