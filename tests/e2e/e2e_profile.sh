#!/bin/bash
# e2e_profile.sh PHOTOSCORE MPIEXEC PHOTOS: --profile calibrated gives the same
# JSONL bytes with 1 and 2 threads and under mpirun -np 3 (both layouts), and
# the default profile is the seed's.
set -u
bin=$1 mpiexec=$2 photos=$3
work=$(mktemp -d) && trap 'rm -rf "$work"' EXIT
fails=0
fail() { echo "FAIL $*"; fails=$((fails + 1)); }
run() { local name=$1; shift; "$@" --quiet --jsonl "$work/$name.jsonl" --h5 "$work/$name.h5" "$photos" >"$work/$name.out" 2>&1; echo $? >"$work/$name.rc"; }

run t1 "$bin" --mode threads --threads 1 --profile calibrated
run t2 "$bin" --mode threads --threads 2 --profile calibrated
run roles "$mpiexec" -np 3 --oversubscribe "$bin" --threads 1 --profile calibrated
run farm "$mpiexec" -np 3 --oversubscribe "$bin" --threads 1 --layout farm --profile calibrated
run seed "$bin" --mode threads --threads 2
run seed_named "$bin" --mode threads --threads 2 --profile seed
for r in t1 t2 roles farm seed seed_named; do
  [ "$(cat "$work/$r.rc")" = 0 ] || fail "$r: exit $(cat "$work/$r.rc"): $(head -c 400 "$work/$r.out")"
done
for r in t2 roles farm; do cmp -s "$work/t1.jsonl" "$work/$r.jsonl" || fail "calibrated $r JSONL differs from --threads 1"; done
cmp -s "$work/seed.jsonl" "$work/seed_named.jsonl" || fail "--profile seed differs from the default"
cmp -s "$work/seed.jsonl" "$work/t1.jsonl" && fail "calibrated JSONL is the seed's"
grep -q '"noise_sigma"' "$work/t1.jsonl" || fail "calibrated rows lack noise_sigma"
grep -q "profile calibrated" "$work/t1.out" || fail "the summary does not name the profile"
/usr/bin/python3 - "$work/t1.h5" <<'PY' || fail "/run/profile is not 'calibrated'"
import sys, h5py
v = h5py.File(sys.argv[1])["run"].attrs["profile"]
sys.exit(0 if (v.decode() if isinstance(v, bytes) else v) == "calibrated" else 1)
PY
[ "$fails" = 0 ] && echo "all profile checks passed"
exit "$fails"
