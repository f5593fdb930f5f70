#include "output/output_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace photoscore {

namespace {

constexpr std::string_view kHolderMark = "photoscore ";

std::string read_text(int fd) {
  char text[256] = {};
  const ssize_t n = ::pread(fd, text, sizeof text - 1, 0);
  return std::string(text, n > 0 ? static_cast<std::size_t>(n) : 0);
}

// "pid 1234 on node7", from "photoscore pid 1234 on node7\n" (or the bare
// "pid ..." of the format before).
std::string holder_of(std::string text) {
  if (text.substr(0, kHolderMark.size()) == kHolderMark) text.erase(0, kHolderMark.size());
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  for (char& c : text) {
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  }
  return text;
}

// Ours: empty (made, then killed before its line was written), or the line
// a photoscore writes there.
bool is_lock_text(const std::string& text) {
  if (text.empty()) return true;
  const auto nl = text.find('\n');
  if (nl == std::string::npos || nl + 1 != text.size() || text.size() > 200) return false;
  return text.substr(0, kHolderMark.size() + 4) == std::string(kHolderMark) + "pid " ||
         text.substr(0, 4) == "pid ";
}

bool same_file(int fd, const std::string& path) {
  struct stat held {};
  struct stat there {};
  return ::fstat(fd, &held) == 0 && ::lstat(path.c_str(), &there) == 0 && held.st_dev == there.st_dev &&
         held.st_ino == there.st_ino;
}

}  // namespace

OutputLock::OutputLock(std::string path, bool force) : path_(std::move(path)) {
  // The holder removes the file when it ends: the lock may have been taken
  // on a file that is no longer at `path`, so it counts only if it is still
  // the one there; else try again on the new one.
  for (int attempt = 0; attempt < 100; ++attempt) {
    int fd = ::open(path_.c_str(), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0 && errno == EEXIST) {
      fd = ::open(path_.c_str(), O_RDWR | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
      if (fd < 0 && errno == ENOENT) continue;  // removed in between: make it again
      struct stat st {};
      const bool link = fd < 0 && errno == ELOOP;
      const bool regular = fd >= 0 && ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
      if (link || (fd >= 0 && (!regular || !is_lock_text(read_text(fd))))) {
        if (fd >= 0) ::close(fd);
        if (!force || (!link && !regular)) {
          throw OutputNotOurs(path_ + " exists and is not photoscore's lock file (" +
                              (link      ? "a symbolic link"
                               : regular ? "its text is not a lock's"
                                         : "not a regular file") +
                              "): photoscore neither uses nor removes it" +
                              (link || regular ? "; --force replaces it" : ""));
        }
        // --force: replaced, as the results are; a link itself, never its target.
        if (::unlink(path_.c_str()) != 0 && errno != ENOENT)
          throw std::runtime_error("cannot replace " + path_ + ": " + std::strerror(errno));
        continue;
      }
    }
    if (fd < 0) throw std::runtime_error("cannot write " + path_ + ": " + std::strerror(errno));
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      const int err = errno;
      const std::string holder = holder_of(read_text(fd));
      ::close(fd);
      if (err == EWOULDBLOCK) {
        throw OutputBusy("another photoscore job (" + (holder.empty() ? std::string("pid unknown") : holder) +
                         ") is writing these outputs: " + path_ + " is locked");
      }
      throw std::runtime_error("cannot lock " + path_ + ": " + std::strerror(err));
    }
    if (same_file(fd, path_)) {
      fd_ = fd;
      char host[256] = {};
      ::gethostname(host, sizeof host - 1);
      const std::string me =
          std::string(kHolderMark) + "pid " + std::to_string(::getpid()) + " on " + host + "\n";
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
  // between (they check that theirs is the file at the path); only if it is
  // still our file there.
  if (same_file(fd_, path_)) ::unlink(path_.c_str());
  ::close(fd_);
}

void OutputLocks::add(std::string path, bool force, bool optional) {
  try {
    locks_.push_back(std::make_unique<OutputLock>(std::move(path), force));
  } catch (const OutputBusy&) {
    throw;
  } catch (const OutputNotOurs&) {
    throw;
  } catch (const std::runtime_error&) {
    if (!optional) throw;
  }
}

}  // namespace photoscore
