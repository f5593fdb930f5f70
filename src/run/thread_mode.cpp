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
  bind_formats(job, sinks);
  RunLifecycle life(info, sinks, job.timing_table ? stdout : nullptr, info.analyzers);
  life.start(job.resumed);
  const double cpu_at_start = process_cpu_seconds();
  const std::int64_t preempted_at_start = process_preemptions();
  OrderedWriter writer(sinks, 64 * static_cast<std::size_t>(job.threads));
  RankTiming timing = run_threads(files, job, writer);
  timing.rank = 0;
  timing.role = "threads";
  timing.host = this_host();
  timing.wall = life.elapsed();
  timing.peak_memory = peak_memory_bytes();
  timing.cpu = process_cpu_seconds() - cpu_at_start;
  // Its threads wait without using CPU (on the writer's room, a lock): all of it is work.
  timing.busy_cpu = timing.cpu;
  timing.preempted = process_preemptions() - preempted_at_start;
  timing.stage_threads = job.threads;  // every thread books its own photos' stages
  life.finish(writer, {timing});
}

}  // namespace photoscore
