#pragma once
// Blocks of rows for the tests of the ordered writer and the row blocks: the
// seed's three analyzers, and error rows p<i>.jpg whose bytes tell each row apart.
#include <cstdint>
#include <string>
#include <vector>

#include "analyzers/registry.hpp"
#include "output/row_block.hpp"
#include "output/row_format.hpp"
#include "record/scored_row.hpp"

namespace photoscore::test_support {

inline std::vector<const AnalyzerSpec*> seed_specs() {
  return {find_analyzer("sharpness"), find_analyzer("exposure"), find_analyzer("composition")};
}

// Rows first .. first + count - 1 as one JSONL block; the first row's error
// is "broken" when error_at_first, every other "x".
inline RowBlock block_of(std::int64_t first, std::int64_t count, bool error_at_first = false) {
  RowBlockBuilder builder({RowFormat::Jsonl}, default_context(seed_specs()));
  for (std::int64_t i = first; i < first + count; ++i) {
    ScoredRow row;
    row.filename = "p" + std::to_string(i) + ".jpg";
    row.path = "in/" + row.filename;
    row.ok = false;
    row.error = error_at_first && i == first ? "broken" : "x";
    builder.add(row, ImageTiming{}, i);
  }
  return builder.take();
}

}  // namespace photoscore::test_support
