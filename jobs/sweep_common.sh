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
#   REPEATS           runs per point (default 3); files ...-r2.h5 etc. after the first. The
#                     repeats go in rounds (every point once, then every point again), so a
#                     burst of load elsewhere hits one repeat of several points, not every
#                     repeat of one; analysis/scaling.py shows the median, min and max and
#                     flags a point whose repeats disagree
#   WARMUP            1 (default): untimed runs first, not counted: thread mode over every photo
#                     (the photos in the page cache) and a short run of each MPI layout (mpirun,
#                     the libraries); 0: none
#   LAUNCHER          mpirun (default) or srun (inside a Slurm allocation: srun --mpi=pmix)
#   MPIRUN_ARGS       extra mpirun options (default --bind-to none: ranks and their threads
#                     float; set e.g. "--bind-to core --map-by slot:PE=2" on a real node)
#   MPIRUN_NET        mpirun's network options (default: loopback only, "--mca btl_tcp_if_include lo
#                     --mca oob_tcp_if_include lo": a sweep on one machine sends nothing elsewhere;
#                     set it empty for mpirun across nodes, or use LAUNCHER=srun)
#   PHOTOSCORE_ARGS   extra photoscore options for every run (e.g. "--analyzers sharpness,exposure,composition,color")
#
# What each run records in sweep.tsv besides its shape: wall_s, the whole command's elapsed time
# (mpirun's launch and the program's start-up included: what the user waits for; the program's
# own /run wall_seconds is in its HDF5 file), its exit status and images, whether its JSONL equals
# the sweep's first, and the machine's state: load1 (the 1-minute load average as it started),
# run_cpu_s (CPU seconds of the command and every process it started: getrusage of the children)
# and others_cpu (the share of the machine's cores that other processes used while it ran:
# (busy CPU time of the whole machine in /proc/stat, steal included, - run_cpu_s) / (wall_s x
# nproc); "-" with LAUNCHER=srun, whose ranks are not this shell's children).

set -u

SWEEP_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SWEEP_NPROC=$(nproc)
: "${MODES:=threads roles farm}"
: "${THREADS_PER_RANK:=1}"
: "${RANK0:=extra}"
: "${REPEATS:=3}"
: "${WARMUP:=1}"
: "${LAUNCHER:=mpirun}"
: "${MPIRUN_ARGS:=--bind-to none}"
: "${MPIRUN_NET=--mca btl_tcp_if_include lo --mca oob_tcp_if_include lo}"
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
    printf 'file\tstudy\tmode\tlayout\tcores\tranks\tthreads\tnproc\toversubscribed\trepeat\texit\twall_s\timages\tsame_jsonl\tload1\trun_cpu_s\tothers_cpu\tcommand\n' \
      >"$SWEEP_TSV"
  fi
  SWEEP_INFO=$SWEEP_OUT/sweep_info_$SWEEP_STUDY.txt
  SWEEP_STARTED=$(date +%s.%N)
  SWEEP_STAT_START=$(sweep_machine_ticks)
  sweep_children_cpu SWEEP_CHILDREN_START
  {
    echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "host: $(hostname)"
    echo "nproc: $SWEEP_NPROC"
    echo "cpu: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
    echo "photoscore: $("$SWEEP_BIN" --version)"
    echo "slurm_job_id: ${SLURM_JOB_ID:-}"
    echo "settings: MODES='$MODES' THREADS_PER_RANK=$THREADS_PER_RANK RANK0=$RANK0 REPEATS=$REPEATS WARMUP=$WARMUP LAUNCHER=$LAUNCHER MPIRUN_ARGS='$MPIRUN_ARGS' PHOTOSCORE_ARGS='$PHOTOSCORE_ARGS'"
    echo "load_start: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "others_cpu_start: $(sweep_others_share 1) (share of the cores other processes used in the second before the sweep)"
  } >"$SWEEP_INFO"
}

# sweep_describe_input DIR [MAX]: the photos' count and mean file size in the sweep's info, so that
# analysis/model.py knows a photo's bytes once the workload is gone (the first MAX files, sorted).
sweep_describe_input() {
  local max=${2:-0}
  find "$1" -maxdepth 1 -type f ! -name '*.md' ! -name '*.txt' -printf '%f %s\n' | sort |
    awk -v max="$max" '(max == 0 || NR <= max) { n++; b += $2 } END {
      if (n) printf "input: %d files, %d bytes, %.0f bytes a file\n", n, b, b / n }' >>"$SWEEP_INFO"
}

