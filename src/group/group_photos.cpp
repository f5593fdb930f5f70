#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "group/disjoint_sets.hpp"
#include "group/near_pairs.hpp"
#include "group/photo_groups.hpp"

namespace photoscore {

namespace {

constexpr std::uint32_t kNone = 0xffffffffu;

// Burst links: neighbours in time order within the gap and alike. Marks the
// photos a burst link touches.
void link_bursts(std::span<const GroupingPhoto> photos, const GroupingSettings& settings, DisjointSets& sets,
                 std::vector<std::uint8_t>& in_burst) {
  std::vector<std::uint32_t> timed;
  for (std::size_t i = 0; i < photos.size(); ++i) {
    if (photos[i].capture_us != kNoCaptureTime) timed.push_back(static_cast<std::uint32_t>(i));
  }
  // Stable: photos taken in the same microsecond stay in file order.
  std::stable_sort(timed.begin(), timed.end(), [&](std::uint32_t a, std::uint32_t b) {
    return photos[a].capture_us < photos[b].capture_us;
  });
  for (std::size_t t = 1; t < timed.size(); ++t) {
    const GroupingPhoto& earlier = photos[timed[t - 1]];
    const GroupingPhoto& later = photos[timed[t]];
    // later >= earlier, so their difference is exact in 64 unsigned bits
    // even for times at both ends of the signed range.
    const std::uint64_t gap =
        static_cast<std::uint64_t>(later.capture_us) - static_cast<std::uint64_t>(earlier.capture_us);
    if (settings.burst_gap_us < 0 || gap > static_cast<std::uint64_t>(settings.burst_gap_us)) continue;
    if (std::popcount(earlier.hash ^ later.hash) > settings.burst_distance) continue;
    sets.join(timed[t - 1], timed[t]);
    in_burst[timed[t - 1]] = 1;
    in_burst[timed[t]] = 1;
  }
}

// Duplicate links: photos with the same hash are joined outright, and the
// distinct hashes go through the multi-index search, so a thousand copies of
// one frame cost a sort, not a million comparisons.
void link_duplicates(std::span<const GroupingPhoto> photos, int max_distance, DisjointSets& sets) {
  if (max_distance < 0) return;
  std::vector<std::uint32_t> by_hash(photos.size());
  for (std::size_t i = 0; i < photos.size(); ++i) by_hash[i] = static_cast<std::uint32_t>(i);
  std::sort(by_hash.begin(), by_hash.end(), [&](std::uint32_t a, std::uint32_t b) {
    return photos[a].hash != photos[b].hash ? photos[a].hash < photos[b].hash : a < b;
  });
  std::vector<std::uint64_t> distinct;
  std::vector<std::uint32_t> first_with;  // a photo with distinct[d]
  for (std::size_t k = 0; k < by_hash.size(); ++k) {
    const std::uint32_t i = by_hash[k];
    if (!distinct.empty() && distinct.back() == photos[i].hash) {
      sets.join(first_with.back(), i);
    } else {
      distinct.push_back(photos[i].hash);
      first_with.push_back(i);
    }
  }
  std::vector<std::uint32_t>().swap(by_hash);
  for_each_near_pair(distinct, max_distance,
                     [&](std::uint32_t a, std::uint32_t b) { sets.join(first_with[a], first_with[b]); });
}

// Whether `candidate` should replace `best` as a group's best, `best` coming
// first in file order; `*_out` says a frame is out of the running against the
// rest of its group.
bool better(const GroupingPhoto& candidate, bool candidate_out, const GroupingPhoto& best, bool best_out) {
  if (candidate_out != best_out) return !candidate_out;
  if (candidate.degraded != best.degraded) return !candidate.degraded;
  const double lowest = -std::numeric_limits<double>::infinity();
  const double c = std::isnan(candidate.quality) ? lowest : candidate.quality;
  const double b = std::isnan(best.quality) ? lowest : best.quality;
  return c > b;
}

// The members of one group (positions in `photos`) that are blurred or
// badly exposed next to the others: out[k] for members[k].
std::vector<std::uint8_t> out_of_running(std::span<const GroupingPhoto> photos,
                                         const std::vector<std::uint32_t>& members,
                                         const GroupingSettings& settings) {
  float sharpest = -std::numeric_limits<float>::infinity();
  std::vector<float> light;
  for (const std::uint32_t i : members) {
    if (!std::isnan(photos[i].sharpness)) sharpest = std::max(sharpest, photos[i].sharpness);
    if (!std::isnan(photos[i].brightness)) light.push_back(photos[i].brightness);
  }
  double median = std::numeric_limits<double>::quiet_NaN();
  if (!light.empty()) {
    // The lower median for an even count: no averaging, so no rounding.
    auto middle = light.begin() + static_cast<std::ptrdiff_t>((light.size() - 1) / 2);
    std::nth_element(light.begin(), middle, light.end());
    median = *middle;
  }
  std::vector<std::uint8_t> out(members.size(), 0);
  for (std::size_t k = 0; k < members.size(); ++k) {
    const GroupingPhoto& p = photos[members[k]];
    const bool blurred =
        !std::isnan(p.sharpness) && sharpest > 0 && p.sharpness < settings.relative_blur * sharpest;
    const bool exposed_off = !std::isnan(p.brightness) && !std::isnan(median) &&
                             (p.brightness < settings.relative_exposure * median ||
                              1.0 - p.brightness < settings.relative_exposure * (1.0 - median));
    out[k] = blurred || exposed_off;
  }
  return out;
}

}  // namespace

const char* group_kind_name(GroupKind kind) { return kind == GroupKind::burst ? "burst" : "duplicate"; }

std::vector<PhotoGroup> group_photos(std::span<const GroupingPhoto> photos,
                                     const GroupingSettings& settings) {
  const std::size_t n = photos.size();
  if (n >= kNone) throw std::invalid_argument("group_photos: more than 4,294,967,294 photos");
  for (std::size_t i = 1; i < n; ++i) {
    if (photos[i].order <= photos[i - 1].order) {
      throw std::invalid_argument("group_photos: photos out of file order at position " + std::to_string(i));
    }
  }
  DisjointSets sets(n);
  std::vector<std::uint8_t> in_burst(n, 0);
  link_bursts(photos, settings, sets, in_burst);
  link_duplicates(photos, settings.duplicate_distance, sets);

  std::vector<PhotoGroup> groups;
  std::vector<std::vector<std::uint32_t>> positions;  // each group's members' places in `photos`
  std::vector<std::uint32_t> group_of(n, kNone);      // by a set's root
  for (std::uint32_t i = 0; i < n; ++i) {
    const std::uint32_t root = sets.find(i);
    if (sets.size_of(root) < 2) continue;
    if (group_of[root] == kNone) {
      group_of[root] = static_cast<std::uint32_t>(groups.size());
      groups.emplace_back();
      positions.emplace_back();
    }
    const std::uint32_t g = group_of[root];
    groups[g].members.push_back(photos[i].order);
    positions[g].push_back(i);
    if (in_burst[i]) groups[g].kind = GroupKind::burst;
  }
  for (std::size_t g = 0; g < groups.size(); ++g) {
    const std::vector<std::uint32_t>& members = positions[g];
    const std::vector<std::uint8_t> out = out_of_running(photos, members, settings);
    std::size_t best = 0;
    for (std::size_t k = 1; k < members.size(); ++k) {
      if (better(photos[members[k]], out[k], photos[members[best]], out[best])) best = k;
    }
    groups[g].best = photos[members[best]].order;
    std::vector<std::uint32_t>().swap(positions[g]);
  }
  return groups;
}

}  // namespace photoscore
