#pragma once
// Where merged rows go. Runners call open once, then hand over every row in
// file order, and close once with the run's final provenance and timings.
//
// A sink gets its rows one of two ways. A formatting sink (format() says
// how) does its per-row work as a RowFormat that any process can run: the
// rows reach it as blocks of formatted bytes (append), made where the
// photos were scored, and it only writes them out. Any other sink acts on
// whole rows (write): links, sidecars, the report. write() works for every
// sink, one row at a time.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "output/chunk_assembly.hpp"
#include "output/jsonl_pieces.hpp"
#include "output/row_block.hpp"
#include "output/row_format.hpp"
#include "record/run_info.hpp"
#include "record/scored_row.hpp"

namespace photoscore {

class RowSink {
 public:
  virtual ~RowSink() = default;
  virtual void open(const RunInfo&) {}
  // A row kept from an earlier run's JSONL (--resume), given after open()
  // and before the first row of this run. By default it is a row like the
  // others (with no timings): a resumed run ends with what one run would
  // have made (HDF5, CSV, the report, the summary, the links, the
  // sidecars). The exceptions say so: the JSONL already holds it, the
  // dashboard only counts it, and what reports on this run's own work
  // (progress, error lines) leaves it out.
  virtual void resume(const ScoredRow& row) { write(row, ImageTiming{}); }
  // The next row, merged.
  virtual void write(const ScoredRow& row, const ImageTiming& timing) = 0;
  // A formatting sink's RowFormat; none for a sink that acts on whole rows.
  virtual std::optional<RowFormat> format() const { return std::nullopt; }
  // A formatting sink: the next `rows` rows, as its format made them.
  virtual void append(std::string_view bytes, std::int64_t rows);
  // What a block of rows for this sink holds: its format, or RowFormat::Row
  // for a sink that acts on whole rows (a SinkSet: its sinks' formats).
  virtual std::vector<RowFormat> formats() const;
  // The next rows, as a block made with formats().
  virtual void append_block(const RowBlockView& block);
  // Rows buffered for a group commit go out now.
  virtual void flush() {}
  // Under MPI: from now on the sink's record tables, if it has any (true),
  // are assembled into chunks by other ranks (chunk_assembly.hpp), and
  // blocks bring their rows' count without their records. Rows that reach
  // the sink with records after all (kept rows of a resumed run, rows the
  // writing rank made itself) wait in take_chunk_pieces() for their chunk's
  // owner; every chunk comes back filtered through write_filtered().
  virtual bool assemble_elsewhere() { return false; }
  virtual std::vector<ChunkPiece> take_chunk_pieces() { return {}; }
  // No row will follow: the tables end where they are.
  virtual void rows_complete() {}
  virtual void write_filtered(std::uint64_t key, std::string&& filtered) {
    (void)key;
    (void)filtered;
  }
  // Under MPI: where other ranks may write this sink's rows themselves
  // (the JSONL's lines: output/jsonl_pieces.hpp), once open; none for a
  // sink whose rows only it writes. Blocks may then bring stubs in place of
  // rows: their places, taken with take_grants(), go to the stubs' owners,
  // who write the rows and say so (landed()); awaiting_lanes() until all
  // have, and the sink must not be closed before.
  virtual std::optional<JsonlTarget> lane_target() const { return std::nullopt; }
  virtual std::vector<JsonlGrant> take_grants() { return {}; }
  virtual void landed(std::uint64_t owner, std::uint64_t key) {
    (void)owner;
    (void)key;
  }
  virtual bool awaiting_lanes() const { return false; }
  virtual void close(const RunInfo&) {}
  // What this sink does beside the results, per photo (an XMP sidecar, a
  // link), that it could not do: each a warning for that photo, which does
  // not stop the job. Read after the last write, before close: the summary
  // and /run count them.
  virtual std::int64_t warnings() const { return 0; }
};

// A sink whose write() formats the row with its own formatter and appends it.
class FormattingSink : public RowSink {
 public:
  FormattingSink(RowFormat format, const FormatContext& context);
  std::optional<RowFormat> format() const final { return format_; }
  void write(const ScoredRow& row, const ImageTiming& timing) override;

 protected:
  const FormatContext& context() const { return context_; }

 private:
  RowFormat format_;
  FormatContext context_;
  std::unique_ptr<RowFormatter> formatter_;
  std::string scratch_;
  std::int64_t written_ = 0;  // rows given to write(), kept rows included: the next row's index
};

// Fans every call out to several sinks, in order.
class SinkSet final : public RowSink {
 public:
  void add(std::unique_ptr<RowSink> sink) { sinks_.push_back(std::move(sink)); }
  void open(const RunInfo& info) override;
  void resume(const ScoredRow& row) override;
  void write(const ScoredRow& row, const ImageTiming& timing) override;
  // Each formatting sink's format, in order, then RowFormat::Row when some
  // sink acts on whole rows.
  std::vector<RowFormat> formats() const override;
  // Each formatting sink gets its section, each other sink the block's rows
  // one by one (decoded once for all of them).
  void append_block(const RowBlockView& block) override;
  void flush() override;
  // One of its sinks at most has record tables (the HDF5 file's).
  bool assemble_elsewhere() override;
  std::vector<ChunkPiece> take_chunk_pieces() override;
  void rows_complete() override;
  void write_filtered(std::uint64_t key, std::string&& filtered) override;
  // The one sink's whose rows others may write (the JSONL), if any.
  std::optional<JsonlTarget> lane_target() const override;
  std::vector<JsonlGrant> take_grants() override;
  void landed(std::uint64_t owner, std::uint64_t key) override;
  bool awaiting_lanes() const override;
  void close(const RunInfo& info) override;
  std::int64_t warnings() const override;

 private:
  std::vector<std::unique_ptr<RowSink>> sinks_;
  RowSink* tables_ = nullptr;  // the sink whose tables are assembled elsewhere
};

}  // namespace photoscore
