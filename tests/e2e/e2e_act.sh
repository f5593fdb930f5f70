#!/usr/bin/env bash
# Acting on verdicts, end to end, on a temporary copy of the test
# photos (sidecars are never written next to the repository's photos):
#   photoscore --link-into L --xmp --report r.html --summary-json s.json --progress 1 DIR
# scores every photo once; L holds one link per photo (error rows in
# L/error); exiftool reads a rating from every sidecar, matching the verdict;
# the report opens in headless Chromium with one item per photo; with
# --groups on a card with known groups, the browser shows each group's
# members together, best first, the others folded, a photo with EXIF
# Orientation 6 upright, a photo's camera and exposure, every thumbnail and
# name linking to its photo from the report's own folder, and no --xmp
# sidecar counted as skipped; a screenshot of it shows photos; a batch log (stderr, not a terminal) of a
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
# --- the groups in the report ----------------------------------------------
# A card with known groups (tests/tools/make_groups_card.py); its burst1_1.jpg
# (its burst's best) given a camera and exposure settings by exiftool; a
# portrait as a camera held upright stores it (the rocket cropped taller than
# wide, stored turned a quarter anticlockwise, EXIF Orientation 6); a name
# with a space, '#' and '%'; the report written in another folder than the
# photos; the card's own --xmp sidecars from a first run, and one .xmp of no
# photo's.
"$python" "$tools/make_groups_card.py" "$data/photos" gcard truth.json || fail "cannot make the groups card"
exiftool -q -q -overwrite_original -n -Make=Canon "-Model=Canon EOS R5" -ExposureTime=0.004 -FNumber=2.8 -ISO=400 \
  -FocalLength=50 gcard/burst1_1.jpg || fail "exiftool could not tag burst1_1.jpg"
