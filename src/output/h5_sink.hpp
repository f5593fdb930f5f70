#pragma once
#include <string>
#include <vector>

#include "output/row_schema.hpp"
#include "output/row_sink.hpp"

namespace photoscore {

// The HDF5 results file: /scores (one compound row per photo, the JSONL's
// columns: both walk RowSchema), /run (provenance attributes) and /timing
// (per rank and per image). Written under a temporary name and renamed only
// once complete, so a file at the final path is never half-written.
class H5Sink final : public RowSink {
 public:
  H5Sink(std::string path, std::vector<const AnalyzerSpec*> analyzers);
  ~H5Sink() override;
  H5Sink(const H5Sink&) = delete;
  H5Sink& operator=(const H5Sink&) = delete;

  void open(const RunInfo& info) override;
  void write(const ScoredRow& row, const ImageTiming& timing) override;
  void close(const RunInfo& info) override;

 private:
  struct State;
  std::string path_;
  RowSchema schema_;
  State* state_ = nullptr;
};

}  // namespace photoscore
