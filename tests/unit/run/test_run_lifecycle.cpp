// RunLifecycle, one run's life on the writing rank: the sinks opened once
// with what is known at start, the rows kept by --resume handed over in file
// order before any new row, and at the end the counts, times and rank
// timings put in the provenance before close(), then the timing table.
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "output/row_format.hpp"
#include "output/row_sink.hpp"
#include "record/run_info.hpp"
#include "record/scored_row.hpp"
#include "run/ordered_writer.hpp"
#include "run/run_lifecycle.hpp"
#include "run/stop_signal.hpp"
#include "support/row_blocks.hpp"

namespace photoscore {
namespace {

using test_support::block_of;
using test_support::seed_specs;

// Says what it was given and when, and what the provenance held at open
// and at close.
class Recorder final : public FormattingSink {
 public:
  explicit Recorder(std::FILE* table = nullptr)
      : FormattingSink(RowFormat::Jsonl, default_context(seed_specs())), table_(table) {}
  void open(const RunInfo& info) override {
    events.push_back("open");
    opened = info;
  }
  void resume(const ScoredRow& row) override { events.push_back("resume " + row.filename); }
  void append(std::string_view, std::int64_t rows) override {
    events.push_back("rows " + std::to_string(rows));
  }
  void close(const RunInfo& info) override {
    events.push_back("close");
    closed = info;
    table_bytes_at_close = table_ ? std::ftell(table_) : -1;
  }
  std::int64_t warnings() const override { return 2; }

  std::vector<std::string> events;
  RunInfo opened;
  RunInfo closed;
  long table_bytes_at_close = -1;

 private:
  std::FILE* table_;
};

ScoredRow kept(const std::string& name, bool ok) {
  ScoredRow row;
  row.filename = name;
  row.path = "in/" + name;
  row.ok = ok;
  if (!ok) row.error = "broken";
  return row;
}

TEST(RunLifecycle, OpensOnceThenHandsOverTheKeptRowsInFileOrder) {
  RunInfo info;
  info.total = 3;
  info.files = 5;
  info.images = 7;  // whatever was there: start counts afresh
  info.errors = 4;
  Recorder sink;
  RunLifecycle life(info, sink, nullptr, {"sharpness"});
  life.start({kept("a.jpg", true), kept("b.jpg", false)});
  EXPECT_EQ(sink.events, (std::vector<std::string>{"open", "resume a.jpg", "resume b.jpg"}));
  EXPECT_EQ(info.resumed, 2);
  // open() sees the provenance known at start.
  EXPECT_EQ(sink.opened.resumed, 2);
  EXPECT_EQ(sink.opened.images, 0);
  EXPECT_EQ(sink.opened.errors, 0);
  EXPECT_EQ(sink.opened.total, 3);
  EXPECT_EQ(sink.opened.start_time.size(), std::string("2026-01-01T00:00:00Z").size())
      << sink.opened.start_time;
  EXPECT_GE(life.elapsed(), 0.0);
}

// The counts are the kept rows' and the writer's together; close() gets
// them, the rank timings and the sinks' warnings, once, after the last
// row; the timing table comes after close().
TEST(RunLifecycle, FinishCountsKeptAndNewRowsBeforeClosing) {
  std::FILE* table = std::tmpfile();
  ASSERT_NE(table, nullptr);
  RunInfo info;
  info.files = 5;
  Recorder sink(table);
  RunLifecycle life(info, sink, table, {"sharpness", "exposure", "composition"});
  life.start({kept("a.jpg", true), kept("b.jpg", false)});
  OrderedWriter writer(sink, 8);
  writer.finish(block_of(0, 3));  // three error rows
  RankTiming rank;
  rank.rank = 0;
  rank.role = "threads";
  life.finish(writer, {rank});
  EXPECT_EQ(sink.events,
            (std::vector<std::string>{"open", "resume a.jpg", "resume b.jpg", "rows 3", "close"}));
  EXPECT_EQ(sink.closed.images, 5);
  EXPECT_EQ(sink.closed.errors, 4);  // b.jpg and the three new ones
  EXPECT_TRUE(sink.closed.complete());
  EXPECT_EQ(sink.closed.warnings, 2);
  ASSERT_EQ(sink.closed.rank_timings.size(), 1u);
  EXPECT_EQ(sink.closed.rank_timings[0].role, "threads");
  EXPECT_EQ(sink.closed.end_time.size(), sink.closed.start_time.size()) << sink.closed.end_time;
  EXPECT_GE(sink.closed.end_time, sink.closed.start_time);  // ISO 8601 sorts as time does
  EXPECT_GE(sink.closed.wall_seconds, 0.0);
  EXPECT_EQ(sink.closed.interrupted_by, "");
  // The caller's provenance is the one completed.
  EXPECT_EQ(info.images, 5);
  EXPECT_EQ(info.errors, 4);
  // Nothing of the table before close(), the table after it.
  EXPECT_EQ(sink.table_bytes_at_close, 0);
  std::rewind(table);
  std::string shown(4096, '\0');
  shown.resize(std::fread(shown.data(), 1, shown.size(), table));
  std::fclose(table);
  EXPECT_NE(shown.find("threads"), std::string::npos) << shown;
}

// A signal is what stopped the run only when rows were still to come; one
// that came after the last row was written stopped nothing. The stop flag
// stays set for the process, so each case runs in a child of its own.
TEST(RunLifecycle, ASignalIsRecordedOnlyWhenItStoppedTheRun) {
  // The child starts afresh (re-running this test alone), not as a fork of
  // a process with other tests' threads.
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  const auto finish_after_sigterm = [](std::int64_t files) {
    install_stop_handlers();
    std::raise(SIGTERM);
    RunInfo info;
    info.files = files;
    Recorder sink;
    RunLifecycle life(info, sink, nullptr, {});
    life.start();
    OrderedWriter writer(sink, 8);
    writer.finish(block_of(0, 2));
    life.finish(writer, {});
    std::fprintf(stderr, "interrupted_by=[%s]\n", sink.closed.interrupted_by.c_str());
    std::_Exit(stop_requested() ? 0 : 1);  // no atexit handlers in the child (LeakSanitizer)
  };
  EXPECT_EXIT(finish_after_sigterm(3), ::testing::ExitedWithCode(0), "interrupted_by=\\[SIGTERM\\]");
  EXPECT_EXIT(finish_after_sigterm(2), ::testing::ExitedWithCode(0), "interrupted_by=\\[\\]");
}

}  // namespace
}  // namespace photoscore
