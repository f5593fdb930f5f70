#!/usr/bin/env bash
# The hash and capture time of every photo (issue 20, docs/groups.md), the
# same in thread mode, the farm and the roles layout, on a card built here:
# the PNGs of tests/data/photos, rocket.jpg, copies of it given EXIF times by exiftool (one
# with a fraction of a second and an offset, one with neither, one with only
# DateTimeDigitized), a truncated JPEG (an error row).
#   e2e_grouping_columns.sh --photoscore BIN --photos DIR [--mpiexec MPIEXEC] [--np-flag -np]
# Asserts: /scores' perceptual_hash and capture_time are identical in every
# mode; the capture times are the ones exiftool wrote, empty for the photos
# without; the copy of rocket.jpg has rocket.jpg's hash (same pixels) and the
# truncated file neither; the JSONL has neither key and is the same bytes in
# every mode.
set -u
. "$(dirname "$0")/e2e_common.sh"
e2e_args "e2e_grouping_columns.sh --photoscore BIN --photos DIR [--mpiexec MPIEXEC] [--np-flag -np]" \
  photoscore photos -- "$@"
mpi=("$mpiexec" "$np_flag" 3 --oversubscribe --mca btl_tcp_if_include lo --mca oob_tcp_if_include lo)

card="$work/card"
mkdir -p "$card"
cp "$photos"/*.png "$photos"/rocket.jpg "$photos"/chelsea_dark.jpg "$card/"
cp "$photos/rocket.jpg" "$card/t1.jpg"
cp "$photos/rocket.jpg" "$card/t2.jpg"
cp "$photos/rocket.jpg" "$card/t3.jpg"
exiftool -q -overwrite_original -DateTimeOriginal="2023:07:14 18:05:09" -SubSecTimeOriginal=042 \
  -OffsetTimeOriginal="-05:00" "$card/t1.jpg" || fail "exiftool could not write t1.jpg"
exiftool -q -overwrite_original -DateTimeOriginal="2023:07:14 18:05:10" "$card/t2.jpg" || fail "exiftool t2.jpg"
exiftool -q -overwrite_original -CreateDate="2021:01:02 03:04:05" "$card/t3.jpg" || fail "exiftool t3.jpg"
head -c 3000 "$photos/rocket.jpg" >"$card/truncated.jpg"

"$photoscore" --quiet --jsonl "$work/threads.jsonl" --h5 "$work/threads.h5" "$card" >/dev/null 2>&1
for layout in farm roles; do
  "${mpi[@]}" "$photoscore" --layout "$layout" --quiet --jsonl "$work/$layout.jsonl" --h5 "$work/$layout.h5" \
    "$card" >/dev/null 2>&1
  cmp -s "$work/threads.jsonl" "$work/$layout.jsonl" || fail "$layout JSONL differs from thread mode"
done
grep -q -e perceptual_hash -e capture_time "$work/threads.jsonl" && fail "the JSONL has the grouping columns"

/usr/bin/python3 - "$work" <<'PY' || fail "the grouping columns"
import sys
import h5py

work = sys.argv[1]
columns = {}
for mode in ("threads", "farm", "roles"):
    with h5py.File(f"{work}/{mode}.h5") as f:
        columns[mode] = {r["filename"].decode(): (r["perceptual_hash"].decode(), r["capture_time"].decode())
                         for r in f["scores"][()]}
problems = []
for mode in ("farm", "roles"):
    if columns[mode] != columns["threads"]:
        problems.append(f"{mode}: hash or capture time differs from thread mode")
got = columns["threads"]
want_time = {"t1.jpg": "2023-07-14T18:05:09.042-05:00", "t2.jpg": "2023-07-14T18:05:10",
             "t3.jpg": "2021-01-02T03:04:05"}
for name, (hash_, time) in sorted(got.items()):
    if name == "truncated.jpg":
        if hash_ or time:
            problems.append(f"{name}: an error row with {hash_!r} {time!r}")
        continue
    if len(hash_) != 16:
        problems.append(f"{name}: hash {hash_!r}")
    if time != want_time.get(name, ""):
        problems.append(f"{name}: capture time {time!r}, expected {want_time.get(name, '')!r}")
for copy in ("t1.jpg", "t2.jpg", "t3.jpg"):
    if got[copy][0] != got["rocket.jpg"][0]:
        problems.append(f"{copy}: hash {got[copy][0]} is not rocket.jpg's {got['rocket.jpg'][0]} (same pixels)")
if len(set(h for h, _ in got.values() if h)) < 6:
    problems.append("fewer than 6 distinct hashes among the photos")
for p in problems:
    print("  " + p)
print(f"  {len(got)} rows, {len(problems)} problems")
sys.exit(1 if problems else 0)
PY

[ "$failures" = 0 ] && echo "all grouping-column checks passed" || echo "$failures failures"
exit $((failures > 0))
