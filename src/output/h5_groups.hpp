#pragma once
#include <hdf5.h>

#include <string>

#include "output/run_grouping.hpp"

namespace photoscore::h5 {

// /groups: one row per photo in a group (docs/hdf5.md), groups in the order
// of their first member and members in file order, as the groups file has
// them: group (0-based), kind ("burst" or "duplicate"), row (the photo's row
// in /scores), filename (as /scores has it) and best (1 for the group's
// best, else 0). Empty when the run found no group. `path`: the file's name
// for error messages.
void write_groups_table(hid_t file, const RunGrouping& grouping, const std::string& path);

}  // namespace photoscore::h5
