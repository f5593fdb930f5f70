#pragma once
// Bursts and near-duplicates among the photos of a run, each group's best
// photo picked (docs/groups.md): from 8 bytes of hash, 8 of capture time, the
// quality score and whether the photo is degraded, a photo. No pixels, no I/O,
// no MPI: rank 0 (or whoever merges the rows in file order) runs it on the
// whole input, and the answer depends on the input only.
//
// The rule, exactly:
//  - a burst link joins two photos that are neighbours in capture-time order
//    (photos with a time, sorted by time, ties in file order), at most
//    `burst_gap_us` apart, whose hashes are at most `burst_distance` bits
//    apart. Links chain: frames a second apart make one burst however long
//    it runs, and one unlike frame (or a pause over the gap) splits it;
//  - a duplicate link joins any two photos, whatever their times (or none),
//    whose hashes are at most `duplicate_distance` bits apart;
//  - a group is a set of two or more photos joined by links of either kind
//    (the connected components), so a photo is in at most one group: an
//    exported copy of a burst frame joins the burst, and a group's kind is
//    "burst" when any burst link joined it, "duplicate" otherwise;
//  - members are listed in file order and groups in the order of their first
//    member; the best is the member with the highest quality among those not
//    degraded (all members when every one is), ties going to the first in
//    file order (a NaN quality counts lowest).
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

namespace photoscore {

// A photo without a capture time (never in a burst).
inline constexpr std::int64_t kNoCaptureTime = std::numeric_limits<std::int64_t>::min();

struct GroupingPhoto {
  std::uint64_t order = 0;  // the photo's place in file order (strictly increasing along the input)
  std::uint64_t hash = 0;   // perceptual_hash
  std::int64_t capture_us = kNoCaptureTime;  // microseconds on one clock for the whole input
  double quality = 0;                        // the profile's quality score
  bool degraded = false;  // a frame that should not be picked while a good one exists (blurry, badly exposed)
};

enum class GroupKind { burst, duplicate };

struct PhotoGroup {
  GroupKind kind = GroupKind::duplicate;
  std::vector<std::uint64_t> members;  // the photos' `order`, ascending
  std::uint64_t best = 0;              // one of members
};

// The defaults are pHash distances measured by analysis/hash_choice.py
// (docs/groups.md): no two different photos of its set came within 14 bits
// (the nearest were 16 apart), and 98.5 % of its near-duplicates (resized,
// re-encoded, shifted 4 pixels, brightened) are within 8.
struct GroupingSettings {
  std::int64_t burst_gap_us = 2'000'000;  // negative: no bursts
  int burst_distance = 14;
  int duplicate_distance = 8;  // negative: no duplicates
};

// The groups among `photos`, which are in file order (throws
// std::invalid_argument when `order` does not increase strictly). Memory:
// about 30 bytes a photo besides the input and the answer.
std::vector<PhotoGroup> group_photos(std::span<const GroupingPhoto> photos, const GroupingSettings& settings);

const char* group_kind_name(GroupKind kind);

}  // namespace photoscore
