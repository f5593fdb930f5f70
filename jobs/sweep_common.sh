# shellcheck shell=bash
# Shared by jobs/strong_scaling.sh and jobs/weak_scaling.sh (sourced, not run).
#
# What "c cores" means, for every mode (the x axis of analysis/scaling.py):
#
#   threads  1 rank x c OpenMP threads.                          processes: 1, CPUs busy: c
#   roles    rank 0 (reads, sends, merges, writes) + c/T analyzer ranks of T threads
#            (T = THREADS_PER_RANK, default 1): c cores analyze.  processes: c/T + 1
#   farm     rank 0 + c/T worker ranks of T threads: c cores score whole photos.
#
# In the MPI layouts rank 0 is the source and merger: it reads files, sends them
# and merges results, and waits the rest of the time, so c counts the cores
# that decode and analyze and rank 0 comes on top ("c+1 ranks"). Set
# RANK0=counted to count it instead (c/T ranks in all, rank 0 included; c=1 is
# then skipped for MPI: it needs 2 ranks). With RANK0=extra, a run of c cores
# on a machine of c cores has one process more than cores. A run whose
# ranks x threads exceed the machine's cores (nproc) is oversubscribed: its
# files are named ...-oversub.h5 and sweep.tsv says so; its timings measure
# time-sharing, not scaling.
#
# Settings (environment):
#   PHOTOSCORE_BIN    binary (default: build/photoscore of this repository)
#   MODES             which of "threads roles farm" to run (default all three)
#   THREADS_PER_RANK  OpenMP threads per MPI rank, T above (default 1; 2 or 4 for hybrid runs)
#   RANK0             extra (default) or counted, see above
#   REPEATS           runs per point (default 1); files ...-r2.h5 etc. after the first;
#                     analysis/scaling.py takes the median
#   WARMUP            1 (default): one untimed thread-mode run first, so every point reads
#                     the photos from the page cache; 0: none
#   LAUNCHER          mpirun (default) or srun (inside a Slurm allocation: srun --mpi=pmix)
#   MPIRUN_ARGS       extra mpirun options (default --bind-to none: ranks and their threads
#                     float; set e.g. "--bind-to core --map-by slot:PE=2" on a real node)
#   PHOTOSCORE_ARGS   extra photoscore options for every run (e.g. "--analyzers sharpness,exposure,composition,color")

set -u

SWEEP_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SWEEP_NPROC=$(nproc)
: "${MODES:=threads roles farm}"
: "${THREADS_PER_RANK:=1}"
: "${RANK0:=extra}"
: "${REPEATS:=1}"
: "${WARMUP:=1}"
: "${LAUNCHER:=mpirun}"
: "${MPIRUN_ARGS:=--bind-to none}"
: "${PHOTOSCORE_ARGS:=}"
SWEEP_BIN=${PHOTOSCORE_BIN:-$SWEEP_REPO/build/photoscore}
SWEEP_FAILED=0

if [ "$(id -u)" -eq 0 ]; then
  # Open MPI refuses root unless told (containers, test machines).
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi

sweep_die() {
  echo "$(basename "$0"): $*" >&2
  exit 2
}

