#pragma once
#include <hdf5.h>

#include <string>

namespace photoscore::h5 {

// Attributes "columns", "units" and "descriptions" of /timing/ranks and
// /timing/images, as /scores has them: string arrays in member order, one
// entry per member whatever members the tables hold, so `h5dump -A` and
// h5py readers learn what each column holds (seconds, photos, bytes) and
// how it was measured without the docs. `thread_mode`: the stages of
// /timing/ranks are summed over the threads.
void write_timing_docs(hid_t file, bool thread_mode, const std::string& path);

}  // namespace photoscore::h5
