#!/usr/bin/env bash
# Outputs that follow no link and touch nothing that is not theirs, and side
# effects per photo, in thread mode:
#  - links planted as r.jsonl.lock, a.png.xmp.partial-PID and
#    r.h5.partial-PID (PID: the run's own): their targets are untouched;
#  - two jobs with different --jsonl in one folder: the second stops (the
#    default photo_scores.h5's lock), and so does one sharing only --report;
#    a user's results.meta and results.lock beside --jsonl results: refused,
#    both as they were;
#  - a run killed outright (SIGKILL) leaves r.h5.partial-PID: the next run
#    on those outputs removes it; a partial of a live pid, a link and a
#    file that is not photoscore's are left;
#  - a read-only photo folder with --xmp: every row, exit 0, a warning per
#    photo, counted in the summary and /run; a 240-byte photo name gets its
#    sidecar, a 252-byte one a warning; an existing darktable/digiKam
#    sidecar is updated (Rating, Label, photoscore's properties) and keeps
#    its history, keywords, tags and title, with and without --force;
#  - -r --link-into: x/y__IMG.png and x__y/IMG.png get two links, a name
#    past 255 bytes a shortened one; --link-into inside the input refused;
#  - -r with a folder past PATH_MAX: said on stderr and counted.
#   e2e_side_effects.sh --photoscore BIN --photos DIR
source "$(dirname "$0")/common.sh"
e2e_args "e2e_side_effects.sh --photoscore BIN --photos DIR" photoscore photos -- "$@"
first=""
e2e_cleanup() { [ -n "$first" ] && kill -9 "$first" 2>/dev/null; }
cd "$work" || exit 1
attr() { "$python" -c "import h5py, sys; print(h5py.File(sys.argv[1])['run'].attrs[sys.argv[2]])" "$1" "$2" 2>&1; }
summary() { "$python" -c "import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$1" "$2" 2>&1; }

mkdir in
cp "$photos/tiny_3x2.png" in/a.png
cp "$photos/camera.png" in/b.png
cp "$photos/rocket.jpg" in/c.jpg
echo "precious" >target

# --- links planted where photoscore makes its files ---------------------------
mkdir o1 && ln -s ../target o1/r.jsonl.lock
photoscore_threads --jsonl o1/r.jsonl --h5 o1/r.h5 in >/dev/null 2>o1.err
rc=$?
[ "$rc" = 2 ] && grep -q "r.jsonl.lock exists and is not photoscore's lock file (a symbolic link)" o1.err &&
  [ "$(cat target)" = precious ] && [ -L o1/r.jsonl.lock ] && [ ! -e o1/r.jsonl ] &&
  pass "a link as r.jsonl.lock: refused, its target untouched: $(cat o1.err)" || fail "r.jsonl.lock link: exit $rc: $(cat o1.err)"
photoscore_threads --force --jsonl o1/r.jsonl --h5 o1/r.h5 in >/dev/null 2>o1f.err
rc=$?
[ "$rc" = 0 ] && [ "$(cat target)" = precious ] && [ ! -e o1/r.jsonl.lock ] && [ "$(wc -l <o1/r.jsonl)" = 3 ] &&
  pass "--force: the link replaced (not its target), the run done" || fail "--force over the lock link: exit $rc: $(cat o1f.err)"
