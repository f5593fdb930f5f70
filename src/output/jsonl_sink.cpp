#include "output/jsonl_sink.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>

#include "output/partial_file.hpp"
#include "output/row_json.hpp"

namespace photoscore {

namespace {

// All of `data`, or false with errno set (a short write is retried, so the
// error it ends in is the one reported).
bool write_all(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    const ssize_t n = ::write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace

JsonlSink::JsonlSink(std::string path, std::vector<const AnalyzerSpec*> analyzers,
                     std::optional<std::uint64_t> keep)
    : path_(std::move(path)), schema_(std::move(analyzers)), keep_(keep) {
  if (path_.empty()) throw std::runtime_error("cannot write the JSONL file: --jsonl names no file");
  check_can_create(path_);
}

JsonlSink::~JsonlSink() {
  if (fd_ >= 0) ::close(fd_);
}

void JsonlSink::open(const RunInfo& info) {
  if (fd_ >= 0) throw std::logic_error("JsonlSink::open called twice");
  // The records first: a JSONL is never ahead of a .meta that describes
  // other rows than its own.
  if (!info.scoring_options.empty()) ledger_.open(jsonl_meta_path(path_), info.scoring_options, keep_);
  // No link followed: the JSONL is a file photoscore writes, not a way into another.
  const int flags = O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC | (keep_ ? 0 : O_TRUNC);
  fd_ = ::open(path_.c_str(), flags, 0644);
  if (fd_ < 0) throw std::runtime_error("cannot write " + path_ + ": " + std::strerror(errno));
  good_ = keep_.value_or(0);
  // --resume: a row cut short by a kill goes; whole rows stay as they are.
  if ((keep_ && ::ftruncate(fd_, static_cast<off_t>(good_)) != 0) ||
      ::lseek(fd_, static_cast<off_t>(good_), SEEK_SET) < 0) {
    throw std::runtime_error("cannot write " + path_ + ": " + std::strerror(errno));
  }
}

void JsonlSink::write(const ScoredRow& row, const ImageTiming&) {
  if (fd_ < 0) throw std::logic_error("JsonlSink::write before open");
  std::string line = row_to_json(row, schema_);
  line += '\n';
  // One write() per row, straight to the kernel: nothing is left in a
  // buffer for a kill to lose.
  if (!write_all(fd_, line.data(), line.size())) {
    const int err = errno;
    // Part of the row may have gone out: cut back to the last whole one,
    // so the file stays valid for readers and for --resume.
    if (::ftruncate(fd_, static_cast<off_t>(good_)) != 0) {
      // Nothing more to do; the reason that matters is the first one.
    }
    throw std::runtime_error("cannot write " + path_ + ": " + std::strerror(err));
  }
  good_ += line.size();
  if (ledger_.is_open()) {
    ledger_.add(line, row.path);
    ledger_.flush();
  }
}

void JsonlSink::close(const RunInfo&) {
  if (fd_ < 0) return;
  ledger_.close();
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) throw std::runtime_error("cannot write " + path_ + ": " + std::strerror(errno));
}

}  // namespace photoscore
