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
# Ten seconds a decoder in CI: enough to catch a regression in what the seed
# corpus reaches; longer runs are for PHOTOSCORE_FUZZ_SECONDS by hand.
PHOTOSCORE_FUZZ_SECONDS=${PHOTOSCORE_FUZZ_SECONDS:-10} bash scripts/fuzz.sh
# The sanitized build costs several of CI's minutes on 2 cores; its slowest
# end-to-end tests (the rank-count sweep, two nodes, resume, the 421-file
# action run, batch logs, a full /dev/shm, the install check) run in the
# release build only: they exercise launchers and layouts, not new parsing.
PHOTOSCORE_SANITIZE_SKIP='^(mpi_equivalence|two_node|e2e_resume|e2e_act|e2e_batch_logs|e2e_shm_full|install_check|scaling_model|e2e_h5_.*_check)$' \
  bash scripts/sanitize.sh
