#!/usr/bin/env bash
# Installs what photoscore needs, builds it with its tests, and runs the whole
# suite with ctest (unit, MPI, end-to-end, hostile files, Slurm and analysis
# tests); then the decoders' fuzzers (scripts/fuzz.sh, PHOTOSCORE_FUZZ_SECONDS
# each, default 20) and the unit and end-to-end tests again under ASan + UBSan
# (scripts/sanitize.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release
cmake --build build -j"$(nproc)"
(cd build && ctest --output-on-failure -j"$(nproc)" --timeout 900)
bash scripts/fuzz.sh
# The sanitized build costs ~6 of CI's minutes on 2 cores; its two slowest
# end-to-end tests (2 minutes more, under ASan) run in the release build only.
PHOTOSCORE_SANITIZE_SKIP='^(mpi_equivalence|e2e_resume)$' bash scripts/sanitize.sh
