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

// Lines gathered past this go out without waiting for the runner's flush.
constexpr std::size_t kMaxPending = std::size_t{1} << 20;

class JsonlFormatter final : public RowFormatter {
 public:
  explicit JsonlFormatter(const FormatContext& context) : schema_(context.analyzers) {}
  void format(const ScoredRow& row, const ImageTiming&, std::int64_t, std::string& out) const override {
    out += row_to_json(row, schema_);
    out += '\n';
  }

 private:
  RowSchema schema_;
};

}  // namespace

std::unique_ptr<RowFormatter> make_jsonl_formatter(const FormatContext& context) {
  return std::make_unique<JsonlFormatter>(context);
}

std::string jsonl_meta_path(const std::string& jsonl_path) { return jsonl_path + ".meta"; }

JsonlSink::JsonlSink(std::string path, const FormatContext& context, std::optional<std::uint64_t> keep)
    : FormattingSink(RowFormat::Jsonl, context), path_(std::move(path)), keep_(keep) {
  if (path_.empty()) throw std::runtime_error("cannot write the JSONL file: --jsonl names no file");
  check_can_create(path_);
}

JsonlSink::~JsonlSink() {
  if (fd_ < 0) return;
  // Not closed: the run failed elsewhere. The rows it finished are still
  // its rows, and --resume goes on from them.
  if (!pending_.empty() && write_all(fd_, pending_.data(), pending_.size())) good_ += pending_.size();
  ::close(fd_);
}

void JsonlSink::open(const RunInfo& info) {
  if (fd_ >= 0) throw std::logic_error("JsonlSink::open called twice");
  const int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (keep_ ? 0 : O_TRUNC);
  fd_ = ::open(path_.c_str(), flags, 0644);
  if (fd_ < 0) throw std::runtime_error("cannot write " + path_ + ": " + std::strerror(errno));
  good_ = keep_.value_or(0);
  // --resume: a row cut short by a kill goes; whole rows stay as they are.
  if ((keep_ && ::ftruncate(fd_, static_cast<off_t>(good_)) != 0) ||
      ::lseek(fd_, static_cast<off_t>(good_), SEEK_SET) < 0) {
    throw std::runtime_error("cannot write " + path_ + ": " + std::strerror(errno));
  }
  if (!info.scoring_options.empty()) write_whole_file(jsonl_meta_path(path_), info.scoring_options + "\n");
}

void JsonlSink::append(std::string_view lines, std::int64_t) {
  if (fd_ < 0) throw std::logic_error("JsonlSink::append before open");
  pending_.append(lines);
  if (pending_.size() >= kMaxPending) flush();
}

void JsonlSink::flush() {
  if (fd_ < 0 || pending_.empty()) return;
  // Whole lines in one write() straight to the kernel: what it returned
  // from survives the process.
  if (!write_all(fd_, pending_.data(), pending_.size())) {
    const int err = errno;
    // Part of the block may have gone out: cut back to the last whole row
    // written before it, so the file stays valid for readers and --resume.
    if (::ftruncate(fd_, static_cast<off_t>(good_)) != 0) {
      // Nothing more to do; the reason that matters is the first one.
    }
    pending_.clear();
    throw std::runtime_error("cannot write " + path_ + ": " + std::strerror(err));
  }
  good_ += pending_.size();
  pending_.clear();
}

void JsonlSink::close(const RunInfo&) {
  if (fd_ < 0) return;
  flush();
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) throw std::runtime_error("cannot write " + path_ + ": " + std::strerror(errno));
}

}  // namespace photoscore
