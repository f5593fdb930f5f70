#!/usr/bin/env bash
# Weak scaling: the same number of photos per core (PER_CORE), so c cores get
# PER_CORE x c photos, and ideally every run takes the same time. The photos
# are made by inputs/make_workload.py from the photos of SOURCE_DIR
# (deterministic crops and re-encodes of MEGAPIXELS megapixels): one workload
# of PER_CORE x max(CORES) photos, of which the run on c cores scores the
# first PER_CORE x c (--max-images; the workload's photo k is the same file
# whatever its size, so this is the workload of that count).
#
#   jobs/weak_scaling.sh SOURCE_DIR OUTPUT_DIR [CORES...]     default cores: 1 2 ... nproc
#   /usr/bin/python3 analysis/scaling.py OUTPUT_DIR
#
# Settings: PER_CORE (photos per core, default 8), MEGAPIXELS (default 4),
# WORKLOAD_DIR (default OUTPUT_DIR/workload; kept and reused when it already
# has enough photos), and those of jobs/sweep_common.sh (MODES, THREADS_PER_RANK,
# RANK0, REPEATS, LAUNCHER, ...). "c cores" means what it means in
# jobs/strong_scaling.sh: threads 1 x c; roles and farm c+1 ranks (rank 0 on top).
# Files are named as there (<mode>-<layout>-c<c>.h5); sweep.tsv marks them weak.
# Within one core count, every mode's JSONL must be the same bytes.
set -u
# shellcheck source=jobs/sweep_common.sh
. "$(dirname "$0")/sweep_common.sh"

sweep_args "$0" "$@"
SOURCE_DIR=$SWEEP_ARG_DIR
OUTPUT_DIR=$SWEEP_ARG_OUT
MAX=0
for c in "${CORES[@]}"; do
  [ "$c" -gt "$MAX" ] && MAX=$c
done
: "${PER_CORE:=8}"
: "${MEGAPIXELS:=4}"
WORKLOAD_DIR=${WORKLOAD_DIR:-$OUTPUT_DIR/workload}
COUNT=$((PER_CORE * MAX))
MAKE_WORKLOAD=$SWEEP_REPO/inputs/make_workload.py

sweep_init "$OUTPUT_DIR" weak
have=$(find "$WORKLOAD_DIR" -maxdepth 1 -name 'w[0-9]*' 2>/dev/null | wc -l)
if [ "$have" -lt "$COUNT" ]; then
  [ -f "$MAKE_WORKLOAD" ] || sweep_die "inputs/make_workload.py is missing: cannot make the workload"
  echo "weak scaling: making $COUNT photos of $MEGAPIXELS megapixels in $WORKLOAD_DIR"
  /usr/bin/python3 "$MAKE_WORKLOAD" --from "$SOURCE_DIR" --count "$COUNT" --megapixels "$MEGAPIXELS" \
    --out "$WORKLOAD_DIR" >"$OUTPUT_DIR/workload.log" 2>&1 ||
    sweep_die "make_workload.py failed: $(tail -3 "$OUTPUT_DIR/workload.log")"
  tail -1 "$OUTPUT_DIR/workload.log"
fi
sweep_describe_input "$WORKLOAD_DIR" "$COUNT"
echo "weak scaling: $PER_CORE photos per core of $MEGAPIXELS MP, cores ${CORES[*]}, modes $MODES," \
  "$SWEEP_NPROC cores on $(hostname)"
sweep_warmup "$WORKLOAD_DIR" --max-images "$COUNT"
# In rounds: every point once, then every point again (REPEATS rounds).
declare -A reference
for r in $(seq 1 "$REPEATS"); do
  [ "$REPEATS" -gt 1 ] && echo "round $r of $REPEATS"
  for c in "${CORES[@]}"; do
    for mode in $MODES; do
      sweep_point "$mode" "$c" "$r" "$WORKLOAD_DIR" "${reference[$c]:-}" --max-images $((PER_CORE * c))
      if [ -z "${reference[$c]:-}" ]; then
        f=$(awk -F'\t' -v c="$c" 'NR > 1 && $2 == "weak" && $5 == c && $11 <= 1 { f = $1 } END { print f }' \
          "$SWEEP_TSV")
        [ -n "$f" ] && reference[$c]="$OUTPUT_DIR/${f%.h5}.jsonl"
      fi
    done
  done
done
sweep_finish
