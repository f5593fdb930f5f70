#!/usr/bin/python3
"""Rank 0's time a photo, by stage, from the runs of jobs/rank0_ceiling.sh.

  /usr/bin/python3 analysis/rank0_ceiling.py RUNS_DIR [--out DIR]

RUNS_DIR holds HDF5 files named LAYOUT-npN-READ[-bB][-lL][-own]-rR.h5 (one per run; -bB: batches capped
at B photos, PHOTOSCORE_BATCH_MAX; -lL: rank 0's batches to a leader alone capped at L,
PHOTOSCORE_LEADER_BATCH_MAX; -own: rank 0 alone on a core, the other ranks on the others, as
jobs/rank0_ceiling.sh's RANK0_CORE=own runs it; LAYOUT may hold a "+", e.g. farm+leaders). For each run, rank 0's row
of /timing/ranks divided by the photos (/scores rows) gives its microseconds a photo in every stage:
busy = wall - wait (what the issue of rank 0 is about: it bounds the job at 1e6 / busy photos a
second), read, comm, merge, write, other, cpu (user + system seconds of the whole process,
its waiting polls included) and busy_cpu (the CPU seconds of rank 0's main thread outside its
sleeping waits: its cost, without the time other ranks held its core; nan in files of older
versions), and preempted (the times a photo the OS took rank 0's core while it could run: each
leaves its data colder, so that where ranks outnumber cores its work costs more). Writes into --out (default
RUNS_DIR):
  rank0_ceiling.tsv  every run: layout, ranks, read (the --read mode), repeat, photos, busy, then
                     rank 0's stages in us a photo (read_us: reading files; comm, merge, write,
                     other), cpu, busy_cpu, wait, wall_s, run_read, version, git, and for
                     analysis/model.py:
                     batch (the batch cap, 256 by default), lane_us (the busiest scoring rank's busy
                     seconds a photo it handled, us: what sets the batch size), scoring_us (every
                     scoring rank's busy seconds over the photos, us), nproc, load1 and others_cpu (the
                     machine's cores, its load average as the run started and the share of its cores
                     other processes used during the run, when the script recorded them), leader_busy
                     (with --leaders: a leader's busy seconds a photo of its node, us; nan without),
                     leader_busy_cpu (the same of its busy_cpu), preempted (rank 0's involuntary
                     context switches a photo) and leader_preempted (a leader's, a photo of its
                     node); nan in files of older versions; rank0_core (own: rank 0 had a core
                     to itself; shared: it shared the cores with the other ranks)
  rank0_ceiling.md   per layout, rank count and read mode: the median over repeats of each stage,
                     the spread (min-max) of busy, and the ceiling 1e6 / busy photos/s
  rank0_ceiling.png  the medians as stacked bars, busy's spread as error bars, cpu as dots
analysis/model.py reads rank0_ceiling.tsv for rank 0's cost a photo.
"""
import argparse
import re
import statistics
import sys
from pathlib import Path

import h5py

STAGES = ["read", "comm", "merge", "write", "other"]
NAME = re.compile(r"^([a-z+]+)-np(\d+)-([a-z0-9]+)(?:-b(\d+))?(?:-l(\d+))?(-own)?-r(\d+)\.h5$")
DEFAULT_BATCH = 256  # src/comm/lanes.hpp kMaxBatch (a group's; a leader's is 8,192)


def text(v):
    return v.decode() if isinstance(v, bytes) else str(v)


