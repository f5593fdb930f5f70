# shellcheck shell=bash
# The Slurm and scaling tests' part (slurm_submit.sh, slurm_shards.sh,
# slurm_multinode.sh, test_scaling.sh source it), on top of common.sh:
# their arguments, and what their jobs inherit (sbatch passes the
# environment on: the binary, and common.sh's loopback-only Open MPI).
#   SCRIPT --photoscore BIN --repo DIR
# shellcheck source=tests/e2e/common.sh
source "$(dirname "$0")/common.sh"
e2e_args "$(basename "$0") --photoscore BIN --repo DIR" photoscore repo -- "$@"
BIN=$photoscore
REPO=$repo
PY=$python
export PHOTOSCORE_BIN=$BIN
# A failed run keeps its scratch folder, for a look.
e2e_keep_work=1

# A local Slurm needs its tools and root: without one the script fails
# (never skips). Sets CLUSTER (slurm/local-cluster.sh) and TIMEOUT (a job's
# seconds in all, SLURM_TEST_TIMEOUT, default 300).
#   require_local_slurm [MORE_TOOLS...]
require_local_slurm() {
  local t
  for t in sbatch squeue scontrol munged slurmctld slurmd "$@"; do
    if ! command -v "$t" >/dev/null 2>&1 && [ ! -x "/usr/sbin/$t" ]; then
      echo "FAIL: $t not installed (scripts/install-deps.sh installs slurm-wlm, munge and util-linux)"
      exit 1
    fi
  done
  if [ "$(id -u)" -ne 0 ]; then
    echo "FAIL: starting a local Slurm needs root"
    exit 1
  fi
  CLUSTER=$REPO/slurm/local-cluster.sh
  TIMEOUT=${SLURM_TEST_TIMEOUT:-300}
}

# The end of a script: how many checks passed, and its exit status.
finish() {
  echo "$((checks - failures)) passed, $failures failed"
  e2e_done "all $checks checks passed"
}

# The demo photos (inputs/demo), else the test photos, as an absolute path.
photos_dir() {
  local d
  for d in "$REPO/inputs/demo" "$REPO/tests/data/photos"; do
    if [ -d "$d" ] && [ -n "$(find "$d" -maxdepth 1 -iname '*.jp*g' -o -maxdepth 1 -iname '*.png' | head -1)" ]; then
      echo "$d"
      return
    fi
  done
  echo "no photos: neither inputs/demo nor tests/data/photos" >&2
  exit 2
}

# h5attr FILE NAME: a /run attribute as text (empty when missing).
h5attr() {
  "$PY" - "$1" "$2" <<'EOF'
import sys, h5py
with h5py.File(sys.argv[1], "r") as f:
    v = f["run"].attrs.get(sys.argv[2], "")
    print(v.decode() if isinstance(v, bytes) else v)
EOF
}

# HDF5 checks apply once photoscore writes HDF5: a thread-mode run shows whether it does.
writes_h5() {  # writes_h5 FILE: FILE exists and holds /run
  [ -s "$1" ] && "$PY" -c 'import sys, h5py; sys.exit(0 if "run" in h5py.File(sys.argv[1], "r") else 1)' "$1" 2>/dev/null
}
