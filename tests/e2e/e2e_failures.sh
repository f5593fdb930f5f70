#!/usr/bin/env bash
# Failures in thread mode.
# 1. Running out of memory on one photo is that photo's error row, not the
#    job's end: a 12000x9000 PNG beside a small photo, under a 600 MB address
#    space limit, gives an error row for the big one, a scored row for the
#    small one, exit 0 (the run completed) and no temporary file left.
# 2. The memory budget: a photo larger than all of --memory-budget gets an
#    error row; photos that fit only one or two at a time wait their turn,
#    so four 24 MP photos on four threads peak lower than without a budget,
#    with the same rows.
# 3. Any other failure inside a worker thread (here the JSONL cannot grow
#    past a file size limit) ends the job with one line and exit 3, leaves
#    no temporary file, and the JSONL cut back to its last whole row.
#   e2e_failures.sh --photoscore BIN --photo SMALL_PHOTO --photos DIR
source "$(dirname "$0")/common.sh"
e2e_args "e2e_failures.sh --photoscore BIN --photo SMALL_PHOTO --photos DIR" photoscore photo photos -- "$@"
mkdir "$work/in" "$work/out"
# A smooth gradient compresses to about 1.4 MB, yet decodes to 324 MB.
"$python" -c "
from PIL import Image
Image.linear_gradient('L').resize((12000, 9000)).convert('RGB').save('$work/in/big.png', compress_level=1)
" || { echo "FAIL: cannot make the big PNG"; exit 1; }
cp "$photo" "$work/in/small.jpg"
for threads in 1 2; do
  (ulimit -v 600000; exec "$photoscore" --mode threads --threads "$threads" --quiet --jsonl "$work/out/r.jsonl" \
    --h5 "$work/out/r.h5" "$work/in") >/dev/null 2>"$work/err"
  rc=$?
  rows=$("$python" -c "
import json
rows = [json.loads(l) for l in open('$work/out/r.jsonl')]
print(' '.join(f\"{r['filename']}:{r['status']}\" for r in rows))
print(rows[0]['error'] or '')
" 2>&1)
  echo "--threads $threads: exit $rc, rows: $(echo "$rows" | head -1)"
  [ "$rc" = 0 ] || fail "exit $rc, expected 0; stderr: $(head -c 400 "$work/err")"
  [ "$(echo "$rows" | head -1)" = "big.png:error small.jpg:ok" ] ||
    fail "rows $rows"
  # Refused by the default budget (80% of ulimit -v) or, failing that, by
  # running out of memory while decoding: either way a memory error row.
  echo "$rows" | tail -1 | grep -q "memory" ||
    fail "the big photo's error does not say memory: $rows"
  if ls "$work/out" | grep -q partial; then fail "a partial file was left"; fi
  rm -f "$work/out/"*
done

# --- The memory budget --------------------------------------------------------
mkdir "$work/four"
"$python" -c "
from PIL import Image
Image.linear_gradient('L').resize((6000, 4000)).convert('RGB').save('$work/four/p1.jpg', quality=90)
" || { echo "FAIL: cannot make a 24 MP JPEG"; exit 1; }
for i in 2 3 4; do cp "$work/four/p1.jpg" "$work/four/p$i.jpg"; done
"$photoscore" --mode threads --threads 2 --quiet --memory-budget 100 --jsonl "$work/out/b.jsonl" --h5 "$work/out/b.h5" \
  "$work/four" >/dev/null 2>"$work/err"
rc=$?
refused=$(grep -c '"error":"needs about [0-9]* MB, more than the memory budget of 100 MB' "$work/out/b.jsonl")
echo "--memory-budget 100: exit $rc, $refused of 4 refused"
[ "$rc" = 0 ] && [ "$refused" = 4 ] || fail "expected exit 0 and 4 refusals"
peak() {  # BUDGET: peak resident KB of a 4-thread run
  /usr/bin/time -f "%M" -o "$work/peak" "$photoscore" --mode threads --threads 4 --quiet --memory-budget "$1" \
    --jsonl "$work/out/m$1.jsonl" --h5 "$work/out/m$1.h5" "$work/four" >/dev/null 2>&1
  tail -n 1 "$work/peak"
}
free=$(peak 0)
held=$(peak 300)
echo "four 24 MP photos on 4 threads: peak ${free} KB without a budget, ${held} KB with --memory-budget 300"
[ "$held" -lt "$free" ] && [ "$held" -lt 400000 ] ||
  fail "the budget did not lower the peak"
cmp -s "$work/out/m0.jsonl" "$work/out/m300.jsonl" && grep -c '"status":"ok"' "$work/out/m300.jsonl" | grep -qx 4 ||
  fail "with a budget the rows differ or are not all scored"
rm -f "$work/out/"*

# A write that fails with EFBIG rather than killing the process (SIGXFSZ).
(trap '' XFSZ; ulimit -f 2; exec "$photoscore" --mode threads --threads 2 --quiet --jsonl "$work/out/r.jsonl" \
  --h5 "$work/out/r.h5" "$photos") >/dev/null 2>"$work/err"
rc=$?
echo "JSONL past the file size limit: exit $rc, stderr: $(cat "$work/err")"
[ "$rc" = 3 ] || fail "exit $rc, expected 3"
[ "$(wc -l <"$work/err")" = 1 ] && grep -q "^photoscore: cannot write .*r.jsonl" "$work/err" ||
  fail "expected one line naming the JSONL"
if ls "$work/out" | grep -q -e partial -e '\.lock'; then fail "a partial or lock file was left"; fi
# Cut back to its last whole row: every line a row, none cut short.
"$python" - "$work/out/r.jsonl" <<'PY' || fail "the JSONL is not its whole rows"
import json, sys
data = open(sys.argv[1], "rb").read()
rows = [json.loads(line) for line in data.splitlines()]
if data and not data.endswith(b"\n"):
    sys.exit(print(f"FAIL: the JSONL ends inside a row ({len(data)} bytes)"))
print(f"the JSONL was cut back to {len(rows)} whole rows ({len(data)} bytes)")
if not rows:
    sys.exit(print("FAIL: no whole row kept"))
PY

e2e_done "failure checks passed"
