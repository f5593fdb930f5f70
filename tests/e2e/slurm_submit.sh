#!/usr/bin/env bash
# End-to-end test of photoscore under Slurm, on a single-node cluster on this
# machine (slurm/local-cluster.sh):
#   - slurm/photoscore.sbatch with 4 ranks (srun --mpi=pmix, roles layout), with 3 ranks
#     through mpirun (farm layout), and with 1 task of 2 CPUs (thread mode);
#   - slurm/photoscore-array.sbatch as a 3-task array, merged by a job that
#     depends on it (slurm/merge_shards.py);
#   - slurm/photoscore.sbatch with 4 ranks (mpirun) over the photos and one
#     truncated JPEG: Slurm marks it COMPLETED, with one error row, and its
#     log holds no escape code (Open MPI gives rank 0 a pseudo-terminal);
# each job's photo_scores.jsonl must be byte-identical to thread mode's outside
# Slurm, and (once photoscore writes HDF5) its .h5 must record the job id.
#
#   tests/e2e/slurm_submit.sh --photoscore BIN --repo DIR
#
# The cluster: started if it is not running, and then stopped again at the end;
# left alone (running) if it was already running, or when KEEP_CLUSTER=1.
# Fails (never skips) where Slurm or munge is not installed or not root.
# Each job may take SLURM_TEST_TIMEOUT seconds (default 300) in all.
# shellcheck source=tests/e2e/slurm_common.sh
. "$(dirname "$0")/slurm_common.sh"

require_local_slurm
was_running=no
"$CLUSTER" status >/dev/null 2>&1 && was_running=yes
e2e_cleanup() {
  if [ "$was_running" = no ] && [ "${KEEP_CLUSTER:-0}" != 1 ]; then
    "$CLUSTER" stop >/dev/null 2>&1 || true
  fi
}

if ! "$CLUSTER" start; then
  echo "FAIL: slurm/local-cluster.sh start"
  tail -20 /var/log/slurm/slurmctld.log /var/log/slurm/slurmd.log 2>/dev/null
  exit 1
fi
check "local-cluster.sh start is idempotent" "$CLUSTER" start
check "local-cluster.sh status" "$CLUSTER" status

photos=$(photos_dir)
cd "$work" || exit 1
"$BIN" --mode threads -q --jsonl ref.jsonl --h5 ref.h5 "$photos" >ref.out 2>&1
check "thread-mode reference run outside Slurm" test -s ref.jsonl
h5=no
writes_h5 ref.h5 && h5=yes
[ "$h5" = yes ] || echo "note: photoscore writes no HDF5 yet: the job-id checks are skipped"

# wait_job ID: until no task of the job (or array) is pending or running.
wait_job() {
  local id=$1 deadline=$((SECONDS + TIMEOUT))
  while [ -n "$(squeue -h -j "$id" 2>/dev/null)" ]; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "job $id still queued or running after ${TIMEOUT}s:"
      squeue
      scancel "$id"
      return 1
    fi
    sleep 1
  done
}

# job_ok ID: every record of the job (every array task) COMPLETED with exit code 0.
job_ok() {
  local states
  states=$(scontrol -o show job "$1" 2>/dev/null | grep -o 'JobState=[A-Z_]* .*ExitCode=[0-9:]*' |
    sed 's/JobState=\([A-Z_]*\) .*ExitCode=\([0-9:]*\)/\1 \2/' | sort -u)
  [ "$states" = "COMPLETED 0:0" ] || {
    echo "job $1: ${states:-no record}"
    return 1
  }
}

submit() {  # submit NAME [sbatch options] SCRIPT ARGS...: job id on stdout
  local name=$1
  shift
  sbatch --parsable --chdir="$work" "$@" | cut -d';' -f1
}

same_jsonl() { cmp -s ref.jsonl "$1"; }

# --- the job script: MPI through srun, MPI through mpirun, thread mode ---------
jobA=$(submit A --ntasks=4 "$REPO/slurm/photoscore.sbatch" "$photos" "$work/outA")
jobB=$(PHOTOSCORE_LAUNCHER=mpirun submit B --ntasks=3 "$REPO/slurm/photoscore.sbatch" "$photos" "$work/outB" \
  --layout farm)
jobC=$(submit C --ntasks=1 --cpus-per-task=2 "$REPO/slurm/photoscore.sbatch" "$photos" "$work/outC")
# --- the array and its merge ------------------------------------------------
jobD=$(submit D --array=0-2 "$REPO/slurm/photoscore-array.sbatch" "$photos" "$work/outD")
jobM=$(submit M --dependency=afterok:"$jobD" --output="$work/merge-%j.out" \
  --wrap "$PY $REPO/slurm/merge_shards.py $work/outD")
