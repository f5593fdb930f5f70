# shellcheck shell=bash
# The shell library of the end-to-end tests in tests/e2e/, sourced first by
# each of them:
#
#   source "$(dirname "$0")/common.sh"
#   e2e_args "NAME.sh --photoscore BIN --photos DIR [--mpiexec mpirun]" photoscore photos -- "$@"
#
# It gives every script the same arguments, Open MPI's settings for this
# machine, a scratch folder removed at exit, and the counting of failed
# checks, so that a script holds its own checks and nothing else. (The
# Slurm tests add slurm_common.sh on top: the local cluster and its jobs.)
set -u

# This folder, the Python checkers and makers (tests/tools/), and Debian's
# interpreter, which has numpy, h5py and PIL (the python3 first on PATH
# may be another).
e2e_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
tools=$(cd "$e2e_dir/../tools" && pwd)
python=/usr/bin/python3

# --- Open MPI on this machine ---------------------------------------------------
# Root is allowed, and more ranks than cores. Every mpirun stays on
# loopback, those a script starts by hand too: the TCP transports and the
# daemons' connections are limited to lo by the environment, and
# mpi_launch says so again on its command line.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
export OMPI_MCA_btl_tcp_if_include=lo OMPI_MCA_oob_tcp_if_include=lo

# mpi_launch VAR RANKS: the array VAR becomes the launcher of RANKS ranks,
# to put before a command: mpi_launch mpi 3; "${mpi[@]}" "$photoscore" ...
mpi_launch() {
  local -n e2e_launcher=$1
  e2e_launcher=("$mpiexec" "$np_flag" "$2" --oversubscribe --mca btl_tcp_if_include lo --mca oob_tcp_if_include lo)
}

# mpi_run RANKS COMMAND...: COMMAND under mpiexec with RANKS ranks.
mpi_run() {
  local launcher
  mpi_launch launcher "$1"
  shift
  "${launcher[@]}" "$@"
}

# --- Arguments ------------------------------------------------------------------
# e2e_args USAGE REQUIRED... -- ARGS...: reads the arguments every script
# takes into the variables of their names:
#   --photoscore BIN   photoscore       --data DIR      data (tests/data)
#   --photos DIR       photos           --demo DIR      demo (inputs/demo)
#   --photo FILE       photo            --repo DIR      repo (the source tree)
#   --mpiexec M        mpiexec (mpirun) --build DIR     build (the build tree)
#   --np-flag F        np_flag (-np)    --cxx C         cxx (the C++ compiler)
#   --count N          count            --version V     version
#   --screenshot FILE  screenshot
# Paths are made absolute (the scripts work in $work). A script with
# arguments of its own defines e2e_option, which is given the arguments
# left and sets e2e_used to how many it took (0: none of its own). Prints
# USAGE and exits 2 on an unknown argument, or when one of REQUIRED
# (variable names) is empty.
e2e_args() {
  local usage=$1 required=()
  shift
  while [ $# -gt 0 ] && [ "$1" != -- ]; do required+=("$1"); shift; done
  shift
  photoscore=${photoscore:-} photos=${photos:-} photo=${photo:-} data=${data:-} demo=${demo:-}
  repo=${repo:-} build=${build:-} cxx=${cxx:-} count=${count:-} version=${version:-} screenshot=${screenshot:-}
  mpiexec=${mpiexec:-mpirun} np_flag=${np_flag:--np}
  while [ $# -gt 0 ]; do
    case "$1" in
      --photoscore) photoscore=$2; shift 2 ;;
      --photos) photos=$2; shift 2 ;;
      --photo) photo=$2; shift 2 ;;
      --data) data=$2; shift 2 ;;
      --demo) demo=$2; shift 2 ;;
      --repo) repo=$2; shift 2 ;;
      --build) build=$2; shift 2 ;;
      --cxx) cxx=$2; shift 2 ;;
      --count) count=$2; shift 2 ;;
      --version) version=$2; shift 2 ;;
      --screenshot) screenshot=$2; shift 2 ;;
      --mpiexec) mpiexec=$2; shift 2 ;;
      --np-flag) np_flag=$2; shift 2 ;;
      *)
        e2e_used=0
        if declare -F e2e_option >/dev/null; then e2e_option "$@"; fi
        if [ "$e2e_used" -eq 0 ]; then
          echo "$(basename "$0" .sh): unknown argument $1" >&2
          echo "usage: $usage" >&2
          exit 2
        fi
        shift "$e2e_used"
        ;;
    esac
  done
  local name
  for name in "${required[@]}"; do
    if [ -z "${!name}" ]; then echo "usage: $usage" >&2; exit 2; fi
  done
  for name in photoscore photos photo data demo repo build screenshot; do
    if [ -n "${!name}" ]; then printf -v "$name" %s "$(readlink -m "${!name}")"; fi
  done
}

# --- The scratch folder ---------------------------------------------------------
# $work, named for the script, removed at exit (read-only parts too). Set
# e2e_keep_work=1 to keep it when a check failed, for a look. A script
# with more to end at exit (a job still running) defines e2e_cleanup.
work=$(mktemp -d "${TMPDIR:-/tmp}/photoscore_$(basename "$0" .sh).XXXXXX") || exit 1
e2e_keep_work=0
e2e_exit() {
  if declare -F e2e_cleanup >/dev/null; then e2e_cleanup; fi
  if [ "$e2e_keep_work" = 1 ] && [ "$failures" -gt 0 ]; then
    echo "(kept $work for a look)"
    return
  fi
  chmod -R u+w "$work" 2>/dev/null
  rm -rf "$work"
}
trap e2e_exit EXIT

# --- Checks -------------------------------------------------------------------
# fail WHAT / pass WHAT: one line each, counted; check WHAT COMMAND...:
# pass or fail by COMMAND's status. e2e_done MESSAGE ends the script:
# MESSAGE and exit 0 when nothing failed, the count and exit 1 otherwise.
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
check() {
  local what=$1
  shift
  if "$@"; then pass "$what"; else fail "$what"; fi
}
e2e_done() {
  if [ "$failures" -eq 0 ]; then
    echo "$1"
    exit 0
  fi
  echo "$failures failure(s)"
  exit 1
}

# --- Running photoscore ---------------------------------------------------------
# run_logged NAME COMMAND...: COMMAND with its stdout in $work/NAME.out, its
# stderr in $work/NAME.err and its exit code in $work/NAME.rc; returns it.
run_logged() {
  local name=$1
  shift
  "$@" >"$work/$name.out" 2>"$work/$name.err"
  local rc=$?
  echo "$rc" >"$work/$name.rc"
  return "$rc"
}

# photoscore_threads ARGS...: photoscore in thread mode, 2 threads, quiet.
photoscore_threads() { "$photoscore" --mode threads --threads 2 --quiet "$@"; }

# run_photoscore NAME ARGS...: photoscore ARGS, logged as run_logged does.
run_photoscore() {
  local name=$1
  shift
  run_logged "$name" "$photoscore" "$@"
}

# rc NAME: the exit code run_logged kept for NAME.
rc() { cat "$work/$1.rc"; }
