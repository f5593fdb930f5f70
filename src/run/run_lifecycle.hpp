#pragma once
// One run's life on the rank that writes the results, the same in every
// mode: the sinks are opened once with the provenance known at start, the
// clock runs, and at the end the rank timings, counts and times go into the
// provenance, the sinks are closed with it, and the timing table is shown.
#include <cstdio>
#include <string>
#include <vector>

#include "output/row_sink.hpp"
#include "record/run_info.hpp"
#include "run/ordered_writer.hpp"

namespace photoscore {

class RunLifecycle {
 public:
  // `table`: where the per-rank timing table goes at the end (nullptr: none).
  RunLifecycle(RunInfo& info, RowSink& sinks, std::FILE* table, std::vector<std::string> analyzer_names);

  // Start time, then the sinks' open(), then the rows kept from an earlier
  // run (--resume) handed to the sinks' resume(), in file order.
  void start(const std::vector<ScoredRow>& resumed = {});
  // Seconds since start().
  double elapsed() const;
  // Wall and end time, what the writer wrote, the ranks' timings, and
  // whether a signal stopped the run early; then the sinks' close() and the
  // timing table.
  void finish(const OrderedWriter& writer, std::vector<RankTiming> ranks);

 private:
  RunInfo& info_;
  RowSink& sinks_;
  std::FILE* table_;
  std::vector<std::string> analyzer_names_;
  double started_ = 0.0;
  std::int64_t resumed_errors_ = 0;
};

}  // namespace photoscore
