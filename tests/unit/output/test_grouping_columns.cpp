// The perceptual hash and capture time on their way from the scoring to the
// outputs: computed on the scoring path, through the farm's outcome messages
// and the row codec unchanged, in the JSONL only with a grouping schema (and
// read back from it, for --resume), in no output otherwise.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include "analysis/perceptual_hash.hpp"
#include "analysis/score_image.hpp"
#include "analyzers/registry.hpp"
#include "image/capture_time.hpp"
#include "image/decode.hpp"
#include "image/decoder_helpers.hpp"
#include "output/csv_sink.hpp"
#include "output/row_codec.hpp"
#include "output/row_from_json.hpp"
#include "output/row_json.hpp"
#include "output/row_schema.hpp"
#include "run/outcome_codec.hpp"
#include "run/photo_scoring.hpp"
#include "run/process_image.hpp"
#include "support/sample_rows.hpp"

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

TEST(GroupingColumns, OnlyInAGroupingSchema) {
  const auto analyzers = specs({"sharpness", "exposure", "composition"});
  ScoredRow row = hashed_row(analyzers);
  ScoredRow plain = row;
  plain.perceptual_hash.clear();
  plain.capture_time.clear();
  // Without grouping the JSONL line is the one a row without them has:
  // today's bytes.
  const std::string line = row_to_json(row, analyzers);
  EXPECT_EQ(line, row_to_json(plain, analyzers));
  EXPECT_EQ(line.find("perceptual_hash"), std::string::npos);
  EXPECT_EQ(line.find("capture_time"), std::string::npos);
  const RowSchema plain_schema(analyzers);
  for (const auto& c : plain_schema.columns()) EXPECT_FALSE(c.grouping) << c.name;
  // With it, both after source, before path; null where unknown.
  const RowSchema grouping(analyzers, true);
  std::vector<std::string> names;
  for (const auto& c : grouping.columns()) names.push_back(c.name);
  const auto at = std::find(names.begin(), names.end(), "source");
  ASSERT_NE(at, names.end());
  EXPECT_EQ(std::vector<std::string>(at, at + 4),
            (std::vector<std::string>{"source", "perceptual_hash", "capture_time", "path"}));
  const std::string with = row_to_json(row, grouping);
  EXPECT_NE(
      with.find(
          R"("perceptual_hash":"c3a5f00f12345678","capture_time":"2024-05-01T12:34:56.78+02:00","path")"),
      std::string::npos)
      << with;
  ScoredRow untimed = row;
  untimed.capture_time.clear();
  EXPECT_NE(row_to_json(untimed, grouping).find(R"("capture_time":null)"), std::string::npos);
  // An error row has neither.
  ScoredRow error = row;
  error.ok = false;
  error.error = "truncated";
  EXPECT_NE(row_to_json(error, grouping).find(R"("perceptual_hash":null,"capture_time":null)"),
            std::string::npos);
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
  // What a grouping run writes, read back as --resume does.
  const auto analyzers = specs({"sharpness"});
  const RowSchema schema(analyzers);
  const ScoredRow row = hashed_row(analyzers);
  const std::string line = row_to_json(row, RowSchema(analyzers, true));
  const ScoredRow back = row_from_json(line, schema);
  EXPECT_EQ(back.perceptual_hash, row.perceptual_hash);
  EXPECT_EQ(back.capture_time, row.capture_time);
  // A line without them (every JSONL so far): empty.
  const ScoredRow old = row_from_json(row_to_json(row, analyzers), schema);
  EXPECT_EQ(old.perceptual_hash, "");
  EXPECT_EQ(old.capture_time, "");
}

TEST(GroupingColumns, ComputedOnTheScoringPath) {
  // rocket.jpg with an Exif APP1 segment (built by hand: IFD0 pointing to an
  // Exif IFD with DateTimeOriginal) right after SOI.
  std::ifstream in(std::string(PHOTOSCORE_TEST_DATA) + "/photos/rocket.jpg", std::ios::binary);
  const std::vector<std::uint8_t> rocket{std::istreambuf_iterator<char>(in),
                                         std::istreambuf_iterator<char>()};
  const std::string date = "2023:07:14 18:05:09";
  std::vector<std::uint8_t> tiff = {
      'I', 'I', 42,   0,    8, 0, 0,  0,                     // header, IFD0 at 8
      1,   0,   0x69, 0x87, 4, 0, 1,  0, 0, 0, 26, 0, 0, 0,  // Exif IFD at 26
      0,   0,   0,    0,                                     // no next IFD
      1,   0,   0x03, 0x90, 2, 0, 20, 0, 0, 0, 44, 0, 0, 0,  // DateTimeOriginal at 44
      0,   0,   0,    0};
  tiff.insert(tiff.end(), date.begin(), date.end());
  tiff.push_back(0);
  std::vector<std::uint8_t> segment = {'E', 'x', 'i', 'f', 0, 0};
  segment.insert(segment.end(), tiff.begin(), tiff.end());
  std::vector<std::uint8_t> photo = {0xFF,
                                     0xD8,
                                     0xFF,
                                     0xE1,
                                     static_cast<std::uint8_t>((segment.size() + 2) >> 8),
                                     static_cast<std::uint8_t>(segment.size() + 2)};
  photo.insert(photo.end(), segment.begin(), segment.end());
  photo.insert(photo.end(), rocket.begin() + 2, rocket.end());

  ImageScorer scorer(specs({"sharpness", "exposure", "composition"}), 1);
  const ImageOutcome timed = process_image(photo, scorer, {});
  ASSERT_TRUE(timed.ok) << timed.error;
  EXPECT_EQ(timed.capture_time, "2023-07-14T18:05:09");
  EXPECT_EQ(timed.perceptual_hash, perceptual_hash(decode_image(rocket)));
  // The same pixels without Exif: the same hash, no time (the image buffer
  // is reused, so the previous photo's time must not stay).
  const ImageOutcome plain = process_image(rocket, scorer, {});
  ASSERT_TRUE(plain.ok);
  EXPECT_EQ(plain.perceptual_hash, timed.perceptual_hash);
  EXPECT_EQ(plain.capture_time, "");
}

