#pragma once
// The advisory lock a run holds on its outputs: flock() on NAME.lock beside
// the JSONL, taken before any output is looked at and held until the end,
// on the writing rank only. A second job on the same outputs finds it held
// and stops at once, instead of interleaving its rows with ours. The lock
// goes with the process (even one killed outright); the file is removed at
// the end of a run that ends normally, and a stale one is harmless.
#include <stdexcept>
#include <string>

namespace photoscore {

// Another process holds the lock.
class OutputBusy : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class OutputLock {
 public:
  // Throws OutputBusy (the message names the holder's pid and host), or
  // std::runtime_error ("cannot write PATH: ...") when the lock file cannot
  // be made.
  explicit OutputLock(std::string path);
  ~OutputLock();
  OutputLock(const OutputLock&) = delete;
  OutputLock& operator=(const OutputLock&) = delete;

 private:
  std::string path_;
  int fd_ = -1;
};

}  // namespace photoscore
