// OrderedWriter, the home of the byte-identical guarantee: blocks handed
// over in any order, from several threads or as bytes, leave in file order,
// whole; nothing passes a gap; a failing sink or a stopped photo ends the rows.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <exception>
#include <future>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "output/row_block.hpp"
#include "output/row_format.hpp"
#include "output/row_sink.hpp"
#include "run/ordered_writer.hpp"
#include "support/row_blocks.hpp"

namespace photoscore {
namespace {

using test_support::block_of;
using test_support::seed_specs;

// Keeps what it is given, as the rows' archive lines.
class Lines final : public FormattingSink {
 public:
  Lines() : FormattingSink(RowFormat::Jsonl, default_context(seed_specs())) {}
  void append(std::string_view bytes, std::int64_t rows) override {
    text += bytes;
    appended += rows;
  }
  void flush() override { ++flushes; }
  std::string text;
  std::int64_t appended = 0;
  int flushes = 0;
};

// Blocks handed over in any order, as blocks or as bytes, leave in file
// order, whole, and the window holds back what would run too far ahead.
TEST(OrderedWriter, BlocksLeaveInFileOrderWhateverOrderTheyCome) {
  Lines sink;
  OrderedWriter writer(sink, 8);
  EXPECT_TRUE(writer.has_room(7));
  EXPECT_FALSE(writer.has_room(8));
  writer.finish(block_of(3, 2));
  std::string encoded;
  encode_block(block_of(5, 4), encoded);
  writer.finish_encoded("HEADER" + encoded, 6);
  EXPECT_EQ(sink.appended, 0);  // rows 0..2 not there yet
  EXPECT_EQ(writer.written(), 0u);
  writer.finish(block_of(0, 3, true));
  EXPECT_EQ(writer.written(), 9u);
  EXPECT_EQ(writer.errors(), 9);
  EXPECT_TRUE(writer.has_room(16));
  std::string expected;
  for (const RowBlock& b : {block_of(0, 3, true), block_of(3, 2), block_of(5, 4)}) expected += b.sections[0];
  EXPECT_EQ(sink.text, expected);
  EXPECT_GE(sink.flushes, 1);  // commit_seconds 0: flushed after writing
  EXPECT_THROW(writer.finish_encoded("not a block"), std::runtime_error);
}

// A sink that fails ends the writer: the failure reaches the caller and
// later blocks are dropped, not written past the failure.
TEST(OrderedWriter, ASinkThatFailsEndsIt) {
  class Failing final : public FormattingSink {
   public:
    Failing() : FormattingSink(RowFormat::Count, default_context(seed_specs())) {}
    void append(std::string_view, std::int64_t) override { throw std::runtime_error("disk full"); }
  } sink;
  OrderedWriter writer(sink, 8);
  writer.finish(block_of(0, 1));
  EXPECT_TRUE(writer.failed());
  EXPECT_THROW(writer.rethrow_failure(), std::runtime_error);
  EXPECT_FALSE(writer.wait_for_room(100));
  writer.finish(block_of(1, 1));
  EXPECT_EQ(writer.written(), 0u);
}

// The group commit: under MPI rows may wait commit_seconds for their flush.
TEST(OrderedWriter, RowsWaitAtMostTheCommitTimeForTheirFlush) {
  Lines sink;
  OrderedWriter writer(sink, 64, 0.05);
  writer.finish(block_of(0, 2));
  EXPECT_EQ(sink.flushes, 0);
  writer.tick();
  EXPECT_EQ(sink.flushes, 0);
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(60);
  while (std::chrono::steady_clock::now() < until) {
  }
  writer.tick();
  EXPECT_EQ(sink.flushes, 1);
  writer.tick();
  EXPECT_EQ(sink.flushes, 1);  // nothing new to flush
}

// A stopped block ends the rows: those before it are written, it and
// every block after it are not, and the threads waiting for room stop.
TEST(OrderedWriter, AStoppedBlockEndsTheRowsBeforeIt) {
  Lines sink;
  OrderedWriter writer(sink, 8);
  writer.finish(block_of(3, 2));
  RowBlockBuilder builder({RowFormat::Jsonl}, default_context(seed_specs()));
  builder.add_stopped(2);
  std::string stopped;
  encode_block(builder.take(), stopped);
  writer.finish_encoded(std::move(stopped));
  EXPECT_FALSE(writer.stopped_short());
  writer.finish(block_of(0, 2));
  EXPECT_TRUE(writer.stopped_short());
  EXPECT_EQ(writer.written(), 2u);
  EXPECT_EQ(sink.text, block_of(0, 2).sections[0]);
  EXPECT_FALSE(writer.wait_for_room(2));
  writer.finish(block_of(5, 1));  // after the cut: dropped
  EXPECT_EQ(writer.written(), 2u);
  EXPECT_FALSE(writer.failed());
}

// The rows after a gap wait, however many there are, until the gap is
// filled; then all of them leave at once, in file order.
TEST(OrderedWriter, NothingPassesAGapUntilItIsFilled) {
  Lines sink;
  OrderedWriter writer(sink, 64);
  writer.finish(block_of(4, 2));
  writer.finish(block_of(1, 3));
  writer.finish(block_of(7, 1));  // a second gap: row 6
  EXPECT_EQ(writer.written(), 0u);
  EXPECT_EQ(sink.text, "");
  EXPECT_EQ(sink.flushes, 0);
  writer.finish(block_of(0, 1));
  // Rows 0..5 written; row 7 still waits behind row 6.
  EXPECT_EQ(writer.written(), 6u);
  EXPECT_EQ(sink.appended, 6);
  std::string expected;
  for (const RowBlock& b : {block_of(0, 1), block_of(1, 3), block_of(4, 2)}) expected += b.sections[0];
  EXPECT_EQ(sink.text, expected);
  writer.finish(block_of(6, 1));
  EXPECT_EQ(writer.written(), 8u);
  expected += block_of(6, 1).sections[0] + block_of(7, 1).sections[0];
  EXPECT_EQ(sink.text, expected);
  EXPECT_EQ(writer.timing().images, 8);
}

// Blocks of one to three rows from eight threads, each thread's share
// handed over in a shuffled order: the bytes are those of one writer in
// file order.
TEST(OrderedWriter, ManyThreadsInAnyOrderGiveTheBytesOfFileOrder) {
  std::vector<std::pair<std::int64_t, std::int64_t>> blocks;  // first, count
  std::string expected;
  for (std::int64_t first = 0, n = 1; first < 600; first += n, n = n % 3 + 1) {
    blocks.push_back({first, n});
    expected += block_of(first, n, first % 5 == 0).sections[0];
  }
  std::mt19937 shuffle(19);
  std::shuffle(blocks.begin(), blocks.end(), shuffle);
  Lines sink;
  OrderedWriter writer(sink, 1000);
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (std::size_t i = t; i < blocks.size(); i += 8) {
        const auto [first, count] = blocks[i];
        ASSERT_TRUE(writer.wait_for_room(static_cast<std::size_t>(first)));
        writer.finish(block_of(first, count, first % 5 == 0));
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(sink.text, expected);
  EXPECT_EQ(writer.written(), 600u);
  EXPECT_EQ(sink.appended, 600);
  EXPECT_FALSE(writer.failed());
}

// A block given twice, or one for rows already written, is a caller's
// mistake: it throws and writes nothing.
TEST(OrderedWriter, ABlockTwiceOrForWrittenRowsIsRefused) {
  Lines sink;
  OrderedWriter writer(sink, 8);
  writer.finish(block_of(2, 1));
  EXPECT_THROW(writer.finish(block_of(2, 1)), std::logic_error);
  writer.finish(block_of(0, 2));
  EXPECT_EQ(writer.written(), 3u);
  const std::string written = sink.text;
  EXPECT_THROW(writer.finish(block_of(1, 1)), std::logic_error);
  EXPECT_EQ(sink.text, written);
  EXPECT_EQ(writer.written(), 3u);
  EXPECT_FALSE(writer.failed());
}

// wait_for_room blocks while the row is a window or more past the oldest
// unwritten one, and returns true once the rows before it are written.
TEST(OrderedWriter, WaitingForRoomEndsWhenTheRowsBeforeAreWritten) {
  Lines sink;
  OrderedWriter writer(sink, 2);
  EXPECT_TRUE(writer.has_room(1));
  EXPECT_FALSE(writer.has_room(2));
  auto waiting = std::async(std::launch::async, [&] { return writer.wait_for_room(3); });
  writer.finish(block_of(0, 1));  // room up to row 2: row 3 still waits
  EXPECT_EQ(waiting.wait_for(std::chrono::milliseconds(50)), std::future_status::timeout);
  writer.finish(block_of(1, 1));
  EXPECT_TRUE(waiting.get());
  EXPECT_TRUE(writer.has_room(3));
}

// A worker that fails ends the writer from outside: the threads waiting
// for room wake up and stop, the failure reaches the caller, and later
// blocks are not written.
TEST(OrderedWriter, AFailureFromOutsideWakesTheWaiters) {
  Lines sink;
  OrderedWriter writer(sink, 4);
  auto waiting = std::async(std::launch::async, [&] { return writer.wait_for_room(10); });
  EXPECT_EQ(waiting.wait_for(std::chrono::milliseconds(20)), std::future_status::timeout);
  writer.fail(std::make_exception_ptr(std::runtime_error("worker failed")));
  EXPECT_FALSE(waiting.get());
  EXPECT_TRUE(writer.failed());
  const auto failure = [&]() -> std::string {
    try {
      writer.rethrow_failure();
    } catch (const std::runtime_error& e) {
      return e.what();
    }
    return "no failure rethrown";
  };
  EXPECT_EQ(failure(), "worker failed");
  writer.fail(std::make_exception_ptr(std::runtime_error("a second one")));
  EXPECT_EQ(failure(), "worker failed");  // the first failure is the one reported
  writer.finish(block_of(0, 2));
  EXPECT_EQ(writer.written(), 0u);
  EXPECT_EQ(sink.text, "");
}

// Rows, error rows and the write time are counted as written; the buffers
// of encoded blocks come back once written, for the next receives.
TEST(OrderedWriter, CountsWhatItWroteAndGivesBackSpentBuffers) {
  Lines sink;
  OrderedWriter writer(sink, 16);
  std::string one;
  encode_block(block_of(0, 3, true), one);
  std::string two;
  encode_block(block_of(3, 2, true), two);
  writer.finish_encoded(std::move(two));
  EXPECT_TRUE(writer.take_spent().empty());  // not written yet
  writer.finish_encoded(std::move(one));
  writer.finish(block_of(5, 1));
  EXPECT_EQ(writer.written(), 6u);
  EXPECT_EQ(writer.errors(), 6);  // every row of block_of is an error row
  EXPECT_EQ(writer.timing().images, 6);
  EXPECT_GE(writer.timing().write, 0.0);
  EXPECT_EQ(writer.take_spent().size(), 2u);  // the two encoded blocks, not the owned one
  EXPECT_TRUE(writer.take_spent().empty());
}

}  // namespace
}  // namespace photoscore
