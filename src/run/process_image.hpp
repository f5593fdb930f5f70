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
  std::vector<AnalyzerResult> results;  // one per analyzer of the scorer
  double decode_seconds = 0.0;
  std::vector<double> analyzer_seconds;
};

ImageOutcome process_image(std::span<const std::uint8_t> bytes, ImageScorer& scorer, const DecodeLimits& limits);

// A row from a file and its outcome, not yet merged.
ScoredRow make_row(const InputFile& file, ImageOutcome&& outcome);

}  // namespace photoscore
