#include <algorithm>

#include "record/run_info.hpp"

namespace photoscore {

double stage_seconds(const RankTiming& t) {
  double sum = t.read + t.comm + t.wait + t.decode + t.merge + t.write;
  for (double a : t.analyze) sum += a;
  return sum;
}

double other_seconds(const RankTiming& t) {
  return std::max(0.0, t.wall * std::max(1, t.stage_threads) - stage_seconds(t));
}

}  // namespace photoscore
