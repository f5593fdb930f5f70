#pragma once
// The one per-image path: bytes -> decode -> analyzers. Every runner calls
// this, so thread mode and both MPI layouts cannot drift apart.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "analysis/score_image.hpp"
#include "image/decode.hpp"
#include "record/scored_row.hpp"
#include "run/input_files.hpp"

namespace photoscore {

struct ImageOutcome {
  bool ok = false;
  std::string error;  // one line, when !ok
  int width = 0;
  int height = 0;
  std::string source;  // a camera RAW's: where its pixels came from (issue 12)
  std::vector<AnalyzerResult> results;  // one per analyzer of the scorer
  double decode_seconds = 0.0;
  std::vector<double> analyzer_seconds;
};

// Decodes and scores one photo's bytes. Never throws for the photo's sake:
// undecodable data and running out of memory both come back as !ok with a
// one-line error.
ImageOutcome process_image(std::span<const std::uint8_t> bytes, ImageScorer& scorer, const DecodeLimits& limits);

// Reads a whole regular file of at most max_bytes into `bytes` (read_file);
// false and a one-line reason when it cannot (running out of memory included).
bool read_photo(const std::string& path, std::vector<std::uint8_t>& bytes, std::string& error,
                std::uint64_t max_bytes);

// The whole per-file path: read the file into `bytes` (reused from photo to
// photo), then process_image(). A file that cannot be read comes back as
// !ok; `read_seconds` is the time the read took.
ImageOutcome read_and_process(const std::string& path, std::vector<std::uint8_t>& bytes, ImageScorer& scorer,
                              const DecodeLimits& limits, double& read_seconds);

// A row from a file and its outcome, not yet merged. An error row keeps
// only the error: no size, no figures.
ScoredRow make_row(const InputFile& file, ImageOutcome&& outcome);

}  // namespace photoscore
