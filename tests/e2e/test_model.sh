#!/usr/bin/env bash
# analysis/model.py:
#   1. on the committed sweep and ceiling runs (analysis/results): its verdict is 0 (every sweep
#      point and every ceiling group predicted within 15 %) or 3 (too noisy to validate: then every
#      point outside the tolerance is marked NOISY, its repeats, or the baseline's, disagreeing),
#      never 1 (the model off where the repeats agree); it writes model_prediction.png and model.md,
#      and prints the validation of every sweep point (thread mode at all the machine's cores
#      calibrating a core's speed with every core working) and of the ceiling runs at -np 3, 5 and
#      9 (farm) and 4 and 7 (roles), each group predicted from the others (leave one out) or shown
#      as saturated (and the farm with leaders, where the ceiling has them: then measured), the job's limit and the efficiency against it at 64, 256, 1,024, 4,096 and 16,384
#      cores for every layout and read mode, each with its band and bound, and a pick at each size;
#      and the figures of docs/scaling.md are the ones it gives (--doc); rank 0's cost on the cluster
#      fitted to the committed runs where it had a core of its own (analysis/results/own-core);
#   2. tests/tools/model_check.py: the model on a made-up baseline of known per-photo times against
#      throughputs worked out by hand, rank 0's (and a leader's) cost fitted to made-up ceiling runs, and the command
#      line's exit status (0, 1, 3) on made-up sweeps.
#
#   tests/e2e/test_model.sh --repo DIR
source "$(dirname "$0")/common.sh"
e2e_args "test_model.sh --repo DIR" repo -- "$@"
REPO=$repo
PY=$python
is_png() { [ -s "$1" ] && [ "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]; }

# --- 1. the committed sweep and ceiling runs -------------------------------------------------
cp "$REPO/docs/scaling.md" "$work/scaling.md"
"$PY" "$REPO/analysis/model.py" "$REPO/analysis/results" --out "$work/out" --doc "$work/scaling.md" \
  >"$work/model.out" 2>&1
rc=$?
cat "$work/model.out"
out=$work/model.out
check "docs/scaling.md's figures are model.py's on analysis/results (else: model.py analysis/results --doc docs/scaling.md)" \
  eval 'grep -q "^model.py: filled sweep, cost, ceiling, efficiency, picks, verdict in" "$out" &&
    diff "$REPO/docs/scaling.md" "$work/scaling.md"'
check "model.py on analysis/results exits 0 (validated) or 3 (too noisy to validate), not 1 (model off): $rc" \
  test "$rc" -eq 0 -o "$rc" -eq 3
check "it writes model_prediction.png (a PNG)" is_png "$work/out/model_prediction.png"
check "it writes model.md" test -s "$work/out/model.md"
check "it takes rank 0's cost from the ceiling runs (rank0_ceiling.tsv)" \
  grep -q "rank0_ceiling.tsv" "$work/out/model.md"
# The committed own-core runs (jobs/rank0_ceiling.sh RANK0_CORE="shared own"): the cluster's rank 0, which
# has a core of its own, is fitted to them, and their groups are checked (leave one out) among themselves.
check "it fits the cluster's rank 0 to the runs where it had a core of its own (own-core/rank0_ceiling.tsv)" \
  grep -q "own-core/rank0_ceiling.tsv, rank 0 on a core of its own: fit to" "$work/out/model.md"
check "... and checks those groups: farm -np 3 with rank 0 on its own core is predicted" \
  grep -Eq "^\| farm \| 3 \(rank 0: own core\) \| workers \| 256 \| .*\| [+-][0-9.]+ \| (yes|NOISY|NO) \|$" "$out"
points=$(awk -F'\t' 'NR > 1 { sub(/-r[0-9]+/, "", $1); sub(/-oversub/, "", $1); print $1 }' \
  "$REPO/analysis/results/sweep.tsv" | sort -u | wc -l)
rows=$(grep -c '^| \(threads\|roles\|farm\) c[0-9]' "$out")
check "the validation table has a row per sweep point ($points)" test "$rows" -eq "$points"
for layout in farm roles; do
  for np in $([ $layout = farm ] && echo 3 5 9 || echo 4 7); do
    for read in workers rank0; do
      check "the ceiling run $layout -np $np --read $read is validated" \
        grep -qE "^\| $layout \| $np \| $read \| [0-9]+ \| " "$out"
    done
  done
done
nproc=$(awk -F'\t' 'NR == 2 { print $8 }' "$REPO/analysis/results/sweep.tsv")
if [ "$nproc" -gt 1 ] && grep -q "^threads-threads-c$nproc" "$REPO/analysis/results/sweep.tsv"; then
  check "thread mode at all $nproc cores calibrates the full-node speed (not counted as a check)" \
    grep -qE "^\| threads c$nproc \(.*\| n/a: calibrates the full-node speed \|$" "$out"
fi
ceiling_rows=$(grep -cE '^\| (farm|roles)(\+leaders)? \| [0-9]+ \| (workers|rank0) \| [0-9]+ \| ' "$out")
judged=$(grep -E '^\| (farm|roles)(\+leaders)? \| [0-9]+ \| (workers|rank0) \| [0-9]+ \| ' "$out" |
  grep -cE '\| (yes|NOISY|NO|n/a: rank 0 saturated \(bound by the cores\)|n/a: no other group to fit on) \|$')
check "every ceiling group ($ceiling_rows) is judged: within, NOISY, NO, or saturated" \
  test "$ceiling_rows" -gt 0 -a "$judged" -eq "$ceiling_rows"
# Every row outside the tolerance is NOISY (the measurements disagree), none NO (the model off).
check "no point is off where its repeats agree (no '| NO |' row)" test "$(grep -c '| NO |$' "$out")" -eq 0
if [ "$rc" -eq 3 ]; then
  check "exit 3 comes with the reason, and the noisy rows are marked" \
    eval 'grep -q "TOO NOISY to validate" "$out" && grep -q "| NOISY |$" "$out"'
else
  check "exit 0: every row within" grep -q "every sweep point and every ceiling group within 15 %" "$out"
fi
check "the limit at 64 to 16,384 cores" \
  grep -qE '^\| the limit, photos/s \(what bounds it\) \|( [0-9,]+ \((cores|file system)\) \|){5}$' "$out"
eff_row() {  # eff_row LABEL: five efficiencies against the limit, each with its band and bound
  grep -F "| $1 | " "$out" | grep -qE "^\| [^|]+ \|( [01]\.[0-9]{2} \([01]\.[0-9]{2}-[01]\.[0-9]{2}, [a-zA-Z0-9 ]+\) \|){5}$"
}
for layout in "farm, --read rank0" "farm, --read workers (auto)" "roles, pixels by broadcast, --read rank0" \
  "roles, pixels by broadcast, --read workers (auto)" "roles, shared-memory window, --read rank0" \
  "roles, shared-memory window, --read workers (auto)"; do
  check "efficiency at 64 to 16,384 cores with band and bound: $layout" eff_row "$layout"
done
for base in farm roles; do
  label="$([ $base = farm ] && echo "farm" || echo "roles (shared-memory window)") + a leader per node, --read workers (auto)"
  check "$base with a leader per node: efficiency at 64 to 16,384 cores (measured, or marked as an estimate)" \
    eval 'grep -F "| $label" "$out" | grep -qE "^\| [^|]+ \|( [01]\.[0-9]{2} \([01]\.[0-9]{2}-[01]\.[0-9]{2}, [a-zA-Z0-9 ]+\) \|){5}$"'
  if grep -q "^$base+leaders" "$REPO/analysis/results/rank0_ceiling.tsv" 2>/dev/null; then
    for np in $(awk -F'\t' -v l="$base+leaders" '$1 == l { print $2 }' "$REPO/analysis/results/rank0_ceiling.tsv" | sort -u); do
      check "the ceiling run $base+leaders -np $np is validated" grep -qE "^\| $base\+leaders \| $np \| workers \| " "$out"
    done
    check "$base with leaders measured: its efficiency is no estimate" \
      eval '! grep -F "| $label" "$out" | grep -q "est\."'
  fi
done
for c in 64 256 1,024 4,096 16,384; do
  check "a pick at $c cores" grep -q "^- $c cores: " "$out"
done

# --- 2. known numbers ------------------------------------------------------------------------
"$PY" "$REPO/tests/tools/model_check.py"
check "tests/tools/model_check.py: the model against hand-worked throughputs, fits and verdicts" test $? -eq 0

e2e_done "$checks model checks passed"
