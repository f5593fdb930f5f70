#pragma once
// The HDF5 C API made safe to call: ids that close themselves, and calls
// that throw one line with the reason instead of printing a page of trace.
#include <hdf5.h>

#include <string>

namespace photoscore::h5 {

// The innermost message of the HDF5 error stack (and clears the stack).
std::string hdf5_reason();

// Throws "cannot write PATH: WHAT failed: REASON".
[[noreturn]] void fail(const std::string& path, const std::string& what);

// HDF5 ids are plain integers; this releases each one also when a later
// call throws.
class Id {
 public:
  Id() = default;
  Id(hid_t id, herr_t (*closer)(hid_t)) : id_(id), closer_(closer) {}
  Id(const Id&) = delete;
  Id& operator=(const Id&) = delete;
  Id(Id&& o) noexcept : id_(o.id_), closer_(o.closer_) { o.id_ = H5I_INVALID_HID; }
  Id& operator=(Id&& o) noexcept {
    if (this != &o) {
      reset();
      id_ = o.id_;
      closer_ = o.closer_;
      o.id_ = H5I_INVALID_HID;
    }
    return *this;
  }
  ~Id() { reset(); }
  hid_t get() const { return id_; }
  // Closing a file is where buffered data reaches the disk, so its failure
  // must be seen: close() reports it, reset() (for unwinding) does not.
  herr_t close() {
    herr_t status = 0;
    if (id_ >= 0 && closer_) status = closer_(id_);
    id_ = H5I_INVALID_HID;
    return status;
  }
  void reset() { (void)close(); }

 private:
  hid_t id_ = H5I_INVALID_HID;
  herr_t (*closer_)(hid_t) = nullptr;
};

// Returns `id` or throws: every create/open call goes through here.
Id checked(hid_t id, herr_t (*closer)(hid_t), const std::string& path, const std::string& what);

void check(herr_t status, const std::string& path, const std::string& what);

// Variable-length UTF-8: the one string type of every table and attribute.
Id utf8_string_type(const std::string& path);

}  // namespace photoscore::h5
