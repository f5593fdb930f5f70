#include "output/jsonl_sink.hpp"

#include <fcntl.h>
#include <limits.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <vector>

#include "output/partial_file.hpp"
#include "output/row_json.hpp"
#include "output/row_schema.hpp"

namespace photoscore {

namespace {

// All of `pieces` in order, or false with errno set (a short writev goes
// on from where it stopped; at most IOV_MAX pieces a call).
bool writev_all(int fd, std::vector<iovec>& pieces) {
  std::size_t first = 0;
  while (first < pieces.size()) {
    const int n_pieces = static_cast<int>(std::min<std::size_t>(pieces.size() - first, IOV_MAX));
    ssize_t n = ::writev(fd, pieces.data() + first, n_pieces);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    while (first < pieces.size() && static_cast<std::size_t>(n) >= pieces[first].iov_len) {
      n -= static_cast<ssize_t>(pieces[first].iov_len);
      ++first;
    }
    if (first < pieces.size()) {
      pieces[first].iov_base = static_cast<char*>(pieces[first].iov_base) + n;
      pieces[first].iov_len -= static_cast<std::size_t>(n);
    }
  }
  return true;
}

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
  // Not closed: the run failed elsewhere. The rows it wrote are still its
  // rows, and --resume goes on from them (rows whose records were not
  // written are scored again: nothing is lost).
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
  // The block's lines go to the kernel straight from the block (one
  // writev, no copy into a buffer of our own): a block is already the
  // group commit, tens to hundreds of rows under MPI.
  std::vector<iovec> lines;
  lines.reserve(static_cast<std::size_t>(std::max<std::int64_t>(count, 0)));
  std::string records;
  std::size_t at = 0;
  std::size_t size = 0;
  for (std::int64_t r = 0; r < count; ++r) {
    const std::string_view line = take_piece(rows, at);
    lines.push_back({const_cast<char*>(line.data()), line.size()});
    size += line.size();
    records += take_piece(rows, at);
  }
  if (at != rows.size()) throw std::runtime_error("malformed JSONL rows");
  if (!writev_all(fd_, lines)) {
    const int err = errno;
    // Part of the block may have gone out: cut back to the last whole row
    // written before it, so the file stays valid for readers and --resume.
    if (::ftruncate(fd_, static_cast<off_t>(good_)) != 0) {
      // Nothing more to do; the reason that matters is the first one.
    }
    throw std::runtime_error("cannot write " + path_ + ": " + std::strerror(err));
  }
  good_ += size;
  // The block's records, sealed, after its rows: never ahead of them.
  if (ledger_.is_open() && count > 0) ledger_.append_block(records);
}

void JsonlSink::flush() {
  if (fd_ < 0) return;
  // The records of rows now in the file.
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
