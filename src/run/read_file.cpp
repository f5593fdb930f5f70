#include "run/read_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "output/resume_ledger.hpp"

namespace photoscore {

namespace {

std::string kind_of(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

bool refuse_size(std::uint64_t size, std::uint64_t max_bytes, std::string& error) {
  if (size <= max_bytes) return false;
  error = "file of " + std::to_string(size) + " bytes is over the limit of " + std::to_string(max_bytes) +
          " bytes (--max-file-mb)";
  return true;
}

struct Fd {
  int fd;
  ~Fd() { ::close(fd); }
};

}  // namespace

bool read_file(const std::string& path, std::vector<std::uint8_t>& bytes, std::string& error,
               std::uint64_t max_bytes, std::string* identity) {
  bytes.clear();
  const auto stamp = [&](const struct stat& s) {
    if (identity)
      *identity = photo_identity(static_cast<std::uint64_t>(s.st_size),
                                 static_cast<std::int64_t>(s.st_mtim.tv_sec) * 1'000'000'000 + s.st_mtim.tv_nsec,
                                 static_cast<std::int64_t>(s.st_ctim.tv_sec) * 1'000'000'000 + s.st_ctim.tv_nsec,
                                 static_cast<std::uint64_t>(s.st_ino));
  };
  if (identity) *identity = "none";
  // Looked at before opening: opening a FIFO for reading waits for a writer.
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    error = std::string("cannot open file: ") + std::strerror(errno);
    return false;
  }
  stamp(st);
  if (!S_ISREG(st.st_mode)) {
    error = "cannot read file: it is " + kind_of(st.st_mode) + ", not a regular file";
    return false;
  }
  if (refuse_size(static_cast<std::uint64_t>(st.st_size), max_bytes, error)) return false;

  // O_NONBLOCK: should the path turn into a FIFO after the stat, the open
  // still returns at once, and the fstat below refuses it.
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) {
    error = std::string("cannot open file: ") + std::strerror(errno);
    return false;
  }
  const Fd guard{fd};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    error = "cannot read file: it is " + kind_of(st.st_mode) + ", not a regular file";
    return false;
  }
  stamp(st);  // the file read, should the path have changed since
  if (refuse_size(static_cast<std::uint64_t>(st.st_size), max_bytes, error)) return false;

  // Room for the whole file at once: no regrowth and recopying as it is
  // read. A file still growing is read up to one byte past the cap, to see.
  std::size_t size = 0;
  bytes.resize(static_cast<std::size_t>(st.st_size) + 1);
  for (;;) {
    if (size == bytes.size()) {
      if (refuse_size(size, max_bytes, error)) {
        bytes.clear();
        return false;
      }
      bytes.resize(std::min<std::uint64_t>(max_bytes + 1, std::uint64_t{2} * size + 4096));
    }
    const ssize_t got = ::read(fd, bytes.data() + size, bytes.size() - size);
    if (got < 0) {
      if (errno == EINTR) continue;
      error = std::string("cannot read file: ") + std::strerror(errno);
      bytes.clear();
      return false;
    }
    if (got == 0) break;
    size += static_cast<std::size_t>(got);
  }
  bytes.resize(size);
  return true;
}

}  // namespace photoscore
