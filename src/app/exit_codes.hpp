#pragma once
// The exit-code contract, documented in --help and the README; scripts and
// Slurm arrays decide on these. Under MPI only rank 0 exits with it (the
// other ranks exit 0), so mpirun and srun pass on rank 0's status and have
// nothing of their own to report.
namespace photoscore {

// The run completed: every file has its row. Files that could not be read
// or decoded have error rows, counted on stderr, in the summary and in /run
// errors; they do not fail the job, so that a batch system marks it
// COMPLETED and `afterok` chains go on.
constexpr int kExitAllScored = 0;
// With --fail-on-errors only: the run completed, and some files have error rows.
constexpr int kExitSomeUnscored = 1;
constexpr int kExitBadInput = 2;      // bad arguments, unusable input folder
constexpr int kExitFailed = 3;        // an output failed, MPI failed, a worker failed
// SIGTERM or SIGINT stopped the run before every photo was scored; the
// outputs hold what was finished (/run complete=0) and --resume goes on.
constexpr int kExitInterrupted = 4;

}  // namespace photoscore
