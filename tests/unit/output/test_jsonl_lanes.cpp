// The JSONL's lines written by the ranks that formatted them (under MPI,
// output/jsonl_pieces.hpp): the writing rank gives each block its place in
// file order, the blocks land in any order, and a seal follows only once
// every block before it is down. What a kill leaves in between - a gap of
// zero bytes, records after it - is never kept by --resume.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "output/jsonl_lane_writer.hpp"
#include "output/jsonl_pieces.hpp"
#include "output/jsonl_sink.hpp"
#include "output/resume_ledger.hpp"
#include "output/row_block.hpp"
#include "output/row_json.hpp"
#include "support/ledger_run.hpp"

namespace photoscore {
namespace {

using test_support::put;
using test_support::slurp;

class JsonlLanes : public test_support::LedgerRun {
 protected:
  // Rows [first, end) as a block's JSONL section, sealed where they were formatted.
  std::string section(std::size_t first, std::size_t end) const {
    RowBlockBuilder builder({RowFormat::Jsonl}, default_context(policy.analyzers));
    for (std::size_t i = first; i < end; ++i)
      builder.add(row(i), ImageTiming{}, static_cast<std::int64_t>(i));
    return builder.take().sections[0];
  }
  std::string expected_rows(std::size_t n) const {
    std::string rows;
    for (std::size_t i = 0; i < n; ++i) rows += row_to_json(row(i), RowSchema(policy.analyzers)) + "\n";
    return rows;
  }
  RunInfo info() const {
    RunInfo i;
    i.scoring_options = scoring;
    return i;
  }
};

TEST_F(JsonlLanes, BlocksLandInAnyOrderAndAreTrustedInFileOrder) {
  JsonlSink sink(jsonl, policy.analyzers);
  sink.open(info());
  const std::optional<JsonlTarget> target = sink.lane_target();
  ASSERT_TRUE(target);
  JsonlLaneWriter lane(*target);
  ASSERT_TRUE(lane.usable()) << lane.why_not();

  std::string first = section(0, 2);
  std::string second = section(2, 3);
  lane.stub(first, 7);
  lane.stub(second, 7);
  // What travels is a stub: the rows' bytes stay with the lane.
  EXPECT_LT(first.size(), 100u);
  EXPECT_EQ(first.find("\"filename\""), std::string::npos);
  EXPECT_EQ(lane.pending(), 2u);
  sink.append(first, 2);
  sink.append(second, 1);
  const std::vector<JsonlGrant> grants = sink.take_grants();
  ASSERT_EQ(grants.size(), 2u);
  EXPECT_EQ(grants[0].owner, 7u);
  EXPECT_EQ(grants[0].line_at, 0u);
  EXPECT_GT(grants[1].line_at, grants[0].line_at);
  EXPECT_TRUE(sink.awaiting_lanes());

  // The later block lands first, its records and seal too: both files have
  // a gap before it, and a seal after a gap is not trusted.
  EXPECT_EQ(grants[1].seal.substr(0, 5), "seal ");
  lane.write(grants[1]);
  sink.landed(7, grants[1].key);
  EXPECT_TRUE(sink.awaiting_lanes());
  EXPECT_EQ(slurp(jsonl).substr(0, 1), std::string(1, '\0'));
  const std::string meta = slurp(jsonl_meta_path(jsonl));
  EXPECT_NE(meta.find(grants[1].seal), std::string::npos);
  EXPECT_TRUE(parse_ledger(meta).seals.empty());
  EXPECT_TRUE(resume().rows.empty());

  // The first lands: both are sealed, in order.
  lane.write(grants[0]);
  sink.landed(7, grants[0].key);
  EXPECT_FALSE(sink.awaiting_lanes());
  EXPECT_EQ(lane.pending(), 0u);
  sink.close(info());
  EXPECT_EQ(slurp(jsonl), expected_rows(3));
  const photoscore::Ledger ledger = parse_ledger(slurp(jsonl_meta_path(jsonl)));
  ASSERT_EQ(ledger.seals.size(), 2u);
  EXPECT_EQ(ledger.seals[0].count, 2u);
  const ResumePoint point = resume();
  EXPECT_EQ(point.rows.size(), 3u);
  EXPECT_TRUE(point.notes.empty());
}

TEST_F(JsonlLanes, AKilledRunKeepsOnlyWhatIsSealedAndResumeCutsTheRest) {
  {
    JsonlSink sink(jsonl, policy.analyzers);
    sink.open(info());
    JsonlLaneWriter lane(*sink.lane_target());
    ASSERT_TRUE(lane.usable());
    // Rank 0 writes the first block itself (a lane that could not see the
    // file), a lane the second and third; the third lands, the second never.
    std::string second = section(1, 2);
    std::string third = section(2, 3);
    lane.stub(second, 3);
    lane.stub(third, 3);
    sink.append(section(0, 1), 1);
    sink.append(second, 1);
    sink.append(third, 1);
    const std::vector<JsonlGrant> grants = sink.take_grants();
    ASSERT_EQ(grants.size(), 2u);
    lane.write(grants[1]);
    sink.landed(3, grants[1].key);
    // Killed here: never closed.
  }
  const std::string rows = slurp(jsonl);
  const std::string whole = expected_rows(3);
  ASSERT_EQ(rows.size(), whole.size());
  const std::size_t one = whole.find('\n') + 1;
  const std::size_t two = whole.find('\n', one) + 1;
  EXPECT_EQ(rows.substr(0, one), whole.substr(0, one));
  EXPECT_EQ(rows.substr(one, two - one), std::string(two - one, '\0'));  // the block that never landed
  EXPECT_EQ(rows.substr(two), whole.substr(two));
  ResumePoint point = resume();
  EXPECT_EQ(point.rows.size(), 1u);
  EXPECT_EQ(point.bytes, one);
  ASSERT_EQ(point.notes.size(), 1u);
  EXPECT_NE(point.notes[0].find("not kept, scored again"), std::string::npos) << point.notes[0];

  // The resumed run cuts the gap and what follows, and writes the rest.
  {
    JsonlSink sink(jsonl, policy.analyzers, point.bytes);
    sink.open(info());
    sink.write(row(1), ImageTiming{});
    sink.write(row(2), ImageTiming{});
    sink.close(info());
  }
  EXPECT_EQ(slurp(jsonl), whole);
  EXPECT_EQ(resume().rows.size(), 3u);
}

TEST_F(JsonlLanes, ALaneWritesOnlyIntoTheFileTheWritingRankOpened) {
  JsonlSink sink(jsonl, policy.analyzers);
  sink.open(info());
  const JsonlTarget target = *sink.lane_target();
  // Another file at the path (another node's own folder, a file replaced):
  // not written, not even opened for long.
  const std::string other = jsonl + ".other";
  put(other, "not photoscore's\n");
  ASSERT_EQ(std::rename(jsonl.c_str(), (jsonl + ".moved").c_str()), 0);
  ASSERT_EQ(std::rename(other.c_str(), jsonl.c_str()), 0);
  JsonlLaneWriter elsewhere(target);
  EXPECT_FALSE(elsewhere.usable());
  EXPECT_NE(elsewhere.why_not().find("another file"), std::string::npos) << elsewhere.why_not();
  EXPECT_EQ(slurp(jsonl), "not photoscore's\n");
  // No file there: none made.
  ASSERT_EQ(std::remove(jsonl.c_str()), 0);
  JsonlLaneWriter blind(target);
  EXPECT_FALSE(blind.usable());
  EXPECT_NE(blind.why_not().find("cannot open"), std::string::npos) << blind.why_not();
  EXPECT_FALSE(std::filesystem::exists(jsonl));
  // Nothing offered (rank 0 writes every row): nothing opened, no reason to give.
  JsonlLaneWriter none{JsonlTarget{}};
  EXPECT_FALSE(none.usable());
  EXPECT_TRUE(none.why_not().empty());
}

TEST_F(JsonlLanes, RowsNobodyWasGivenAreRefused) {
  JsonlSink sink(jsonl, policy.analyzers);
  sink.open(info());
  JsonlLaneWriter lane(*sink.lane_target());
  std::string block = section(0, 1);
  lane.stub(block, 2);
  sink.append(block, 1);
  const std::vector<JsonlGrant> grants = sink.take_grants();
  ASSERT_EQ(grants.size(), 1u);
  EXPECT_THROW(sink.landed(2, grants[0].key + 1), std::runtime_error);
  EXPECT_THROW(sink.landed(5, grants[0].key), std::runtime_error);
  JsonlGrant unknown = grants[0];
  unknown.key += 1;
  EXPECT_THROW(lane.write(unknown), std::runtime_error);
  // A stub that says it holds two rows where the block has one.
  std::string liar = section(1, 2);
  lane.stub(liar, 2);
  EXPECT_THROW(sink.append(liar, 2), std::runtime_error);
}

// A lane whose write fails (a full disk) says which file and why: under
// MPI that ends the job (exit 3), and --resume later cuts what it left.
TEST_F(JsonlLanes, ALaneThatCannotWriteSaysWhy) {
  JsonlSink sink(jsonl, policy.analyzers);
  sink.open(info());
  std::string block = section(0, 1);
  // /dev/full takes the open and refuses every write (ENOSPC).
  JsonlLaneWriter full(JsonlTarget{"/dev/full", photo_identity("/dev/full"), "", ""});
  ASSERT_TRUE(full.usable()) << full.why_not();
  full.stub(block, 4);
  sink.append(block, 1);
  const std::vector<JsonlGrant> grants = sink.take_grants();
  ASSERT_EQ(grants.size(), 1u);
  try {
    full.write(grants[0]);
    FAIL() << "a write to /dev/full succeeded";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot write /dev/full: No space left on device"),
              std::string::npos)
        << e.what();
  }
  EXPECT_TRUE(sink.awaiting_lanes());  // the block never landed: the JSONL may not be closed as whole
  EXPECT_THROW(sink.close(info()), std::logic_error);
}

TEST(LedgerText, AGapOfZeroBytesEndsWhatIsRead) {
  const std::string options = "profile=seed";
  const std::string record = ledger_record(10, "none", std::string(32, 'a'));
  const std::string seal = "seal " + ledger_seal(ledger_chain_start(options), record) + "\n";
  const std::string head = "photoscore meta 4\noptions " + options + "\n";
  // A block sealed, then a gap (a block reserved and never written), then a
  // later block's record that landed.
  const std::string text = head + record + seal + std::string(record.size() + 38, '\0') + record;
  const photoscore::Ledger ledger = parse_ledger(text);
  EXPECT_EQ(ledger.records.size(), 1u);
  EXPECT_EQ(ledger.seals.size(), 1u);
}

}  // namespace
}  // namespace photoscore
