#include "run/run_lifecycle.hpp"

#include "image/clock.hpp"
#include "output/timing_table.hpp"
#include "run/stop_signal.hpp"

namespace photoscore {

RunLifecycle::RunLifecycle(RunInfo& info, RowSink& sinks, std::FILE* table, std::vector<std::string> analyzer_names)
    : info_(info), sinks_(sinks), table_(table), analyzer_names_(std::move(analyzer_names)) {}

void RunLifecycle::start(const std::vector<ScoredRow>& resumed) {
  info_.images = 0;
  info_.errors = 0;
  info_.start_time = iso8601_now();
  started_ = seconds_now();
  info_.resumed = static_cast<std::int64_t>(resumed.size());
  resumed_errors_ = 0;
  sinks_.open(info_);
  for (const ScoredRow& row : resumed) {
    sinks_.resume(row);
    resumed_errors_ += row.ok ? 0 : 1;
  }
}

double RunLifecycle::elapsed() const { return seconds_now() - started_; }

void RunLifecycle::finish(const OrderedWriter& writer, std::vector<RankTiming> ranks) {
  info_.wall_seconds = elapsed();
  info_.end_time = iso8601_now();
  info_.images = info_.resumed + static_cast<std::int64_t>(writer.written());
  info_.errors = resumed_errors_ + writer.errors();
  // A signal that came after the last photo was written stopped nothing.
  if (stop_requested() && !info_.complete()) info_.interrupted_by = stop_signal_name();
  info_.rank_timings = std::move(ranks);
  info_.warnings = sinks_.warnings();
  sinks_.close(info_);
  if (table_) print_timing_table(table_, info_, analyzer_names_);
}

}  // namespace photoscore