# sweep_init OUTPUT_DIR STUDY: checks the binary, creates the folder and its sweep.tsv.
sweep_init() {
  SWEEP_OUT=$1
  SWEEP_STUDY=$2
  [ -x "$SWEEP_BIN" ] || sweep_die "no photoscore binary at $SWEEP_BIN (build it, or set PHOTOSCORE_BIN)"
  case "$RANK0" in extra | counted) ;; *) sweep_die "RANK0 must be extra or counted, not '$RANK0'" ;; esac
  case "$LAUNCHER" in mpirun | srun) ;; *) sweep_die "LAUNCHER must be mpirun or srun, not '$LAUNCHER'" ;; esac
  local m
  for m in $MODES; do
    case "$m" in threads | roles | farm) ;; *) sweep_die "MODES: unknown mode '$m' (threads roles farm)" ;; esac
  done
  mkdir -p "$SWEEP_OUT"
  SWEEP_TSV=$SWEEP_OUT/sweep.tsv
  if [ ! -s "$SWEEP_TSV" ]; then
    printf 'file\tstudy\tmode\tlayout\tcores\tranks\tthreads\tnproc\toversubscribed\trepeat\texit\twall_s\timages\tsame_jsonl\tcommand\n' \
      >"$SWEEP_TSV"
  fi
  {
    echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "host: $(hostname)"
    echo "nproc: $SWEEP_NPROC"
    echo "cpu: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
    echo "photoscore: $("$SWEEP_BIN" --version)"
    echo "slurm_job_id: ${SLURM_JOB_ID:-}"
    echo "settings: MODES='$MODES' THREADS_PER_RANK=$THREADS_PER_RANK RANK0=$RANK0 REPEATS=$REPEATS LAUNCHER=$LAUNCHER MPIRUN_ARGS='$MPIRUN_ARGS' PHOTOSCORE_ARGS='$PHOTOSCORE_ARGS'"
  } >"$SWEEP_OUT/sweep_info_$SWEEP_STUDY.txt"
}

sweep_default_cores() {
  seq 1 "$SWEEP_NPROC"
}

