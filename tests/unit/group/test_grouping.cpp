// Bursts and near-duplicates (src/group/): the rule in photo_groups.hpp, case
// by case, and the multi-index search against comparing every pair.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <set>
#include <stdexcept>
#include <utility>
#include <vector>

#include "group/near_pairs.hpp"
#include "group/photo_groups.hpp"

namespace photoscore {
namespace {

constexpr std::int64_t kSecond = 1'000'000;

GroupingSettings settings() {
  GroupingSettings s;
  s.burst_gap_us = 2 * kSecond;
  s.burst_distance = 12;
  s.duplicate_distance = 4;
  return s;
}

// `hash` with bits [first, first + count) flipped.
std::uint64_t flip(std::uint64_t hash, int first, int count) {
  for (int b = first; b < first + count; ++b) hash ^= std::uint64_t{1} << b;
  return hash;
}
// `bits` low bits of `hash` flipped: flipped(h, a) and flipped(h, b) are
// |a - b| bits apart.
std::uint64_t flipped(std::uint64_t hash, int bits) { return flip(hash, 0, bits); }

constexpr std::uint64_t kScene = 0x5a5a'f00f'3cc3'9669ull;
// 32 bits from kScene: a different photo.
constexpr std::uint64_t kOther = kScene ^ 0xffff'ffff'0000'0000ull;
constexpr std::uint64_t kThird = kScene ^ 0x0000'ffff'ffff'0000ull;

GroupingPhoto photo(std::uint64_t order, std::uint64_t hash, std::int64_t seconds_x10, double quality = 0.5,
                    bool degraded = false) {
  GroupingPhoto p;
  p.order = order;
  p.hash = hash;
  p.capture_us = seconds_x10 == kNoCaptureTime ? kNoCaptureTime : seconds_x10 * kSecond / 10;
  p.quality = quality;
  p.degraded = degraded;
  return p;
}

std::vector<std::uint64_t> members(const PhotoGroup& g) { return g.members; }

TEST(Grouping, BurstSplitByTheGap) {
  // Frames 0.5 s apart, a 2.5 s pause, frames again: two bursts at a 2 s gap.
  // The second burst's frames are 9 or more bits from the first's: not
  // duplicates of them, but alike enough to be one burst without the pause.
  const std::vector<GroupingPhoto> photos = {
      photo(0, kScene, 0),
      photo(1, flipped(kScene, 6), 5),
      photo(2, flipped(kScene, 3), 10),
      photo(3, flip(kScene, 20, 8), 35),
      photo(4, flip(kScene, 22, 6), 40),
  };
  const auto groups = group_photos(photos, settings());
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0].kind, GroupKind::burst);
  EXPECT_EQ(members(groups[0]), (std::vector<std::uint64_t>{0, 1, 2}));
  EXPECT_EQ(groups[1].kind, GroupKind::burst);
  EXPECT_EQ(members(groups[1]), (std::vector<std::uint64_t>{3, 4}));
  // A 3 s gap bridges the pause: one burst.
  GroupingSettings wide = settings();
  wide.burst_gap_us = 3 * kSecond;
  const auto one = group_photos(photos, wide);
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(members(one[0]), (std::vector<std::uint64_t>{0, 1, 2, 3, 4}));
}

TEST(Grouping, GapIsInclusiveAndChained) {
  // Exactly the gap apart joins; the chain runs 6 s though no two frames
  // more than 2 s apart are linked directly. The frames are 10 bits apart:
  // alike, not duplicates.
  std::vector<GroupingPhoto> photos;
  for (int i = 0; i < 4; ++i) photos.push_back(photo(i, flip(kScene, 5 * i, 5), 20 * i));
  const auto groups = group_photos(photos, settings());
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(members(groups[0]).size(), 4u);
  // One microsecond over the gap splits every link.
  GroupingSettings tight = settings();
  tight.burst_gap_us = 2 * kSecond - 1;
  EXPECT_TRUE(group_photos(photos, tight).empty());
}

TEST(Grouping, DifferentContentWithinTheGapIsNotAGroup) {
  const std::vector<GroupingPhoto> photos = {photo(0, kScene, 0), photo(1, kOther, 10), photo(2, kThird, 15)};
  EXPECT_TRUE(group_photos(photos, settings()).empty());
  // Just over the burst threshold: not a burst either (and far above the
  // duplicate threshold).
  const std::vector<GroupingPhoto> near = {photo(0, kScene, 0), photo(1, flipped(kScene, 13), 10)};
  EXPECT_TRUE(group_photos(near, settings()).empty());
}

