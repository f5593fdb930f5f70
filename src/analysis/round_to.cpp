#include <cmath>

#include "analysis/analyzer.hpp"

namespace photoscore {

double round_to(double value, int decimals) {
  const double scale = std::pow(10.0, decimals);
  // nearbyint rounds half to even under the default rounding mode, as
  // Python's round() does.
  return std::nearbyint(value * scale) / scale;
}

}  // namespace photoscore
