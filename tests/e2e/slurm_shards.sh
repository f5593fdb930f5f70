#!/usr/bin/env bash
# Sharding (photoscore --shard I/N) and slurm/merge_shards.py, without Slurm:
#   - for N = 1, 3, 4 (and N above the photo count): the shards' rows together
#     are the whole folder's rows, each exactly once, and shard I holds the files
#     I, I+N, ... of the sorted list;
#   - the merged JSONL is byte-identical to one run over the whole folder, and
#     (once photoscore writes HDF5) the merged HDF5 has the same /scores, the
#     summed images and the shard list;
#   - the merge refuses missing, duplicate, mixed-count and cut-short shards.
#
#   tests/e2e/slurm_shards.sh --photoscore BIN --repo DIR
# shellcheck source=tests/e2e/slurm_common.sh
. "$(dirname "$0")/slurm_common.sh"

MERGE=$REPO/slurm/merge_shards.py
photos=$(photos_dir)
cd "$work" || exit 1

"$BIN" --mode threads -q --jsonl whole.jsonl --h5 whole.h5 "$photos" >/dev/null 2>&1
total=$(wc -l <whole.jsonl)
check "whole-folder run: $total rows" test "$total" -gt 4
h5=no
writes_h5 whole.h5 && h5=yes
[ "$h5" = yes ] || echo "note: photoscore writes no HDF5 yet: the HDF5 merge checks are skipped"

filenames() { "$PY" -c 'import json, sys
for line in open(sys.argv[1], "rb"):
    print(json.loads(line)["filename"])' "$1"; }
filenames whole.jsonl >whole.names

for n in 1 3 4 $((total + 2)); do
  dir=n$n
  mkdir -p "$dir"
  ok=yes
  for i in $(seq 0 $((n - 1))); do
    "$BIN" --mode threads -q --shard "$i/$n" --jsonl "$dir/shard-$i-of-$n.jsonl" --h5 "$dir/shard-$i-of-$n.h5" \
      "$photos" >"$dir/shard-$i.out" 2>&1 || ok=no
  done
  check "N=$n: every shard ran" test "$ok" = yes
  : >"$dir/union.names"
  exact=yes
  for i in $(seq 0 $((n - 1))); do
    filenames "$dir/shard-$i-of-$n.jsonl" >"$dir/shard-$i.names"
    cat "$dir/shard-$i.names" >>"$dir/union.names"
    # shard I = lines I+1, I+1+N, ... of the whole list
    awk -v i="$i" -v n="$n" '(NR - 1) % n == i' whole.names | cmp -s - "$dir/shard-$i.names" || exact=no
  done
  check "N=$n: shard I holds files I, I+N, I+2N, ... of the sorted list" test "$exact" = yes
  check "N=$n: union of the shards = the whole folder, no duplicates" \
    test "$(sort "$dir/union.names" | uniq -d | wc -l) $(sort "$dir/union.names" | cmp -s - <(sort whole.names) && echo same)" = "0 same"
  "$PY" "$MERGE" "$dir" >"$dir/merge.out" 2>&1
  check "N=$n: merge_shards.py succeeds" test $? -eq 0
  check "N=$n: merged JSONL byte-identical to the whole-folder run" cmp -s whole.jsonl "$dir/photo_scores.jsonl"
  if [ "$h5" = yes ]; then
    check "N=$n: merged HDF5: same /scores, images summed, $n shards listed" "$PY" - whole.h5 "$dir/photo_scores.h5" "$n" <<'EOF'
import sys, h5py, numpy as np
whole, merged, n = h5py.File(sys.argv[1], "r"), h5py.File(sys.argv[2], "r"), int(sys.argv[3])
a, b = whole["scores"][...], merged["scores"][...]
assert a.dtype == b.dtype and len(a) == len(b), (a.dtype, b.dtype, len(a), len(b))
for name in a.dtype.names:
    x, y = a[name], b[name]
    if x.dtype.kind == "f":
        assert np.array_equal(x, y, equal_nan=True), name
    else:
        assert list(x) == list(y), name
r = merged["run"].attrs
assert int(r["images"]) == len(a) and int(r["errors"]) == int(whole["run"].attrs["errors"])
assert [s.decode() if isinstance(s, bytes) else s for s in r["shards"]] == [f"{i}/{n}" for i in range(n)]
if "timing/images" in merged:
    assert list(merged["timing/images"]["index"]) == list(range(len(a)))
EOF
  fi
done

# --- the merge refuses what it cannot merge into one run's results ----------
refuses() {  # refuses WHAT PATTERN MERGE-ARGS...: exit 2 with PATTERN in the message
  local what=$1 pattern=$2
  shift 2
  local out rc=0
  out=$("$PY" "$MERGE" "$@" 2>&1) || rc=$?
  if [ "$rc" -eq 2 ] && grep -q "$pattern" <<<"$out"; then
    pass "merge refuses $what: $out"
  else
    fail "merge refuses $what (exit $rc): $out"
  fi
}
mkdir bad
cp n3/shard-0-of-3.* n3/shard-2-of-3.* bad/
refuses "a missing shard" "missing shard(s) 1 of 3" bad
refuses "a shard given twice" "given twice" bad/shard-0-of-3.jsonl bad/shard-0-of-3.jsonl bad/shard-2-of-3.jsonl
cp n3/shard-1-of-3.* bad/ && cp n4/shard-1-of-4.jsonl bad/
refuses "shards of different counts" "different shard counts" bad
rm bad/shard-1-of-4.jsonl
head -n 1 n3/shard-1-of-3.jsonl >bad/shard-1-of-3.jsonl
refuses "a cut-short shard" "shard-1-of-3.jsonl" --no-h5 bad
head -c 50 n3/shard-1-of-3.jsonl >bad/shard-1-of-3.jsonl
refuses "a half-written row" "cut short" --no-h5 bad
cp n3/shard-0-of-3.jsonl bad/shard-1-of-3.jsonl
refuses "a photo in two shards" "is in shard" --no-h5 bad
if [ "$h5" = yes ]; then
  cp n3/shard-1-of-3.jsonl bad/ && rm bad/shard-1-of-3.h5
  refuses "JSONL shards without their HDF5" "missing HDF5 shard" bad
fi

finish