// A roles group's members score the same pixels, and only the member holding
// the first analyzer hashes them: finish() without the hash gives the same
// results and no hash, with it the photo's hash.
TEST(GroupingColumns, TheScoringHashesThePhotoOnlyWhenAsked) {
  std::ifstream in(std::string(PHOTOSCORE_TEST_DATA) + "/photos/rocket.jpg", std::ios::binary);
  const std::vector<std::uint8_t> rocket{std::istreambuf_iterator<char>(in),
                                         std::istreambuf_iterator<char>()};
  const RgbImage image = decode_image(rocket);
  ImageScorer scorer(specs({"sharpness", "exposure", "composition"}), 1);
  PhotoScoring hashing;
  const ImageOutcome with = hashing.finish(scorer, image, 0.0, true);
  PhotoScoring not_hashing;
  const ImageOutcome without = not_hashing.finish(scorer, image, 0.0, false);
  ASSERT_TRUE(with.ok);
  ASSERT_TRUE(without.ok);
  EXPECT_NE(with.perceptual_hash, 0u);
  EXPECT_EQ(with.perceptual_hash, perceptual_hash(image));
  EXPECT_EQ(without.perceptual_hash, 0u);
  ASSERT_EQ(with.results.size(), without.results.size());
  for (std::size_t k = 0; k < with.results.size(); ++k)
    EXPECT_EQ(with.results[k].values, without.results[k].values);
  // The whole per-photo path: a run that does not group asks for no hash.
  const ImageOutcome run_grouping = process_image(rocket, scorer, {}, true);
  const ImageOutcome run_not_grouping = process_image(rocket, scorer, {}, false);
  ASSERT_TRUE(run_grouping.ok);
  ASSERT_TRUE(run_not_grouping.ok);
  EXPECT_EQ(run_grouping.perceptual_hash, perceptual_hash(image));
  EXPECT_EQ(run_not_grouping.perceptual_hash, 0u);
  for (std::size_t k = 0; k < run_grouping.results.size(); ++k)
    EXPECT_EQ(run_grouping.results[k].values, run_not_grouping.results[k].values);
}

// TIFF, camera RAW and HEIF: the time read in the decoder helper that
// decoded the photo (tests/data/capture_times, stamped by exiftool: see
// tests/tools/make_capture_times.py) reaches the outcome, in the seed
// profile (full decode) and the calibrated one (working image).
TEST(GroupingColumns, ComputedOnTheScoringPathForTheIsolatedFormats) {
  DecoderHelperSettings settings;
  settings.enabled = true;
  settings.program = PHOTOSCORE_BINARY;
  settings.seconds = 30;
  configure_decoder_helpers(settings);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"taken.tiff", "2024-05-01T12:34:56.78+02:00"},
      {"taken.dng", "2023-11-05T07:08:09.125-05:00"},
      {"none.dng", ""},
      {"taken.heic", "2022-02-28T23:59:59.5+09:30"},
      {"none.heic", ""},
  };
  ImageScorer scorer(specs({"sharpness", "exposure", "composition"}), 1);
  for (const bool calibrated : {false, true}) {
    DecodeLimits limits;
    limits.working_resolution = calibrated;
    for (const auto& [name, taken] : cases) {
      std::ifstream in(std::string(PHOTOSCORE_TEST_DATA) + "/capture_times/" + name, std::ios::binary);
      const std::vector<std::uint8_t> bytes{std::istreambuf_iterator<char>(in),
                                            std::istreambuf_iterator<char>()};
      const ImageOutcome outcome = process_image(bytes, scorer, limits);
      ASSERT_TRUE(outcome.ok) << name << ": " << outcome.error;
      EXPECT_EQ(outcome.capture_time, taken) << name << (calibrated ? " (calibrated)" : "");
    }
  }
  end_decoder_helper();
  configure_decoder_helpers({});
}

}  // namespace
}  // namespace photoscore
