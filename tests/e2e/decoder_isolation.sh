#!/usr/bin/env bash
# Decoders that cannot take the job down, end to end, on files
# made here (make_hostile.py: LibRaw crashers found by its DNG mutator, an
# 8,000-deep iden chain, lying HEIF overlays, DNGs whose preview tags lie, a
# grid of grids, a tile bomb):
#  1. three good photos, two LibRaw crashers and the iden chain: photoscore
#     --decoders in-process dies of a signal on them (the premise); isolated,
#     6 rows, the 3 bad ones errors with their one-line reason, exit 0 (a
#     completed run; --fail-on-errors would make it 1), no
#     file left behind, the same bytes in thread mode, farm and roles;
#  2. a lying overlay under --max-megapixels 1 is an error; four under
#     --memory-budget 1500 peak under 2 GB, four lying DNGs under
#     --memory-budget 800 under 1.2 GB (the process tree's, helpers included:
#     peak_memory.py);
#  3. the grid of grids and three photos under ulimit -v 1500000: every row,
#     exit 0, no hang (a 60 s guard);
#  4. a decode past --decode-timeout is killed and is that photo's error; a
#     helper out of address space says so; the tile bomb is refused;
#  5. SIGTERM while a helper is stuck (stopped with SIGSTOP, as the deadlock
#     of the issue sat at 0% CPU) ends the run within seconds with exit 4 and
#     no row for the photo in flight, in thread mode and farm; --resume then
#     writes the uninterrupted run's bytes.
#
#   decoder_isolation.sh --photoscore BIN --photos DIR [--mpiexec mpirun] [--np-flag -np]
set -u

source "$(dirname "$0")/common.sh"
e2e_args "decoder_isolation.sh --photoscore BIN --photos DIR [--mpiexec mpirun] [--np-flag -np]" photoscore photos -- "$@"

# The two LibRaw crashers are mutants 711 and 2173 of make_hostile.py's
# mutator, checked to crash LibRaw there; PHOTOSCORE_SEARCH_CRASHERS=1 finds
# them again by running LibRaw on every mutant up to them (4 s more).
if [ "${PHOTOSCORE_SEARCH_CRASHERS:-0}" = 1 ]; then crashers_arg=(--raw-crashers 2); else crashers_arg=(--raw-crashers-at 711,2173); fi
"$python" "$tools/make_hostile.py" "$photos" "$work/att" "${crashers_arg[@]}" --heif-attacks --lying-dngs 4 --tile-bomb ||
  { echo "FAIL: make_hostile.py"; exit 1; }

# rows JSONL NAME=EXPECT...: each NAME's row is "ok", or an error whose
# reason contains EXPECT (re:REGEX: matches REGEX); no other rows.
rows() {
  "$python" - "$@" <<'PY'
import json, re, sys
rows = {}
for line in open(sys.argv[1], encoding="utf-8"):
    r = json.loads(line)
    rows[r["filename"]] = r
want = dict(a.split("=", 1) for a in sys.argv[2:])
problems = []
if sorted(rows) != sorted(want):
    problems.append(f"rows for {sorted(rows)}, expected {sorted(want)}")
for name, expect in want.items():
    r = rows.get(name)
    if r is None:
        continue
    if expect == "ok":
        if r["status"] != "ok":
            problems.append(f"{name}: {r['error']}, expected ok")
    elif (r["status"] != "error" or "\n" in r["error"] or
          not (re.search(expect[3:], r["error"]) if expect.startswith("re:") else expect in r["error"])):
        problems.append(f"{name}: {r['status']} {r['error']!r}, expected an error saying {expect!r}")
for p in problems:
    print("  " + p)
sys.exit(1 if problems else 0)
PY
}

no_leftovers() {  # NAME DIR: no partial or lock file left in DIR
  if ls "$2" | grep -q -e partial -e '\.lock$'; then fail "$1: $(ls "$2" | grep -e partial -e '\.lock$') left behind"; fi
}

