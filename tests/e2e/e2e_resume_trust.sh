#!/usr/bin/env bash
# --resume keeps only rows it can prove are photoscore's own, for these
# photos, with these options. On a 6-photo folder in thread
# mode, a run stopped after 3 rows is imitated by keeping the first 3 rows
# of a whole run (and its NAME.meta), then tampered with:
#  - an edited score, verdict, path or width; a foreign line among the rows;
#    a file of one foreign line; a JSONL without its .meta; an options line
#    edited to match new thresholds; the same with every checksum recomputed
#    (the verdicts are checked against the thresholds): each refused, exit 2,
#    one line with the reason, the JSONL and .meta unchanged;
#  - another folder's JSONL and .meta, with the same names; a kept photo
#    replaced (a new file, or rewritten in place with its size and mtime
#    put back); a foreign line after the kept rows: those rows are not kept,
#    a note says so, and the result is the JSONL of one run over the folder
#    as it is now (cmp);
#  - untouched: exit 0, the first 3 rows kept (/run resumed=3), the JSONL of
#    one run.
#   e2e_resume_trust.sh --photoscore BIN --photos DIR
source "$(dirname "$0")/common.sh"
e2e_args "e2e_resume_trust.sh --photoscore BIN --photos DIR" photoscore photos -- "$@"
cd "$work" || exit 1

mkdir in other
for f in rocket.jpg camera.png coffee.png chelsea.png retina.jpg chelsea_dark.jpg; do cp "$photos/$f" in/; done
# Another folder with the same names and other photos.
i=0
others=(coffee_blurred.jpg rocket_bright.jpg chelsea_gray.jpg hubble_deep_field.jpg coffee_sharpened.png rocket_420.jpg)
for f in rocket.jpg camera.png coffee.png chelsea.png retina.jpg chelsea_dark.jpg; do
  cp "$photos/${others[$i]}" "other/$f"
  i=$((i + 1))
done
sleep 0.05  # the runs begin after the photos were written, as on a real card

photoscore_threads --jsonl ref.jsonl --h5 ref.h5 in >/dev/null 2>&1 || { echo "FAIL: the reference run"; exit 1; }
photoscore_threads --jsonl otherref.jsonl --h5 otherref.h5 other >/dev/null 2>&1 || { echo "FAIL: the other folder's run"; exit 1; }
[ "$(wc -l <ref.jsonl)" = 6 ] || { echo "FAIL: the reference run has $(wc -l <ref.jsonl) rows"; exit 1; }

# fresh CASE: CASE/r.jsonl holding the reference's first 3 rows, with its .meta.
fresh() {
  rm -rf "$1" && mkdir "$1"
  head -n 3 ref.jsonl >"$1/r.jsonl"
  cp ref.jsonl.meta "$1/r.jsonl.meta"
}
# refused CASE WHY ARGS...: exit 2, one line matching WHY, files unchanged.
refused() {
  local c=$1 why=$2
  shift 2
  cp "$c/r.jsonl" "$c/before.jsonl" 2>/dev/null
  cp "$c/r.jsonl.meta" "$c/before.meta" 2>/dev/null
  photoscore_threads --resume --jsonl "$c/r.jsonl" --h5 "$c/r.h5" "$@" in >"$c/out" 2>"$c/err"
  local rc=$?
  if [ "$rc" = 2 ] && [ "$(wc -l <"$c/err")" = 1 ] && grep -q -- "$why" "$c/err" && cmp -s "$c/r.jsonl" "$c/before.jsonl" &&
    { [ ! -e "$c/before.meta" ] || cmp -s "$c/r.jsonl.meta" "$c/before.meta"; } && [ ! -e "$c/r.h5" ]; then
    pass "$c: refused: $(cat "$c/err")"
  else
    fail "$c: exit $rc (want 2, '$why', nothing changed): $(head -c 400 "$c/err")"
  fi
}
# rescored CASE REF NOTE: exit 0, a note matching NOTE, the JSONL of REF.
rescored() {
  local c=$1 ref=$2 note=$3
  local folder=${4:-in}
  photoscore_threads --resume --jsonl "$c/r.jsonl" --h5 "$c/r.h5" "$folder" >"$c/out" 2>"$c/err"
  local rc=$?
  if [ "$rc" = 0 ] && grep -q -- "$note" "$c/err" && cmp -s "$c/r.jsonl" "$ref"; then
    pass "$c: not kept, scored again: $(grep -- "$note" "$c/err")"
  else
    fail "$c: exit $rc, JSONL $(cmp "$c/r.jsonl" "$ref" 2>&1) (want 0, '$note', the rows of $ref): $(head -c 400 "$c/err")"
  fi
}
# edit CASE LINE PYTHON: line LINE (1-based) of CASE/r.jsonl becomes PYTHON(row), as photoscore would write it.
edit() {
  "$python" - "$1/r.jsonl" "$2" "$3" <<'PY'
import json, sys
path, n, expr = sys.argv[1], int(sys.argv[2]), sys.argv[3]
lines = open(path, "rb").read().decode().split("\n")
row = json.loads(lines[n - 1])
exec(expr)
lines[n - 1] = json.dumps(row, separators=(",", ":"), ensure_ascii=False)
open(path, "wb").write("\n".join(lines).encode())
PY
}

