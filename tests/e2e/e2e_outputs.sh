#!/usr/bin/env bash
# Outputs never destroy anything, in thread mode:
#  - a photo named as an output (in the folder, or a hard link to one
#    outside it), /dev/null, or one output named twice: exit 2, one line,
#    and the file is as it was;
#  - existing results are kept unless --force (or --resume) says otherwise,
#    and a job that fails before writing leaves them as they were;
#  - a second job on the same outputs while the first runs stops with a
#    clear message (the lock NAME.lock), and the first is unharmed.
#   e2e_outputs.sh --photoscore BIN --photos DIR
source "$(dirname "$0")/common.sh"
e2e_args "e2e_outputs.sh --photoscore BIN --photos DIR" photoscore photos -- "$@"
first=""
e2e_cleanup() { [ -n "$first" ] && kill "$first" 2>/dev/null; }
cd "$work" || exit 1

mkdir in out
cp "$photos/rocket.jpg" "$photos/camera.png" "$photos/coffee.png" in/
cp in/rocket.jpg rocket.orig
ln in/camera.png linked.h5 # a hard link to a photo, outside the folder

# refused WHAT ARGS...: exit 2 and one line on stderr.
refused() {
  local what=$1
  shift
  "$photoscore" --mode threads --quiet "$@" >run.out 2>run.err
  local rc=$?
  if [ "$rc" = 2 ] && [ "$(wc -l <run.err)" = 1 ]; then
    pass "$what: exit 2: $(cat run.err)"
  else
    fail "$what: exit $rc, $(wc -l <run.err) lines (want 2, 1): $(head -c 300 run.err)"
  fi
}

refused "a photo as --jsonl" --jsonl in/rocket.jpg --h5 out/a.h5 in
cmp -s in/rocket.jpg rocket.orig && pass "the photo is unchanged" || fail "the photo named as --jsonl changed"
refused "a hard link to a photo being scored as --h5" --jsonl out/a.jsonl --h5 linked.h5 --force in
cmp -s in/camera.png "$photos/camera.png" && pass "the linked photo is unchanged" || fail "the linked photo changed"
refused "a new photo name in the input folder as --h5" --jsonl out/a.jsonl --h5 in/new.jpg in
[ -e in/new.jpg ] && fail "in/new.jpg was made" || pass "in/new.jpg was not made"
refused "/dev/null as --h5" --jsonl out/a.jsonl --h5 /dev/null --force in
[ -c /dev/null ] && pass "/dev/null is still a character device" || fail "/dev/null is no longer a device"
refused "a folder as --jsonl" --jsonl out --h5 out/a.h5 in
refused "--jsonl X --h5 X" --jsonl out/same --h5 out/same in
refused "--jsonl X --csv ./X" --jsonl out/same.jsonl --h5 out/a.h5 --csv out/../out/same.jsonl in
refused "a photo as --summary-json" --jsonl out/a.jsonl --h5 out/a.h5 --summary-json in/rocket.jpg in
refused "a hard link to a photo as --report" --jsonl out/a.jsonl --h5 out/a.h5 --report linked.h5 --force in
cmp -s in/rocket.jpg rocket.orig && cmp -s in/camera.png "$photos/camera.png" &&
  pass "the photos named as --summary-json and --report are unchanged" || fail "a photo named as an output changed"
echo "my notes" >notes.txt
refused "an existing file as --report without --force" --jsonl out/a.jsonl --h5 out/a.h5 --report notes.txt in
[ "$(cat notes.txt)" = "my notes" ] && pass "the existing file is unchanged" || fail "notes.txt was overwritten"
[ -z "$(ls out)" ] && pass "nothing was written by refused runs" || fail "refused runs wrote: $(ls out)"

# Existing results.
"$photoscore" --mode threads --quiet --jsonl out/r.jsonl --h5 out/r.h5 in >/dev/null 2>&1
rc=$?
[ "$rc" = 0 ] && [ -s out/r.jsonl ] && [ -s out/r.h5 ] && pass "first run: exit 0" || fail "first run: exit $rc"
cp out/r.jsonl r.jsonl.orig && cp out/r.h5 r.h5.orig
refused "a rerun without --force" --jsonl out/r.jsonl --h5 out/r.h5 in
grep -q "already exists.*--force" run.err || fail "the refusal does not mention --force: $(cat run.err)"
cmp -s out/r.jsonl r.jsonl.orig && cmp -s out/r.h5 r.h5.orig && pass "old results unchanged" ||
  fail "a refused rerun changed the old results"
refused "a rerun with only a new --h5" --jsonl out/r.jsonl --h5 out/other.h5 in
cmp -s out/r.jsonl r.jsonl.orig && pass "old JSONL unchanged" || fail "the old JSONL changed"
# Fails (exit 3) before writing: its CSV cannot be made. The old files stay.
"$photoscore" --mode threads --quiet --force --jsonl out/r.jsonl --h5 out/r.h5 --csv out/no/such/r.csv in \
  >/dev/null 2>run.err
rc=$?
[ "$rc" = 3 ] && cmp -s out/r.jsonl r.jsonl.orig && cmp -s out/r.h5 r.h5.orig &&
  pass "a --force run failing before it writes (exit 3) left the old results as they were" ||
  fail "failed --force run: exit $rc (want 3), JSONL $(cmp out/r.jsonl r.jsonl.orig 2>&1) $(cat run.err)"
"$photoscore" --mode threads --quiet --force --jsonl out/r.jsonl --h5 out/r.h5 in >/dev/null 2>&1
rc=$?
[ "$rc" = 0 ] && cmp -s out/r.jsonl r.jsonl.orig && pass "--force replaces them (exit 0, same rows)" ||
  fail "--force rerun: exit $rc"
ls out | grep -q -e partial -e lock && fail "left behind: $(ls out)" || pass "no partial or lock file left"

# A second job on the same outputs while the first runs.
mkdir slow
for i in $(seq -w 1 60); do cp "$photos/astronaut_2048.jpg" "slow/p$i.jpg"; done
"$photoscore" --mode threads --threads 1 --quiet --jsonl out/s.jsonl --h5 out/s.h5 slow >first.out 2>first.err &
first=$!
for _ in $(seq 1 100); do [ -s out/s.jsonl ] && break; sleep 0.05; done
if ! kill -0 "$first" 2>/dev/null; then
  fail "the first job ended before a second could be started"
else
  "$photoscore" --mode threads --quiet --force --jsonl out/s.jsonl --h5 out/s2.h5 slow >second.out 2>second.err
  rc=$?
  [ "$rc" = 2 ] && [ "$(wc -l <second.err)" = 1 ] && grep -q "another photoscore job (pid $first " second.err &&
    pass "second job on the same JSONL: exit 2: $(cat second.err)" ||
    fail "second job: exit $rc: $(cat second.err)"
  [ -e out/s2.h5 ] && fail "the second job wrote its HDF5"
fi
wait "$first"
rc=$?
first=""
[ "$rc" = 0 ] && [ "$(wc -l <out/s.jsonl)" = 60 ] && pass "the first job finished unharmed: 60 rows" ||
  fail "first job: exit $rc, $(wc -l <out/s.jsonl) rows, $(cat first.err)"
ls out | grep -q -e partial -e lock && fail "left behind: $(ls out)" || pass "no partial or lock file left"

e2e_done "output checks passed"
