#include "analysis/analyzer.hpp"

namespace photoscore {

long double exact_variance(std::int64_t n, Int128 sum, Int128 sum_sq) {
  const Int128 numerator = static_cast<Int128>(n) * sum_sq - sum * sum;
  const long double n2 = static_cast<long double>(n) * static_cast<long double>(n);
  const long double v = static_cast<long double>(numerator) / n2;
  return v < 0 ? 0 : v;
}

}  // namespace photoscore
