#pragma once
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "output/jsonl_pieces.hpp"
#include "output/resume_ledger.hpp"
#include "output/row_sink.hpp"

namespace photoscore {

// The archive: one JSON line per photo, written to PATH itself (no
// temporary name), so an interrupted job leaves a valid file of what it
// finished. Rows are written in blocks of whole lines (a group commit),
// each at the place its turn in file order gives it: in thread mode the
// rows ready together, in one pwritev() straight from the block; under MPI
// a block a group merged (sent at least every quarter second), written by
// the rank that formatted it where it sees this very file
// (jsonl_pieces.hpp), else here. A job killed outright loses only the rows
// not yet written (under MPI at most about a second of them), which
// --resume scores again; under MPI, where blocks land in any order, a kill
// can also leave a gap of zero bytes after the last sealed row, before
// later blocks' lines, which --resume cuts with them.
// PATH is opened, and an older file there cut, only in open(), once the run
// has started (the other sinks opened first: make_sinks adds this one after
// them). A failed write cuts the file back to its last whole row.
//
// Beside it, PATH.meta (resume_ledger.hpp) gets a record of every row,
// formatted with the row where the photo was scored (the photo as it was
// read, the row's digest), and a seal over each block's records, written
// after the block's rows.
class JsonlSink final : public FormattingSink {
 public:
  // `keep`: --resume: keep the first `keep` bytes of PATH (whole rows) and
  // append after them. Otherwise PATH is written from empty.
  JsonlSink(std::string path, const FormatContext& context, std::optional<std::uint64_t> keep = {});
  // With the default context (any name fits): for tests and one-off callers.
  JsonlSink(std::string path, std::vector<const AnalyzerSpec*> analyzers, std::optional<std::uint64_t> keep = {})
      : JsonlSink(std::move(path), default_context(std::move(analyzers)), keep) {}
  ~JsonlSink() override;
  JsonlSink(const JsonlSink&) = delete;
  JsonlSink& operator=(const JsonlSink&) = delete;

  // Starts PATH.meta (when info.scoring_options is set: the options and,
  // as rows are written, a record of each, for a later --resume to check),
  // then opens PATH.
  void open(const RunInfo& info) override;
  // A kept row is already in the file (the bytes kept).
  void resume(const ScoredRow&) override {}
  void append(std::string_view rows, std::int64_t count) override;
  // Where other ranks may write rows themselves (once open).
  std::optional<JsonlTarget> lane_target() const override;
  // The places given to stubs appended since the last call, for their owners.
  std::vector<JsonlGrant> take_grants() override;
  // The owner of a stub says its lines and records are down.
  void landed(std::uint64_t owner, std::uint64_t key) override;
  // Blocks whose rows are not all down yet.
  bool awaiting_lanes() const override { return !waiting_.empty(); }
  void close(const RunInfo& info) override;

 private:
  struct Waiting {
    std::uint64_t end = 0;  // the JSONL's end after its lines
    bool down = false;      // its lines, records and seal are written
  };
  void advance();
  void cut_back();

  std::string path_;
  std::optional<std::uint64_t> keep_;
  int fd_ = -1;
  std::uint64_t good_ = 0;          // bytes of whole rows in the file, every one sealed, no gap before
  std::uint64_t reserved_ = 0;      // bytes given to rows so far: the file's end once all are down
  std::deque<Waiting> waiting_;     // blocks given their place, from the first not yet down, in file order
  std::uint64_t front_ = 0;         // waiting_.front()'s number: blocks down before it
  std::map<std::pair<std::uint64_t, std::uint64_t>, std::uint64_t> stubs_;  // (owner, key) -> its number
  std::vector<JsonlGrant> grants_;  // places given to stubs, not yet taken
  LedgerWriter ledger_;             // PATH.meta
};

// A row's bytes for the JSONL sink: its archive line and newline, and its
// record for PATH.meta (each with its length before it); sealed, a block's
// lines together and then its records (JsonlSink::append reads pieces so
// laid out).
std::unique_ptr<RowFormatter> make_jsonl_formatter(const FormatContext& context);

}  // namespace photoscore
