#pragma once
#include <string_view>

#include "output/row_schema.hpp"
#include "record/scored_row.hpp"

namespace photoscore {

// The row back from one archive line (without its newline), through the
// same schema that wrote it: --resume keeps an earlier run's rows and the
// HDF5 file gets them again from here. Text comes back as written (file
// names as as_utf8 made them). Throws std::invalid_argument, with the
// reason in one line, for a line that is not such a row.
ScoredRow row_from_json(std::string_view line, const RowSchema& schema);

}  // namespace photoscore
