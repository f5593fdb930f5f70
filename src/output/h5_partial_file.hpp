#pragma once
// HDF5 opens files by name only. A temporary file made by create_partial
// (new, not a link) is handed to it as /proc/self/fd/N, the open file
// itself: whatever is put at its name in between, HDF5 writes the file
// photoscore made. Where /proc is not mounted, the name.
#include <sys/stat.h>

#include <string>

namespace photoscore {

inline std::string h5_partial_file(int fd, const std::string& partial) {
  const std::string self = "/proc/self/fd/" + std::to_string(fd);
  struct stat by_fd {};
  struct stat by_proc {};
  if (::fstat(fd, &by_fd) == 0 && ::stat(self.c_str(), &by_proc) == 0 && by_fd.st_ino == by_proc.st_ino &&
      by_fd.st_dev == by_proc.st_dev)
    return self;
  return partial;
}

}  // namespace photoscore
