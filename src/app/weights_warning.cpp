#include "app/weights_warning.hpp"

#include <cmath>
#include <string>

namespace photoscore {

void warn_about_weights(const MergePolicy& policy, std::FILE* out) {
  double sum = 0.0;
  for (const double w : policy.weights) sum += w;
  if (std::fabs(sum - 1.0) <= 1e-9) return;
  std::string list;
  for (std::size_t i = 0; i < policy.weights.size() && i < policy.analyzers.size(); ++i) {
    char text[64];
    std::snprintf(text, sizeof text, "%s%s=%g", i ? "," : "", policy.analyzers[i]->name.c_str(),
                  policy.weights[i]);
    list += text;
  }
  std::fprintf(
      out, "photoscore: warning: the weights add up to %g, not 1 (%s): quality scores and verdicts shift\n",
      sum, list.c_str());
}

}  // namespace photoscore
