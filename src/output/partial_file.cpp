#include "output/partial_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>

namespace photoscore {

namespace {

std::string folder_of(const std::string& path) {
  const auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
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

void publish(const std::string& partial, const std::string& path) {
  // On disk before it takes the final name, so a crash right after the
  // rename cannot leave a truncated file there.
  const int fd = ::open(partial.c_str(), O_RDONLY | O_CLOEXEC);
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
  const std::string partial = partial_name(path);
  std::FILE* f = std::fopen(partial.c_str(), "w");
  if (!f) throw std::runtime_error("cannot write " + path + ": " + std::strerror(errno));
  const bool written = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  const int err = errno;
  if (std::fclose(f) != 0 || !written) {
    const int saved = written ? errno : err;
    std::remove(partial.c_str());
    throw std::runtime_error("cannot write " + path + ": " + std::strerror(saved));
  }
  try {
    publish(partial, path);
  } catch (...) {
    std::remove(partial.c_str());
    throw;
  }
}

}  // namespace photoscore
