#!/usr/bin/env bash
# Acting on verdicts, end to end, on a temporary copy of the test
# photos (sidecars are never written next to the repository's photos):
#   photoscore --link-into L --xmp --report r.html --summary-json s.json --progress 1 DIR
# scores every photo once; L holds one link per photo (error rows in
# L/error); exiftool reads a rating from every sidecar, matching the verdict;
# the report opens in headless Chromium with one item per photo and a
# screenshot that shows photos; a batch log (stderr, not a terminal) of a
# run of a few seconds holds progress lines. Then reruns: links replaced,
# existing sidecars kept without --force, a file in the way of a link left.
#   e2e_act.sh --photoscore BIN --data DIR [--screenshot COPY.png]
source "$(dirname "$0")/common.sh"
e2e_args "e2e_act.sh --photoscore BIN --data DIR [--screenshot COPY.png]" photoscore data -- "$@"
cd "$work" || exit 1
for tool in exiftool chromium; do
  command -v $tool >/dev/null || { echo "FAIL: $tool is missing (scripts/install-deps.sh installs it)"; exit 1; }
done

# The photos, fifteen times over under other names (hard links where the file
# system allows) so that one thread takes a few seconds (progress lines need
# a run longer than --progress: a faster run checks them with --progress
# 0.05), and one truncated JPEG for an error row.
mkdir photos
for i in $(seq 0 14); do
  for f in "$data"/photos/*; do
    ln "$f" "photos/c${i}_$(basename "$f")" 2>/dev/null || cp "$f" "photos/c${i}_$(basename "$f")"
  done
done
cp "$data/bad/truncated.jpg" photos/
before=$(ls "$data/photos" | sort | md5sum)

"$photoscore" --mode threads --threads 1 --link-into L --xmp --report r.html --summary-json s.json --progress 1 \
  --jsonl s.jsonl --h5 s.h5 photos >run.out 2>run.err
rc=$?
[ "$rc" -eq 0 ] && pass "exit 0 (the run completed, one truncated file has its error row)" ||
  fail "exit $rc, expected 0; stderr: $(tail -3 run.err)"

rows=$(wc -l <s.jsonl)
photos=$(ls photos | grep -vc -e '\.txt$' -e '\.xmp$')
ok=$(grep -c '"status":"ok"' s.jsonl)
[ "$rows" -eq "$photos" ] && pass "$rows rows for $photos photos" || fail "$rows rows for $photos photos"
[ "$(cut -d, -f1 s.jsonl | sort | uniq -d | wc -l)" -eq 0 ] && pass "every photo scored once" || fail "a photo scored twice"

# --- links ---------------------------------------------------------------
links=$(find L -mindepth 2 -maxdepth 2 -type l | wc -l)
[ "$links" -eq "$rows" ] && pass "L holds $links links, one per photo" || fail "L holds $links links for $rows photos"
[ -L L/error/truncated.jpg ] && pass "the error row's link is in L/error" || fail "no L/error/truncated.jpg"
bad=0
for verdict in post_it maybe delete; do
  for link in L/$verdict/*; do
    [ -L "$link" ] || continue
    target=$(readlink "$link")
    case $target in /*) ;; *) bad=$((bad + 1)) ;; esac
    [ -f "$link" ] || bad=$((bad + 1))
    name=$(basename "$link")
    grep -q "\"filename\":\"$name\",\"quality_score\":[0-9.]*,\"verdict\":\"$verdict\"" s.jsonl || bad=$((bad + 1))
  done
done
[ "$bad" -eq 0 ] && pass "links are absolute, resolve, and sit under their row's verdict" || fail "$bad links wrong"

# --- XMP sidecars --------------------------------------------------------
sidecars=$(ls photos/*.xmp | wc -l)
[ "$sidecars" -eq "$ok" ] && pass "$sidecars sidecars for $ok scored photos" || fail "$sidecars sidecars for $ok scored photos"
[ ! -e photos/truncated.jpg.xmp ] && pass "no sidecar for the error row" || fail "the error row got a sidecar"
exiftool -q -q -s3 -XMP-xmp:Rating photos/*.xmp >ratings.txt
[ "$(grep -cE '^(5|3|-1)$' ratings.txt)" -eq "$ok" ] && pass "exiftool reads a rating (5, 3 or -1) from every sidecar" \
  || fail "exiftool read $(grep -cE '^(5|3|-1)$' ratings.txt) ratings from $ok sidecars"
mismatch=$("$python" - s.jsonl <<'PY'
import json, subprocess, sys
rating = {"post_it": "5", "maybe": "3", "delete": "-1"}
label = {"post_it": "Green", "maybe": "Yellow", "delete": "Red"}
rows = [json.loads(l) for l in open(sys.argv[1]) if '"ok"' in l]
out = subprocess.run(["exiftool", "-j", "-XMP-xmp:Rating", "-XMP-xmp:Label", "-XMP-photoscore:all"]
                     + ["photos/" + r["filename"] + ".xmp" for r in rows], capture_output=True, text=True).stdout
bad = 0
for r, x in zip(rows, json.loads(out)):
    if str(x.get("Rating")) != rating[r["verdict"]] or x.get("Label") != label[r["verdict"]]:
        bad += 1
    elif abs(float(x.get("Quality_score", -9)) - r["quality_score"]) > 1e-9:
        bad += 1
print(bad)
PY
)
[ "$mismatch" = 0 ] && pass "every sidecar's Rating, Label and photoscore:quality_score match its row" \
  || fail "$mismatch sidecars disagree with their rows"

# --- the report in Chromium ----------------------------------------------
chrome() {
  timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync --user-data-dir="$work/chromium" \
    --hide-scrollbars "$@" 2>/dev/null
}
chrome --dump-dom "file://$work/r.html" >dom.html
items=$(grep -o '<li class="photo"' dom.html | wc -l)
[ "$items" -eq "$rows" ] && pass "the report's DOM has $items items, one per photo" || fail "$items items in the DOM for $rows photos"
[ "$(grep -o 'src="data:image/jpeg;base64,' dom.html | wc -l)" -gt 0 ] && pass "thumbnails embedded as data: URIs" \
  || fail "no embedded thumbnails"
grep -qE 'src="(https?|file):' r.html && fail "the report loads something from outside" || pass "the report is self-contained"
chrome --window-size=1280,1400 --screenshot="$work/report.png" "file://$work/r.html" >/dev/null
verdict=$("$python" - report.png <<'PY'
import sys
from PIL import Image
im = Image.open(sys.argv[1]).convert("RGB")
colors = len(set(im.resize((320, 350)).getdata()))
# A page of text on a flat background has a few hundred colours; photos bring thousands.
print("ok" if im.size == (1280, 1400) and colors > 2000 else f"{im.size} {colors} colours")
PY
)
[ "$verdict" = ok ] && pass "the screenshot shows photos (many colours)" || fail "screenshot: $verdict"
[ -n "$screenshot" ] && cp report.png "$screenshot"

# --- summary for scripts -------------------------------------------------
"$python" - s.json "$rows" <<'PY' && pass "summary JSON: counts add up, best shots, images/s" || fail "summary JSON"
import json, sys
s = json.load(open(sys.argv[1]))
c = s["counts"]
assert c["post_it"] + c["maybe"] + c["delete"] + s["errors"] == int(sys.argv[2]), s
assert s["errors"] == 1 and s["best_shots"] and s["images_per_second"] > 0 and s["wall_seconds"] > 0
assert s["options"]["analyzers"] == ["sharpness", "exposure", "composition"]
PY

# --- progress in a batch log ---------------------------------------------
wall=$("$python" -c 'import json,sys; print(json.load(open(sys.argv[1]))["wall_seconds"])' s.json)
lines=$(grep -c '^photoscore: progress ' run.err)
# Lines come every second, so any run past 1.2 s must have at least one.
if "$python" -c 'import sys; sys.exit(0 if float(sys.argv[1]) > 1.2 else 1)' "$wall"; then
  [ "$lines" -ge 1 ] && pass "a ${wall} s run logged $lines progress lines" || fail "no progress line in ${wall} s"
  grep '^photoscore: progress ' run.err | tail -1 | grep -qE "^photoscore: progress ([0-9,]+)/\1 photos \(100.0 %\)" \
    && pass "the last progress line says $rows/$rows" || fail "last progress line: $(tail -1 run.err)"
else
  echo "note: the run took only ${wall} s; progress checked with --progress 0.05"
  "$photoscore" --mode threads --threads 1 --progress 0.05 --jsonl p.jsonl --h5 p.h5 photos >/dev/null 2>p.err
  [ "$(grep -c '^photoscore: progress ' p.err)" -ge 1 ] && pass "progress lines" || fail "no progress line"
fi
head -3 run.err | sed 's/^/      /'
"$photoscore" --mode threads -q --progress 0.01 --max-images 100 --jsonl q.jsonl --h5 q.h5 photos >/dev/null 2>q.err
grep -q progress q.err && fail "-q printed progress" || pass "-q prints no progress"

# --- reruns ----------------------------------------------------------------
"$photoscore" --mode threads -q --link-into L --xmp --thresholds 0.45,0.3 --jsonl s2.jsonl --h5 s2.h5 photos >/dev/null 2>rerun.err
[ "$(find L -mindepth 2 -type l | wc -l)" -eq "$rows" ] && pass "rerun with new thresholds: still one link per photo" \
  || fail "rerun: $(find L -mindepth 2 -type l | wc -l) links"
# The sidecars are the run's own: updated (Rating, Label, photoscore's
# properties) with or without --force (e2e_side_effects.sh: another tool's
# keep the rest).
grep -q "existing sidecars updated" rerun.err && pass "rerun without --force updates the sidecars: $(grep sidecars rerun.err)" \
  || fail "rerun: no 'updated' line: $(cat rerun.err)"
[ "$(exiftool -q -q -s3 -XMP-xmp:Rating photos/c0_coffee_blurred.jpg.xmp)" = 5 ] || fail "a sidecar's rating after the rerun"
"$photoscore" --mode threads -q --xmp --force --thresholds 0.6,0.3 --jsonl s3.jsonl --h5 s3.h5 photos >/dev/null 2>force.err
[ "$(exiftool -q -q -s3 -XMP-xmp:Rating photos/c0_coffee_blurred.jpg.xmp)" = 3 ] && pass "--force: sidecars updated" ||
  fail "--force did not update the sidecar"
rm L/post_it/c0_coffee_sharpened.png && echo mine >L/post_it/c0_coffee_sharpened.png
"$photoscore" --mode threads -q --link-into L --jsonl s4.jsonl --h5 s4.h5 photos >/dev/null 2>inway.err
[ "$(cat L/post_it/c0_coffee_sharpened.png)" = mine ] && grep -q "not a link is in the way" inway.err \
  && pass "a file in the way is left alone: $(cat inway.err)" || fail "a file in the way: $(cat inway.err)"

[ "$(ls "$data/photos" | sort | md5sum)" = "$before" ] && pass "nothing written next to the repository's photos" \
  || fail "files appeared in $data/photos"

e2e_done "all acting-on-verdicts checks passed"
