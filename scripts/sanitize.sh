#!/usr/bin/env bash
# Builds photoscore and its tests with AddressSanitizer + UndefinedBehaviorSanitizer
# in build-asan/ and runs the unit tests and the end-to-end tests of the
# binary there (thread mode, bad and hostile files, MPI layouts). Any
# sanitizer report fails the test that triggered it; leaks are looked for
# everywhere but under mpirun. The Slurm and scaling
# tests, which time runs and start a cluster, are left to the normal build.
# Usage: scripts/sanitize.sh [extra ctest arguments]
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPHOTOSCORE_SANITIZE=ON -DPHOTOSCORE_BUILD_BENCH=OFF \
  >/dev/null
cmake --build build-asan -j"$(nproc)"
# halt_on_error: one report is a failure.
export ASAN_OPTIONS=halt_on_error=1:abort_on_error=1:detect_leaks=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
# ASan reserves terabytes of address space for its shadow memory: the hostile
# test's 3 GB ulimit -v cannot apply (the release build runs it).
export PHOTOSCORE_TEST_VMEM_KB=unlimited
cd build-asan
mpi='^(mpi_|e2e_h5_mpi4|hostile_files|special_files)'
# Everything without MPI, leaks included.
ctest --output-on-failure -j"$(nproc)" --timeout 900 -E "$mpi|^(slurm_|scaling_analysis)" "$@"
# MPI runs without leak checking: Open MPI's plugins keep allocations until
# exit and are unloaded by then, so LeakSanitizer cannot even name them.
ASAN_OPTIONS=halt_on_error=1:abort_on_error=1:detect_leaks=0 \
  ctest --output-on-failure -j"$(nproc)" --timeout 900 -R "$mpi" "$@"
