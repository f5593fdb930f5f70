#pragma once
// --groups FILE and the thresholds that say what a group is (docs/groups.md):
// kept apart from options.cpp like the options for acting on verdicts.
#include <string>

#include "group/photo_groups.hpp"

namespace CLI {
class App;
}

namespace photoscore {

struct GroupOptions {
  std::string file;  // --groups FILE: "" when the run does not group
  double burst_gap = static_cast<double>(GroupingSettings{}.burst_gap_us) / 1e6;  // --burst-gap SECONDS
  int burst_distance = GroupingSettings{}.burst_distance;                         // --burst-distance BITS
  int duplicate_distance = GroupingSettings{}.duplicate_distance;                 // --duplicate-distance BITS
};

// The longest --burst-gap accepted: a day (frames further apart than that
// are no burst, and microseconds of it stay far inside 64 bits).
inline constexpr double kMaxBurstGap = 86400.0;

// Registers --groups, --burst-gap, --burst-distance and --duplicate-distance
// on `app`, writing into `groups`; the thresholds need --groups.
void add_group_options(CLI::App& app, GroupOptions& groups);

// What group_photos is given for these options.
GroupingSettings grouping_settings(const GroupOptions& groups);

}  // namespace photoscore
