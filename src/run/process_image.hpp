#pragma once
// A photo's way from its file to its row: read, decode, score (through the
// one scoring path, photo_scoring.hpp), merge. Thread mode and the farm call
// process_image(); the roles layout decodes on one rank with decode_photo()
// and scores the streamed rows on others with PhotoScoring.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "analysis/score_image.hpp"
#include "image/decode.hpp"
#include "merge/merge_scores.hpp"
#include "record/scored_row.hpp"
#include "run/input_files.hpp"
#include "run/photo_scoring.hpp"

namespace photoscore {

// Decodes and scores one photo's bytes; with `hash`, its perceptual hash
// too (what --groups reads: a run that does not group skips it). Never
// throws for the photo's sake: undecodable data and running out of memory
// both come back as !ok with a one-line error.
ImageOutcome process_image(std::span<const std::uint8_t> bytes, ImageScorer& scorer,
                           const DecodeLimits& limits, bool hash = true);

// Decodes one photo's bytes into `image` exactly as process_image does (the
// calibrated profile's working image, or the photo at full size), calling
// `rows_done` as decode_image_into does; a decoder that does not stream
// calls it never. Returns "" or the one-line reason process_image gives for
// the same bytes (running out of memory included).
std::string decode_photo(std::span<const std::uint8_t> bytes, const DecodeLimits& limits, RgbImage& image,
                         const RowsDone* rows_done);

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
                              const DecodeLimits& limits, double& read_seconds, bool hash = true);

// A row from a file and its outcome, not yet merged. An error row keeps
// only the error (at most kMaxErrorBytes of it): no size, no figures.
ScoredRow make_row(const InputFile& file, ImageOutcome&& outcome);

// The row every mode formats: make_row(), then merged with `policy`.
ScoredRow finished_row(const InputFile& file, ImageOutcome&& outcome, const MergePolicy& policy);

}  // namespace photoscore
