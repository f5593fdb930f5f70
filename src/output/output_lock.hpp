#pragma once
// The advisory locks a run holds on its outputs: flock() on NAME.lock
// beside each output file (JSONL, HDF5, CSV, report, summary) and beside
// a --link-into folder (DIR.lock), and on .photoscore-xmp.lock in the input
// folder for --xmp, taken before any output is looked at and
// held until the end, on the writing rank only. A second job sharing any
// one of them (another --jsonl, but the same default photo_scores.h5) finds
// it held and stops at once, instead of replacing our file with its own.
// The locks go with the process (even one killed outright); the files are
// removed at the end of a run that ends normally, and a stale one is
// harmless. A lock file is made new (O_EXCL) and never through a link; an
// existing file that is not photoscore's lock file (its text says) is
// neither used nor removed without --force.
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace photoscore {

// Another process holds the lock.
class OutputBusy : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The lock's name is taken by something photoscore did not make (a link, a
// user's file) and --force did not say it may be replaced.
class OutputNotOurs : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class OutputLock {
 public:
  // Throws OutputBusy (the message names the holder's pid and host),
  // OutputNotOurs, or std::runtime_error ("cannot write PATH: ...") when the
  // lock file cannot be made.
  explicit OutputLock(std::string path, bool force = false);
  ~OutputLock();
  OutputLock(const OutputLock&) = delete;
  OutputLock& operator=(const OutputLock&) = delete;

 private:
  std::string path_;
  int fd_ = -1;
};

// Every lock of a run's outputs.
class OutputLocks {
 public:
  // `optional`: a folder where no file can be made (a read-only photo
  // folder, for --xmp) is no error: nothing can be written there either.
  void add(std::string path, bool force, bool optional = false);

 private:
  std::vector<std::unique_ptr<OutputLock>> locks_;
};

}  // namespace photoscore
