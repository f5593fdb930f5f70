#pragma once
#include <hdf5.h>

#include <string>

#include "output/row_schema.hpp"

namespace photoscore::h5 {

// Attributes "columns", "units" and "descriptions" of the /scores dataset:
// string arrays in column order, so h5py readers learn what each member
// holds without the docs (docs/hdf5.md).
void write_column_docs(hid_t file, const RowSchema& schema, const std::string& path);

}  // namespace photoscore::h5
