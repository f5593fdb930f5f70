#include "output/verdict_tally.hpp"

#include <algorithm>

namespace photoscore {

void VerdictTally::add(Verdict verdict, double score, std::string_view filename) {
  ++counts_[static_cast<std::size_t>(verdict)];
  if (verdict == Verdict::Error || best_kept_ == 0) return;
  // Strictly better than the last kept: an equal score came later.
  if (best_.size() >= best_kept_ && !(score > best_.back().score)) return;
  const auto at = std::upper_bound(best_.begin(), best_.end(), score,
                                   [](double s, const Shot& b) { return s > b.score; });
  best_.insert(at, {score, std::string(filename)});
  if (best_.size() > best_kept_) best_.pop_back();
}

void VerdictTally::clear() {
  counts_ = {};
  best_.clear();
}

}  // namespace photoscore
