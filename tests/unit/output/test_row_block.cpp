// A block of rows as it travels between ranks, and what its builder refuses.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "output/row_block.hpp"
#include "support/row_blocks.hpp"

namespace photoscore {
namespace {

using test_support::block_of;
using test_support::seed_specs;

TEST(RowBlock, TravelsAsBytesAndRefusesWhatIsNotOne) {
  const RowBlock block = block_of(7, 3, true);
  std::string bytes;
  encode_block(block, bytes);
  const RowBlockView view = view_block(bytes);
  EXPECT_EQ(view.first, 7);
  EXPECT_EQ(view.count, 3);
  EXPECT_EQ(view.errors, 3);
  ASSERT_EQ(view.sections.size(), 1u);
  EXPECT_EQ(view.sections[0], block.sections[0]);
  EXPECT_THROW(view_block(bytes.substr(0, bytes.size() - 1)), std::runtime_error);
  EXPECT_THROW(view_block(bytes + "x"), std::runtime_error);
  EXPECT_FALSE(view.stopped);
  RowBlockBuilder builder({RowFormat::Jsonl}, default_context(seed_specs()));
  builder.add(ScoredRow{}, ImageTiming{}, 4);
  EXPECT_THROW(builder.add(ScoredRow{}, ImageTiming{}, 6), std::logic_error);  // not the next row
  EXPECT_THROW(builder.add_stopped(5), std::logic_error);  // a stopped photo starts its block
  builder.take();
  builder.add_stopped(9);
  EXPECT_THROW(builder.add(ScoredRow{}, ImageTiming{}, 10), std::logic_error);  // nothing after it
  encode_block(builder.take(), bytes);
  const RowBlockView stopped = view_block(bytes);
  EXPECT_TRUE(stopped.stopped);
  EXPECT_EQ(stopped.first, 9);
  EXPECT_EQ(stopped.count, 1);
}

}  // namespace
}  // namespace photoscore