def load(path):
    m = NAME.match(path.name)
    if not m:
        return None
    with h5py.File(path, "r") as f:
        photos = f["scores"].shape[0]
        ranks = f["timing/ranks"][()]
        rank0 = ranks[0]
        names = rank0.dtype.names
        us = lambda k: 1e6 * float(rank0[k]) / photos if k in names else float("nan")
        # The read mode keeps the name "read"; rank 0's reading stage is read_us.
        row = {"layout": m.group(1), "ranks": int(m.group(2)), "read": m.group(3), "repeat": int(m.group(7)),
               "photos": photos, "run_read": text(f["run"].attrs.get("read", "")),
               "version": text(f["run"].attrs.get("photoscore_version", f["run"].attrs.get("version", ""))),
               "git": text(f["run"].attrs.get("git_hash", "")), "wall_s": float(rank0["wall"]),
               "batch": int(m.group(4)) if m.group(4) else DEFAULT_BATCH,
               "leader_batch": int(m.group(5)) if m.group(5) else 0,
               "rank0_core": "own" if m.group(6) else "shared"}
        row["busy"] = us("wall") - us("wait")
        row["preempted"] = int(rank0["preempted"]) / photos if "preempted" in names else float("nan")
        for k in STAGES + ["cpu", "busy_cpu", "wait"]:
            row[k + "_us" if k == "read" else k] = us(k)
        # The leaders (--leaders): each one's busy time a photo of its node (the photos shared
        # evenly among the nodes), the median over them.
        roles = [text(r["role"]) for r in ranks] if "role" in names else [""] * len(ranks)
        leaders = [r for r, role in zip(ranks[1:], roles[1:]) if role == "leader"]
        per_node = lambda values: (1e6 * statistics.median(values) * len(values) / photos) if values else float("nan")
        row["leader_busy"] = per_node([float(r["wall"]) - float(r["wait"]) for r in leaders])
        row["leader_busy_cpu"] = per_node([float(r["busy_cpu"]) for r in leaders]) if "busy_cpu" in names \
            else float("nan")
        row["leader_preempted"] = per_node([float(r["preempted"]) for r in leaders]) / 1e6 if "preempted" in names \
            else float("nan")
        # The scoring ranks: what a photo costs them, and the busiest one's time a photo it handled.
        scoring = [r for r, role in zip(ranks[1:], roles[1:]) if role != "leader"]
        busy = [float(r["wall"]) - float(r["wait"]) for r in scoring]
        handled = [int(r["images"]) for r in scoring]
        row["scoring_us"] = 1e6 * sum(busy) / photos if busy else float("nan")
        lanes = [b / n for b, n in zip(busy, handled) if n > 0]
        row["lane_us"] = 1e6 * max(lanes) if lanes else float("nan")
    env = path.with_suffix(".env")
    row["nproc"], row["load1"], row["others_cpu"] = "", "", ""
    if env.exists():
        for line in env.read_text().splitlines():
            k, _, v = line.partition("=")
            if k in ("nproc", "load1", "others_cpu"):
                row[k] = v.strip()
    return row


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("runs", type=Path)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    out = args.out or args.runs
    rows = [r for r in (load(p) for p in sorted(args.runs.glob("*.h5"))) if r]
    if not rows:
        print(f"rank0_ceiling: no runs (LAYOUT-npN-READ-rR.h5) in {args.runs}", file=sys.stderr)
        return 2
    out.mkdir(parents=True, exist_ok=True)
    cols = ["layout", "ranks", "read", "repeat", "photos", "busy", "read_us"] + STAGES[1:] + [
        "cpu", "busy_cpu", "wait", "wall_s", "run_read", "version", "git", "batch", "lane_us", "scoring_us", "nproc", "load1",
        "others_cpu", "leader_busy", "leader_batch", "leader_busy_cpu", "preempted", "leader_preempted", "rank0_core"]
    with open(out / "rank0_ceiling.tsv", "w") as tsv:
        tsv.write("\t".join(cols) + "\n")
        for r in rows:
            # Preemptions a photo are a few thousandths: more digits.
            tsv.write("\t".join((f"{r[c]:.6f}" if c.endswith("preempted") else f"{r[c]:.3f}")
                                 if isinstance(r[c], float) else str(r[c]) for c in cols) + "\n")

    groups = {}
    for r in rows:
        groups.setdefault((r["layout"], r["ranks"], r["read"], r["batch"], r["leader_batch"], r["rank0_core"]),
                          []).append(r)
    keys = sorted(groups, key=lambda k: (k[0], k[2], -k[3], -(k[4] or 1e9), k[1], k[5] == "own"))
    STAGE_KEY = {"read": "read_us"}
    med = lambda rs, k: statistics.median(r[k] for r in rs)
    lines = ["# Rank 0's time a photo, by stage (microseconds)", "",
             f"{rows[0]['photos']:,} photos of 64x64 pixels; rank 0's row of /timing/ranks over the photos; "
             "median of the repeats, busy's min-max beside it. busy = wall - wait, the time rank 0 is not "
             "waiting; it caps one job at 1e6 / busy photos a second. busy CPU: rank 0's main thread's CPU "
             "outside its sleeping waits, its cost without the time other ranks held its core (n/a: a file "
             "of an older version). cpu counts the whole process (its waiting polls too). preempted: the "
             "times the OS took rank 0's core while it could run, a 1,000 photos. rank 0's core: own, a core "
             "to itself (RANK0_CORE=own); shared, the cores shared with the other ranks.", "",
             f"Version {rows[0]['version']} ({rows[0]['git']}); made by `jobs/rank0_ceiling.sh`.", "",
             "| layout | ranks | --read | batch cap | rank 0's core | /run read | busy (min-max) | busy CPU (min-max) | read | comm | "
             "merge | write | other | cpu | preempted | ceiling photos/s | a leader's busy | repeats |",
             "| --- | ---: | --- | ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
             "| ---: |"]
    for k in keys:
        rs = groups[k]
        busy = [r["busy"] for r in rs]
        b = statistics.median(busy)
        spread = f"{b:.2f} ({min(busy):.2f}-{max(busy):.2f})"
        busy_cpu = [r["busy_cpu"] for r in rs if r["busy_cpu"] == r["busy_cpu"]]
        cpu_spread = (f"{statistics.median(busy_cpu):.2f} ({min(busy_cpu):.2f}-{max(busy_cpu):.2f})" if busy_cpu
                      else "n/a")
        cells = [f"{med(rs, STAGE_KEY.get(s, s)):.2f}" for s in STAGES]
        cpu = med(rs, "cpu")
        leader = med(rs, "leader_busy")
        taken = med(rs, "preempted")
        cap = f"{k[3]}" + (f", a leader's {k[4]}" if k[4] else "")
        lines.append(f"| {k[0]} | {k[1]} | {k[2]} | {cap} | {k[5]} | {rs[0]['run_read']} | {spread} | {cpu_spread} | "
                     + " | ".join(cells) +
                     f" | {'n/a' if cpu != cpu else f'{cpu:.2f}'} | {'n/a' if taken != taken else f'{1e3 * taken:.1f}'}"
                     f" | {1e6 / b:,.0f} | "
                     f"{'-' if leader != leader else f'{leader:.2f}'} | {len(rs)} |")
    (out / "rank0_ceiling.md").write_text("\n".join(lines) + "\n")

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(1.1 * len(keys) + 3, 4.5))
    x = range(len(keys))
    bottom = [0.0] * len(keys)
    for s in STAGES:
        vals = [max(0.0, med(groups[k], STAGE_KEY.get(s, s))) for k in keys]
        ax.bar(x, vals, bottom=bottom, label=s)
        bottom = [b + v for b, v in zip(bottom, vals)]
    busy = [med(groups[k], "busy") for k in keys]
    lo = [b - min(r["busy"] for r in groups[k]) for b, k in zip(busy, keys)]
    hi = [max(r["busy"] for r in groups[k]) - b for b, k in zip(busy, keys)]
    ax.errorbar(x, busy, yerr=[lo, hi], fmt="_", color="black", capsize=4, label="busy (wall - wait), min-max")
    busy_cpu = [statistics.median(v) if v else float("nan")
                for v in ([r["busy_cpu"] for r in groups[k] if r["busy_cpu"] == r["busy_cpu"]] for k in keys)]
    if any(v == v for v in busy_cpu):
        ax.plot(x, busy_cpu, "D", color="black", markersize=4, label="busy CPU (main thread, outside naps)")
    ax.plot(x, [med(groups[k], "cpu") for k in keys], "o", color="gray", label="cpu (whole process)")
    ax.set_xticks(list(x))
    ax.set_xticklabels([f"{k[0]}\n-np {k[1]}\n{k[2]}" + (f"\nbatch {k[3]}" if k[3] != DEFAULT_BATCH else "") + (f"\nleader {k[4]}" if k[4] else "")
                        + ("\nown core" if k[5] == "own" else "") for k in keys], fontsize=7 if len(keys) > 12 else 9)
    ax.set_ylabel("rank 0, microseconds a photo")
    ax.set_title(f"Rank 0's time a photo by stage ({rows[0]['photos']:,} tiny photos)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(out / "rank0_ceiling.png", dpi=110)
    print((out / "rank0_ceiling.md").read_text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
