#!/usr/bin/env bash
# --groups FILE on a card whose groups are known because
# tests/tools/make_groups_card.py made it (two bursts of three frames with a
# blurred or darkened one, a photo and its half-size export without EXIF,
# three different photos one second apart, a photo alone, a truncated JPEG):
#  - the groups file holds exactly the card's groups, kinds and members in
#    file order, each best one the card allows (never the blurred or the
#    darkened frame);
#  - it is byte-identical in thread mode, in the farm at 2 and 3 ranks, in the
#    roles layout at 3 and 4 ranks, and after --resume of a run cut after 5
#    rows;
#  - the JSONL rows of a grouping run are those of a run without --groups
#    plus perceptual_hash and capture_time, /scores agrees with them
#    (check_h5.py, thread mode and farm), and /run records the thresholds;
#  - the other outputs show the same groups: HDF5 /groups (a row per member,
#    its /scores row, the best flagged), the summary's counts, the
#    dashboard's line, --link-into's not_best folder (the members that are
#    not their group's best, and no other photo) and the report's groups
#    section (each group's best first, the others folded in <details>);
#  - --resume across --groups and back is refused (exit 2), a negative
#    --burst-gap and a threshold without --groups are refused with one line
#    (exit 2), an existing groups file is not replaced without --force.
#   e2e_groups.sh --photoscore BIN --photos DIR --mpiexec mpirun
source "$(dirname "$0")/common.sh"
e2e_args "e2e_groups.sh --photoscore BIN --photos DIR --mpiexec mpirun" photoscore photos mpiexec -- "$@"
cd "$work" || exit 1

"$python" "$tools/make_groups_card.py" "$photos" card truth.json || { echo "FAIL: cannot make the card"; exit 1; }

# The groups file against the card's truth.
check_groups() {
  "$python" - "$1" truth.json <<'PY'
import json, sys
got = [json.loads(line) for line in open(sys.argv[1])]
truth = json.load(open(sys.argv[2]))
problems = []
if len(got) != len(truth):
    problems.append(f"{len(got)} groups, the card has {len(truth)}: {got}")
for g, t in zip(got, truth):
    if set(g) != {"kind", "members", "best"}:
        problems.append(f"keys {sorted(g)}")
    if g.get("members") != t["members"]:
        problems.append(f"members {g.get('members')}, the card's {t['members']}")
    elif g.get("kind") != t["kind"]:
        problems.append(f"{t['members'][0]}'s group is a {g.get('kind')}, the card's a {t['kind']}")
    elif g.get("best") not in t["best"]:
        problems.append(f"{t['members'][0]}'s group: best {g.get('best')}, the card allows {t['best']}")
for p in problems:
    print("   " + p)
sys.exit(1 if problems else 0)
PY
}

groups_run() {  # groups_run NAME LAUNCH...: a run of the card with --groups NAME.jsonl
  local name=$1
  shift
  run_logged "$name" "$@" -r --quiet --jsonl "$name.rows.jsonl" --h5 "$name.h5" --groups "$name.jsonl" card
}

groups_run threads "$photoscore" --mode threads --threads 2
[ "$(rc threads)" = 0 ] || fail "threads: exit $(rc threads): $(head -c 300 threads.err)"
check_groups threads.jsonl && pass "threads: the card's groups, kinds and members; no degraded best" ||
  fail "threads: the groups file: $(cat threads.jsonl)"

for launch in "farm 2" "farm 3" "roles 3" "roles 4"; do
  set -- $launch
  mpi_launch mpi "$2"
  groups_run "$1$2" "${mpi[@]}" "$photoscore" --layout "$1" --threads 1
  [ "$(rc "$1$2")" = 0 ] || fail "$1 at $2 ranks: exit $(rc "$1$2"): $(head -c 300 "$1$2.err")"
  cmp -s threads.jsonl "$1$2.jsonl" && pass "$1 at $2 ranks: the groups file byte-identical to thread mode's" ||
    fail "$1 at $2 ranks: the groups file differs: $(cat "$1$2.jsonl")"
  cmp -s threads.rows.jsonl "$1$2.rows.jsonl" || fail "$1 at $2 ranks: the JSONL differs from thread mode's"
