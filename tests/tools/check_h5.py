#!/usr/bin/python3
"""Checks that a photoscore HDF5 file matches its JSONL archive.

    /usr/bin/python3 check_h5.py RUN.jsonl RUN.h5 [--errors N] [--tolerance 0.05]

Asserts: /scores has the JSONL's rows, in order, with the same members as the
JSONL's keys and the same values (null <-> NaN for numbers, "" for strings,
-1 for width/height); every /run attribute is present and agrees with the
rows; /timing/images has a row per photo; /timing/ranks has a row per rank;
and, for MPI runs, each rank's stage times add up to its wall time within
the tolerance. Prints every disagreement; exit 0 only when there is none.

Needs Debian's /usr/bin/python3, which has python3-h5py.
"""
import argparse
import json
import math
import re
import sys

import h5py

# Scaling-study provenance: strings, none empty.
PROVENANCE = ["compiler", "compiler_flags", "mpi_library", "hdf5_version", "libraries", "cpu_model", "kernels",
              "thread_binding"]
RUN_ATTRIBUTES = [
    "photoscore_version", "git_hash", "command_line", "input_dir", "mode", "layout", "ranks",
    "threads_per_rank", "hostname", "hosts", "start_time", "end_time", "wall_seconds", "images",
    "errors", "weights", "thresholds", "analyzers", "plan", "shard", "slurm_job_id",
] + PROVENANCE
STRING_ATTRIBUTES = [
    "photoscore_version", "git_hash", "command_line", "input_dir", "mode", "layout", "hostname",
    "start_time", "end_time", "plan", "shard", "slurm_job_id",
] + PROVENANCE
# The stages are disjoint, so on a rank they add up to its wall time.
STAGES = ["read", "comm", "wait", "decode", "analyze", "merge", "write"]

failures = []


def fail(message):
    failures.append(message)
    if len(failures) <= 50:
        print("FAIL: " + message)


def text(value):
    """h5py gives compound members' strings as bytes, attributes as str."""
    return value.decode("utf-8") if isinstance(value, bytes) else value


def same_value(key, expected, got):
    if key in ("width", "height"):
        return int(got) == (-1 if expected is None else expected)
    if isinstance(got, bytes) or isinstance(got, str):
        return text(got) == ("" if expected is None else expected)
    if expected is None:
        return math.isnan(got)
    return isinstance(expected, (int, float)) and not isinstance(expected, bool) and float(got) == expected


def check_scores(rows, f):
    if "scores" not in f:
        fail("no /scores dataset")
        return
    scores = f["scores"][()]
    members = list(scores.dtype.names)
    # What each member holds, for readers without the docs: names, units and
    # descriptions in member order.
    docs = f["scores"].attrs
    for name in ("columns", "units", "descriptions", "labels"):
        if name not in docs:
            fail(f"/scores has no attribute {name}")
        elif len(docs[name]) != len(members):
            fail(f"/scores.{name} has {len(docs[name])} entries for {len(members)} members")
    if "columns" in docs and list(docs["columns"]) != members:
        fail(f"/scores.columns {list(docs['columns'])} != members {members}")
    if "descriptions" in docs and not all(docs["descriptions"]):
        fail("/scores.descriptions has an empty entry")
    # Every label a row holds is one of its column's declared words.
    words = {m: set(w.split(",")) for m, w in zip(members, docs.get("labels", [])) if w}
    for i, row in enumerate(rows):
        for key, allowed in words.items():
            if row.get(key) is not None and row[key] not in allowed:
                fail(f"row {i}: {key} {row[key]!r} is not one of /scores.labels {sorted(allowed)}")
    if len(scores) != len(rows):
        fail(f"/scores has {len(scores)} rows, the JSONL {len(rows)}")
    for i, (row, rec) in enumerate(zip(rows, scores)):
        # `source` (camera RAWs only) is left out of other JSONL rows, and the
        # grouping columns out of every row of a run without --groups: those
        # are checked for their form instead.
        unseen = [k for k in GROUPING if k in members and k not in row]
        for key in unseen:
            check_grouping_value(i, row, key, text(rec[key]))
        left_out = {"source", *unseen}
        if set(members) - set(row) <= left_out:
            row = {k: row[k] if k in row else "" for k in members}
        if list(row.keys()) != members:
            fail(f"row {i}: JSONL keys {list(row.keys())} != /scores members {members}")
            continue
        for key in members:
            if key not in unseen and not same_value(key, row[key], rec[key]):
                fail(f"row {i} ({row['filename']}): {key}: JSONL {row[key]!r}, HDF5 {rec[key]!r}")
    return scores


