#include "analyzers/profile.hpp"

#include "analyzers/registry.hpp"

namespace photoscore {

AnalyzerSpec calibrated_sharpness_analyzer();
AnalyzerSpec calibrated_exposure_analyzer();
// Composition and color keep the seed's measures: on the working image they
// are already what the calibrated profile wants (docs/profiles.md).
AnalyzerSpec composition_analyzer();
AnalyzerSpec color_analyzer();

namespace {

std::span<const AnalyzerSpec> calibrated_analyzers() {
  static const std::vector<AnalyzerSpec> specs{calibrated_sharpness_analyzer(),
                                               calibrated_exposure_analyzer(), composition_analyzer(),
                                               color_analyzer()};
  return specs;
}

}  // namespace

const AnalyzerSpec* Profile::find(std::string_view analyzer) const {
  for (const auto& spec : analyzers) {
    if (spec.name == analyzer) return &spec;
  }
  return nullptr;
}

std::vector<std::string> Profile::default_names() const {
  std::vector<std::string> names;
  for (const auto& spec : analyzers) {
    if (spec.enabled_by_default) names.push_back(spec.name);
  }
  return names;
}

std::span<const Profile> all_profiles() {
  static const std::vector<Profile> profiles{
      {"seed", "the seed's scores, exactly, at full resolution (default)", false, all_analyzers()},
      {"calibrated",
       "focus, exposure and composition calibrated on real photos, at a working resolution of 768-1535 "
       "pixels",
       true, calibrated_analyzers()}};
  return profiles;
}

const Profile* find_profile(std::string_view name) {
  for (const auto& p : all_profiles()) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

}  // namespace photoscore
