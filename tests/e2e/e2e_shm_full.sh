#!/usr/bin/env bash
# /dev/shm filled in the middle of a roles run: in a private
# mount namespace with a 1 GiB tmpfs of its own on /dev/shm, mpirun -np 4
# --layout roles scores 40 photos of 1 to 8 megapixels (each larger than
# the one before, so the shared-memory window keeps reaching new pages);
# once the first row is written, a file fills /dev/shm to the last byte.
# The run must end with exit 0, no SIGBUS, every row, /run pixels saying
# the window was used, and the JSONL bytes of a thread-mode run.
#   e2e_shm_full.sh --photoscore BIN --photos DIR --mpiexec mpirun
source "$(dirname "$0")/common.sh"
e2e_args "e2e_shm_full.sh --photoscore BIN --photos DIR --mpiexec mpirun" photoscore photos -- "$@"
cd "$work" || exit 1

mkdir in
"$python" - "$photos/astronaut_2048.jpg" in <<'PY' || { echo "FAIL: cannot make the photos"; exit 1; }
import sys
from PIL import Image
src = Image.open(sys.argv[1]).convert("RGB")
for i in range(40):
    mp = 1.0 + 7.0 * i / 39
    side = int((mp * 1e6) ** 0.5)
    src.resize((side, side)).save(f"{sys.argv[2]}/p{i:02d}.jpg", quality=85)
PY
"$photoscore" --mode threads --threads 2 --quiet --jsonl ref.jsonl --h5 ref.h5 in >/dev/null 2>&1 ||
  { echo "FAIL: the thread-mode run"; exit 1; }

if [ "$(id -u)" = 0 ]; then ns=(unshare --mount); else ns=(unshare --user --map-root-user --mount); fi
"${ns[@]}" bash -s -- "$photoscore" "$mpiexec" <<'INSIDE'
set -u
bin=$1 mpiexec=$2
mount -t tmpfs -o size=1g tmpfs /dev/shm || { echo "FAIL: cannot mount a tmpfs on /dev/shm"; exit 1; }
"$mpiexec" -np 4 --oversubscribe --mca btl_tcp_if_include lo --mca oob_tcp_if_include lo \
  "$bin" --layout roles --threads 1 --quiet --jsonl roles.jsonl --h5 roles.h5 in >roles.out 2>roles.err &
job=$!
for _ in $(seq 1 600); do [ -s roles.jsonl ] && break; kill -0 "$job" 2>/dev/null || break; sleep 0.05; done
rows_then=$(cat roles.jsonl 2>/dev/null | wc -l)
dd if=/dev/zero of=/dev/shm/fill bs=1M 2>/dev/null
echo "/dev/shm filled after $rows_then rows: $(df -h /dev/shm | tail -n 1)"
wait "$job"
echo "$?" >roles.rc
INSIDE
rc=$(cat roles.rc 2>/dev/null || echo none)
[ "$rc" = 0 ] && pass "roles run: exit 0" || fail "roles run: exit $rc: $(head -c 600 roles.err)"
grep -qi -e "bus error" -e "signal 7" -e SIGBUS roles.err && fail "SIGBUS: $(grep -i -e bus -e signal roles.err | head -n 3)"
[ "$(wc -l <roles.jsonl)" = 40 ] && pass "40 rows" || fail "$(wc -l <roles.jsonl) rows, want 40"
pixels=$("$python" -c "import h5py; print(h5py.File('roles.h5')['run'].attrs['pixels'])" 2>&1)
case "$pixels" in
  *shared-memory*) pass "the window was used: $pixels" ;;
  *) fail "/run pixels: $pixels (the window was not used: the test proves nothing)" ;;
esac
cmp -s ref.jsonl roles.jsonl && pass "the JSONL bytes of the thread-mode run" ||
  fail "the JSONL differs from thread mode: $(cmp ref.jsonl roles.jsonl 2>&1)"
e2e_done "shared memory checks passed"
