#include "merge/merge_scores.hpp"

#include <stdexcept>

namespace photoscore {

std::vector<double> default_weights(const std::vector<const AnalyzerSpec*>& analyzers) {
  double optional = 0.0;
  double shared = 0.0;
  for (const AnalyzerSpec* a : analyzers) (a->enabled_by_default ? shared : optional) += a->weight;
  std::vector<double> weights;
  for (const AnalyzerSpec* a : analyzers) {
    double w = a->weight;
    if (a->enabled_by_default && shared > 0.0) w = a->weight * (1.0 - optional) / shared;
    // Keep 0.4 * 0.9 printing as 0.36, not 0.36000000000000004.
    weights.push_back(round_to(w, 12));
  }
  return weights;
}

void merge_scores(const MergePolicy& policy, ScoredRow& row) {
  if (!row.ok) return;
  if (row.results.size() != policy.analyzers.size()) throw std::logic_error("merge: one result per analyzer expected");
  double total = 0.0;
  for (std::size_t i = 0; i < policy.analyzers.size(); ++i) {
    const AnalyzerSpec& spec = *policy.analyzers[i];
    total += policy.weights[i] * spec.number(row.results[i], spec.score_field);
  }
  total = clip01(total);
  row.verdict = total > policy.post_it_above
                    ? Verdict::PostIt
                    : (total > policy.maybe_above ? Verdict::Maybe : Verdict::Delete);
  // An analyzer's veto (AnalyzerSpec::never_post_it): such a photo is at
  // best maybe, its quality score kept so it still ranks among the others.
  if (row.verdict == Verdict::PostIt) {
    for (std::size_t i = 0; i < policy.analyzers.size(); ++i) {
      const AnalyzerSpec& spec = *policy.analyzers[i];
      if (!spec.never_post_it.empty() && spec.label(row.results[i], spec.verdict_field) == spec.never_post_it)
        row.verdict = Verdict::Maybe;
    }
  }
  row.quality_score = round_to(total, 3);
}

}  // namespace photoscore
