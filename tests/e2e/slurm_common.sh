# shellcheck shell=bash
# Shared by tests/e2e/slurm_submit.sh, tests/e2e/slurm_shards.sh and tests/e2e/test_scaling.sh (sourced).
# Expects: $1 = the photoscore binary, $2 = the repository root.
set -u

if [ $# -lt 2 ]; then
  echo "usage: $0 PHOTOSCORE_BINARY REPO_DIR" >&2
  exit 2
fi
BIN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
REPO=$(cd "$2" && pwd)
PY=/usr/bin/python3
export PHOTOSCORE_BIN=$BIN
if [ "$(id -u)" -eq 0 ]; then
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi
export OMPI_MCA_rmaps_base_oversubscribe=1
# Every mpirun here, and those the jobs run (sbatch passes the environment on), stays on loopback.
export OMPI_MCA_btl_tcp_if_include=lo OMPI_MCA_oob_tcp_if_include=lo

failures=0
checks=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
  checks=$((checks + 1))
}
pass() {
  echo "ok:   $*"
  checks=$((checks + 1))
}
check() {  # check DESCRIPTION COMMAND...
  local what=$1
  shift
  if "$@"; then pass "$what"; else fail "$what"; fi
}
finish() {
  echo "$((checks - failures)) passed, $failures failed"
  [ "$failures" -eq 0 ]
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
