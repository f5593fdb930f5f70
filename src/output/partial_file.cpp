#include "output/partial_file.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>

#include "output/sha256.hpp"
#include "output/utf8.hpp"

namespace photoscore {

namespace {

constexpr std::size_t kNameMax = 255;  // bytes of one name, on every file system photoscore writes to

std::string folder_of(const std::string& path) {
  const auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

std::string name_of(const std::string& path) {
  const auto slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string prefix_of(const std::string& path) {
  const auto slash = path.find_last_of('/');
  return slash == std::string::npos ? std::string() : path.substr(0, slash + 1);
}

// The name a long name's temporary files share: a dotfile, so a listing of
// photos passes over it.
std::string short_stem(const std::string& name) { return ".photoscore-" + sha256_hex(name, 16); }

// The pid in NAME.partial-PID or NAME.partial-PID-N (`entry` after the
// stem), or -1.
long partial_pid(std::string_view entry, std::string_view stem) {
  constexpr std::string_view kMark = ".partial-";
  if (entry.size() <= stem.size() + kMark.size() || entry.substr(0, stem.size()) != stem ||
      entry.substr(stem.size(), kMark.size()) != kMark)
    return -1;
  std::string_view rest = entry.substr(stem.size() + kMark.size());
  long pid = 0;
  std::size_t i = 0;
  for (; i < rest.size() && rest[i] >= '0' && rest[i] <= '9' && i < 10; ++i) pid = pid * 10 + (rest[i] - '0');
  if (i == 0) return -1;
  if (i == rest.size()) return pid;
  if (rest[i] != '-' || i + 1 == rest.size()) return -1;
  for (std::size_t k = i + 1; k < rest.size(); ++k) {
    if (rest[k] < '0' || rest[k] > '9') return -1;
  }
  return pid;
}

}  // namespace

void check_can_create(const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
    throw std::runtime_error("cannot write " + path + ": " + std::strerror(EISDIR));
  }
  const std::string folder = folder_of(path);
  if (access(folder.c_str(), W_OK | X_OK) != 0) {
    throw std::runtime_error("cannot write " + path + ": " + folder + ": " + std::strerror(errno));
  }
}

std::string partial_name(const std::string& path) { return path + ".partial-" + std::to_string(getpid()); }

int create_partial(const std::string& path, std::string& partial) {
  const std::string name = name_of(path);
  const std::string pid = std::to_string(getpid());
  // ".partial-PID-NNN": room for the longest suffix this tries.
  const bool long_name = name.size() + std::string_view(".partial-").size() + pid.size() + 4 > kNameMax;
  const std::string stem = prefix_of(path) + (long_name ? short_stem(name) : name);
  for (int attempt = 1; attempt <= 100; ++attempt) {
    partial = stem + ".partial-" + pid + (attempt > 1 ? "-" + std::to_string(attempt) : "");
    const int fd = ::open(partial.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd >= 0) return fd;
    if (errno != EEXIST) {
      throw std::runtime_error("cannot write " + path + ": " + partial + ": " + std::strerror(errno));
    }
  }
  throw std::runtime_error("cannot write " + path + ": 100 temporary names beside it are taken");
}

std::FILE* create_partial_stream(const std::string& path, std::string& partial) {
  const int fd = create_partial(path, partial);
  std::FILE* f = ::fdopen(fd, "w");
  if (!f) {
    const int err = errno;
    ::close(fd);
    ::unlink(partial.c_str());
    throw std::runtime_error("cannot write " + path + ": " + std::strerror(err));
  }
  return f;
}

void publish(const std::string& partial, const std::string& path) {
  // On disk before it takes the final name, so a crash right after the
  // rename cannot leave a truncated file there.
  const int fd = ::open(partial.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0 || ::fsync(fd) != 0) {
    const int err = errno;
    if (fd >= 0) ::close(fd);
    throw std::runtime_error("cannot write " + path + ": syncing " + partial + ": " + std::strerror(err));
  }
  ::close(fd);
  if (std::rename(partial.c_str(), path.c_str()) != 0) {
    throw std::runtime_error("cannot write " + path + ": renaming " + partial + ": " + std::strerror(errno));
  }
}

void write_whole_file(const std::string& path, std::string_view text) {
  std::string partial;
  std::FILE* f = create_partial_stream(path, partial);
  const bool written = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  const int err = errno;
  if (std::fclose(f) != 0 || !written) {
    const int saved = written ? errno : err;
    ::unlink(partial.c_str());
    throw std::runtime_error("cannot write " + path + ": " + std::strerror(saved));
  }
  try {
    publish(partial, path);
  } catch (...) {
    ::unlink(partial.c_str());
    throw;
  }
}

int remove_dead_partials(const std::string& path, std::string_view magic, std::FILE* messages) {
  const std::string folder = folder_of(path);
  const std::string name = name_of(path);
  const std::string stems[] = {name, short_stem(name)};
  DIR* dir = ::opendir(folder.c_str());
  if (!dir) return 0;
  int removed = 0;
  const int dir_fd = ::dirfd(dir);
  while (const dirent* entry = ::readdir(dir)) {
    const std::string_view entry_name = entry->d_name;
    long pid = -1;
    for (const std::string& stem : stems) {
      if (pid < 0) pid = partial_pid(entry_name, stem);
    }
    if (pid <= 0 || pid == ::getpid()) continue;
    // Alive here: maybe another program now has that pid; leave the file.
    if (::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH) continue;
    const int fd = ::openat(dir_fd, entry->d_name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) continue;  // a link (ELOOP), or unreadable: not ours to judge
    struct stat st {};
    bool ours = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == ::geteuid() && st.st_nlink == 1;
    if (ours && st.st_size > 0) {
      std::string head(magic.size(), '\0');
      const ssize_t n = ::pread(fd, head.data(), head.size(), 0);
      ours = n == static_cast<ssize_t>(magic.size()) && head == magic;
    }
    ::close(fd);
    if (!ours) continue;
    if (::unlinkat(dir_fd, entry->d_name, 0) == 0) {
      ++removed;
      if (messages) {
        std::fprintf(messages, "photoscore: removed %s, left by a run that did not finish (pid %ld)\n",
                     for_terminal(folder + "/" + std::string(entry_name)).c_str(), pid);
      }
    }
  }
  ::closedir(dir);
  return removed;
}

}  // namespace photoscore
