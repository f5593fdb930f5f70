#pragma once
// The warning about weights that do not add up to 1, given as the sinks are
// made (make_sinks).
#include <cstdio>

#include "merge/merge_scores.hpp"

namespace photoscore {

// One line on `out` when the weights do not add up to 1: the quality score
// is their weighted sum, so the thresholds then cut at other places than
// the user may think. Not an error: scaling all scores can be meant.
void warn_about_weights(const MergePolicy& policy, std::FILE* out);

}  // namespace photoscore