# A partial file's name with the run's own pid: the subshell's pid is the
# one photoscore runs as (exec).
mkdir o2 xmp
cp in/* xmp/
(
  ln -s ../target "o2/r.h5.partial-$BASHPID"
  ln -s ../target "xmp/a.png.xmp.partial-$BASHPID"
  exec "$photoscore" --mode threads --threads 2 --quiet --xmp --jsonl o2/r.jsonl --h5 o2/r.h5 xmp >/dev/null 2>o2.err
)
rc=$?
[ "$rc" = 0 ] && [ "$(cat target)" = precious ] && [ -s o2/r.h5 ] && [ "$(attr o2/r.h5 images)" = 3 ] &&
  exiftool -q -q -s3 -XMP-xmp:Label xmp/a.png.xmp | grep -q . &&
  pass "links as r.h5.partial-PID and a.png.xmp.partial-PID: targets untouched, HDF5 and sidecar written" ||
  fail "partial links: exit $rc, target '$(cat target)': $(cat o2.err)"
ls o2 | grep -q 'partial-[0-9]*-2$' && fail "a temporary file was left: $(ls o2)"

# --- two jobs, one folder ----------------------------------------------------
mkdir slow
for i in $(seq -w 1 40); do cp "$photos/astronaut_2048.jpg" "slow/p$i.jpg"; done
mkdir two && cd two || exit 1
"$photoscore" --mode threads --threads 1 --quiet --jsonl a.jsonl --report rep.html ../slow >a.out 2>a.err &
first=$!
for _ in $(seq 1 200); do [ -s a.jsonl ] && break; sleep 0.05; done
if ! kill -0 "$first" 2>/dev/null; then
  fail "the first job ended before a second could be started"
else
  "$photoscore" --mode threads --quiet --jsonl b.jsonl ../slow >b.out 2>b.err
  rc=$?
  [ "$rc" = 2 ] && grep -q "another photoscore job (pid $first .*photo_scores.h5.lock is locked" b.err && [ ! -e b.jsonl ] &&
    pass "another --jsonl, the same default photo_scores.h5: refused: $(cat b.err)" || fail "second job: exit $rc: $(cat b.err)"
  "$photoscore" --mode threads --quiet --jsonl c.jsonl --h5 c.h5 --report rep.html --force ../slow >c.out 2>c.err
  rc=$?
  [ "$rc" = 2 ] && grep -q "rep.html.lock is locked" c.err && [ ! -e c.jsonl ] &&
    pass "the same --report only: refused: $(cat c.err)" || fail "third job: exit $rc: $(cat c.err)"
fi
wait "$first"
rc=$?
first=""
[ "$rc" = 0 ] && [ "$(wc -l <a.jsonl)" = 40 ] && [ -s photo_scores.h5 ] && [ -s rep.html ] && [ -z "$(ls | grep -e lock -e partial)" ] &&
  pass "the first job finished unharmed, no lock or partial file left" || fail "first job: exit $rc: $(cat a.err) $(ls)"
cd ..

# --- a user's NAME.meta and NAME.lock ---------------------------------------
mkdir o3 && echo "my meta" >o3/results.meta && echo "my lock" >o3/results.lock
photoscore_threads --jsonl o3/results --h5 o3/results.h5 in >/dev/null 2>o3.err
rc=$?
[ "$rc" = 2 ] && [ "$(cat o3/results.meta)" = "my meta" ] && [ "$(cat o3/results.lock)" = "my lock" ] && [ ! -e o3/results ] &&
  pass "a user's results.lock and results.meta: refused, both kept: $(cat o3.err)" || fail "user's files: exit $rc: $(cat o3.err)"
rm o3/results.lock
photoscore_threads --jsonl o3/results --h5 o3/results.h5 in >/dev/null 2>o3b.err
rc=$?
[ "$rc" = 2 ] && grep -q "results.meta exists and is not a photoscore .meta file" o3b.err && [ "$(cat o3/results.meta)" = "my meta" ] &&
  pass "a user's results.meta alone: refused, kept: $(cat o3b.err)" || fail "user's meta: exit $rc: $(cat o3b.err)"

# --- a run killed outright, then the next run -------------------------------
mkdir o4
"$photoscore" --mode threads --threads 1 --quiet --jsonl o4/r.jsonl --h5 o4/r.h5 --csv o4/r.csv slow >/dev/null 2>&1 &
first=$!
for _ in $(seq 1 200); do [ -s o4/r.jsonl ] && break; sleep 0.05; done
kill -9 "$first"
wait "$first" 2>/dev/null
dead=$first
first=""
[ -e "o4/r.h5.partial-$dead" ] && [ -e "o4/r.csv.partial-$dead" ] || fail "no partial files after SIGKILL: $(ls o4)"
sleep 300 &  # alive until the check is done
live=$!
echo "not ours" >"o4/r.h5.partial-$((dead + 100000))"  # a pid that is not running, a file that is not HDF5
cp "o4/r.h5.partial-$dead" "o4/r.h5.partial-$live"    # a live pid
ln -s ../target "o4/r.csv.partial-$((dead + 100001))"  # a link
photoscore_threads --force --jsonl o4/r.jsonl --h5 o4/r.h5 --csv o4/r.csv in >/dev/null 2>o4.err
rc=$?
[ "$rc" = 0 ] && [ ! -e "o4/r.h5.partial-$dead" ] && [ ! -e "o4/r.csv.partial-$dead" ] && grep -q "removed .*r.h5.partial-$dead" o4.err &&
  [ -e "o4/r.h5.partial-$((dead + 100000))" ] && [ -e "o4/r.h5.partial-$live" ] && [ -L "o4/r.csv.partial-$((dead + 100001))" ] &&
  [ "$(cat target)" = precious ] &&
  pass "the killed run's partial files removed by the next run; others left: $(head -n 1 o4.err)" ||
  fail "leftovers: exit $rc, $(ls o4): $(cat o4.err)"
kill "$live"
wait "$live" 2>/dev/null

# --- sidecars per photo ------------------------------------------------------
mkdir ro
cp in/* ro/
long240=$(printf 'p%.0s' $(seq 1 236)).png
long252=$(printf 'q%.0s' $(seq 1 248)).png
cp "$photos/tiny_3x2.png" "ro/$long240"
cp "$photos/tiny_3x2.png" "ro/$long252"
# Read-only: a read-only bind mount (root writes through mode bits), else
# the mode bits.
if [ "$(id -u)" = 0 ]; then
  unshare --mount sh -c 'mount --bind ro ro && mount -o remount,bind,ro ro && exec "$@"' sh \
    "$photoscore" --mode threads --threads 2 --quiet --xmp --jsonl ro.jsonl --h5 ro.h5 --summary-json ro.json ro >/dev/null 2>ro.err
  rc=$?
else
  chmod a-w ro
  photoscore_threads --xmp --jsonl ro.jsonl --h5 ro.h5 --summary-json ro.json ro >/dev/null 2>ro.err
  rc=$?
  chmod u+w ro
fi
[ "$rc" = 0 ] && [ "$(wc -l <ro.jsonl)" = 5 ] && [ "$(summary ro.json warnings)" = 5 ] && [ "$(attr ro.h5 warnings)" = 5 ] &&
  [ "$(grep -c 'warning: --xmp: no sidecar' ro.err)" = 5 ] && [ -z "$(ls ro | grep xmp)" ] &&
  pass "a read-only photo folder with --xmp: 5 rows, exit 0, 5 warnings (summary, /run): $(head -n 1 ro.err)" ||
  fail "read-only folder: exit $rc, $(wc -l <ro.jsonl) rows, summary $(summary ro.json warnings), /run $(attr ro.h5 warnings): $(cat ro.err)"
photoscore_threads --xmp --jsonl long.jsonl --h5 long.h5 --summary-json long.json ro >/dev/null 2>long.err
rc=$?
[ "$rc" = 0 ] && [ -s "ro/$long240.xmp" ] && [ ! -e "ro/$long252.xmp" ] && [ "$(summary long.json warnings)" = 1 ] &&
  grep -q "255 bytes" long.err && [ -z "$(ls -a ro | grep partial)" ] &&
  pass "a 240-byte photo name gets its sidecar; a 252-byte one a warning: $(grep -c . long.err) line(s)" ||
  fail "long names: exit $rc, $(ls ro | cut -c 1-30 | tr '\n' ' '): $(cat long.err)"

# Another tool's sidecar: updated, everything else kept.
mkdir dt
cp "$photos/rocket.jpg" dt/rocket.jpg
cat >dt/rocket.jpg.xmp <<'XMP'
<?xpacket begin="?" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/" x:xmptk="XMP Core 4.4.0-Exiv2">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:darktable="http://darktable.sf.net/"
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:lr="http://ns.adobe.com/lightroom/1.0/"
    xmlns:digiKam="http://www.digikam.org/ns/1.0/"
   xmp:Rating="1"
   darktable:xmp_version="5"
   darktable:history_end="2">
   <darktable:history>
    <rdf:Seq>
     <rdf:li darktable:num="0" darktable:operation="exposure" darktable:enabled="1" darktable:params="0000803f"/>
     <rdf:li darktable:num="1" darktable:operation="colorin" darktable:enabled="1" darktable:params="gz48eJzjZBgFow"/>
    </rdf:Seq>
   </darktable:history>
   <dc:subject><rdf:Bag><rdf:li>rocket</rdf:li><rdf:li>launch</rdf:li></rdf:Bag></dc:subject>
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">Liftoff</rdf:li></rdf:Alt></dc:title>
   <lr:hierarchicalSubject><rdf:Bag><rdf:li>places|Florida</rdf:li></rdf:Bag></lr:hierarchicalSubject>
   <digiKam:TagsList><rdf:Seq><rdf:li>places/Florida</rdf:li></rdf:Seq></digiKam:TagsList>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>
XMP
cp dt/rocket.jpg.xmp dt.orig
others() {  # every tag but Rating, Label, photoscore's and the file's own
  exiftool -j -G1 -struct "$1" | "$python" -c "
import json, sys
tags = json.load(sys.stdin)[0]
print(json.dumps({k: v for k, v in tags.items()
                  if not k.startswith(('System:', 'ExifTool:', 'XMP-photoscore:', 'SourceFile'))
                  and k not in ('XMP-xmp:Rating', 'XMP-xmp:Label')}, sort_keys=True))"
}
want=$(others dt.orig)
for force in "" --force; do
  photoscore_threads --xmp $force --thresholds 0.3,0.2 --jsonl "dt$force.jsonl" --h5 "dt$force.h5" dt >/dev/null 2>dt.err
  rc=$?
  got=$(others dt/rocket.jpg.xmp)
  rating=$(exiftool -q -q -s3 -XMP-xmp:Rating dt/rocket.jpg.xmp)
  verdict=$(exiftool -q -q -s3 -XMP-photoscore:Verdict dt/rocket.jpg.xmp)
  [ "$rc" = 0 ] && [ "$got" = "$want" ] && [ "$rating" = 5 ] && [ "$verdict" = post_it ] && grep -q "History_end" <<<"$got" && grep -q colorin <<<"$got" &&
    grep -q Liftoff <<<"$got" && grep -q "places/Florida" <<<"$got" &&
    pass "darktable/digiKam sidecar ${force:-without --force}: Rating 5, photoscore's verdict, history, keywords, tags, title kept" ||
    fail "sidecar ${force:-without --force}: exit $rc, rating $rating, verdict $verdict, $(diff <(echo "$want") <(echo "$got")) $(cat dt.err)"
done

# --- links under -r ----------------------------------------------------------
mkdir -p deep/x/y__ deep/x__y
cp "$photos/tiny_3x2.png" deep/x/y__IMG.png
cp "$photos/camera.png" deep/x__y/IMG.png
longdir=$(printf 'd%.0s' $(seq 1 200))
mkdir "deep/$longdir"
cp "$photos/coffee.png" "deep/$longdir/$(printf 'f%.0s' $(seq 1 100)).png"
photoscore_threads -r --link-into links --jsonl deep.jsonl --h5 deep.h5 --summary-json deep.json deep >/dev/null 2>deep.err
rc=$?
n=$(find links -mindepth 2 -type l | wc -l)
broken=$(find -L links -mindepth 2 -type l | wc -l)
longest=$(find links -mindepth 2 -type l -printf '%f\n' | awk '{ print length($0) }' | sort -n | tail -n 1)
[ "$rc" = 0 ] && [ "$n" = 3 ] && [ "$broken" = 0 ] && [ "$longest" -le 255 ] && [ "$(summary deep.json warnings)" = 0 ] &&
  pass "x/y__IMG.png and x__y/IMG.png get two links, a 306-byte name a ${longest}-byte one: $(find links -mindepth 2 -type l -printf '%f\n' | cut -c 1-40 | tr '\n' ' ')" ||
  fail "links: exit $rc, $n links, $broken broken, longest $longest: $(cat deep.err)"
photoscore_threads -r --link-into deep/links --jsonl inside.jsonl --h5 inside.h5 deep >/dev/null 2>inside.err
rc=$?
[ "$rc" = 2 ] && grep -q "inside the input folder" inside.err && [ ! -e deep/links ] &&
  pass "-r --link-into inside the input: refused: $(cat inside.err)" || fail "link-into inside: exit $rc: $(cat inside.err)"

# --- -r and a folder past PATH_MAX ------------------------------------------
mkdir tree
cp "$photos/tiny_3x2.png" tree/top.png
"$python" - tree "$photos/tiny_3x2.png" <<'PY'
import os, sys
root, photo = sys.argv[1], open(sys.argv[2], "rb").read()
fd = os.open(root, os.O_RDONLY)
depth = 0
while depth < 4200:  # each level 201 bytes: past PATH_MAX (4096) at the 21st
    name = "n" * 200
    os.mkdir(name, dir_fd=fd)
    nfd = os.open(name, os.O_RDONLY, dir_fd=fd)
    os.close(fd)
    fd = nfd
    depth += 201
out = os.open("deep.png", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
os.write(out, photo)
os.close(out)
PY
photoscore_threads -r --jsonl tree.jsonl --h5 tree.h5 --summary-json tree.json tree >/dev/null 2>tree.err
rc=$?
[ "$rc" = 0 ] && [ "$(wc -l <tree.jsonl)" = 1 ] && grep -q "longer than PATH_MAX" tree.err && [ "$(summary tree.json skipped_folders)" = 1 ] &&
  [ "$(attr tree.h5 skipped_folders)" = 1 ] &&
  pass "-r, a folder past PATH_MAX: said and counted: $(cut -c 1-100 tree.err)..." ||
  fail "PATH_MAX: exit $rc, $(wc -l <tree.jsonl) rows, $(summary tree.json skipped_folders): $(cut -c 1-300 tree.err)"

e2e_done "side-effect checks passed"
