#!/usr/bin/env bash
# --profile calibrated gives the same JSONL bytes with 1 and 2 threads and
# under mpirun -np 3 (both layouts), and the default profile is the seed's.
#   e2e_profile.sh --photoscore BIN --mpiexec mpirun --photos DIR
source "$(dirname "$0")/common.sh"
e2e_args "e2e_profile.sh --photoscore BIN --mpiexec mpirun --photos DIR" photoscore photos -- "$@"
mpi_launch mpi 3

# score NAME COMMAND...: COMMAND on the photos, quiet, into $work/NAME.jsonl
# and .h5 (run_logged keeps its output and exit code).
score() {
  local name=$1
  shift
  run_logged "$name" "$@" --quiet --jsonl "$work/$name.jsonl" --h5 "$work/$name.h5" "$photos"
}

score t1 "$photoscore" --mode threads --threads 1 --profile calibrated
score t2 "$photoscore" --mode threads --threads 2 --profile calibrated
score roles "${mpi[@]}" "$photoscore" --threads 1 --profile calibrated
score farm "${mpi[@]}" "$photoscore" --threads 1 --layout farm --profile calibrated
score seed "$photoscore" --mode threads --threads 2
score seed_named "$photoscore" --mode threads --threads 2 --profile seed
for r in t1 t2 roles farm seed seed_named; do
  [ "$(rc "$r")" = 0 ] || fail "$r: exit $(rc "$r"): $(head -c 400 "$work/$r.err")"
done
for r in t2 roles farm; do cmp -s "$work/t1.jsonl" "$work/$r.jsonl" || fail "calibrated $r JSONL differs from --threads 1"; done
cmp -s "$work/seed.jsonl" "$work/seed_named.jsonl" || fail "--profile seed differs from the default"
cmp -s "$work/seed.jsonl" "$work/t1.jsonl" && fail "calibrated JSONL is the seed's"
grep -q '"noise_sigma"' "$work/t1.jsonl" || fail "calibrated rows lack noise_sigma"
cat "$work/t1.out" "$work/t1.err" | grep -q "profile calibrated" || fail "the summary does not name the profile"
"$python" - "$work/t1.h5" <<'PY' || fail "/run/profile is not 'calibrated'"
import sys, h5py
v = h5py.File(sys.argv[1])["run"].attrs["profile"]
sys.exit(0 if (v.decode() if isinstance(v, bytes) else v) == "calibrated" else 1)
PY
e2e_done "all profile checks passed"
