#include "output/jsonl_sink.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>

#include "output/partial_file.hpp"
#include "output/row_json.hpp"
#include "output/row_schema.hpp"

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

void put_length(std::string& out, std::size_t n) {
  const auto v = static_cast<std::uint32_t>(n);
  out.append(reinterpret_cast<const char*>(&v), sizeof v);
}

std::string_view take_piece(std::string_view bytes, std::size_t& at) {
  std::uint32_t n = 0;
  if (bytes.size() - at < sizeof n) throw std::runtime_error("malformed JSONL rows");
  std::memcpy(&n, bytes.data() + at, sizeof n);
  at += sizeof n;
  if (bytes.size() - at < n) throw std::runtime_error("malformed JSONL rows");
  const std::string_view piece = bytes.substr(at, n);
  at += n;
  return piece;
}

class JsonlFormatter final : public RowFormatter {
 public:
  explicit JsonlFormatter(const FormatContext& context) : schema_(context.analyzers), started_ns_(context.started_ns) {}
  void format(const ScoredRow& row, const ImageTiming&, std::int64_t, std::string& out) const override {
    std::string line = row_to_json(row, schema_);
    line += '\n';
    // The photo as it was read: a resume checks it is still that photo. One
    // changed after the run began may have been read before or after.
    std::string photo = row.identity.empty() ? std::string("none") : row.identity;
    if (photo_changed_since(photo, started_ns_)) photo = "unstable";
    put_length(out, line.size());
    out += line;
    const std::string record = ledger_record(line.size(), photo, ledger_row_digest(line));
    put_length(out, record.size());
    out += record;
  }

 private:
  RowSchema schema_;
  std::int64_t started_ns_;
};

}  // namespace

std::unique_ptr<RowFormatter> make_jsonl_formatter(const FormatContext& context) {
  return std::make_unique<JsonlFormatter>(context);
}

JsonlSink::JsonlSink(std::string path, const FormatContext& context, std::optional<std::uint64_t> keep)
    : FormattingSink(RowFormat::Jsonl, context), path_(std::move(path)), keep_(keep) {
  if (path_.empty()) throw std::runtime_error("cannot write the JSONL file: --jsonl names no file");
  check_can_create(path_);
}

JsonlSink::~JsonlSink() {
  if (fd_ < 0) return;
  // Not closed: the run failed elsewhere. The rows it finished are still
  // its rows, and --resume goes on from them (their records were not
  // written: they are scored again, but nothing is lost).
  if (!pending_.empty() && write_all(fd_, pending_.data(), pending_.size())) good_ += pending_.size();
  ::close(fd_);
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

void JsonlSink::append(std::string_view rows, std::int64_t count) {
  if (fd_ < 0) throw std::logic_error("JsonlSink::append before open");
  std::string records;
  std::size_t at = 0;
  for (std::int64_t r = 0; r < count; ++r) {
    pending_ += take_piece(rows, at);
    records += take_piece(rows, at);
  }
  if (at != rows.size()) throw std::runtime_error("malformed JSONL rows");
  // The block's records, sealed, after its rows (flush() writes the rows first).
  if (ledger_.is_open() && count > 0) ledger_.append_block(records);
  if (pending_.size() >= kMaxPending) flush();
}

void JsonlSink::flush() {
  if (fd_ < 0) return;
  if (!pending_.empty()) {
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
  // The records of rows now in the file; never ahead of them.
  if (ledger_.is_open()) ledger_.flush();
}

void JsonlSink::close(const RunInfo&) {
  if (fd_ < 0) return;
  flush();
  ledger_.close();
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) throw std::runtime_error("cannot write " + path_ + ": " + std::strerror(errno));
}

}  // namespace photoscore
