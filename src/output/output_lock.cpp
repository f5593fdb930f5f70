#include "output/output_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace photoscore {

namespace {

std::string read_holder(int fd) {
  char text[256] = {};
  const ssize_t n = ::pread(fd, text, sizeof text - 1, 0);
  std::string holder(text, n > 0 ? static_cast<std::size_t>(n) : 0);
  while (!holder.empty() && (holder.back() == '\n' || holder.back() == ' ')) holder.pop_back();
  for (char& c : holder) {
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  }
  return holder;
}

}  // namespace

OutputLock::OutputLock(std::string path) : path_(std::move(path)) {
  // The holder removes the file when it ends: the lock may have been taken
  // on a file that is no longer at `path`, so it counts only if it is still
  // the one there; else try again on the new one.
  for (int attempt = 0; attempt < 100; ++attempt) {
    const int fd = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) throw std::runtime_error("cannot write " + path_ + ": " + std::strerror(errno));
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      const int err = errno;
      const std::string holder = read_holder(fd);
      ::close(fd);
      if (err == EWOULDBLOCK) {
        throw OutputBusy("another photoscore job (" + (holder.empty() ? std::string("pid unknown") : holder) +
                         ") is writing these outputs: " + path_ + " is locked");
      }
      throw std::runtime_error("cannot lock " + path_ + ": " + std::strerror(err));
    }
    struct stat held {};
    struct stat there {};
    if (::fstat(fd, &held) == 0 && ::stat(path_.c_str(), &there) == 0 && held.st_dev == there.st_dev &&
        held.st_ino == there.st_ino) {
      fd_ = fd;
      char host[256] = {};
      ::gethostname(host, sizeof host - 1);
      const std::string me = "pid " + std::to_string(::getpid()) + " on " + host + "\n";
      if (::ftruncate(fd_, 0) == 0 && ::pwrite(fd_, me.data(), me.size(), 0) < 0) {
        // Only the message of a second job depends on it.
      }
      return;
    }
    ::close(fd);
  }
  throw std::runtime_error("cannot lock " + path_ + ": it keeps being replaced");
}

OutputLock::~OutputLock() {
  if (fd_ < 0) return;
  // Unlinked while still held, so nobody can take the old file's lock in
  // between (they check that theirs is the file at the path).
  ::unlink(path_.c_str());
  ::close(fd_);
}

}  // namespace photoscore
