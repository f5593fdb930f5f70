#include "run/thread_mode.hpp"

#include <cstdio>

#include "run/run_lifecycle.hpp"
#include "run/thread_runner.hpp"

namespace photoscore {

void run_thread_mode(Job& job, const std::vector<InputFile>& files, RowSink& sinks) {
  RunInfo& info = job.info;
  info.hosts = {this_host()};
  info.plan = "threads mode: 1 rank x " + std::to_string(job.threads) + " OpenMP " +
              (job.threads == 1 ? "thread" : "threads");
  RunLifecycle life(info, sinks, job.timing_table ? stdout : nullptr, info.analyzers);
  life.start(job.resumed);
  OrderedWriter writer(job.policy, sinks, 64 * static_cast<std::size_t>(job.threads));
  RankTiming timing = run_threads(files, job.policy, job.limits, job.threads, job.memory_budget, writer);
  timing.rank = 0;
  timing.role = "threads";
  timing.host = this_host();
  timing.wall = life.elapsed();
  life.finish(writer, {timing});
}

}  // namespace photoscore
