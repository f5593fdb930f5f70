#!/usr/bin/env bash
# Rank 0's own time a photo, by stage: the ceiling of one MPI job. Makes
# COUNT tiny photos (64x64 JPEGs: scoring one costs next to nothing, so
# what rank 0 spends on each shows), runs farm and roles at several rank
# counts with --read auto (on one node: the ranks read) and --read rank0,
# REPEATS times each, checks every run's JSONL against thread mode's, and
# writes rank 0's microseconds a photo per stage (/timing/ranks: wall - wait,
# read, comm, merge, write, other, cpu) as a table and a plot
# (analysis/rank0_ceiling.py): rank0_ceiling.tsv, rank0_ceiling.md,
# rank0_ceiling.png in the output folder. analysis/model.py takes rank 0's
# cost from there.
#
#   jobs/rank0_ceiling.sh [--out DIR]        default WORK_DIR/results, never the checkout
#                                           unless asked (the committed results: --out analysis/results)
#
# Settings (environment): COUNT (default 100000: on 20,000 a run gives rank 0 so little
# CPU to measure that repeats spread up to 70 %; about 40 min for the committed runs on 2 cores), FARM_RANKS (default "2 3 5 9": -np 2 is
# a rank a core on a 2-core machine, the others share the cores, and analysis/model.py
# says what rank 0 gets of them),
# ROLES_RANKS (default "4 7"; "" for none, as for FARM_RANKS), LEADER_RANKS (default "5 9": the farm with
# --leaders on, a leader for the node between rank 0 and the workers, files
# farm+leaders-npN-...; only with the ranks reading, as leaders need; "" for
# none), ROLES_LEADER_RANKS (default "5 8": the roles layout with --leaders on, a leader
# and one or two groups of 3 under it, files roles+leaders-npN-...; "" for none),
# READS (default "auto rank0"), REPEATS (default
# 3, in rounds; the table shows the median and the spread), BATCHES (default "": rank 0's
# own batch sizes, at most 256 photos a group's batch; "16 64" also runs every point with
# batches capped at 16 and at 64 photos (PHOTOSCORE_BATCH_MAX, a leader's batches too), files
# ...-bN-rR.h5, so that analysis/model.py can tell rank 0's cost of a block
# of rows from its cost of a row), LEADER_BATCHES (default "": with leaders, BATCHES;
# "64 1024" runs the leaders' points with rank 0's batches to a leader capped alone instead
# (PHOTOSCORE_LEADER_BATCH_MAX), files ...-lN-rR.h5: the groups' batches, and so the
# messages between a leader and its workers, stay as they are), WORK_DIR (default
# /tmp/photoscore-rank0-ceiling: photos, JSONL, logs), PHOTOSCORE_BIN
# (default build/photoscore), MPIRUN_ARGS (default --bind-to none), RANK0_CORE (default
# "shared": every rank on every core; "own": rank 0 alone on CPU 0 and the other ranks on
# the rest, as on a cluster node where rank 0 has a core of its own, files ...-own-rR.h5;
# "shared own" runs every point both ways, in turn, so the two can be compared).
# Needs mpirun and /usr/bin/python3 with numpy, h5py, Pillow and matplotlib.
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
OUT=
while [ $# -gt 0 ]; do
  case $1 in
    --out) OUT=$2; shift 2 ;;
    -h|--help) sed -n '2,39p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "rank0_ceiling: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
: "${COUNT:=100000}"
: "${FARM_RANKS=2 3 5 9}"
: "${ROLES_RANKS=4 7}"
: "${LEADER_RANKS=5 9}"
: "${ROLES_LEADER_RANKS=5 8}"
: "${READS:=auto rank0}"
: "${REPEATS:=3}"
: "${BATCHES:=}"
: "${LEADER_BATCHES:=}"
: "${WORK_DIR:=/tmp/photoscore-rank0-ceiling}"
OUT=${OUT:-$WORK_DIR/results}
: "${MPIRUN_ARGS:=--bind-to none}"
: "${RANK0_CORE:=shared}"
for core in $RANK0_CORE; do
  case $core in
    shared) ;;
    own) [ "$(nproc)" -ge 2 ] || { echo "rank0_ceiling: RANK0_CORE=own needs 2 cores or more, this machine has $(nproc)" >&2; exit 2; } ;;
    *) echo "rank0_ceiling: RANK0_CORE takes shared, own or both, not $core" >&2; exit 2 ;;
  esac
done
BIN=${PHOTOSCORE_BIN:-$REPO/build/photoscore}
[ -x "$BIN" ] || { echo "rank0_ceiling: no photoscore binary at $BIN (build first, or set PHOTOSCORE_BIN)" >&2; exit 2; }
if [ "$(id -u)" -eq 0 ]; then
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi

photos=$WORK_DIR/tiny-$COUNT
if [ "$(find "$photos" -maxdepth 1 -name '*.jpg' 2>/dev/null | wc -l)" -ne "$COUNT" ]; then
  echo "rank0_ceiling: making $COUNT photos of 64x64 in $photos"
  rm -rf "$photos" && mkdir -p "$photos"
  /usr/bin/python3 - "$photos" "$COUNT" <<'PY'
import sys
import numpy as np
from PIL import Image
out, count = sys.argv[1], int(sys.argv[2])
rng = np.random.default_rng(1)
base = rng.integers(0, 255, (64, 64, 3), dtype=np.uint8)
for i in range(count):
    # Every photo different (shifted, tinted), all the same size.
    Image.fromarray(np.roll(base, i % 64, axis=1) ^ np.uint8(i % 251)).save(f"{out}/tiny_{i:06d}.jpg", quality=85)
