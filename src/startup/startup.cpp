// Start-up and shut-down of a run. Every rank parses the same command line,
// so the ranks agree on the job without a message; MPI is reached only
// through the session and run_mpi().
#include "startup/startup.hpp"

#include <omp.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <string>

#include "app/exit_codes.hpp"
#include "app/job_from_options.hpp"
#include "app/output_guard.hpp"
#include "comm/mpi_runner.hpp"
#include "comm/mpi_session.hpp"
#include "image/decoder_helpers.hpp"
#include "output/utf8.hpp"
#include "run/stop_signal.hpp"
#include "run/thread_mode.hpp"

namespace photoscore {

namespace {

// `--mode mpi` must start MPI before the options are parsed (MPI_Init may
// edit argv), so it is looked for by hand here.
bool asks_for_mpi(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--mode=mpi" || (arg == "--mode" && i + 1 < argc && std::string(argv[i + 1]) == "mpi")) return true;
  }
  return false;
}

// Threads per rank under MPI when nobody said: the node's cores shared among
// its ranks. Every rank taking every core would oversubscribe each node many
// times over.
void share_node_cores(Options& options, const MpiSession& session) {
  if (options.threads != 0 || std::getenv("OMP_NUM_THREADS")) return;
  options.threads = std::max(1, omp_get_num_procs() / session.ranks_on_node());
}

// Camera RAW, HEIF and TIFF in helper processes (image/decoder_helpers.hpp), each decode
// bounded by --decode-timeout and, in address space, by the memory budget
// (thread mode lowers it to each photo's estimate).
void start_decoder_isolation(const Options& options, const Job& job) {
  DecoderHelperSettings settings;
  settings.enabled = !options.decoders_in_process;
  settings.seconds = options.decode_timeout;
  settings.memory_bytes = job.memory_budget;
  settings.stopping = stop_requested;
  configure_decoder_helpers(std::move(settings));
}

int run_mode(Options& options, Mode mode, const MpiSession& session) {
  if (options.list) {
    // Rank 0 reports; nobody scores or writes.
    const Job job = make_job(options, mode, Layout::Threads, 1);
    start_decoder_isolation(options, job);
    return session.rank() == 0 ? list_photos(options, job) : kExitAllScored;
  }
  if (mode == Mode::Threads) {
    Job job = make_job(options, mode, Layout::Threads, 1);
    start_decoder_isolation(options, job);
    job.info.mpi_library = MpiSession::library_version();
    std::vector<InputFile> files = job_files(options, job.info);
    // Declared first, so that the lock outlives the sinks.
    const PreparedOutputs outputs = prepare_outputs(options, job, files);
    auto sinks = make_sinks(options, job, files, outputs.jsonl_keep);
    run_thread_mode(job, files, *sinks);
    print_error_count(stderr, job.info, options.fail_on_errors);
    return exit_code_for(job.info, options.fail_on_errors);
  }
  share_node_cores(options, session);
  Job job = make_job(options, mode, options.layout, session.world());
  start_decoder_isolation(options, job);
  job.info.mpi_library = MpiSession::library_version();
  std::vector<InputFile> files;
  PreparedOutputs outputs;
  std::unique_ptr<SinkSet> sinks;
  if (session.rank() == 0) {
    try {
      files = job_files(options, job.info);
      outputs = prepare_outputs(options, job, files);
    } catch (const InputError& e) {
      std::fprintf(stderr, "photoscore: %s\n", for_terminal(e.what()).c_str());
      session.abort(kExitBadInput);  // the other ranks are waiting for photos
    }
    sinks = make_sinks(options, job, files, outputs.jsonl_keep);
  }
  run_mpi(job, files, sinks.get());
  int code = kExitAllScored;
  if (session.rank() == 0) {
    code = exit_code_for(job.info, options.fail_on_errors);
    // Closed and unlocked (the lock file removed) before any rank may exit:
    // a launcher may end the job as soon as one rank exits non-zero.
    sinks.reset();
    outputs.lock.reset();
    print_error_count(stderr, job.info, options.fail_on_errors);
  }
  // Every rank waits for rank 0 to be done with the files; then rank 0 alone
  // reports the job's status, which mpirun and srun pass on as theirs. Were
  // every rank to exit non-zero, mpirun would report each one and kill the
  // rest as they finalize.
  const int job_code = session.from_rank0(code);
  return session.rank() == 0 ? job_code : kExitAllScored;
}

}  // namespace

int run_photoscore(int argc, char** argv) {
  // A decoder helper this binary started (decoder_helpers.hpp): nothing of
  // the run, not even MPI, is set up in it.
  if (argc > 1 && std::strcmp(argv[1], kDecoderHelperArg) == 0) return run_decoder_helper(argc, argv);
  const MpiSession session(argc, argv, MpiSession::launched() || asks_for_mpi(argc, argv));
  const int rank = session.rank();
  const auto fail = [rank](int code, const std::string& message) {
    // Messages may quote file names: no raw control character reaches the terminal.
    if (rank == 0) std::fprintf(stderr, "photoscore: %s\n", for_terminal(message).c_str());
    return code;
  };

  ParseResult parsed = parse_options(argc, argv);
  if (parsed.stop) {
    if (rank == 0) std::fputs(parsed.message.c_str(), parsed.message_is_error ? stderr : stdout);
    return parsed.exit_code;
  }
  if (const std::string mismatch = session.launcher_mismatch(); !mismatch.empty()) {
    std::fprintf(stderr, "photoscore: %s\n", mismatch.c_str());
    return kExitBadInput;
  }
  Options& options = parsed.options;
  options.under_launcher = MpiSession::launched();
  const Mode mode = options.mode.value_or(session.world() > 1 ? Mode::Mpi : Mode::Threads);
  if (mode == Mode::Threads && session.world() > 1) {
    return fail(kExitBadInput, "--mode threads runs in one process; start it without mpirun (or with -np 1)");
  }
  if (mode == Mode::Mpi && session.world() < 2) {
    return fail(kExitBadInput,
                "--mode mpi needs at least 2 ranks (mpirun -np 4 photoscore ...); for one process use --mode threads");
  }
  if (mode == Mode::Mpi && !session.thread_funneled()) {
    return fail(kExitFailed, "the MPI library cannot give MPI_THREAD_FUNNELED, which OpenMP inside ranks needs");
  }

  // From here a signal asks the run to stop instead of killing it.
  install_stop_handlers();
  try {
    return run_mode(options, mode, session);
  } catch (const InputError& e) {
    return fail(kExitBadInput, e.what());
  } catch (const std::exception& e) {
    // The sinks are gone by now: their temporary files are removed.
    if (session.world() > 1) {
      std::fprintf(stderr, "photoscore: rank %d: %s\n", rank, for_terminal(e.what()).c_str());
    } else {
      std::fprintf(stderr, "photoscore: %s\n", for_terminal(e.what()).c_str());
    }
    if (session.world() > 1) session.abort(kExitFailed);
    return kExitFailed;
  }
}

}  // namespace photoscore
