#!/usr/bin/python3
"""Plots and tables of a photoscore scaling study: what the user waits for, with its spread.

  /usr/bin/python3 analysis/scaling.py SWEEP_DIR [--noise-threshold 0.10]

Reads every run of a sweep (the *.h5 files jobs/strong_scaling.sh and jobs/weak_scaling.sh
wrote, with their sweep.tsv and sweep_info_*.txt) and writes into SWEEP_DIR:

  throughput.png       end-to-end images per second against cores, one line per mode and layout:
                       the median of the repeats, error bars from the fastest to the slowest
                       repeat, noisy points ringed in red; the ideal line (the baseline's rate per
                       core x cores)
  efficiency.png       parallel efficiency (end to end) with the same error bars; 1 = ideal
  inside.png           the second view: left, the program's own images/s (/run wall_seconds);
                       right, each point's end-to-end time split into the time inside the program
                       and the start-up gap (launch, MPI start, reading the input list, exit)
  time_breakdown.png   every rank seen: for each mode and layout at a few core counts, per role,
                       the stages of the role's median rank stacked (seconds per core of a rank,
                       one y axis for all panels), the min-max of busy time (wall - wait) across
                       the role's ranks as a whisker, and each rank's CPU seconds (getrusage) as
                       dots: a stage far above the CPU dots was time-sharing a core, not work
  scaling.md           the tables below, the machine and its load, the definitions
  ranks.md             per point (median repeat), per role and stage: min, median and max over
                       the role's ranks and the slowest rank

and prints the tables. A weak-scaling sweep's files are named weak_*.png.

Time. The headline is end to end: wall_s of sweep.tsv, the whole command as the user runs it
(mpirun's launch and the program's start-up included). The program's own /run wall_seconds
("inside") is the breakdown; the difference is the start-up gap. Without sweep.tsv (or a run
missing from it) the inside time stands in, and the table says so.

Repeats. A point's figure is the median of its repeats; min and max beside it. A point whose
repeats disagree, (slowest - fastest) / median of the end-to-end time above --noise-threshold
(10 %), is flagged NOISY in the tables and ringed in the plots: its figures say more about the
machine than about photoscore. Each run's load average as it started and the share of the
cores other processes used while it ran (sweep.tsv load1, others_cpu) are shown beside it; a
point during one of whose repeats others used more than --busy-threshold (25 %) of the cores is
flagged BUSY (and ringed) even when its repeats agree: a steady load slows every repeat alike.
sweep_info_*.txt has the machine's state before and over the sweep.

Efficiency. The baseline is thread mode at the sweep's fewest cores (each series' own fewest
cores without thread mode); speed-up = throughput / (baseline throughput per core), efficiency
= speed-up / cores, from medians; the band is the point's fastest and slowest repeat over the
baseline's median. An efficiency above 1 is either within the spread of the point and the
baseline (noise: said so) or real (a baseline slowed by something the point escapes, or
caches): the notes say which. "Cores" is what the sweep calls cores (jobs/strong_scaling.sh:
threads 1 x c; MPI layouts c ranks that analyze plus rank 0); without sweep.tsv it is read from
the file name (-c<N>) or, last, taken as ranks x threads. Oversubscribed runs (ranks x threads
> the machine's cores) are drawn hollow and marked.

Imbalance (per role, ranks.md and scaling.md): max over the role's ranks of busy seconds over
their mean, minus 1 (Score-P's and Caliper's figure): 0 = every rank equally busy.

Exit status: 0 tables and plots written, 2 no such folder or no runs.
"""
import argparse
import csv
import re
import statistics
import sys
from collections import OrderedDict
from pathlib import Path

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

NOISE_THRESHOLD = 0.10
BUSY_THRESHOLD = 0.25
SERIES_STYLE = {
    ("threads", "threads"): ("tab:blue", "o"),
    ("mpi", "roles"): ("tab:orange", "s"),
    ("mpi", "farm"): ("tab:green", "^"),
}
STAGE_COLORS = {
    "read": "#8c564b",
    "comm": "#9467bd",
    "wait": "#c7c7c7",
    "decode": "#1f77b4",
    "merge": "#bcbd22",
    "write": "#17becf",
    "other": "#e7e7e7",
}
ANALYZER_COLORS = ["#ff7f0e", "#2ca02c", "#d62728", "#e377c2", "#7f7f7f", "#aec7e8"]
# Columns of /timing/ranks that are not stages (seconds of a rank in one activity).
NOT_STAGES = {"rank", "role", "host", "wall", "analyze", "images", "cpu", "busy_cpu", "preempted", "bytes_sent",
              "peak_memory"}
CORES_LABEL = "cores (threads: 1 rank x c threads; MPI: c analyzing ranks + rank 0)"
CORES_NOTE = ("Cores: thread mode runs 1 rank x c threads; the MPI layouts run c analyzing ranks (roles: analyzer "
              "groups; farm: workers) plus rank 0, which reads, sends and merges (jobs/sweep_common.sh).")


def text(v):
    if isinstance(v, bytes):
        return v.decode("utf-8", "replace")
    if isinstance(v, np.ndarray) and v.shape == ():
        return text(v.item())
    return str(v)