# --- a truncated JPEG among the photos: the run completed ---------------------
mkdir -p "$work/with_bad"
find "$photos" -maxdepth 1 -type f \( -iname '*.png' -o -iname '*.jp*g' \) -exec cp {} "$work/with_bad/" \;
cp "$REPO/tests/data/bad/truncated.jpg" "$work/with_bad/"
jobE=$(PHOTOSCORE_LAUNCHER=mpirun submit E --ntasks=4 "$REPO/slurm/photoscore.sbatch" "$work/with_bad" "$work/outE")
echo "submitted: A=$jobA (4 ranks, srun) B=$jobB (3 ranks, mpirun, farm) C=$jobC (threads)" \
  "D=$jobD (array 0-2) M=$jobM (merge) E=$jobE (4 ranks, mpirun, a truncated JPEG)"

for spec in "A $jobA outA 4 mpi roles" "B $jobB outB 3 mpi farm" "C $jobC outC 1 threads threads"; do
  read -r name id out ranks mode layout <<<"$spec"
  if ! wait_job "$id"; then
    fail "job $name ($id) did not finish in ${TIMEOUT}s"
    continue
  fi
  check "job $name ($id) completed, exit 0" job_ok "$id"
  check "job $name log photoscore-$id.out" test -s "$work/photoscore-$id.out"
  check "job $name ($ranks rank(s), $mode $layout): JSONL byte-identical to thread mode's" \
    same_jsonl "$work/$out/photo_scores.jsonl"
  if [ "$h5" = yes ]; then
    check "job $name: HDF5 records slurm_job_id $id" test "$(h5attr "$out/photo_scores.h5" slurm_job_id)" = "$id"
    check "job $name: HDF5 says $ranks rank(s), mode $mode, layout $layout" test \
      "$(h5attr "$out/photo_scores.h5" ranks) $(h5attr "$out/photo_scores.h5" mode) $(h5attr "$out/photo_scores.h5" layout)" \
      = "$ranks $mode $layout"
  fi
done
if ! grep -q "srun --mpi=pmix" "$work/photoscore-$jobA.out" 2>/dev/null ||
  ! grep -q "^photoscore.sbatch: mpirun" "$work/photoscore-$jobB.out" 2>/dev/null; then
  fail "jobs A and B used srun --mpi=pmix and mpirun"
else
  pass "jobs A and B used srun --mpi=pmix and mpirun"
fi

if wait_job "$jobE"; then
  check "job E ($jobE), one truncated JPEG: COMPLETED, exit 0" job_ok "$jobE"
  check "job E: one error row among $(ls "$work/with_bad" | wc -l) rows" test \
    "$(grep -c '"status":"error"' outE/photo_scores.jsonl 2>/dev/null) $(wc -l <outE/photo_scores.jsonl)" = \
    "1 $(ls "$work/with_bad" | wc -l)"
  check "job E: the log counts it in one line" grep -q "^photoscore: 1 of .* could not be scored" "$work/photoscore-$jobE.out"
  check "job E: no escape code in the log" test "$(grep -c $'\e' "$work/photoscore-$jobE.out")" = 0
else
  fail "job E ($jobE) did not finish in ${TIMEOUT}s"
fi

if wait_job "$jobD" && wait_job "$jobM"; then
  check "array job D ($jobD): every task completed" job_ok "$jobD"
  check "merge job M ($jobM) ran after the array and completed" job_ok "$jobM"
  check "array: shard files shard-{0,1,2}-of-3.jsonl" test -s outD/shard-0-of-3.jsonl -a -s outD/shard-1-of-3.jsonl \
    -a -s outD/shard-2-of-3.jsonl
  check "array: merged JSONL byte-identical to thread mode's" same_jsonl outD/photo_scores.jsonl
  if [ "$h5" = yes ]; then
    check "array: each shard's HDF5 records its task (${jobD}_I)" test \
      "$(h5attr outD/shard-0-of-3.h5 slurm_job_id) $(h5attr outD/shard-2-of-3.h5 slurm_job_id)" = "${jobD}_0 ${jobD}_2"
    check "array: merged HDF5 records the array job id and the rows" test \
      "$(h5attr outD/photo_scores.h5 slurm_job_id) $(h5attr outD/photo_scores.h5 images)" = "$jobD $(wc -l <ref.jsonl)"
  fi
else
  fail "array job $jobD and merge $jobM did not finish in ${TIMEOUT}s"
fi

if [ "$failures" -gt 0 ]; then
  for f in "$work"/*.out; do
    echo "--- $f"
    tail -20 "$f"
  done
fi
echo "cluster: $([ "$was_running" = yes ] || [ "${KEEP_CLUSTER:-0}" = 1 ] && echo "left running" || echo "stopped again")"
finish