TEST(Grouping, UnlikeFrameSplitsABurst) {
  // Neighbours in time order are compared: a different photo between two
  // frames of one scene breaks the chain (the two frames are 9 bits apart,
  // beyond the duplicate threshold, so nothing else joins them).
  const std::vector<GroupingPhoto> photos = {photo(0, kScene, 0), photo(1, kOther, 5),
                                             photo(2, flipped(kScene, 9), 10)};
  EXPECT_TRUE(group_photos(photos, settings()).empty());
}

TEST(Grouping, DuplicatesAcrossTimeAndWithoutTime) {
  // The same photo at 0 s, a day later and without a time (an export):
  // one duplicate group; a photo 9 bits off (over the threshold) stays out.
  const std::vector<GroupingPhoto> photos = {
      photo(0, kScene, 0),
      photo(1, kOther, 50),
      photo(2, flipped(kScene, 3), 864000),
      photo(3, flipped(kScene, 9), 1728000),
      photo(4, flipped(kScene, 1), kNoCaptureTime),
  };
  const auto groups = group_photos(photos, settings());
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(groups[0].kind, GroupKind::duplicate);
  EXPECT_EQ(members(groups[0]), (std::vector<std::uint64_t>{0, 2, 4}));
}

TEST(Grouping, PhotosWithoutATimeAreNeverABurst) {
  const std::vector<GroupingPhoto> photos = {photo(0, kScene, kNoCaptureTime),
                                             photo(1, flipped(kScene, 8), kNoCaptureTime)};
  EXPECT_TRUE(group_photos(photos, settings()).empty());
}

TEST(Grouping, ExportOfABurstFrameJoinsTheBurst) {
  // Frames 0-2 a burst; photo 3 a resized copy of frame 1 with no time: one
  // group, a burst, the copy among its members.
  const std::vector<GroupingPhoto> photos = {
      photo(0, kScene, 100),
      photo(1, flipped(kScene, 10), 105),
      photo(2, flipped(kScene, 7), 110),
      photo(3, flipped(kScene, 12) ^ 1, kNoCaptureTime),
      photo(4, kOther, kNoCaptureTime),
  };
  const auto groups = group_photos(photos, settings());
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(groups[0].kind, GroupKind::burst);
  EXPECT_EQ(members(groups[0]), (std::vector<std::uint64_t>{0, 1, 2, 3}));
}

TEST(Grouping, BestIsNeverTheDegradedFrame) {
  // The blurred frame scores highest (a bright, clean blur can): still not
  // the best while a good frame exists.
  const std::vector<GroupingPhoto> photos = {
      photo(0, kScene, 0, 0.40),
      photo(1, flipped(kScene, 2), 3, 0.90, true),
      photo(2, flipped(kScene, 4), 6, 0.55),
      photo(3, flipped(kScene, 5), 9, 0.70, true),
  };
  const auto groups = group_photos(photos, settings());
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(groups[0].best, 2u);
  // All degraded: the highest quality among them.
  std::vector<GroupingPhoto> all_bad = photos;
  for (auto& p : all_bad) p.degraded = true;
  EXPECT_EQ(group_photos(all_bad, settings())[0].best, 1u);
}

