#pragma once
// Provenance and timings of one run: enough to reproduce a scaling study's
// point from its HDF5 file alone.
#include <cstdint>
#include <string>
#include <vector>

#include "record/run_mode.hpp"

namespace photoscore {

// Seconds one rank spent in each stage. Stages are disjoint on each thread
// that keeps them, so they add up to at most the rank's wall time times
// those threads (stage_threads); `other` is what no stage claimed
// (other_seconds).
struct RankTiming {
  int rank = 0;
  std::string role;  // "source+merger", "analyzer[sharpness]", "worker", "threads"
  std::string host;
  double wall = 0.0;
  double read = 0.0;     // reading files (rank 0)
  double comm = 0.0;     // sending and receiving, including waiting for peers
  double wait = 0.0;     // idle: nothing to do until a message arrived
  double decode = 0.0;
  std::vector<double> analyze;  // per selected analyzer (0 where not run here)
  double merge = 0.0;
  double write = 0.0;    // sinks: JSONL, HDF5, dashboard
  // User + system CPU seconds of the rank's process over the run, all its
  // threads: beside the wall, it tells work from waiting and time-sharing.
  double cpu = 0.0;
  // CPU seconds of the rank's main thread while it ran its part (as wall),
  // less those it spent in its sleeping waits (src/comm poll_until): what its
  // work cost, without the time other processes held its core. Where ranks
  // share cores, wall - wait counts that time too; this tells the two apart.
  // Its polls between naps count here (wall books them as wait); OpenMP
  // threads and decoder helpers do not (cpu has them). Thread mode: cpu.
  double busy_cpu = 0.0;
  // Times the OS took the rank's main thread off its core while it could run
  // (involuntary context switches) over its part of the run, as busy_cpu.
  // Each leaves the rank's data colder when it gets its core back, so
  // where ranks outnumber cores its work costs more CPU than on a core of
  // its own. Thread mode: the process's, all its threads.
  std::int64_t preempted = 0;
  std::int64_t images = 0;
  // Bytes this rank sent to other ranks: point-to-point messages, and for a
  // broadcast it rooted, the message times its receivers.
  std::int64_t bytes_sent = 0;
  std::int64_t peak_memory = 0;  // bytes: the process's peak resident set (VmHWM), 0 if unknown
  // The threads whose stage seconds the stages add up: thread mode's
  // threads (each books its own photos); 1 for an MPI rank, whose main
  // thread keeps the clock (its OpenMP threads share the photo it scores).
  int stage_threads = 1;
};

// The stages' seconds: read + comm + wait + decode + every analyzer + merge + write.
double stage_seconds(const RankTiming& t);
// What no stage claimed: wall x stage_threads - stage_seconds (start-up,
// bookkeeping between stages, and in thread mode threads idle while others
// finish). Never negative: each stage is booked on one thread, for the time
// no other stage of that thread claimed; 0 where clock rounding would make
// it a few microseconds below.
double other_seconds(const RankTiming& t);

// /run `read` and `pixels` in thread mode: MPI words that mean nothing there.
inline const std::string kNotApplicableInThreads =
    "n/a (threads: each thread reads and scores its own photos)";

struct RunInfo {
  std::string version;
  std::string git_hash;
  std::string command_line;
  std::string input_dir;
  Mode mode = Mode::Threads;
  Layout layout = Layout::Threads;
  std::string profile = "seed";  // --profile
  int ranks = 1;
  int threads_per_rank = 1;
  std::vector<std::string> hosts;  // every host of the job, without repeats
  std::string start_time;          // ISO 8601, UTC
  std::string end_time;
  double wall_seconds = 0.0;
  std::int64_t total = 0;   // files this run scores (--resume: less the kept rows), known at open (progress)
  std::int64_t images = 0;  // rows written
  std::int64_t errors = 0;  // rows with status "error"
  std::vector<std::string> analyzers;
  std::vector<double> weights;
  double post_it_above = 0.5;
  double maybe_above = 0.3;
  std::string shard;         // "I/N", empty when the whole folder
  std::string slurm_job_id;  // empty outside Slurm
  std::string plan;          // which rank does what, as printed at start
  std::string read =
      "workers";  // who read the files: rank0 or workers (thread mode: kNotApplicableInThreads)
  // Who wrote the JSONL's lines: "each lane (N ranks)" (the ranks that
  // formatted them, where they see rank 0's file), "rank 0", or both
  // (thread mode: kNotApplicableInThreads).
  std::string jsonl_lines = "rank 0";
  std::string decode = "once";   // how often a photo is decoded: once, or everywhere (every analyzer rank)
  // How decoded pixels reached a roles group's other analyzer ranks:
  // "shared-memory window, 512 MiB per analyzer rank", "broadcast", ...;
  // "not moved" where each photo is scored where it is decoded.
  std::string pixels = "not moved";
  std::int64_t skipped = 0;  // files passed over for their extension
  std::int64_t skipped_folders = 0;  // folders that could not be listed (unreadable, past PATH_MAX)
  // Sidecars and links (--xmp, --link-into) that could not be made: each a
  // warning for its photo, which was scored all the same.
  std::int64_t warnings = 0;
  std::string skipped_by_extension;  // ".mov: 2, .cr3: 1"
  std::vector<RankTiming> rank_timings;
  // Where the numbers of a scaling study came from: the build,
  // the libraries, the machine, the kernels and how threads were bound.
  std::string compiler;        // "GNU 12.2.0"
  std::string compiler_flags;  // the build type's C++ flags
  std::string mpi_library;     // MPI_Get_library_version's first line
  std::string hdf5_version;
  std::string libraries;  // the decoders': "libjpeg-turbo 2.1.5, libpng 1.6.39, ..."
  std::string cpu_model;
  std::string kernels;         // "avx2" or "portable" (PHOTOSCORE_NO_AVX2, or no AVX2)
  std::string thread_binding;  // omp_get_proc_bind, OMP_PROC_BIND and OMP_PLACES
  // --- whether the run finished, and what it kept ---
  std::int64_t files = 0;      // files this run was to score (resumed rows included)
  std::int64_t resumed = 0;    // rows kept from an earlier run's JSONL (--resume)
  std::string interrupted_by;  // "SIGTERM", "SIGINT"; empty when not stopped by a signal
  std::string scoring_options;  // what the scores depend on, as --resume checks it
  // --groups: the groups file ("" when the run does not group) and the
  // thresholds that joined its groups (docs/groups.md).
  std::string groups;
  double burst_gap = 0.0;  // seconds
  int burst_distance = 0;  // bits of the 64-bit hash
  int duplicate_distance = 0;
  // Every file has its row: not stopped early.
  bool complete() const { return images >= files; }
};

// ISO 8601 UTC timestamp of now, to the second.
std::string iso8601_now();
std::string this_host();
// This process's peak resident set size in bytes (VmHWM of /proc/self/status),
// or 0 where the system does not say.
std::int64_t peak_memory_bytes();
// User + system CPU seconds this process has used so far, all its threads.
double process_cpu_seconds();
// CPU seconds the calling thread has used so far.
double thread_cpu_seconds();
// Involuntary context switches (getrusage ru_nivcsw) of the calling thread,
// and of the whole process, so far; 0 where the system does not say.
std::int64_t thread_preemptions();
std::int64_t process_preemptions();
// SLURM_JOB_ID (with SLURM_ARRAY_JOB_ID_TASK for array tasks), or empty.
std::string slurm_job_id();

}  // namespace photoscore
