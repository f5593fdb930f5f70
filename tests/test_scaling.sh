#!/usr/bin/env bash
# analysis/scaling.py and jobs/strong_scaling.sh:
#   1. a made-up sweep of known wall times (tests/scaling_mock_h5.py): scaling.py writes
#      the three plots and scaling.md, and its table has the right speed-ups,
#      efficiencies, medians of repeats, oversubscription marks and failed runs;
#   2. a real tiny sweep: jobs/strong_scaling.sh on a few photos at 1 and 2 cores in
#      thread mode and both MPI layouts (every run's JSONL the same bytes), then
#      scaling.py on it: plots, table, one row per run.
#
#   tests/test_scaling.sh PHOTOSCORE_BINARY REPO_DIR
# shellcheck source=tests/slurm_common.sh
. "$(dirname "$0")/slurm_common.sh"

SCALING=$REPO/analysis/scaling.py
work=$(mktemp -d "${TMPDIR:-/tmp}/photoscore_scaling.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1

is_png() { [ -s "$1" ] && [ "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]; }
has_row() { grep -qF -- "$2" "$1"; }

# --- 1. the made-up sweep -------------------------------------------------------
"$PY" "$REPO/tests/scaling_mock_h5.py" mock
"$PY" "$SCALING" mock >mock.out 2>&1
check "scaling.py on the made-up sweep exits 0" test $? -eq 0
for png in throughput efficiency time_breakdown; do
  check "made-up sweep: $png.png is a PNG" is_png "mock/$png.png"
done
check "made-up sweep: scaling.md written" test -s mock/scaling.md
for row in \
  "| threads | threads | 1 | 1 | 1 | 100 | 3 | 10.000 | 9.000 | 12.000 | 10.00 | 1.00 | 1.00 | no |" \
  "| threads | threads | 2 | 1 | 2 | 100 | 1 | 5.500 | 5.500 | 5.500 | 18.18 | 1.82 | 0.91 | no |" \
  "| threads | threads | 4 | 1 | 4 | 100 | 1 | 3.125 | 3.125 | 3.125 | 32.00 | 3.20 | 0.80 | yes |" \
  "| mpi | roles | 1 | 2 | 1 | 100 | 1 | 12.500 | 12.500 | 12.500 | 8.00 | 0.80 | 0.80 | no |" \
  "| mpi | roles | 2 | 3 | 1 | 100 | 1 | 6.250 | 6.250 | 6.250 | 16.00 | 1.60 | 0.80 | yes |" \
  "| mpi | farm | 2 | 3 | 1 | 100 | 1 | 5.000 | 5.000 | 5.000 | 20.00 | 2.00 | 1.00 | yes |"; do
  check "made-up sweep: printed and in scaling.md: $row" eval 'has_row mock.out "$row" && has_row mock/scaling.md "$row"'
done
check "made-up sweep: the failed run is reported" has_row mock/scaling.md "mpi-farm-c4-oversub.h5: exit status 3"
check "made-up sweep: the machine is described" has_row mock/scaling.md "mockhost (2 cores, Mock CPU)"
"$PY" "$SCALING" "$work/empty-does-not-exist" >/dev/null 2>&1
check "scaling.py on a missing folder exits 2" test $? -eq 2
mkdir empty
"$PY" "$SCALING" empty >/dev/null 2>&1
check "scaling.py on a folder without runs exits 2" test $? -eq 2

# --- 2. a real tiny sweep ------------------------------------------------------------
photos=$(photos_dir)
PHOTOSCORE_ARGS="--max-images 6" bash "$REPO/jobs/strong_scaling.sh" "$photos" sweep 1 2 >sweep.out 2>&1
rc=$?
cat sweep.out
check "jobs/strong_scaling.sh DIR OUT 1 2 exits 0 (every run fine, same JSONL bytes)" test "$rc" -eq 0
check "sweep: 6 runs in sweep.tsv" test "$(($(wc -l <sweep/sweep.tsv) - 1))" -eq 6
for f in threads-threads-c1 mpi-roles-c1 mpi-farm-c1 threads-threads-c2; do
  check "sweep: $f.jsonl" test -s "sweep/$f.jsonl"
done
over=$([ "$(nproc)" -lt 3 ] && echo "-oversub")
check "sweep: MPI runs at 2 cores (3 ranks) named for oversubscription where nproc < 3" \
  test -s "sweep/mpi-farm-c2$over.jsonl" -a -s "sweep/mpi-roles-c2$over.jsonl"
if writes_h5 sweep/threads-threads-c1.h5; then
  "$PY" "$SCALING" sweep >scaling.out 2>&1
  rc=$?
  cat scaling.out
  check "scaling.py on the sweep exits 0" test "$rc" -eq 0
  for png in throughput efficiency time_breakdown; do
    check "sweep: $png.png is a PNG" is_png "sweep/$png.png"
  done
  check "sweep: scaling.md has a row per run" test "$(grep -c '^| \(threads\|mpi\) |' sweep/scaling.md)" -eq 6
  check "sweep: the table is printed" test "$(grep -c '^| \(threads\|mpi\) |' scaling.out)" -eq 6
else
  echo "note: photoscore writes no HDF5 yet: scaling.py on the real sweep is skipped"
fi
finish