done
# /scores of a grouping run is its JSONL, grouping columns included (rows
# formatted on the ranks that scored them).
for run in threads farm3; do
  "$python" "$tools/check_h5.py" "$run.rows.jsonl" "$run.h5" --errors 1 >"$run.check" 2>&1 &&
    pass "$run: /scores agrees with the grouping JSONL" || fail "$run: check_h5.py: $(head -c 300 "$run.check")"
done

# --resume of a run cut after 5 rows (the JSONL and its .meta as a kill
# leaves them): the same groups file as one run.
mkdir cut
head -n 5 threads.rows.jsonl >cut/rows.jsonl
cp threads.rows.jsonl.meta cut/rows.jsonl.meta
run_logged resumed "$photoscore" --mode threads --threads 2 -r --quiet --resume --jsonl cut/rows.jsonl \
  --h5 cut/rows.h5 --groups cut/groups.jsonl card
[ "$(rc resumed)" = 0 ] && cmp -s threads.jsonl cut/groups.jsonl && cmp -s threads.rows.jsonl cut/rows.jsonl &&
  pass "--resume after 5 rows: the groups file and the JSONL byte-identical to one run's" ||
  fail "--resume after 5 rows: exit $(rc resumed): $(head -c 300 resumed.err) $(cat cut/groups.jsonl)"

# Without --groups: the rows as always, the grouping run's rows are those rows
# plus the hash and the capture time; /run records the thresholds.
run_logged plain "$photoscore" --mode threads --threads 2 -r --quiet --jsonl plain.jsonl --h5 plain.h5 card
"$python" - plain.jsonl threads.rows.jsonl threads.h5 plain.h5 <<'PY' && pass "the JSONL without --groups has no grouping columns; with it, the same rows plus perceptual_hash and capture_time; /run has the thresholds" || fail "the grouping columns or /run"
import json, sys
import h5py
plain = [json.loads(line) for line in open(sys.argv[1])]
grouping = [json.loads(line) for line in open(sys.argv[2])]
problems = []
for p, g in zip(plain, grouping):
    if "perceptual_hash" in p or "capture_time" in p:
        problems.append(f"{p['filename']}: a grouping column without --groups")
    rest = {k: v for k, v in g.items() if k not in ("perceptual_hash", "capture_time")}
    if rest != p:
        problems.append(f"{p['filename']}: the grouping row is not the plain row plus two columns")
    if p["status"] == "ok" and len(g.get("perceptual_hash") or "") != 16:
        problems.append(f"{p['filename']}: hash {g.get('perceptual_hash')!r}")
times = {g["filename"]: g.get("capture_time") for g in grouping}
if times.get("burst1_2.jpg") != "2026-06-01T10:00:00.300+02:00" or times.get("retina.jpg") is not None:
    problems.append(f"capture times {times}")
if len(plain) != len(grouping) or len(plain) != 13:
    problems.append(f"{len(plain)} and {len(grouping)} rows, the card has 13 files")
with h5py.File(sys.argv[3]) as f:
    run = f["run"].attrs
    want = {"burst_gap": 2.0, "burst_distance": 14, "duplicate_distance": 8}
    for k, v in want.items():
        if k not in run or run[k] != v:
            problems.append(f"/run {k}={run.get(k)!r}, expected {v}")
    if "perceptual_hash" not in f["scores"].dtype.names:
        problems.append("/scores of a grouping run has no perceptual_hash")
with h5py.File(sys.argv[4]) as f:
    if "burst_gap" in f["run"].attrs or "perceptual_hash" in f["scores"].dtype.names:
        problems.append("a run without --groups has grouping attributes or columns")
for p in problems[:10]:
    print("   " + p)
sys.exit(1 if problems else 0)
PY

# Everywhere a user looks: the same groups as the groups file.
run_logged shown "$photoscore" --mode threads --threads 2 -r --no-photos --jsonl shown.rows.jsonl --h5 shown.h5 \
  --groups shown.jsonl --summary-json shown.json --link-into links --report shown.html card
