#!/usr/bin/env bash
# End-to-end tests of finding photos on a camera card built here:
#   e2e_finding_photos.sh --photoscore BIN --data DIR [--mpiexec mpirun]
# Needs heif-enc (libheif-examples) and Debian's /usr/bin/python3 with
# python3-pil and python3-numpy (for make_dng.py).
source "$(dirname "$0")/common.sh"
e2e_args "e2e_finding_photos.sh --photoscore BIN --data DIR [--mpiexec mpirun]" photoscore data -- "$@"
photos=$data/photos
cd "$work" || exit 1

# --- The card ----------------------------------------------------------------
command -v heif-enc >/dev/null || { echo "FAIL: heif-enc missing (apt-get install libheif-examples)"; exit 1; }
c=card/DCIM
mkdir -p $c/100CANON/deeper $c/101APPLE $c/102RAW
cp "$photos/rocket.jpg" card/top.jpg
cp "$photos/chelsea_dark.jpg" $c/100CANON/IMG_0001.JPG
cp "$photos/coffee_blurred.jpg" $c/100CANON/IMG_0002.jfif
cp "$photos/rocket.tiff" $c/100CANON/IMG_0003.tif
cp "$photos/retina.jpg" $c/100CANON/deeper/IMG_0004.jpe
heif-enc -q 90 "$photos/chelsea.png" -o $c/101APPLE/IMG_0005.HEIC >/dev/null || fail "heif-enc failed"
$python "$tools/make_dng.py" "$photos/coffee.png" $c/102RAW/IMG_0006.DNG --preview full || fail "make_dng failed"
$python "$tools/make_dng.py" "$photos/chelsea.png" $c/102RAW/IMG_0007.dng --preview thumb || fail "make_dng failed"
head -c 300 "$photos/rocket.jpg" >$c/100CANON/._IMG_0001.JPG  # AppleDouble: no error row
echo x >card/.DS_Store
echo x >$c/100CANON/MVI_0008.MOV
echo x >$c/101APPLE/IMG_0009.mov
echo x >$c/102RAW/IMG_0010.CR3
ln -s ../.. $c/100CANON/loop           # back to the card's top: a loop
ln -s DCIM/100CANON card/again         # a folder already in the tree
expected='DCIM/100CANON/IMG_0001.JPG DCIM/100CANON/IMG_0002.jfif DCIM/100CANON/IMG_0003.tif DCIM/100CANON/deeper/IMG_0004.jpe DCIM/101APPLE/IMG_0005.HEIC DCIM/102RAW/IMG_0006.DNG DCIM/102RAW/IMG_0007.dng top.jpg'

# --- --list: counts per format, nothing written ------------------------------
mkdir listdir && cd listdir || exit 1
run_photoscore list -r --list --jsonl l.jsonl --h5 l.h5 ../card
cd .. || exit 1
if [ "$(rc list)" != 0 ]; then
  fail "--list: exit $(rc list): $(cat list.err)"
else
  grep -Eq '^  JPEG +4 ' list.out && grep -Eq '^  TIFF +1 ' list.out && grep -Eq '^  HEIF +1 ' list.out &&
    grep -Eq '^  RAW +2 ' list.out && grep -Eq '^  total +8 ' list.out &&
    grep -q 'RAW: 1 from the embedded preview, 1 demosaiced' list.out &&
    grep -q 'skipped by extension: .mov: 2, .cr3: 1' list.out && grep -q 'estimated time' list.out &&
    pass "-r --list: counts per format, RAW sources, skipped files" ||
    { fail "-r --list output:"; cat list.out list.err; }
  [ -z "$(ls listdir)" ] && pass "--list wrote no file" || fail "--list wrote: $(ls listdir)"
  # Megapixels from headers: JPEG rows add up to the decoded sizes, checked below.
  grep -Eo '^  JPEG +4 +[0-9.]+' list.out | awk '{print $3}' >list_jpeg_mp
fi

