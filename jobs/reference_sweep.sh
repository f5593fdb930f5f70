#!/usr/bin/env bash
# The strong-scaling sweep whose plots and table are committed under
# analysis/results/: makes the workload, runs jobs/strong_scaling.sh, runs
# analysis/scaling.py and analysis/model.py, and copies the plots, scaling.md, sweep.tsv, the
# machine description and the runs' HDF5 files (enough to redraw the plots)
# into RESULTS_DIR. The runs' JSONL and logs stay in WORK_DIR.
#
#   jobs/reference_sweep.sh [RESULTS_DIR]          default analysis/results
#
# Settings (environment): COUNT photos (default 120) of MEGAPIXELS (default 4)
# made by inputs/make_workload.py from inputs/demo; CORES (default "1 2 ... nproc");
# REPEATS (default 3, the table shows the median); WORK_DIR (default
# /tmp/photoscore-reference-sweep); and jobs/sweep_common.sh's (MODES, ...).
# Needs build/photoscore (or PHOTOSCORE_BIN) and /usr/bin/python3 with h5py,
# matplotlib, numpy and Pillow.
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
RESULTS=${1:-$REPO/analysis/results}
: "${COUNT:=120}"
: "${MEGAPIXELS:=4}"
: "${CORES:=$(seq -s ' ' 1 "$(nproc)")}"
: "${WORK_DIR:=/tmp/photoscore-reference-sweep}"
export REPEATS=${REPEATS:-3}

workload=$WORK_DIR/workload-$COUNT-${MEGAPIXELS}mp
sweep=$WORK_DIR/sweep
if [ "$(find "$workload" -maxdepth 1 -name 'w[0-9]*' 2>/dev/null | wc -l)" -lt "$COUNT" ]; then
  echo "reference_sweep: making $COUNT photos of $MEGAPIXELS megapixels in $workload"
  /usr/bin/python3 "$REPO/inputs/make_workload.py" --count "$COUNT" --megapixels "$MEGAPIXELS" \
    --out "$workload" | tail -1
fi
rm -rf "$sweep"
# shellcheck disable=SC2086
bash "$REPO/jobs/strong_scaling.sh" "$workload" "$sweep" $CORES
/usr/bin/python3 "$REPO/analysis/scaling.py" "$sweep"
# The performance model on the same runs (exit 1: some point is more than 15 % off its prediction).
/usr/bin/python3 "$REPO/analysis/model.py" "$sweep" || echo "reference_sweep: the model misses some point (see above)"
mkdir -p "$RESULTS"
cp "$sweep"/*.png "$sweep"/scaling.md "$sweep"/model.md "$sweep"/sweep.tsv "$sweep"/sweep_info_strong.txt "$sweep"/*.h5 "$RESULTS"/
echo "reference_sweep: plots, table and runs in $RESULTS (JSONL and logs in $sweep)"
