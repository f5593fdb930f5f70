#include "analyzers/registry.hpp"

namespace photoscore {

// The registration list: one line per analyzer, in the archive's order.
#define PHOTOSCORE_ANALYZERS(X) \
  X(sharpness)                  \
  X(exposure)                   \
  X(composition)                \
  X(color)

#define PHOTOSCORE_DECLARE(name) AnalyzerSpec name##_analyzer();
PHOTOSCORE_ANALYZERS(PHOTOSCORE_DECLARE)
#undef PHOTOSCORE_DECLARE

std::span<const AnalyzerSpec> all_analyzers() {
#define PHOTOSCORE_ENTRY(name) name##_analyzer(),
  static const std::vector<AnalyzerSpec> specs{PHOTOSCORE_ANALYZERS(PHOTOSCORE_ENTRY)};
#undef PHOTOSCORE_ENTRY
  return specs;
}

const AnalyzerSpec* find_analyzer(std::string_view name) {
  for (const auto& spec : all_analyzers()) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

std::vector<std::string> default_analyzer_names() {
  std::vector<std::string> names;
  for (const auto& spec : all_analyzers()) {
    if (spec.enabled_by_default) names.push_back(spec.name);
  }
  return names;
}

}  // namespace photoscore
