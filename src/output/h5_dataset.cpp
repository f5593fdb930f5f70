#include "output/h5_dataset.hpp"

#include "output/chunk_filter.hpp"

namespace photoscore::h5 {

Id create_growing_dataset(hid_t parent, const char* name, hid_t type, hsize_t chunk_rows,
                          const std::string& path, const std::string& shown) {
  const hsize_t dims[1] = {0};
  const hsize_t max_dims[1] = {H5S_UNLIMITED};
  Id space = checked(H5Screate_simple(1, dims, max_dims), H5Sclose, path, "creating the space of " + shown);
  Id props = checked(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, path, "creating " + shown);
  check(H5Pset_chunk(props.get(), 1, &chunk_rows), path, "chunking " + shown);
  // Shuffle groups each byte of the records' fields together, so that the
  // strings' padding and the numbers' exponents compress well.
  check(H5Pset_shuffle(props.get()), path, "compressing " + shown);
  check(H5Pset_deflate(props.get(), static_cast<unsigned>(kDeflateLevel)), path, "compressing " + shown);
  return checked(H5Dcreate2(parent, name, type, space.get(), H5P_DEFAULT, props.get(), H5P_DEFAULT), H5Dclose,
                 path, "creating " + shown);
}

}  // namespace photoscore::h5
