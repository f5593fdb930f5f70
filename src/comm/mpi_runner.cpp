#include "comm/mpi_runner.hpp"

#include <mpi.h>

#include <algorithm>
#include <climits>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>

#include "comm/group_channel.hpp"
#include "comm/lane_lines.hpp"
#include "comm/layouts.hpp"
#include "comm/mpi_plan.hpp"
#include "comm/mpi_ranks.hpp"
#include "comm/read_check.hpp"
#include "run/run_lifecycle.hpp"

namespace photoscore {

namespace {

// A private duplicate of the world, so the run's messages never meet anyone
// else's; failures on it end the job rather than leave peers waiting.
class RunComm {
 public:
  RunComm() {
    MPI_Comm_dup(MPI_COMM_WORLD, &comm_);
    MPI_Comm_set_errhandler(comm_, MPI_ERRORS_ARE_FATAL);
  }
  ~RunComm() { MPI_Comm_free(&comm_); }
  RunComm(const RunComm&) = delete;
  RunComm& operator=(const RunComm&) = delete;
  MPI_Comm get() const { return comm_; }

 private:
  MPI_Comm comm_ = MPI_COMM_NULL;
};

// Written rows wait at most this long for the JSONL's group commit: a job
// killed outright loses at most about this much finished work.
constexpr double kCommitSeconds = 0.5;

// --leaders auto: from this many ranks (on two nodes or more) rank 0 deals
// to a leader a node. Below it one rank 0 keeps up with every group's
// messages (docs/scaling.md, "Rank 0"), and a leader would cost each node a
// core for nothing.
constexpr int kLeadersFrom = 512;

// Bytes of its group's shared-memory window each roles member offers.
std::size_t window_bytes(const Job& job, const MpiPlan& plan, MPI_Comm world) {
  if (!plan.kind->shares_photos) return 0;
  return mpi::window_bytes(job.shared_bytes, mpi::ranks_on_node(world));
}

// With leaders, rank 0 deals to one rank a node instead of every group:
// asked for (--leaders on), or (auto) for a job of kLeadersFrom ranks or
// more on two nodes or more. Only where every rank reads its own photos (a
// leader never holds a photo's bytes) and every node has a rank to lead and
// one to score; --leaders on where that cannot be is refused.
bool use_leaders(const Job& job, const std::vector<int>& nodes, bool all_read, int rank) {
  if (job.leaders == LeaderMode::Off) return false;
  std::vector<int> distinct = nodes;
  std::sort(distinct.begin(), distinct.end());
  distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
  const auto world = static_cast<int>(nodes.size());
  if (job.leaders == LeaderMode::Auto && (distinct.size() < 2 || world < kLeadersFrom)) return false;
  std::string why;
  if (!all_read) why = "rank 0 reads the photos of a node that cannot see the input (--read)";
  for (int node : distinct) {
    int ranks = 0;
    for (int r = 1; r < world; ++r) ranks += nodes[static_cast<std::size_t>(r)] == node ? 1 : 0;
    if (ranks < 2 && why.empty())
      why = "a node has " + std::to_string(ranks) + " rank" + (ranks == 1 ? "" : "s") +
            " besides rank 0, and a leader needs a rank to score beside it";
  }
  if (why.empty()) return true;
  if (job.leaders == LeaderMode::On) throw InputError("--leaders on: no leaders, as " + why);
  if (rank == 0) std::fprintf(stderr, "photoscore: no leaders: %s\n", why.c_str());
  return false;
}

// How the decoded pixels reach a roles group's other analyzer ranks, on
// rank 0 (empty elsewhere), from every analyzer rank's window: its bytes,
// 0 for none (broadcast), -1 when its group is of one or not roles.
std::string pixel_transport(const MpiPlan& plan, mpi::LaneChannels& channels, MPI_Comm world, int rank) {
  long long mine = -1;
  const int group = plan.ranks[static_cast<std::size_t>(rank)].group;
  if (group >= 0 && plan.kind->shares_photos) {
    if (plan.groups[static_cast<std::size_t>(group)].ranks.size() > 1) {
      const mpi::PixelWindow* window = channels.own().window();
      mine = window ? static_cast<long long>(window->capacity()) : 0;
    }
  }
  // The least window among the ranks that move pixels, and the most (as the
  // least of its negation): one reduction.
  long long in[2] = {mine < 0 ? LLONG_MAX : mine, -mine};
  long long out[2] = {0, 0};
  MPI_Reduce(in, out, 2, MPI_LONG_LONG, MPI_MIN, 0, world);
  if (rank != 0) return {};
  const long long least = out[0];
  const long long most = -out[1];
  const auto mib = [](long long bytes) { return std::to_string(bytes >> 20) + " MiB per analyzer rank"; };
  if (most < 0) return "not moved";
  if (most == 0) return "broadcast";
  if (least == most) return "shared-memory window, " + mib(most);
  if (least > 0) return "shared-memory window, " + mib(least) + " or more";
  return "shared-memory window in groups on one node (" + mib(most) + "), broadcast in the others";
}

// What rank 0's sinks take, sent to every rank that formats rows.
void share_formats(Job& job, RowSink* sinks, MPI_Comm world, int rank) {
  std::string bytes;
  if (rank == 0) {
    bind_formats(job, *sinks);
    bytes = encode_format_plan(plan_of(job.formats, job.format));
  }
  mpi::broadcast_from_rank0(bytes, world);
  if (rank == 0) return;
  const FormatPlan plan = decode_format_plan(bytes);
  job.formats = plan.formats;
  job.format = context_of(plan, job.policy.analyzers);
}

// The figures of a rank's whole part of the run, the same for every role:
// its busy CPU and preemptions since `busy` began, its process's CPU since
// `cpu_at_start`, its peak memory.
void book_rank_totals(RankTiming& t, const mpi::BusyCpuClock& busy, double cpu_at_start) {
  t.busy_cpu = busy.seconds();
  t.preempted = busy.preemptions();
  t.cpu = process_cpu_seconds() - cpu_at_start;
  t.peak_memory = peak_memory_bytes();
}

}  // namespace

void run_mpi(Job& job, const std::vector<InputFile>& files, RowSink* sinks) {
  int rank = 0;
  int world = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &world);
  if (world < 2) throw std::runtime_error("MPI mode needs at least 2 ranks; MPI sees a world of 1");
  if (rank == 0 && !sinks) throw std::logic_error("run_mpi: rank 0 needs the sinks");
  const std::size_t count = job.policy.analyzers.size();
  RunInfo& info = job.info;

