// The perceptual hash and capture time on their way from the scoring to the
// outputs: through the farm's outcome messages and the row codec unchanged,
// read back from a JSONL line that has them (--resume), and kept out of the
// JSONL, CSV and XMP rows so that those keep their bytes.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "analyzers/registry.hpp"
#include "output/csv_sink.hpp"
#include "output/row_codec.hpp"
#include "output/row_from_json.hpp"
#include "output/row_json.hpp"
#include "output/row_schema.hpp"
#include "run/outcome_codec.hpp"
#include "run/photo_scoring.hpp"
#include "sample_rows.hpp"

namespace photoscore {
namespace {

using test_support::specs;

ScoredRow hashed_row(const std::vector<const AnalyzerSpec*>& analyzers) {
  ScoredRow row = test_support::sample_row(analyzers, "IMG_0001.JPG", 640, 0.5, 1.5, 1.0, "!");
  row.perceptual_hash = "c3a5f00f12345678";
  row.capture_time = "2024-05-01T12:34:56.78+02:00";
  return row;
}

TEST(GroupingColumns, TravelInOutcomesAndRows) {
  ImageOutcome outcome;
  outcome.ok = true;
  outcome.perceptual_hash = 0xc3a5f00f12345678ull;
  outcome.capture_time = "2024-05-01T12:34:56.78+02:00";
  const ImageOutcome back = decode_outcome(encode_outcome(outcome));
  EXPECT_EQ(back.perceptual_hash, outcome.perceptual_hash);
  EXPECT_EQ(back.capture_time, outcome.capture_time);

  const auto analyzers = specs({"sharpness", "exposure"});
  std::string bytes;
  const ScoredRow row = hashed_row(analyzers);
  encode_row(row, ImageTiming{}, bytes);
  ScoredRow untimed = row;
  untimed.capture_time.clear();
  encode_row(untimed, ImageTiming{}, bytes);
  const auto rows = decode_rows(bytes, 2);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].row.perceptual_hash, "c3a5f00f12345678");
  EXPECT_EQ(rows[0].row.capture_time, "2024-05-01T12:34:56.78+02:00");
  EXPECT_EQ(rows[1].row.capture_time, "");
}

TEST(GroupingColumns, KeptOutOfJsonlAndCsv) {
  const auto analyzers = specs({"sharpness", "exposure", "composition"});
  ScoredRow row = hashed_row(analyzers);
  ScoredRow plain = row;
  plain.perceptual_hash.clear();
  plain.capture_time.clear();
  // The JSONL line is the one a row without them has: today's bytes.
  const std::string line = row_to_json(row, analyzers);
  EXPECT_EQ(line, row_to_json(plain, analyzers));
  EXPECT_EQ(line.find("perceptual_hash"), std::string::npos);
  EXPECT_EQ(line.find("capture_time"), std::string::npos);
  FormatContext context;
  context.analyzers = analyzers;
  const auto csv = make_csv_formatter(context);
  std::string a, b;
  csv->format(row, ImageTiming{}, 0, a);
  csv->format(plain, ImageTiming{}, 0, b);
  EXPECT_EQ(a, b);
  EXPECT_EQ(a.find("c3a5f00f12345678"), std::string::npos);
}

TEST(GroupingColumns, ReadBackFromAJsonlLineThatHasThem) {
  // What --groups will write: the line with the two keys before "path".
  const auto analyzers = specs({"sharpness"});
  const RowSchema schema(analyzers);
  const ScoredRow row = hashed_row(analyzers);
  std::string line = row_to_json(row, analyzers);
  const std::string with =
      R"("perceptual_hash":"c3a5f00f12345678","capture_time":"2024-05-01T12:34:56.78+02:00",)";
  line.insert(line.find("\"path\""), with);
  const ScoredRow back = row_from_json(line, schema);
  EXPECT_EQ(back.perceptual_hash, row.perceptual_hash);
  EXPECT_EQ(back.capture_time, row.capture_time);
  // A line without them (every JSONL so far): empty.
  const ScoredRow old = row_from_json(row_to_json(row, analyzers), schema);
  EXPECT_EQ(old.perceptual_hash, "");
  EXPECT_EQ(old.capture_time, "");
}

}  // namespace
}  // namespace photoscore