PY
fi

runs=$WORK_DIR/runs
mkdir -p "$runs" "$WORK_DIR/out" "$OUT"
# RANK0_CORE=own: a rankfile puts rank 0 alone on CPU 0 and every other rank on CPUs 1 to nproc - 1
# (they share those as the scheduler likes). It overrides MPIRUN_ARGS' --bind-to.
rankfile=$WORK_DIR/rank0-own-core.rankfile
case " $RANK0_CORE " in
  *" own "*)
    {
      echo "rank 0=localhost slot=0"
      for r in $(seq 1 1023); do echo "rank $r=localhost slot=1-$(($(nproc) - 1))"; done
    } >"$rankfile" ;;
esac
rm -f "$runs"/*.h5 "$runs"/*.env
"$BIN" --mode threads --quiet --force --jsonl "$WORK_DIR/out/threads.jsonl" --h5 "$WORK_DIR/out/threads.h5" \
  "$photos" >"$WORK_DIR/out/threads.log" 2>&1 || { echo "rank0_ceiling: thread mode failed" >&2; exit 1; }
failed=0
ticks() {  # the machine's busy CPU ticks (/proc/stat: user, nice, system, irq, softirq, steal)
  awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat
}
# children_cpu VAR: CPU seconds of this shell's finished children (bash's times, run in this shell:
# in a $(...) subshell it would count the subshell's children).
children_cpu() {
  times >"$WORK_DIR/times"
  printf -v "$1" '%s' "$(awk 'NR == 2 { t = 0; for (i = 1; i <= NF; i++) { split($i, p, "m"); sub(/s$/, "", p[2])
    t += p[1] * 60 + p[2] }; printf "%.3f", t }' "$WORK_DIR/times")"
}
# In rounds (every point once, then every point again), so that a burst of load elsewhere hits one
# repeat of several points rather than every repeat of one: their spread then shows it.
for rep in $(seq 1 "$REPEATS"); do
  for layout in farm roles farm+leaders roles+leaders; do
    case $layout in
      farm) ranks=$FARM_RANKS options=(--layout farm) ;;
      roles) ranks=$ROLES_RANKS options=(--layout roles) ;;
      farm+leaders) ranks=$LEADER_RANKS options=(--layout farm --leaders on) ;;
      roles+leaders) ranks=$ROLES_LEADER_RANKS options=(--layout roles --leaders on) ;;
    esac
    for np in $ranks; do
      for read in $READS; do
        # A leader never holds a photo's bytes: leaders only where the ranks read.
        case $layout in *+leaders) [ "$read" = rank0 ] && continue ;; esac
        # With leaders, LEADER_BATCHES (when set) caps the leader's batches alone.
        caps=$BATCHES
        case $layout in *+leaders) [ -n "$LEADER_BATCHES" ] && caps=$LEADER_BATCHES ;; esac
        for batch in default $caps; do
         for core in $RANK0_CORE; do
          name=$layout-np$np-$read
          cap=()
          if [ "$batch" != default ] && [ "$caps" = "$BATCHES" ]; then
            name=$name-b$batch
            cap=(-x "PHOTOSCORE_BATCH_MAX=$batch")
          elif [ "$batch" != default ]; then
            name=$name-l$batch
            cap=(-x "PHOTOSCORE_LEADER_BATCH_MAX=$batch")
          fi
          if [ "$core" = own ]; then
            name=$name-own
            cap+=(--rankfile "$rankfile")
          fi
          name=$name-r$rep
          load1=$(cut -d' ' -f1 /proc/loadavg)
          children_cpu c0
          t0=$(date +%s.%N) k0=$(ticks)
          # shellcheck disable=SC2086
          if ! mpirun --oversubscribe $MPIRUN_ARGS --mca btl_tcp_if_include lo --mca oob_tcp_if_include lo \
            "${cap[@]}" -np "$np" "$BIN" "${options[@]}" --read "$read" --quiet --force \
            --jsonl "$WORK_DIR/out/$name.jsonl" --h5 "$runs/$name.h5" "$photos" >"$WORK_DIR/out/$name.log" 2>&1; then
            echo "rank0_ceiling: $name failed (log: $WORK_DIR/out/$name.log)" >&2
            failed=1
            continue
          fi
          t1=$(date +%s.%N) k1=$(ticks)
          children_cpu c1
          # The machine beside the run (analysis/rank0_ceiling.py): its cores, the load as the run
          # started, and the share of the cores other processes used while it ran.
          printf 'nproc=%s\nload1=%s\nrank0_core=%s\nothers_cpu=%s\n' "$(nproc)" "$load1" "$core" "$(awk -v k0="$k0" -v k1="$k1" \
            -v c0="$c0" -v c1="$c1" -v t0="$t0" -v t1="$t1" -v n="$(nproc)" -v hz="$(getconf CLK_TCK)" 'BEGIN {
              v = ((k1 - k0) / hz - (c1 - c0)) / ((t1 - t0) * n); if (v < 0) v = 0; if (v > 1) v = 1
              printf "%.3f", v }')" >"$runs/$name.env"
          if ! cmp -s "$WORK_DIR/out/threads.jsonl" "$WORK_DIR/out/$name.jsonl"; then
            echo "rank0_ceiling: $name's JSONL differs from thread mode's" >&2
            failed=1
          fi
          echo "rank0_ceiling: $name done"
         done
        done
      done
    done
  done
done
/usr/bin/python3 "$REPO/analysis/rank0_ceiling.py" "$runs" --out "$OUT"
exit "$failed"
