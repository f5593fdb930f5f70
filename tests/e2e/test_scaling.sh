#!/usr/bin/env bash
# analysis/scaling.py, analysis/model.py's noise verdict and jobs/strong_scaling.sh:
#   1. a made-up sweep of known times (tests/tools/scaling_mock_h5.py): scaling.py writes the
#      plots, scaling.md and ranks.md, and its tables have the right end-to-end medians,
#      spreads, speed-ups, efficiency bands, start-up gaps, load, noisy flags, per-rank
#      min/median/max with CPU and imbalance, oversubscription marks and failed runs;
#   2. a real tiny sweep under a load this test makes: jobs/strong_scaling.sh on a few photos
#      at 1 and 2 cores in thread mode and the farm layout, 3 repeats in rounds, with no load
#      in round 1, two busy loops in round 2 and four in round 3. Every run's JSONL the same
#      bytes; sweep.tsv has each run's end-to-end time (at least the program's own) and the
#      machine's load; scaling.py flags the noisy points; analysis/model.py says the sweep is
#      too noisy to validate (exit 3), not that the model is off;
#   3. jobs/rank0_ceiling.sh on a few tiny photos with RANK0_CORE="shared own": the farm at -np 2
#      run both ways, each byte-identical to thread mode; with own, rank 0 ran on CPU 0 alone and
#      rank 1 on the other CPUs (seen from inside the ranks), with shared on every CPU; its TSV
#      says which run was which (rank0_core), its table too; RANK0_CORE of another word is refused.
#
#   tests/e2e/test_scaling.sh --photoscore BIN --repo DIR
# shellcheck source=tests/e2e/slurm_common.sh
. "$(dirname "$0")/slurm_common.sh"

SCALING=$REPO/analysis/scaling.py
hogs=()
stop_hogs() {
  local pid
  for pid in "${hogs[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${hogs[@]}"; do wait "$pid" 2>/dev/null; done
  hogs=()
}
e2e_cleanup() { stop_hogs; }
cd "$work" || exit 1

