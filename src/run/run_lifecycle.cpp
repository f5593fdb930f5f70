#include "run/run_lifecycle.hpp"

#include "output/timing_table.hpp"
#include "run/clock.hpp"

namespace photoscore {

RunLifecycle::RunLifecycle(RunInfo& info, RowSink& sinks, std::FILE* table, std::vector<std::string> analyzer_names)
    : info_(info), sinks_(sinks), table_(table), analyzer_names_(std::move(analyzer_names)) {}

void RunLifecycle::start() {
  info_.images = 0;
  info_.errors = 0;
  info_.start_time = iso8601_now();
  started_ = seconds_now();
  sinks_.open(info_);
}

double RunLifecycle::elapsed() const { return seconds_now() - started_; }

void RunLifecycle::finish(const OrderedWriter& writer, std::vector<RankTiming> ranks) {
  info_.wall_seconds = elapsed();
  info_.end_time = iso8601_now();
  info_.images = static_cast<std::int64_t>(writer.written());
  info_.errors = writer.errors();
  info_.rank_timings = std::move(ranks);
  sinks_.close(info_);
  if (table_) print_timing_table(table_, info_, analyzer_names_);
}

}  // namespace photoscore
