// The MPI layer: the plan (which rank does what) as a plain function, and
// whole in-process runs of run_mpi on every rank, whose rows must be the
// rows run_threads gives for the same files. Run under mpirun with 1 to N
// ranks; the run tests skip on a single rank, where MPI mode cannot run.
#include <gtest/gtest.h>
#include <mpi.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "analyzers/registry.hpp"
#include "app/job.hpp"
#include "comm/mpi_plan.hpp"
#include "comm/mpi_runner.hpp"
#include "comm/pixel_arena.hpp"
#include "output/row_json.hpp"
#include "run/thread_mode.hpp"

namespace photoscore {
namespace {

namespace fs = std::filesystem;

std::vector<std::size_t> ids(std::initializer_list<std::size_t> list) { return list; }

// ------------------------------------------------------------------ the plan

TEST(MpiPlan, FourRanksThreeAnalyzersIsTheSeedsNetwork) {
  const MpiPlan plan = make_mpi_plan(Layout::Roles, 4, 3);
  ASSERT_EQ(plan.groups.size(), 1u);
  EXPECT_EQ(plan.groups[0].ranks, (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(plan.ranks[1].analyzers, ids({0}));
  EXPECT_EQ(plan.ranks[2].analyzers, ids({1}));
  EXPECT_EQ(plan.ranks[3].analyzers, ids({2}));
  EXPECT_EQ(plan.ranks[0].group, -1);
  EXPECT_EQ(plan_summary(plan, 1), "mpi roles: 4 ranks, 1 group x 3 analyzer ranks, 1 thread each");
}

TEST(MpiPlan, FewRanksHoldSeveralAnalyzers) {
  const MpiPlan two = make_mpi_plan(Layout::Roles, 2, 3);
  ASSERT_EQ(two.groups.size(), 1u);
  EXPECT_EQ(two.ranks[1].analyzers, ids({0, 1, 2}));
  const MpiPlan three = make_mpi_plan(Layout::Roles, 3, 3);
  ASSERT_EQ(three.groups.size(), 1u);
  EXPECT_EQ(three.ranks[1].analyzers, ids({0, 1}));
  EXPECT_EQ(three.ranks[2].analyzers, ids({2}));
}

TEST(MpiPlan, ColorGetsItsOwnRankWithFiveRanks) {
  const MpiPlan plan = make_mpi_plan(Layout::Roles, 5, 4);
  ASSERT_EQ(plan.groups.size(), 1u);
  for (int r = 1; r <= 4; ++r)
    EXPECT_EQ(plan.ranks[static_cast<std::size_t>(r)].analyzers, ids({std::size_t(r - 1)}));
}

TEST(MpiPlan, SevenRanksMakeTwoGroups) {
  const MpiPlan plan = make_mpi_plan(Layout::Roles, 7, 3);
  ASSERT_EQ(plan.groups.size(), 2u);
  EXPECT_EQ(plan.groups[0].ranks, (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(plan.groups[1].ranks, (std::vector<int>{4, 5, 6}));
  EXPECT_EQ(plan.ranks[4].analyzers, ids({0}));
  EXPECT_EQ(plan.ranks[6].group, 1);
  EXPECT_EQ(plan_summary(plan, 2), "mpi roles: 7 ranks, 2 groups x 3 analyzer ranks, 2 threads each");
}

TEST(MpiPlan, SpareRankSharesTheFirstRoleAndTakesTurns) {
  const MpiPlan plan = make_mpi_plan(Layout::Roles, 5, 3);
  ASSERT_EQ(plan.groups.size(), 1u);
  EXPECT_EQ(plan.groups[0].ranks, (std::vector<int>{1, 2, 3, 4}));
  EXPECT_EQ(plan.ranks[4].analyzers, ids({0}));
  EXPECT_EQ(plan.ranks[1].turns, 2);
  EXPECT_EQ(plan.ranks[4].turn, 1);
  EXPECT_EQ(group_responders(plan.groups[0], 0), (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(group_responders(plan.groups[0], 1), (std::vector<int>{2, 3, 4}));
  EXPECT_TRUE(rank_responds(plan.ranks[1], 2));
  EXPECT_FALSE(rank_responds(plan.ranks[4], 2));
  EXPECT_TRUE(rank_responds(plan.ranks[2], 1));
  const auto specs = std::vector<const AnalyzerSpec*>{find_analyzer("sharpness"), find_analyzer("exposure"),
                                                      find_analyzer("composition")};
  EXPECT_EQ(rank_role_name(plan, 4, specs), "analyzer[sharpness] 2/2");
  EXPECT_EQ(rank_role_name(plan, 2, specs), "analyzer[exposure]");
  EXPECT_EQ(rank_role_name(plan, 0, specs), "source+merger");
}

TEST(MpiPlan, UnevenGroupsAreSummarized) {
  const MpiPlan plan = make_mpi_plan(Layout::Roles, 8, 3);
  ASSERT_EQ(plan.groups.size(), 2u);
  EXPECT_EQ(plan.groups[0].ranks.size(), 4u);
  EXPECT_EQ(plan.groups[1].ranks.size(), 3u);
  EXPECT_EQ(plan_summary(plan, 1), "mpi roles: 8 ranks, 2 groups (4+3 analyzer ranks), 1 thread each");
}

TEST(MpiPlan, FarmGivesEveryWorkerAllAnalyzers) {
  const MpiPlan plan = make_mpi_plan(Layout::Farm, 4, 3);
  ASSERT_EQ(plan.groups.size(), 3u);
  for (int r = 1; r < 4; ++r) {
    EXPECT_EQ(plan.ranks[static_cast<std::size_t>(r)].analyzers, ids({0, 1, 2}));
    EXPECT_EQ(plan.groups[static_cast<std::size_t>(r - 1)].ranks, (std::vector<int>{r}));
  }
  EXPECT_EQ(plan_summary(plan, 1), "mpi farm: 4 ranks, 3 workers x 3 analyzers, 1 thread each");
  const std::vector<std::string> lines = plan_lines(plan, {}, {"h0", "h1", "h2", "h3"}, 1);
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_NE(lines[0].find("world size 4"), std::string::npos);
  EXPECT_EQ(lines[1].rfind("rank 0 (h0): source + merger", 0), 0u);
  EXPECT_EQ(lines[3].rfind("rank 2 (h2): worker", 0), 0u);
}

// For every world and selection: every analyzer rank has work, and each of a
// group's photos is answered for every analyzer by exactly one rank.
TEST(MpiPlan, EveryPhotoGetsEveryAnalyzerExactlyOnce) {
  for (const Layout layout : {Layout::Roles, Layout::Farm}) {
    for (std::size_t count = 1; count <= 4; ++count) {
      for (int world = 2; world <= 13; ++world) {
        SCOPED_TRACE(std::string(to_string(layout)) + " analyzers " + std::to_string(count) + " world " + std::to_string(world));
        const MpiPlan plan = make_mpi_plan(layout, world, count);
        std::set<int> seen;
        for (const PlanGroup& group : plan.groups) {
          for (int r : group.ranks) EXPECT_TRUE(seen.insert(r).second) << "rank " << r << " in two groups";
          for (std::int64_t seq = 0; seq < 6; ++seq) {
            std::vector<int> hits(count, 0);
            for (int r : group_responders(group, seq)) {
              EXPECT_TRUE(rank_responds(plan.ranks[static_cast<std::size_t>(r)], seq));
              for (std::size_t a : plan.ranks[static_cast<std::size_t>(r)].analyzers) ++hits[a];
            }
            EXPECT_EQ(hits, std::vector<int>(count, 1));
          }
        }
        EXPECT_EQ(seen.size(), static_cast<std::size_t>(world - 1));
        for (int r = 1; r < world; ++r)
          EXPECT_FALSE(plan.ranks[static_cast<std::size_t>(r)].analyzers.empty());
      }
    }
  }
}

TEST(MpiPlan, RefusesWhatCannotRun) {
  EXPECT_THROW(make_mpi_plan(Layout::Roles, 1, 3), std::invalid_argument);
  EXPECT_THROW(make_mpi_plan(Layout::Roles, 4, 0), std::invalid_argument);
  EXPECT_THROW(make_mpi_plan(Layout::Threads, 4, 3), std::invalid_argument);
}

// ------------------------------------------- who decodes which photo (roles)

std::vector<int> decoders(DecodeBalancer& balancer, std::int64_t from, std::int64_t to) {
  std::vector<int> out;
  for (std::int64_t seq = from; seq < to; ++seq) out.push_back(balancer.assign(seq, 1.0));
  return out;
}

TEST(DecodeBalancer, BeforeAnyAnswerMembersTakeTurns) {
  const MpiPlan plan = make_mpi_plan(Layout::Roles, 4, 3);
  DecodeBalancer balancer(plan.groups[0]);
  EXPECT_EQ(decoders(balancer, 0, 7), (std::vector<int>{1, 2, 3, 1, 2, 3, 1}));
  const MpiPlan two = make_mpi_plan(Layout::Roles, 3, 3);
  DecodeBalancer pair(two.groups[0]);
  EXPECT_EQ(decoders(pair, 0, 4), (std::vector<int>{1, 2, 1, 2}));
}

// Its answer carries the decode time, so the decoder must answer for the
// photo: with shared roles, the rank off duty for a photo never decodes it.
TEST(DecodeBalancer, TheDecoderAlwaysAnswersForThePhoto) {
  for (std::size_t count = 1; count <= 4; ++count) {
    for (int world = 2; world <= 9; ++world) {
      const MpiPlan plan = make_mpi_plan(Layout::Roles, world, count);
      for (const PlanGroup& group : plan.groups) {
        DecodeBalancer balancer(group);
        for (std::int64_t seq = 0; seq < 40; ++seq) {
          const int decoder = balancer.assign(seq, 1.0 + static_cast<double>(seq % 5));
          const std::vector<int> responders = group_responders(group, seq);
          EXPECT_NE(std::find(responders.begin(), responders.end(), decoder), responders.end())
              << "world " << world << " analyzers " << count << " photo " << seq;
          // Answers come back a few photos late, the first member slower.
          if (seq >= 3) {
            for (int r : group_responders(group, seq - 3)) {
              balancer.learn(r, seq - 3, 1.0, r == group.ranks[0] ? 0.02 : 0.01, 0.005 * r, 0.1 * seq * r);
            }
          }
        }
      }
    }
  }
}

// -np 3: rank 1 holds sharpness and exposure (cheap), rank 2 composition. A
// simulated run where each member is busy exactly with what it was given
// and answers six photos late: the cheap role must take most decodes, close
// to the share that evens the two out, (d + a2 - a1) / 2d = 0.65.
TEST(DecodeBalancer, TheLightRoleDecodesMore) {
  const MpiPlan plan = make_mpi_plan(Layout::Roles, 3, 3);
  DecodeBalancer balancer(plan.groups[0]);
  const double decode = 0.019;
  const double analyze[] = {0.0, 0.0028, 0.0085};  // by world rank
  std::vector<int> decoder;
  double busy[] = {0.0, 0.0, 0.0};
  std::vector<std::array<double, 3>> work;  // per photo: each rank's seconds
  const int photos = 400;
  const int late = 6;
  int by_rank1 = 0;
  for (std::int64_t seq = 0; seq < photos; ++seq) {
    const int d = balancer.assign(seq, 1.0);
    by_rank1 += d == 1 ? 1 : 0;
    work.push_back({0.0, analyze[1] + (d == 1 ? decode : 0.0), analyze[2] + (d == 2 ? decode : 0.0)});
    decoder.push_back(d);
    if (seq >= late) {
      const auto done = static_cast<std::size_t>(seq - late);
      for (int r : {1, 2}) {
        busy[r] += work[done][static_cast<std::size_t>(r)];
        balancer.learn(r, seq - late, 1.0, decoder[done] == r ? decode : 0.0, analyze[r], busy[r]);
      }
    }
  }
  const double share = static_cast<double>(by_rank1) / photos;
  EXPECT_GT(share, 0.60);
  EXPECT_LT(share, 0.70);
  EXPECT_NEAR(balancer.expected_busy(1), balancer.expected_busy(2), 2 * decode);
}

// A member that reports more busy time (a shared core, a slow node) than its
// work explains gets fewer photos to decode.
TEST(DecodeBalancer, ABusierMemberGetsFewerDecodes) {
  const MpiPlan plan = make_mpi_plan(Layout::Roles, 3, 2);  // ranks 1 and 2, one analyzer each
  DecodeBalancer balancer(plan.groups[0]);
  int by_rank2 = 0;
  double busy[] = {0.0, 0.0, 0.0};
  for (std::int64_t seq = 0; seq < 200; ++seq) {
    const int d = balancer.assign(seq, 1.0);
    by_rank2 += d == 2 ? 1 : 0;
    for (int r : {1, 2}) {
      // Rank 2 runs at half speed: every second of work takes it two.
      busy[r] += (d == r ? 0.02 : 0.0) * (r == 2 ? 2.0 : 1.0) + 0.005;
      balancer.learn(r, seq, 1.0, d == r ? 0.02 : 0.0, 0.005, busy[r]);
    }
  }
  EXPECT_LT(by_rank2, 80);
  EXPECT_GT(by_rank2, 40);
  EXPECT_THROW(balancer.learn(3, 0, 1.0, 0.0, 0.0, 0.0), std::invalid_argument);
}

TEST(PixelPieces, AboutTwoMebibytesOfRowsAndAtLeastOne) {
  EXPECT_EQ(pixel_piece_rows(4000), 174);  // 2 MiB / 12,000 bytes a row
  EXPECT_EQ(pixel_piece_rows(1'000'000), 1);
  EXPECT_GT(pixel_piece_rows(1), 1000);
  for (int width : {1, 97, 4000, 6000, 20000}) {
    EXPECT_LE(static_cast<std::int64_t>(pixel_piece_rows(width)) * 3 * width, std::int64_t{1} << 30);
  }
}

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

// ------------------------------------------------------------- whole runs

int world_rank() {
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  return rank;
}

int world_size() {
  int size = 0;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  return size;
}

// Keeps every call, with rows as the archive would write them.
class CaptureSink final : public RowSink {
 public:
  explicit CaptureSink(std::vector<const AnalyzerSpec*> analyzers) : analyzers_(std::move(analyzers)) {}
  void open(const RunInfo& info) override {
    ++opened;
    plan_at_open = info.plan;
  }
  void write(const ScoredRow& row, const ImageTiming& timing) override {
    rows.push_back(row_to_json(row, analyzers_));
    timings.push_back(timing);
  }
  void close(const RunInfo&) override { ++closed; }

  int opened = 0;
  int closed = 0;
  std::string plan_at_open;
  std::vector<std::string> rows;
  std::vector<ImageTiming> timings;

 private:
  std::vector<const AnalyzerSpec*> analyzers_;
};

void put_u16(std::vector<std::uint8_t>& b, unsigned v) {
  b.push_back(static_cast<std::uint8_t>(v & 0xFF));
  b.push_back(static_cast<std::uint8_t>(v >> 8));
}

void put_u32(std::vector<std::uint8_t>& b, std::uint32_t v) {
  put_u16(b, v & 0xFFFF);
  put_u16(b, v >> 16);
}

// A 24-bit BMP with a deterministic mix of gradient, edges and noise, so
// every analyzer has something to measure.
void write_bmp(const fs::path& path, int width, int height, std::uint32_t seed) {
  const auto row_bytes = static_cast<std::uint32_t>((width * 3 + 3) / 4 * 4);
  const std::uint32_t pixels = row_bytes * static_cast<std::uint32_t>(height);
  std::vector<std::uint8_t> b = {'B', 'M'};
  put_u32(b, 54 + pixels);
  put_u32(b, 0);
  put_u32(b, 54);
  put_u32(b, 40);
  put_u32(b, static_cast<std::uint32_t>(width));
  put_u32(b, static_cast<std::uint32_t>(height));
  put_u16(b, 1);
  put_u16(b, 24);
  for (int i = 0; i < 6; ++i) put_u32(b, 0);
  std::uint32_t state = seed;
  for (int y = height - 1; y >= 0; --y) {
    std::size_t written = 0;
    for (int x = 0; x < width; ++x) {
      state = state * 1664525u + 1013904223u;
      const int noise = static_cast<int>(state >> 27);
      const bool square = ((x / 23) + (y / 17)) % 2 == 0;
      const int base = (x * 255) / std::max(1, width - 1);
      b.push_back(static_cast<std::uint8_t>(std::clamp(base + noise, 0, 255)));
      b.push_back(static_cast<std::uint8_t>(square ? 200 : 40));
      b.push_back(static_cast<std::uint8_t>(std::clamp((y * 255) / std::max(1, height - 1) - noise, 0, 255)));
      written += 3;
    }
    for (; written < row_bytes; ++written) b.push_back(0);
  }
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
}

// The run's files, on rank 0: synthetic photos of several sizes, a broken
// one, an empty one, one that cannot be read at all, and some of the
// project's test photos when they are there.
class MpiRun : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (world_rank() != 0) return;
    dir_ = fs::temp_directory_path() / ("photoscore_mpi_test_" + std::to_string(getpid()));
    fs::create_directories(dir_);
    const std::vector<std::pair<int, int>> sizes = {{97, 61},   {1, 1},     {3, 2},
                                                    {640, 480}, {257, 129}, {33, 300}};
    std::uint32_t seed = 7;
    for (const auto& [w, h] : sizes) {
      const std::string name = "synthetic_" + std::to_string(w) + "x" + std::to_string(h) + ".bmp";
      write_bmp(dir_ / name, w, h, seed++);
      files_.push_back({name, (dir_ / name).string()});
    }
    std::ofstream(dir_ / "broken.png") << "this is not a PNG";
    files_.push_back({"broken.png", (dir_ / "broken.png").string()});
    std::ofstream(dir_ / "empty.jpg");
    files_.push_back({"empty.jpg", (dir_ / "empty.jpg").string()});
    files_.push_back({"vanished.jpg", (dir_ / "vanished.jpg").string()});
    const fs::path photos = fs::path(PHOTOSCORE_TEST_DATA) / "photos";
    for (const char* name : {"camera.png", "chelsea_dark.jpg", "coffee_blurred.jpg", "tiny_png_named.jpg",
                             "rocket_progressive.jpg", "chelsea_palette.png"}) {
      if (fs::exists(photos / name)) files_.push_back({name, (photos / name).string()});
    }
  }
  static void TearDownTestSuite() {
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  struct Case {
    Layout layout;
    int threads;
    int in_flight;
    std::vector<std::string> analyzers;  // empty: the default ones
    ReadMode read = ReadMode::Rank0;
  };

  // Runs run_mpi on every rank and, on rank 0, checks it against run_threads.
  static void check(const Case& c) {
    SCOPED_TRACE(std::string(to_string(c.layout)) + " threads " + std::to_string(c.threads) + " in-flight " +
                 std::to_string(c.in_flight) + " analyzers " + std::to_string(c.analyzers.size()) + " read " +
                 std::string(to_string(c.read)));
    Options options;
    options.quiet = true;
    options.layout = c.layout;
    options.threads = c.threads;
    options.in_flight = c.in_flight;
    options.analyzers = c.analyzers;
    options.read = c.read;
    const int world = world_size();
    Job job = make_job(options, Mode::Mpi, c.layout, world);
    const bool root = world_rank() == 0;
    CaptureSink mpi(job.policy.analyzers);
    run_mpi(job, root ? files_ : std::vector<InputFile>{}, root ? &mpi : nullptr);
    if (!root) return;

    CaptureSink threads(job.policy.analyzers);
    Job thread_job = make_job(options, Mode::Threads, Layout::Threads, 1);
    thread_job.threads = 2;
    run_thread_mode(thread_job, files_, threads);
    const RunInfo& thread_info = thread_job.info;
    ASSERT_EQ(mpi.rows.size(), files_.size());
    EXPECT_EQ(mpi.rows, threads.rows);
    EXPECT_EQ(mpi.opened, 1);
    EXPECT_EQ(mpi.closed, 1);
    EXPECT_EQ(mpi.plan_at_open, job.info.plan);
    EXPECT_EQ(job.info.images, static_cast<std::int64_t>(files_.size()));
    EXPECT_EQ(job.info.errors, thread_info.errors);
    EXPECT_GE(job.info.errors, 3);
    EXPECT_FALSE(job.info.hosts.empty());
    EXPECT_FALSE(job.info.start_time.empty());
    EXPECT_GE(job.info.wall_seconds, 0.0);

    const std::size_t count = job.policy.analyzers.size();
    const MpiPlan plan = make_mpi_plan(c.layout, world, count);
    ASSERT_EQ(job.info.rank_timings.size(), static_cast<std::size_t>(world));
    std::int64_t answers = 0;
    for (int r = 0; r < world; ++r) {
      const RankTiming& t = job.info.rank_timings[static_cast<std::size_t>(r)];
      EXPECT_EQ(t.rank, r);
      EXPECT_EQ(t.role, rank_role_name(plan, r, job.policy.analyzers));
      ASSERT_EQ(t.analyze.size(), count);
      double stages = t.read + t.comm + t.wait + t.decode + t.merge + t.write;
      for (double s : t.analyze) stages += s;
      // Disjoint stages: never more than the wall (clock reads aside).
      EXPECT_LE(stages, t.wall * 1.01 + 1e-3) << "rank " << r;
      if (r > 0)
        answers +=
            t.images * static_cast<std::int64_t>(plan.ranks[static_cast<std::size_t>(r)].analyzers.size());
    }
    EXPECT_EQ(job.info.rank_timings[0].images, static_cast<std::int64_t>(files_.size()));
    // Every file rank 0 could read (with --read workers, every file) was
    // answered once per analyzer.
    const std::size_t unread = c.read == ReadMode::Rank0 ? 1 : 0;
    EXPECT_EQ(answers, static_cast<std::int64_t>((files_.size() - unread) * count));
    EXPECT_EQ(job.info.read, to_string(c.read));
    EXPECT_EQ(job.info.decode, "once");
    // Rank 0 sends every photo's payload; in roles groups of several ranks the
    // decoding member sends the pixels on.
    EXPECT_GT(job.info.rank_timings[0].bytes_sent, 0);
    for (const RankTiming& t : job.info.rank_timings) EXPECT_GT(t.peak_memory, 0) << "rank " << t.rank;
    for (const ImageTiming& t : mpi.timings) {
      EXPECT_FALSE(t.ranks.empty());
      EXPECT_EQ(t.analyzer_seconds.size(), count);
      EXPECT_GE(t.latency_seconds, 0.0);
    }
  }

  static inline fs::path dir_;
  static inline std::vector<InputFile> files_;
};

const std::vector<std::string> kWithColor = {"sharpness", "exposure", "composition", "color"};

TEST_F(MpiRun, RolesMatchesThreadMode) {
  if (world_size() < 2) GTEST_SKIP() << "MPI mode needs 2 ranks";
  check({Layout::Roles, 1, 3, {}});
  check({Layout::Roles, 2, 1, {}});
  check({Layout::Roles, 1, 2, kWithColor});
}

// With fewer analyzers than analyzer ranks, ranks share roles (taking turns)
// or form several groups.
TEST_F(MpiRun, SharedRolesAndSeveralGroupsMatchThreadMode) {
  if (world_size() < 2) GTEST_SKIP() << "MPI mode needs 2 ranks";
  check({Layout::Roles, 1, 2, {"sharpness", "exposure"}});
  check({Layout::Roles, 2, 3, {"composition"}});
}

TEST_F(MpiRun, FarmMatchesThreadMode) {
  if (world_size() < 2) GTEST_SKIP() << "MPI mode needs 2 ranks";
  check({Layout::Farm, 1, 3, {}});
  check({Layout::Farm, 2, 1, kWithColor});
}

// --read workers: rank 0 sends paths, the decoding rank reads the file, and
// a file that cannot be read is its error row, as in thread mode.
TEST_F(MpiRun, WorkersReadTheFilesThemselves) {
  if (world_size() < 2) GTEST_SKIP() << "MPI mode needs 2 ranks";
  check({Layout::Roles, 1, 2, {}, ReadMode::Workers});
  check({Layout::Roles, 2, 1, kWithColor, ReadMode::Workers});
  check({Layout::Farm, 1, 3, {}, ReadMode::Workers});
}

TEST_F(MpiRun, RunsTwiceInOneProcess) {
  if (world_size() < 2) GTEST_SKIP() << "MPI mode needs 2 ranks";
  check({Layout::Roles, 1, 64, {}});
  check({Layout::Roles, 1, 64, {}});
}

}  // namespace
}  // namespace photoscore