# --- 1. Six photos, three of which crash or overflow their decoder ------------
mkdir "$work/six" "$work/out"
cp "$photos/rocket.jpg" "$photos/chelsea.png" "$photos/coffee.png" "$work/att/iden_chain.heic" "$work/six/"
cp "$work/att"/crash_*.dng "$work/six/"
crashers=$(cd "$work/six" && ls crash_*.dng)
want=(rocket.jpg=ok chelsea.png=ok coffee.png=ok iden_chain.heic="HEIF")
# Under AddressSanitizer (scripts/sanitize.sh) a segfault in LibRaw, which
# is not instrumented, is caught by ASan's handler, which reports it and
# aborts (abort_on_error=1): the helper dies of SIGABRT there.
crashed="decoder crashed: SIGSEGV in camera RAW"
[ "${PHOTOSCORE_TEST_VMEM_KB:-}" = unlimited ] && crashed="re:^decoder crashed: SIG(SEGV|ABRT) in camera RAW$"
for c in $crashers; do want+=("$c=$crashed"); done

"$photoscore" --threads 2 --quiet --decoders in-process --jsonl "$work/out/in.jsonl" --h5 "$work/out/in.h5" \
  "$work/six" >/dev/null 2>&1
rc=$?
echo "--decoders in-process: exit $rc"
[ "$rc" -ge 128 ] || fail "in process, the crashers did not crash photoscore (exit $rc): not crashers"
rm -f "$work/out"/*

run_six() {  # NAME [LAUNCHER...] -- OPTIONS...
  local name=$1
  shift
  local launcher=()
  while [ "$1" != "--" ]; do launcher+=("$1"); shift; done
  shift
  "${launcher[@]}" "$photoscore" "$@" --quiet --jsonl "$work/out/$name.jsonl" --h5 "$work/out/$name.h5" \
    "$work/six" >/dev/null 2>"$work/out/$name.err"
  local rc=$?
  echo "$name: exit $rc, $(grep -c '"status":"error"' "$work/out/$name.jsonl" 2>/dev/null) error rows"
  [ "$rc" = 0 ] || fail "$name: exit $rc, expected 0; stderr: $(tail -c 400 "$work/out/$name.err")"
  rows "$work/out/$name.jsonl" "${want[@]}" || fail "$name: rows"
  no_leftovers "$name" "$work/out"
}
run_six threads -- --threads 2
run_six farm mpi_run 3 -- --layout farm
run_six roles mpi_run 4 -- --layout roles
for layout in farm roles; do
  cmp -s "$work/out/threads.jsonl" "$work/out/$layout.jsonl" || fail "$layout JSONL differs from thread mode"
done

# --- 2. Sizes that lie ---------------------------------------------------------
mkdir "$work/overlay" "$work/overlays" "$work/dngs"
cp "$work/att/lying_overlay.heic" "$work/overlay/"
for i in 1 2 3 4; do cp "$work/att/lying_overlay.heic" "$work/overlays/o$i.heic"; done
cp "$work/att"/lying_preview_*.dng "$work/dngs/"
"$photoscore" --threads 2 --quiet --max-megapixels 1 --jsonl "$work/out/mp.jsonl" --h5 "$work/out/mp.h5" \
  "$work/overlay" >/dev/null 2>&1
rows "$work/out/mp.jsonl" lying_overlay.heic="20000x12000" || fail "the lying overlay under --max-megapixels 1"

peak() {  # NAME LIMIT_MB BUDGET_MB DIR: the tree's peak PSS under --memory-budget
  "$python" "$tools/peak_memory.py" "$photoscore" --threads 4 --quiet --memory-budget "$3" \
    --jsonl "$work/out/$1.jsonl" --h5 "$work/out/$1.h5" "$4" >/dev/null 2>"$work/out/$1.err"
  local mb
  mb=$(grep -o 'peak_pss_mb=[0-9]*' "$work/out/$1.err" | cut -d= -f2)
  echo "$1 under --memory-budget $3: peak $mb MB ($(grep -c '"status":"error"' "$work/out/$1.jsonl") error rows)"
  [ -n "$mb" ] && [ "$mb" -lt "$2" ] || fail "$1: peak ${mb:-?} MB, expected under $2 MB"
}
peak overlays 2048 1500 "$work/overlays"
peak dngs 1229 800 "$work/dngs"

# --- 3. The grid of grids in a 1.5 GB address space ------------------------------
# (AddressSanitizer reserves terabytes of address space: scripts/sanitize.sh
# sets PHOTOSCORE_TEST_VMEM_KB=unlimited, and no decoder helper there has an
# address-space limit either.)
limit_kb=${PHOTOSCORE_TEST_VMEM_KB:-1500000}
mkdir "$work/nested"
cp "$work/att/nested_grid.heic" "$photos/rocket.jpg" "$photos/chelsea.png" "$photos/coffee.png" "$work/nested/"
start=$SECONDS
(ulimit -v "$limit_kb" && timeout 60 "$photoscore" --threads 2 --quiet --jsonl "$work/out/nested.jsonl" \
  --h5 "$work/out/nested.h5" "$work/nested") >/dev/null 2>&1
rc=$?
echo "nested grid under ulimit -v $limit_kb: exit $rc in $((SECONDS - start)) s"
[ "$rc" = 0 ] || fail "nested grid: exit $rc, expected 0 (124: it hung)"
rows "$work/out/nested.jsonl" nested_grid.heic="HEIF" rocket.jpg=ok chelsea.png=ok coffee.png=ok ||
  fail "nested grid rows"

# --- 4. Deadline, address space, tiles -------------------------------------------
mkdir "$work/slow" "$work/small" "$work/tiles"
cp "$work/att/lying_overlay_max.heic" "$work/slow/"
"$photoscore" --threads 1 --quiet --memory-budget 0 --decode-timeout 1 --jsonl "$work/out/slow.jsonl" \
  --h5 "$work/out/slow.h5" "$work/slow" >/dev/null 2>&1
rows "$work/out/slow.jsonl" lying_overlay_max.heic="decoder exceeded 1 s in HEIF" || fail "--decode-timeout 1"
"$python" "$tools/make_dng.py" "$photos/coffee.png" "$work/small/coffee.dng" --preview thumb
mpi_run 2 "$photoscore" --layout farm --quiet --memory-budget 4 --jsonl "$work/out/small.jsonl" \
  --h5 "$work/out/small.h5" "$work/small" >/dev/null 2>&1
if [ "$limit_kb" = unlimited ]; then
  rows "$work/out/small.jsonl" coffee.dng=ok || fail "a demosaic in a helper without a limit"
else
  rows "$work/out/small.jsonl" coffee.dng="decoder ran out of memory (limit 4 MB) in camera RAW" ||
    fail "a demosaic in a 4 MB helper"
fi
cp "$work/att/tile_bomb.dng" "$work/tiles/"
"$photoscore" --quiet --jsonl "$work/out/tiles.jsonl" --h5 "$work/out/tiles.h5" "$work/tiles" >/dev/null 2>&1
rows "$work/out/tiles.jsonl" tile_bomb.dng="262144 tiles" || fail "the tile bomb"

# --- 5. SIGTERM while a helper is stuck --------------------------------------------
# First in the folder, a 3 MP DNG to demosaic: a second or more in its helper, long
# enough to find the helper and stop it mid-photo.
mkdir "$work/stuck"
"$python" - "$tools" "$photos/astronaut.png" "$work/stuck/a_slow.dng" <<'PY'
import sys
sys.path.insert(0, sys.argv[1])
import make_dng
from PIL import Image
photo = Image.open(sys.argv[2]).convert("RGB").resize((2000, 1500))
open(sys.argv[3], "wb").write(make_dng.dng_bytes(photo, "thumb"))
PY
cp "$photos/rocket.jpg" "$photos/chelsea.png" "$work/stuck/"
"$photoscore" --threads 1 --quiet --jsonl "$work/out/whole.jsonl" --h5 "$work/out/whole.h5" "$work/stuck" \
  >/dev/null 2>&1
# below PID KIND: the processes below PID, however deep (mpirun, ranks), that
# are decoder helpers (KIND helper) or photoscore ranks (KIND rank; a helper,
# started as /proc/self/exe, is named exe), from one look at the process table.
below() {
  ps -e -o pid=,ppid=,comm=,args= | awk -v root="$1" -v kind="$2" '
    { pid[NR] = $1; parent[NR] = $2; name[NR] = $3; helper[NR] = index($0, "--internal-decoder-helper") > 0 }
    END {
      inside[root] = 1
      do {
        grew = 0
        for (i = 1; i <= NR; i++) if ((parent[i] in inside) && !(pid[i] in inside)) { inside[pid[i]] = 1; grew = 1 }
      } while (grew)
      for (i = 1; i <= NR; i++) {
        if (pid[i] == root || !(pid[i] in inside)) continue
        if (kind == "helper" ? helper[i] : (name[i] == "photoscore" && !helper[i])) print pid[i]
      }
    }'
}
helpers_of() { below "$1" helper; }
ranks_of() { below "$1" rank; }
stuck() {  # NAME [LAUNCHER...] -- OPTIONS...
  local name=$1
  shift
  local launcher=()
  while [ "$1" != "--" ]; do launcher+=("$1"); shift; done
  shift
  rm -f "$work/out/$name".*
  # The helpers are stopped as soon as they start, so the first photo's
  # decode waits on them for ever; --memory-budget 0: no header probe first.
  "${launcher[@]}" "$photoscore" "$@" --quiet --memory-budget 0 --decode-timeout 600 \
    --jsonl "$work/out/$name.jsonl" --h5 "$work/out/$name.h5" "$work/stuck" >/dev/null 2>"$work/out/$name.err" &
  local pid=$! stopped="" i
  for i in $(seq 200); do
    stopped=$(helpers_of "$pid")
    [ -n "$stopped" ] && break
    sleep 0.05
  done
  [ -n "$stopped" ] || { fail "$name: no decoder helper started"; kill -9 "$pid"; wait "$pid"; return; }
  # Every helper that appears for the next half second is stopped too (the
  # decoder after the witness; another rank's): once the first photo's is
  # stopped, nothing after it can be written anyway.
  for i in $(seq 8); do
    stopped=$(echo $stopped $(helpers_of "$pid") | tr ' ' '\n' | sort -u)
    kill -STOP $stopped 2>/dev/null
    sleep 0.05
  done
  local start=$SECONDS
  if [ ${#launcher[@]} -gt 0 ]; then
    # Every rank gets it, as srun and scancel deliver it (e2e_resume.sh).
    kill -TERM $(ranks_of "$pid")
  else
    kill -TERM "$pid"
  fi
  local waited=0
  while kill -0 "$pid" 2>/dev/null && [ "$waited" -lt 300 ]; do sleep 0.1; waited=$((waited + 1)); done
  if kill -0 "$pid" 2>/dev/null; then
    fail "$name: still running 30 s after SIGTERM"
    kill -9 "$pid"
  fi
  wait "$pid"
  local rc=$?
  echo "$name: SIGTERM with a stopped helper: exit $rc after $((SECONDS - start)) s, $(wc -l <"$work/out/$name.jsonl") rows"
  [ "$rc" = 4 ] || tail -n 5 "$work/out/$name.err"
  kill -9 $stopped 2>/dev/null
  [ "$rc" = 4 ] || fail "$name: exit $rc after SIGTERM, expected 4"
  [ "$(wc -l <"$work/out/$name.jsonl")" = 0 ] || fail "$name: the photo in flight got a row: $(head -c 300 "$work/out/$name.jsonl")"
  no_leftovers "$name" "$work/out"
  "${launcher[@]}" "$photoscore" "$@" --quiet --resume --jsonl "$work/out/$name.jsonl" --h5 "$work/out/$name.h5" \
    "$work/stuck" >/dev/null 2>&1
  rc=$?
  [ "$rc" = 0 ] || fail "$name --resume: exit $rc"
  cmp -s "$work/out/whole.jsonl" "$work/out/$name.jsonl" || fail "$name --resume: not the uninterrupted run's bytes"
}
stuck threads_stuck -- --threads 1
stuck farm_stuck mpi_run 2 -- --layout farm --threads 1
stuck roles_stuck mpi_run 4 -- --layout roles --threads 1

e2e_done "all decoder isolation checks passed"