# Untouched: kept.
fresh clean
photoscore_threads --resume --jsonl clean/r.jsonl --h5 clean/r.h5 in >/dev/null 2>clean/err
rc=$?
resumed=$("$python" -c "import h5py; print(int(h5py.File('clean/r.h5')['run'].attrs['resumed']))" 2>/dev/null)
[ "$rc" = 0 ] && cmp -s clean/r.jsonl ref.jsonl && [ "$resumed" = 3 ] && [ ! -s clean/err ] &&
  pass "untouched: 3 rows kept, the JSONL of one run" ||
  fail "untouched: exit $rc, resumed=$resumed, $(cmp clean/r.jsonl ref.jsonl 2>&1) $(head -c 300 clean/err)"

# Edited rows, each as photoscore would format it: only the checksum tells.
fresh score && edit score 2 'row["quality_score"] = round(row["quality_score"] + 0.001, 3)'
refused score "line 2: changed after photoscore wrote it"
fresh verdict && edit verdict 1 'row["verdict"] = "post_it" if row["verdict"] != "post_it" else "delete"'
refused verdict "line 1: changed after photoscore wrote it"
fresh path && edit path 3 'row["path"] = "elsewhere/" + row["filename"]'
refused path "line 3: changed after photoscore wrote it"
fresh width && edit width 2 'row["width"] += 1'
refused width "line 2: changed after photoscore wrote it"
# A foreign line among the kept rows: the other folder's row for the same name.
fresh foreign && "$python" - foreign/r.jsonl otherref.jsonl <<'PY'
import sys
mine, other = open(sys.argv[1], "rb").read().split(b"\n"), open(sys.argv[2], "rb").read().split(b"\n")
mine[1] = other[1]
open(sys.argv[1], "wb").write(b"\n".join(mine))
PY
refused foreign "line 2: changed after photoscore wrote it"
# A file of one foreign line (the other folder's first row), with our .meta.
rm -rf single && mkdir single && head -n 1 otherref.jsonl >single/r.jsonl && cp ref.jsonl.meta single/r.jsonl.meta
refused single "line 1: changed after photoscore wrote it"
# The JSONL alone, without its .meta.
rm -rf nometa && mkdir nometa && head -n 3 ref.jsonl >nometa/r.jsonl
refused nometa "r.jsonl.meta is missing"
# The .meta's options edited to match new thresholds.
fresh thresholds && sed -i 's/thresholds=0.5,0.3/thresholds=0.4,0.3/' thresholds/r.jsonl.meta
refused thresholds "r.jsonl.meta was changed after photoscore wrote it" --thresholds 0.4,0.3
# The same with every checksum recomputed: the kept verdicts are not what
# the new thresholds give (post_it from just below the best kept maybe).
fresh forged && cut=$("$python" - forged <<'PY'
import hashlib, json, sys
d = sys.argv[1]
rows = [json.loads(l) for l in open(f"{d}/r.jsonl")]
maybes = [r["quality_score"] for r in rows if r["verdict"] == "maybe"]
assert maybes, "no maybe among the kept rows"
cut = round(max(maybes) - 0.001, 3)
lines = open(f"{d}/r.jsonl.meta").read().split("\n")
opts = lines[1].split(" ", 1)[1].split(" ")
opts = [f"thresholds={cut},0.3" if o.startswith("thresholds=") else o for o in opts]
lines[1] = "options " + " ".join(opts)
h = lambda s: hashlib.sha256(s.encode()).hexdigest()[:32]
# Every seal recomputed over its block's records' digest (resume_ledger.hpp).
chain = h(lines[0] + "\n" + lines[1] + "\n")
block = ""
for i in range(2, len(lines)):
    if lines[i].startswith("row "):
        block += lines[i] + "\n"
    elif lines[i].startswith("seal "):
        chain = h(chain + "\n" + h(block))
        lines[i] = "seal " + chain
        block = ""
open(f"{d}/r.jsonl.meta", "w").write("\n".join(lines))
print(cut)
PY
)
refused forged "not what this run's weights and thresholds give" --thresholds "$cut,0.3"

