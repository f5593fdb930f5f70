#!/usr/bin/env bash
# analysis/model.py:
#   1. on the committed sweep (analysis/results): exits 0 (every point predicted within 15 %
#      from the 1-core thread-mode run alone), writes model_prediction.png and model.md, and
#      prints the validation table and the efficiencies at 64, 256 and 1,024 cores;
#   2. tests/model_check.py: the model on a made-up baseline of known per-photo times against
#      throughputs worked out by hand, and the command line's exit status on a made-up sweep.
#
#   tests/test_model.sh REPO_DIR
set -u
REPO=$(cd "${1:?usage: $0 REPO_DIR}" && pwd)
PY=/usr/bin/python3
failures=0
checks=0
check() {  # check DESCRIPTION COMMAND...
  local what=$1
  shift
  checks=$((checks + 1))
  if "$@"; then echo "ok:   $what"; else echo "FAIL: $what"; failures=$((failures + 1)); fi
}
is_png() { [ -s "$1" ] && [ "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]; }

work=$(mktemp -d "${TMPDIR:-/tmp}/photoscore_model.XXXXXX")
trap 'rm -rf "$work"' EXIT

# --- 1. the committed sweep --------------------------------------------------------------
"$PY" "$REPO/analysis/model.py" "$REPO/analysis/results" --out "$work/out" >"$work/model.out" 2>&1
rc=$?
cat "$work/model.out"
check "model.py on analysis/results exits 0 (every point within 15 %)" test "$rc" -eq 0
check "it writes model_prediction.png (a PNG)" is_png "$work/out/model_prediction.png"
check "it writes model.md" test -s "$work/out/model.md"
points=$(awk -F'\t' 'NR > 1 { sub(/-r[0-9]+/, "", $1); sub(/-oversub/, "", $1); print $1 }' \
  "$REPO/analysis/results/sweep.tsv" | sort -u | wc -l)
check "the validation table has a row per sweep point ($points)" \
  test "$(grep -c '^| \(threads\|roles\|farm\) c[0-9]' "$work/model.out")" -eq "$points"
check "every row is within the tolerance" test "$(grep -c '| yes |$' "$work/model.out")" -eq "$points"
eff_row() {  # eff_row LABEL: a row of three efficiencies, each with its bound
  grep -F "| $1 | " "$work/model.out" | grep -qE "^\| [^|]+ \|( [0-9]\.[0-9]{2} \([a-zA-Z0-9 ]+\) \|){3}$"
}
for layout in "farm, --read rank0" "farm, --read workers" "roles, pixels by broadcast, --read rank0" \
  "roles, pixels by broadcast, --read workers" "roles, shared-memory window, --read rank0" \
  "roles, shared-memory window, --read workers"; do
  check "efficiency at 64/256/1024 cores printed: $layout" eff_row "$layout"
done

# --- 2. known numbers ------------------------------------------------------------------------
"$PY" "$REPO/tests/model_check.py"
check "tests/model_check.py: the model against hand-worked throughputs" test $? -eq 0

echo "$((checks - failures)) passed, $failures failed"
[ "$failures" -eq 0 ]
