#pragma once
#include <hdf5.h>

#include <string>

#include "record/run_info.hpp"

namespace photoscore::h5 {

// The run's provenance as attributes of the /run group. The group tracks
// creation order, so h5py lists them in the order they are written here.
void write_provenance(hid_t run_group, const RunInfo& info, const std::string& path);

}  // namespace photoscore::h5