# --- -r: every photo once, unique names, RAW sources -------------------------
run_photoscore threads -r --threads 2 --quiet --jsonl t.jsonl --h5 t.h5 card
[ "$(rc threads)" = 0 ] && pass "-r: exit 0" || fail "-r: exit $(rc threads): $(head -c 500 threads.err)"
$python - t.jsonl "$expected" "$(cat list_jpeg_mp 2>/dev/null)" <<'PY' && pass "-r: rows, names, sources" || fail "-r rows"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
names = [r["filename"] for r in rows]
assert names == sys.argv[2].split(), names
assert len(set(names)) == len(names)
assert all(r["status"] == "ok" for r in rows), [r["error"] for r in rows]
src = {r["filename"]: r.get("source") for r in rows}
assert src["DCIM/102RAW/IMG_0006.DNG"] == "embedded preview", src
assert src["DCIM/102RAW/IMG_0007.dng"] == "demosaiced", src
assert all(v is None for k, v in src.items() if "102RAW" not in k), src
by = {r["filename"]: r for r in rows}
heic = by["DCIM/101APPLE/IMG_0005.HEIC"]
assert (heic["width"], heic["height"]) == (451, 300), heic  # chelsea.png's size
# The same photo as JPEG and as its TIFF: TIFF kept its decoder.
assert by["DCIM/100CANON/IMG_0003.tif"]["laplacian_var"] > 0
if sys.argv[3]:
    mp = sum(r["width"] * r["height"] for r in rows if r["filename"].lower().endswith((".jpg", ".jfif", ".jpe"))) / 1e6
    assert abs(mp - float(sys.argv[3])) < 0.051, (mp, sys.argv[3])
PY
grep -q 'Skipped by extension: 3 files (.mov: 2, .cr3: 1)' threads.out &&
  pass "-r: skipped files counted in the summary" || fail "-r stdout: $(cat threads.out)"
grep -q '\._IMG' t.jsonl threads.err && fail "the AppleDouble file got a row or a message" ||
  pass "._ file skipped silently"

# --- Under MPI the RAW source travels between ranks: same bytes --------------
mpi_run 3 "$photoscore" -r --threads 1 --quiet --jsonl m.jsonl --h5 m.h5 card >mpi.out 2>mpi.err
m=$?
[ "$m" = 0 ] && cmp -s t.jsonl m.jsonl && pass "mpirun -np 3 -r: byte-identical JSONL" ||
  fail "mpirun -np 3 -r: exit $m, $(cmp t.jsonl m.jsonl 2>&1) $(head -c 300 mpi.err)"

# --- A broken photo in a subfolder: its row, exit 0 --------------------------
cp -r card card_bad
head -c 2000 "$photos/rocket.jpg" >card_bad/DCIM/100CANON/deeper/broken.jpg
run_photoscore bad -r --threads 2 --quiet --jsonl b.jsonl --h5 b.h5 card_bad
[ "$(rc bad)" = 0 ] && [ "$(grep -c '"status":"error"' b.jsonl)" = 1 ] &&
  grep -q '"filename":"DCIM/100CANON/deeper/broken.jpg".*"status":"error"' b.jsonl &&
  pass "-r with a broken photo: exit 0, one error row" || fail "broken photo: exit $(rc bad), $(cat bad.err)"

# --- Without -r: top level only, names unchanged; the hint ---------------------
run_photoscore flat --threads 2 --quiet --jsonl f.jsonl --h5 f.h5 card
[ "$(rc flat)" = 0 ] && [ "$(wc -l <f.jsonl)" = 1 ] && grep -q '"filename":"top.jpg"' f.jsonl &&
  pass "no -r: the top level only" || fail "no -r: exit $(rc flat), $(cat f.jsonl)"
rm card/top.jpg
run_photoscore hint --threads 2 --quiet --jsonl h.jsonl --h5 h.h5 card
if [ "$(rc hint)" = 2 ] && [ "$(wc -l <hint.err)" = 1 ] && grep -q 'photos in 4 subfolders: use --recursive' hint.err; then
  pass "no -r on a card: exit 2, $(cat hint.err)"
else
  fail "hint: exit $(rc hint), $(cat hint.err)"
fi
[ ! -e h.jsonl ] && pass "the hint run wrote nothing" || fail "the hint run wrote h.jsonl"

e2e_done "all finding-photos checks passed"
