#!/usr/bin/env bash
# The same rows every run: a thousand DNG mutants (make_hostile.py
# --raw-mutants: another maker's name and three flipped bits in the IFDs of a
# 6 KB DNG), scored twice in thread mode and once by an MPI farm, give the
# same JSONL bytes, one row each. Before the fix, three runs disagreed on
# dozens of them: LibRaw 0.20 builds color matrices and CFA layouts from
# stack bytes its parser never wrote, and decodes sensor data past a short
# read from whatever its buffers held.
#
#   raw_mutants.sh --photoscore BIN --photos DIR [--count 1000] [--mpiexec mpirun] [--np-flag -np]
set -u

count=1000
source "$(dirname "$0")/common.sh"
e2e_args "raw_mutants.sh --photoscore BIN --photos DIR [--count N] [--mpiexec mpirun] [--np-flag -np]" photoscore photos -- "$@"

"$python" "$tools/make_hostile.py" "$photos" "$work/in" --raw-mutants "$count" >/dev/null ||
  { echo "FAIL: make_hostile.py"; exit 1; }
rm "$work/in/manifest.json"

score_mutants() {  # NAME [LAUNCHER...] -- OPTIONS...
  local name=$1
  shift
  local launcher=()
  while [ "$1" != "--" ]; do launcher+=("$1"); shift; done
  shift
  local start=$SECONDS
  "${launcher[@]}" "$photoscore" "$@" --quiet --jsonl "$work/$name.jsonl" --h5 "$work/$name.h5" "$work/in" \
    >/dev/null 2>&1
  local rc=$?
  echo "$name: exit $rc in $((SECONDS - start)) s: $(grep -c '"status":"ok"' "$work/$name.jsonl") scored," \
    "$(grep -c '"status":"error"' "$work/$name.jsonl") errors"
  # Exit 0: every file got its row, some of them errors; a crash or a
  # failure would be another code.
  [ "$rc" = 0 ] || fail "$name: exit $rc, expected 0"
  [ "$(wc -l <"$work/$name.jsonl")" = "$count" ] || fail "$name: $(wc -l <"$work/$name.jsonl") rows for $count files"
}
score_mutants threads_a -- --threads 2
score_mutants threads_b -- --threads 2
mpi_launch mpi 3
score_mutants farm "${mpi[@]}" -- --layout farm
for other in threads_b farm; do
  if ! cmp -s "$work/threads_a.jsonl" "$work/$other.jsonl"; then
    fail "$other differs from threads_a on $(diff "$work/threads_a.jsonl" "$work/$other.jsonl" | grep -c '^<') rows:"
    diff "$work/threads_a.jsonl" "$work/$other.jsonl" | grep '^[<>]' | cut -c1-160 | head -6
  fi
done
echo "reasons: $(grep -o '"error":"[^"]*"' "$work/threads_a.jsonl" | sed 's/[0-9][0-9]*/N/g' | sort | uniq -c |
  sort -rn | head -4 | tr -s ' ' | tr '\n' ';')"

e2e_done "all mutant runs agree"
