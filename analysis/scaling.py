#!/usr/bin/python3
"""Plots and a table of a photoscore scaling study.

  /usr/bin/python3 analysis/scaling.py SWEEP_DIR

Reads every run of a sweep (the *.h5 files jobs/strong_scaling.sh and
jobs/weak_scaling.sh wrote, with their sweep.tsv) and writes into SWEEP_DIR:

  throughput.png       images per second against cores, one line per mode and layout, with the
                       ideal line (the baseline's images/s per core x cores)
  efficiency.png       parallel efficiency against cores (1 = ideal)
  time_breakdown.png   where the time goes: for each mode and layout and a few core counts, a
                       stacked bar per rank role (source+merger, analyzer[...], worker, threads)
                       from /timing/ranks: seconds per core of a rank in each stage
  scaling.md           the table below, with the machine and the definitions

and prints the table. A weak-scaling sweep's files are named weak_*.png.

Throughput is images / wall_seconds (/run attributes: the job's own clock,
without process start-up). The baseline is thread mode at the sweep's fewest
cores (each series' own fewest cores when thread mode is not in the sweep);
speed-up = throughput / (baseline throughput per core), efficiency =
speed-up / cores. For strong scaling that is T(c0) c0 / T(c) over c; for weak
scaling, where c cores get c times the photos, it is T(c0) / T(c).
"Cores" is what the sweep calls cores (jobs/strong_scaling.sh: threads 1 x c;
MPI layouts c ranks that analyze plus rank 0); without sweep.tsv it is read
from the file name (-c<N>) or, last, taken as ranks x threads. Oversubscribed
runs (ranks x threads > the machine's cores) are drawn hollow and marked.
"""
import argparse
import csv
import math
import re
import statistics
import sys
from collections import OrderedDict, defaultdict
from pathlib import Path

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

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
NOT_STAGES = {"rank", "role", "host", "wall", "analyze", "images", "other"}
CORES_LABEL = "cores (threads: 1 rank x c threads; MPI: c analyzing ranks + rank 0)"
CORES_NOTE = ("Cores: thread mode runs 1 rank x c threads; the MPI layouts run c analyzing ranks (roles: analyzer "
              "groups; farm: workers) plus rank 0, which reads, sends and merges (jobs/sweep_common.sh).")


def text(v):
    if isinstance(v, bytes):
        return v.decode("utf-8", "replace")
    if isinstance(v, np.ndarray) and v.shape == ():
        return text(v.item())
    return str(v)


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
            self.wall = float(a.get("wall_seconds", float("nan")))
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

    @property
    def series(self):
        return (self.mode, self.layout)

    @property
    def throughput(self):
        return self.images / self.wall if self.wall > 0 else float("nan")


