#!/usr/bin/env bash
# Strong scaling: the same photos on more and more cores, in thread mode and in
# both MPI layouts. Each run writes OUTPUT_DIR/<mode>-<layout>-c<cores>.h5 and
# .jsonl (e.g. threads-threads-c4.h5, mpi-roles-c4.h5, mpi-farm-c4.h5), its
# output in .log, and a row in OUTPUT_DIR/sweep.tsv. Every run's JSONL must be
# the same bytes as the first run's, or the run counts as failed.
#
#   jobs/strong_scaling.sh INPUT_DIR OUTPUT_DIR [CORES...]      default cores: 1 2 ... nproc
#   /usr/bin/python3 analysis/scaling.py OUTPUT_DIR              plots and table
#
# What "c cores" means:
#   threads  1 rank x c threads
#   roles    c+1 ranks x 1 thread: rank 0 reads, sends and merges; ranks 1..c analyze
#            (one rank runs all three analyzers at c=1, two share them at c=2, one per analyzer
#            at c=3, more ranks share analyzers or form more groups above)
#   farm     c+1 ranks x 1 thread: rank 0 deals photos out and merges; c workers score whole photos
# so c is the number of cores that decode and analyze, and the MPI layouts have
# rank 0 on top: it reads, writes and waits without spinning, a few % of a core
# (RANK0=counted: c ranks in all instead). THREADS_PER_RANK=T
# gives MPI runs c/T ranks of T threads (+ rank 0). Runs with ranks x threads
# above nproc are oversubscribed: named ...-oversub.h5 and marked in sweep.tsv
# and in the table; on a machine of P cores the MPI runs at c = P are.
# Details and every setting: jobs/sweep_common.sh.
#
# Inside a Slurm allocation: LAUNCHER=srun (srun --mpi=pmix), e.g.
#   sbatch --ntasks=17 --time=2:00:00 --wrap "LAUNCHER=srun jobs/strong_scaling.sh photos/ sweep/"
#
# REPEATS (default 3) runs of every point, in rounds, after an untimed warm-up; sweep.tsv has each
# run's whole-command time (launch included) and the machine's load (jobs/sweep_common.sh).
#
# Exit status: 0 all runs fine, 1 some run failed (listed), 2 bad arguments.
set -u
# shellcheck source=jobs/sweep_common.sh
. "$(dirname "$0")/sweep_common.sh"

sweep_args "$0" "$@"
INPUT_DIR=$SWEEP_ARG_DIR
OUTPUT_DIR=$SWEEP_ARG_OUT

sweep_init "$OUTPUT_DIR" strong
sweep_describe_input "$INPUT_DIR"
echo "strong scaling: $INPUT_DIR, cores ${CORES[*]}, modes $MODES, $SWEEP_NPROC cores on $(hostname)"
sweep_warmup "$INPUT_DIR"
REFERENCE=""
# In rounds: every point once, then every point again (REPEATS rounds).
for r in $(seq 1 "$REPEATS"); do
  [ "$REPEATS" -gt 1 ] && echo "round $r of $REPEATS"
  for c in "${CORES[@]}"; do
    for mode in $MODES; do
      sweep_point "$mode" "$c" "$r" "$INPUT_DIR" "$REFERENCE"
      if [ -z "$REFERENCE" ]; then
        # The first run that wrote a JSONL is what every other run must equal.
        REFERENCE=$(awk -F'\t' 'NR > 1 && $2 == "strong" && $11 <= 1 { f = $1 } END { print f }' "$SWEEP_TSV")
        [ -n "$REFERENCE" ] && REFERENCE="$OUTPUT_DIR/${REFERENCE%.h5}.jsonl"
      fi
    done
  done
done
sweep_finish
