#pragma once
#include "record/run_info.hpp"

namespace photoscore {

// Fills the build, library, CPU, kernel and thread-binding provenance of
// `info` (all but the MPI library, which only src/comm may ask).
void add_machine_provenance(RunInfo& info);

}  // namespace photoscore