// The frames of a burst of a night sky, as the seed profile scores them
// (docs/groups.md): every frame is `dark` by its own verdict, and the blurred
// frame has the highest quality score. Compared with each other, the blurred
// and the darkened frames are out of the running.
TEST(Grouping, BestComparesTheFramesOfAGroupWithEachOther) {
  auto frame = [](std::uint64_t order, int flips, double quality, float sharpness, float brightness) {
    GroupingPhoto p =
        photo(order, flipped(kScene, flips), static_cast<std::int64_t>(order) * 3, quality, true);
    p.sharpness = sharpness;
    p.brightness = brightness;
    return p;
  };
  const std::vector<GroupingPhoto> night = {
      frame(0, 0, 0.217, 0.0557f, 0.12f), frame(1, 1, 0.166, 0.0548f, 0.11f),
      frame(2, 2, 0.280, 0.0004f, 0.13f),  // blurred
      frame(3, 3, 0.102, 0.0048f, 0.04f),  // darkened to 35 %
      frame(4, 4, 0.167, 0.0537f, 0.12f),
  };
  const auto groups = group_photos(night, settings());
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(groups[0].best, 0u);
  // Without the figures the verdicts alone cannot tell them apart: the
  // highest quality, the blurred frame.
  std::vector<GroupingPhoto> unknown = night;
  for (auto& p : unknown) p.sharpness = p.brightness = std::numeric_limits<float>::quiet_NaN();
  EXPECT_EQ(group_photos(unknown, settings())[0].best, 2u);

  // A frame far brighter than the others (1 - b under 0.6 of the median's)
  // is out too, however good its own verdicts and quality.
  std::vector<GroupingPhoto> day = {frame(0, 0, 0.50, 0.10f, 0.50f), frame(1, 1, 0.90, 0.10f, 0.95f),
                                    frame(2, 2, 0.60, 0.09f, 0.52f)};
  for (auto& p : day) p.degraded = false;
  EXPECT_EQ(group_photos(day, settings())[0].best, 2u);
  // Within the thresholds every frame runs: the highest quality wins.
  day[1].brightness = 0.60f;
  EXPECT_EQ(group_photos(day, settings())[0].best, 1u);
  // Out of the running comes before the frame's own verdicts: a frame
  // under a quarter of the sharpest loses to a frame marked degraded.
  day[1].sharpness = 0.02f;
  day[0].degraded = day[2].degraded = true;
  EXPECT_EQ(group_photos(day, settings())[0].best, 2u);
}

TEST(Grouping, BestTiesGoToFileOrderAndNaNIsLowest) {
  const std::vector<GroupingPhoto> photos = {
      photo(10, kScene, 0, std::nan("")),
      photo(11, flipped(kScene, 1), 1, 0.6),
      photo(12, flipped(kScene, 2), 2, 0.6),
  };
  EXPECT_EQ(group_photos(photos, settings())[0].best, 11u);
  const std::vector<GroupingPhoto> nans = {photo(10, kScene, 0, std::nan("")),
                                           photo(11, flipped(kScene, 1), 1, std::nan(""))};
  EXPECT_EQ(group_photos(nans, settings())[0].best, 10u);
}

TEST(Grouping, GroupsInOrderOfFirstMemberMembersInFileOrder) {
  // Time order is the reverse of file order, and two groups interleave in
  // the file: members still ascend, groups go by their first member.
  const std::vector<GroupingPhoto> photos = {
      photo(2, kOther, 990),
      photo(5, kScene, 980),
      photo(7, flipped(kOther, 1), 970),
      photo(8, kThird, kNoCaptureTime),
      photo(9, flipped(kScene, 2), 975),
      photo(12, flipped(kThird, 2), 0),
  };
  const auto groups = group_photos(photos, settings());
  ASSERT_EQ(groups.size(), 3u);
  EXPECT_EQ(members(groups[0]), (std::vector<std::uint64_t>{2, 7}));
  EXPECT_EQ(members(groups[1]), (std::vector<std::uint64_t>{5, 9}));
  EXPECT_EQ(members(groups[2]), (std::vector<std::uint64_t>{8, 12}));
  EXPECT_EQ(groups[0].kind, GroupKind::duplicate);  // 2 s apart but a different photo between them in time
  EXPECT_EQ(groups[1].kind, GroupKind::burst);
  EXPECT_EQ(groups[2].kind, GroupKind::duplicate);
}

TEST(Grouping, SameTimeKeepsFileOrderBetweenFrames) {
  // Two cameras at the same instant: frames of scene A and scene B tied in
  // time. Ties go in file order, so 0 and 1 (same scene) are neighbours.
  const std::vector<GroupingPhoto> photos = {photo(0, kScene, 10), photo(1, flipped(kScene, 8), 10),
                                             photo(2, kOther, 10)};
  const auto groups = group_photos(photos, settings());
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(members(groups[0]), (std::vector<std::uint64_t>{0, 1}));
  EXPECT_EQ(groups[0].kind, GroupKind::burst);
}

TEST(Grouping, ExtremeTimesDoNotWrap) {
  // The 64-bit range's two ends are not 2 s apart.
  std::vector<GroupingPhoto> photos = {photo(0, kScene, 0), photo(1, flipped(kScene, 8), 0)};
  photos[0].capture_us = std::numeric_limits<std::int64_t>::min() + 1;
  photos[1].capture_us = std::numeric_limits<std::int64_t>::max();
  EXPECT_TRUE(group_photos(photos, settings()).empty());
}

