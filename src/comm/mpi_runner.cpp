#include "comm/mpi_runner.hpp"

#include <mpi.h>

#include <algorithm>
#include <cstdio>
#include <stdexcept>

#include "comm/group_channel.hpp"
#include "comm/mpi_plan.hpp"
#include "comm/mpi_ranks.hpp"
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

std::unique_ptr<mpi::LayoutChannels> make_channels(const MpiPlan& plan, MPI_Comm world, int rank) {
  switch (plan.layout) {
    case Layout::Roles:
      return mpi::make_roles_channels(plan, world, rank);
    case Layout::Farm:
      return mpi::make_farm_channels(plan, world, rank);
    case Layout::Threads:
      break;
  }
  throw std::logic_error("run_mpi: the threads layout has no MPI channels");
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
  const MpiPlan plan = make_mpi_plan(job.info.layout, world, count);
  RunInfo& info = job.info;

  const RunComm comm;
  const auto channels = make_channels(plan, comm.get(), rank);
  const std::vector<std::string> hosts = mpi::gather_hosts(comm.get(), rank, world);
  if (rank != 0) {
    const RankTiming mine = mpi::run_group_rank(
        job, plan, channels->group(static_cast<std::size_t>(plan.ranks[static_cast<std::size_t>(rank)].group)),
        comm.get(), rank);
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
  // On stdout even with --quiet: a job that ran on the wrong ranks must be
  // visible in its log.
  for (const std::string& line : plan_lines(plan, job.policy.analyzers, hosts, job.threads)) {
    std::printf("%s\n", line.c_str());
  }
  std::fflush(stdout);

  RunLifecycle life(info, *sinks, job.timing_table ? stdout : nullptr, info.analyzers);
  life.start(job.resumed);
  // Rows finished behind one slow photo wait in the writer; this bounds them.
  OrderedWriter writer(job.policy, *sinks, 64 * plan.groups.size());
  const RankTiming mine = mpi::run_source_rank(job, plan, *channels, comm.get(), files, writer);
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
