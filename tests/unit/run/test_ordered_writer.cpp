// OrderedWriter, the home of the byte-identical guarantee: blocks handed
// over in any order, from several threads or as bytes, leave in file order,
// whole; a failing sink or a stopped photo ends the rows.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>

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

}  // namespace
}  // namespace photoscore