# The machine's CPU ticks from /proc/stat: "BUSY TOTAL" (busy: user, nice, system, irq,
# softirq and steal, the last being time a hypervisor gave another guest).
sweep_machine_ticks() {
  awk '$1 == "cpu" { busy = $2 + $3 + $4 + $7 + $8 + $9; print busy, busy + $5 + $6; exit }' /proc/stat
}

# sweep_children_cpu VAR: CPU seconds (user + system) of this shell's finished children and theirs
# into VAR (bash's times, run in this shell: in a $(...) subshell it would count the subshell's).
sweep_children_cpu() {
  times >"$SWEEP_OUT/.times"
  printf -v "$1" '%s' "$(awk 'NR == 2 {
    n = split($0, f, /[ \t]+/); total = 0
    for (i = 1; i <= n; i++) if (match(f[i], /^([0-9]+)m([0-9.]+)s$/)) {
      m = f[i]; sub(/m.*/, "", m); sec = f[i]; sub(/^[0-9]+m/, "", sec); sub(/s$/, "", sec); total += m * 60 + sec
    }
    printf "%.3f", total }' "$SWEEP_OUT/.times")"
  rm -f "$SWEEP_OUT/.times"
}

# sweep_others_share SECONDS: the share of the machine's cores that other processes used over
# the next SECONDS (this shell runs nothing meanwhile).
sweep_others_share() {
  local a b t0 t1
  t0=$(date +%s.%N)
  a=$(sweep_machine_ticks)
  sleep "$1"
  b=$(sweep_machine_ticks)
  t1=$(date +%s.%N)
  awk -v a="$a" -v b="$b" -v t0="$t0" -v t1="$t1" -v n="$SWEEP_NPROC" -v hz="$(getconf CLK_TCK)" 'BEGIN {
    split(a, x, " "); split(b, y, " "); v = (y[1] - x[1]) / hz / ((t1 - t0) * n)
    if (v < 0) v = 0; if (v > 1) v = 1; printf "%.3f", v }'
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

# sweep_point MODE C REPEAT INPUT_DIR [REFERENCE_JSONL] [PHOTOSCORE OPTIONS...]: one run of the
# sweep (repeat REPEAT of the point), and its row in sweep.tsv. REFERENCE_JSONL, when given and
# present, must be equal to the run's JSONL.
sweep_point() {
  local mode=$1 c=$2 r=$3 input=$4 reference=${5:-}
  shift 5 || shift $#
  local shape ranks threads layout name over=no
  shape=$(sweep_shape "$mode" "$c")
  if [ -z "$shape" ]; then
    [ "$r" -eq 1 ] && echo "  skip $mode c=$c: MPI needs 2+ ranks of THREADS_PER_RANK=$THREADS_PER_RANK threads" \
      "making up $c cores (RANK0=$RANK0)"
    return 0
  fi
  read -r ranks threads <<<"$shape"
  layout=$mode
  [ "$mode" = threads ] || mode=mpi
  [ $((ranks * threads)) -gt "$SWEEP_NPROC" ] && over=yes
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
    local extra=($MPIRUN_ARGS $MPIRUN_NET)
    cmd=(mpirun -np "$ranks" --oversubscribe "${extra[@]}" -x OMP_NUM_THREADS
      "$SWEEP_BIN" --mode mpi --layout "$layout" --threads "$threads")
  fi
  # shellcheck disable=SC2206
  local user_args=($PHOTOSCORE_ARGS)
  cmd+=(-q --jsonl "$SWEEP_OUT/$name.jsonl" --h5 "$SWEEP_OUT/$name.h5" "${user_args[@]}" "$@" "$input")
  rm -f "$SWEEP_OUT/$name.jsonl" "$SWEEP_OUT/$name.h5"
  local t0 t1 status=0 wall images same=- load1 ticks0 ticks1 cpu0 cpu1 run_cpu others
  load1=$(cut -d' ' -f1 /proc/loadavg)
  sweep_children_cpu cpu0
  ticks0=$(sweep_machine_ticks)
  t0=$(date +%s.%N)
  OMP_NUM_THREADS=$threads "${cmd[@]}" >"$SWEEP_OUT/$name.log" 2>&1 || status=$?
  t1=$(date +%s.%N)
  ticks1=$(sweep_machine_ticks)
  sweep_children_cpu cpu1
  wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
  run_cpu=$(awk -v a="$cpu0" -v b="$cpu1" 'BEGIN { printf "%.3f", b - a }')
  others=$(awk -v a="$ticks0" -v b="$ticks1" -v cpu="$run_cpu" -v w="$wall" -v n="$SWEEP_NPROC" \
    -v hz="$(getconf CLK_TCK)" 'BEGIN {
      split(a, x, " "); split(b, y, " "); v = ((y[1] - x[1]) / hz - cpu) / (w * n)
      if (v < 0) v = 0; if (v > 1) v = 1; printf "%.3f", v }')
  [ "$LAUNCHER" = srun ] && others=-
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
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name.h5" "$SWEEP_STUDY" \
    "$mode" "$layout" "$c" "$ranks" "$threads" "$SWEEP_NPROC" "$over" "$r" "$status" "$wall" "$images" "$same" \
    "$load1" "$run_cpu" "$others" "${cmd[*]}" >>"$SWEEP_TSV"
  printf '  %-34s %2d rank(s) x %2d thread(s)  %6.2f s  %5d images  exit %d  load %s, others %s%s\n' "$name" \
    "$ranks" "$threads" "$wall" "$images" "$status" "$load1" "$others" \
    "$([ "$over" = yes ] && echo "  (oversubscribed: $((ranks * threads)) > $SWEEP_NPROC cores)")"
}

