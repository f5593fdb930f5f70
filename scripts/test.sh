#!/usr/bin/env bash
# Installs what photoscore needs, builds it with its tests, and runs the whole
# suite with ctest (unit, MPI, end-to-end, Slurm and analysis tests).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release
cmake --build build -j"$(nproc)"
cd build
ctest --output-on-failure -j"$(nproc)" --timeout 900
