// The resume point (find_resume_point): which rows of an earlier run's JSONL
// --resume keeps. A fresh run when there is none; refused, with one line
// saying why, when the options differ, NAME.meta is missing or its records
// were changed, or a row is not this run's (another file, more rows than
// files, a verdict this run's weights would not give); kept up to a photo
// that changed, which is scored again with the files after it.
// output/test_resume_ledger.cpp has the rows and records edited by hand.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "app/options.hpp"
#include "app/output_guard.hpp"
#include "output/resume_ledger.hpp"
#include "output/row_schema.hpp"
#include "run/input_files.hpp"
#include "support/ledger_run.hpp"

namespace photoscore {
namespace {

using test_support::put;
using test_support::slurp;

class FindResumePoint : public test_support::LedgerRun {
 protected:
  // The one-line refusal, or "not refused".
  std::string refusal(const std::string& scoring_options, const MergePolicy& with) const {
    try {
      find_resume_point(jsonl, files, RowSchema(with.analyzers), scoring_options, with);
    } catch (const InputError& e) {
      return e.what();
    }
    return "not refused";
  }
  std::string refusal() const { return refusal(scoring, policy); }
};

TEST_F(FindResumePoint, NoJsonlIsAFreshRun) {
  const ResumePoint point = resume();
  EXPECT_TRUE(point.rows.empty());
  EXPECT_EQ(point.bytes, 0u);
  EXPECT_TRUE(point.notes.empty());
}

TEST_F(FindResumePoint, KeptRowsCarryTheIdentityTheirRecordsSaw) {
  write_rows(3);
  const ResumePoint point = resume();
  ASSERT_EQ(point.rows.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(point.rows[i].filename, files[i].filename);
    EXPECT_EQ(point.rows[i].identity, photo_identity(files[i].path));
  }
  EXPECT_EQ(point.bytes, slurp(jsonl).size());
}

TEST_F(FindResumePoint, AMissingMetaIsRefusedUnlessNoRowIsWhole) {
  write_rows(2);
  std::filesystem::remove(jsonl_meta_path(jsonl));
  EXPECT_EQ(refusal(), "--resume: " + jsonl_meta_path(jsonl) + " is missing, so the options " + jsonl +
                           " was scored with are unknown; --force starts over");
  put(jsonl, "{\"filename\":\"a.p");  // a kill in the first row: nothing to keep
  const ResumePoint point = resume();
  EXPECT_TRUE(point.rows.empty());
  EXPECT_EQ(point.bytes, 0u);
}

TEST_F(FindResumePoint, OtherOptionsAreRefusedNamingTheFirstDifference) {
  write_rows(2);
  options.thresholds = "0.4,0.3";
  const MergePolicy other = make_policy(options);
  EXPECT_EQ(
      refusal(scoring_options(options, other), other),
      "--resume: " + jsonl +
          " cannot be continued: it was scored with thresholds=0.5,0.3, this run has thresholds=0.4,0.3; "
          "--force starts over");
}

TEST_F(FindResumePoint, RecordsChangedAfterTheirSealAreRefused) {
  write_rows(2);
  std::string meta = slurp(jsonl_meta_path(jsonl));
  // The first record's row digest (its last kLedgerDigits characters), changed.
  const std::size_t line_end = meta.find('\n', meta.find("\nrow ") + 1);
  ASSERT_NE(line_end, std::string::npos);
  char& digit = meta[line_end - 1];
  digit = digit == '0' ? '1' : '0';
  put(jsonl_meta_path(jsonl), meta);
  EXPECT_EQ(refusal(),
            "--resume: " + jsonl_meta_path(jsonl) +
                " was changed after photoscore wrote it (its records of lines 1-1 do not match their "
                "seal); --force starts over");
}

TEST_F(FindResumePoint, RowsThatAreNotThisRunsAreRefused) {
  write_rows(3);
  std::swap(files[1], files[2]);
  EXPECT_EQ(refusal(),
            "--resume: " + jsonl +
                " line 2: the row is for b.png, the file list has c.png there; --force starts over");
  std::swap(files[1], files[2]);
  files.pop_back();
  EXPECT_EQ(refusal(),
            "--resume: " + jsonl + " line 3: more rows than the 2 files to score; --force starts over");
}

// The same options line, other weights: the rows' verdicts and quality
// scores are not what this run would give them.
TEST_F(FindResumePoint, AVerdictThisRunWouldNotGiveIsRefused) {
  write_rows(2);
  options.weights = "0.2,0.2,0.6";
  const MergePolicy other = make_policy(options);
  EXPECT_EQ(refusal(scoring, other),
            "--resume: " + jsonl +
                " line 1: its quality score and verdict are not what this run's weights "
                "and thresholds give from its scores; --force starts over");
}

TEST_F(FindResumePoint, AChangedPhotoIsScoredAgainWithTheFilesAfterIt) {
  write_rows(3);
  const std::string rows = slurp(jsonl);
  put(files[1].path, "other pixels");
  const ResumePoint point = resume();
  ASSERT_EQ(point.rows.size(), 1u);
  EXPECT_EQ(point.bytes, rows.find('\n') + 1);  // the first row only
  ASSERT_EQ(point.notes.size(), 1u);
  EXPECT_EQ(
      point.notes[0],
      "--resume: b.png changed since it was scored (size, times or inode): it is scored again, and the 1 "
      "files after it");
}

}  // namespace
}  // namespace photoscore