# sweep_warmup INPUT_DIR [PHOTOSCORE OPTIONS...]: untimed, not in sweep.tsv: thread mode over
# every photo (the page cache) and, for each MPI layout of the sweep, a short run at the fewest
# cores (CORES[0]) so that mpirun and the libraries are loaded before the first timed launch.
sweep_warmup() {
  [ "$WARMUP" = 1 ] || return 0
  local input=$1 tmp m shape ranks threads
  shift
  tmp=$(mktemp -d)
  # shellcheck disable=SC2206
  local user_args=($PHOTOSCORE_ARGS) extra=($MPIRUN_ARGS $MPIRUN_NET)
  "$SWEEP_BIN" --mode threads -q --jsonl "$tmp/w.jsonl" --h5 "$tmp/w.h5" "${user_args[@]}" "$@" "$input" \
    >/dev/null 2>&1 || true
  local few=(--max-images 4)
  [[ " $PHOTOSCORE_ARGS " == *" --max-images "* ]] && few=()
  for m in $MODES; do
    [ "$m" = threads ] && continue
    [ "$LAUNCHER" = mpirun ] || continue
    shape=$(sweep_shape "$m" "${CORES[0]}")
    [ -n "$shape" ] || shape="2 $THREADS_PER_RANK"
    read -r ranks threads <<<"$shape"
    rm -f "$tmp/w.jsonl" "$tmp/w.h5"
    OMP_NUM_THREADS=$threads mpirun -np "$ranks" --oversubscribe "${extra[@]}" "$SWEEP_BIN" --mode mpi \
      --layout "$m" --threads "$threads" -q --jsonl "$tmp/w.jsonl" --h5 "$tmp/w.h5" "${user_args[@]}" \
      "${few[@]}" "$input" >/dev/null 2>&1 || true
  done
  rm -rf "$tmp"
  echo "warm-up, not counted: thread mode over every photo, and a short run of each MPI layout"
}

sweep_finish() {
  local ticks now cpu
  ticks=$(sweep_machine_ticks)
  sweep_children_cpu cpu
  now=$(date +%s.%N)
  {
    echo "load_end: $(cut -d' ' -f1-3 /proc/loadavg)"
    # Over the whole sweep, warm-up included: what the machine did besides this sweep.
    echo "others_cpu_sweep: $(awk -v a="$SWEEP_STAT_START" -v b="$ticks" -v c0="$SWEEP_CHILDREN_START" -v c1="$cpu" \
      -v t0="$SWEEP_STARTED" -v t1="$now" -v n="$SWEEP_NPROC" -v hz="$(getconf CLK_TCK)" 'BEGIN {
        split(a, x, " "); split(b, y, " "); v = ((y[1] - x[1]) / hz - (c1 - c0)) / ((t1 - t0) * n)
        if (v < 0) v = 0; printf "%.3f", v }') (share of the cores other processes used during the sweep)"
  } >>"$SWEEP_INFO"
  echo "$(basename "$0"): results in $SWEEP_OUT (sweep.tsv lists every run);" \
    "plots: /usr/bin/python3 $SWEEP_REPO/analysis/scaling.py $SWEEP_OUT"
  if [ "$SWEEP_FAILED" -gt 0 ]; then
    echo "$(basename "$0"): $SWEEP_FAILED run(s) FAILED" >&2
    exit 1
  fi
}
