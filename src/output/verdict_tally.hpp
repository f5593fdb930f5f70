#pragma once
// What the run's summaries count (the dashboard's closing lines, the
// summary JSON): rows per verdict, errors among them, and the best shots.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "record/verdict.hpp"

namespace photoscore {

class VerdictTally {
 public:
  struct Shot {
    double score;
    std::string filename;
  };

  // Keeps the `best_kept` best-scored photos.
  explicit VerdictTally(std::size_t best_kept) : best_kept_(best_kept) {}

  // A row: its verdict (Error for a file that could not be scored, which
  // has no score) and, when scored, its quality score.
  void add(Verdict verdict, double score, std::string_view filename);
  void clear();

  std::int64_t count(Verdict verdict) const { return counts_[static_cast<std::size_t>(verdict)]; }
  // Best first; equal scores keep the order the rows came in (file order),
  // so the summary is the same however the job ran.
  const std::vector<Shot>& best() const { return best_; }

 private:
  std::size_t best_kept_;
  std::array<std::int64_t, kVerdicts.size()> counts_{};
  std::vector<Shot> best_;
};

}  // namespace photoscore
