#include "output/h5_attributes.hpp"

#include "output/h5_error.hpp"
#include "output/utf8.hpp"

namespace photoscore::h5 {

void Attributes::str(const char* name, const std::string& value) {
  Id type = utf8_string_type(path_);
  Id space = checked(H5Screate(H5S_SCALAR), H5Sclose, path_, std::string("attribute ") + name);
  const std::string text = as_utf8(value);
  const char* p = text.c_str();
  write(name, type.get(), type.get(), space.get(), &p);
}

void Attributes::strings(const char* name, const std::vector<std::string>& values) {
  Id type = utf8_string_type(path_);
  const hsize_t n = values.size();
  Id space = checked(H5Screate_simple(1, &n, nullptr), H5Sclose, path_, std::string("attribute ") + name);
  std::vector<std::string> text;
  for (const auto& v : values) text.push_back(as_utf8(v));
  std::vector<const char*> ptrs;
  for (const auto& t : text) ptrs.push_back(t.c_str());
  write(name, type.get(), type.get(), space.get(), ptrs.data());
}

void Attributes::f64s(const char* name, const std::vector<double>& values) {
  const hsize_t n = values.size();
  Id space = checked(H5Screate_simple(1, &n, nullptr), H5Sclose, path_, std::string("attribute ") + name);
  write(name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, space.get(), values.data());
}

void Attributes::scalar(const char* name, hid_t stored, hid_t native, const void* value) {
  Id space = checked(H5Screate(H5S_SCALAR), H5Sclose, path_, std::string("attribute ") + name);
  write(name, stored, native, space.get(), value);
}

void Attributes::write(const char* name, hid_t stored, hid_t native, hid_t space, const void* value) {
  const std::string what = std::string("attribute ") + name;
  Id attr =
      checked(H5Acreate2(object_, name, stored, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose, path_, what);
  check(H5Awrite(attr.get(), native, value), path_, what);
}

}  // namespace photoscore::h5
