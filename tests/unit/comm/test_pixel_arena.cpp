// Where a roles member puts its photos in the shared window (PixelArena).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

#include "comm/pixel_arena.hpp"

namespace photoscore {
namespace {

// ------------------------- where a roles member puts its photos in the window
using mpi::PixelArena;

TEST(PixelArena, PlacesPhotosOneAfterAnotherOnCacheLines) {
  PixelArena arena(1000);
  EXPECT_EQ(arena.place(0, 100), std::optional<std::size_t>(0));
  EXPECT_EQ(arena.place(1, 1), std::optional<std::size_t>(128));  // 100 rounded up to 128
  EXPECT_EQ(arena.place(2, 64), std::optional<std::size_t>(192));
  EXPECT_EQ(arena.regions(), 3u);
  EXPECT_EQ(arena.high_water(), 256u);
}

TEST(PixelArena, SaysNoRatherThanWaitAndNeverOverlaps) {
  PixelArena arena(640);
  ASSERT_TRUE(arena.place(0, 256));
  ASSERT_TRUE(arena.place(1, 256));
  EXPECT_FALSE(arena.place(2, 256));  // 128 left
  EXPECT_FALSE(arena.place(2, 700));  // larger than all of it
  EXPECT_FALSE(arena.place(2, 0));
  // Photo 0 finished by every member: its place is the lowest gap.
  arena.release(1);
  EXPECT_EQ(arena.regions(), 1u);
  EXPECT_EQ(arena.place(2, 200), std::optional<std::size_t>(0));
  EXPECT_EQ(arena.place(3, 100), std::optional<std::size_t>(512));
  arena.release(4);
  EXPECT_EQ(arena.regions(), 0u);
  EXPECT_EQ(arena.place(4, 640), std::optional<std::size_t>(0));
}

// A long stream of photos of mixed sizes, each given back a few photos
// later (as the other members finish them): live regions never overlap or
// pass the end, and the lowest-first rule keeps the touched pages near what
// the photos in flight need, not the whole capacity.
TEST(PixelArena, ASteadyStreamTouchesLittleMoreThanThePhotosInFlight) {
  std::mt19937 random(7);
  std::uniform_int_distribution<std::size_t> size(1 << 20, 24 << 20);
  const std::size_t capacity = std::size_t{512} << 20;
  PixelArena arena(capacity);
  struct Live {
    std::int64_t photo;
    std::size_t at, bytes;
  };
  std::vector<Live> live;
  int refused = 0;
  for (std::int64_t photo = 0; photo < 5000; ++photo) {
    const std::int64_t released = std::max<std::int64_t>(0, photo - 6);
    arena.release(released);
    std::erase_if(live, [&](const Live& l) { return l.photo < released; });
    const std::size_t bytes = size(random);
    const auto at = arena.place(photo, bytes);
    if (!at) {
      ++refused;
      continue;
    }
    ASSERT_LE(*at + bytes, capacity);
    for (const Live& l : live) ASSERT_TRUE(*at + bytes <= l.at || l.at + l.bytes <= *at) << "photo " << photo;
    live.push_back({photo, *at, bytes});
  }
  EXPECT_EQ(refused, 0);
  // Six photos of at most 24 MiB in flight, with the gaps first fit leaves.
  EXPECT_LT(arena.high_water(), std::size_t{12 * 24} << 20);
}

}  // namespace
}  // namespace photoscore
