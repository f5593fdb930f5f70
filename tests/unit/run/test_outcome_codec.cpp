// A photo's outcome as it travels between ranks.
#include <gtest/gtest.h>

#include "run/outcome_codec.hpp"

namespace photoscore {
namespace {

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
