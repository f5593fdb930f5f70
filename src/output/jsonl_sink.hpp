#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "output/resume_ledger.hpp"
#include "output/row_schema.hpp"
#include "output/row_sink.hpp"

namespace photoscore {

// The archive: one JSON line per photo, written to PATH itself (no
// temporary name) as soon as it is merged, so an interrupted job - even one
// killed outright - leaves a valid file of everything it finished. PATH is
// opened, and an older file there cut, only in open(), once the run has
// started (the other sinks opened first: make_sinks adds this one after
// them). A failed write cuts the file back to its last whole row.
class JsonlSink final : public RowSink {
 public:
  // `keep`: --resume: keep the first `keep` bytes of PATH (whole rows) and
  // append after them. Otherwise PATH is written from empty.
  JsonlSink(std::string path, std::vector<const AnalyzerSpec*> analyzers,
            std::optional<std::uint64_t> keep = {});
  ~JsonlSink() override;
  JsonlSink(const JsonlSink&) = delete;
  JsonlSink& operator=(const JsonlSink&) = delete;

  // Starts PATH.meta (when info.scoring_options is set: the options and,
  // as rows are written, a record of each, for a later --resume to check;
  // see resume_ledger.hpp), then opens PATH.
  void open(const RunInfo& info) override;
  // A kept row is already in the file (the bytes kept).
  void resume(const ScoredRow&) override {}
  void write(const ScoredRow& row, const ImageTiming& timing) override;
  void close(const RunInfo& info) override;

 private:
  std::string path_;
  RowSchema schema_;
  std::optional<std::uint64_t> keep_;
  int fd_ = -1;
  std::uint64_t good_ = 0;  // bytes of whole rows in the file
  LedgerWriter ledger_;     // PATH.meta
};

}  // namespace photoscore