[ "$(rc shown)" = 0 ] || fail "the run with every output: exit $(rc shown): $(head -c 300 shown.err)"
cmp -s threads.jsonl shown.jsonl || fail "the groups file differs with the other outputs asked for"
"$python" - shown.jsonl shown.rows.jsonl shown.h5 shown.json links shown.html shown.out <<'PY' && pass "HDF5 /groups, the summary, the dashboard, --link-into's not_best and the report show the groups file's groups" || fail "the groups shown in the other outputs"
import json, os, re, sys
import h5py
groups_path, rows_path, h5_path, summary_path, links, report, dashboard = sys.argv[1:8]
groups = [json.loads(line) for line in open(groups_path)]
rows = [json.loads(line)["filename"] for line in open(rows_path)]
problems = []
with h5py.File(h5_path) as f:
    table = f["groups"][()]
    scores = [n.decode() for n in f["scores"]["filename"]]
    got = []
    for r in table:
        name = r["filename"].decode()
        if scores[r["row"]] != name:
            problems.append(f"/groups row {r['row']} is {name}, /scores has {scores[r['row']]} there")
        got.append((int(r["group"]), r["kind"].decode(), name, int(r["best"])))
    want = [(g, grp["kind"], m, int(m == grp["best"])) for g, grp in enumerate(groups) for m in grp["members"]]
    if got != want:
        problems.append(f"/groups {got}, the groups file says {want}")
summary = json.load(open(summary_path)).get("groups", {})
want = {"groups": len(groups), "bursts": sum(g["kind"] == "burst" for g in groups),
        "duplicates": sum(g["kind"] == "duplicate" for g in groups),
        "photos_in_groups": sum(len(g["members"]) for g in groups)}
if {k: summary.get(k) for k in want} != want:
    problems.append(f"summary groups {summary}, expected {want}")
line = [l for l in open(dashboard) if l.startswith("Groups:")]
if len(line) != 1 or not line[0].startswith(f"Groups: {want['groups']} ({want['bursts']} bursts, "
                                             f"{want['duplicates']} duplicate group) holding {want['photos_in_groups']} photos"):
    problems.append(f"dashboard: {line}")
not_best = sorted(os.listdir(os.path.join(links, "not_best")))
want_links = sorted(m.replace("%", "%25").replace("/", "%2F") for g in groups for m in g["members"] if m != g["best"])
if not_best != want_links:
    problems.append(f"not_best holds {not_best}, expected {want_links}")
for name in not_best:
    target = os.readlink(os.path.join(links, "not_best", name))
    if not os.path.isabs(target) or not os.path.samefile(target, os.path.join("card", name.replace("%2F", "/"))):
        problems.append(f"not_best/{name} -> {target}")
html = open(report).read()
section = html[html.find('<section id="groups">'):]
section = section[:section.find("</section>")]
blocks = re.findall(r'<div class="group".*?</div>\n', section, re.S)
if len(blocks) != len(groups):
    problems.append(f"the report shows {len(blocks)} groups, the file has {len(groups)}")
for block, g in zip(blocks, groups):
    best_part, _, folded = block.partition("<details>")
    names = lambda part: re.findall(r'<div class="name"><a href="[^"]*">([^<]*)', part)
    if names(best_part) != [g["best"]]:
        problems.append(f"report: {names(best_part)} shown first, the best is {g['best']}")
    if sorted(names(folded)) != sorted(m for m in g["members"] if m != g["best"]) or "</details>" not in folded:
        problems.append(f"report: folded {names(folded)} for {g}")
for p in problems[:10]:
    print("   " + p)
sys.exit(1 if problems else 0)
PY

# Refusals: one line, exit 2, nothing changed.
cp plain.jsonl plain.before
run_logged across "$photoscore" --mode threads --threads 2 -r --quiet --resume --jsonl plain.jsonl --h5 plain.h5 \
  --groups across.jsonl card
[ "$(rc across)" = 2 ] && grep -q "without --groups" across.err && [ "$(wc -l <across.err)" = 1 ] &&
  cmp -s plain.before plain.jsonl && [ ! -e across.jsonl ] &&
  pass "--resume --groups of rows written without it refused: $(cat across.err)" ||
  fail "--resume --groups across: exit $(rc across): $(cat across.err)"
