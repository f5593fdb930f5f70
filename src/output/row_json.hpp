#pragma once
#include <string>
#include <vector>

#include "output/row_schema.hpp"
#include "record/scored_row.hpp"

namespace photoscore {

// One archive line (without the newline): the schema's columns as keys, in
// its order, with JSON null where a cell is null. Any bytes in a file name
// give valid JSON (invalid bytes become \xNN, see as_utf8).
std::string row_to_json(const ScoredRow& row, const RowSchema& schema);

// The same, building the schema for one row (tests and one-off callers).
std::string row_to_json(const ScoredRow& row, const std::vector<const AnalyzerSpec*>& analyzers);

}  // namespace photoscore
