#pragma once
// Scoring profiles (--profile): which analyzers answer to each name, and at
// what resolution they see a photo. docs/profiles.md says what every archive
// key means under each.
//   seed        the seed's scores, exactly (oracle.py); full resolution.
//   calibrated  the same twelve keys, same meaning (higher is better, same
//               verdict words), calibrated on real photos: measured at a
//               working resolution of 768-1535 pixels on the longer side
//               (image/working_image.hpp).
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/analyzer.hpp"

namespace photoscore {

struct Profile {
  std::string name;
  std::string summary;
  bool working_resolution = false;  // photos reduced to image/working_image.hpp's range first
  std::span<const AnalyzerSpec> analyzers;  // in archive order

  const AnalyzerSpec* find(std::string_view analyzer) const;
  std::vector<std::string> default_names() const;
};

std::span<const Profile> all_profiles();
// Null when there is no such profile.
const Profile* find_profile(std::string_view name);

}  // namespace photoscore
