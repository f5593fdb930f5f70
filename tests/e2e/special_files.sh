#!/usr/bin/env bash
# Things in a photo folder that are not photos' files: a FIFO named x.jpg
# (opening it for reading would wait for a writer forever), a symlink y.jpg
# to /dev/zero (reading it would never end) and a file over --max-file-mb.
# In thread mode and under `mpirun -np 3` (roles and farm), the job must
# finish promptly with an error row for each of them and an ok row for the
# one real photo.
#
#   special_files.sh --photoscore BIN --photo FILE [--mpiexec mpirun] [--np-flag -np]
set -u

source "$(dirname "$0")/common.sh"
e2e_args "special_files.sh --photoscore BIN --photo FILE [--mpiexec mpirun] [--np-flag -np]" photoscore photo -- "$@"

mkdir "$work/in"
mkfifo "$work/in/x.jpg"
ln -s /dev/zero "$work/in/y.jpg"
cp "$photo" "$work/in/a_photo.${photo##*.}"
head -c 300000 /dev/urandom >"$work/in/z_large.png"

rows_ok() {  # JSONL: the rows, by file
  "$python" - "$1" <<'PY'
import json, sys
rows = {r["filename"]: r for r in map(json.loads, open(sys.argv[1]))}
want = {"x.jpg": "FIFO", "y.jpg": "character device", "z_large.png": "--max-file-mb"}
assert len(rows) == 4, f"{len(rows)} rows, expected 4"
for name, reason in want.items():
    r = rows[name]
    assert r["status"] == "error" and reason in r["error"], f"{name}: {r['status']} {r['error']!r}"
first = sorted(rows)[0]
assert rows[first]["status"] == "ok", f"{first}: {rows[first]['error']}"
PY
}

for run in threads roles farm; do
  if [ "$run" = threads ]; then
    launch=()
    opts=(--mode threads)
  else
    mpi_launch launch 3
    opts=(--layout "$run")
  fi
  timeout 60 "${launch[@]}" "$photoscore" "${opts[@]}" --quiet --threads 1 --max-file-mb 0.25 \
    --jsonl "$work/$run.jsonl" --h5 "$work/$run.h5" "$work/in" >"$work/$run.out" 2>"$work/$run.err"
  rc=$?
  if [ "$rc" != 0 ]; then
    fail "$run: exit $rc, expected 0 (124: it hung); stderr: $(tail -c 400 "$work/$run.err")"
  elif out=$(rows_ok "$work/$run.jsonl" 2>&1); then
    pass "$run: error rows for the FIFO, /dev/zero and the large file"
  else
    fail "$run: $out"
  fi
done

e2e_done "all special-file checks passed"
