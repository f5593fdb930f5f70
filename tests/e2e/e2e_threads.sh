#!/usr/bin/env bash
# End-to-end tests of the photoscore binary in thread mode.
#   e2e_threads.sh --photoscore BIN --data DIR [--version VERSION]
# DATA_DIR holds photos/, bad/, golden.jsonl and golden_color.jsonl.
source "$(dirname "$0")/common.sh"
e2e_args "e2e_threads.sh --photoscore BIN --data DIR [--version VERSION]" photoscore data -- "$@"
compare=$tools/compare_golden.py
cd "$work" || exit 1

# --- Thread counts give the same bytes ---------------------------------------
for t in 1 2 4; do
  run_photoscore "t$t" --mode threads --quiet --threads "$t" --jsonl "t$t.jsonl" --h5 "t$t.h5" "$data/photos"
  [ "$(rc "t$t")" = 0 ] || fail "--threads $t: exit $(rc "t$t"), stderr: $(head -c 500 "t$t.err")"
  [ -s "t$t.jsonl" ] || fail "--threads $t wrote no JSONL"
done
rows=$(wc -l <t1.jsonl)
[ "$rows" = 28 ] && pass "28 rows" || fail "expected 28 rows, got $rows"
for t in 2 4; do
  if cmp -s t1.jsonl "t$t.jsonl"; then pass "--threads $t JSONL identical to --threads 1"; else fail "--threads $t JSONL differs from --threads 1"; fi
done

# --- Agreement with the oracle -----------------------------------------------
check_golden() {  # NAME GOLDEN JSONL
  local out
  out=$("$python" "$compare" "$2" "$3")
  local status=$?
  echo "$1: $(echo "$out" | tail -n 1)"
  if [ $status -eq 0 ] && echo "$out" | tail -n 1 | grep -q '^agree 28/28 rows, 0 extra rows'; then
    pass "$1 agrees with the oracle"
  else
    fail "$1 disagrees with the oracle:"
    echo "$out"
  fi
}
check_golden golden "$data/golden.jsonl" t1.jsonl
run_photoscore color --mode threads --quiet --threads 2 --analyzers sharpness,exposure,composition,color \
  --jsonl color.jsonl --h5 color.h5 "$data/photos"
[ "$(rc color)" = 0 ] || fail "color run: exit $(rc color)"
check_golden golden_color "$data/golden_color.jsonl" color.jsonl

# --- Bad files: an error row each, exit 0 (1 with --fail-on-errors) ----------
run_photoscore bad --mode threads --quiet --threads 2 --jsonl bad.jsonl --h5 bad.h5 "$data/bad"
[ "$(rc bad)" = 0 ] && pass "bad/ exits 0" || fail "bad/ exit code $(rc bad), expected 0"
grep -qx "photoscore: 6 of 6 files could not be scored (an error row each); the run completed: exit status 0 (--fail-on-errors makes it 1)" \
  bad.err && pass "bad/: the error rows counted in one stderr line" || fail "bad/: no count line on stderr: $(tail -2 bad.err)"
run_photoscore bad_fail --mode threads --quiet --threads 2 --fail-on-errors --jsonl bad_fail.jsonl --h5 bad_fail.h5 "$data/bad"
[ "$(rc bad_fail)" = 1 ] && cmp -s bad.jsonl bad_fail.jsonl && pass "bad/ --fail-on-errors exits 1, same rows" ||
  fail "bad/ --fail-on-errors: exit code $(rc bad_fail), expected 1 (rows $(cmp bad.jsonl bad_fail.jsonl 2>&1))"
if "$python" - bad.jsonl <<'EOF'; then pass "bad/ gives 6 one-line error rows"; else fail "bad/ rows"; fi
import json, sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
assert lines[-1] == "", "no final newline"
rows = [json.loads(l) for l in lines[:-1]]
assert len(rows) == 6, f"{len(rows)} rows"
names = [r["filename"] for r in rows]
assert names == sorted(names), names
for r in rows:
    assert r["status"] == "error", r
    assert isinstance(r["error"], str) and r["error"] and "\n" not in r["error"], r
    assert r["quality_score"] is None and r["verdict"] is None, r
EOF
errlines=$(grep -c . bad.err)
[ "$errlines" -ge 6 ] && pass "bad/: $errlines lines on stderr" || fail "bad/: expected a stderr line per bad file, got $errlines"

# --- Unusable folders and bad options: exit 2, one line on stderr ------------
one_line_exit2() {  # NAME
  local name=$1 n
  n=$(wc -l <"$name.err")
  if [ "$(rc "$name")" != 2 ]; then
    fail "$name: exit $(rc "$name"), expected 2"
  elif [ "$n" != 1 ]; then
    fail "$name: expected one line on stderr, got $n:"
    cat "$name.err"
  else
    pass "$name: exit 2, one line: $(cat "$name.err")"
  fi
}
run_photoscore missing --mode threads --quiet --jsonl m.jsonl --h5 m.h5 "$work/no_such_folder"
one_line_exit2 missing
mkdir empty_dir
run_photoscore empty --mode threads --quiet --jsonl e.jsonl --h5 e.h5 empty_dir
one_line_exit2 empty
mkdir only_text && echo hi >only_text/notes.txt
run_photoscore no_photos --mode threads --quiet --jsonl n.jsonl --h5 n.h5 only_text
one_line_exit2 no_photos
run_photoscore bad_option --no-such-option "$data/photos"
one_line_exit2 bad_option
run_photoscore bad_mode --mode sideways "$data/photos"
[ "$(rc bad_mode)" = 2 ] && pass "--mode sideways exits 2" || fail "--mode sideways: exit $(rc bad_mode)"
run_photoscore bad_threads --threads 0 "$data/photos"
[ "$(rc bad_threads)" = 2 ] && pass "--threads 0 exits 2" || fail "--threads 0: exit $(rc bad_threads)"
run_photoscore bad_analyzer --analyzers sharpness,focus "$data/photos"
one_line_exit2 bad_analyzer
run_photoscore no_args
[ "$(rc no_args)" = 2 ] && pass "no INPUT_DIR exits 2" || fail "no INPUT_DIR: exit $(rc no_args)"

# --- Help and version --------------------------------------------------------
run_photoscore help --help
help_ok=1
[ "$(rc help)" = 0 ] || { fail "--help exit $(rc help)"; help_ok=0; }
for opt in --mode --layout --threads --jsonl --h5 --analyzers --weights --thresholds; do
  grep -q -- "$opt" help.out || { fail "--help does not mention $opt"; help_ok=0; }
done
[ $help_ok = 1 ] && pass "--help exits 0 and lists the options"
run_photoscore version --version
[ "$(rc version)" = 0 ] || fail "--version exit $(rc version)"
if [ -n "$version" ]; then
  grep -q "^photoscore $version" version.out && pass "--version: $(cat version.out)" ||
    fail "--version printed '$(cat version.out)', expected photoscore $version"
else
  grep -qE '^photoscore [0-9]+\.[0-9]+' version.out && pass "--version" || fail "--version: $(cat version.out)"
fi

e2e_done "all end-to-end checks passed"
