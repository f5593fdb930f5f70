#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "output/row_schema.hpp"
#include "output/row_sink.hpp"
#include "output/run_grouping.hpp"

namespace photoscore {

// The HDF5 results file: /scores (one compound row per photo, the JSONL's
// columns: both walk RowSchema), /run (provenance attributes) and /timing
// (per rank and per image), and with --groups /groups (the run's grouping,
// read at close). Written under a temporary name and renamed only
// once complete, so a file at the final path is never half-written. The
// per-photo tables hold fixed-size records (h5_record.hpp) that the rows'
// formatters make; this sink copies them into chunks.
class H5Sink final : public FormattingSink {
 public:
  H5Sink(std::string path, const FormatContext& context,
         std::shared_ptr<const RunGrouping> grouping = nullptr);
  // With the default context (any name fits): for tests and one-off callers.
  H5Sink(std::string path, std::vector<const AnalyzerSpec*> analyzers)
      : H5Sink(std::move(path), default_context(std::move(analyzers))) {}
  ~H5Sink() override;
  H5Sink(const H5Sink&) = delete;
  H5Sink& operator=(const H5Sink&) = delete;

  void open(const RunInfo& info) override;
  void append(std::string_view records, std::int64_t rows) override;
  // /scores and /timing/images assembled in chunks by other ranks (chunk_assembly.hpp).
  bool assemble_elsewhere() override;
  std::vector<ChunkPiece> take_chunk_pieces() override;
  void rows_complete() override;
  void write_filtered(std::uint64_t key, std::string&& filtered) override;
  void close(const RunInfo& info) override;

 private:
  struct State;
  std::string path_;
  RowSchema schema_;
  std::shared_ptr<const RunGrouping> grouping_;  // null: no /groups
  State* state_ = nullptr;
};

// A row's /scores record, then its /timing/images record.
std::unique_ptr<RowFormatter> make_h5_formatter(const FormatContext& context);

// The sizes of those two records under a context.
struct H5RecordSizes {
  std::uint32_t scores = 0;
  std::uint32_t images = 0;
};
H5RecordSizes h5_record_sizes(const FormatContext& context);

}  // namespace photoscore