"$python" - "$data/photos/rocket.jpg" gcard/portrait.jpg <<'PY' || fail "cannot make portrait.jpg"
import sys
from PIL import Image
rocket = Image.open(sys.argv[1]).convert("RGB")
w, h = rocket.size
tall = rocket.crop(((w - h * 2 // 3) // 2, 0, (w + h * 2 // 3) // 2, h))
exif = Image.Exif()
exif[0x0112] = 6  # Orientation: turn a quarter clockwise to show
tall.transpose(Image.Transpose.ROTATE_90).save(sys.argv[2], "JPEG", quality=90, exif=exif.tobytes())
PY
mv gcard/retina.jpg "gcard/ret ina #1%.jpg"
"$photoscore" --mode threads -q -r --xmp --jsonl x.jsonl --h5 x.h5 gcard >/dev/null 2>&1
echo "not a sidecar of any photo" >gcard/lonely.xmp
mkdir pages
"$photoscore" --mode threads --threads 2 --plain -r --groups g.groups --report pages/g.html --jsonl g.jsonl --h5 g.h5 \
  gcard >g.out 2>g.err || fail "the grouping run: $(tail -3 g.err)"
grep -q "^Skipped by extension: 1 file (.xmp: 1)$" g.out &&
  pass "the run's own sidecars are not skipped files, the lonely .xmp is: $(grep Skipped g.out)" ||
  fail "skipped files after --xmp: $(grep Skipped g.out || echo none)"
# The page as Chromium lays it out, with a script that reads back what a
# user sees: each group's photos in order (best first, the others in a
# <details>), every thumbnail's rendered size, every link.
sed 's#</body>#<script>addEventListener("load", function () {\
  var q = function (root, css) { return Array.prototype.slice.call(root.querySelectorAll(css)); };\
  var name = function (li) { return li.querySelector(".name a").textContent; };\
  var out = {groups: q(document, "div.group").map(function (g) { return {kind: g.dataset.kind,\
    order: q(g, "li.photo").map(name), best: q(g, "ul.best > li.photo").map(name),\
    folded: q(g, "details:not([open]) ul.others > li.photo").map(name)}; }),\
    imgs: q(document, "li.photo img").map(function (i) { var r = i.getBoundingClientRect();\
      return {name: i.alt, w: r.width, h: r.height}; }),\
    links: q(document, "li.photo").map(function (li) { return {name: name(li),\
      hrefs: q(li, "a").map(function (a) { return a.getAttribute("href"); })}; }),\
    exif: q(document, "li.photo").filter(function (li) { return name(li) === "burst1_1.jpg"; })\
      .map(function (li) { return li.querySelector(".exif").innerText; })};\
  var pre = document.createElement("pre"); pre.id = "seen"; pre.textContent = JSON.stringify(out);\
  document.body.appendChild(pre); });</script></body>#' pages/g.html >pages/g_seen.html
chrome --window-size=1280,1400 --virtual-time-budget=5000 --dump-dom "file://$work/pages/g_seen.html" >g_dom.html
"$python" - g_dom.html truth.json pages gcard <<'PY' && pass "the groups in the browser: members together, best first, the others folded; a portrait with Orientation 6 upright; a card's camera and exposure; every link opens its photo" || fail "the groups section in the browser"
import html, json, os, re, sys
from urllib.parse import unquote
dom, truth, pages, card = open(sys.argv[1]).read(), json.load(open(sys.argv[2])), sys.argv[3], sys.argv[4]
m = re.search(r'<pre id="seen">(.*?)</pre>', dom, re.S)
assert m, "no read-back in the DOM"
seen = json.loads(html.unescape(m.group(1)))
problems = []
if len(seen["groups"]) != len(truth):
    problems.append(f"{len(seen['groups'])} groups shown, the card has {len(truth)}")
for g, t in zip(seen["groups"], truth):
    if g["kind"] != t["kind"] or sorted(g["order"]) != sorted(t["members"]):
        problems.append(f"group {g} is not {t}")
    if len(g["best"]) != 1 or g["best"][0] not in t["best"] or g["order"][0] != g["best"][0]:
        problems.append(f"group {g['order']}: best {g['best']} not first or not one of {t['best']}")
    if sorted(g["folded"]) != sorted(set(t["members"]) - set(g["best"])):
        problems.append(f"group {g['order']}: folded {g['folded']}")
sizes = {}
for i in seen["imgs"]:
    if i["w"] > 0:
        sizes.setdefault(i["name"], []).append((i["w"], i["h"]))
upright, flat = sizes.get("portrait.jpg", []), sizes.get("burst1_1.jpg", [])
if not upright or any(w >= h for w, h in upright):
    problems.append(f"portrait.jpg (stored wider than tall, Orientation 6) rendered {upright}: not taller than wide")
if not flat or any(w <= h for w, h in flat):
    problems.append(f"burst1_1.jpg (no orientation) rendered {flat}: not wider than tall")
for item in seen["links"]:
    want = os.path.join(card, item["name"])
    if len(item["hrefs"]) != 2:
        problems.append(f"{item['name']}: links {item['hrefs']}")
    for href in item["hrefs"]:
        if not (os.path.exists(want) and os.path.exists(os.path.join(pages, unquote(href)))
                and os.path.samefile(os.path.join(pages, unquote(href)), want)):
            problems.append(f"{item['name']}: {href} does not open {want}")
if "ret ina #1%.jpg" not in [i["name"] for i in seen["links"]]:
    problems.append("the odd name is not on the page")
for text in seen["exif"] or ["none"]:
    for want in ["2026-06-01 10:00:00.000 +02:00", "Canon EOS R5", "1/250 s, f/2.8, ISO 400, 50 mm"]:
        if want not in text:
            problems.append(f"burst1_1.jpg's card says {text!r}, without {want!r}")
for p in problems:
    print("  " + p)
sys.exit(1 if problems else 0)
PY
chrome --window-size=1280,1400 --screenshot="$work/report.png" "file://$work/pages/g.html" >/dev/null
verdict=$("$python" - report.png <<'PY'
import sys
from PIL import Image
im = Image.open(sys.argv[1]).convert("RGB")
colors = len(set(im.resize((320, 350)).getdata()))
# A page of text on a flat background has a few hundred colours; photos bring thousands.
print("ok" if im.size == (1280, 1400) and colors > 2000 else f"{im.size} {colors} colours")
PY
)
[ "$verdict" = ok ] && pass "the screenshot of the groups shows photos (many colours)" || fail "screenshot: $verdict"
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
