#pragma once
// A whole row and its timings as bytes (RowFormat::Row): for the sinks that
// act on rows (links, sidecars, the report, the summary) when the row was
// scored and formatted in another process.
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "record/scored_row.hpp"

namespace photoscore {

struct TimedRow {
  ScoredRow row;
  ImageTiming timing;
};

void encode_row(const ScoredRow& row, const ImageTiming& timing, std::string& out);
// `count` rows encoded back to back; throws std::runtime_error on bytes that
// do not hold them exactly.
std::vector<TimedRow> decode_rows(std::string_view bytes, std::int64_t count);

}  // namespace photoscore
