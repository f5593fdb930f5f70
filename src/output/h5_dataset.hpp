#pragma once
// The shape of every table in the HDF5 file: a 1-D dataset of compound
// records that starts empty and grows a chunk at a time, each chunk
// shuffled and deflated (level kDeflateLevel, as chunk_filter compresses
// the chunks it is sent).
#include <hdf5.h>

#include <string>

#include "output/h5_error.hpp"

namespace photoscore::h5 {

// The dataset `name` under `parent` of records of `type` in chunks of
// `chunk_rows`; `shown` names it in errors about `path` ("/scores").
Id create_growing_dataset(hid_t parent, const char* name, hid_t type, hsize_t chunk_rows,
                          const std::string& path, const std::string& shown);

}  // namespace photoscore::h5
