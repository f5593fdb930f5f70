#!/usr/bin/env bash
# The strong-scaling sweep whose plots and tables are committed under
# analysis/results/: makes the workload, runs jobs/strong_scaling.sh (REPEATS
# runs of every point, in rounds, after an untimed warm-up), analysis/scaling.py
# and analysis/model.py, and copies the plots, scaling.md, ranks.md, model.md,
# sweep.tsv, the machine's description and the runs' HDF5 files (enough to
# redraw every plot) into RESULTS_DIR, in place of the runs its sweep.tsv
# listed before. The runs' JSONL and logs stay in WORK_DIR.
#
#   jobs/reference_sweep.sh RESULTS_DIR        e.g. /tmp/ref (the committed one: analysis/results)
#
# RESULTS_DIR is required: the script writes only where it is told (and into
# WORK_DIR). Settings (environment): COUNT photos (default 120) of MEGAPIXELS
# (default 4) made by inputs/make_workload.py from inputs/demo; CORES (default
# "1 2 ... nproc"); REPEATS (default 3: the tables show the median, min and max,
# and flag a point whose repeats disagree); CEILING (default
# RESULTS_DIR/rank0_ceiling.tsv if there: rank 0's cost for analysis/model.py,
# from jobs/rank0_ceiling.sh); WORK_DIR (default /tmp/photoscore-reference-sweep);
# and jobs/sweep_common.sh's (MODES, ...). Needs build/photoscore (or
# PHOTOSCORE_BIN) and /usr/bin/python3 with h5py, matplotlib, numpy and Pillow.
#
# Exit status: 0 the sweep ran and the model validated; 1 a run failed or the
# model is off; 3 the sweep is too noisy to validate the model (analysis/model.py's
# status: the measurements disagree with each other; the results are still copied);
# 2 bad arguments.
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
if [ $# -ne 1 ] || [ "${1:0:1}" = - ]; then
  sed -n '2,11s/^# \{0,1\}//p' "$0" >&2
  exit 2
fi
RESULTS=$1
: "${COUNT:=120}"
: "${MEGAPIXELS:=4}"
: "${CORES:=$(seq -s ' ' 1 "$(nproc)")}"
: "${WORK_DIR:=/tmp/photoscore-reference-sweep}"
: "${CEILING:=$RESULTS/rank0_ceiling.tsv}"
export REPEATS=${REPEATS:-3}

workload=$WORK_DIR/workload-$COUNT-${MEGAPIXELS}mp
sweep=$WORK_DIR/sweep
if [ "$(find "$workload" -maxdepth 1 -name 'w[0-9]*' 2>/dev/null | wc -l)" -lt "$COUNT" ]; then
  echo "reference_sweep: making $COUNT photos of $MEGAPIXELS megapixels in $workload"
  /usr/bin/python3 "$REPO/inputs/make_workload.py" --count "$COUNT" --megapixels "$MEGAPIXELS" \
    --out "$workload" | tail -1
fi
rm -rf "$sweep"
status=0
# shellcheck disable=SC2086
bash "$REPO/jobs/strong_scaling.sh" "$workload" "$sweep" $CORES || status=1
/usr/bin/python3 "$REPO/analysis/scaling.py" "$sweep"
ceiling=()
[ -f "$CEILING" ] && ceiling=(--ceiling "$CEILING")
model=0
/usr/bin/python3 "$REPO/analysis/model.py" "$sweep" "${ceiling[@]}" || model=$?
case $model in
  0) ;;
  3) echo "reference_sweep: the sweep is too noisy to validate the model (see above); rerun on a quieter machine" ;;
  *) echo "reference_sweep: the model misses some point (see above)"; status=1 ;;
esac
mkdir -p "$RESULTS"
# The runs of the sweep that was there before (those its sweep.tsv lists) go: a point of another
# shape (another machine's cores, oversubscribed or not) would otherwise stay beside the new ones.
if [ -f "$RESULTS/sweep.tsv" ]; then
  awk -F'\t' 'NR > 1 && $1 ~ /^[a-z]+-[a-z]+-c[0-9]+[a-z0-9-]*\.h5$/ { print $1 }' "$RESULTS/sweep.tsv" |
    while read -r old; do rm -f "$RESULTS/$old"; done
fi
cp "$sweep"/*.png "$sweep"/scaling.md "$sweep"/ranks.md "$sweep"/model.md "$sweep"/sweep.tsv \
  "$sweep"/sweep_info_strong.txt "$sweep"/*.h5 "$RESULTS"/
echo "reference_sweep: plots, tables and runs in $RESULTS (JSONL and logs in $sweep)"
[ "$status" -ne 0 ] && exit "$status"
[ "$model" -eq 3 ] && exit 3
exit 0
