#!/usr/bin/env bash
# Installs what photoscore needs, builds it, and runs the main job, the MPI
# network (rank 0 reads and merges, ranks 1-3 analyze), on inputs/demo.
# Results: results/demo/photo_scores.jsonl and results/demo/photo_scores.h5.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release
cmake --build build -j"$(nproc)"
mkdir -p results/demo
# Open MPI refuses to run as root unless told; more ranks than cores need
# oversubscription on small machines.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
# --force: a second demo replaces the first one's results.
mpirun --oversubscribe -np 4 build/photoscore --force \
  --jsonl results/demo/photo_scores.jsonl --h5 results/demo/photo_scores.h5 inputs/demo
