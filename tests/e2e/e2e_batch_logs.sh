#!/usr/bin/env bash
# Batch-friendly logs and endings.
# 1. `mpirun -np 4 photoscore inputs/demo > log 2>&1` leaves no escape code,
#    no emoji or box drawing and no carriage return in the log, though Open
#    MPI gives rank 0 a pseudo-terminal and the locale is UTF-8: the
#    dashboard is plain ASCII and progress comes as plain lines. With
#    --color always the same run is coloured (the option reaches through).
# 2. On a person's terminal (a pty from script(1)), thread mode: colour,
#    emoji and the progress line redrawn in place by default; no escape code
#    with NO_COLOR, TERM=dumb or --color never; pure ASCII with --plain.
# 3. A run that scored every photo it was given, one a truncated JPEG,
#    exits 0 under mpirun (roles and farm) with one error row, one stderr
#    line counting it, "1 error" in the summary, /run errors = 1, and
#    nothing from mpirun about a non-zero status; --fail-on-errors exits 1
#    with the same rows, and mpirun names rank 0 as the process that did.
#
#   e2e_batch_logs.sh --photoscore BIN --mpiexec mpirun --data DIR --demo DIR
source "$(dirname "$0")/common.sh"
e2e_args "e2e_batch_logs.sh --photoscore BIN --mpiexec mpirun --data DIR --demo DIR" photoscore data demo -- "$@"
# What the shell a job is submitted from usually has: a UTF-8 locale and a
# colour terminal type. Without the fix, these give emoji and colour.
export LANG=C.UTF-8 TERM=xterm-256color
unset NO_COLOR LC_ALL LC_CTYPE
cd "$work" || exit 1

mpi_launch mpi 4
esc=$'\e'
count() { grep -c -- "$1" "$2"; }                       # lines of FILE holding TEXT
not_ascii() { LC_ALL=C grep -c $'[^\t -~]' "$1"; }      # lines with a byte outside printable ASCII and tab

# --- 1. mpirun into a batch log ---------------------------------------------------
if mpi_run 1 sh -c 'test -t 1' >/dev/null 2>&1; then
  echo "note: mpirun gives its ranks a terminal here (isatty is true in a batch log): the case under test"
fi
"${mpi[@]}" "$photoscore" --progress 0.01 --jsonl demo.jsonl --h5 demo.h5 "$demo" >log 2>&1
rc=$?
[ "$rc" -eq 0 ] && pass "mpirun -np 4 photoscore demo > log 2>&1: exit 0" || fail "demo under mpirun: exit $rc"
n=$(count "$esc\[" log)
[ "$n" -eq 0 ] && pass "no escape code in the log (grep -c \$'\\e\\[' log is 0)" || fail "$n lines with escape codes"
n=$(not_ascii log)
[ "$n" -eq 0 ] && pass "the log is plain ASCII: no emoji, box drawing or carriage return" ||
  fail "$n lines outside printable ASCII: $(LC_ALL=C grep -m1 $'[^\t -~]' log | cat -A | head -c 200)"
[ "$(count ' score: ' log)" -eq "$(wc -l <demo.jsonl)" ] && pass "a dashboard block per photo" ||
  fail "$(count ' score: ' log) dashboard blocks for $(wc -l <demo.jsonl) photos"
[ "$(count '^photoscore: progress ' log)" -ge 1 ] && pass "progress as plain lines ($(count '^photoscore: progress ' log))" ||
  fail "no plain progress line in the log"

"${mpi[@]}" "$photoscore" --color always --jsonl demo2.jsonl --h5 demo2.h5 "$demo" >log2 2>&1
n=$(count "$esc\[3[123]m" log2)
[ "$n" -eq "$(cat demo2.jsonl 2>/dev/null | wc -l)" ] && [ "$n" -gt 0 ] && grep -q $'\xf0\x9f\x93\xb8' log2 &&
  pass "--color always under mpirun: a coloured verdict per photo and emoji" ||
  fail "--color always under mpirun: $n coloured verdicts"

