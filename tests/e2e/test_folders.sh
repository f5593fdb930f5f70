#!/usr/bin/env bash
# The folders of src/ depend one way, checked two ways:
#   test_folders.sh --repo DIR --build DIR --cxx CXX
# 1. tests/tools/check_folders.py passes on src/, and fails on a copy of src/ where
#    output/ includes a header of run/ (a folder above it) or where a file
#    outside comm/ includes <mpi.h>.
# 2. The build's include roots: a file compiled with output's include roots
#    (and those of what output links) cannot see run/'s headers.
source "$(dirname "$0")/common.sh"
e2e_args "test_folders.sh --repo DIR --build DIR --cxx CXX" repo build cxx -- "$@"
src=$repo/src

if "$python" "$tools/check_folders.py" "$src"; then pass "src/ depends one way"; else fail "src/ has a wrong-way include"; fi

cp -r "$src" "$work/wrong"
echo '#include "run/job_settings.hpp"' >>"$work/wrong/output/row_sink.hpp"
if "$python" "$tools/check_folders.py" "$work/wrong" >"$work/wrong.out"; then
  fail "output/ including run/ was not caught"
else
  grep -q "output/row_sink.hpp" "$work/wrong.out" && pass "output/ including run/ is caught and named" ||
    fail "the wrong-way include was caught but not named: $(cat "$work/wrong.out")"
fi

rm -rf "$work/wrong" && cp -r "$src" "$work/wrong"
echo '#include <mpi.h>' >>"$work/wrong/run/ordered_writer.cpp"
if "$python" "$tools/check_folders.py" "$work/wrong" >/dev/null; then
  fail "<mpi.h> in run/ was not caught"
else
  pass "<mpi.h> outside comm/ is caught"
fi

# What photoscore_output compiles with: its own root and those it links.
roots=()
for f in output record analysis image; do roots+=(-I "$build/include/$f"); done
printf '#include "record/run_info.hpp"\n' >"$work/down.cpp"
printf '#include "run/job_settings.hpp"\n' >"$work/up.cpp"
if "$cxx" -std=c++20 -fsyntax-only "${roots[@]}" "$work/down.cpp" 2>"$work/down.err"; then
  pass "output's include roots reach record/ (below it)"
else
  fail "output's include roots do not reach record/: $(head -c 300 "$work/down.err")"
fi
if "$cxx" -std=c++20 -fsyntax-only "${roots[@]}" "$work/up.cpp" 2>"$work/up.err"; then
  fail "a file with output's include roots compiled an include of run/"
else
  grep -q "run/job_settings.hpp" "$work/up.err" && pass "an include of run/ from output fails to compile" ||
    fail "unexpected compiler error: $(head -c 300 "$work/up.err")"
fi

e2e_done "all folder checks passed"
