// The MPI layer's whole in-process runs of run_mpi on every rank, whose
// rows must be the rows run_threads gives for the same files. Run under
// mpirun with 1 to N ranks; the run tests skip on a single rank, where MPI
// mode cannot run. The layer's parts that need no MPI (the plan, the
// balancer, the arena, the assembler) are tested in test_comm_parts.cpp.
#include <gtest/gtest.h>
#include <mpi.h>
#include <pthread.h>
#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "analyzers/registry.hpp"
#include "app/job_from_options.hpp"
#include "comm/mpi_plan.hpp"
#include "comm/mpi_runner.hpp"
#include "comm/mpi_wait.hpp"
#include "output/row_json.hpp"
#include "run/thread_mode.hpp"

namespace photoscore {
namespace {

namespace fs = std::filesystem;

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
    LeaderMode leaders = LeaderMode::Auto;
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
    options.leaders = c.leaders;
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
    const bool leaders = c.leaders == LeaderMode::On;
    const MpiPlan plan = make_mpi_plan(c.layout, world, count, std::vector<int>(static_cast<std::size_t>(world), 0), leaders);
    EXPECT_EQ(job.info.plan.find("leader") != std::string::npos, leaders) << job.info.plan;
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
      // Every rank worked (rank 0 dealt, the others scored), on its main
      // thread: some of the process's CPU, never more.
      EXPECT_GT(t.busy_cpu, 0.0) << "rank " << r;
      EXPECT_LE(t.busy_cpu, t.cpu + 1e-3) << "rank " << r;
      EXPECT_GE(t.preempted, 0) << "rank " << r;
      if (r > 0)
        answers +=
            t.images * static_cast<std::int64_t>(plan.ranks[static_cast<std::size_t>(r)].analyzers.size());
    }
    EXPECT_EQ(job.info.rank_timings[0].images, static_cast<std::int64_t>(files_.size()));
    // Every file rank 0 could read (with --read workers, every file) was
    // answered once per analyzer.
    const std::size_t unread = c.read == ReadMode::Rank0 ? 1 : 0;
    EXPECT_EQ(answers, static_cast<std::int64_t>((files_.size() - unread) * count));
    // --read auto on one node: every node sees the input, the ranks read.
    EXPECT_EQ(job.info.read, c.read == ReadMode::Auto ? std::string("workers (auto)") : std::string(to_string(c.read)));
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
  check({Layout::Roles, 1, 2, {}, ReadMode::Auto});
  check({Layout::Farm, 2, 1, {}, ReadMode::Auto});
}

// --leaders on, one node: rank 1 leads, the others are its groups; rank 0
// deals to it alone and gets its rows from it in large blocks.
TEST_F(MpiRun, ALeaderDealsForItsNode) {
  if (world_size() < 3) GTEST_SKIP() << "a leader needs a rank to score beside it";
  check({Layout::Farm, 1, 3, {}, ReadMode::Auto, LeaderMode::On});
  check({Layout::Roles, 1, 2, {}, ReadMode::Workers, LeaderMode::On});
}

// Spins until this thread has used `seconds` more of CPU.
void burn(double seconds) {
  const double until = thread_cpu_seconds() + seconds;
  while (thread_cpu_seconds() < until) {
  }
}

// busy_cpu: the thread's CPU, less what it spent inside poll_until (a
// dealer's polls and naps), however long the wait was in wall time.
TEST(BusyCpuClock, LeavesOutTheCpuSpentWaiting) {
  const mpi::BusyCpuClock clock;
  burn(0.02);
  int polls = 0;
  mpi::poll_until([&] {
    burn(0.001);
    return ++polls == 30;
  });
  burn(0.01);
  EXPECT_GE(clock.seconds(), 0.03);
  EXPECT_LT(clock.seconds(), 0.03 + 0.01);  // not the 30 ms of polls
}

// preempted: with a spinning thread on its one core, the OS takes the core
// from this thread every time slice (a few ms); alone on it, rarely.
TEST(BusyCpuClock, CountsTheTimesItsCoreWasTaken) {
  cpu_set_t saved;
  ASSERT_EQ(pthread_getaffinity_np(pthread_self(), sizeof saved, &saved), 0);
  cpu_set_t one;
  CPU_ZERO(&one);
  CPU_SET(sched_getcpu(), &one);
  ASSERT_EQ(pthread_setaffinity_np(pthread_self(), sizeof one, &one), 0);
  std::atomic<bool> stop{false};
  std::thread rival([&] {
    pthread_setaffinity_np(pthread_self(), sizeof one, &one);
    while (!stop.load(std::memory_order_relaxed)) {
    }
  });
  const mpi::BusyCpuClock clock;
  burn(0.05);  // about 0.1 s of wall beside the rival: many time slices
  const std::int64_t taken = clock.preemptions();
  stop = true;
  rival.join();
  pthread_setaffinity_np(pthread_self(), sizeof saved, &saved);
  EXPECT_GE(taken, 3) << "the rival held the core for about 50 ms";
}

TEST_F(MpiRun, RunsTwiceInOneProcess) {
  if (world_size() < 2) GTEST_SKIP() << "MPI mode needs 2 ranks";
  check({Layout::Roles, 1, 64, {}});
  check({Layout::Roles, 1, 64, {}});
}

}  // namespace
}  // namespace photoscore
