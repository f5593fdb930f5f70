#pragma once
// The sinks that act on verdicts and show progress, added to a
// run's sink set by make_sinks.
#include <cstdio>

#include "app/options.hpp"
#include "output/row_sink.hpp"
#include "run/job_settings.hpp"

namespace photoscore {

// --link-into, --xmp, --report, --summary-json, as asked.
void add_action_sinks(SinkSet& sinks, const Options& options, const Job& job);

// One line on `out` when the weights do not add up to 1: the quality score
// is their weighted sum, so the thresholds then cut at other places than
// the user may think. Not an error: scaling all scores can be meant.
void warn_about_weights(const MergePolicy& policy, std::FILE* out);

}  // namespace photoscore
