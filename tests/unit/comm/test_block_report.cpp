// A group's block report, which travels before its block.
#include <gtest/gtest.h>

#include <string>

#include "comm/block_report.hpp"

namespace photoscore {
namespace {

TEST(BlockReport, TravelsBeforeItsBlock) {
  mpi::BlockReport report;
  report.group = 3;
  report.members.push_back({4, 17, 0.5, 0.25, 9.0});
  std::string message;
  mpi::write_block_message(report, "BLOCK", message);
  std::size_t at = 0;
  const mpi::BlockReport back = mpi::read_report(message, at);
  EXPECT_EQ(message.substr(at), "BLOCK");
  EXPECT_EQ(back.group, 3);
  ASSERT_EQ(back.members.size(), 1u);
  EXPECT_EQ(back.members[0].rank, 4);
  EXPECT_EQ(back.members[0].seq_end, 17);
  EXPECT_EQ(back.members[0].busy_seconds, 9.0);
  EXPECT_THROW(mpi::read_report(message.substr(0, 10), at), std::runtime_error);
}

}  // namespace
}  // namespace photoscore
