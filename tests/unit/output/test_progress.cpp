// The progress line and when a batch log gets one.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

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

  // Due: a row that comes an interval after the last line gets a line of its
  // own, and the log ends with a line at the last row (done = total), once.
  f = std::tmpfile();
  ProgressSink due(f, false, 0.2);
  due.open(info);
  due.write(ScoredRow{}, ImageTiming{});
  std::this_thread::sleep_for(std::chrono::milliseconds(250));
  due.write(ScoredRow{}, ImageTiming{});  // an interval after the open: due
  due.write(ScoredRow{}, ImageTiming{});
  due.close(info);
  std::vector<std::string> lines;
  std::istringstream log(read_back(f));
  std::fclose(f);
  for (std::string line; std::getline(log, line);) lines.push_back(line);
  // The first row's line only when the machine stalled 0.2 s right after open.
  if (lines.size() == 3)
    EXPECT_EQ(lines[0].rfind("photoscore: progress 1/3 photos (33.3 %), ", 0), 0u) << lines[0];
  ASSERT_GE(lines.size(), 2u);
  ASSERT_LE(lines.size(), 3u);
  EXPECT_EQ(lines[lines.size() - 2].rfind("photoscore: progress 2/3 photos (66.7 %), ", 0), 0u)
      << lines[lines.size() - 2];
  EXPECT_EQ(lines.back().rfind("photoscore: progress 3/3 photos (100.0 %), ", 0), 0u) << lines.back();
}

}  // namespace
}  // namespace photoscore
