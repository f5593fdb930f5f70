#pragma once
// The per-image path: bytes -> decode -> analyzers. Thread mode and the
// farm layout call process_image; the roles layout, which decodes a photo
// on one rank and scores it on others, builds the same path from its parts
// below (decode_photo, scored_outcome, failed_outcome), so the layouts
// give the same outcome for the same bytes.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "analysis/score_image.hpp"
#include "image/decode.hpp"
#include "merge/merge_scores.hpp"
#include "record/scored_row.hpp"
#include "run/input_files.hpp"

namespace photoscore {

struct ImageOutcome {
  bool ok = false;
  std::string error;  // one line, when !ok
  int width = 0;
  int height = 0;
  std::string source;  // a camera RAW's: where its pixels came from
  std::string identity;  // the file as it was read (read_file), for the JSONL's .meta; "" when not read here
  std::vector<AnalyzerResult> results;  // one per analyzer of the scorer
  double decode_seconds = 0.0;
  std::vector<double> analyzer_seconds;
};

// Decodes and scores one photo's bytes. Never throws for the photo's sake:
// undecodable data and running out of memory both come back as !ok with a
// one-line error.
ImageOutcome process_image(std::span<const std::uint8_t> bytes, ImageScorer& scorer, const DecodeLimits& limits);

// --- the parts of process_image, for a runner that decodes a photo on one
// rank and scores it on others (the MPI roles layout) ---
// The reason given for a photo that ran out of memory.
inline constexpr const char* kOutOfMemory = "not enough memory to decode and score this image";
// Decodes one photo's bytes into `image` exactly as process_image does (the
// calibrated profile's working image, or the photo at full size), calling
// `rows_done` as decode_image_into does; a decoder that does not stream
// calls it never. Returns "" or the one-line reason process_image gives for
// the same bytes (running out of memory included).
std::string decode_photo(std::span<const std::uint8_t> bytes, const DecodeLimits& limits, RgbImage& image,
                         const RowsDone* rows_done);
// The outcome of a photo that was decoded into `image` and scored.
ImageOutcome scored_outcome(const RgbImage& image, std::vector<AnalyzerResult>&& results, ScoreTimes&& times,
                            double decode_seconds);
// The outcome of a photo that could not be read, decoded or scored.
ImageOutcome failed_outcome(std::string error, double decode_seconds);
// --- end parts of process_image ---

// Whether the photo's decode was abandoned because the run is stopping
// (kDecodeStopped, decoder_helpers.hpp): not a verdict on the photo, so it
// gets no row, and the rows written end before it (RowBlock::stopped).
bool decode_stopped(const ImageOutcome& outcome);

// Reads a whole regular file of at most max_bytes into `bytes` (read_file);
// false and a one-line reason when it cannot (running out of memory included).
bool read_photo(const std::string& path, std::vector<std::uint8_t>& bytes, std::string& error,
                std::uint64_t max_bytes, std::string* identity = nullptr);

// The whole per-file path: read the file into `bytes` (reused from photo to
// photo), then process_image(). A file that cannot be read comes back as
// !ok; `read_seconds` is the time the read took.
ImageOutcome read_and_process(const std::string& path, std::vector<std::uint8_t>& bytes, ImageScorer& scorer,
                              const DecodeLimits& limits, double& read_seconds);

// A row from a file and its outcome, not yet merged. An error row keeps
// only the error (at most kMaxErrorBytes of it): no size, no figures.
ScoredRow make_row(const InputFile& file, ImageOutcome&& outcome);

// The row every mode formats: make_row(), then merged with `policy`.
ScoredRow finished_row(const InputFile& file, ImageOutcome&& outcome, const MergePolicy& policy);

}  // namespace photoscore
