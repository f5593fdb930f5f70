#!/usr/bin/env bash
# File names that are not UTF-8, or hold control characters:
#  - two names that differ only in an invalid byte get two distinct
#    filenames in the JSONL and the HDF5 file (\xNN escapes), from which
#    the original bytes come back;
#  - a newline or ESC in a name never reaches stdout or stderr raw.
#   e2e_names.sh --photoscore BIN --photos DIR
source "$(dirname "$0")/common.sh"
e2e_args "e2e_names.sh --photoscore BIN --photos DIR" photoscore photos -- "$@"
cd "$work" || exit 1
mkdir in
"$python" - "$photos" <<'PY' || exit 1
import os, shutil, sys
src = os.path.join(sys.argv[1], "rocket.jpg")
for name in [b"x\xfe.jpg", b"x\xff.jpg", b"plain.jpg", b"nl\nname.jpg", b"esc\x1b[31mred.jpg"]:
    shutil.copy(src, os.path.join(b"in", name))
# An unreadable photo whose name holds a newline and ESC: its error line on
# stderr and its dashboard line both carry the name.
with open(os.path.join(b"in", b"broken\n\x1b]0;x\x07.jpg"), "wb") as f:
    f.write(b"not a jpeg")
PY
"$photoscore" --mode threads --threads 2 --jsonl r.jsonl --h5 r.h5 in >run.out 2>run.err
rc=$?
echo "exit $rc"
"$python" - r.jsonl r.h5 run.out run.err "$rc" <<'PY'
import json, re, sys
import h5py
jsonl, h5, out, err, rc = sys.argv[1:]
failures = []
def check(ok, what):
    print(("ok:   " if ok else "FAIL: ") + what)
    if not ok:
        failures.append(what)
check(rc == "0", f"exit 0 (the run completed; one unreadable photo has its error row), got {rc}")
raw = open(jsonl, "rb").read()
raw.decode("utf-8")  # valid UTF-8 throughout, or this raises
rows = [json.loads(line) for line in raw.splitlines()]
names = [r["filename"] for r in rows]
check(len(names) == 6 and len(set(names)) == 6, f"six distinct filenames in the JSONL: {names!r}")
check("x\\xfe.jpg" in names and "x\\xff.jpg" in names, "invalid bytes written as \\xNN")
check("plain.jpg" in names and "nl\nname.jpg" in names, "valid names kept as they are")
def original(name):
    """The documented way back to the bytes (docs/hdf5.md)."""
    b = name.encode("utf-8")
    if b"\\x" not in b:
        return b
    return re.sub(rb"\\x([0-9a-f]{2})", lambda m: bytes([int(m[1], 16)]), b)
check({original(n) for n in names} >= {b"x\xfe.jpg", b"x\xff.jpg"}, "the original bytes come back")
with h5py.File(h5, "r") as f:
    h5names = [v.decode("utf-8") for v in f["scores"]["filename"]]
check(h5names == names, f"the HDF5 file holds the same filenames: {h5names!r}")
for stream in (out, err):
    data = open(stream, "rb").read()
    check(b"\x1b" not in data and b"\x07" not in data, f"no raw ESC or BEL in {stream}")
    check(b"nl\nname" not in data and b"broken\n" not in data, f"no raw newline from a name in {stream}")
errlines = open(err, "rb").read().splitlines()
check(len(errlines) == 2 and b"broken\\x0a\\x1b]0;x\\x07.jpg" in errlines[0],
      f"one escaped error line on stderr: {errlines!r}")
check(len(errlines) == 2 and errlines[1].startswith(b"photoscore: 1 of 6 files could not be scored"),
      f"then the line that counts the error rows: {errlines[-1:]!r}")
sys.exit(1 if failures else 0)
PY
