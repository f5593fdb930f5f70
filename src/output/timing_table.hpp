#pragma once
#include <cstdio>
#include <string>
#include <vector>

#include "record/run_info.hpp"

namespace photoscore {

// Where each rank's time went, after the dashboard, in every mode: a row per
// rank with its stages, so a slow run shows whether it read, decoded,
// analyzed, waited or wrote.
void print_timing_table(std::FILE* out, const RunInfo& info, const std::vector<std::string>& analyzer_names);

}  // namespace photoscore
