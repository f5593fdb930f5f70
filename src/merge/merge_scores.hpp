#pragma once
// The synchronizing merge (the seed's MergeSynch): every selected analyzer's
// rounded score, weighted, clipped to [0, 1], and cut into a verdict; a
// photo that an analyzer's verdict vetoes (AnalyzerSpec::never_post_it, the
// calibrated profile's "blurry") is at most maybe.
#include <optional>
#include <string>
#include <vector>

#include "record/scored_row.hpp"

namespace photoscore {

struct MergePolicy {
  std::vector<const AnalyzerSpec*> analyzers;
  std::vector<double> weights;  // one per analyzer
  double post_it_above = 0.50;
  double maybe_above = 0.30;
};

// The default weights for a selection: optional analyzers keep their own
// weight and the default ones share what is left in their seed proportions
// (0.4/0.4/0.2 alone; 0.36/0.36/0.18 beside color's 0.10).
std::vector<double> default_weights(const std::vector<const AnalyzerSpec*>& analyzers);

// Fills row.quality_score and row.verdict from row.results.
void merge_scores(const MergePolicy& policy, ScoredRow& row);

}  // namespace photoscore
