// The progress line and when a batch log gets one.
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "output/progress.hpp"
#include "support/read_back.hpp"

namespace photoscore {
namespace {

using test_support::read_back;

TEST(Progress, LineSaysDoneTotalRateAndEta) {
  EXPECT_EQ(ProgressSink::line(120, 1000, 4.0),
            "120/1,000 photos (12.0 %), 30.0 images/s, ETA 29 s, elapsed 4 s");
  EXPECT_EQ(ProgressSink::line(100000, 100000, 7200.0),
            "100,000/100,000 photos (100.0 %), 13.9 images/s, elapsed 2 h 00 min");
  EXPECT_EQ(ProgressSink::line(5, 0, 0.0), "5 photos, 0.0 images/s, elapsed 0 s");
}

TEST(Progress, BatchLogGetsLinesOnlyWhenDue) {
  std::FILE* f = std::tmpfile();
  ProgressSink sink(f, false, 3600.0);
  RunInfo info;
  info.total = 3;
  sink.open(info);
  for (int i = 0; i < 3; ++i) sink.write(ScoredRow{}, ImageTiming{});
  sink.close(info);
  // A run shorter than the interval logs nothing, not even a last line.
  EXPECT_EQ(read_back(f), "");
  std::fclose(f);
}

}  // namespace
}  // namespace photoscore
