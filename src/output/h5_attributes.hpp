#pragma once
#include <hdf5.h>

#include <cstdint>
#include <string>
#include <vector>

namespace photoscore::h5 {

// Writes attributes on one HDF5 object (a group or dataset), each stored
// with a little-endian standard type or as variable-length UTF-8.
class Attributes {
 public:
  Attributes(hid_t object, const std::string& path) : object_(object), path_(path) {}

  void str(const char* name, const std::string& value);
  void strings(const char* name, const std::vector<std::string>& values);
  void f64(const char* name, double value) { scalar(name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &value); }
  void i32(const char* name, std::int32_t value) { scalar(name, H5T_STD_I32LE, H5T_NATIVE_INT32, &value); }
  void i64(const char* name, std::int64_t value) { scalar(name, H5T_STD_I64LE, H5T_NATIVE_INT64, &value); }
  void f64s(const char* name, const std::vector<double>& values);

 private:
  void scalar(const char* name, hid_t stored, hid_t native, const void* value);
  void write(const char* name, hid_t stored, hid_t native, hid_t space, const void* value);

  hid_t object_;
  std::string path_;
};

}  // namespace photoscore::h5
