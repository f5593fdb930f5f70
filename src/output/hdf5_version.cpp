#include "output/hdf5_version.hpp"

#include <hdf5.h>

namespace photoscore {

// The headers' version, which the library checks against its own at start
// when a file is first opened (H5check_version), so it is the one running.
// H5get_libversion would start the HDF5 library at start-up, before any
// file is opened, which moves its exit handler ahead of the sinks' clean-up
// and crashed a job whose HDF5 file could not be closed (e2e_failures).
std::string hdf5_library_version() {
  return std::to_string(H5_VERS_MAJOR) + "." + std::to_string(H5_VERS_MINOR) + "." +
         std::to_string(H5_VERS_RELEASE);
}

}  // namespace photoscore
