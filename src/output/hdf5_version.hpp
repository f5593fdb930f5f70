#pragma once
#include <string>

namespace photoscore {

// The HDF5 library's version at run time ("1.10.8"), for /run.
std::string hdf5_library_version();

}  // namespace photoscore