# --- 2. a person's terminal ----------------------------------------------------
# pty NAME [VAR=VALUE...] -- ARGS: photoscore in thread mode on a pty, its
# stdout and stderr both, into NAME.pty.
pty() {
  local name=$1 vars=()
  shift
  while [ "$1" != -- ]; do
    vars+=("$1")
    shift
  done
  shift
  local command
  command=$(printf '%q ' env "${vars[@]}" "$photoscore" --mode threads --threads 2 --progress 0.01 "$@" \
    --jsonl "$name.jsonl" --h5 "$name.h5" "$data/photos")
  script -qec "$command" /dev/null </dev/null >"$name.pty" 2>&1
}
pty auto --
pty nocolor NO_COLOR=1 --
pty dumb TERM=dumb --
pty never -- --color never
pty plain -- --plain
emoji=$'\xf0\x9f\x93\xb8'
has() { grep -q -- "$1" "$2.pty"; }
if has "$esc\[3[123]m" auto && has "$emoji" auto && has $'\r[0-9,]*/[0-9,]* photos (' auto &&
  ! has '^photoscore: progress' auto; then
  pass "terminal: colour, emoji, the progress line redrawn in place"
else
  fail "terminal: no colour, emoji or progress line: $(head -c 300 auto.pty | cat -A)"
fi
for run in nocolor dumb never; do
  if ! has "$esc" "$run" && has "$emoji" "$run" && has $'\r[0-9,]*/[0-9,]* photos (' "$run"; then
    pass "terminal, $run: no escape code; emoji and the redrawn progress line stay"
  else
    fail "terminal, $run: $(count "$esc" "$run.pty") lines with escape codes"
  fi
done
n=$(LC_ALL=C grep -c $'[^\t\r -~]' plain.pty)
if [ "$n" -eq 0 ] && ! has "$esc" plain; then
  pass "terminal, --plain: plain ASCII"
else
  fail "terminal, --plain: $n lines outside ASCII"
fi

# --- 3. one truncated JPEG among the photos -------------------------------------
mkdir photos
cp "$demo"/*.png "$demo"/*.jpg photos/ 2>/dev/null
cp "$data/bad/truncated.jpg" photos/
files=$(ls photos | wc -l)
h5errors() { "$python" -c 'import sys, h5py; print(h5py.File(sys.argv[1], "r")["run"].attrs["errors"])' "$1"; }
for layout in roles farm; do
  "${mpi[@]}" "$photoscore" --layout "$layout" --jsonl "$layout.jsonl" --h5 "$layout.h5" photos >"$layout.log" 2>&1
  rc=$?
  errors=$(grep -c '"status":"error"' "$layout.jsonl")
  what="mpirun -np 4 --layout $layout, $files files, one truncated"
  if [ "$rc" -eq 0 ] && [ "$errors" -eq 1 ] && [ "$(wc -l <"$layout.jsonl")" -eq "$files" ]; then
    pass "$what: exit 0, one error row"
  else
    fail "$what: exit $rc, $errors error rows"
  fi
  line="photoscore: 1 of $files files could not be scored (an error row each); the run completed: exit status 0"
  [ "$(count "could not be scored" "$layout.log")" -eq 1 ] && grep -q "^$line" "$layout.log" &&
    pass "$what: one stderr line counts it" || fail "$what: no count line: $(grep 'could not' "$layout.log")"
  grep -q "^$files photos: .*, 1 error$" "$layout.log" && [ "$(h5errors "$layout.h5")" = 1 ] &&
    pass "$what: the summary and /run errors say 1" || fail "$what: summary or /run errors"
  grep -qi -e "non-zero" -e "aborted" "$layout.log" && fail "$what: mpirun complained: $(grep -i -m1 non-zero "$layout.log")" ||
    pass "$what: nothing from mpirun about the status"
done
"${mpi[@]}" "$photoscore" --fail-on-errors --jsonl fail.jsonl --h5 fail.h5 photos >fail.log 2>&1
rc=$?
if [ "$rc" -eq 1 ] && cmp -s roles.jsonl fail.jsonl && grep -q "exit status 1 (--fail-on-errors)" fail.log &&
  grep -qE "Process name: \[\[[0-9]+,1\],0\]" fail.log; then
  pass "--fail-on-errors: exit 1, the same rows, rank 0 the one process to exit 1"
else
  fail "--fail-on-errors: exit $rc: $(grep -A3 'first process' fail.log | tr '\n' ' ')"
fi

e2e_done "all batch-log checks passed"
