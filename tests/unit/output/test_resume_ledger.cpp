// NAME.meta: the ledger written as rows are and read back, and
// --resume's decisions on a run's JSONL and .meta edited in each way that
// must not pass (app/test_resume_point.cpp has the rest of find_resume_point).
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "app/options.hpp"
#include "app/output_guard.hpp"
#include "merge/merge_scores.hpp"
#include "output/jsonl_sink.hpp"
#include "output/resume_ledger.hpp"
#include "output/row_block.hpp"
#include "output/row_json.hpp"
#include "output/row_schema.hpp"
#include "output/sha256.hpp"
#include "support/ledger_run.hpp"

namespace photoscore {
namespace {

using test_support::put;
using test_support::slurp;

// The run of LedgerRun, under the name its tests have always had.
class Ledger : public test_support::LedgerRun {};

TEST_F(Ledger, RecordsEveryRowAsWritten) {
  write_rows(3);
  const std::string rows = slurp(jsonl);
  const photoscore::Ledger ledger = parse_ledger(slurp(jsonl_meta_path(jsonl)));
  EXPECT_EQ(ledger.options, scoring);
  ASSERT_EQ(ledger.records.size(), 3u);
  EXPECT_EQ(ledger.records.back().end, rows.size());
  std::uint64_t start = 0;
  for (std::size_t i = 0; i < 3; ++i) {
    const auto& r = ledger.records[i];
    EXPECT_EQ(r.row_digest, ledger_row_digest(std::string_view(rows).substr(start, r.end - start)));
    EXPECT_EQ(r.photo, photo_identity(files[i].path));
    start = r.end;
  }
  // Rows written one at a time: a block, and a seal, each; the seals chain.
  ASSERT_EQ(ledger.seals.size(), 3u);
  std::string chain = ledger.chain_start;
  for (const LedgerSeal& seal : ledger.seals) {
    EXPECT_EQ(seal.count, 1u);
    chain = ledger_seal(chain, seal.text);
    EXPECT_EQ(seal.chain, chain);
  }
}

// Under MPI a block arrives sealed where it was scored (its lines
// together, its records' digest made there), and a leader may join the
// blocks of its node into one: rank 0 writes the lines as they came, and
// the .meta seals each block, as a resume checks them.
TEST_F(Ledger, BlocksSealedWhereScoredAndJoinedAreWrittenWhole) {
  RowBlockBuilder first({RowFormat::Jsonl}, default_context(policy.analyzers));
  first.add(row(0), ImageTiming{}, 0);
  first.add(row(1), ImageTiming{}, 1);
  RowBlockBuilder second({RowFormat::Jsonl}, default_context(policy.analyzers));
  second.add(row(2), ImageTiming{}, 2);
  const std::string joined = first.take().sections[0] + second.take().sections[0];
  {
    JsonlSink sink(jsonl, policy.analyzers);
    RunInfo info;
    info.scoring_options = scoring;
    sink.open(info);
    EXPECT_THROW(sink.append(joined, 2), std::runtime_error);  // three rows, not two
    sink.append(joined, 3);
    sink.close(info);
  }
  std::string expected;
  for (std::size_t i = 0; i < 3; ++i) expected += row_to_json(row(i), RowSchema(policy.analyzers)) + "\n";
  EXPECT_EQ(slurp(jsonl), expected);
  const photoscore::Ledger ledger = parse_ledger(slurp(jsonl_meta_path(jsonl)));
  ASSERT_EQ(ledger.seals.size(), 2u);
  EXPECT_EQ(ledger.seals[0].count, 2u);
  EXPECT_EQ(ledger.seals[1].count, 1u);
  std::string chain = ledger.chain_start;
  for (const LedgerSeal& seal : ledger.seals) {
    chain = ledger_seal(chain, seal.text);
    EXPECT_EQ(seal.chain, chain);
  }
  const ResumePoint point = resume();
  EXPECT_EQ(point.rows.size(), 3u);
  EXPECT_TRUE(point.notes.empty());
}

TEST_F(Ledger, KeepsWhatIsRecorded) {
  write_rows(3);
  const ResumePoint point = resume();
  EXPECT_EQ(point.rows.size(), 3u);
  EXPECT_EQ(point.bytes, slurp(jsonl).size());
  EXPECT_TRUE(point.notes.empty());
}

TEST_F(Ledger, AnEditedRowIsRefused) {
  write_rows(3);
  std::string rows = slurp(jsonl);
  const auto at = rows.find("\"width\":641");
  ASSERT_NE(at, std::string::npos);
  rows.replace(at, 11, "\"width\":642");  // the same length, a valid row
  put(jsonl, rows);
  try {
    resume();
    FAIL() << "an edited row was kept";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("line 2: changed after photoscore wrote it"), std::string::npos)
        << e.what();
  }
}

TEST_F(Ledger, AnEditedOptionsLineIsRefused) {
  write_rows(2);
  std::string meta = slurp(jsonl_meta_path(jsonl));
  const auto at = meta.find("thresholds=0.5,0.3");
  ASSERT_NE(at, std::string::npos);
  meta.replace(at, 18, "thresholds=0.4,0.3");
  put(jsonl_meta_path(jsonl), meta);
  options.thresholds = "0.4,0.3";
  policy = make_policy(options);
  scoring = scoring_options(options, policy);
  EXPECT_THROW(resume(), InputError);
}

TEST_F(Ledger, AChangedPhotoIsScoredAgainFromIt) {
  write_rows(3);
  put(files[1].path, "other pixels");
  const ResumePoint point = resume();
  EXPECT_EQ(point.rows.size(), 1u);
  ASSERT_EQ(point.notes.size(), 1u);
  EXPECT_NE(point.notes[0].find("b.png changed since it was scored"), std::string::npos) << point.notes[0];
}

TEST_F(Ledger, RowsPastTheRecordsAreNotKept) {
  write_rows(2);
  std::ofstream(jsonl, std::ios::app) << row_to_json(row(2), policy.analyzers) << "\n";
  const ResumePoint point = resume();
  EXPECT_EQ(point.rows.size(), 2u);
  ASSERT_EQ(point.notes.size(), 1u);
  EXPECT_NE(point.notes[0].find("1 line of"), std::string::npos) << point.notes[0];
}

TEST_F(Ledger, ACutRecordAndACutRowAreLeftOut) {
  write_rows(3);
  std::string meta = slurp(jsonl_meta_path(jsonl));
  put(jsonl_meta_path(jsonl), meta.substr(0, meta.size() - 10));  // the last record cut by a kill
  std::string rows = slurp(jsonl);
  put(jsonl, rows.substr(0, rows.size() - 5));  // and the last row
  const ResumePoint point = resume();
  EXPECT_EQ(point.rows.size(), 2u);
  EXPECT_TRUE(point.notes.empty());
}

TEST_F(Ledger, ResumingKeepsTheCheckedRecordsAndGoesOn) {
  write_rows(3);
  const std::string full = slurp(jsonl_meta_path(jsonl));
  const photoscore::Ledger before = parse_ledger(full);
  // As --resume does after keeping two rows: the third is written again.
  {
    JsonlSink sink(jsonl, policy.analyzers, before.records[1].end);
    RunInfo info;
    info.scoring_options = scoring;
    sink.open(info);
    sink.write(row(2), ImageTiming{});
    sink.close(info);
  }
  // The same records, the two kept ones sealed again as one block.
  const photoscore::Ledger after = parse_ledger(slurp(jsonl_meta_path(jsonl)));
  ASSERT_EQ(after.records.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(after.records[i].end, before.records[i].end);
    EXPECT_EQ(after.records[i].photo, before.records[i].photo);
    EXPECT_EQ(after.records[i].row_digest, before.records[i].row_digest);
  }
  ASSERT_EQ(after.seals.size(), 2u);
  EXPECT_EQ(after.seals[0].count, 2u);
  EXPECT_EQ(resume().rows.size(), 3u);
}

TEST_F(Ledger, APhotoChangedDuringTheRunIsNeverKept) {
  JsonlSink sink(jsonl, policy.analyzers);
  RunInfo info;
  info.scoring_options = scoring;
  sink.open(info);
  usleep(20000);
  put(files[0].path, "rewritten while it was being scored");
  sink.write(row(0), ImageTiming{});
  sink.close(info);
  const photoscore::Ledger ledger = parse_ledger(slurp(jsonl_meta_path(jsonl)));
  ASSERT_EQ(ledger.records.size(), 1u);
  EXPECT_EQ(ledger.records[0].photo, "unstable");
  EXPECT_TRUE(resume().rows.empty());
}

TEST(LedgerFormat, RefusesWhatIsNotOne) {
  try {
    parse_ledger("profile=seed analyzers=sharpness\n");
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("older photoscore"), std::string::npos);
  }
  EXPECT_THROW(parse_ledger("my notes\n"), std::invalid_argument);
  const std::string good = "photoscore meta 4\noptions x=1\nrow 10 none " + std::string(32, 'a') + "\nseal " +
                           std::string(32, 'b') + "\n";
  EXPECT_EQ(parse_ledger(good).records.size(), 1u);
  EXPECT_EQ(parse_ledger(good).records[0].end, 10u);
  EXPECT_EQ(parse_ledger(good + "row 5 none").records.size(), 1u);  // a cut last line
  // A record after the last seal (a kill between the two) is not trusted.
  EXPECT_EQ(parse_ledger(good + "row 5 none " + std::string(32, 'c') + "\n").records.size(), 1u);
  EXPECT_THROW(parse_ledger(good + "row 5 none x y\n"), std::invalid_argument);
  EXPECT_THROW(parse_ledger(good + "seal " + std::string(32, 'd') + "\n"), std::invalid_argument);  // an empty block
  EXPECT_TRUE(is_photoscore_meta(good));
  EXPECT_TRUE(is_photoscore_meta("profile=seed analyzers=sharpness\n"));
  EXPECT_FALSE(is_photoscore_meta("my meta\n"));
}

}  // namespace
}  // namespace photoscore
