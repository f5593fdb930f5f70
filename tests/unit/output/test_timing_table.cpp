// The per-rank timing table's alignment.
#include <gtest/gtest.h>

#include <cstdio>
#include <sstream>
#include <string>

#include "output/timing_table.hpp"
#include "support/read_back.hpp"

namespace photoscore {
namespace {

using test_support::read_back;

TEST(TimingTable, HeadersOverTheirColumnsUncut) {
  RunInfo info;
  RankTiming t;
  t.rank = 3;
  t.role = "analyzer[sharpness,exposure,composition]";
  t.analyze = {1, 2, 3};
  info.rank_timings = {t};
  std::FILE* f = std::tmpfile();
  print_timing_table(f, info, {"sharpness", "exposure", "composition"});
  std::istringstream lines(read_back(f));
  std::fclose(f);
  std::string title, header, row;
  std::getline(lines, title);
  std::getline(lines, header);
  std::getline(lines, row);
  EXPECT_NE(header.find("composition"), std::string::npos);
  EXPECT_EQ(header.find("role"), row.find("analyzer["));
  // Right-aligned numbers end where their header ends.
  EXPECT_EQ(header.find("wall") + 4, row.find(".000") + 4);
  EXPECT_EQ(header.size(), row.size());
}

}  // namespace
}  // namespace photoscore
