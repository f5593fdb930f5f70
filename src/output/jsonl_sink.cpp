#include "output/jsonl_sink.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <utility>
#include <vector>

#include "output/jsonl_pieces.hpp"
#include "output/partial_file.hpp"
#include "output/row_json.hpp"
#include "output/row_schema.hpp"
#include "output/writev_all.hpp"
#include "record/byte_fields.hpp"

namespace photoscore {

namespace {

constexpr const char* kMalformed = "malformed JSONL rows";

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
  good_ = reserved_ = keep_.value_or(0);
  // --resume: a row cut short by a kill goes, and so does whatever a killed
  // run left after the last sealed row; whole rows stay as they are.
  if (keep_ && ::ftruncate(fd_, static_cast<off_t>(good_)) != 0)
    throw std::runtime_error("cannot write " + path_ + ": " + std::strerror(errno));
}

std::optional<JsonlTarget> JsonlSink::lane_target() const {
  if (fd_ < 0) return std::nullopt;
  JsonlTarget target;
  target.path = path_;
  target.identity = open_file_identity(fd_);
  if (ledger_.is_open()) {
    target.meta_path = ledger_.path();
    target.meta_identity = ledger_.identity();
  }
  return target;
}

void JsonlSink::append(std::string_view rows, std::int64_t count) {
  if (fd_ < 0) throw std::logic_error("JsonlSink::append before open");
  // One or more pieces (jsonl_pieces.hpp), each given its place in the
  // JSONL and in NAME.meta now, in file order. A full piece's lines go to
  // the kernel straight from the block, one piece a segment of a pwritev
  // (consecutive pieces together), then its records and seal; a stub's are
  // written by its owner where the grant says.
  const std::vector<JsonlPiece> pieces = read_jsonl_pieces(rows);
  std::uint64_t newlines = 0;
  for (const JsonlPiece& p : pieces) newlines += p.stub ? p.rows : count_newlines(p.lines);
  // A JSON line holds no raw newline: one a row, or the block is not whole rows.
  if (newlines != static_cast<std::uint64_t>(count)) throw std::runtime_error("malformed JSONL rows");
  struct Run {
    std::uint64_t at = 0;
    std::uint64_t end = 0;
    std::vector<iovec> lines;
  };
  std::vector<Run> runs;
  std::vector<std::pair<LedgerWriter::Place, std::string_view>> records;
  for (const JsonlPiece& p : pieces) {
    if (p.line_bytes == 0) continue;
    const std::uint64_t at = reserved_;
    reserved_ += p.line_bytes;
    LedgerWriter::Place place{kNoRecords, {}};
    if (ledger_.is_open() && p.record_bytes > 0) place = ledger_.reserve(p.record_bytes, p.digest);
    if (p.stub) {
      if (!stubs_.emplace(std::make_pair(p.owner, p.key), front_ + waiting_.size()).second)
        throw std::runtime_error("rank " + std::to_string(p.owner) +
                                 " sent two blocks of rows under one key");
      waiting_.push_back({reserved_, false});
      grants_.push_back({p.owner, p.key, at, place.at, std::move(place.seal)});
      continue;
    }
    waiting_.push_back({reserved_, true});
    if (runs.empty() || runs.back().end != at) runs.push_back({at, at, {}});
    runs.back().lines.push_back({const_cast<char*>(p.lines.data()), p.lines.size()});
    runs.back().end += p.lines.size();
    if (place.at != kNoRecords) records.emplace_back(std::move(place), p.records);
  }
  for (Run& run : runs) {
    if (!pwritev_all(fd_, run.lines, run.at)) {
      const int err = errno;
      cut_back();
      throw std::runtime_error("cannot write " + path_ + ": " + std::strerror(err));
    }
  }
  for (const auto& [place, text] : records) ledger_.write(place, text);
  advance();
}

void JsonlSink::landed(std::uint64_t owner, std::uint64_t key) {
  // Looked up, not searched: a slow lane can leave thousands of blocks waiting.
  const auto it = stubs_.find({owner, key});
  if (it != stubs_.end()) {
    waiting_[static_cast<std::size_t>(it->second - front_)].down = true;
    stubs_.erase(it);
    advance();
    return;
  }
  throw std::runtime_error("rank " + std::to_string(owner) + " wrote rows of " + path_ +
                           " that were not given to it (" + std::to_string(key) + ")");
}

void JsonlSink::advance() {
  while (!waiting_.empty() && waiting_.front().down) {
    good_ = waiting_.front().end;
    waiting_.pop_front();
    ++front_;
  }
}

void JsonlSink::cut_back() {
  // Part of a block may have gone out, and blocks after the last sealed
  // one may be partly down: cut back to the last whole row sealed, so the
  // file stays valid for readers and --resume.
  if (::ftruncate(fd_, static_cast<off_t>(good_)) != 0) {
    // Nothing more to do; the reason that matters is the first one.
  }
}

std::vector<JsonlGrant> JsonlSink::take_grants() { return std::exchange(grants_, {}); }

void JsonlSink::close(const RunInfo&) {
  if (fd_ < 0) return;
  if (!waiting_.empty())
    throw std::logic_error("JsonlSink::close with " + std::to_string(waiting_.size()) +
                           " blocks of rows not down");
  ledger_.close();
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) throw std::runtime_error("cannot write " + path_ + ": " + std::strerror(errno));
}

}  // namespace photoscore
