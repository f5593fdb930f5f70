#!/usr/bin/env bash
# SIGTERM, then --resume. On a 140-photo folder, in thread mode
# and under mpirun -np 3 with both layouts (and one --shard in thread mode):
#  - SIGTERM two seconds in: exit 4, no temporary or lock file left, the
#    JSONL holds whole rows, the first rows of an uninterrupted run, and the
#    HDF5 file has them with /run complete=0, interrupted_by=SIGTERM;
#  - the same command with --resume: exit 0, a JSONL byte-identical (cmp) to
#    the uninterrupted run's, and the same /scores in the HDF5 file;
#  - --resume with other weights is refused and changes nothing; a last row
#    cut short (a kill mid-write) is cut back on resume;
#  - a resumed run's summary, report and links are one run's; its progress
#    counts the photos it scores.
#   e2e_resume.sh --photoscore BIN --photos DIR --mpiexec mpirun
source "$(dirname "$0")/common.sh"
e2e_args "e2e_resume.sh --photoscore BIN --photos DIR --mpiexec mpirun" photoscore photos -- "$@"
job=""
e2e_cleanup() { [ -n "$job" ] && kill -9 "$job" 2>/dev/null; }
cd "$work" || exit 1
mpi_launch mpi 3

# 140 photos, about 5 s with 2 threads on a 2-core machine: two copies of
# each of the 28 test photos (every format and size), and between them 84
# copies of an 8-megapixel JPEG made from the astronaut, which set the pace.
mkdir in
"$python" -c "
from PIL import Image
Image.open('$photos/astronaut_2048.jpg').resize((2900, 2900)).save('big.jpg', quality=90)
" || { echo "FAIL: cannot make the 8-megapixel photo"; exit 1; }
varied=()
for f in "$photos"/*; do
  case "$f" in *.txt) ;; *) varied+=("$f" "$f") ;; esac
done
v=0
for i in $(seq 0 139); do
  if [ $((i % 5)) -lt 2 ]; then
    cp "${varied[$v]}" "in/$(printf %03d "$i")-$(basename "${varied[$v]}")"
    v=$((v + 1))
  else
    cp big.jpg "in/$(printf %03d "$i")-astronaut.jpg"
  fi
done
count=$(ls in | wc -l)
[ "$count" = 140 ] || { echo "FAIL: $count photos, expected 140"; exit 1; }

# The HDF5 checks: /scores of A and B the same (NaN = NaN), and B's /run.
h5_check() {
  "$python" - "$@" <<'PY'
import math, sys
import h5py
ref, got, rows, complete, signal, resumed = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], int(sys.argv[6])
with h5py.File(ref, "r") as a, h5py.File(got, "r") as b:
    sa, sb = a["scores"][:], b["scores"][:]
    run = b["run"].attrs
    problems = []
    if sb.dtype != sa.dtype:
        problems.append(f"/scores types differ: {sb.dtype} vs {sa.dtype}")
    if len(sb) != rows:
        problems.append(f"/scores has {len(sb)} rows, expected {rows}")
    for i in range(min(len(sb), len(sa))):
        for name in sa.dtype.names:
            x, y = sa[i][name], sb[i][name]
            same = (math.isnan(x) and math.isnan(y)) if isinstance(x, float) and math.isnan(x) else x == y
            if not same:
                problems.append(f"/scores row {i} {name}: {y!r}, uninterrupted run {x!r}")
    if int(run["complete"]) != complete:
        problems.append(f"/run complete={run['complete']}, expected {complete}")
    if run["interrupted_by"] != signal:
        problems.append(f"/run interrupted_by={run['interrupted_by']!r}, expected {signal!r}")
    if resumed >= 0 and int(run["resumed"]) != resumed:
        problems.append(f"/run resumed={run['resumed']}, expected {resumed}")
    if int(run["images"]) != len(sb):
        problems.append(f"/run images={run['images']} but {len(sb)} rows")
for p in problems[:10]:
    print("   " + p)
sys.exit(1 if problems else 0)
PY
}

# case_run NAME REF DELAY LAUNCH...: SIGTERM after DELAY seconds, checks,
# --resume, checks. REF: the uninterrupted run's files (REF.jsonl, REF.h5).
case_run() {
  local name=$1 ref=$2 delay=$3
  shift 3
  local out="$name"
  mkdir "$out"
  local args=(--quiet --jsonl "$out/r.jsonl" --h5 "$out/r.h5")
  "$@" "${args[@]}" >"$out/first.out" 2>"$out/first.err" &
  job=$!
  # DELAY seconds in, or as soon as 20 rows are written if that comes first:
  # a fast machine must not finish the run before the signal.
  local waited=0
  while [ "$waited" -lt "$((delay * 10))" ] && kill -0 "$job" 2>/dev/null &&
    [ "$(cat "$out/r.jsonl" 2>/dev/null | wc -l)" -lt 20 ]; do
    sleep 0.1
    waited=$((waited + 1))
  done
  if ! kill -0 "$job" 2>/dev/null; then
    fail "$name: the run ended within $delay s, before the signal"
  fi
  if [ "$1" = "$mpiexec" ]; then
    # Every rank gets it, as srun and scancel deliver it (and as mpirun
    # forwards it); rank 0 coordinates the stop. The other ranks keep
    # serving until rank 0 ends them; rank 0 exits 4, which mpirun passes on.
    kill -TERM $(ps -o pid= --ppid "$job")
  else
    kill -TERM "$job"
  fi
  wait "$job"
  local rc=$?
  job=""
  local rows
  rows=$(wc -l <"$out/r.jsonl")
  [ "$rc" = 4 ] && pass "$name: SIGTERM: exit 4 after $rows rows" ||
    fail "$name: SIGTERM: exit $rc (want 4): $(head -c 300 "$out/first.err")"
  ls "$out" | grep -q -e partial -e '\.lock' && fail "$name: left behind: $(ls "$out")"
  [ "$(tail -c 1 "$out/r.jsonl" | od -An -c | tr -d ' ')" = '\n' ] || [ ! -s "$out/r.jsonl" ] ||
    fail "$name: the JSONL does not end with a whole row"
  [ "$rows" -lt "$(wc -l <"$ref.jsonl")" ] || fail "$name: the run was not stopped early ($rows rows)"
  cmp -s "$out/r.jsonl" <(head -n "$rows" "$ref.jsonl") && pass "$name: the rows written are the run's first $rows" ||
    fail "$name: the rows written are not the uninterrupted run's first $rows"
  h5_check "$ref.h5" "$out/r.h5" "$rows" 0 SIGTERM 0 && pass "$name: HDF5 with $rows rows, complete=0, SIGTERM" ||
    fail "$name: the interrupted HDF5 file"
  if [ "$name" = threads ]; then
    cp "$out/r.jsonl" before && cp "$out/r.h5" before.h5
    "$@" "${args[@]}" --resume --weights 0.5,0.3,0.2 >/dev/null 2>"$out/refused.err"
    rc=$?
    [ "$rc" = 2 ] && grep -q "weights=" "$out/refused.err" && cmp -s before "$out/r.jsonl" && cmp -s before.h5 "$out/r.h5" &&
      pass "$name: --resume with other weights refused, nothing changed: $(cat "$out/refused.err")" ||
      fail "$name: --resume with other weights: exit $rc: $(cat "$out/refused.err")"
  fi
  if [ "$name" = shard ]; then
    # Killed mid-write: half of the next row follows the whole ones.
    head -n "$((rows + 1))" "$ref.jsonl" | tail -n 1 | head -c 100 >>"$out/r.jsonl"
  fi
  "$@" "${args[@]}" --resume >"$out/resume.out" 2>"$out/resume.err"
  rc=$?
  [ "$rc" = 0 ] || fail "$name: --resume: exit $rc: $(head -c 300 "$out/resume.err")"
  cmp -s "$ref.jsonl" "$out/r.jsonl" && pass "$name: --resume: JSONL byte-identical to the uninterrupted run" ||
    fail "$name: --resume: JSONL differs: $(cmp "$ref.jsonl" "$out/r.jsonl" 2>&1)"
  h5_check "$ref.h5" "$out/r.h5" "$(wc -l <"$ref.jsonl")" 1 "" "$rows" &&
    pass "$name: --resume: HDF5 /scores the same as the uninterrupted run's, complete=1, resumed=$rows" ||
    fail "$name: --resume: HDF5 file"
  ls "$out" | grep -q -e partial -e '\.lock' && fail "$name: left behind after resume: $(ls "$out")"
}

"$photoscore" --mode threads --threads 2 --quiet --jsonl ref.jsonl --h5 ref.h5 in >/dev/null 2>&1 ||
  { echo "FAIL: the uninterrupted run"; exit 1; }
"$photoscore" --mode threads --threads 2 --quiet --shard 1/2 --jsonl shardref.jsonl --h5 shardref.h5 in >/dev/null 2>&1 ||
  { echo "FAIL: the uninterrupted shard run"; exit 1; }

case_run threads ref 2 "$photoscore" --mode threads --threads 1 in
case_run shard shardref 1 "$photoscore" --mode threads --threads 1 --shard 1/2 in
case_run farm ref 2 "${mpi[@]}" "$photoscore" --layout farm --threads 1 in
case_run roles ref 2 "${mpi[@]}" "$photoscore" --layout roles --threads 1 in

# The other outputs of a resumed run hold the kept rows too: the summary's
# counts and best shots, the report's photos and the links are those of one
# uninterrupted run.
acts() {  # acts DIR ARGS...: a run writing the summary, the report and links into DIR
  local d=$1
  shift
  "$photoscore" --mode threads --threads 2 --quiet "$@" --summary-json "$d/s.json" --report "$d/r.html" \
    --link-into "$d/links" in >/dev/null 2>"$d/err"
}
mkdir whole part
acts whole --jsonl whole/w.jsonl --h5 whole/w.h5
head -n 40 ref.jsonl >part/p.jsonl
cp ref.jsonl.meta part/p.jsonl.meta
acts part --resume --jsonl part/p.jsonl --h5 part/p.h5
rc=$?
summary() { "$python" -c "import json, sys; s = json.load(open(sys.argv[1])); print(s['images'], s['counts'], s['errors'], s['best_shots'])" "$1"; }
[ "$rc" = 0 ] && [ "$(summary part/s.json)" = "$(summary whole/s.json)" ] &&
  pass "--resume: --summary-json counts 140 photos, as one run does" ||
  fail "--resume: summary $(summary part/s.json 2>&1) against $(summary whole/s.json 2>&1) (exit $rc: $(head -c 200 part/err))"
[ "$(grep -o '<li' part/r.html | wc -l)" = "$(grep -o '<li' whole/r.html | wc -l)" ] &&
  pass "--resume: the report lists every photo" || fail "--resume: the report lists $(grep -o '<li' part/r.html | wc -l) entries, one run $(grep -o '<li' whole/r.html | wc -l)"
[ "$(cd part/links && find . -type l | sort)" = "$(cd whole/links && find . -type l | sort)" ] &&
  pass "--resume: a link for every photo" || fail "--resume: links differ from one run's"

# Progress in a batch log counts the photos the resumed run scores, and ends
# at done = total.
mkdir prog
head -n 40 ref.jsonl >prog/p.jsonl
cp ref.jsonl.meta prog/p.jsonl.meta
"$photoscore" --mode threads --threads 2 --no-photos --progress 0.001 --resume --jsonl prog/p.jsonl --h5 prog/p.h5 in \
  >/dev/null 2>prog/err
last=$(grep 'progress ' prog/err | tail -n 1)
case "$last" in
  *" 100/100 photos (100.0 %)"*) pass "--resume: progress ends at 100/100 photos" ;;
  *) fail "--resume: last progress line: '$last' (want 100/100 photos)" ;;
esac

e2e_done "signal and resume checks passed"
