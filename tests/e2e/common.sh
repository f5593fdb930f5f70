# Sourced by the end-to-end scripts that run photoscore on made-up inputs
# (hostile_files, raw_mutants, decoder_isolation, special_files): their
# common arguments, Open MPI's settings for this machine, a scratch folder
# removed at exit, and fail(), which counts what failed.

# e2e_args USAGE REQUIRED... -- ARGS...: reads --photoscore, --photos,
# --photo, --count, --mpiexec and --np-flag into the variables of those
# names (photoscore, photos, photo, count, mpiexec, np_flag); USAGE and exit
# 2 on any other argument, or when one of REQUIRED (variable names) is empty.
e2e_args() {
  local usage=$1 required=()
  shift
  while [ $# -gt 0 ] && [ "$1" != -- ]; do required+=("$1"); shift; done
  shift
  photoscore="${photoscore:-}" photos="${photos:-}" photo="${photo:-}"
  mpiexec="${mpiexec:-mpirun}" np_flag="${np_flag:--np}"
  while [ $# -gt 0 ]; do
    case "$1" in
      --photoscore) photoscore="$2"; shift 2 ;;
      --photos) photos="$2"; shift 2 ;;
      --photo) photo="$2"; shift 2 ;;
      --count) count="$2"; shift 2 ;;
      --mpiexec) mpiexec="$2"; shift 2 ;;
      --np-flag) np_flag="$2"; shift 2 ;;
      *) echo "$(basename "$0" .sh): unknown argument $1" >&2; echo "usage: $usage" >&2; exit 2 ;;
    esac
  done
  local name
  for name in "${required[@]}"; do
    if [ -z "${!name}" ]; then echo "usage: $usage" >&2; exit 2; fi
  done
  # Root, and more ranks than cores, on the test machines.
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
}

# A scratch folder, $work, removed when the script exits.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}
