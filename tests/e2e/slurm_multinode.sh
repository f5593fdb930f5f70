#!/usr/bin/env bash
# Two Slurm nodes on one machine (slurm/local-cluster.sh with LOCAL_SLURM_NODES=2:
# two slurmd, -N local-node1 and -N local-node2, each on its own port and in a
# UTS namespace of its own) and slurm/photoscore.sbatch as a job across them
# (sbatch -N 2, two tasks a node):
#   - srun --mpi=pmix, roles layout: the group spans the nodes, so its pixels
#     go by broadcast (/run pixels);
#   - mpirun inside the allocation, farm layout;
# each job COMPLETED, its JSONL byte-identical to thread mode's outside Slurm,
# its plan and /run hosts naming both nodes, two ranks on each.
#
#   tests/e2e/slurm_multinode.sh --photoscore BIN --repo DIR
#
# The cluster is put back as it was: stopped if it was not running, else
# started again with its earlier node count (KEEP_CLUSTER=1 leaves the
# two-node one running). Fails without slurm-wlm, munge, unshare or root.
# shellcheck source=tests/e2e/slurm_common.sh
. "$(dirname "$0")/slurm_common.sh"

require_local_slurm unshare
A=local-node1
B=local-node2
was_running=no
was_nodes=1
if "$CLUSTER" status >/dev/null 2>&1 || LOCAL_SLURM_NODES=2 "$CLUSTER" status >/dev/null 2>&1; then
  was_running=yes
  grep -q "^NodeName=local-node" /etc/slurm/slurm.conf 2>/dev/null &&
    was_nodes=$(grep -c "^NodeName=local-node" /etc/slurm/slurm.conf)
fi
e2e_cleanup() {
  if [ "${KEEP_CLUSTER:-0}" = 1 ]; then
    echo "cluster: left running with two nodes"
  elif [ "$was_running" = yes ]; then
    LOCAL_SLURM_NODES=$was_nodes "$CLUSTER" start >/dev/null 2>&1 || echo "could not start the cluster again"
    echo "cluster: started again as before ($was_nodes node(s))"
  else
    LOCAL_SLURM_NODES=2 "$CLUSTER" stop >/dev/null 2>&1 || true
    echo "cluster: stopped again"
  fi
}

if ! LOCAL_SLURM_NODES=2 "$CLUSTER" start; then
  echo "FAIL: LOCAL_SLURM_NODES=2 slurm/local-cluster.sh start"
  tail -20 /var/log/slurm/slurmctld.log /var/log/slurm/slurmd-local-node*.log 2>/dev/null
  exit 1
fi
check "two nodes idle: $A and $B" test "$(sinfo -h -N -o '%N %T' | sort | tr '\n' ' ')" = "$A idle $B idle "
check "LOCAL_SLURM_NODES=2 local-cluster.sh status" env LOCAL_SLURM_NODES=2 "$CLUSTER" status

photos=$(photos_dir)
cd "$work" || exit 1
"$BIN" --mode threads -q --jsonl ref.jsonl --h5 ref.h5 "$photos" >ref.out 2>&1
check "thread-mode reference run outside Slurm" test -s ref.jsonl

wait_job() {  # wait_job ID: until the job is neither pending nor running
  local deadline=$((SECONDS + TIMEOUT))
  while [ -n "$(squeue -h -j "$1" 2>/dev/null)" ]; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      squeue
      scancel "$1"
      return 1
    fi
    sleep 1
  done
}
state() { scontrol -o show job "$1" | sed -n 's/.*JobState=\([A-Z_]*\) .*ExitCode=\([0-9:]*\).*/\1 \2/p'; }

across=(-N 2 --ntasks=4 --ntasks-per-node=2)
jobA=$(sbatch --parsable --chdir="$work" "${across[@]}" "$REPO/slurm/photoscore.sbatch" "$photos" "$work/outA" | cut -d';' -f1)
jobB=$(PHOTOSCORE_LAUNCHER=mpirun sbatch --parsable --chdir="$work" "${across[@]}" "$REPO/slurm/photoscore.sbatch" \
  "$photos" "$work/outB" --layout farm | cut -d';' -f1)
echo "submitted: A=$jobA (srun --mpi=pmix, roles) B=$jobB (mpirun, farm), each -N 2 --ntasks=4"

for spec in "A $jobA outA roles" "B $jobB outB farm"; do
  read -r name id out layout <<<"$spec"
  log=$work/photoscore-$id.out
  if ! wait_job "$id"; then
    fail "job $name ($id) did not finish in ${TIMEOUT}s"
    continue
  fi
  check "job $name ($id, $layout): COMPLETED 0:0 on $(scontrol -o show job "$id" | sed -n 's/.* NodeList=\([^ ]*\).*/\1/p')" \
    test "$(state "$id")" = "COMPLETED 0:0"
  check "job $name: JSONL byte-identical to thread mode's" cmp -s ref.jsonl "$out/photo_scores.jsonl"
  check "job $name: the plan puts ranks 0, 1 on $A and 2, 3 on $B" test \
    "$(grep -o '^rank [0-9] ([^)]*)' "$log" | tr '\n' ' ')" = "rank 0 ($A) rank 1 ($A) rank 2 ($B) rank 3 ($B) "
  check "job $name: /run hosts = $A,$B" test "$(h5attr "$out/photo_scores.h5" hostname)" = "$A,$B"
  if [ "$layout" = roles ]; then
    check "job $name: the group spans the nodes, pixels by broadcast (/run pixels)" \
      test "$(h5attr "$out/photo_scores.h5" pixels)" = broadcast
  fi
done
if [ "$failures" -gt 0 ]; then
  for f in "$work"/*.out; do
    echo "--- $f"
    tail -20 "$f"
  done
fi
finish
