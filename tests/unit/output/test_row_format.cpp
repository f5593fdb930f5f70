// The format plan rank 0 sends the ranks that format rows.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "output/row_format.hpp"

namespace photoscore {
namespace {

TEST(FormatPlan, TravelsAsBytes) {
  FormatPlan plan;
  plan.formats = {RowFormat::H5, RowFormat::Jsonl, RowFormat::Grouping, RowFormat::Row};
  plan.widths = {17, 300, 5};
  plan.style.unicode = true;
  plan.per_photo = true;
  plan.row_offset = 12;
  const FormatPlan back = decode_format_plan(encode_format_plan(plan));
  EXPECT_EQ(back.formats, plan.formats);
  EXPECT_EQ(back.widths.path, 300u);
  EXPECT_TRUE(back.style.unicode);
  EXPECT_FALSE(back.style.color);
  EXPECT_TRUE(back.per_photo);
  EXPECT_EQ(back.row_offset, 12);
  EXPECT_FALSE(back.grouping);
  // The grouping schema travels too: every rank formats the JSONL and
  // /scores with the hash and capture time when the run groups.
  plan.grouping = true;
  EXPECT_TRUE(decode_format_plan(encode_format_plan(plan)).grouping);
  EXPECT_TRUE(context_of(decode_format_plan(encode_format_plan(plan)), {}).grouping);
  std::string bad = encode_format_plan(plan);
  bad[4] = 99;  // no such format
  EXPECT_THROW(decode_format_plan(bad), std::runtime_error);
}

}  // namespace
}  // namespace photoscore
