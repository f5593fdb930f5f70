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
//    member;
//  - the best: the frames of a group show one scene, so they are first
//    compared with each other: a member whose sharpness is under
//    `relative_blur` of the group's sharpest, or whose brightness is under
//    `relative_exposure` of the group's median brightness (or whose distance
//    from white is, against the median's), is out of the running while one
//    member is not. Of those left, the ones not `degraded` by their own
//    verdicts come first (all when none is), and of those the highest quality
//    wins, ties going to the first in file order (a NaN quality counts
//    lowest; an unknown sharpness or brightness, NaN, compares with nothing).
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
  // The profile's sharpness figure (higher is sharper) and mean brightness
  // (0 black .. 1 white), compared within a group; NaN where unknown.
  float sharpness = std::numeric_limits<float>::quiet_NaN();
  float brightness = std::numeric_limits<float>::quiet_NaN();
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
  // Within a group: a frame under a quarter of the sharpest one's sharpness is
  // blurred; one under 0.6 of the median brightness, or that much nearer
  // white, is badly exposed. Measured on bursts made from the demo photos
  // (docs/groups.md): a 3-pixel blur leaves under 1 % of a frame's seed
  // sharpness score, darkening to 35 % about 10 %, while the sharp frames
  // (shifted a few pixels, +-5 % exposure) stay within 1.2 of each other.
  double relative_blur = 0.25;
  double relative_exposure = 0.6;
};

// The groups among `photos`, which are in file order (throws
// std::invalid_argument when `order` does not increase strictly). Memory:
// about 30 bytes a photo besides the input and the answer.
std::vector<PhotoGroup> group_photos(std::span<const GroupingPhoto> photos, const GroupingSettings& settings);

const char* group_kind_name(GroupKind kind);

}  // namespace photoscore
