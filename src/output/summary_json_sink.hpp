#pragma once
#include <cstdint>
#include <string>

#include "output/row_sink.hpp"
#include "output/verdict_tally.hpp"

namespace photoscore {

// --summary-json FILE: the dashboard's summary for scripts, one JSON object
// written at close: counts per verdict, errors, the best shots, wall time,
// images/s and the options the run was given (see docs/acting.md). Written
// under a temporary name and renamed, so a script never reads half of it.
class SummaryJsonSink final : public RowSink {
 public:
  static constexpr std::size_t kBestShots = 10;
  explicit SummaryJsonSink(std::string path);
  void open(const RunInfo& info) override;
  void write(const ScoredRow& row, const ImageTiming& timing) override;
  void close(const RunInfo& info) override;

 private:
  std::string path_;
  VerdictTally tally_{kBestShots};
};

}  // namespace photoscore