# The columns for grouping bursts and duplicates (docs/groups.md).
GROUPING = ("perceptual_hash", "capture_time")
CAPTURE_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?([+-]\d\d:\d\d)?")


def check_grouping_value(i, row, key, value):
    """An ok row's hash is 16 hex digits, its capture time ISO 8601 or empty;
    an error row has neither."""
    if row.get("status") != "ok":
        if value:
            fail(f"row {i}: error row with {key} {value!r}")
    elif key == "perceptual_hash" and not re.fullmatch(r"[0-9a-f]{16}", value):
        fail(f"row {i}: perceptual_hash {value!r} is not 16 hex digits")
    elif key == "capture_time" and value and not CAPTURE_TIME.fullmatch(value):
        fail(f"row {i}: capture_time {value!r} is not ISO 8601")


def check_run(rows, f):
    if "run" not in f:
        fail("no /run group")
        return {}
    attrs = f["run"].attrs
    for name in RUN_ATTRIBUTES:
        if name not in attrs:
            fail(f"/run has no attribute {name}")
    for name in STRING_ATTRIBUTES:
        if name in attrs and not isinstance(attrs[name], str):
            fail(f"/run.{name} reads as {type(attrs[name]).__name__}, not str")
    for name in ("hosts", "analyzers"):
        if name in attrs and not all(isinstance(v, str) for v in attrs[name]):
            fail(f"/run.{name} elements do not read as str: {attrs[name]!r}")
    run = {name: attrs[name] for name in attrs}
    for name in PROVENANCE:
        if not run.get(name):
            fail(f"/run.{name} is empty")
    if run.get("kernels") not in ("avx2", "portable"):
        fail(f"/run.kernels is {run.get('kernels')!r}, expected avx2 or portable")
    errors = sum(1 for r in rows if r["status"] == "error")
    if run.get("images") != len(rows):
        fail(f"/run.images = {run.get('images')}, the JSONL has {len(rows)} rows")
    if run.get("errors") != errors:
        fail(f"/run.errors = {run.get('errors')}, the JSONL has {errors} error rows")
    if "hosts" in run and "hostname" in run and ",".join(run["hosts"]) != run["hostname"]:
        fail(f"/run.hostname {run['hostname']!r} is not the hosts {list(run['hosts'])} joined")
    if "thresholds" in run and len(run["thresholds"]) != 2:
        fail(f"/run.thresholds has {len(run['thresholds'])} values, expected 2 (post_it, maybe)")
    if "weights" in run and "analyzers" in run and len(run["weights"]) != len(run["analyzers"]):
        fail(f"/run: {len(run['weights'])} weights for {len(run['analyzers'])} analyzers")
    for name in ("start_time", "end_time"):
        value = run.get(name, "")
        if not (len(value) == 20 and value[4] == "-" and value[10] == "T" and value.endswith("Z")):
            fail(f"/run.{name} = {value!r} is not ISO 8601 UTC")
    return run