is_png() { [ -s "$1" ] && [ "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]; }
has_row() { grep -qF -- "$2" "$1"; }

# --- 1. the made-up sweep -------------------------------------------------------
"$PY" "$REPO/tests/tools/scaling_mock_h5.py" mock
"$PY" "$SCALING" mock >mock.out 2>&1
check "scaling.py on the made-up sweep exits 0" test $? -eq 0
for png in throughput efficiency inside time_breakdown; do
  check "made-up sweep: $png.png is a PNG" is_png "mock/$png.png"
done
check "made-up sweep: scaling.md written" test -s mock/scaling.md
check "made-up sweep: ranks.md written" test -s mock/ranks.md
# End to end (sweep.tsv wall_s: the program's time + 0.3 s) is the headline: medians, min-max, spread,
# efficiency bands, the program's own time and the start-up gap beside, the load, the noisy flag.
for row in \
  "| threads | threads | 1 | 1 | 1 | 100 | 3 | 10.300 (9.300-12.300) | 29% | 9.71 (8.13-10.75) | 1.00 | 1.00 (0.84-1.11) | 10.000 | 0.300 (3%) | 3.50 | 45% | NOISY (> 10%), BUSY (others 45%) | no |" \
  "| threads | threads | 2 | 1 | 2 | 100 | 1 | 5.800 (5.800-5.800) | 0% | 17.24 (17.24-17.24) | 1.78 | 0.89 (0.89-0.89) | 5.500 | 0.300 (5%) | 0.50 | 2% | no | no |" \
  "| threads | threads | 4 | 1 | 4 | 100 | 1 | 3.425 (3.425-3.425) | 0% | 29.20 (29.20-29.20) | 3.01 | 0.75 (0.75-0.75) | 3.125 | 0.300 (9%) | 0.50 | 2% | no | yes |" \
  "| mpi | roles | 1 | 2 | 1 | 100 | 1 | 12.800 (12.800-12.800) | 0% | 7.81 (7.81-7.81) | 0.80 | 0.80 (0.80-0.80) | 12.500 | 0.300 (2%) | 0.50 | 2% | no | no |" \
  "| mpi | roles | 2 | 3 | 1 | 100 | 1 | 6.550 (6.550-6.550) | 0% | 15.27 (15.27-15.27) | 1.57 | 0.79 (0.79-0.79) | 6.250 | 0.300 (5%) | 2.00 | 40% | BUSY (others 40%) | yes |" \
  "| mpi | farm | 2 | 3 | 1 | 100 | 1 | 5.100 (5.100-5.100) | 0% | 19.61 (19.61-19.61) | 2.02 | 1.01 (1.01-1.01) | 4.800 | 0.300 (6%) | 0.50 | 2% | no | yes |"; do
  check "made-up sweep: printed and in scaling.md: $row" eval 'has_row mock.out "$row" && has_row mock/scaling.md "$row"'
done
check "made-up sweep: the noisy point is named with its spread and load" \
  has_row mock/scaling.md "1 noisy point(s), whose repeats differ by more than 10%: threads c=1 (29%; load 3.50, others' CPU 45%)"
check "made-up sweep: the point run on a busy machine is named, though its repeats agree" \
  has_row mock/scaling.md "1 point(s) ran while other processes used more than 25% of the cores (BUSY): mpi roles c=2 (others 40%, load 2.00)"
check "made-up sweep: the efficiency above 1 in a band is explained" \
  has_row mock/scaling.md "mpi farm at 2 cores: efficiency 1.01 (1.01-1.01) above 1, within the noise"
# Every rank: busy (wall - wait) min / median / max with the slowest rank, CPU beside it, imbalance.
check "made-up sweep: the farm workers' busy time min/median/max, slowest rank, CPU and imbalance" \
  has_row mock/scaling.md "| mpi | farm | 2 | worker | 2 | 4.800 | 3.696 / 4.128 / 4.560 (1) | 3.326 / 3.715 / 4.104 | 0.90 | 10% |"
check "made-up sweep: rank 0's CPU against its busy time" \
  has_row mock/scaling.md "| mpi | farm | 2 | source+merger | 1 | 4.800 | 0.960 / 0.960 / 0.960 (0) | 0.480 / 0.480 / 0.480 | 0.50 | 0% |"
check "made-up sweep: ranks.md has every stage of the farm workers with the slowest rank" \
  has_row mock/ranks.md "| worker | 2 | decode | 1.5360 | 1.7280 | 1.9200 | 1 |"
check "made-up sweep: the inside view names the start-up gap" \
  has_row mock/scaling.md "| mpi | farm | 2 | 4.800 (4.800-4.800) | 0% | 20.83 (20.83-20.83) | 1.04 | 5.100 | 0.300 | 6% |"
check "made-up sweep: the failed run is reported" has_row mock/scaling.md "mpi-farm-c4-oversub.h5: exit status 3"
check "made-up sweep: the machine is described" has_row mock/scaling.md "mockhost (2 cores, Mock CPU)"
"$PY" "$SCALING" "$work/empty-does-not-exist" >/dev/null 2>&1
check "scaling.py on a missing folder exits 2" test $? -eq 2
mkdir empty
"$PY" "$SCALING" empty >/dev/null 2>&1
check "scaling.py on a folder without runs exits 2" test $? -eq 2

# --- 2. a real tiny sweep, under a load that changes between rounds ----------------------------
photos=$(photos_dir)
# Thread mode and the farm (roles is in the made-up sweep): 12 runs, a few seconds each under load.
MODES="threads farm" PHOTOSCORE_ARGS="--max-images 6" REPEATS=3 bash "$REPO/jobs/strong_scaling.sh" "$photos" \
  sweep 1 2 >sweep.out 2>&1 &
sweep_pid=$!
# Round 1 runs on the machine as it is; round 2 beside two busy loops, round 3 beside four.
round=1
while kill -0 "$sweep_pid" 2>/dev/null; do
  if [ "$round" -lt 3 ] && grep -q "^round $((round + 1)) of" sweep.out; then
    round=$((round + 1))
    for _ in 1 2; do
      sh -c 'while :; do :; done' &
      hogs+=($!)
    done
  fi
  sleep 0.05
done
wait "$sweep_pid"
rc=$?
stop_hogs
cat sweep.out
check "jobs/strong_scaling.sh DIR OUT 1 2 exits 0 (every run fine, same JSONL bytes)" test "$rc" -eq 0
check "the load came in rounds 2 and 3" test "$round" -eq 3
check "sweep: 12 runs (4 points x 3 repeats) in sweep.tsv" test "$(($(wc -l <sweep/sweep.tsv) - 1))" -eq 12
check "sweep: the warm-up is not counted" grep -q "warm-up, not counted" sweep.out
for f in threads-threads-c1 threads-threads-c1-r3 mpi-farm-c1 mpi-farm-c1-r2 threads-threads-c2; do
  check "sweep: $f.jsonl" test -s "sweep/$f.jsonl"
done
over=$([ "$(nproc)" -lt 3 ] && echo "-oversub")
check "sweep: MPI runs at 2 cores (3 ranks) named for oversubscription where nproc < 3" \
  test -s "sweep/mpi-farm-c2$over.jsonl" -a -s "sweep/mpi-farm-c2-r3$over.jsonl"
check "sweep: every run has a load average, its CPU seconds and the others' CPU share (0 to 1)" \
  awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
    !($c["load1"] ~ /^[0-9.]+$/ && $c["run_cpu_s"] > 0 && $c["others_cpu"] >= 0 && $c["others_cpu"] <= 1) { bad++ }
    END { exit bad > 0 }' sweep/sweep.tsv
# Four busy loops on the machine's cores: in round 3 other processes had at least half of them.
check "sweep: round 3's runs record the busy loops: others' CPU share above 0.5 on average" \
  awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
    $c["repeat"] == 3 { s += $c["others_cpu"]; n++ } END { exit !(n > 0 && s / n > 0.5) }' sweep/sweep.tsv
check "sweep: the info records the machine's load before and over the sweep" \
  grep -q "^others_cpu_sweep: " sweep/sweep_info_strong.txt
if writes_h5 sweep/threads-threads-c1.h5; then
  check "sweep: every run's end-to-end time is at least the program's own" "$PY" - sweep <<'PY'
import csv, sys, h5py
rows = list(csv.DictReader(open(sys.argv[1] + "/sweep.tsv"), delimiter="\t"))
bad = [r["file"] for r in rows if float(r["wall_s"]) < h5py.File(sys.argv[1] + "/" + r["file"])["run"].attrs["wall_seconds"]]
print("end to end below inside:", bad) if bad else None
sys.exit(1 if bad else 0)
PY
  "$PY" "$SCALING" sweep >scaling.out 2>&1
  rc=$?
  cat scaling.out
  check "scaling.py on the sweep exits 0" test "$rc" -eq 0
  for png in throughput efficiency inside time_breakdown; do
    check "sweep: $png.png is a PNG" is_png "sweep/$png.png"
  done
  check "sweep: scaling.md has a row per point, 3 runs each" \
    test "$(grep -c '^| \(threads\|mpi\) | [a-z]* | [0-9]* | [0-9]* | [0-9]* | [0-9]* | 3 |' sweep/scaling.md)" -eq 4
  check "sweep: the baseline, slowed in rounds 2 and 3, is flagged NOISY" \
    grep -q '^| threads | threads | 1 | 1 | 1 | .* | NOISY (> 10%)' sweep/scaling.md
  check "sweep: the noisy points are named in the text" grep -q "noisy point(s), whose repeats differ" sweep/scaling.md
  "$PY" "$REPO/analysis/model.py" sweep --out model --no-plot >model.out 2>&1
  rc=$?
  cat model.out
  check "model.py on the loaded sweep exits 3 (too noisy to validate), not 1 (model off)" test "$rc" -eq 3
  check "model.py says the sweep is too noisy" grep -q "the sweep is TOO NOISY to validate the model" model.out
  check "model.py does not say the model is off" eval '! grep -q "the model is OFF" model.out'
else
  echo "note: photoscore writes no HDF5 yet: scaling.py on the real sweep is skipped"
fi

# --- 3. the ceiling runs with rank 0 on a core of its own and not -------------------------------
# photoscore behind a wrapper that writes, from inside each rank, its rank and the CPUs it may run on.
cat >"$work/affinity-photoscore" <<WRAP
#!/bin/sh
if [ -n "\${OMPI_COMM_WORLD_RANK:-}" ]; then
  echo "\$OMPI_COMM_WORLD_RANK \$(taskset -cp \$\$ | sed 's/.*: //')" >>"$work/affinity.log"
fi
exec "$photoscore" "\$@"
WRAP
chmod +x "$work/affinity-photoscore"
COUNT=24 REPEATS=1 FARM_RANKS=2 ROLES_RANKS="" LEADER_RANKS="" ROLES_LEADER_RANKS="" READS=auto \
  RANK0_CORE="shared own" WORK_DIR="$work/ceiling" PHOTOSCORE_BIN="$work/affinity-photoscore" \
  "$REPO/jobs/rank0_ceiling.sh" --out "$work/ceiling/results" >ceiling.out 2>&1
rc=$?
cat ceiling.out affinity.log
cpus=$(nproc)
others=$([ "$cpus" -eq 2 ] && echo 1 || echo "1-$((cpus - 1))")
check "rank0_ceiling.sh RANK0_CORE=\"shared own\": both runs byte-identical to thread mode (exit $rc)" test "$rc" -eq 0
check "... the shared run's ranks on every CPU, then the own run's rank 0 on CPU 0 alone and rank 1 on CPUs $others" \
  test "$(sort -s -k1,1 affinity.log | awk '{ print $1, ($2 == "0" ? "cpu0" : ($2 == "'"$others"'" ? "others" : "all")) }' |
    tr '\n' ';')" = "0 all;0 cpu0;1 all;1 others;"
check "... rank0_ceiling.tsv holds the farm at -np 2 once with each core (rank0_core)" \
  test "$(awk -F'\t' 'NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
    { print $1, $2, $col["rank0_core"] }' ceiling/results/rank0_ceiling.tsv | sort | tr '\n' ';')" = "farm 2 own;farm 2 shared;"
check "... and its table has a row for each" \
  test "$(grep -c '^| farm | 2 | auto | 256 | \(own\|shared\) |' ceiling/results/rank0_ceiling.md)" -eq 2
RANK0_CORE=mine WORK_DIR="$work/ceiling" PHOTOSCORE_BIN="$photoscore" "$REPO/jobs/rank0_ceiling.sh" >refused.out 2>&1
rc=$?
check "RANK0_CORE=mine is refused: exit 2 ($rc) and one line naming the words it takes" \
  eval '[ "$rc" -eq 2 ] && grep -q "RANK0_CORE takes shared, own or both, not mine" refused.out'
finish
