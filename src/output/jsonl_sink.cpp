#include "output/jsonl_sink.hpp"

#include <fcntl.h>
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
#include "output/writev_all.hpp"
#include "record/byte_fields.hpp"

namespace photoscore {

namespace {

constexpr const char* kMalformed = "malformed JSONL rows";

// The newlines in `text`. memchr, not std::count: under MPI one rank writes
// every row of the job, and on its ~470-byte rows std::count's byte loop
// cost 0.14 us a row there against memchr's 0.014.
std::int64_t count_newlines(std::string_view text) {
  std::int64_t n = 0;
  if (text.empty()) return n;  // (its data may be null, which memchr must not see)
  const char* p = text.data();
  const char* const end = p + text.size();
  while ((p = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)))) != nullptr) {
    ++n;
    ++p;
  }
  return n;
}

class JsonlFormatter final : public RowFormatter {
 public:
  explicit JsonlFormatter(const FormatContext& context)
      : schema_(context.analyzers, context.grouping), started_ns_(context.started_ns) {}
  void format(const ScoredRow& row, const ImageTiming&, std::int64_t, std::string& out) const override {
    std::string line = row_to_json(row, schema_);
    line += '\n';
    // The photo as it was read: a resume checks it is still that photo. One
    // changed after the run began may have been read before or after.
    std::string photo = row.identity.empty() ? std::string("none") : row.identity;
    if (photo_changed_since(photo, started_ns_)) photo = "unstable";
    put_text_field(out, line);
    put_text_field(out, ledger_record(line.size(), photo, ledger_row_digest(line)));
  }
  // The block's lines together, then its records: [lines bytes][records
  // bytes] (uint64 each), the records' digest (ledger_block_digest), the
  // lines, the records. Rank 0 then writes the lines and the records each
  // with one writev() straight from the block it received, and hashes only
  // the digest into the .meta's chain.
  void seal(std::string& section, std::int64_t count) const override {
    std::string lines;
    std::string records;
    lines.reserve(section.size());
    std::size_t at = 0;
    for (std::int64_t r = 0; r < count; ++r) {
      lines += get_text_view_field(section, at, kMalformed);
      records += get_text_view_field(section, at, kMalformed);
    }
    if (at != section.size()) throw std::logic_error("JSONL rows: a section that is not whole rows");
    std::string out;
    out.reserve(2 * sizeof(std::uint64_t) + kLedgerDigits + lines.size() + records.size());
    put_field(out, static_cast<std::uint64_t>(lines.size()));
    put_field(out, static_cast<std::uint64_t>(records.size()));
    out += ledger_block_digest(records);
    out += lines;
    out += records;
    section = std::move(out);
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
  // One or more sealed pieces (JsonlFormatter::seal): their lines go to
  // the kernel straight from the block, one piece a segment of one writev.
  std::vector<iovec> lines;
  std::vector<LedgerBlock> records;
  std::size_t at = 0;
  std::size_t size = 0;
  std::int64_t newlines = 0;
  while (at < rows.size()) {
    const std::uint64_t line_bytes = get_field<std::uint64_t>(rows, at, kMalformed);
    const std::uint64_t record_bytes = get_field<std::uint64_t>(rows, at, kMalformed);
    if (rows.size() - at < kLedgerDigits || rows.size() - at - kLedgerDigits < line_bytes ||
        rows.size() - at - kLedgerDigits - line_bytes < record_bytes)
      throw std::runtime_error("malformed JSONL rows");
    const std::string_view digest = rows.substr(at, kLedgerDigits);
    at += kLedgerDigits;
    const std::string_view text = rows.substr(at, line_bytes);
    at += line_bytes;
    records.push_back({rows.substr(at, record_bytes), digest});
    at += record_bytes;
    newlines += count_newlines(text);
    if (text.empty()) continue;
    lines.push_back({const_cast<char*>(text.data()), text.size()});
    size += text.size();
  }
  // A JSON line holds no raw newline: one a row, or the block is not whole rows.
  if (newlines != count) throw std::runtime_error("malformed JSONL rows");
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
  // The blocks' records, each sealed, after their rows: never ahead of them.
  if (ledger_.is_open()) ledger_.write(records);
}

void JsonlSink::close(const RunInfo&) {
  if (fd_ < 0) return;
  ledger_.close();
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) throw std::runtime_error("cannot write " + path_ + ": " + std::strerror(errno));
}

}  // namespace photoscore