def check_timing(rows, f, run, tolerance):
    if "timing/images" not in f or "timing/ranks" not in f:
        fail("no /timing/images or /timing/ranks")
        return 0
    images = f["timing/images"][()]
    if len(images) != len(rows):
        fail(f"/timing/images has {len(images)} rows, the JSONL {len(rows)}")
    for i, (row, rec) in enumerate(zip(rows, images)):
        if rec["index"] != i or text(rec["filename"]) != row["filename"]:
            fail(f"/timing/images row {i}: index {rec['index']}, filename {text(rec['filename'])!r}")
            break
        if not text(rec["ranks"]):
            fail(f"/timing/images row {i}: no ranks")
            break
    ranks = f["timing/ranks"][()]
    # Every /timing column says what it holds: a unit and a description each.
    for table in ("timing/ranks", "timing/images"):
        docs = f[table].attrs
        members = list(f[table].dtype.names)
        if list(docs.get("columns", [])) != members:
            fail(f"/{table}.columns {list(docs.get('columns', []))} != members {members}")
        for name in ("units", "descriptions"):
            if len(docs.get(name, [])) != len(members):
                fail(f"/{table}.{name} has {len(docs.get(name, []))} entries for {len(members)} members")
        for member, unit, description in zip(members, docs.get("units", []), docs.get("descriptions", [])):
            if not description or description == "see docs/hdf5.md":
                fail(f"/{table} member {member} has no description of its own")
            if f[table].dtype[member].kind == "f" and unit != "seconds":
                fail(f"/{table} member {member} (float) has unit {unit!r}, not seconds")
        expected = {"images": "photos", "bytes_sent": "bytes", "peak_memory": "bytes", "preempted": "switches"}
        for member, unit in zip(members, docs.get("units", [])):
            if member in expected and unit != expected[member]:
                fail(f"/{table} member {member} has unit {unit!r}, not {expected[member]}")
    if f["timing"].attrs.get("units") == "seconds":
        fail("/timing says units=seconds for tables that also hold photos and bytes")
    # Thread mode: no MPI words for what does not happen there.
    if run.get("mode") == "threads":
        for name in ("read", "pixels", "jsonl_lines"):
            if name in run and not str(run[name]).startswith("n/a"):
                fail(f"/run.{name} = {run[name]!r} in thread mode, expected n/a (...)")
    if "ranks" in run and len(ranks) != run["ranks"]:
        fail(f"/timing/ranks has {len(ranks)} rows, /run.ranks is {run['ranks']}")
    analyzers = list(run.get("analyzers", []))
    for rec in ranks:
        per = sum(float(rec["analyze_" + a]) for a in analyzers)
        if not math.isclose(per, float(rec["analyze"]), rel_tol=1e-9, abs_tol=1e-12):
            fail(f"rank {rec['rank']}: analyze {rec['analyze']} is not the sum of analyze_* ({per})")
        stages = sum(float(rec[s]) for s in STAGES)
        # Thread mode's stages are summed over its threads, so they fill wall x threads.
        threads = int(run.get("threads_per_rank", 1)) if run.get("mode") == "threads" else 1
        if float(rec["other"]) < 0:
            fail(f"rank {rec['rank']}: other {rec['other']} is negative")
        if not math.isclose(max(0.0, float(rec["wall"]) * threads - stages), float(rec["other"]), rel_tol=1e-9,
                            abs_tol=1e-9):
            fail(f"rank {rec['rank']}: other {rec['other']} is not wall x {threads} - stages "
                 f"({rec['wall'] * threads - stages})")
        # busy_cpu is the CPU of one thread over the rank's part, cpu the whole process's over
        # the run: never more (1 ms for the clocks' resolutions), never negative; in thread mode cpu.
        if "busy_cpu" in rec.dtype.names:
            busy_cpu, cpu = float(rec["busy_cpu"]), float(rec["cpu"])
            if not 0.0 <= busy_cpu <= cpu + 0.001:
                fail(f"rank {rec['rank']}: busy_cpu {busy_cpu} is not within 0 and cpu {cpu}")
            if run.get("mode") == "threads" and busy_cpu != cpu:
                fail(f"rank {rec['rank']}: busy_cpu {busy_cpu} is not cpu {cpu} in thread mode")
        if "preempted" in rec.dtype.names and int(rec["preempted"]) < 0:
            fail(f"rank {rec['rank']}: preempted {rec['preempted']} is negative")
        if run.get("mode") == "mpi":
            wall = float(rec["wall"])
            share = stages / wall if wall > 0 else float("nan")
            line = (f"rank {rec['rank']} ({text(rec['role'])}): wall {wall:.3f} s, stages {stages:.3f} s "
                    f"({100 * share:.1f}%)")
            print(line)
            # Or 10 ms: a test run lasts a tenth of a second, and on a loaded machine
            # one time slice lost between two clocks is 3-4 ms.
            if not abs(stages - wall) <= max(tolerance * wall, 0.010):
                fail(line + f": not within {100 * tolerance:.0f}% (or 10 ms) of wall")
    return len(ranks)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("jsonl")
    parser.add_argument("h5")
    parser.add_argument("--errors", type=int, default=None,
                        help="expect exactly N error rows (status error), in both files")
    parser.add_argument("--tolerance", type=float, default=0.05,
                        help="MPI runs: largest |stages - wall| / wall per rank (default 0.05)")
    args = parser.parse_args()
    with open(args.jsonl, encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    with h5py.File(args.h5, "r") as f:
        check_scores(rows, f)
        run = check_run(rows, f)
        rank_rows = check_timing(rows, f, run, args.tolerance)
    errors = sum(1 for r in rows if r.get("status") == "error")
    if args.errors is not None and errors != args.errors:
        fail(f"{errors} error rows, expected {args.errors}")
    if failures:
        print(f"{len(failures)} disagreement(s) between {args.jsonl} and {args.h5}")
        return 1
    print(f"agree: {len(rows)} rows, {run.get('errors')} errors, {rank_rows} rank rows, mode {run.get('mode')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
