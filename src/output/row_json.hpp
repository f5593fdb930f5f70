#pragma once
#include <string>
#include <vector>

#include "record/scored_row.hpp"

namespace photoscore {

// One archive line (without the newline): the seed's twelve keys first, in
// the seed's order, then width, height, the analyzers' other figures, path,
// status and error. Error rows carry nulls for every score. Any bytes in a
// file name give valid JSON (invalid UTF-8 becomes U+FFFD).
std::string row_to_json(const ScoredRow& row, const std::vector<const AnalyzerSpec*>& analyzers);

}  // namespace photoscore