# Another folder's JSONL and .meta, the same names: its photos are not these.
rm -rf otherfolder && mkdir otherfolder && head -n 3 otherref.jsonl >otherfolder/r.jsonl &&
  cp otherref.jsonl.meta otherfolder/r.jsonl.meta
rescored otherfolder ref.jsonl "changed since it was scored"
# A foreign line after the kept rows: not recorded, not kept.
fresh appended && sed -n 4p otherref.jsonl >>appended/r.jsonl
rescored appended ref.jsonl "1 line of .* after the last row"
# A kept photo replaced by a new file: the rows and .meta of a folder, then
# its second photo (chelsea.png, in name order) replaced.
rm -rf replaced && mkdir replaced && cp -a in replaced/in && sleep 0.05
photoscore_threads --jsonl replaced/full.jsonl --h5 replaced/full.h5 replaced/in >/dev/null 2>&1
head -n 3 replaced/full.jsonl >replaced/r.jsonl && cp replaced/full.jsonl.meta replaced/r.jsonl.meta
cp "$photos/coffee_blurred.jpg" replaced/new.jpg && mv replaced/new.jpg replaced/in/chelsea.png
photoscore_threads --jsonl replaced/want.jsonl --h5 replaced/want.h5 replaced/in >/dev/null 2>&1
rescored replaced replaced/want.jsonl "chelsea.png changed since it was scored" replaced/in
# Rewritten in place with the same size, its mtime put back: only the
# change time (which no user can set) tells.
rm -rf inplace && mkdir inplace && cp -a in inplace/in && sleep 0.05
photoscore_threads --jsonl inplace/full.jsonl --h5 inplace/full.h5 inplace/in >/dev/null 2>&1
head -n 3 inplace/full.jsonl >inplace/r.jsonl && cp inplace/full.jsonl.meta inplace/r.jsonl.meta
"$python" - inplace/in/chelsea.png <<'PY'
import os, sys
from PIL import Image
p = sys.argv[1]
st = os.stat(p)
data = bytearray(open(p, "rb").read())
img = Image.open(p).convert("RGB")
img = img.point(lambda v: v // 2)  # darker: another exposure score
import io
buf = io.BytesIO()
img.save(buf, format="PNG", compress_level=9)
new = buf.getvalue()
new = new[: len(data)] + b"\0" * max(0, len(data) - len(new))  # the same size: PNG readers stop at IEND
with open(p, "r+b") as f:  # in place: the same inode
    f.write(new)
os.utime(p, ns=(st.st_atime_ns, st.st_mtime_ns))
s2 = os.stat(p)
assert (s2.st_size, s2.st_mtime_ns, s2.st_ino) == (st.st_size, st.st_mtime_ns, st.st_ino)
PY
photoscore_threads --jsonl inplace/want.jsonl --h5 inplace/want.h5 inplace/in >/dev/null 2>&1
cmp -s inplace/want.jsonl inplace/full.jsonl && fail "in place: the rewritten photo scores the same (the test proves nothing)"
rescored inplace inplace/want.jsonl "chelsea.png changed since it was scored" inplace/in

e2e_done "resume trust checks passed"
