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
bash scripts/sanitize.sh