def number(v, default=float("nan")):
    try:
        return float(v)
    except (TypeError, ValueError):
        return default


class Run:
    """One photoscore run of the sweep."""

    def __init__(self, path, row):
        self.path = path
        self.name = path.name
        with h5py.File(path, "r") as f:
            if "run" not in f:
                raise ValueError("no /run group")
            a = f["run"].attrs
            self.mode = text(a.get("mode", "?"))
            self.layout = text(a.get("layout", "?"))
            self.ranks = int(a.get("ranks", 1))
            self.threads = int(a.get("threads_per_rank", 1))
            self.images = int(a.get("images", 0))
            self.errors = int(a.get("errors", 0))
            self.inside = float(a.get("wall_seconds", float("nan")))
            self.host = text(a.get("hostname", ""))
            self.version = text(a.get("photoscore_version", ""))
            self.git_hash = text(a.get("git_hash", ""))
            self.timing = f["timing/ranks"][...] if "timing/ranks" in f else None
        row = row or {}
        self.study = row.get("study") or "strong"
        m = re.search(r"-c(\d+)(?:-|\.h5$)", self.name)
        if row.get("cores"):
            self.cores = int(row["cores"])
        elif m:
            self.cores = int(m.group(1))
        else:
            self.cores = self.ranks * self.threads if self.mode == "threads" else (self.ranks - 1) * self.threads
        self.nproc = int(row["nproc"]) if row.get("nproc") else None
        if row.get("oversubscribed"):
            self.oversubscribed = row["oversubscribed"] == "yes"
        else:
            self.oversubscribed = "-oversub" in self.name
        self.same_jsonl = row.get("same_jsonl", "-")
        # End to end: the whole command (sweep.tsv); the inside time where the sweep did not say.
        e2e = number(row.get("wall_s"))
        self.measured_e2e = e2e == e2e and e2e > 0
        self.e2e = e2e if self.measured_e2e else self.inside
        self.load1 = number(row.get("load1"))
        self.others_cpu = number(row.get("others_cpu"))
        self.run_cpu = number(row.get("run_cpu_s"))

    @property
    def series(self):
        return (self.mode, self.layout)

    @property
    def wall(self):  # what the sweep's figures use: end to end
        return self.e2e

    @property
    def throughput(self):
        return self.images / self.e2e if self.e2e > 0 else float("nan")

    @property
    def inside_throughput(self):
        return self.images / self.inside if self.inside > 0 else float("nan")


def spread_of(values):
    """(max - min) / median."""
    med = statistics.median(values)
    return (max(values) - min(values)) / med if med > 0 else float("nan")


