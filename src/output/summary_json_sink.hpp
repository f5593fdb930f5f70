#pragma once
#include <cstdint>
#include <memory>
#include <string>

#include "output/row_sink.hpp"
#include "output/run_grouping.hpp"
#include "output/verdict_tally.hpp"

namespace photoscore {

// --summary-json FILE: the dashboard's summary for scripts, one JSON object
// written at close: counts per verdict, errors, the best shots, wall time,
// images/s and the options the run was given (see docs/acting.md); with
// --groups, the groups found and the photos in them. Written
// under a temporary name and renamed, so a script never reads half of it.
class SummaryJsonSink final : public RowSink {
 public:
  static constexpr std::size_t kBestShots = 10;
  explicit SummaryJsonSink(std::string path, std::shared_ptr<const RunGrouping> grouping = nullptr);
  void open(const RunInfo& info) override;
  void write(const ScoredRow& row, const ImageTiming& timing) override;
  void close(const RunInfo& info) override;

 private:
  std::string path_;
  std::shared_ptr<const RunGrouping> grouping_;  // null: the run does not group
  VerdictTally tally_{kBestShots};
};

}  // namespace photoscore