  const RunComm comm;
  const double cpu_at_start = process_cpu_seconds();
  const std::vector<std::string> hosts = mpi::gather_hosts(comm.get(), rank, world);
  const mpi::ReadPlan reading = mpi::plan_reading(job.read, comm.get(), rank, world, files, hosts);
  if (reading.refused) throw InputError(reading.refusal);
  const std::vector<int> nodes = mpi::rank_nodes(comm.get());
  MpiPlan plan;
  try {
    plan = make_mpi_plan(job.info.layout, world, count, nodes, use_leaders(job, nodes, reading.all_read, rank));
  } catch (const std::invalid_argument& e) {
    throw InputError(e.what());
  }
  share_formats(job, sinks, comm.get(), rank);
  mpi::LaneChannels channels(plan, comm.get(), rank, window_bytes(job, plan, comm.get()));
  const std::string pixels = pixel_transport(plan, channels, comm.get(), rank);
  std::string jsonl_lines;
  std::string jsonl_notice;
  if (rank != 0) {
    // Where rank 0's JSONL is, once it has opened it (below).
    const std::unique_ptr<JsonlLaneWriter> lines =
        mpi::share_jsonl(comm.get(), rank, plan, nullptr, hosts, jsonl_lines, jsonl_notice);
    RankTiming mine;
    const mpi::BusyCpuClock busy;
    if (plan.ranks[static_cast<std::size_t>(rank)].leader) {
      mine = mpi::run_leader(job, plan, channels, comm.get(), rank, *lines);
    } else {
      mine = mpi::layout_runtime(plan).run_member(job, plan, channels.own(), comm.get(), rank, *lines);
    }
    book_rank_totals(mine, busy, cpu_at_start);
    mpi::gather_timings(comm.get(), rank, world, mine, count);
    return;
  }

  info.hosts.clear();
  for (const std::string& h : hosts) {
    if (std::find(info.hosts.begin(), info.hosts.end(), h) == info.hosts.end()) info.hosts.push_back(h);
  }
  info.ranks = world;
  info.threads_per_rank = job.threads;
  info.plan = plan_summary(plan, job.threads);
  info.read = reading.summary;
  // On stdout even with --quiet: a job that ran on the wrong ranks must be
  // visible in its log.
  for (const std::string& line : plan_lines(plan, job.policy.analyzers, hosts, job.threads)) {
    std::printf("%s\n", line.c_str());
  }
  info.pixels = pixels;
  if (plan.kind->shares_photos)
    std::printf("pixels to the other analyzer ranks of a group: %s\n", pixels.c_str());
  std::fflush(stdout);
  if (!reading.notice.empty()) std::fprintf(stderr, "photoscore: %s\n", reading.notice.c_str());

  RunLifecycle life(info, *sinks, job.timing_table ? stdout : nullptr, info.analyzers);
  life.start(job.resumed);
  // The JSONL is open: the lanes that see it write their rows' lines there themselves.
  mpi::share_jsonl(comm.get(), rank, plan, sinks, hosts, jsonl_lines, jsonl_notice);
  info.jsonl_lines = jsonl_lines;
  std::printf("JSONL lines written by %s\n", jsonl_lines.c_str());
  std::fflush(stdout);
  if (!jsonl_notice.empty()) std::fprintf(stderr, "photoscore: %s\n", jsonl_notice.c_str());
  // Rows finished behind one slow photo wait in the writer; this bounds
  // them. Written rows reach the JSONL at least every kCommitSeconds.
  OrderedWriter writer(*sinks, 1024 * plan_lanes(plan, 0).size() + 16384, kCommitSeconds);
  const mpi::BusyCpuClock busy;
  RankTiming mine = mpi::run_source_rank(job, plan, channels, comm.get(), files, reading.reads_itself, writer);
  book_rank_totals(mine, busy, cpu_at_start);
  std::vector<RankTiming> timings = mpi::gather_timings(comm.get(), rank, world, mine, count);
  for (int r = 0; r < world; ++r) {
    RankTiming& t = timings[static_cast<std::size_t>(r)];
    t.rank = r;
    t.role = rank_role_name(plan, r, job.policy.analyzers);
    t.host = hosts[static_cast<std::size_t>(r)];
  }
  life.finish(writer, std::move(timings));
}

}  // namespace photoscore