TEST(Grouping, OutOfFileOrderIsRefused) {
  const std::vector<GroupingPhoto> photos = {photo(3, kScene, 0), photo(3, kScene, 1)};
  EXPECT_THROW(group_photos(photos, settings()), std::invalid_argument);
  EXPECT_TRUE(group_photos({}, settings()).empty());
}

TEST(Grouping, ManyCopiesOfOneHash) {
  // Exact copies are joined through the sort, not pair by pair.
  std::vector<GroupingPhoto> photos;
  for (int i = 0; i < 5000; ++i) photos.push_back(photo(i, i % 2 ? kScene : kOther, kNoCaptureTime));
  const auto groups = group_photos(photos, settings());
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0].members.size(), 2500u);
  EXPECT_EQ(groups[0].members.front(), 0u);
  EXPECT_EQ(groups[1].members.front(), 1u);
}

// --- the multi-index search against every pair compared ---

std::set<std::pair<std::uint32_t, std::uint32_t>> brute_force(const std::vector<std::uint64_t>& h, int k) {
  std::set<std::pair<std::uint32_t, std::uint32_t>> pairs;
  for (std::uint32_t i = 0; i < h.size(); ++i) {
    for (std::uint32_t j = i + 1; j < h.size(); ++j) {
      if (std::popcount(h[i] ^ h[j]) <= k) pairs.emplace(i, j);
    }
  }
  return pairs;
}

// Clusters: random centres, members a few random bits away from theirs, so
// every distance from 0 to about 20 occurs.
std::vector<std::uint64_t> clustered(std::size_t n, std::mt19937_64& rng) {
  std::vector<std::uint64_t> h;
  while (h.size() < n) {
    const std::uint64_t centre = rng();
    const std::size_t size = 1 + rng() % 6;
    for (std::size_t m = 0; m < size && h.size() < n; ++m) {
      std::uint64_t v = centre;
      const int flips = static_cast<int>(rng() % 12);
      for (int f = 0; f < flips; ++f) v ^= std::uint64_t{1} << (rng() % 64);
      h.push_back(v);
    }
  }
  std::shuffle(h.begin(), h.end(), rng);
  return h;
}

TEST(NearPairs, EveryPairWithinTheDistanceExactlyOnce) {
  std::mt19937_64 rng(20);
  for (const std::size_t n : {2u, 17u, 400u, 3000u}) {
    const std::vector<std::uint64_t> h = clustered(n, rng);
    for (int k = 0; k <= 14; ++k) {
      std::vector<std::pair<std::uint32_t, std::uint32_t>> found;
      for_each_near_pair(h, k, [&](std::uint32_t i, std::uint32_t j) { found.emplace_back(i, j); });
      const auto expected = brute_force(h, k);
      const std::set<std::pair<std::uint32_t, std::uint32_t>> unique(found.begin(), found.end());
      EXPECT_EQ(found.size(), unique.size()) << "a pair reported twice, n " << n << " k " << k;
      EXPECT_EQ(unique, expected) << "n " << n << " k " << k << " blocks " << near_pair_blocks(n, k);
    }
  }
}

TEST(NearPairs, BlockChoicesAllAgree) {
  // Large inputs choose few wide blocks, small ones many narrow blocks; a
  // run at a size that chooses differently must find the same pairs. The
  // sizes here pick at least two different block counts.
  std::mt19937_64 rng(7);
  const std::vector<std::uint64_t> h = clustered(20000, rng);
  EXPECT_NE(near_pair_blocks(h.size(), 6), near_pair_blocks(50, 6));
  for (const int k : {3, 6, 9}) {
    std::size_t found = 0;
    bool ordered = true;
    for_each_near_pair(h, k, [&](std::uint32_t i, std::uint32_t j) {
      ++found;
      ordered = ordered && i < j;
    });
    // Brute force on 20,000 is 2e8 popcounts: quick enough once per k.
    EXPECT_EQ(found, brute_force(h, k).size()) << "k " << k;
    EXPECT_TRUE(ordered);
  }
}

TEST(NearPairs, DistanceSixtyFourIsEveryPair) {
  std::mt19937_64 rng(3);
  std::vector<std::uint64_t> h(40);
  for (auto& v : h) v = rng();
  std::size_t found = 0;
  for_each_near_pair(h, 64, [&](std::uint32_t, std::uint32_t) { ++found; });
  EXPECT_EQ(found, 40u * 39u / 2u);
  found = 0;
  for_each_near_pair(h, -1, [&](std::uint32_t, std::uint32_t) { ++found; });
  EXPECT_EQ(found, 0u);
}

}  // namespace
}  // namespace photoscore