class Point:
    """The runs of one (study, mode, layout, cores): their median, min and max."""

    def __init__(self, runs, threshold=NOISE_THRESHOLD, busy_threshold=BUSY_THRESHOLD):
        runs = sorted(runs, key=lambda r: r.e2e)
        self.runs = runs
        self.run = runs[(len(runs) - 1) // 2]  # the median run (the faster one of the middle two)
        r = self.run
        self.study, self.mode, self.layout, self.cores = r.study, r.mode, r.layout, r.cores
        self.ranks, self.threads, self.images = r.ranks, r.threads, r.images
        e2e = [x.e2e for x in runs]
        inside = [x.inside for x in runs]
        self.wall = statistics.median(e2e)
        self.wall_min, self.wall_max = min(e2e), max(e2e)
        self.inside = statistics.median(inside)
        self.inside_min, self.inside_max = min(inside), max(inside)
        self.measured_e2e = all(x.measured_e2e for x in runs)
        self.startup = statistics.median(x.e2e - x.inside for x in runs) if self.measured_e2e else float("nan")
        self.throughput = self.images / self.wall if self.wall > 0 else float("nan")
        self.tp_min = self.images / self.wall_max if self.wall_max > 0 else float("nan")
        self.tp_max = self.images / self.wall_min if self.wall_min > 0 else float("nan")
        self.inside_throughput = self.images / self.inside if self.inside > 0 else float("nan")
        self.inside_tp_min = self.images / self.inside_max if self.inside_max > 0 else float("nan")
        self.inside_tp_max = self.images / self.inside_min if self.inside_min > 0 else float("nan")
        self.spread = spread_of(e2e) if len(runs) > 1 else 0.0
        self.inside_spread = spread_of(inside) if len(runs) > 1 else 0.0
        self.noisy = len(runs) > 1 and self.spread > threshold
        loads = [x.load1 for x in runs if x.load1 == x.load1]
        others = [x.others_cpu for x in runs if x.others_cpu == x.others_cpu]
        self.load1 = max(loads) if loads else float("nan")
        self.others_cpu = max(others) if others else float("nan")
        # Other processes had a good share of the cores during a repeat: its time says as much about
        # them as about photoscore, however well the repeats agree (a steady load slows them alike).
        self.busy = self.others_cpu > busy_threshold
        self.unsteady = self.noisy or self.busy
        self.oversubscribed = any(x.oversubscribed for x in runs)
        self.speedup = self.efficiency = self.eff_min = self.eff_max = float("nan")
        self.inside_efficiency = float("nan")

    @property
    def series(self):
        return (self.mode, self.layout)


def read_tsv(folder):
    rows = {}
    tsv = folder / "sweep.tsv"
    if tsv.exists():
        with tsv.open(newline="") as f:
            for row in csv.DictReader(f, delimiter="\t"):
                rows[row["file"]] = row
    return rows


def load(folder):
    rows = read_tsv(folder)
    runs, failed, notes = [], [], []
    for name, row in rows.items():
        code = row.get("exit", "0")
        if code not in ("0", "1"):
            failed.append(f"{name}: exit status {code}")
        elif row.get("same_jsonl") == "no":
            failed.append(f"{name}: its JSONL differs from the sweep's first run")
    for path in sorted(folder.glob("*.h5")):
        row = rows.get(path.name)
        if rows and row is None:
            notes.append(f"{path.name}: not in sweep.tsv, left out")
            continue
        if row and row.get("exit", "0") not in ("0", "1"):
            continue
        try:
            runs.append(Run(path, row))
        except (OSError, ValueError, KeyError) as e:
            notes.append(f"{path.name}: not read ({e})")
    return runs, failed, notes


def points_of(runs, threshold=NOISE_THRESHOLD, busy_threshold=BUSY_THRESHOLD):
    groups = OrderedDict()
    for r in sorted(runs, key=lambda r: (r.study, series_order(r.series), r.cores)):
        groups.setdefault((r.study, r.series, r.cores), []).append(r)
    return [Point(v, threshold, busy_threshold) for v in groups.values()]


def series_order(s):
    order = list(SERIES_STYLE)
    return (order.index(s) if s in order else len(order), s)


def baseline_of(points, study):
    mine = [p for p in points if p.study == study and p.throughput == p.throughput]
    threads = [p for p in mine if p.series == ("threads", "threads")]
    return min(threads, key=lambda p: p.cores) if threads else None


def add_speedups(points):
    """Speed-up and efficiency (end to end, and inside) against thread mode at the fewest cores."""
    base_note = {}
    for study in sorted({p.study for p in points}):
        mine = [p for p in points if p.study == study and p.throughput == p.throughput]
        common = baseline_of(points, study)
        for series in {p.series for p in mine}:
            ref = common or min((p for p in mine if p.series == series), key=lambda p: p.cores)
            per_core = ref.throughput / ref.cores
            inside_per_core = ref.inside_throughput / ref.cores
            for p in mine:
                if p.series == series:
                    p.speedup = p.throughput / per_core
                    p.efficiency = p.speedup / p.cores
                    p.eff_min = p.tp_min / per_core / p.cores
                    p.eff_max = p.tp_max / per_core / p.cores
                    p.inside_efficiency = p.inside_throughput / inside_per_core / p.cores
                    p.baseline = ref
        if common:
            base_note[study] = (f"baseline: thread mode on {common.cores} core{'s' if common.cores > 1 else ''}, "
                                f"{common.throughput:.2f} images/s end to end ({common.inside_throughput:.2f} inside)")
        else:
            base_note[study] = "baseline: each series' own fewest cores (no thread-mode run)"
    return base_note


def label(series):
    mode, layout = series
    return "threads" if mode == "threads" else f"mpi {layout}"


def fmt(v, spec):
    return "n/a" if v != v else format(v, spec)


def pct(v):
    return "n/a" if v != v else f"{100 * v:.0f}%"


def flag(p, threshold):
    """NOISY when the repeats disagree, BUSY when other processes had a good share of the cores."""
    marks = ([f"NOISY (> {threshold:.0%})"] if p.noisy else []) + ([f"BUSY (others {pct(p.others_cpu)})"]
                                                                   if p.busy else [])
    return ", ".join(marks) or "no"


TABLE_HEAD = ["mode", "layout", "cores", "ranks", "threads", "images", "runs", "wall s, end to end (min-max)",
              "spread", "images/s (min-max)", "speed-up", "efficiency (band)", "inside s", "start-up s (share)",
              "load", "others' CPU", "noisy", "oversubscribed"]


def table(points, threshold):
    lines = ["| " + " | ".join(TABLE_HEAD) + " |",
             "|" + "|".join(["---"] * 2 + ["---:"] * 14 + ["---"] * 2) + "|"]
    for p in points:
        startup = (f"{p.startup:.3f} ({pct(p.startup / p.wall)})" if p.startup == p.startup else "n/a")
        lines.append("| " + " | ".join([
            p.mode, p.layout, str(p.cores), str(p.ranks), str(p.threads), str(p.images), str(len(p.runs)),
            f"{fmt(p.wall, '.3f')} ({fmt(p.wall_min, '.3f')}-{fmt(p.wall_max, '.3f')})", pct(p.spread),
            f"{fmt(p.throughput, '.2f')} ({fmt(p.tp_min, '.2f')}-{fmt(p.tp_max, '.2f')})",
            fmt(p.speedup, ".2f"), f"{fmt(p.efficiency, '.2f')} ({fmt(p.eff_min, '.2f')}-{fmt(p.eff_max, '.2f')})",
            fmt(p.inside, ".3f"), startup, fmt(p.load1, ".2f"), pct(p.others_cpu),
            flag(p, threshold), "yes" if p.oversubscribed else "no"]) + " |")
    return "\n".join(lines)


INSIDE_HEAD = ["mode", "layout", "cores", "inside s (min-max)", "spread", "images/s inside (min-max)",
               "efficiency inside", "end to end s", "start-up gap s", "gap / end to end"]


def inside_table(points):
    lines = ["| " + " | ".join(INSIDE_HEAD) + " |", "|" + "|".join(["---"] * 2 + ["---:"] * 8) + "|"]
    for p in points:
        lines.append("| " + " | ".join([
            p.mode, p.layout, str(p.cores), f"{fmt(p.inside, '.3f')} ({fmt(p.inside_min, '.3f')}-"
            f"{fmt(p.inside_max, '.3f')})", pct(p.inside_spread),
            f"{fmt(p.inside_throughput, '.2f')} ({fmt(p.inside_tp_min, '.2f')}-{fmt(p.inside_tp_max, '.2f')})",
            fmt(p.inside_efficiency, ".2f"), fmt(p.wall, ".3f"), fmt(p.startup, ".3f"),
            pct(p.startup / p.wall) if p.startup == p.startup else "n/a"]) + " |")
    return "\n".join(lines)


def noise_summary(points, threshold=NOISE_THRESHOLD, busy_threshold=BUSY_THRESHOLD):
    """One paragraph: the points whose repeats disagree (NOISY) and those run on a busy machine (BUSY)."""
    noisy = [p for p in points if p.noisy]
    busy = [p for p in points if p.busy and not p.noisy]
    line = (f"{len(noisy)} noisy point(s), whose repeats differ by more than {threshold:.0%}: "
            + ", ".join(f"{label(p.series)} c={p.cores} ({pct(p.spread)}; load {fmt(p.load1, '.2f')}, "
                        f"others' CPU {pct(p.others_cpu)})" for p in noisy)
            + ". Their figures describe the machine's load more than photoscore; rerun them on a "
            "quieter machine." if noisy else
            f"No noisy point: every point's repeats agree within {threshold:.0%}.")
    if busy:
        line += (f" {len(busy)} point(s) ran while other processes used more than "
                 f"{busy_threshold:.0%} of the cores (BUSY): "
                 + ", ".join(f"{label(p.series)} c={p.cores} (others {pct(p.others_cpu)}, load "
                             f"{fmt(p.load1, '.2f')})" for p in busy)
                 + "; their repeats agree, but a steady load slows them all alike.")
    return line


def efficiency_notes(points):
    """Why an efficiency is above 1, for each point where it is."""
    notes = []
    for p in points:
        if not (p.efficiency > 1.0) or getattr(p, "baseline", None) is p:
            continue
        base = p.baseline
        # Within the noise when the slowest repeat of the point is no faster than the fastest of the baseline.
        within = p.eff_min <= 1.0 or p.unsteady or base.unsteady
        why = ("within the noise: its slowest repeat, or the baseline's spread of "
               f"{pct(base.spread)}, brings it to 1 or below" if within else
               "beyond the repeats' spread: the baseline ran slower per core than this point (a baseline slowed "
               "by the machine, or caches that favour the larger run)")
        notes.append(f"{label(p.series)} at {p.cores} cores: efficiency {p.efficiency:.2f} "
                     f"({p.eff_min:.2f}-{p.eff_max:.2f}) above 1, {why}.")
    return notes


def role_rows(point):
    """{role: [per-rank dict of stage seconds per core, busy, cpu, wall, rank]} of the median run."""
    t = point.run.timing
    if t is None or len(t) == 0:
        return None
    names = t.dtype.names
    stages = [n for n in names if n not in NOT_STAGES and t.dtype[n].kind == "f"]
    # Thread mode's stages are thread-seconds (summed over the threads): per core, over the threads.
    per = max(point.threads, 1) if point.mode == "threads" else 1
    out = OrderedDict()
    for row in t:
        role = text(row["role"]) if "role" in names else "rank"
        wall = float(row["wall"]) if "wall" in names else float("nan")
        values = {s: max(float(row[s]), 0.0) / per for s in stages}
        if "other" not in names:
            values["other"] = max(wall - sum(values.values()), 0.0)
        busy = wall - values.get("wait", 0.0)
        cpu = float(row["cpu"]) / per if "cpu" in names else float("nan")
        out.setdefault(role, []).append({"stages": values, "busy": busy, "cpu": cpu, "wall": wall,
                                         "rank": int(row["rank"]) if "rank" in names else 0})
    return out


def imbalance(ranks):
    busy = [r["busy"] for r in ranks]
    mean = sum(busy) / len(busy)
    return max(busy) / mean - 1.0 if mean > 0 else float("nan")


def rank_summary(points):
    """scaling.md's view of every rank: per point and role, busy and CPU min/median/max, imbalance."""
    lines = ["| mode | layout | cores | role | ranks | wall s | busy s min / median / max (slowest rank) | "
             "cpu s min / median / max | cpu / busy | imbalance |",
             "|---|---|---:|---|---:|---:|---:|---:|---:|---:|"]
    for p in points:
        roles = role_rows(p)
        if not roles:
            continue
        for role, ranks in roles.items():
            busy = [r["busy"] for r in ranks]
            cpu = [r["cpu"] for r in ranks]
            slow = max(ranks, key=lambda r: r["busy"])
            ratio = sum(cpu) / sum(busy) if sum(busy) > 0 and all(c == c for c in cpu) else float("nan")
            lines.append(f"| {p.mode} | {p.layout} | {p.cores} | {role} | {len(ranks)} | "
                         f"{statistics.median(r['wall'] for r in ranks):.3f} | "
                         f"{min(busy):.3f} / {statistics.median(busy):.3f} / {max(busy):.3f} ({slow['rank']}) | "
                         + (f"{min(cpu):.3f} / {statistics.median(cpu):.3f} / {max(cpu):.3f}"
                            if all(c == c for c in cpu) else "n/a") +
                         f" | {fmt(ratio, '.2f')} | {pct(imbalance(ranks))} |")
    return "\n".join(lines)


def rank_stages_md(points):
    """ranks.md: per point, role and stage, min, median and max over the role's ranks."""
    out = ["# Every rank, stage by stage", "",
           "Per point (its median repeat), per role and stage: seconds per core of a rank (thread mode: the "
           "stage's thread-seconds over the threads), min, median and max over the role's ranks, and the rank "
           "with the max. busy = wall - wait; cpu = the rank's process CPU seconds (getrusage, user + system). "
           "Made by `analysis/scaling.py`.", ""]
    for p in points:
        roles = role_rows(p)
        if not roles:
            continue
        out += [f"## {label(p.series)}, {p.cores} cores ({p.ranks} ranks x {p.threads} threads"
                f"{', oversubscribed' if p.oversubscribed else ''}), `{p.run.name}`", "",
                "| role | ranks | stage | min | median | max | slowest rank |", "|---|---:|---|---:|---:|---:|---:|"]
        for role, ranks in roles.items():
            keys = list(ranks[0]["stages"]) + ["busy", "cpu", "wall"]
            for k in keys:
                vals = [(r["stages"][k] if k in r["stages"] else r[k], r["rank"]) for r in ranks]
                if any(v != v for v, _ in vals):
                    continue
                top = max(vals)
                out.append(f"| {role} | {len(ranks)} | {k} | {min(vals)[0]:.4f} | "
                           f"{statistics.median(v for v, _ in vals):.4f} | {top[0]:.4f} | {top[1]} |")
        out.append("")
    return "\n".join(out)


def plot_lines(points, study, nproc, out, what, threshold):
    fig, ax = plt.subplots(figsize=(7.5, 5))
    series = sorted({p.series for p in points}, key=series_order)
    cores = sorted({p.cores for p in points})
    n = max(len(series), 1)
    for i, s in enumerate(series):
        color, marker = SERIES_STYLE.get(s, (None, "D"))
        mine = sorted((p for p in points if p.series == s), key=lambda p: p.cores)
        # Nudged apart so the error bars of the series do not hide one another.
        xs = [p.cores * (1 + 0.025 * (i - (n - 1) / 2)) for p in mine]
        if what == "throughput":
            ys = [p.throughput for p in mine]
            lo = [p.throughput - p.tp_min for p in mine]
            hi = [p.tp_max - p.throughput for p in mine]
        else:
            ys = [p.efficiency for p in mine]
            lo = [p.efficiency - p.eff_min for p in mine]
            hi = [p.eff_max - p.efficiency for p in mine]
        line, = ax.plot(xs, ys, "-", color=color, label=label(s), linewidth=1.8)
        ax.errorbar(xs, ys, yerr=[lo, hi], fmt="none", ecolor=line.get_color(), capsize=4, linewidth=1.2)
        for p, x, y in zip(mine, xs, ys):
            ax.plot([x], [y], marker, color=line.get_color(), markersize=8,
                    markerfacecolor="white" if p.oversubscribed else line.get_color())
            if p.unsteady:
                ax.plot([x], [y], "o", markersize=17, markerfacecolor="none", markeredgecolor="red",
                        markeredgewidth=1.5, linestyle="none")
    base = [p for p in points if p.series == ("threads", "threads")]
    ref = min(base or points, key=lambda p: p.cores)
    if what == "throughput":
        per_core = ref.throughput / ref.cores
        xs = np.linspace(min(cores), max(cores), 50)
        ax.plot(xs, per_core * xs, "--", color="gray", linewidth=1, label="ideal (baseline x cores)")
        ax.set_ylabel("images per second, end to end (the whole command)")
        ax.set_ylim(bottom=0)
        ax.set_title(f"{study.capitalize()} scaling: throughput (median of repeats, bars min-max)")
    else:
        ax.axhline(1.0, linestyle="--", color="gray", linewidth=1, label="ideal")
        ax.set_ylabel("parallel efficiency, end to end (speed-up / cores)")
        top = max([p.eff_max for p in points if p.eff_max == p.eff_max] + [1.0])
        ax.set_ylim(0, max(1.1, top * 1.1))
        ax.set_title(f"{study.capitalize()} scaling: parallel efficiency (bars: fastest-slowest repeat)")
    if nproc and min(cores) <= nproc <= max(cores) and nproc < max(cores):
        ax.axvline(nproc, color="red", linestyle=":", linewidth=1, label=f"the machine's {nproc} cores")
    ax.set_xlabel(CORES_LABEL)
    ax.set_xticks(cores)
    ax.grid(True, alpha=0.3)
    ax.plot([], [], "o", color="gray", markerfacecolor="white", label="oversubscribed (ranks x threads > cores)")
    ax.plot([], [], "o", markersize=12, markerfacecolor="none", markeredgecolor="red",
            label=f"noisy (repeats differ by > {threshold:.0%}) or busy machine")
    ax.legend(fontsize=8, loc="best")
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    plt.close(fig)


def plot_inside(points, study, out):
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(13, 5))
    series = sorted({p.series for p in points}, key=series_order)
    cores = sorted({p.cores for p in points})
    for s in series:
        color, marker = SERIES_STYLE.get(s, (None, "D"))
        mine = sorted((p for p in points if p.series == s), key=lambda p: p.cores)
        xs = [p.cores for p in mine]
        ys = [p.inside_throughput for p in mine]
        ax.errorbar(xs, ys, yerr=[[p.inside_throughput - p.inside_tp_min for p in mine],
                                  [p.inside_tp_max - p.inside_throughput for p in mine]],
                    fmt="-" + marker, color=color, capsize=4, label=f"{label(s)}, inside")
        ax.plot(xs, [p.throughput for p in mine], ":", marker=marker, color=color, markerfacecolor="white",
                label=f"{label(s)}, end to end")
    ax.set_xticks(cores)
    ax.set_xlabel(CORES_LABEL, fontsize=8)
    ax.set_ylabel("images per second")
    ax.set_ylim(bottom=0)
    ax.grid(True, alpha=0.3)
    ax.set_title("Inside the program (/run wall_seconds) against end to end", fontsize=10)
    ax.legend(fontsize=7)
    ordered = sorted(points, key=lambda p: (series_order(p.series), p.cores))
    xs = np.arange(len(ordered))
    inside = np.array([p.inside for p in ordered])
    gap = np.array([max(p.startup, 0.0) if p.startup == p.startup else 0.0 for p in ordered])
    ax2.bar(xs, inside, color="#1f77b4", label="inside the program (/run wall_seconds)")
    ax2.bar(xs, gap, bottom=inside, color="#ff7f0e",
            label="start-up gap: launch, MPI start, the input list, exit (end to end - inside)")
    for x, p in zip(xs, ordered):
        if p.startup == p.startup:
            ax2.text(x, p.inside + max(p.startup, 0.0), f"{100 * p.startup / p.wall:.0f}%", ha="center",
                     va="bottom", fontsize=7)
    ax2.set_xticks(xs)
    ax2.set_xticklabels([f"{label(p.series)}\nc={p.cores}" for p in ordered], fontsize=7)
    ax2.set_ylabel("seconds (medians of the repeats)")
    ax2.set_title("Where the end-to-end time goes (the gap's share on top)", fontsize=10)
    ax2.set_ylim(0, max(p.wall for p in ordered) * 1.3)
    ax2.legend(fontsize=7, loc="upper right")
    ax2.grid(True, axis="y", alpha=0.3)
    fig.suptitle(f"{study.capitalize()} scaling: the program's own time and the start-up gap", fontsize=11)
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    plt.close(fig)


