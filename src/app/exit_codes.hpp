#pragma once
// The exit-code contract, documented in --help and the README; scripts and
// Slurm arrays decide on these.
namespace photoscore {

constexpr int kExitAllScored = 0;
constexpr int kExitSomeUnscored = 1;  // some files have error rows
constexpr int kExitBadInput = 2;      // bad arguments, unusable input folder
constexpr int kExitFailed = 3;        // an output failed, MPI failed, a worker failed
// SIGTERM or SIGINT stopped the run before every photo was scored; the
// outputs hold what was finished (/run complete=0) and --resume goes on.
constexpr int kExitInterrupted = 4;

}  // namespace photoscore
