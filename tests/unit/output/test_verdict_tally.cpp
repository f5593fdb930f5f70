// The verdict tally of the dashboard and the summary JSON.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "output/verdict_tally.hpp"

namespace photoscore {
namespace {

// The dashboard's and the summary's tally: counts per verdict, errors
// apart, and the best few, best first, an equal score keeping the one that
// came first (file order, whatever the mode).
TEST(VerdictTally, CountsAndBestShotsInFileOrderAmongEquals) {
  VerdictTally tally(3);
  tally.add(Verdict::Maybe, 0.4, "a.jpg");
  tally.add(Verdict::PostIt, 0.8, "b.jpg");
  tally.add(Verdict::Error, 0.0, "broken.jpg");
  tally.add(Verdict::Maybe, 0.4, "c.jpg");
  tally.add(Verdict::PostIt, 0.9, "d.jpg");
  tally.add(Verdict::Delete, 0.1, "e.jpg");
  tally.add(Verdict::Maybe, 0.4, "f.jpg");
  EXPECT_EQ(tally.count(Verdict::PostIt), 2);
  EXPECT_EQ(tally.count(Verdict::Maybe), 3);
  EXPECT_EQ(tally.count(Verdict::Delete), 1);
  EXPECT_EQ(tally.count(Verdict::Error), 1);
  std::vector<std::string> best;
  for (const VerdictTally::Shot& shot : tally.best()) best.push_back(shot.filename);
  EXPECT_EQ(best, (std::vector<std::string>{"d.jpg", "b.jpg", "a.jpg"}));
  tally.clear();
  EXPECT_EQ(tally.count(Verdict::Maybe), 0);
  EXPECT_TRUE(tally.best().empty());
}

}  // namespace
}  // namespace photoscore