def pick_cores(cores, limit=4):
    cores = sorted(cores)
    if len(cores) <= limit:
        return cores
    picked = {cores[0], cores[-1]}
    for c in cores:  # powers of two in between
        if c & (c - 1) == 0:
            picked.add(c)
    picked = sorted(picked)
    while len(picked) > limit:
        picked.pop(len(picked) // 2)
    return picked


def wrap_role(role, width=14):
    """A role's whole name on lines of about `width` characters, broken after "[", "," or "+"."""
    parts = re.findall(r"[^\[,+]+[\[,+]?|[\[,+]", role)
    lines, line = [], ""
    for part in parts:
        if line and len(line) + len(part) > width:
            lines.append(line)
            line = ""
        line += part
    return "\n".join(lines + ([line] if line else []))


def plot_breakdown(points, study, out):
    series = sorted({p.series for p in points}, key=series_order)
    panels = []
    for s in series:
        mine = {p.cores: p for p in points if p.series == s}
        bars = []
        for c in pick_cores(mine):
            p = mine[c]
            roles = role_rows(p)
            for role, ranks in (roles or {}).items():
                bars.append((p, role, ranks))
        if bars:
            panels.append((s, bars))
    if not panels:
        return False
    stage_order = []
    for _, bars in panels:
        for _, _, ranks in bars:
            for k in ranks[0]["stages"]:
                if k not in stage_order:
                    stage_order.append(k)
    # Work from the bottom up, then other, then waiting on top: the stack below the wait is the
    # rank's busy time, where the whisker of busy times sits.
    fixed_first = [k for k in ("read", "comm", "decode") if k in stage_order]
    analyzers = [k for k in stage_order if k.startswith("analyze_")]
    rest = [k for k in stage_order if k not in fixed_first and k not in analyzers and k not in ("other", "wait")]
    stage_order = fixed_first + analyzers + rest + [k for k in ("other", "wait") if k in stage_order]
    colors = dict(STAGE_COLORS)
    for i, k in enumerate(analyzers):
        colors[k] = ANALYZER_COLORS[i % len(ANALYZER_COLORS)]

    widths = [max(len(bars), 2) for _, bars in panels]
    fig, axes = plt.subplots(1, len(panels), figsize=(max(8.5, 1.15 * sum(widths) + 3.5), 6.8),
                             gridspec_kw={"width_ratios": widths}, squeeze=False, sharey=True)
    for ax, (s, bars) in zip(axes[0], panels):
        xs = np.arange(len(bars))
        bottom = np.zeros(len(bars))
        medians = []
        for _, _, ranks in bars:
            # The role's median rank by busy time stands for it; the whisker shows the others.
            medians.append(sorted(ranks, key=lambda r: r["busy"])[(len(ranks) - 1) // 2])
        for k in stage_order:
            vals = np.array([m["stages"].get(k, 0.0) for m in medians])
            ax.bar(xs, vals, bottom=bottom, color=colors.get(k), edgecolor="white", linewidth=0.4,
                   label=k.replace("analyze_", "analyze: "))
            bottom += vals
        for x, (_, _, ranks), m in zip(xs, bars, medians):
            busy = [r["busy"] for r in ranks]
            ax.errorbar([x], [m["busy"]], yerr=[[m["busy"] - min(busy)], [max(busy) - m["busy"]]], fmt="_",
                        color="black", capsize=5, markersize=12, linewidth=1.2,
                        label="busy (wall - wait): min-median-max over the role's ranks")
            cpu = [r["cpu"] for r in ranks if r["cpu"] == r["cpu"]]
            if cpu:
                ax.plot([x + 0.28] * len(cpu), cpu, "D", color="crimson", markersize=4,
                        label="CPU seconds of each rank (getrusage)")
        ax.set_xticks(xs)
        ax.set_xticklabels([f"c={p.cores}{'*' if p.oversubscribed else ''}\n" +
                            wrap_role(role) +
                            (f"\nx{len(ranks)} ranks" if len(ranks) > 1 else "")
                            for p, role, ranks in bars], fontsize=7)
        ax.set_title(label(s), fontsize=10)
        ax.grid(True, axis="y", alpha=0.3)
    axes[0][0].set_ylabel("seconds per core of a rank (the role's median rank; same axis in every panel)")
    seen = OrderedDict()
    for ax in axes[0]:
        for h, lab in zip(*ax.get_legend_handles_labels()):
            seen.setdefault(lab, h)
    fig.legend(list(seen.values()), list(seen.keys()), loc="upper right", fontsize=7, ncol=1,
               bbox_to_anchor=(1.0, 0.93))
    fig.suptitle(f"{study.capitalize()} scaling: where the time goes, every rank (median repeat; * oversubscribed)",
                 fontsize=11)
    fig.tight_layout(rect=(0, 0, 0.80, 0.95))
    fig.savefig(out, dpi=110)
    plt.close(fig)
    return True


def machine_lines(folder, runs):
    lines = []
    for info in sorted(folder.glob("sweep_info_*.txt")):
        keep = {}
        for line in info.read_text().splitlines():
            k, _, v = line.partition(": ")
            keep[k] = v
        lines.append(f"- {info.stem.replace('sweep_info_', '')} sweep: {keep.get('date', '?')} on "
                     f"{keep.get('host', '?')} ({keep.get('nproc', '?')} cores, {keep.get('cpu', '?')}), "
                     f"{keep.get('photoscore', '?')}; {keep.get('settings', '')}")
        state = [f"{k.replace('_', ' ')} {keep[k]}" for k in ("load_start", "load_end", "others_cpu_start",
                                                              "others_cpu_sweep") if k in keep]
        if state:
            lines.append("  - the machine: " + "; ".join(state))
    if not lines and runs:
        r = runs[0]
        lines.append(f"- host {r.host}, photoscore {r.version} ({r.git_hash})")
    return lines


def main(argv=None):
    parser = argparse.ArgumentParser(description="Plots and Markdown tables of a photoscore scaling sweep "
                                                 "(the HDF5 files of jobs/strong_scaling.sh or weak_scaling.sh).")
    parser.add_argument("sweep_dir", help="folder of the sweep's *.h5 files (and sweep.tsv); the plots go there too")
    parser.add_argument("--noise-threshold", type=float, default=NOISE_THRESHOLD,
                        help="flag a point whose repeats' (slowest - fastest) / median exceeds this (default 0.10)")
    parser.add_argument("--busy-threshold", type=float, default=BUSY_THRESHOLD,
                        help="flag a point during whose repeats other processes used more than this share of the "
                             "machine's cores (sweep.tsv others_cpu; default 0.25)")
    args = parser.parse_args(argv)
    folder = Path(args.sweep_dir)
    if not folder.is_dir():
        print(f"scaling.py: no such folder: {folder}", file=sys.stderr)
        return 2
    runs, failed, notes = load(folder)
    if not runs:
        print(f"scaling.py: no photoscore HDF5 runs in {folder}" + (f" ({'; '.join(notes)})" if notes else ""),
              file=sys.stderr)
        return 2
    global CORES_LABEL, CORES_NOTE
    if any("RANK0=counted" in p.read_text() for p in folder.glob("sweep_info_*.txt")):
        CORES_LABEL = "cores (threads: 1 rank x c threads; MPI: c ranks x threads, rank 0 included)"
        CORES_NOTE = ("Cores: thread mode runs 1 rank x c threads; the MPI layouts run c cores' worth of ranks "
                      "x threads, rank 0 (reads, sends, merges) included (RANK0=counted, jobs/sweep_common.sh).")
    threshold = args.noise_threshold
    points = points_of(runs, threshold, args.busy_threshold)
    base = add_speedups(points)
    nprocs = {r.nproc for r in runs if r.nproc}
    nproc = max(nprocs) if nprocs else None
    if not all(r.measured_e2e for r in runs):
        notes.append("some runs have no end-to-end time in sweep.tsv: their inside time (/run wall_seconds) "
                     "stands in, and their start-up gap is n/a")

    md = ["# Scaling study", ""]
    md += machine_lines(folder, runs)
    md.append("")
    printed = []
    written = []
    for study in sorted({p.study for p in points}, key=lambda s: (s != "strong", s)):
        mine = [p for p in points if p.study == study]
        prefix = "" if study == "strong" else f"{study}_"
        plot_lines(mine, study, nproc, folder / f"{prefix}throughput.png", "throughput", threshold)
        plot_lines(mine, study, nproc, folder / f"{prefix}efficiency.png", "efficiency", threshold)
        plot_inside(mine, study, folder / f"{prefix}inside.png")
        written += [f"{prefix}throughput.png", f"{prefix}efficiency.png", f"{prefix}inside.png"]
        has_breakdown = plot_breakdown(mine, study, folder / f"{prefix}time_breakdown.png")
        if has_breakdown:
            written.append(f"{prefix}time_breakdown.png")
        tab = table(mine, threshold)
        noisy_line = noise_summary(mine, threshold, args.busy_threshold)
        eff_notes = efficiency_notes(mine)
        heading = f"## {study.capitalize()} scaling"
        md += [heading, "", "End to end: the whole command as the user runs it (launch included), median of the "
               "repeats with the fastest and slowest beside it.", "", tab, "",
               f"{base[study]}; speed-up = images/s over the baseline's images/s per core; efficiency = speed-up / "
               "cores (band: the point's fastest and slowest repeat). spread = (slowest - fastest) / median. load: "
               "the 1-minute load average as the run started (the highest of its repeats); others' CPU: the share "
               "of the machine's cores other processes used while it ran (the highest of its repeats).", "",
               noisy_line, ""]
        if eff_notes:
            md += ["Efficiencies above 1:", ""] + [f"- {n}" for n in eff_notes] + [""]
        md += [f"![throughput]({prefix}throughput.png)", f"![efficiency]({prefix}efficiency.png)", "",
               f"### Inside the program, and the start-up gap", "", inside_table(mine), "",
               "inside: /run wall_seconds, from opening the outputs to the last row; the start-up gap is end to end "
               "- inside (median over the repeats of each run's own gap).", "",
               f"![inside the program]({prefix}inside.png)", ""]
        if has_breakdown:
            md += [f"### Every rank", "", rank_summary(mine), "",
                   "busy = wall - wait; the slowest rank in brackets; cpu = the rank's process CPU seconds "
                   "(getrusage); cpu / busy well below 1 means the rank was waiting for a core (time-sharing), not "
                   "working; imbalance = the busiest rank's busy over the role's mean, minus 1. Thread mode: one "
                   "rank, its stages as thread-seconds over the threads. Stage by stage: [ranks.md](ranks.md).", "",
                   f"![where the time goes]({prefix}time_breakdown.png)", ""]
        printed += [heading, "", tab, "", base[study], noisy_line, ""] + eff_notes
    md += [CORES_NOTE + " Oversubscribed: ranks x threads above the machine's cores; those timings measure "
           "time-sharing.", ""]
    if failed:
        md += ["Failed runs (left out):", ""] + [f"- {f}" for f in failed] + [""]
        printed += ["Failed runs (left out): " + "; ".join(failed), ""]
    if notes:
        md += ["Notes:", ""] + [f"- {n}" for n in notes] + [""]
    (folder / "scaling.md").write_text("\n".join(md))
    (folder / "ranks.md").write_text(rank_stages_md(points) + "\n")
    print("\n".join(printed).rstrip())
    print(f"\nscaling.py: wrote {', '.join(written)}, scaling.md and ranks.md in {folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
