#include "output/h5_error.hpp"

#include <stdexcept>

namespace photoscore::h5 {

// The innermost message of the HDF5 error stack, where the failure was
// detected: the outer frames only repeat the API call's name, and the stack
// as HDF5 prints it is a page long. The file drivers embed the system's
// reason ("error message = 'No space left on device'"); that alone is what a
// user needs.
std::string hdf5_reason() {
  std::string desc;
  std::string minor;
  struct Found {
    std::string* desc;
    std::string* minor;
  } found{&desc, &minor};
  H5Ewalk2(
      H5E_DEFAULT, H5E_WALK_UPWARD,
      [](unsigned, const H5E_error2_t* e, void* data) -> herr_t {
        auto& f = *static_cast<Found*>(data);
        *f.desc = e->desc ? e->desc : "";
        char text[128] = {};
        if (H5Eget_msg(e->min_num, nullptr, text, sizeof text) > 0) *f.minor = text;
        return 1;  // stop after the innermost frame
      },
      &found);
  H5Eclear2(H5E_DEFAULT);
  const std::string marker = "error message = '";
  if (const auto at = desc.find(marker); at != std::string::npos) {
    const auto start = at + marker.size();
    const auto end = desc.find('\'', start);
    if (end != std::string::npos)
      return desc.substr(start, end - start) + (minor.empty() ? "" : " (" + minor + ")");
  }
  std::string reason = desc;
  if (!minor.empty()) {
    if (!reason.empty()) reason += ' ';
    reason += '(';
    reason += minor;
    reason += ')';
  }
  for (char& c : reason) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return reason.empty() ? "unknown HDF5 error" : reason;
}

void fail(const std::string& path, const std::string& what) {
  throw std::runtime_error("cannot write " + path + ": " + what + " failed: " + hdf5_reason());
}

Id checked(hid_t id, herr_t (*closer)(hid_t), const std::string& path, const std::string& what) {
  if (id < 0) fail(path, what);
  return Id(id, closer);
}

void check(herr_t status, const std::string& path, const std::string& what) {
  if (status < 0) fail(path, what);
}

Id utf8_string_type(const std::string& path) {
  Id type = checked(H5Tcopy(H5T_C_S1), H5Tclose, path, "creating a string type");
  check(H5Tset_size(type.get(), H5T_VARIABLE), path, "creating a string type");
  check(H5Tset_cset(type.get(), H5T_CSET_UTF8), path, "creating a string type");
  return type;
}

}  // namespace photoscore::h5