run_logged back "$photoscore" --mode threads --threads 2 -r --quiet --resume --jsonl threads.rows.jsonl \
  --h5 back.h5 card
[ "$(rc back)" = 2 ] && grep -q "with --groups" back.err &&
  pass "--resume without --groups of grouping rows refused: $(cat back.err)" ||
  fail "--resume without --groups: exit $(rc back): $(cat back.err)"
run_logged gap "$photoscore" -r --quiet --jsonl gap.jsonl --h5 gap.h5 --groups gap_groups.jsonl --burst-gap -1 card
[ "$(rc gap)" = 2 ] && [ "$(wc -l <gap.err)" = 1 ] && grep -q -- "--burst-gap" gap.err && [ ! -e gap.jsonl ] &&
  pass "--burst-gap -1 refused: $(cat gap.err)" || fail "--burst-gap -1: exit $(rc gap): $(cat gap.err)"
run_logged alone "$photoscore" -r --quiet --jsonl alone.jsonl --h5 alone.h5 --duplicate-distance 4 card
[ "$(rc alone)" = 2 ] && [ "$(wc -l <alone.err)" = 1 ] && grep -q -- "--groups" alone.err &&
  pass "--duplicate-distance without --groups refused: $(cat alone.err)" ||
  fail "--duplicate-distance without --groups: exit $(rc alone): $(cat alone.err)"
cp threads.jsonl threads.before
run_logged again "$photoscore" -r --quiet --jsonl again.jsonl --h5 again.h5 --groups threads.jsonl card
[ "$(rc again)" = 2 ] && grep -q "already exists" again.err && cmp -s threads.before threads.jsonl &&
  pass "an existing groups file is not replaced: $(cat again.err)" ||
  fail "an existing groups file: exit $(rc again): $(cat again.err)"

# The capture times of the formats decoded in helper processes (TIFF, camera
# RAW, HEIC: tests/data/capture_times, stamped by exiftool through
# make_capture_times.py) reach the rows the same way in thread mode, the
# farm and the roles layout: the times are the ones exiftool wrote.
times=$(dirname "$photos")/capture_times
for launch in "threads 0" "farm 3" "roles 3"; do
  set -- $launch
  if [ "$1" = threads ]; then
    run_logged "times_$1" "$photoscore" --mode threads --threads 2 -r --quiet --jsonl "times_$1.jsonl" \
      --h5 "times_$1.h5" --groups "times_$1.groups" "$times"
  else
    mpi_launch mpi "$2"
    run_logged "times_$1" "${mpi[@]}" "$photoscore" --layout "$1" --threads 1 -r --quiet --jsonl "times_$1.jsonl" \
      --h5 "times_$1.h5" --groups "times_$1.groups" "$times"
  fi
  "$python" - "times_$1.jsonl" <<'PY' && pass "$1: the TIFF's, DNG's and HEIC's capture times are the ones exiftool wrote" ||
import json, sys
want = {"taken.tiff": "2024-05-01T12:34:56.78+02:00", "taken.dng": "2023-11-05T07:08:09.125-05:00",
        "taken.heic": "2022-02-28T23:59:59.5+09:30", "none.dng": None, "none.heic": None}
got = {json.loads(l)["filename"]: json.loads(l).get("capture_time", "missing") for l in open(sys.argv[1])}
bad = [f"{k}: {got.get(k, 'no row')} (want {v})" for k, v in want.items() if got.get(k, "no row") != v]
print("   " + "; ".join(bad)) if bad else None
sys.exit(1 if bad else 0)
PY
    fail "$1: capture times: exit $(rc "times_$1"): $(head -c 300 "times_$1.err")"
done
cmp -s times_threads.jsonl times_farm.jsonl && cmp -s times_threads.jsonl times_roles.jsonl &&
  pass "the capture-time rows byte-identical in thread mode, farm and roles" ||
  fail "the capture-time rows differ between modes"

e2e_done "groups checks passed"