class Point:
    """The runs of one (study, mode, layout, cores): repeats, summarized by the median wall time."""

    def __init__(self, runs):
        runs = sorted(runs, key=lambda r: r.wall)
        self.runs = runs
        self.run = runs[(len(runs) - 1) // 2]  # the median run (the faster one of the middle two)
        r = self.run
        self.study, self.mode, self.layout, self.cores = r.study, r.mode, r.layout, r.cores
        self.ranks, self.threads, self.images = r.ranks, r.threads, r.images
        self.wall = statistics.median(x.wall for x in runs)
        self.throughput = self.images / self.wall if self.wall > 0 else float("nan")
        self.oversubscribed = any(x.oversubscribed for x in runs)
        self.speedup = float("nan")
        self.efficiency = float("nan")

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


def points_of(runs):
    groups = OrderedDict()
    for r in sorted(runs, key=lambda r: (r.study, series_order(r.series), r.cores)):
        groups.setdefault((r.study, r.series, r.cores), []).append(r)
    return [Point(v) for v in groups.values()]


def series_order(s):
    order = list(SERIES_STYLE)
    return (order.index(s) if s in order else len(order), s)


def add_speedups(points):
    """Speed-up and efficiency against thread mode at the fewest cores (or the series' own)."""
    base_note = {}
    for study in sorted({p.study for p in points}):
        mine = [p for p in points if p.study == study and p.throughput == p.throughput]
        threads = [p for p in mine if p.series == ("threads", "threads")]
        common = min(threads, key=lambda p: p.cores) if threads else None
        for series in {p.series for p in mine}:
            ref = common or min((p for p in mine if p.series == series), key=lambda p: p.cores)
            per_core = ref.throughput / ref.cores
            for p in mine:
                if p.series == series:
                    p.speedup = p.throughput / per_core
                    p.efficiency = p.speedup / p.cores
        if common:
            base_note[study] = (f"baseline: thread mode on {common.cores} core{'s' if common.cores > 1 else ''}, "
                                f"{common.throughput:.2f} images/s")
        else:
            base_note[study] = "baseline: each series' own fewest cores (no thread-mode run)"
    return base_note


def label(series):
    mode, layout = series
    return "threads" if mode == "threads" else f"mpi {layout}"


def fmt(v, spec):
    return "n/a" if v != v else format(v, spec)


# Repeats are summarized by their median wall time (images/s, speed-up and
# efficiency come from it); min and max show how much the repeats spread.
TABLE_HEAD = ["mode", "layout", "cores", "ranks", "threads", "images", "runs", "wall s (median)", "min s", "max s",
              "images/s", "speed-up", "efficiency", "oversubscribed"]


def table(points):
    lines = ["| " + " | ".join(TABLE_HEAD) + " |", "|" + "|".join(["---"] * 2 + ["---:"] * 11 + ["---"]) + "|"]
    for p in points:
        walls = [r.wall for r in p.runs]
        lines.append("| " + " | ".join([
            p.mode, p.layout, str(p.cores), str(p.ranks), str(p.threads), str(p.images), str(len(p.runs)),
            fmt(p.wall, ".3f"), fmt(min(walls), ".3f"), fmt(max(walls), ".3f"), fmt(p.throughput, ".2f"),
            fmt(p.speedup, ".2f"), fmt(p.efficiency, ".2f"), "yes" if p.oversubscribed else "no"]) + " |")
    return "\n".join(lines)


def plot_lines(points, study, nproc, out, what):
    fig, ax = plt.subplots(figsize=(7.5, 5))
    series = sorted({p.series for p in points}, key=series_order)
    cores = sorted({p.cores for p in points})
    for s in series:
        color, marker = SERIES_STYLE.get(s, (None, "D"))
        mine = sorted((p for p in points if p.series == s), key=lambda p: p.cores)
        xs = [p.cores for p in mine]
        ys = [p.throughput if what == "throughput" else p.efficiency for p in mine]
        line, = ax.plot(xs, ys, "-", color=color, label=label(s), linewidth=1.8)
        for p, x, y in zip(mine, xs, ys):
            ax.plot([x], [y], marker, color=line.get_color(), markersize=8,
                    markerfacecolor="white" if p.oversubscribed else line.get_color())
    threads = [p for p in points if p.series == ("threads", "threads")]
    ref = min(threads or points, key=lambda p: p.cores)
    if what == "throughput":
        per_core = ref.throughput / ref.cores
        xs = np.linspace(min(cores), max(cores), 50)
        ax.plot(xs, per_core * xs, "--", color="gray", linewidth=1, label="ideal (baseline x cores)")
        ax.set_ylabel("throughput (images/s)")
        ax.set_ylim(bottom=0)
        ax.set_title(f"{study.capitalize()} scaling: throughput")
    else:
        ax.axhline(1.0, linestyle="--", color="gray", linewidth=1, label="ideal")
        ax.set_ylabel("parallel efficiency (speed-up / cores)")
        top = max([p.efficiency for p in points if p.efficiency == p.efficiency] + [1.0])
        ax.set_ylim(0, max(1.1, top * 1.1))
        ax.set_title(f"{study.capitalize()} scaling: parallel efficiency")
    if nproc and min(cores) <= nproc <= max(cores) and nproc < max(cores):
        ax.axvline(nproc, color="red", linestyle=":", linewidth=1, label=f"the machine's {nproc} cores")
    ax.set_xlabel(CORES_LABEL)
    ax.set_xticks(cores)
    ax.grid(True, alpha=0.3)
    ax.plot([], [], "o", color="gray", markerfacecolor="white", label="oversubscribed (ranks x threads > cores)")
    ax.legend(fontsize=8, loc="best")
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    plt.close(fig)


def role_stages(point):
    """{role: (ranks, {stage: seconds per core}, wall)} from the median run's /timing/ranks."""
    t = point.run.timing
    if t is None or len(t) == 0:
        return None
    names = t.dtype.names
    stages = [n for n in names if n not in NOT_STAGES and t.dtype[n].kind == "f"]
    per_role = OrderedDict()
    threads = max(point.threads, 1)
    for row in t:
        role = text(row["role"]) if "role" in names else "rank"
        values = {s: max(float(row[s]), 0.0) / threads for s in stages}
        wall = float(row["wall"]) if "wall" in names else sum(values.values())
        values["other"] = max(wall - sum(values.values()), 0.0)
        entry = per_role.setdefault(role, [0, defaultdict(float), 0.0])
        entry[0] += 1
        for k, v in values.items():
            entry[1][k] += v
        entry[2] += wall
    result = OrderedDict()
    for role, (n, sums, wall) in per_role.items():
        result[role] = (n, {k: v / n for k, v in sums.items()}, wall / n)
    return result


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


def plot_breakdown(points, study, out):
    series = sorted({p.series for p in points}, key=series_order)
    panels = []
    for s in series:
        mine = {p.cores: p for p in points if p.series == s}
        chosen = [mine[c] for c in pick_cores(mine)]
        bars = []
        for p in chosen:
            roles = role_stages(p)
            if roles:
                for role, (n, stages, wall) in roles.items():
                    bars.append((p, role, n, stages, wall))
        if bars:
            panels.append((s, bars))
    if not panels:
        return False
    stage_order = []
    for _, bars in panels:
        for _, _, _, stages, _ in bars:
            for k in stages:
                if k not in stage_order:
                    stage_order.append(k)
    fixed_first = [k for k in ("read", "comm", "wait", "decode") if k in stage_order]
    analyzers = [k for k in stage_order if k.startswith("analyze_")]
    rest = [k for k in stage_order if k not in fixed_first and k not in analyzers and k != "other"]
    stage_order = fixed_first + analyzers + rest + (["other"] if "other" in stage_order else [])
    colors = dict(STAGE_COLORS)
    for i, k in enumerate(analyzers):
        colors[k] = ANALYZER_COLORS[i % len(ANALYZER_COLORS)]

    widths = [max(len(bars), 2) for _, bars in panels]
    fig, axes = plt.subplots(1, len(panels), figsize=(max(7.5, 0.62 * sum(widths) + 2.5), 5.8),
                             gridspec_kw={"width_ratios": widths}, squeeze=False)
    for ax, (s, bars) in zip(axes[0], panels):
        xs = np.arange(len(bars))
        bottom = np.zeros(len(bars))
        for k in stage_order:
            vals = np.array([b[3].get(k, 0.0) for b in bars])
            ax.bar(xs, vals, bottom=bottom, color=colors.get(k), edgecolor="white", linewidth=0.4,
                   label=k.replace("analyze_", "analyze: "))
            bottom += vals
        ax.set_xticks(xs)
        ax.set_xticklabels([f"c={p.cores}{'*' if p.oversubscribed else ''}\n{short_role(role)}"
                            + (f" x{n}" if n > 1 else "") for p, role, n, _, _ in bars],
                           rotation=60, ha="right", fontsize=7)
        ax.set_title(label(s), fontsize=10)
        ax.grid(True, axis="y", alpha=0.3)
    axes[0][0].set_ylabel("seconds per core of a rank (mean over the ranks of a role)")
    handles, labels = axes[0][0].get_legend_handles_labels()
    seen = OrderedDict()
    for ax in axes[0]:
        for h, lab in zip(*ax.get_legend_handles_labels()):
            seen.setdefault(lab, h)
    fig.legend(list(seen.values()), list(seen.keys()), loc="upper right", fontsize=7, ncol=1,
               bbox_to_anchor=(1.0, 0.93))
    fig.suptitle(f"{study.capitalize()} scaling: where the time goes, per rank role (* oversubscribed)",
                 fontsize=11)
    fig.tight_layout(rect=(0, 0, 0.86, 0.95))
    fig.savefig(out, dpi=110)
    plt.close(fig)
    return True


def short_role(role):
    return role if len(role) <= 28 else role[:26] + ".."


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
    if not lines and runs:
        r = runs[0]
        lines.append(f"- host {r.host}, photoscore {r.version} ({r.git_hash})")
    return lines


def main(argv=None):
    parser = argparse.ArgumentParser(description="Plots and a Markdown table of a photoscore scaling sweep "
                                                 "(the HDF5 files of jobs/strong_scaling.sh or weak_scaling.sh).")
    parser.add_argument("sweep_dir", help="folder of the sweep's *.h5 files (and sweep.tsv); the plots go there too")
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
    points = points_of(runs)
    base = add_speedups(points)
    nprocs = {r.nproc for r in runs if r.nproc}
    nproc = max(nprocs) if nprocs else None

    md = ["# Scaling study", ""]
    md += machine_lines(folder, runs)
    md.append("")
    printed = []
    written = []
    for study in sorted({p.study for p in points}, key=lambda s: (s != "strong", s)):
        mine = [p for p in points if p.study == study]
        prefix = "" if study == "strong" else f"{study}_"
        plot_lines(mine, study, nproc, folder / f"{prefix}throughput.png", "throughput")
        plot_lines(mine, study, nproc, folder / f"{prefix}efficiency.png", "efficiency")
        written += [f"{prefix}throughput.png", f"{prefix}efficiency.png"]
        has_breakdown = plot_breakdown(mine, study, folder / f"{prefix}time_breakdown.png")
        if has_breakdown:
            written.append(f"{prefix}time_breakdown.png")
        tab = table(mine)
        heading = f"## {study.capitalize()} scaling"
        md += [heading, "", tab, "", f"{base[study]}; speed-up = images/s over the baseline's images/s per core; "
               f"efficiency = speed-up / cores.", ""]
        md += [f"![throughput]({prefix}throughput.png)", f"![efficiency]({prefix}efficiency.png)"]
        if has_breakdown:
            md.append(f"![where the time goes]({prefix}time_breakdown.png)")
        md.append("")
        printed += [heading, "", tab, "", base[study], ""]
    md += [CORES_NOTE + " Oversubscribed: ranks x threads above the machine's cores; those timings measure "
           "time-sharing.", ""]
    if failed:
        md += ["Failed runs (left out):", ""] + [f"- {f}" for f in failed] + [""]
        printed += ["Failed runs (left out): " + "; ".join(failed), ""]
    if notes:
        md += ["Notes:", ""] + [f"- {n}" for n in notes] + [""]
    (folder / "scaling.md").write_text("\n".join(md))
    print("\n".join(printed).rstrip())
    print(f"\nscaling.py: wrote {', '.join(written)} and scaling.md in {folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
