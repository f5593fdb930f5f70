#!/usr/bin/env bash
# Hostile inputs end to end: make_hostile.py writes truncations, lying
# extensions, header bombs, mutations and a scan bomb; photoscore scores the
# folder in thread mode and under `mpirun -np 3` (roles and farm layouts),
# each run in a 3 GB address space and against a clock. Every file must get
# exactly one row, every file the manifest says is broken an error row with
# a one-line reason, every valid one an ok row; the job exits 0 and the MPI
# runs write thread mode's bytes.
#
#   hostile_files.sh --photoscore BIN --photos DIR [--mpiexec mpirun] [--np-flag -np]
set -u

source "$(dirname "$0")/common.sh"
e2e_args "hostile_files.sh --photoscore BIN --photos DIR [--mpiexec mpirun] [--np-flag -np]" photoscore photos -- "$@"

"$python" "$tools/make_hostile.py" "$photos" "$work/in" || { echo "FAIL: make_hostile.py"; exit 1; }

# Bombs that slip through would need gigabytes; 3 GB of address space (the
# binary, its libraries and thread stacks take a few hundred MB) makes them
# fail the run instead. Seconds, not minutes: the clock catches the scan bomb.
# --memory-budget 0: thread mode's budget would refuse some bombs from their
# headers alone; the decoders must hold without it, and all modes alike.
limit_kb=${PHOTOSCORE_TEST_VMEM_KB:-3000000}
deadline=120

# score_hostile NAME [LAUNCHER...] -- [OPTIONS...]: photoscore on the hostile
# folder, then the checks.
score_hostile() {
  local name=$1
  shift
  local launcher=()
  while [ "$1" != "--" ]; do
    launcher+=("$1")
    shift
  done
  shift
  local start=$SECONDS
  (ulimit -v "$limit_kb" && timeout "$deadline" "${launcher[@]}" "$photoscore" "$@" --quiet --threads 1 --memory-budget 0 \
    --jsonl "$work/$name.jsonl" --h5 "$work/$name.h5" "$work/in") >"$work/$name.out" 2>"$work/$name.err"
  local rc=$? took=$((SECONDS - start))
  echo "$name: exit $rc in ${took} s"
  [ "$rc" = 0 ] || { fail "$name: exit $rc, expected 0; stderr: $(tail -c 600 "$work/$name.err")"; return; }
  if "$python" - "$work/in/manifest.json" "$work/$name.jsonl" <<'PY'; then pass "$name rows"; else fail "$name rows"; fi
import json, sys
manifest = json.load(open(sys.argv[1]))
lines = open(sys.argv[2], encoding="utf-8").read().split("\n")
assert lines[-1] == "", "no final newline"
rows = [json.loads(l) for l in lines[:-1]]
names = [r["filename"] for r in rows]
problems = []
if sorted(names) != sorted(manifest):
    problems.append(f"{len(rows)} rows for {len(manifest)} files; "
                    f"missing {sorted(set(manifest) - set(names))[:5]}, extra {sorted(set(names) - set(manifest))[:5]}")
if len(set(names)) != len(names):
    problems.append("a file has more than one row")
for r in rows:
    want = manifest.get(r["filename"])
    if want == "error" and r["status"] != "error":
        problems.append(f"{r['filename']}: scored {r['status']}, expected an error row")
    if want == "ok" and r["status"] != "ok":
        problems.append(f"{r['filename']}: {r['error']}, expected ok")
    # Out of memory means a claim was allocated before the data proved it.
    if r["status"] == "error" and "not enough memory" in r["error"]:
        problems.append(f"{r['filename']}: {r['error']}")
    if r["status"] == "error" and (not r["error"] or "\n" in r["error"] or r["quality_score"] is not None):
        problems.append(f"{r['filename']}: error row without a one-line reason and null scores")
for p in problems:
    print("  " + p)
errors = sum(r["status"] == "error" for r in rows)
print(f"  {len(rows)} rows, {errors} errors, {len(problems)} problems")
sys.exit(1 if problems else 0)
PY
  local lines
  lines=$(grep "^photoscore: " "$work/$name.err" | grep -vc "could not be scored (an error row each)")
  local errors
  errors=$(grep -c '"status":"error"' "$work/$name.jsonl")
  [ "$lines" = "$errors" ] || fail "$name: $lines error lines on stderr for $errors error rows"
  grep -q "^photoscore: $errors of $(wc -l <"$work/$name.jsonl") files could not be scored" "$work/$name.err" ||
    fail "$name: no last line counting the $errors error rows"
}

score_hostile threads -- --mode threads
mpi_launch mpi 3
for layout in roles farm; do
  score_hostile "mpi3_$layout" "${mpi[@]}" -- --layout "$layout"
  cmp -s "$work/threads.jsonl" "$work/mpi3_$layout.jsonl" ||
    fail "mpirun -np 3 --layout $layout JSONL differs from thread mode"
done

e2e_done "all hostile-file checks passed"
