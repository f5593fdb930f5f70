#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "output/resume_ledger.hpp"
#include "output/row_sink.hpp"

namespace photoscore {

// The archive: one JSON line per photo, written to PATH itself (no
// temporary name), so an interrupted job - even one killed outright - leaves
// a valid file of what it finished. Rows are appended in blocks of whole
// lines (a group commit): each block the runner appends (in thread mode the
// rows ready together, under MPI a block a group merged, which it sends at
// least every quarter second) goes out in one writev() straight from the
// block, so a job killed outright loses only the rows not yet appended
// (under MPI at most about a second of them), which --resume scores again.
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
  void close(const RunInfo& info) override;

 private:
  std::string path_;
  std::optional<std::uint64_t> keep_;
  int fd_ = -1;
  std::uint64_t good_ = 0;  // bytes of whole rows in the file
  LedgerWriter ledger_;     // PATH.meta
};

// A row's bytes for the JSONL sink: its archive line and newline, and its
// record for PATH.meta (each with its length before it); sealed, a block's
// lines together and then its records (JsonlSink::append reads pieces so
// laid out).
std::unique_ptr<RowFormatter> make_jsonl_formatter(const FormatContext& context);

}  // namespace photoscore
