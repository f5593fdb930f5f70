// Start-up and shut-down of a run: the only place besides the MPI runner
// that speaks MPI. Every rank parses the same command line, so they agree on
// the job without a message.
#include "comm/run_main.hpp"

#include <mpi.h>
#include <omp.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

#include "app/job.hpp"
#include "comm/mpi_runner.hpp"
#include "run/thread_runner.hpp"

namespace photoscore {

namespace {

constexpr int kExitBadInput = 2;
constexpr int kExitFailed = 3;

// A launcher that starts N separate one-rank jobs (srun without an MPI
// plugin, a missing mpirun) must be caught: otherwise N copies would each
// score the whole folder and overwrite each other's results.
std::string launcher_mismatch(int world) {
  for (const char* var : {"OMPI_COMM_WORLD_SIZE", "PMIX_SIZE", "PMI_SIZE", "SLURM_STEP_NUM_TASKS"}) {
    const char* v = std::getenv(var);
    if (!v) continue;
    const int expected = std::atoi(v);
    if (expected > 1 && expected != world) {
      return "the launcher started " + std::to_string(expected) + " tasks (" + var + ") but MPI sees a world of " +
             std::to_string(world) + ": the ranks are not connected (with Slurm use srun --mpi=pmix, or mpirun)";
    }
  }
  return {};
}

int run_thread_mode(Job& job) {
  RunInfo& info = job.info;
  const std::vector<InputFile> files = job_files(job);
  info.hosts = {this_host()};
  info.plan = "threads mode: 1 rank x " + std::to_string(job.threads) + " OpenMP threads";
  auto sinks = make_sinks(job);
  info.start_time = iso8601_now();
  const double t0 = omp_get_wtime();
  sinks->open(info);
  run_threads(files, job.policy, job.limits, job.threads, *sinks, info);
  info.wall_seconds = omp_get_wtime() - t0;
  info.end_time = iso8601_now();
  sinks->close(info);
  return exit_code_for(info);
}

// Started by an MPI launcher (mpirun, srun), or asked for MPI: only then is
// MPI started. A plain `photoscore DIR` skips MPI_Init, which costs a
// noticeable fraction of a second for nothing in thread mode.
bool wants_mpi(int argc, char** argv) {
  for (const char* var : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE", "SLURM_STEP_NUM_TASKS"}) {
    if (std::getenv(var)) return true;
  }
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--mode=mpi" || (arg == "--mode" && i + 1 < argc && std::string(argv[i + 1]) == "mpi")) return true;
  }
  return false;
}

}  // namespace

int run_main(int argc, char** argv) {
  int provided = MPI_THREAD_FUNNELED;
  int rank = 0;
  int world = 1;
  const bool mpi = wants_mpi(argc, argv);
  if (mpi) {
    MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &world);
  }

  const auto finish = [mpi](int code) {
    if (mpi) MPI_Finalize();
    return code;
  };
  const auto fail = [&](int code, const std::string& message) {
    if (rank == 0) std::fprintf(stderr, "photoscore: %s\n", message.c_str());
    return finish(code);
  };

  ParseResult parsed = parse_options(argc, argv);
  if (parsed.stop) {
    if (rank == 0) std::fputs(parsed.message.c_str(), parsed.message_is_error ? stderr : stdout);
    return finish(parsed.exit_code);
  }
  if (const std::string mismatch = launcher_mismatch(world); !mismatch.empty()) {
    std::fprintf(stderr, "photoscore: %s\n", mismatch.c_str());
    return finish(kExitBadInput);
  }
  Options& options = parsed.options;
  const Mode mode = options.mode.value_or(world > 1 ? Mode::Mpi : Mode::Threads);
  if (mode == Mode::Threads && world > 1) {
    return fail(kExitBadInput, "--mode threads runs in one process; start it without mpirun (or with -np 1)");
  }
  if (mode == Mode::Mpi && world < 2) {
    return fail(kExitBadInput, "--mode mpi needs at least 2 ranks (mpirun -np 4 photoscore ...); "
                               "for one process use --mode threads");
  }
  if (mode == Mode::Mpi && provided < MPI_THREAD_FUNNELED) {
    return fail(kExitFailed, "the MPI library cannot give MPI_THREAD_FUNNELED, which OpenMP inside ranks needs");
  }

  try {
    if (mode == Mode::Mpi && options.threads == 0 && !std::getenv("OMP_NUM_THREADS")) {
      // Ranks share their node's cores unless told otherwise: every rank
      // taking every core would oversubscribe each node many times over.
      MPI_Comm node;
      MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node);
      int on_node = 1;
      MPI_Comm_size(node, &on_node);
      MPI_Comm_free(&node);
      options.threads = std::max(1, omp_get_num_procs() / on_node);
    }
    Job job = make_job(options, mode, mode == Mode::Threads ? Layout::Threads : options.layout, world);
    if (mode == Mode::Threads) return finish(run_thread_mode(job));
    std::vector<InputFile> files;
    std::unique_ptr<SinkSet> sinks;
    if (rank == 0) {
      try {
        files = job_files(job);
      } catch (const InputError& e) {
        std::fprintf(stderr, "photoscore: %s\n", e.what());
        MPI_Abort(MPI_COMM_WORLD, kExitBadInput);  // the other ranks are waiting for photos
      }
      sinks = make_sinks(job);
    }
    run_mpi(job, files, sinks.get());
    return finish(rank == 0 ? exit_code_for(job.info) : 0);
  } catch (const InputError& e) {
    return fail(kExitBadInput, e.what());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "photoscore: rank %d: %s\n", rank, e.what());
    if (world > 1) MPI_Abort(MPI_COMM_WORLD, kExitFailed);
    return finish(kExitFailed);
  }
}

}  // namespace photoscore