# sweep_args SCRIPT DIR OUTPUT_DIR [CORES...]: the arguments both sweeps take.
# Sets SWEEP_ARG_DIR, SWEEP_ARG_OUT and the array CORES (default 1..nproc);
# prints SCRIPT's usage and exits 2 when too few are given.
sweep_args() {
  local script=$1
  shift
  if [ $# -lt 2 ]; then
    sed -n '2,12s/^# \{0,1\}//p' "$script" >&2
    exit 2
  fi
  SWEEP_ARG_DIR=$1
  SWEEP_ARG_OUT=$2
  shift 2
  [ -d "$SWEEP_ARG_DIR" ] || sweep_die "no such folder: $SWEEP_ARG_DIR"
  CORES=("$@")
  [ ${#CORES[@]} -gt 0 ] || mapfile -t CORES < <(sweep_default_cores)
  local c
  for c in "${CORES[@]}"; do
    [[ "$c" =~ ^[1-9][0-9]*$ ]] || sweep_die "cores must be positive integers, not '$c'"
  done
}

# sweep_shape MODE C -> "RANKS THREADS" on stdout, or nothing when the mode cannot use C cores.
sweep_shape() {
  local mode=$1 c=$2 t=$THREADS_PER_RANK ranks
  if [ "$mode" = threads ]; then
    echo "1 $c"
    return
  fi
  [ $((c % t)) -eq 0 ] || return 0
  if [ "$RANK0" = extra ]; then
    ranks=$((c / t + 1))
  else
    ranks=$((c / t))
  fi
  [ "$ranks" -ge 2 ] || return 0
  echo "$ranks $t"
}

# sweep_point MODE C INPUT_DIR [REFERENCE_JSONL] [PHOTOSCORE OPTIONS...]: one run of the sweep,
# and its row in sweep.tsv. REFERENCE_JSONL, when given and present, must be equal to the run's JSONL.
sweep_point() {
  local mode=$1 c=$2 input=$3 reference=${4:-}
  shift 4 || shift $#
  local shape ranks threads layout name over=no r
  shape=$(sweep_shape "$mode" "$c")
  if [ -z "$shape" ]; then
    echo "  skip $mode c=$c: MPI needs 2+ ranks of THREADS_PER_RANK=$THREADS_PER_RANK threads making up $c cores" \
      "(RANK0=$RANK0)"
    return 0
  fi
  read -r ranks threads <<<"$shape"
  layout=$mode
  [ "$mode" = threads ] || mode=mpi
  [ $((ranks * threads)) -gt "$SWEEP_NPROC" ] && over=yes
  for r in $(seq 1 "$REPEATS"); do
    name="$mode-$layout-c$c"
    [ "$r" -gt 1 ] && name="$name-r$r"
    [ "$over" = yes ] && name="$name-oversub"
    local cmd=()
    if [ "$mode" = threads ]; then
      cmd=("$SWEEP_BIN" --mode threads --threads "$threads")
    elif [ "$LAUNCHER" = srun ]; then
      cmd=(srun --mpi=pmix --ntasks="$ranks" --cpus-per-task="$threads" --overcommit
        "$SWEEP_BIN" --mode mpi --layout "$layout" --threads "$threads")
    else
      # shellcheck disable=SC2206
      local extra=($MPIRUN_ARGS)
      cmd=(mpirun -np "$ranks" --oversubscribe "${extra[@]}" -x OMP_NUM_THREADS
        "$SWEEP_BIN" --mode mpi --layout "$layout" --threads "$threads")
    fi
    # shellcheck disable=SC2206
    local user_args=($PHOTOSCORE_ARGS)
    cmd+=(-q --jsonl "$SWEEP_OUT/$name.jsonl" --h5 "$SWEEP_OUT/$name.h5" "${user_args[@]}" "$@" "$input")
    rm -f "$SWEEP_OUT/$name.jsonl" "$SWEEP_OUT/$name.h5"
    local t0 t1 status=0 wall images same=-
    t0=$(date +%s.%N)
    OMP_NUM_THREADS=$threads "${cmd[@]}" >"$SWEEP_OUT/$name.log" 2>&1 || status=$?
    t1=$(date +%s.%N)
    wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
    images=0
    [ -f "$SWEEP_OUT/$name.jsonl" ] && images=$(wc -l <"$SWEEP_OUT/$name.jsonl")
    if [ -n "$reference" ] && [ -f "$reference" ] && [ -f "$SWEEP_OUT/$name.jsonl" ]; then
      if cmp -s "$reference" "$SWEEP_OUT/$name.jsonl"; then same=yes; else same=no; fi
    fi
    # Exit 1 is a result too (--fail-on-errors in PHOTOSCORE_ARGS: some photos have error rows).
    if [ "$status" -gt 1 ] || [ "$same" = no ]; then
      SWEEP_FAILED=$((SWEEP_FAILED + 1))
      echo "  FAILED $name: exit $status, JSONL equal to the reference: $same (see $SWEEP_OUT/$name.log)" >&2
    fi
    # Replace an earlier row for the same file (a point run again).
    awk -F'\t' -v f="$name.h5" '$1 != f' "$SWEEP_TSV" >"$SWEEP_TSV.tmp" && mv "$SWEEP_TSV.tmp" "$SWEEP_TSV"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name.h5" "$SWEEP_STUDY" "$mode" "$layout" \
      "$c" "$ranks" "$threads" "$SWEEP_NPROC" "$over" "$r" "$status" "$wall" "$images" "$same" "${cmd[*]}" >>"$SWEEP_TSV"
    printf '  %-34s %2d rank(s) x %2d thread(s)  %6.2f s  %5d images  exit %d%s\n' "$name" "$ranks" "$threads" \
      "$wall" "$images" "$status" "$([ "$over" = yes ] && echo "  (oversubscribed: $((ranks * threads)) > $SWEEP_NPROC cores)")"
  done
}

sweep_warmup() {  # sweep_warmup INPUT_DIR [PHOTOSCORE OPTIONS...]
  [ "$WARMUP" = 1 ] || return 0
  local input=$1 tmp
  shift
  tmp=$(mktemp -d)
  # shellcheck disable=SC2206
  local user_args=($PHOTOSCORE_ARGS)
  "$SWEEP_BIN" --mode threads -q --jsonl "$tmp/w.jsonl" --h5 "$tmp/w.h5" "${user_args[@]}" "$@" "$input" \
    >/dev/null 2>&1 || true
  rm -rf "$tmp"
}

sweep_finish() {
  echo "$(basename "$0"): results in $SWEEP_OUT (sweep.tsv lists every run);" \
    "plots: /usr/bin/python3 $SWEEP_REPO/analysis/scaling.py $SWEEP_OUT"
  if [ "$SWEEP_FAILED" -gt 0 ]; then
    echo "$(basename "$0"): $SWEEP_FAILED run(s) FAILED" >&2
    exit 1
  fi
}
