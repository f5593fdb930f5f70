#!/usr/bin/python3
"""A performance model of photoscore: images per second for every layout and read mode, from 1 to
16,384 cores, against the physical limit of the job; calibrated on measured runs, with the spread
of every measured input carried into a band around every prediction.

  /usr/bin/python3 analysis/model.py RESULTS_DIR [--ceiling FILE] [--out DIR] [--no-plot] [--doc FILE]
                                    [machine options]

RESULTS_DIR is a sweep folder (jobs/strong_scaling.sh; e.g. analysis/results). Inputs:

  the workload   per-photo costs from the baseline point: thread mode at the sweep's fewest cores,
                 every repeat of it (--baseline FILE: one run instead). Each input is the median
                 over the repeats; their min and max are its spread.
  rank 0         its cost a photo from the ceiling benchmark (jobs/rank0_ceiling.sh), the file
                 rank0_ceiling.tsv in RESULTS_DIR or --ceiling: per layout and read mode, a cost a
                 row and a cost a block of rows, fitted to every run (below). Without it, rank 0's
                 cost is estimated from message counts and the baseline's merge + write (the model
                 before the ceiling benchmark), and the output says so.
  the machine    the options below (not measured here: a cluster's nodes, network, file system).

It then

  1. validates: predicts every point of the sweep on the sweep's own machine (one node of `nproc`
     cores) against the program's own time (/run wall_seconds: the model predicts the work, not
     the launch; the sweep's start-up gap is reported beside), and rank 0's time a photo in every
     ceiling group (farm -np 2, 3, 5, 9, roles -np 4, 7, the leaders; each batch size) against the
     fit to the other groups (leave one out);
  2. states the physical limit of a job of c cores, min(c x per-core rate, file system bandwidth /
     bytes a photo), the per-core rate being what one core does when it only reads and scores
     photos (1 / (read + t_score)): no layout can beat it, so an efficiency against it is at most 1;
  3. predicts every layout and read mode on the cluster (--cores-per-node, up to --max-cores,
     default 16,384) and prints the efficiency against the limit at 64, 256, 1,024, 4,096 and
     16,384 cores, with the band that the inputs' spread gives and the bound that limits it, and
     which layout and read mode to pick at each size;
  4. writes model_prediction.png (not with --no-plot) and model.md into RESULTS_DIR or --out;
  5. with --doc FILE, rewrites the blocks of FILE between "<!-- model.py NAME -->" and
     "<!-- /model.py NAME -->" with the same figures (NAME: sweep, cost, ceiling, efficiency, picks,
     verdict): docs/scaling.md's figures are this script's on analysis/results.

Exit status: 0, every sweep point and every ceiling group within --tolerance (15 %) (ceiling groups
where rank 0 saturated the cores are shown, not counted); 1, the model
is off: some point outside the tolerance whose repeats agree (within --noise-threshold, 10 %), on a
machine other processes left alone (they used at most --busy-threshold, 25 %, of its cores: sweep.tsv
and rank0_ceiling.tsv others_cpu), with a baseline of which the same holds; 3, the sweep is too noisy
to validate: every point outside the tolerance is noisy (its repeats disagree, or the machine was
busy), or the baseline itself is, so the measurements disagree with each other before they disagree
with the model (rerun on a quieter machine); 2, bad arguments or no usable baseline.

What the baseline gives (per photo, means over its photos; /timing/images and /timing/ranks)
--------------------------------------------------------------------------------------------
  d      decode seconds                     a_k   seconds of analyzer k
  r0     read seconds                       s     merge + write seconds (the threads' sink)
  o      the rest of a photo's time: o = wall * c0 / N - r0 - d - sum_k a_k - s (gray strips,
         bookkeeping; c0 = the baseline's threads, N its photos). d + sum a + o is the time one core
         needs to score a photo it already holds: t_score.
  B      file bytes: /timing/images or /scores member `bytes`/`file_bytes` if the file has one, else
         the sizes of the files at /scores `path` (or of the same names under --photos DIR), else
         width * height * --file-bytes-per-pixel.
  P, H   pixels (width * height) and rows (height), from /scores.
--photo-megapixels scales d, a_k, o, P, H and B to photos of another size (decode and analyzers are
linear in pixels); --photo-mb sets B alone.

Rank 0's cost, from the ceiling benchmark
-----------------------------------------
Rank 0 deals photos in batches and gets their rows back as blocks, a block per batch (src/comm:
lanes.hpp, source_rank.cpp, row_assembler.hpp). A batch is about 0.2 s of a group's work, at least
--in-flight photos (a roles group: (--in-flight + 2) x its members), at most 256 (the cap, lower in
runs with PHOTOSCORE_BATCH_MAX): rows_per_block = clamp(0.2 s / lane_time, first_batch, cap), where
lane_time is the group's busiest member's seconds a photo. Rank 0's busy time a photo is then

    u0 = c_row + (c_warm + c_cold x (1 - exp(-gap / tau))) / rows_per_block
         [+ (B - B_ceiling) / read_bandwidth with --read rank0]
         [+ c_preempt x preempted, in the ceiling runs only]

c_row is what rank 0 does a row (its name dealt, the dashboard's tallies, its share of the HDF5
chunk, and where a lane cannot see rank 0's JSONL, its line and record written; a lane that sees it
writes them); a block (a batch dealt, a block received and put in order, its place given and its
seal written, the messages) costs c_warm when it comes right after another and up to c_warm +
c_cold (c_block) after a longer sleep, gap = rows_per_block / (the job's photos a second) being
the seconds between blocks: while rank 0 sleeps the ranks beside it push its data out of the
caches (measured at fixed block sizes with slower photos: docs/scaling.md). tau (--cold-tau, 5
ms) is chosen, not fitted per layout: leaving one group out, the ceiling's groups come within 15 %
most often for tau of 5-10 ms (1-2 ms: fewer), and at fixed block sizes the cost levels off
within 3-9 ms. The three are fitted by least squares of the errors relative to the points (each
weighed 1 / u0^2: the points are judged in %), per layout and read mode, to the medians of the
ceiling runs' repeats, each group a point (its rows_per_block and its gap, rows_per_block x wall /
photos): farm and roles, rank counts, BATCHES. c_cold is fitted only where some group's gap
exceeds tau (below it the term grows as the rows and cannot be told from c_row), and not for a
leader's own cost (its groups' blocks are of one size in the ceiling runs). The same fit on the
fastest and on the slowest repeats gives their spread. On the cluster the gap follows from the
predicted photos a second (the prediction is repeated until it settles), but no shorter than the
shortest gap the fit saw: the warm end is not extrapolated, so the figures lean dear there.
Tiny photos make rows_per_block large in the ceiling runs (up to the cap); 4 MP photos, whose
batch is 0.2 s / 14 ms, make it 14. With --read rank0 rank 0 also reads:
the ceiling's tiny files carry the cost of opening each, the extra bytes of a real photo are read at
--read-bandwidth.

The ceiling runs share a few cores among more ranks (-np 3 to 9 on 2 cores), so rank 0's wall-clock
busy time there holds time it waited for a core besides its cost. Where the TSV has busy_cpu (rank 0's
main thread's CPU seconds outside its sleeping waits, /timing/ranks busy_cpu) for every run, the fits
and the validation are on it, which leaves that time out by measurement: on the cluster rank 0 has a
core of its own, and its cost is its CPU time. (Measured: at -np 9 on 2 cores the farm's rank 0 was
busy 1.12-1.20 us a photo of wall-clock time for 0.60-0.75 of CPU; at -np 3 the two agree.)
Sharing the cores also costs CPU: each time the OS takes rank 0's core while it could run, its data
is colder when it runs again. Where the TSV also has preempted (those times a photo, /timing/ranks
preempted, getrusage's involuntary context switches of rank 0's main thread) for every run,
c_preempt, a preemption's cost, is fitted beside the others (each group at its median preemptions
a photo) and every ceiling group is predicted with its own; on the cluster rank 0 has a core of its
own and the term is left out. (Measured: farm + leaders with rank 0's batches capped at 16 photos,
100,000 photos, rank 0 cost more CPU at -np 9 than at -np 5 at the same blocks and gaps, and was
preempted more.) TSVs
without it (older versions) are fitted on busy = wall - wait with the time-sharing modelled, as
follows (measured per run in the TSV: nproc, ranks, cpu, scoring_us, leader_busy, wall_s):
  - Its waiting costs the others little: photoscore's ranks poll a few times and then sleep while
    they wait (src/comm/mpi_wait.hpp poll_until; Open MPI's own yield is off), so rank 0 competes
    only with the ranks in work, k = (the scoring ranks' + the leaders' busy seconds) / the wall.
    (The model before this took every rank as busy all the time, stretching every run by ranks /
    nproc: up to 4.5 at -np 9, where rank 0's busy time grew 1.3 to 1.6 times from -np 3.)
  - Rank 0 works in bursts, a batch dealt and a block taken, burst = rows_per_block x c_row +
    c_block, and sleeps between them. A task waking from sleep runs at once on Linux (EEVDF keeps its
    lag) for up to one time slice, tau = 0.75 ms x (1 + log2 min(cores, 8)) (1.5 ms on 2 cores, the
    kernel's default base slice: an assumption, not measured); beyond the slice it shares the cores
    with the ranks in work, nproc / (1 + k) of a core. Its wall-clock busy time a photo is its cost
    times the stretch (min(burst, tau) + max(0, burst - tau) x (1 + k) / nproc) / burst; the fit
    divides each run's stretch out (repeated until the costs settle), a prediction multiplies it in.
    Bursts are long with --read rank0 (256 files read in a batch: about 5 ms), short otherwise.
  - A run whose rank 0 wanted more than its fair share of the cores, cpu x photos/s > nproc / ranks
    (its CPU seconds, polls and start-up included, against what each of `ranks` processes gets when
    all want more), is bound by the cores: its busy time is the scheduler's, not its cost. It is
    shown as such ("saturated") and neither fitted nor validated on.
A rank 0 with a core of its own, whose core idles between its blocks, costs more than one whose core
the scoring ranks keep busy (measured: 21-66 % more with its own batches, 8-38 % with blocks of 16;
docs/scaling.md). The cluster's rank 0 has one, so where the ceiling has runs with rank 0 alone on a
core (jobs/rank0_ceiling.sh RANK0_CORE=own; their TSV's rank0_core column; --own-core, by default
RESULTS_DIR/own-core/rank0_ceiling.tsv, whose own-core runs join the ceiling's), a layout and read
mode with such groups is fitted on those alone, without c_preempt (no rank takes that core), and the
cluster's figures take that fit; the others keep the fit to the shared runs.
Each ceiling group (layout, ranks, read mode, batch cap, rank 0's core) is predicted from the fit to
the OTHER groups of its layout, read mode and core (leave one out), so no group validates a fit that
saw it; a miss counts against the model only where its repeats and those of the groups it was
predicted from agree.

Machine parameters (options; defaults in brackets)
--------------------------------------------------
  --cores-per-node C [16]       cores of a node (16,384 cores = 1,024 nodes)
  --link-bandwidth [12.5 GB/s]  a node's network link, each way (100 Gb/s)
  --link-latency [2 us]         one message across the network
  --shm-bandwidth [5 GB/s]      one core copying within a node: a message between two ranks
                                (single copy, by the receiver), or a photo's rows crossing from the
                                core that decoded them to the others through the window
  --fs-bandwidth [1000 GB/s]    the shared file system, all readers together (a large parallel file
                                system; 16,384 cores of 4 MP JPEGs read about 800 GB/s)
  --read-bandwidth [2 GB/s]     one rank reading one file on the cluster (one client of the parallel
                                file system); the sweep's validation uses its own measured rate
  --msg-overhead [5 us]         CPU seconds an MPI message costs a scoring rank (post, test, match)
  --poll-cpu [0.03]             fraction of a core rank 0 uses while it waits (it polls and naps up
                                to 1 ms: src/comm/mpi_wait.hpp kDealerNap; measured)
  --pixel-bytes [3]             bytes per decoded pixel broadcast in a group (RGB)
  --piece-kib [2048]            KiB per piece of the pipelined pixel broadcast (src/comm: pixel_piece_rows)
  --full-node-speed [1]         a core's speed when every core of its node works, against one alone
                                (memory bandwidth, shared caches, SMT): the cluster's. The sweep's
                                machine's is measured: the baseline's decode + analyzer seconds a photo
                                over those of thread mode at all its cores (that point then calibrates
                                and is not a check); with n of C cores working a core runs at
                                1 - (1 - speed) (n - 1) / (C - 1), and the limit's per-core rate is a
                                full node's
With r = B / read_bandwidth, m = msg_overhead, copy(x) = x / shm_bandwidth when sender and
receiver share a node and 0 otherwise (then the bytes cross both nodes' links instead).

Layouts and the work of every rank
----------------------------------
Ranks: rank 0 plus L lane ranks of T threads (c = L * T cores analyze; rank 0 comes on top, as in
jobs/strong_scaling.sh). Rank i >= 1 is on node floor((i-1) T / C); rank 0 on node 0. A lane is what
rank 0 feeds as one: a farm worker or a roles group (the plan of src/comm/mpi_plan.cpp, reproduced
here: floor(L / A) groups of the A analyzers, spare ranks joining groups as second holders of the
first analyzers' roles; a role held by h ranks has each take every h-th photo). For every lane the
model writes w[l, j], the busy seconds of its rank j per photo of that lane:

  threads  one rank, c threads (c <= C), each reads and scores whole photos:
           X = min(c, C) / (r + t_score + s), and X <= 1 / s (one sink).
  farm     w = t_score / T + r [workers] + copy(B) [rank0] + m * messages (header, data, result)
  roles, decode once per group (src/comm/roles_member.cpp): one member decodes each photo and
           broadcasts its pixels, M = P * pixel_bytes bytes, to the g - 1 others in S = M / piece
           pieces; member k decodes a share f_k of the photos:
             w_k = f_k [d / T + copy(B) | r + (g-1) S m] + (1 - f_k) [copy(M) + S m]
                   + (sum_{j in role} a_j + o) / (T h) + m / h
           the shares evening the members' w_k out (water-filling, as DecodeBalancer does).
  roles, shared-memory window (a group whose ranks are all on one node): the decoder writes its
           rows into the window (straight from the decoder for JPEG, HEIF and camera RAW:
           RgbImage::place; copied in for the other formats) and the others read them in place.
           No rank copies them, but they still cross from the decoder's core to the others': the
           decoder writes them out of its cache to shared pages, and a reader finds them in
           another core's cache or in memory, where thread mode and the farm score rows their own
           core just decoded. That crossing is booked at the decoder as one copy, M / shm_bandwidth:
             w_k = f_k [d / T + copy(B) | r + (g-1) S m + M / shm] + (1 - f_k) S m + ...
           (measured with `-np 3` on the sweep's 2-core machine, 4 MP: the members' decode,
           analyzer and communication seconds exceed thread mode's d + sum a + 2 o by 3.7 ms a photo
           with the rows decoded into the window, 5.5 ms when they were copied into it; the model's
           2.4 ms at 5 GB/s is the lower of the two, so its roles figures lean optimistic).
  roles, decode everywhere (photoscore before decoding once; kept to read old runs): every member
           receives the file and decodes the photos it answers for.
  a leader per node (--leaders, farm or roles: a rank per node that deals and gathers for its node,
           src/comm/leader.cpp): each node is a one-node job of the base layout whose rank 0 is its
           leader, predicted as above with the leader's cost a row and a block (c_row_L, c_block_L,
           over its lanes' blocks) in rank 0's place. --leader-core shared (the default) runs one
           rank more than its cores a node: C scoring ranks, and the leader, which sleeps while it
           waits, takes its busy time and --leader-cpu of them as rank 0 does of node 0's; own gives
           it one of the C cores (C - 1 scoring ranks). Rank 0 deals a leader batches of 0.5 s of
           its node's work (at least the node's first batch, at most 8,192) and gets each back as
           one block in file order: rows_per_leader_block = clamp(0.5 s x the node's rate, first,
           8192), u0 = c_row_0 + c_block_0 / rows_per_leader_block. c_row and c_block come from the
           ceiling runs of that layout (jobs/rank0_ceiling.sh LEADER_RANKS, ROLES_LEADER_RANKS;
           their "leader_busy" column gives the leaders' own); a layout without such runs takes
           rank 0's from the farm's leaders and the leader's from its base layout's rank 0, and is
           marked "est." wherever it appears.

Throughput X (images/s): a lane alone does kappa_l = 1 / max_j w[l, j] photos a second; rank 0 deals
photos to the least busy lane, so all lanes together do X* = sum_l kappa_l. Then X is the least of
  lanes       X*
  rank 0      1 / u0
  leaders     the nodes' rates, each node bound by its leader, lanes, cores or link (with leaders)
  node CPU    (C_n - poll_cpu [n = 0]) / (sum_{lanes} share_l sum_{j on n} w[l, j] + u0 [n = 0])
  links       link_bandwidth / (bytes a node sends, or receives, per photo), every node
  file system fs_bandwidth / (bytes read per photo)
The least one is the bottleneck, printed with each prediction. A run of N photos takes
max(N / X, ceil(N / lanes) / kappa) seconds (the validation); the cluster curves are steady state.

Assumptions: one core's speed depends on the others only through --full-node-speed (measured on
the sweep's machine, 1 on the cluster unless told; real nodes often lose 10-30 % when every core
decodes); photos are alike (the
baseline's means); enough photos in flight per lane (--in-flight, default 3) to hide latency; a rank
of T threads scores one photo T times faster; the job's launch is not in the cluster figures (it
is in the sweep's end-to-end times, and grows with the ranks on a cluster).
"""
import argparse
import csv
import functools
import math
import re
import statistics
import sys
from pathlib import Path

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import scaling  # noqa: E402  (the sweep's points: the same medians scaling.py tables)

GB = 1e9
US = 1e-6
EFFICIENCY_AT = (64, 256, 1024, 4096, 16384)
BATCH_SECONDS = 0.2  # src/comm/lanes.hpp kBatchSeconds
BATCH_CAP = 256       # src/comm/lanes.hpp kMaxBatch
LEADER_BATCH_SECONDS = 0.5  # src/comm/lanes.hpp kLeaderBatchSeconds: rank 0's batch to a node's leader
LEADER_BATCH_CAP = 8192     # src/comm/lanes.hpp kMaxLeaderBatch
EXIT_OK, EXIT_OFF, EXIT_BAD, EXIT_NOISY = 0, 1, 2, 3
SERIES = [  # key, layout, variant, read mode, label, colour, line style
    ("threads", "threads", None, None, "threads (1 node)", "tab:blue", "-"),
    ("farm/rank0", "farm", None, "rank0", "farm, --read rank0", "tab:green", "-"),
    ("farm/workers", "farm", None, "workers", "farm, --read workers (auto)", "tab:green", "--"),
    ("roles-once/rank0", "roles", "once", "rank0", "roles, pixels by broadcast, --read rank0", "tab:orange", "-"),
    ("roles-once/workers", "roles", "once", "workers", "roles, pixels by broadcast, --read workers (auto)",
     "tab:orange", "--"),
    ("roles-window/rank0", "roles", "window", "rank0", "roles, shared-memory window, --read rank0", "tab:red", "-"),
    ("roles-window/workers", "roles", "window", "workers", "roles, shared-memory window, --read workers (auto)",
     "tab:red", "--"),
]


def text(v):
    return scaling.text(v)


def read_word(value):
    """rank0 or workers from a /run read value or a --read mode ("workers (auto)", "auto" -> workers)."""
    v = str(value).strip()
    return "rank0" if v.startswith("rank0") else "workers"


# ----------------------------------------------------------------------------- the workload

class Workload:
    """Per-photo means of one measured run (the baseline), optionally scaled to other photos."""

    def __init__(self, analyzers, d, a, o, r0, s, B, P, H, n, bytes_source, name=""):
        self.analyzers = list(analyzers)
        self.d, self.a, self.o, self.r0, self.s = d, list(a), o, r0, s
        self.B, self.P, self.H = B, P, H
        self.n = n
        self.bytes_source = bytes_source
        self.name = name

    @property
    def t_score(self):
        return self.d + sum(self.a) + self.o

    def scaled(self, megapixels=None, photo_mb=None):
        k = (megapixels * 1e6 / self.P) if megapixels else 1.0
        B = photo_mb * 1e6 if photo_mb else self.B * k
        return Workload(self.analyzers, self.d * k, [x * k for x in self.a], self.o * k, self.r0 * B / self.B, self.s,
                        B, self.P * k, self.H * math.sqrt(k), self.n, self.bytes_source, self.name)

    def fields(self):
        return [self.d, self.o, self.r0, self.s] + self.a

    def slowed(self, k):
        """The same photos on a core k times slower at the CPU work (decode, analyzers, the rest)."""
        if k == 1.0:
            return self
        return Workload(self.analyzers, self.d * k, [x * k for x in self.a], self.o * k, self.r0, self.s, self.B,
                        self.P, self.H, self.n, self.bytes_source, self.name)

    def with_fields(self, values, name):
        d, o, r0, s, *a = values
        return Workload(self.analyzers, d, a, o, r0, s, self.B, self.P, self.H, self.n, self.bytes_source, name)


def member(table, *names):
    for n in names:
        if table is not None and table.dtype.names and n in table.dtype.names:
            return n
    return None


def file_bytes(f, scores, photos_dir, bytes_per_pixel, mean_bytes=None):
    """Bytes of every photo, and where they came from."""
    images = f["timing/images"][()] if "timing/images" in f else None
    for table, where in ((images, "/timing/images"), (scores, "/scores")):
        name = member(table, "bytes", "file_bytes", "size")
        if name:
            return np.asarray(table[name], dtype=float), f"{where} member '{name}'"
    paths = [text(p) for p in scores["path"]] if member(scores, "path") else []
    if paths:
        candidates = [Path(p) for p in paths]
        if photos_dir:
            candidates = [Path(photos_dir) / Path(p).name for p in paths]
        if all(c.is_file() for c in candidates):
            return (np.array([c.stat().st_size for c in candidates], dtype=float),
                    f"sizes of the files ({candidates[0].parent})")
    pixels = scores["width"].astype(float) * scores["height"].astype(float)
    if mean_bytes:
        return np.full(len(pixels), float(mean_bytes)), "the sweep's record of its input (sweep_info: bytes a file)"
    return pixels * bytes_per_pixel, f"estimated: width x height x {bytes_per_pixel} bytes per pixel (files not found)"


def load_workload(path, photos_dir=None, bytes_per_pixel=0.3, mean_bytes=None):
    with h5py.File(path, "r") as f:
        a = f["run"].attrs
        mode = text(a.get("mode", "?"))
        if mode != "threads":
            raise ValueError(f"{path}: the baseline must be a thread-mode run (this one is {mode})")
        threads = int(a.get("threads_per_rank", 1)) * int(a.get("ranks", 1))
        wall = float(a["wall_seconds"])
        analyzers = [text(x) for x in a["analyzers"]]
        images = f["timing/images"][()]
        ranks = f["timing/ranks"][()]
        scores = f["scores"][()]
        ok = np.ones(len(images), dtype=bool)
        if member(scores, "status"):
            ok = np.array([text(s) == "ok" for s in scores["status"]])
        n = len(images)
        if n == 0 or not ok.any():
            raise ValueError(f"{path}: no scored photos")
        B_all, source = file_bytes(f, scores, photos_dir, bytes_per_pixel, mean_bytes)
    d = float(images["decode"].sum()) / n
    an = [float(images[f"analyze_{k}"].sum()) / n for k in analyzers]
    r0 = float(images["read"].sum()) / n
    s = float(sum(ranks[k].sum() for k in ("merge", "write") if k in ranks.dtype.names)) / n
    o = max(wall * threads / n - r0 - d - sum(an) - s, 0.0)
    P = float((scores["width"].astype(float) * scores["height"].astype(float))[ok].mean())
    H = float(scores["height"].astype(float)[ok].mean())
    B = float(B_all[ok].mean()) if np.isfinite(B_all[ok]).all() else float("nan")
    return Workload(analyzers, d, an, o, r0, s, B, P, H, n, source, Path(path).name)


class Calibration:
    """The baseline's repeats: the median workload and, field by field, the cheapest and dearest."""

    def __init__(self, workloads):
        self.runs = workloads
        first = workloads[0]
        cols = list(zip(*(w.fields() for w in workloads)))
        names = ", ".join(w.name for w in workloads)
        self.median = first.with_fields([statistics.median(c) for c in cols], names)
        self.low = first.with_fields([min(c) for c in cols], names + " (cheapest repeat of each input)")
        self.high = first.with_fields([max(c) for c in cols], names + " (dearest repeat of each input)")
        self.wall_spread = 0.0
        if len(workloads) > 1:
            t = [w.t_score + w.r0 + w.s for w in workloads]
            self.wall_spread = scaling.spread_of(t)

    def input_rows(self):
        """(name, median, min, max, unit) of every measured per-photo input."""
        rows = []
        names = ["decode d", "rest o", "read r0", "merge + write s"] + [f"analyzer {a}" for a in self.median.analyzers]
        cols = list(zip(*(w.fields() for w in self.runs)))
        for name, c in zip(names, cols):
            rows.append((name, statistics.median(c) * 1e3, min(c) * 1e3, max(c) * 1e3, "ms"))
        rates = [w.B / w.r0 / GB for w in self.runs if w.r0 > 0 and w.B == w.B]
        if rates:
            rows.append(("read rate B / r0 (this machine: the page cache)", statistics.median(rates), min(rates),
                         max(rates), "GB/s"))
        return rows


# ----------------------------------------------------------------------------- rank 0 from the ceiling

# How fast rank 0's data goes cold while it sleeps, seconds: a block after a sleep of `gap` costs
# c_warm + c_cold x (1 - exp(-gap / COLD_TAU)). Measured on the ceiling's machine (farm + leaders,
# blocks of a fixed size coming further apart with slower photos: docs/scaling.md); --cold-tau.
COLD_TAU = 5e-3


FIT_FORMULA = "c_row + (c_warm + c_cold x (1 - exp(-gap / tau))) / rows_per_block"


def cold_share(gap, tau):
    """How cold rank 0 finds its data after `gap` seconds asleep: 0 just after a block, 1 after long
    sleeps; 1 where the gap is unknown (nan, None)."""
    if gap is None or gap != gap:
        return 1.0
    return 1.0 - math.exp(-max(gap, 0.0) / tau)


class Fit:
    """Rank 0's cost a photo, seconds: u = c_row + (c_warm + c_cold x cold_share(gap)) / rows_per_block,
    gap being the seconds between its blocks (rows_per_block over the job's photos a second): a block
    costs c_warm when it comes right after another, up to c_warm + c_cold (c_block) after a sleep long
    enough for the ranks beside rank 0 to push its data out of the caches. lo, hi: (c_row, c_warm,
    c_cold) of the same fit on the fastest and on the slowest repeats. min_gap: the shortest gap the
    fit saw; with clamp (the cluster's predictions: its blocks come far more often than the ceiling's)
    a shorter one is taken as that: the model does not extrapolate the warm end, so it leans dear
    there. c_preempt: what a preemption costs (the OS taking rank 0's core while it could run leaves its
    data colder), fitted where the ceiling runs count them; the cluster's rank 0 has a core of its own,
    so cost() leaves it out, and measured() adds it for the preemptions a ceiling group had."""

    def __init__(self, c_row, c_warm, c_cold, lo, hi, points, note="", tau=COLD_TAU, min_gap=0.0, c_preempt=0.0):
        self.c_row, self.c_warm, self.c_cold = c_row, c_warm, c_cold
        self.c_preempt = c_preempt
        self.lo, self.hi = lo, hi
        self.points = points
        self.note = note
        self.tau = tau
        self.min_gap = min_gap

    @property
    def c_block(self):
        """A block's cost after a long sleep (cold)."""
        return self.c_warm + self.c_cold

    def coefficients(self, which="median"):
        """(c_row, c_warm, c_cold) of the median fit, or of the fit on the fastest (low) or slowest (high)
        repeats."""
        return {"median": (self.c_row, self.c_warm, self.c_cold), "low": self.lo[:3], "high": self.hi[:3]}[which]

    def preempt(self, which="median"):
        """c_preempt of the median, low or high fit (0 where not fitted)."""
        if which == "median":
            return self.c_preempt
        v = self.lo if which == "low" else self.hi
        return v[3] if len(v) > 3 else 0.0

    def block(self, gap=None, which="median", clamp=False):
        _, c_warm, c_cold = self.coefficients(which)
        if clamp and gap is not None and gap == gap:
            gap = max(gap, self.min_gap)
        return c_warm + c_cold * cold_share(gap, self.tau)

    def cost(self, rows, which="median", gap=None, clamp=False):
        """Seconds a photo on a core of its own (no preemptions)."""
        return self.coefficients(which)[0] + self.block(gap, which, clamp) / max(rows, 1.0)

    def measured(self, rows, gap, preempted, which="median"):
        """Seconds a photo where the OS took the core `preempted` times a photo (a ceiling group's)."""
        return self.cost(rows, which, gap) + self.preempt(which) * preempted


# Which coefficients a fit may use, the preferred first: all three, then without the cold term, ...
SUBSETS = ((0, 1, 2), (0, 1), (0, 2), (1, 2), (0,), (1,), (2,))


def relative_least_squares(columns, ys, subsets=SUBSETS):
    """Coefficients c_j >= 0 of y = sum_j c_j x_j (columns: the x_j, each a list over the points), each
    point weighed 1 / y^2: the squared errors relative to the points are made smallest, as the points
    are judged (within a tolerance in %); unweighted, the dearest points would decide it. Among the
    subsets of the columns (the others 0) whose fit is determined and non-negative, the one of least
    error (the earlier in `subsets` on a tie). nan where no point."""
    n, k = len(ys), len(columns)
    if n == 0:
        return [float("nan")] * k
    x = np.array(columns, dtype=float).T
    y = np.array(ys, dtype=float)
    wts = np.where(y > 0, 1.0 / np.where(y > 0, y, 1.0), 1.0)
    best, best_err = None, math.inf
    for subset in subsets:
        cols = [j for j in subset if j < k]
        if len(cols) != len(subset) or np.linalg.matrix_rank(x[:, cols]) < len(cols) or len(cols) > n:
            continue
        c, *_ = np.linalg.lstsq(x[:, cols] * wts[:, None], y * wts, rcond=None)
        if (c < -1e-15).any():
            continue
        full = np.zeros(k)
        full[cols] = np.maximum(c, 0.0)
        err = float((((x @ full) - y) * wts) ** 2 @ np.ones(n))
        if err < best_err - 1e-18:
            best, best_err = full, err
    return [float(v) for v in best] if best is not None else [float("nan")] * k


def first_batch(layout, members, in_flight):
    """A lane's batch before it reports (src/comm/lanes.cpp Lanes::first_batch): --in-flight for each
    of its `members` ranks, 2 more each in the roles layout; a farm worker's lane has one member, a
    leader's lane the ranks under it."""
    return (in_flight + (2 if layout.startswith("roles") else 0)) * max(1, members)


def rows_per_block(layout, members, lane_time, in_flight, cap=BATCH_CAP):
    """The rows a block carries: a batch of BATCH_SECONDS of the lane's work, within its bounds."""
    size = first_batch(layout, members, in_flight)
    if lane_time > 0:
        size = max(size, int(BATCH_SECONDS / lane_time))
    return float(min(max(size, 1), cap))


def leader_batch(workers, node_time, in_flight, cap=LEADER_BATCH_CAP, first=None):
    """Rank 0's batch to a node's leader, the rows of a block it sends back: LEADER_BATCH_SECONDS of
    the node's work (node_time: the node's seconds a photo), at least the first batch (--in-flight for
    every worker under it; first_batch), within the cap (src/comm/lanes.cpp, a
    lane of a leader)."""
    size = first if first is not None else first_batch("farm", workers, in_flight)
    if node_time > 0:
        size = max(size, int(LEADER_BATCH_SECONDS / node_time))
    return min(max(size, 1), cap)


def mean_batch(photos, lanes, first, target):
    """The mean batch over a run of `photos` dealt to `lanes` lanes: two batches of `first` each
    before a lane reports, then `target`, shrinking towards the end to the photos left over twice
    the lanes (guided self-scheduling, src/comm/lanes.cpp). A leader's target is large enough for
    the end to matter in the ceiling runs."""
    left, batches = photos, 0
    for lane in range(lanes):
        for _ in range(2):
            size = min(first, max(1, left // (2 * lanes)), left)
            if size > 0:
                left -= size
                batches += 1
    while left > 0:
        left -= min(target, max(1, left // (2 * lanes)), left)
        batches += 1
    return photos / max(1, batches)


class CeilingRun:
    def __init__(self, row):
        self.layout = row["layout"]
        self.ranks = int(row["ranks"])
        self.read_mode = row.get("read_mode") or row["read"]
        self.read = read_word(row.get("run_read") or self.read_mode)
        self.repeat = row.get("repeat", "")
        self.photos = int(float(row["photos"]))
        self.busy = float(row["busy"])  # us a photo
        # Rank 0's main thread's CPU outside its sleeping waits, us a photo: its cost without the time
        # other ranks held its core (nan in TSVs of older versions), and a leader's the same.
        self.busy_cpu = float(row['busy_cpu']) if row.get('busy_cpu') not in (None, "", "nan") else float("nan")
        self.leader_busy_cpu = float(row['leader_busy_cpu']) if row.get('leader_busy_cpu') not in (None, "", "nan") else float("nan")
        # The times a photo the OS took rank 0's core while it could run (nan in older TSVs).
        self.preempted = float(row["preempted"]) if row.get("preempted") not in (None, "", "nan") else float("nan")
        self.batch = int(float(row["batch"])) if row.get("batch") else BATCH_CAP
        # Rank 0's batches to a leader capped alone (PHOTOSCORE_LEADER_BATCH_MAX); 0: none.
        self.leader_batch = int(float(row["leader_batch"])) if row.get("leader_batch") else 0
        self.lane_us = float(row["lane_us"]) if row.get("lane_us") else float("nan")
        self.read_us = float(row.get("read_us") or row.get("read_stage") or 0.0)
        self.leader_busy = float(row["leader_busy"]) if row.get("leader_busy") else float("nan")
        self.load1 = float(row["load1"]) if row.get("load1") else float("nan")
        self.wall_s = float(row["wall_s"]) if row.get("wall_s") else float("nan")
        self.nproc = int(float(row["nproc"])) if row.get("nproc") else None
        self.others_cpu = float(row["others_cpu"]) if row.get("others_cpu") else float("nan")
        self.cpu = float(row["cpu"]) if row.get("cpu") not in (None, "", "nan") else float("nan")  # us a photo
        self.scoring_us = float(row["scoring_us"]) if row.get("scoring_us") not in (None, "", "nan") else float("nan")
        # own: rank 0 had a core to itself (RANK0_CORE=own), the others shared the rest; shared (older TSVs
        # too): every rank on every core. Each is a group of its own, and fitted apart (Rank0Model).
        self.rank0_core = row.get("rank0_core") or "shared"

    @property
    def throughput(self):
        """Photos a second of the run (rank 0's wall)."""
        return self.photos / self.wall_s if self.wall_s == self.wall_s and self.wall_s > 0 else float("nan")

    def gap(self, rows):
        """Seconds between rank 0's blocks of `rows` rows in the run (its photos over its wall time); nan
        where the TSV lacks the wall."""
        if self.wall_s == self.wall_s and self.wall_s > 0 and self.photos > 0:
            return rows * self.wall_s / self.photos
        return float("nan")

    @property
    def others_in_work(self):
        """k: how many of the other ranks were in work (not waiting) at a time, on average: the scoring
        ranks' and the leaders' busy seconds over the run's wall (measured, the TSV's scoring_us and
        leader_busy), plus the cores other processes used (others_cpu x nproc). photoscore's ranks
        sleep while they wait (src/comm/mpi_wait.hpp poll_until), so only these compete with rank 0
        for the cores; nan where the TSV lacks them."""
        if self.scoring_us != self.scoring_us or not self.wall_s == self.wall_s or self.wall_s <= 0:
            return float("nan")
        leaders = self.leader_busy if self.leader_busy == self.leader_busy else 0.0
        # Other processes on the machine compete as ranks in work do (others_cpu: their share of its cores).
        others = self.others_cpu * self.nproc if (self.nproc and self.others_cpu == self.others_cpu) else 0.0
        return (self.scoring_us + leaders) * US * self.photos / self.wall_s + others

    @property
    def oversubscribed(self):
        return bool(self.nproc) and self.ranks > self.nproc

    @property
    def saturated(self):
        """Rank 0 wanted more than its fair share of the machine's cores: its CPU seconds a second
        (measured: the TSV's cpu, user + system of the process, times the run's photos a second)
        exceed nproc / ranks, the share a fair scheduler gives each of `ranks` processes that all want
        more. Its wall-clock busy time is then set by the scheduler (the run is bound by the cores),
        not by its own cost: such a run is reported, not fitted nor validated on. cpu counts rank 0's
        polls and start-up too, so the test errs towards calling a run saturated."""
        if not self.oversubscribed or self.cpu != self.cpu:
            return False
        return self.throughput * self.cpu * US > self.nproc / self.ranks

    def stretch(self, cost, burst):
        """How much longer than `cost` (rank 0's CPU seconds a photo) its wall-clock busy time is, with
        `burst` its CPU seconds from one sleep to the next (a batch dealt and a block taken: rows x
        c_row + the block's cost at its gap, Fit.block). Rank 0 sleeps between bursts; a task waking from sleep runs at once on the
        Linux scheduler (EEVDF: it kept its lag) for up to a slice, sched_slice(nproc). Beyond it, it
        shares the cores with the k other ranks in work: it gets nproc / (1 + k) of a core. 1 where
        the ranks have a core each, or where the TSV lacks the machine or the others' work."""
        k = self.others_in_work
        if not self.oversubscribed or k != k or burst <= 0:
            return 1.0
        share = max(1.0, (1.0 + k) / self.nproc)
        tau = sched_slice(self.nproc)
        return (min(burst, tau) + max(0.0, burst - tau) * share) / burst

    @property
    def members(self):
        """The ranks of a lane: a roles group's (of the ranks but rank 0, and the leader), else 1."""
        if self.layout.startswith("roles"):
            return len(roles_plan(max(self.ranks - (2 if self.leaders else 1), 1), 3)[0][0])
        return 1

    @property
    def leaders(self):
        return self.layout.endswith("+leaders")

    def rows(self, in_flight, field="busy"):
        """The rows of a block that the rank of `field` handles: rank 0's (busy), or with leaders a
        leader's (leader_busy: its groups' blocks, as rank 0's without leaders)."""
        lane = self.lane_us * US if self.lane_us == self.lane_us else 0.0
        group_cap = min(self.batch, BATCH_CAP)
        if not self.leaders:
            return rows_per_block(self.layout, self.members, lane, in_flight, group_cap)
        base = self.layout.split("+")[0]
        if field.startswith("leader_busy"):
            return rows_per_block(base, self.members, lane, in_flight, group_cap)
        # Rank 0 deals to one leader (one node) batches of the node's work; its workers are the ranks
        # but rank 0 and the leader. BATCHES caps a leader's batches too; without it (256, the
        # default) they go up to LEADER_BATCH_CAP, where the run's end shapes them.
        workers = max(1, self.ranks - 2)
        cap = LEADER_BATCH_CAP if self.batch == BATCH_CAP else self.batch
        if self.leader_batch:
            cap = min(cap, self.leader_batch)
        first = first_batch(base, workers, in_flight)
        target = leader_batch(workers, lane / workers, in_flight, cap, first=first)
        return mean_batch(self.photos, 1, first, target)


def read_ceiling_tsv(path):
    """The rows of rank0_ceiling.tsv as dicts; a header with "read" twice (the read mode, then the
    stage, as the first version wrote it) gives read_mode and read_us."""
    with open(path, newline="") as f:
        reader = csv.reader(f, delimiter="\t")
        head = next(reader)
        if head.count("read") > 1:
            first = head.index("read")
            head = [("read_mode" if i == first else "read_us") if h == "read" else h for i, h in enumerate(head)]
        return [dict(zip(head, r)) for r in reader if r]


class Rank0Model:
    """Rank 0's (and a leader's) cost a photo, fitted to the ceiling runs.

    Where some runs had rank 0 on a core of its own (jobs/rank0_ceiling.sh RANK0_CORE=own: the other
    ranks on the other cores), its fit for the cluster, whose rank 0 has one, is on those: a core that
    idles between rank 0's blocks costs it more than one kept busy by the ranks it shares it with.
    Each group is checked against the fit to the other groups of its layout, read mode and core."""

    def __init__(self, path, in_flight=3, threshold=scaling.NOISE_THRESHOLD, busy_threshold=scaling.BUSY_THRESHOLD,
                 tau=COLD_TAU, own_core=None):
        self.path = Path(path)
        self.in_flight = in_flight
        self.tau = tau
        self.threshold = threshold
        self.busy_threshold = busy_threshold
        self.runs = [CeilingRun(r) for r in read_ceiling_tsv(path)]
        if not self.runs:
            raise ValueError(f"{path}: no runs")
        # own_core: the TSV of a RANK0_CORE="shared own" set; its runs with rank 0 on a core of its own
        # join these. Its shared runs, repeats from another session of groups this TSV may hold, are for
        # the comparison in its own table, not for these groups.
        self.own_path = Path(own_core) if own_core else None
        if own_core:
            own = [r for r in (CeilingRun(x) for x in read_ceiling_tsv(own_core)) if r.rank0_core == "own"]
            if not own:
                raise ValueError(f"{own_core}: no runs with rank 0 on a core of its own")
            self.runs += own
        self.groups = {}
        for r in self.runs:
            self.groups.setdefault((r.layout, r.ranks, r.read, r.batch, r.leader_batch, r.rank0_core), []).append(r)
        # Rank 0's cost: its busy CPU where every run has it (time-sharing left out, measured), else its
        # wall-clock busy time, time-sharing modelled (stretch) and saturated runs left out.
        self.cpu = all(r.busy_cpu == r.busy_cpu for r in self.runs)
        self.field = "busy_cpu" if self.cpu else "busy"
        self.leader_field = "leader_busy_cpu" if self.cpu else "leader_busy"
        # Where every run counts rank 0's preemptions (and its CPU), the fits take their cost apart:
        # a preemption leaves rank 0's data colder, and the more ranks share the cores the more of them.
        self.preempt = self.cpu and all(r.preempted == r.preempted for r in self.runs)
        self.fits = {}
        self.fit_core = {}
        self.leader_fits = {}
        for layout, read in sorted({(k[0], k[2]) for k in self.groups}):
            # The cluster's rank 0 has a core of its own: its fit is on the runs where it had one, if any.
            core = "own" if any(k[5] == "own" for k in self.groups if k[0] == layout and k[2] == read) else "shared"
            self.fits[(layout, read)] = self._fit(layout, read, self.field, core=core)
            self.fit_core[(layout, read)] = core
            if any(r.leader_busy == r.leader_busy for r in self.runs if r.layout == layout):
                # A leader shares its node's cores with its workers whichever core rank 0 had; its fit stays
                # on the shared runs where there are such, which were made to measure it (an own-core set's
                # capped batches cap its groups' too, and those runs are another session's).
                shared = any(k[5] == "shared" for k in self.groups if k[0] == layout and k[2] == read)
                self.leader_fits[(layout, read)] = self._fit(layout, read, self.leader_field,
                                                             core="shared" if shared else "own")

    def excluded(self, run):
        """A run left out of the fits: a saturated one, where the cost is wall-clock time (its time there is
        the scheduler's); none where it is CPU time, which the scheduler does not stretch."""
        return run.saturated and not self.cpu

    def stretch(self, run, cost, burst):
        """Wall-clock time over rank 0's CPU seconds in `run` (CeilingRun.stretch); 1 where the cost is CPU time."""
        return 1.0 if self.cpu else run.stretch(cost, burst)

    @property
    def formula(self):
        """The fit's formula, as the validation's text names it."""
        return FIT_FORMULA + (" + c_preempt x preempted (the group's own)" if self.preempt else "")

    def preempted_field(self, field):
        """The TSV's preemptions a photo of rank 0 for its field (busy_cpu), None where the runs do not
        count them. Not for a leader's own cost (leader_busy_cpu): its groups' blocks are of one size in
        the ceiling runs, so its fit tells little apart, and a third term only moved its cost between
        them (a row at 3.3 us without it; a block at 440 us with it)."""
        return "preempted" if self.preempt and field == "busy_cpu" else None

    def preempted(self, rs, field):
        """The median preemptions a photo of the runs `rs` (0 where not counted, and where rank 0 had a core
        of its own: no rank took it, and what the OS's own threads did there is its cost on a cluster too)."""
        name = self.preempted_field(field)
        values = [getattr(r, name) for r in rs if r.rank0_core != "own"] if name else []
        values = [v for v in values if v == v]
        return statistics.median(values) if values else 0.0

    def _fit(self, layout, read, field, leave_out=None, core=None):
        """c_row, c_warm, c_cold (and c_preempt, where the runs count preemptions) of `layout` and `read`
        from its groups' medians (but the saturated runs and the group `leave_out`), each group a point
        at its rows a block, its gap between blocks and its preemptions a photo, each divided by its
        run's stretch: the stretch depends on the burst, thus on the costs, so the fit is repeated from
        stretch 1 until it settles (CPU time: stretch 1). core: only the groups whose rank 0 had that core
        (own, shared); None: every group."""
        keys = [k for k in self.groups
                if k[0] == layout and k[2] == read and k != leave_out and core in (None, k[5])]
        coeffs = [0.0, 0.0, 0.0, 0.0]
        for _ in range(30):
            x_row, x_warm, x_cold, x_pre, med, low, high = [], [], [], [], [], [], []
            rows_seen = set()
            gaps = []
            for k in keys:
                rs = [r for r in self.groups[k] if not self.excluded(r) and getattr(r, field) == getattr(r, field)]
                if not rs:
                    continue
                rows = statistics.median(r.rows(self.in_flight, field) for r in rs)
                gap = statistics.median(r.gap(rows) for r in rs)
                cold = cold_share(gap, self.tau)
                if gap == gap:
                    gaps.append(gap)
                block = coeffs[1] + coeffs[2] * cold
                vals = [getattr(r, field) * US / self.stretch(r, coeffs[0] + block / rows, rows * coeffs[0] + block)
                        for r in rs]
                x_row.append(1.0)
                x_warm.append(1.0 / rows)
                x_cold.append(cold / rows)
                x_pre.append(self.preempted(rs, field))
                med.append(statistics.median(vals))
                low.append(min(vals))
                high.append(max(vals))
                rows_seen.add(round(rows, 6))
            points = len(med)
            # Below tau, 1 - exp(-gap / tau) grows nearly as the gap, that is as the rows a block: the
            # cold term cannot be told from a cost a row, and is fitted only where some gap exceeds tau.
            # Not for a leader: its groups' blocks are of one size in the ceiling runs (their batches
            # uncapped), so its cost a block is barely told from its cost a row, let alone a cold one.
            cold_term = gaps and max(gaps) > self.tau and not field.startswith("leader")
            subsets = [s for s in SUBSETS if cold_term or 2 not in s]
            # The preemptions' cost beside every subset where they are counted (tried first).
            if self.preempted_field(field) and any(x_pre):
                subsets = [s + (3,) for s in subsets] + subsets
            # (c_row, c_warm, c_cold, c_preempt), 0 where not fitted
            new, lo, hi = (relative_least_squares([x_row, x_warm, x_cold, x_pre], v, subsets) for v in (med, low, high))
            if new[0] != new[0]:
                coeffs = new
                break
            settled = all(abs(a - b) <= 1e-13 for a, b in zip(new, coeffs))
            coeffs = new
            if settled:
                break
        note = "" if len(rows_seen) > 1 else "one block size only: cost a row and a block not told apart"
        return Fit(*coeffs[:3], tuple(lo), tuple(hi), points, note, tau=self.tau, min_gap=min(gaps, default=0.0),
                   c_preempt=coeffs[3])

    def layouts(self):
        return sorted({k[0] for k in self.fits})

    def source(self, key):
        """The runs the fit of `key` (layout, read) is on, as the tables name them."""
        if self.fit_core.get(key) != "own":
            return self.path.name
        where = f"{self.own_path.parent.name}/{self.own_path.name}" if self.own_path else self.path.name
        return f"{where}, rank 0 on a core of its own"

    def fit(self, layout, read):
        """The fit for a layout and read mode, falling back to the other read mode, then to farm."""
        # Rank 0 over leaders gets a node's rows whatever the layout under them: the farm's leaders' fit.
        over = (("farm+leaders", "workers"),) if layout.endswith("+leaders") else ()
        for key in ((layout, read), (layout, "workers"), (layout, "rank0")) + over + (("farm", read), ("farm", "workers")):
            if key in self.fits:
                return self.fits[key], key
        key = next(iter(self.fits))
        return self.fits[key], key

    def _noisy(self, key):
        """The group's repeats disagree (more than the threshold), or other processes kept the machine busy."""
        rs = self.groups[key]
        busy = [getattr(r, self.field) for r in rs]
        spread = scaling.spread_of(busy) if len(busy) > 1 else 0.0
        others = [r.others_cpu for r in rs if r.others_cpu == r.others_cpu]
        return spread > self.threshold or (bool(others) and max(others) > self.busy_threshold)

    def predicted_busy(self, fit, rs, field="busy"):
        """Rank 0's (or a leader's) busy us a photo in the runs `rs` of one group, from `fit`: CPU time, or
        wall-clock time (the cost stretched) where the fits are on that."""
        rows = statistics.median(r.rows(self.in_flight, field) for r in rs)
        gap = statistics.median(r.gap(rows) for r in rs)
        cost = fit.measured(rows, gap, self.preempted(rs, field))
        burst = rows * fit.c_row + fit.block(gap)
        stretch = statistics.median(self.stretch(r, cost, burst) for r in rs)
        return cost / US * stretch, stretch

    def validation(self, tolerance):
        """[(group key, runs, measured median us, min, max, predicted us, error %, spread, status, stretch)]:
        every group predicted from the fit to the OTHER groups of its layout, read mode and rank 0's core
        (leave one out: no group is validated on a fit that saw it). status: ok, noisy, OFF, saturated (rank 0
        wanted more than its fair share of the cores: its time there is the scheduler's, see
        CeilingRun.saturated) or alone (no other group to fit on)."""
        rows = []
        for key in sorted(self.groups, key=lambda k: (k[0], k[2], -k[3], -(k[4] or 1e9), k[1], k[5] == "own")):
            rs = self.groups[key]
            busy = [getattr(r, self.field) for r in rs]
            med = statistics.median(busy)
            spread = scaling.spread_of(busy) if len(busy) > 1 else 0.0
            if sum(self.excluded(r) for r in rs) * 2 > len(rs):
                rows.append((key, rs, med, min(busy), max(busy), float("nan"), float("nan"), spread, "saturated",
                             float("nan")))
                continue
            fit = self._fit(key[0], key[2], self.field, leave_out=key, core=key[5])
            if fit.c_row != fit.c_row:
                rows.append((key, rs, med, min(busy), max(busy), float("nan"), float("nan"), spread, "alone",
                             float("nan")))
                continue
            kept = [r for r in rs if not self.excluded(r)] or rs
            pred, stretch = self.predicted_busy(fit, kept, self.field)
            err = 100.0 * (pred - med) / med if med > 0 else float("nan")
            # A miss is the model's only where this group's repeats agree and so do those of the groups
            # it was predicted from: a noisy group among them moves the fit (as a noisy baseline moves
            # every sweep prediction), and the miss cannot be told from it.
            calibration = [k for k in self.groups if k[0] == key[0] and k[2] == key[2] and k[5] == key[5] and k != key]
            noisy = self._noisy(key) or any(self._noisy(k) for k in calibration
                                             if not all(self.excluded(r) for r in self.groups[k]))
            status = "ok" if abs(err) <= tolerance else ("noisy" if noisy else "OFF")
            rows.append((key, rs, med, min(busy), max(busy), pred, err, spread, status, stretch))
        return rows


def sched_slice(nproc):
    """Seconds a task runs on the Linux scheduler (EEVDF, 6.6 and later) before another of the same
    weight may take its core: base_slice_ns, 0.75 ms x (1 + log2(min(cores, 8))) by default (1.5 ms
    on 2 cores). An assumption about the machine of the ceiling runs, not a measurement."""
    return 0.75e-3 * (1 + int(math.log2(max(1, min(int(nproc), 8)))))


# ----------------------------------------------------------------------------- the machine

class Machine:
    def __init__(self, cores_per_node=16, link_bandwidth=12.5, link_latency=2.0, shm_bandwidth=5.0,
                 fs_bandwidth=20.0, read_bandwidth=None, msg_overhead=5.0, poll_cpu=0.03, pixel_bytes=3.0,
                 piece_kib=2048, in_flight=3, single_node=False, full_node_speed=1.0, leader_core="shared",
                 leader_cpu=0.03):
        self.C = int(cores_per_node)
        # With --leaders: "shared", a node runs one rank more than its cores and its leader shares them;
        # "own", the leader takes one of them.
        if leader_core not in ("shared", "own"):
            raise ValueError(f"leader_core is shared or own, not {leader_core!r}")
        self.leader_core = leader_core
        # What a leader takes of its node's cores beyond its busy time: its polls while it waits, and the
        # scoring ranks it wakes beside (measured: --leader-cpu).
        self.leader_cpu = float(leader_cpu)
        # A core's speed when every core of its node works, against one working alone (memory
        # bandwidth, shared caches, SMT siblings): 1 on the cluster unless told (--full-node-speed);
        # the sweep's machine's is measured from its thread-mode points (full_node_speed()).
        self.full_node_speed = float(full_node_speed)
        self.link = link_bandwidth * GB
        self.latency = link_latency * US
        self.shm = shm_bandwidth * GB
        self.fs = fs_bandwidth * GB
        self.read = read_bandwidth * GB if read_bandwidth else None  # None: the baseline's rate
        self.m = msg_overhead * US
        self.poll = poll_cpu
        self.pixel_bytes = pixel_bytes
        self.piece_kib = piece_kib
        self.in_flight = in_flight
        self.single_node = single_node  # every rank on one node of C cores (a sweep's machine)

    def on_one_node(self, cores, read_bandwidth=None, full_node_speed=None):
        """The same machine as one node of `cores` cores, every rank on it (a sweep's machine)."""
        other = Machine.__new__(Machine)
        other.__dict__.update(self.__dict__)
        other.C = int(cores)
        other.single_node = True
        other.read = read_bandwidth
        if full_node_speed is not None:
            other.full_node_speed = float(full_node_speed)
        return other

    def node_speed(self, busy):
        """A core's speed with `busy` of its node's cores working: 1 alone, full_node_speed with all of
        them, in between in proportion (measured only at the two ends)."""
        if self.C <= 1 or self.full_node_speed >= 1.0:
            return 1.0
        n = min(max(int(busy), 1), self.C)
        return 1.0 - (1.0 - self.full_node_speed) * (n - 1) / (self.C - 1)

    def read_time(self, w):
        if self.read is None:
            return w.r0
        return w.B / self.read


def roles_plan(lane_ranks, analyzers):
    """Groups of the roles layout, as src/comm/mpi_plan.cpp makes them: a list of groups, each a list
    of roles (analyzer indices, holder ranks), ranks numbered from 1. (Cached: do not change it.)"""
    return _roles_plan_cached(int(lane_ranks), int(analyzers))


def _roles_plan(lane_ranks, analyzers):
    count = analyzers
    groups = max(1, lane_ranks // count)
    spare = lane_ranks % count if lane_ranks > count else 0
    plan, nxt = [], 1
    for g in range(groups):
        size = lane_ranks if lane_ranks <= count else count + spare // groups + (1 if g < spare % groups else 0)
        ranks = list(range(nxt, nxt + size))
        if size <= count:
            base, extra, k, roles = count // size, count % size, 0, []
            for i in range(size):
                n = base + (1 if i < extra else 0)
                roles.append((list(range(k, k + n)), [ranks[i]]))
                k += n
        else:
            roles = [([a], []) for a in range(count)]
            for i, rk in enumerate(ranks):
                roles[i % count][1].append(rk)
        plan.append((ranks, roles))
        nxt += size
    return plan


class Prediction:
    def __init__(self, x, bound, lanes, kappa, u0=float("nan"), rows=float("nan")):
        self.x, self.bound, self.lanes, self.kappa = x, bound, lanes, kappa
        self.u0, self.rows = u0, rows

    def wall(self, n):
        """Seconds for n photos: the steady rate, or the slowest lane's whole photos."""
        if n is None or not math.isfinite(n):
            return float("nan")
        per_lane = max(math.ceil(n / self.lanes) / self.kappa, 0.0) if self.lanes else 0.0
        return max(n / self.x, per_lane)

    def throughput(self, n=None):
        if n is None:
            return self.x
        return n / self.wall(n)


def balanced_shares(fixed, per_photo):
    """Shares f_k (>= 0, summing to 1) of the decodes that even out fixed[k] + f_k per_photo[k] over
    the members (water-filling on the common level), as DecodeBalancer aims for."""
    ranks = list(fixed)
    cost = {k: max(per_photo[k], 1e-12) for k in ranks}
    lo = min(fixed.values())
    hi = max(fixed[k] + cost[k] for k in ranks)
    for _ in range(100):
        level = (lo + hi) / 2
        total = sum(min(1.0, max(0.0, (level - fixed[k]) / cost[k])) for k in ranks)
        lo, hi = (level, hi) if total < 1.0 else (lo, level)
    level = (lo + hi) / 2
    shares = {k: min(1.0, max(0.0, (level - fixed[k]) / cost[k])) for k in ranks}
    total = sum(shares.values()) or 1.0
    return {k: v / total for k, v in shares.items()}


class Lane:
    """A lane's work per photo of the lane, by rank; its bytes by node."""

    def __init__(self, ranks, node, mach):
        self.ranks = ranks
        self.node = node
        self.mach = mach
        self.work = {k: 0.0 for k in ranks}  # busy seconds of each rank per photo of the lane
        self.out, self.inn = {}, {}          # bytes per lane photo leaving / entering each node
        self.fs = 0.0                        # bytes read from the file system per lane photo
        self.rank0 = 0.0                     # rank 0's seconds per lane photo (messages; no ceiling fit)
        self.transfer = 0.0                  # seconds on the wire before the lane can start
        self.in_flight = mach.in_flight      # photos rank 0 keeps in flight to the lane

    def copy(self, nbytes, src, dst, share=1.0):
        """The receiver's CPU seconds for a message; across nodes the links carry it instead."""
        node, mach = self.node, self.mach
        if node(src) == node(dst):
            return share * nbytes / mach.shm
        self.out[node(src)] = self.out.get(node(src), 0.0) + share * nbytes
        self.inn[node(dst)] = self.inn.get(node(dst), 0.0) + share * nbytes
        self.transfer = max(self.transfer, mach.latency + nbytes / mach.link)
        return 0.0

    def relative(self):
        """Its work and bytes by node relative to its first rank's, for lanes alike placed elsewhere:
        ([(offset, seconds)], [(offset or None for rank 0's node, bytes out)], [... in])."""
        base = self.node(self.ranks[0])
        rel = lambda n: n - base if (base == 0 or n != 0) else None
        return ([(self.node(k) - base, v) for k, v in self.work.items()],
                [(rel(n), b) for n, b in self.out.items()], [(rel(n), b) for n, b in self.inn.items()])


def farm_lane(k, w, mach, node, read, T, r):
    lane = Lane([k], node, mach)
    m = mach.m
    lane.work[k] = w.t_score / T + m  # scoring, the answer
    if read == "rank0":
        lane.work[k] += 2 * m + lane.copy(w.B, 0, k)  # header and bytes
        lane.rank0 = 3 * m
    else:
        lane.work[k] += m + r  # the index, then its own read
        lane.rank0 = 2 * m
    lane.fs = w.B
    return lane


def roles_lane(ranks, roles, w, mach, node, read, variant, T, r):
    m = mach.m
    g = len(ranks)
    lane = Lane(ranks, node, mach)
    msgs = 2 if read == "rank0" else 1  # rank 0 sends header and bytes, or the index alone
    for analyzers, holders in roles:
        h = len(holders)
        score = sum(w.a[i] for i in analyzers) + w.o
        for k in holders:
            if variant == "everywhere":
                lane.work[k] += (w.d + score) / (T * h) + m / h
                if read == "workers":
                    lane.work[k] += r / h  # every answering member reads the file
            else:
                lane.work[k] += score / (T * h) + m / h
    lane.rank0 = m * len(roles)  # the answers
    if variant == "everywhere":
        comm = [0] + ranks  # a binomial broadcast tree over the group's communicator
        for v in range(1, g + 1):
            parent = v & ~(1 << (v.bit_length() - 1))
            children = sum(1 for u in range(v + 1, g + 1) if u & ~(1 << (u.bit_length() - 1)) == v)
            k = comm[v]
            lane.work[k] += m * msgs * (1 + children)
            if read == "rank0":
                lane.work[k] += lane.copy(w.B, comm[parent], k)
            if parent == 0:
                lane.rank0 += m * msgs
        lane.fs = w.B * (len(roles) if read == "workers" else 1)
        return lane
    M = w.P * mach.pixel_bytes
    S = max(1, math.ceil(M / (mach.piece_kib * 1024))) if g > 1 else 0
    # The shared-memory window: only when the whole group is on one node.
    window = variant == "window" and g > 1 and len({node(k) for k in ranks}) == 1
    fixed, decodes = {}, {}
    for j, k in enumerate(ranks):
        # what member k pays for a photo it decodes (the payload, the decode, the pieces' messages to
        # the others) and for one it receives (the copy, a message a piece); with the window, the
        # decoder writes the rows into it once and the others read them in place
        if read == "rank0":
            decodes[k] = w.d / T + 2 * m + lane.copy(w.B, 0, k)
        else:
            decodes[k] = w.d / T + 2 * m + r
        decodes[k] += (g - 1) * S * m
        if window:
            decodes[k] += M / mach.shm
            receive = S * m
        else:
            receive = (lane.copy(M, ranks[j - 1], k) + S * m) if g > 1 else 0.0
        fixed[k] = lane.work[k] + receive
        decodes[k] -= receive
    shares = balanced_shares(fixed, decodes)
    for k in ranks:
        lane.work[k] = fixed[k] + shares[k] * decodes[k]
    lane.rank0 += 2 * m  # the header and the payload, to the decoding member
    lane.fs = w.B
    lane.in_flight = (mach.in_flight + 2) * g  # rank 0's window grows with the decoders
    return lane


@functools.lru_cache(maxsize=256)
def lane_shapes(layout, L, analyzers, C, T, single_node):
    """[(one lane's ranks, its roles, the base node of every lane like it)]: lanes alike (same size,
    same place against node 0 and node boundaries; a roles group's roles follow from its size) are
    worked out once, so 16,384 cores cost a few lanes' arithmetic."""
    def node(rank):
        return 0 if (rank == 0 or single_node) else ((rank - 1) * T) // C

    shapes = {}
    if layout == "farm":
        for k in range(1, L + 1):
            base = node(k)
            shapes.setdefault(base == 0, ([k], None, []))[2].append(base)
    else:
        for ranks, roles in roles_plan(L, analyzers):
            first = ranks[0]
            base = node(first)
            # Where the group starts in its node decides whether (and where) it crosses into the next.
            crosses = node(ranks[-1]) != base
            pos = ((first - 1) * T) % C if (crosses and not single_node) else -1
            shapes.setdefault((base == 0, pos, len(ranks)), (ranks, roles, []))[2].append(base)
    return [(ranks, roles, np.asarray(bases)) for ranks, roles, bases in shapes.values()]


def lane_groups(layout, L, w, mach, node, read, variant, T, r):
    """[(a lane, the base node of every lane like it)] (lane_shapes)."""
    groups = []
    for ranks, roles, bases in lane_shapes(layout, L, len(w.analyzers), mach.C, T, mach.single_node):
        lane = (farm_lane(ranks[0], w, mach, node, read, T, r) if layout == "farm"
                else roles_lane(ranks, roles, w, mach, node, read, variant, T, r))
        groups.append((lane, bases))
    return groups


@functools.lru_cache(maxsize=64)
def _roles_plan_cached(lane_ranks, analyzers):
    return _roles_plan(lane_ranks, analyzers)


def predict(layout, cores, w, mach, read="rank0", variant="everywhere", threads_per_rank=1, rank0=None,
            which="median"):
    """Images per second of `layout` on `cores` analyzing cores (see the module docstring). rank0: a
    Rank0Model (rank 0's cost from the ceiling benchmark) or None (from message counts and s);
    which: the ceiling fit's median, low or high costs. Rank 0's cost a block depends on the gap
    between its blocks, its rows over the job's photos a second, which depends on rank 0's cost: the
    prediction is repeated from no gap (the warm cost) with the gap of the last one until it settles
    (the gap only grows, the photos a second only fall, so it does)."""
    p = _predict(layout, cores, w, mach, read, variant, threads_per_rank, rank0, which, None)
    if rank0 is None:
        return p
    for _ in range(100):
        q = _predict(layout, cores, w, mach, read, variant, threads_per_rank, rank0, which, p.x)
        if abs(q.x - p.x) <= 1e-9 * p.x:
            return q
        p = q
    return p


def _predict(layout, cores, w, mach, read, variant, threads_per_rank, rank0, which, x_at):
    """predict() once, rank 0's blocks coming at the rate x_at photos a second (None: no gap)."""
    C = mach.C
    # The scoring cores of a node work together: each is slower by the node's speed with that many busy.
    w = w.slowed(1.0 / mach.node_speed(min(cores, C)))
    r = mach.read_time(w)
    if layout == "threads":
        t = r + w.t_score + w.s
        bounds = {"cores": min(cores, C) / t, "sink": 1 / w.s if w.s > 0 else math.inf,
                  "file system": mach.fs / w.B if w.B > 0 else math.inf}
        bound = min(bounds, key=bounds.get)
        return Prediction(bounds[bound], bound, cores, 1 / t)
    if layout.endswith("+leaders"):
        return predict_leaders(layout, cores, w, mach, read, variant, threads_per_rank, rank0, which, x_at)

    T = max(1, threads_per_rank)
    L = max(1, cores // T)

    def node(rank):
        return 0 if (rank == 0 or mach.single_node) else ((rank - 1) * T) // C

    if layout not in ("farm", "roles"):
        raise ValueError(f"unknown layout {layout}")
    groups = lane_groups(layout, L, w, mach, node, read, variant, T, r)

    # A lane alone: its busiest rank, or the in-flight window over one photo's round trip.
    kappas = []
    for lane, bases in groups:
        busiest = max(lane.work.values())
        round_trip = busiest + lane.transfer + (r if read == "rank0" else 0.0) + 2 * mach.latency
        kappas.append(min(1.0 / busiest, lane.in_flight / round_trip))
    lanes = sum(len(bases) for _, bases in groups)
    xstar = sum(k * len(bases) for k, (_, bases) in zip(kappas, groups))
    shares = [k / xstar for k in kappas]  # of every lane of the group
    rows = float("nan")
    if rank0 is not None:
        fit, _ = rank0.fit(layout, read)
        lane0 = max(groups, key=lambda g: len(g[1]))[0]  # the most common shape of lane
        rows = rows_per_block(layout, len(lane0.ranks), max(lane0.work.values()), mach.in_flight)
        # With --read rank0 the fit holds the opening of each (tiny) file; the photo's bytes come on top.
        u0 = fit.cost(rows, which, gap=rows / x_at if x_at else 0.0, clamp=True) + (r if read == "rank0" else 0.0)
    else:
        u0 = w.s + (r if read == "rank0" else 0.0) + sum(sh * lane.rank0 * len(bases)
                                                          for sh, (lane, bases) in zip(shares, groups))
    bounds = {"lanes": xstar, "rank 0": 1.0 / u0 if u0 > 0 else math.inf}
    nodes = node(L) + 2
    busy = np.zeros(nodes)
    busy[0] += u0
    link_out, link_in = np.zeros(nodes), np.zeros(nodes)
    fs_bytes = 0.0
    for sh, (lane, bases) in zip(shares, groups):
        b = bases
        work, out_, in_ = lane.relative()
        for off, v in work:
            busy += np.bincount(b + off, minlength=nodes)[:nodes] * (sh * v)
        for arr, items in ((link_out, out_), (link_in, in_)):
            for off, v in items:
                if off is None:
                    arr[0] += sh * v * len(bases)
                else:
                    arr += np.bincount(b + off, minlength=nodes)[:nodes] * (sh * v)
        fs_bytes += sh * lane.fs * len(bases)
    capacity = np.full(nodes, float(C))
    capacity[0] -= mach.poll
    used = busy > 0
    bounds["node CPU"] = float(np.min(capacity[used] / busy[used]))
    top = max(link_out.max(), link_in.max())
    if top > 0:
        bounds["links"] = mach.link / top
    if fs_bytes > 0:
        bounds["file system"] = mach.fs / fs_bytes
    bound = min(bounds, key=bounds.get)
    return Prediction(bounds[bound], bound, lanes, min(kappas), u0, rows)


class _LeaderAsRank0:
    """A node's leader seen as the rank 0 of a one-node job: predict() asks it for its fit."""

    def __init__(self, fit):
        self._fit = fit

    def fit(self, layout, read):
        return self._fit, None


def predict_leaders(layout, cores, w, mach, read, variant, threads_per_rank, rank0, which, x_at=None):
    """A leader per node over its node's lanes, rank 0 over the leaders. A node deals and gathers as a
    one-node job does, its leader in rank 0's place: predict() of the base layout on one node, with the
    leader's cost a row and a block for rank 0's. With mach.leader_core "shared" (the default: a node
    runs one rank more than its cores, and the leader, which sleeps while it waits, takes its share of
    them as rank 0 does) a node of C cores has C scoring ranks; with "own", C - 1 and a core for the
    leader. Rank 0 gets each node's rows in blocks of LEADER_BATCH_SECONDS of the node's work."""
    C = mach.C
    nodes = max(1, math.ceil(cores / C))
    per_node = min(cores, C)
    ranks_node = per_node if mach.leader_core == "shared" else max(1, per_node - 1)
    base = layout.split("+")[0]
    fit0 = leader = None
    if rank0 is not None:
        fit0, _ = rank0.fit(layout, read)
        leader_fit = rank0.leader_fits.get((layout, read)) or rank0.fit(base, read)[0]
        leader = _LeaderAsRank0(leader_fit)
    node_mach = mach.on_one_node(per_node, read_bandwidth=mach.read, full_node_speed=mach.full_node_speed)
    node_mach.poll = mach.leader_cpu  # the leader, in the place of rank 0's polls
    node = predict(base, ranks_node, w, node_mach, read=read, variant=variant, threads_per_rank=threads_per_rank,
                   rank0=leader, which=which)
    node_rate = node.x
    members = ranks_node // max(1, threads_per_rank)
    rows_leader = float(leader_batch(members, 1.0 / node_rate, mach.in_flight,
                                     first=first_batch(base, members, mach.in_flight)))
    u0 = fit0.cost(rows_leader, which, gap=rows_leader / x_at if x_at else 0.0, clamp=True) if fit0 is not None \
        else w.s + 2 * mach.m
    # The whole nodes' rates, and a last node with fewer cores, as its own one-node job.
    full, rest = divmod(cores, C) if cores > C else (1, 0)
    x_nodes = full * node_rate
    if rest:
        x_nodes += predict_leaders(layout, rest, w, mach, read, variant, threads_per_rank, rank0, which, x_at).x
    # What bounds a node: its leader (the one-node job's rank 0), its lanes, its cores, its link.
    bounds = {"leaders" if node.bound == "rank 0" else node.bound: x_nodes,
              "rank 0": 1.0 / u0 if u0 > 0 else math.inf, "file system": mach.fs / w.B if w.B > 0 else math.inf}
    bound = min(bounds, key=bounds.get)
    return Prediction(bounds[bound], bound, nodes * node.lanes, node.kappa, u0, rows_leader)


# ----------------------------------------------------------------------------- the limit

def per_core_rate(w, mach):
    """What one core does when it only reads and scores photos, on a node whose cores all do (at
    mach.full_node_speed): no layout's core does more."""
    w = w.slowed(1.0 / mach.node_speed(mach.C))
    return 1.0 / (mach.read_time(w) + w.t_score)


def limit(cores, w, mach):
    """(photos/s, which) of a job of `cores` cores: min(cores x per-core rate, fs / bytes a photo)."""
    by_cores = cores * per_core_rate(w, mach)
    by_fs = mach.fs / w.B if w.B > 0 else math.inf
    return (by_cores, "cores") if by_cores <= by_fs else (by_fs, "file system")


# ----------------------------------------------------------------------------- the sweep

def run_read_mode(path):
    """rank0 or workers: the /run attribute `read` (its first word), else --read on the command line,
    else rank0."""
    with h5py.File(path, "r") as f:
        a = f["run"].attrs
        if "read" in a:
            return read_word(text(a["read"]))
        m = re.search(r"--read[= ](\w+)", text(a.get("command_line", "")))
    return read_word(m.group(1)) if m else "rank0"


def run_decode_variant(path, w):
    """everywhere, once or window, for a roles run: the /run attributes `decode` and `pixels` if it has
    them (window: decoded once, the pixels through the shared-memory window), else what its photos'
    decode seconds say (summed over the ranks that decoded each: about the group's size times the
    baseline's before decoding once, about once after)."""
    with h5py.File(path, "r") as f:
        a = f["run"].attrs
        if "decode" in a and text(a["decode"]) in ("once", "everywhere"):
            if text(a["decode"]) == "once" and text(a.get("pixels", "")).startswith("shared-memory"):
                return "window"
            return text(a["decode"])
        images = f["timing/images"][()]
    ratio = float(images["decode"].mean()) / w.d if w.d > 0 else 1.0
    return "everywhere" if ratio > 1.5 else "once"


def sweep_input_bytes(folder):
    """A photo's mean bytes as the sweep recorded them (sweep_info: "input: N files, B bytes, X bytes a file")."""
    for info in sorted(folder.glob("sweep_info_*.txt")):
        m = re.search(r"^input: .* ([0-9.]+) bytes a file", info.read_text(), re.M)
        if m:
            return float(m.group(1))
    return None


def sweep_nproc(folder, points):
    for p in points:
        for r in p.runs:
            if r.nproc:
                return r.nproc
    for info in sorted(folder.glob("sweep_info_*.txt")):
        m = re.search(r"^nproc: (\d+)", info.read_text(), re.M)
        if m:
            return int(m.group(1))
    return None


def full_node_speed(points, cal, nproc, photos_dir=None, bytes_per_pixel=0.3, mean_bytes=None):
    """(speed, the thread-mode point it comes from, or None): a core's speed on the sweep's machine when
    all its nproc cores work, against one working alone: the baseline's CPU seconds a photo (decode +
    analyzers, the median of its repeats) over those of thread mode at nproc threads (the same stages:
    thread mode shares no core, so their seconds are CPU seconds). 1 where the sweep has no such
    point, or the baseline is that point; at most 1."""
    threads = [p for p in points if p.mode == "threads" and p.cores == nproc]
    if not threads or nproc <= 1:
        return 1.0, None
    full = threads[0]
    if {Path(r.path).name for r in full.runs} == {w.name for w in cal.runs}:
        return 1.0, None
    try:
        runs = [load_workload(r.path, photos_dir, bytes_per_pixel, mean_bytes) for r in full.runs]
    except (OSError, KeyError, ValueError):
        return 1.0, None
    cpu = lambda w: w.d + sum(w.a)
    alone = statistics.median(cpu(w) for w in cal.runs)
    together = statistics.median(cpu(w) for w in runs)
    return (min(1.0, alone / together) if together > 0 else 1.0), full


class Check:
    """One sweep point against the model."""

    def __init__(self, p, read, variant, pred, lo, hi, tolerance, threshold, calibration=False):
        self.p, self.read, self.variant = p, read, variant
        self.meas = p.inside_throughput
        self.meas_lo, self.meas_hi = p.inside_tp_min, p.inside_tp_max
        self.pred, self.pred_lo, self.pred_hi = pred.throughput(p.images), lo, hi
        self.bound = pred.bound
        self.err = 100.0 * (self.pred - self.meas) / self.meas
        # Repeats that disagree, or a machine other processes kept busy (p.busy: scaling.py's
        # --busy-threshold): its time is not photoscore's alone.
        self.noisy = (len(p.runs) > 1 and p.inside_spread > threshold) or p.busy
        if calibration:
            # Its per-photo seconds set the full-node speed: its throughput follows from them.
            self.status = "calibration"
        elif abs(self.err) <= tolerance:
            self.status = "ok"
        elif self.noisy:
            self.status = "noisy"
        else:
            self.status = "OFF"


def validate(points, cal, mach, nproc, rank0, tolerance, threshold, speed=(1.0, None)):
    """[Check] of every sweep point on the sweep's own machine (reads at the baseline's rate; a core's
    speed with every core working, speed = full_node_speed(...))."""
    here = mach.on_one_node(nproc, full_node_speed=speed[0])
    rows = []
    for p in points:
        if p.inside_throughput != p.inside_throughput:
            continue
        read = run_read_mode(p.run.path) if p.mode == "mpi" else None
        variant = run_decode_variant(p.run.path, cal.median) if p.layout == "roles" else None
        layout = "threads" if p.mode == "threads" else p.layout
        kw = dict(read=read or "rank0", variant=variant or "everywhere", threads_per_rank=p.threads, rank0=rank0)
        pred = predict(layout, p.cores, cal.median, here, **kw)
        # The band: every input at its cheapest repeat, and at its dearest.
        fast = predict(layout, p.cores, cal.low, here, which="low", **kw).throughput(p.images)
        slow = predict(layout, p.cores, cal.high, here, which="high", **kw).throughput(p.images)
        rows.append(Check(p, read, variant, pred, min(fast, slow), max(fast, slow), tolerance, threshold,
                          calibration=p is speed[1]))
    return rows


def point_name(p, read, variant):
    name = f"{'threads' if p.mode == 'threads' else p.layout} c{p.cores} ({p.ranks}x{p.threads}"
    name += f"{', oversubscribed' if p.oversubscribed else ''})"
    if read:
        name += f" read {read}"
    if variant and p.cores > 1:
        name += f", decode {variant}"
    return name


def validation_table(rows, tolerance, base_noisy=False):
    """The sweep's checks as a table; with base_noisy (the baseline's repeats disagree, or it ran on a busy
    machine) a point off although its own repeats agree is NOISY too: every prediction rests on the
    baseline, and the verdict says so."""
    lines = ["| point | measured img/s, inside (min-max) | spread | others' CPU | predicted img/s (band) | error % | "
             "bound | start-up gap s | within |",
             "|---|---:|---:|---:|---:|---:|---|---:|---|"]
    for c in rows:
        p = c.p
        lines.append(f"| {point_name(p, c.read, c.variant)} | {c.meas:.2f} ({c.meas_lo:.2f}-{c.meas_hi:.2f}) | "
                     f"{scaling.pct(p.inside_spread)} | {scaling.pct(p.others_cpu)} | "
                     f"{c.pred:.2f} ({c.pred_lo:.2f}-{c.pred_hi:.2f}) | "
                     f"{c.err:+.1f} | {c.bound} | {scaling.fmt(p.startup, '.3f')} | "
                     f"{'NOISY (the baseline)' if base_noisy and c.status == 'OFF' else SWEEP_STATUS[c.status]} |")
    return "\n".join(lines)


SWEEP_STATUS = {"ok": "yes", "noisy": "NOISY", "OFF": "NO", "calibration": "n/a: calibrates the full-node speed"}


CEILING_STATUS = {"ok": "yes", "noisy": "NOISY", "OFF": "NO", "alone": "n/a: no other group to fit on",
                  "saturated": "n/a: rank 0 saturated (bound by the cores)"}


def ceiling_name(key):
    """A ceiling group as the verdict names it."""
    return (f"ceiling {key[0]} -np {key[1]} {key[2]} batch {key[3]}" + (f" leader {key[4]}" if key[4] else "")
            + (" rank 0 on its own core" if key[5] == "own" else ""))


def ceiling_table(rows, what="rank 0 busy us/photo"):
    lines = [f"| layout | ranks | read | batch cap | rows a block (est.) | repeats | {what}, median "
             "(min-max) | spread | others' CPU | others in work k | rank 0's CPU share (fair) | stretch | "
             "predicted (leave one out) | error % | within |",
             "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for key, rs, med, lo, hi, pred, err, spread, status, stretch in rows:
        rows_est = statistics.median(r.rows(3) for r in rs)
        others = [r.others_cpu for r in rs if r.others_cpu == r.others_cpu]
        k = statistics.median(r.others_in_work for r in rs)
        share = statistics.median(r.throughput * r.cpu * US for r in rs)
        fair = f"{rs[0].nproc / rs[0].ranks:.2f}" if rs[0].nproc else "n/a"
        cap = f"{key[3]}" + (f", a leader's {key[4]}" if key[4] else "")
        lines.append(f"| {key[0]} | {key[1]}{' (rank 0: own core)' if key[5] == 'own' else ''} | {key[2]} | {cap} | {rows_est:.0f} | {len(rs)} | {med:.2f} "
                     f"({lo:.2f}-{hi:.2f}) | {scaling.pct(spread)} | {scaling.pct(max(others)) if others else 'n/a'} | "
                     f"{scaling.fmt(k, '.2f')} | {scaling.fmt(share, '.2f')} ({fair}) | "
                     f"{scaling.fmt(stretch, '.2f')} | {'-' if pred != pred else f'{pred:.2f}'} | {'-' if err != err else f'{err:+.1f}'} | "
                     f"{CEILING_STATUS[status]} |")
    return "\n".join(lines)


# ----------------------------------------------------------------------------- the cluster curves

def core_counts(max_cores):
    counts = {1}
    k = 1
    while k <= max_cores:
        counts.add(k)
        if 3 * k // 2 <= max_cores and k >= 2:
            counts.add(3 * k // 2)
        k *= 2
    return sorted(c for c in counts if c <= max_cores)


LEADER_SERIES = [  # the layouts with a leader per node: key, layout, variant, label, colour
    ("farm+leaders/workers", "farm+leaders", None, "farm + a leader per node", "tab:purple"),
    ("roles+leaders/workers", "roles+leaders", "window", "roles (shared-memory window) + a leader per node",
     "tab:brown"),
]


def series_list(rank0):
    """SERIES, plus the layouts with leaders (--read workers: a leader never holds a photo's bytes);
    those the ceiling benchmark did not measure are estimates from the other fits, marked "est."."""
    out = list(SERIES)
    measured = set(rank0.layouts()) if rank0 else set()
    for key, layout, variant, label, colour in LEADER_SERIES:
        est = "" if layout in measured else " (est.: no ceiling runs of it)"
        out.append((key, layout, variant, "workers", f"{label}, --read workers (auto){est}", colour, "--"))
    return out


def curves(w, mach, max_cores, rank0, series, counts=None):
    """{series key: [(cores, nodes, images/s, efficiency against the limit, bound)]} on the cluster."""
    out = {}
    for key, layout, variant, read, *_ in series:
        rows = []
        for c in counts or core_counts(max_cores):
            if layout == "threads" and c > mach.C:
                break
            pred = predict(layout, c, w, mach, read=read or "rank0", variant=variant or "everywhere", rank0=rank0)
            nodes = max(1, math.ceil(c / mach.C))
            rows.append((c, nodes, pred.x, pred.x / limit(c, w, mach)[0], pred.bound))
        out[key] = rows
    return out


def bands(cal, wc_of, mach, rank0, series):
    """{series key: {cores: (low efficiency, high efficiency)}} at EFFICIENCY_AT: every measured input at
    its dearest repeat, and at its cheapest."""
    out = {}
    for which, w in (("high", wc_of(cal.high)), ("low", wc_of(cal.low))):
        for key, layout, variant, read, *_ in series:
            for c in EFFICIENCY_AT:
                if layout == "threads" and c > mach.C:
                    continue
                pred = predict(layout, c, w, mach, read=read or "rank0", variant=variant or "everywhere",
                               rank0=rank0, which=which)
                # Against the limit of the same inputs: the efficiency stays <= 1, its band is how much it
                # moves with them.
                e = pred.x / limit(c, w, mach)[0]
                lo, hi = out.setdefault(key, {}).get(c, (math.inf, -math.inf))
                out[key][c] = (min(lo, e), max(hi, e))
    return out


def efficiency_lines(curve, band, series, full=None):
    lines = []
    for key, layout, variant, read, label, *_ in series:
        cells = []
        for c in EFFICIENCY_AT:
            row = next((r for r in curve[key] if r[0] == c), None)
            if row is None and layout == "threads" and (full or curve)[key]:
                last = (full or curve)[key][-1]
                cells.append(f"n/a: one node ({last[3]:.2f} at {last[0]})")
                continue
            if row is None:
                cells.append("n/a")
                continue
            lo, hi = band.get(key, {}).get(c, (row[3], row[3]))
            lo, hi = min(lo, row[3]), max(hi, row[3])  # the envelope: the median's own prediction inside it
            cells.append(f"{row[3]:.2f} ({lo:.2f}-{hi:.2f}, {row[4]})")
        lines.append((label, cells))
    return lines


def picks(curve, series, mach):
    """Which layout and read mode does most at each of EFFICIENCY_AT (threads only on one node)."""
    out = []
    labels = {s[0]: s[4] for s in series}
    for c in EFFICIENCY_AT:
        best = None
        for key, *_ in series:
            row = next((r for r in curve[key] if r[0] == c), None)
            if row and (best is None or row[2] > best[1][2] * 1.001):
                best = (key, row)
        if best:
            out.append((c, labels[best[0]], best[1][3], best[1][4]))
    return out


def plot(curve, w, sweep_rows, mach, out, max_cores, series):
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(14, 5.8))
    cs = core_counts(max_cores)
    ax.plot(cs, [limit(c, w, mach)[0] for c in cs], ":", color="black", linewidth=1.2,
            label="the limit: min(cores x per-core rate, file system / bytes a photo)")
    for key, layout, variant, read, label, color, style in series:
        rows = curve[key]
        xs = [r[0] for r in rows]
        ax.plot(xs, [r[2] for r in rows], style, color=color, label=label, linewidth=1.6)
        ax2.plot(xs, [r[3] for r in rows], style, color=color, label=label, linewidth=1.6)
    marks = {"threads": ("tab:blue", "o"), "roles": ("tab:orange", "s"), "farm": ("tab:green", "^")}
    seen = set()
    for c in sweep_rows:
        p = c.p
        layout = "threads" if p.mode == "threads" else p.layout
        color, marker = marks.get(layout, ("black", "D"))
        lab = f"measured: {layout} (sweep, inside)" if layout not in seen else None
        seen.add(layout)
        face = "white" if p.oversubscribed else color
        ax.errorbar([p.cores], [c.meas], yerr=[[c.meas - c.meas_lo], [c.meas_hi - c.meas]], fmt=marker,
                    color="black", markerfacecolor=face, markersize=7, label=lab, zorder=5, capsize=3)
        ax.plot([p.cores], [c.pred], "x", color=color, markersize=7, zorder=6,
                label="model on the sweep's machine" if "pred" not in seen else None)
        seen.add("pred")
    for a in (ax, ax2):
        a.set_xscale("log", base=2)
        a.set_xlabel(f"cores ({mach.C} a node, {math.ceil(max_cores / mach.C)} nodes at {max_cores:,})")
        a.grid(True, which="both", alpha=0.3)
    ax.set_yscale("log")
    ax.set_ylabel("images per second")
    ax.set_title("Predicted throughput (lines), the limit (dotted) and the sweep (markers)", fontsize=10)
    ax2.set_ylabel("efficiency against the limit (<= 1 by construction)")
    ax2.set_ylim(0, 1.05)
    ax2.axhline(1.0, color="gray", linestyle=":", linewidth=1)
    ax2.set_title("Predicted efficiency against the physical limit", fontsize=10)
    ax.legend(fontsize=6, loc="upper left")
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    plt.close(fig)


def parameters_lines(w, mach, rank0, cal):
    rb = f"{mach.read / GB:g} GB/s a rank" if mach.read else "the baseline's rate"
    lines = [
        f"- baseline: `{cal.median.name}`: {len(cal.runs)} repeat(s), {w.n} photos of {w.P / 1e6:.2f} MP, "
        f"{w.B / 1e6:.3f} MB a file ({w.bytes_source})",
        f"- per photo (median of the repeats): decode d = {w.d * 1e3:.2f} ms, analyzers "
        + ", ".join(f"{n} {a * 1e3:.2f} ms" for n, a in zip(w.analyzers, w.a))
        + f", rest o = {w.o * 1e3:.2f} ms, read r0 = {w.r0 * 1e3:.3f} ms, merge+write s = {w.s * 1e3:.3f} ms; "
        f"t_score = {w.t_score * 1e3:.2f} ms",
        f"- cluster: {mach.C} cores a node, link {mach.link / GB:g} GB/s and {mach.latency / US:g} us, "
        f"shared memory {mach.shm / GB:g} GB/s, file system {mach.fs / GB:g} GB/s, read {rb}, "
        f"message overhead {mach.m / US:g} us (scoring ranks), rank 0 polling {mach.poll:g} core, pixels "
        f"{mach.pixel_bytes:g} B, pieces of {mach.piece_kib:g} KiB, {mach.in_flight} photos in flight a lane",
        f"- the limit: per-core rate 1 / (read + t_score) = {per_core_rate(w, mach):.2f} photos/s on the cluster; "
        f"file system {mach.fs / GB:g} GB/s / {w.B / 1e6:.3f} MB = {mach.fs / w.B:,.0f} photos/s; the cores are "
        f"the limit up to {mach.fs / w.B / per_core_rate(w, mach):,.0f} cores",
    ]
    if rank0 is None:
        lines.append("- rank 0: NOT from the ceiling benchmark (no rank0_ceiling.tsv): estimated from message "
                     "counts and the baseline's merge + write")
    return lines


def inputs_table(cal, rank0, points, speed=(1.0, None)):
    lines = ["| measured input | median | min | max | unit | from |", "|---|---:|---:|---:|---|---|"]
    for name, med, lo, hi, unit in cal.input_rows():
        lines.append(f"| {name} | {med:.3f} | {lo:.3f} | {hi:.3f} | {unit} | the baseline's repeats |")
    if speed[1] is not None:
        lines.append(f"| a core's speed with all {speed[1].cores} cores working (decode + analyzers a photo, alone / "
                     f"together) | {speed[0]:.3f} | | | | the baseline's and thread mode's at {speed[1].cores} "
                     "threads, medians of their repeats |")
    if rank0 is not None:
        for (layout, read), fit in sorted(rank0.fits.items()):
            parts = ("a row", "a block, warm", "a block, more when cold") + (
                ("a preemption (the ceiling runs only)",) if rank0.preempt else ())
            for i, part in enumerate(parts):
                vals = (fit.coefficients()[i], fit.lo[i], fit.hi[i]) if i < 3 else (
                    fit.preempt(), fit.preempt("low"), fit.preempt("high"))
                lines.append(f"| rank 0's cost {part}, {layout}, --read {read} | {vals[0] / US:.2f} | "
                             f"{min(vals) / US:.2f} | {max(vals) / US:.2f} | us | "
                             f"{rank0.source((layout, read))}: fit to {fit.points} groups{'; ' + fit.note if fit.note else ''} |")
        for (layout, read), fit in sorted(rank0.leader_fits.items()):
            lines.append(f"| a leader's cost a row / a block warm / cold, {layout}, --read {read} | "
                         f"{fit.c_row / US:.2f} / {fit.c_warm / US:.2f} / {fit.c_block / US:.2f} | | | us | "
                         f"{rank0.path.name} |")
    for kind in ("threads", "mpi"):
        g = [p.startup for p in points if p.mode == kind and p.startup == p.startup]
        if g:
            lines.append(f"| start-up gap, {kind} (end to end - inside) | {statistics.median(g):.3f} | {min(g):.3f} | "
                         f"{max(g):.3f} | s | the sweep's points (not in the model's work) |")
    return "\n".join(lines)


# ----------------------------------------------------------------------------- the doc's figures

DOC_BLOCK = re.compile(r"(<!-- model\.py (?P<name>[a-z0-9_-]+) -->\n)(?P<body>.*?)(<!-- /model\.py (?P=name) -->)", re.S)


def fill_doc(path, blocks):
    """Rewrites every block of `path` between "<!-- model.py NAME -->" and "<!-- /model.py NAME -->"
    with blocks[NAME]; the text around them is left as it is. Returns (names filled, names of blocks
    the file has and `blocks` lacks)."""
    text = Path(path).read_text()
    filled, unknown = [], []

    def one(m):
        name = m.group("name")
        if name not in blocks:
            unknown.append(name)
            return m.group(0)
        filled.append(name)
        return m.group(1) + "\n" + blocks[name].strip("\n") + "\n\n" + m.group(4)

    Path(path).write_text(DOC_BLOCK.sub(one, text))
    return filled, unknown


def cost_table(cal):
    """A photo's cost by stage on the baseline's machine: median of the repeats, cheapest and dearest."""
    who = {"read r0": "rank 0 (`--read rank0`) or the rank that decodes it (`workers`, `auto`); every thread in "
                      "thread mode",
           "decode d": "the farm's worker; one member of the roles group, picked per photo",
           "rest o": "every rank that scores the photo (gray strips, bookkeeping)",
           "merge + write s": "thread mode's sink; under MPI the scoring ranks merge and format, rank 0 appends "
                              "blocks (\"Rank 0\" below)"}
    names = {"read r0": "read the file", "decode d": "decode", "rest o": "the rest",
             "merge + write s": "merge + write (JSONL, HDF5)"}
    order = ["read r0", "decode d", "analyzer", "rest o", "merge + write s"]
    rank = lambda row: next((i for i, k in enumerate(order) if row[0].startswith(k)), len(order))
    lines = ["| stage | median (cheapest-dearest repeat) | who does it |", "| --- | ---: | --- |"]
    for name, med, lo, hi, unit in sorted(cal.input_rows(), key=rank):
        if name.startswith("analyzer "):
            label, doer = name[len("analyzer "):], "the ranks holding it (roles), the worker (farm)"
        elif name in names:
            label, doer = names[name], who[name]
        elif name.startswith("read rate"):
            label, doer = "read rate (a file's bytes / its read time)", "this machine: the page cache"
        else:
            label, doer = name, ""
        digits = 3 if med < 1 else 2
        lines.append(f"| {label} | {med:.{digits}f} ({lo:.{digits}f}-{hi:.{digits}f}) {unit} | {doer} |")
    return "\n".join(lines)


def rank0_table(rank0, wc, mach):
    """Rank 0's fitted costs and what they mean for the cluster's photos (wc)."""
    if rank0 is None:
        return ("No ceiling runs (rank0_ceiling.tsv): rank 0's cost is estimated from message counts "
                "(jobs/rank0_ceiling.sh measures it).")
    lines = ["| layout, read mode | cost a row, us (band) | a block warm, us (band) | a block cold, us (band) | "
             f"rows a block, {wc.P / 1e6:.0f} MP photos | gap between blocks, at 1,024 cores | rank 0 a photo, us | "
             "its ceiling, photos/s | cores it feeds |" + (" a preemption, us (ceiling runs only) |" if rank0.preempt else ""),
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |" + (" ---: |" if rank0.preempt else "")]
    preempt = lambda fit: f" {fit.c_preempt / US:.1f} |" if rank0.preempt else ""
    rate = per_core_rate(wc, mach)

    def band(fit, i):
        v = [fit.c_row, fit.c_warm, fit.c_block][i]
        lo = fit.lo[i] if i < 2 else fit.lo[1] + fit.lo[2]
        hi = fit.hi[i] if i < 2 else fit.hi[1] + fit.hi[2]
        return f"{v / US:.2f} ({min(lo, hi, v) / US:.2f}-{max(lo, hi, v) / US:.2f})"

    for (layout, read), fit in sorted(rank0.fits.items()):
        pred = predict(layout, 1024, wc, mach, read=read, variant="window", rank0=rank0)
        own = " (fit to rank 0 on a core of its own)" if rank0.fit_core.get((layout, read)) == "own" else ""
        lines.append(f"| {layout}, --read {read}{' (auto)' if read == 'workers' else ''}{own} | {band(fit, 0)} | "
                     f"{band(fit, 1)} | {band(fit, 2)} | {pred.rows:.0f} | {max(pred.rows / pred.x, fit.min_gap) * 1e3:.2f} ms | "
                     f"{pred.u0 / US:.2f} | {1 / pred.u0:,.0f} | {1 / pred.u0 / rate:,.0f} |" + preempt(fit))
    for (layout, read), fit in sorted(rank0.leader_fits.items()):
        lines.append(f"| a leader, {layout}, --read {read} | {fit.c_row / US:.2f} | {fit.c_warm / US:.2f} | "
                     f"{fit.c_block / US:.2f} | | | | | |" + (" |" if rank0.preempt else ""))
    return "\n".join(lines) + (
        f"\n\nFrom {rank0.path.name}"
        + (f" and {rank0.own_path.parent.name}/{rank0.own_path.name}'s runs with rank 0 on a core of its own, which "
           "the fits marked so are on (the cluster's rank 0 has one)" if rank0.own_path else "")
        + f" (each fit's points: the median of the repeats of each group; the band: "
        f"the same fit on the fastest and on the slowest repeats). A block costs the warm figure when it comes "
        f"right after another and up to the cold one after rank 0 slept long, with tau {rank0.tau * 1e3:g} ms "
        f"(see the model's docstring); \"rank 0 a photo\" takes the gap between its blocks at 1,024 cores, no "
        f"shorter than the shortest the fit saw"
        + (" and without preemptions (rank 0 on a core of its own; the ceiling runs, more ranks than cores, "
           "had some, and each cost the last column)" if rank0.preempt else "") +
        f". With `--read rank0` rank 0 also reads each "
        f"photo at {mach.read / GB:g} GB/s. A core scores {rate:.1f} photos a second ({wc.P / 1e6:.0f} MP, read "
        "included), so \"cores it feeds\" is rank 0's ceiling over that.")


ASSUMPTIONS = [
    "calibrated on the baseline's repeats (the median of each input; its cheapest and dearest repeat give the "
    "band) and on the ceiling runs (rank 0's cost a row and a block); nothing is fitted to the sweep's other "
    "points",
    "the physical limit of a job of c cores is min(c x the per-core rate, file system bandwidth / bytes a photo); "
    "the per-core rate is one core reading and scoring photos and nothing else, so no layout exceeds the limit "
    "(rank 0, leaders, merging and writing are overheads against it)",
    "a core's speed with every core of its node working is --full-node-speed of its speed alone (1 on the "
    "cluster unless told: real nodes often lose 10-30 % with every core decoding; the sweep's machine's is "
    "measured from its thread-mode points)",
    "photos are alike (the baseline's means); a lane's share of a run is whole photos",
    "rank 0's cost a photo is c_row + (c_warm + c_cold x (1 - exp(-gap / tau))) / rows_per_block, "
    "rows_per_block what the batch rule gives (0.2 s of a lane's work, within --in-flight and 256; over leaders, "
    "0.5 s of a node's, within 8,192), gap the seconds between its blocks at the predicted photos a second, no "
    "shorter than the shortest the ceiling runs had (tau, --cold-tau: 5 ms): measured on this machine's cores; a "
    "cluster node's core of another speed scales it",
    "on the cluster rank 0 has a core of its own: its cost is fitted to the ceiling runs where it had one "
    "(RANK0_CORE=own, --own-core) where there are such (an idle core between its blocks cost it 21-66 % more "
    "than one the scoring ranks kept busy), else to the shared runs, which lean cheap; its cost is its CPU "
    "time: in the ceiling runs (more ranks "
    "than cores) that is busy_cpu, its main thread's CPU outside its sleeping waits (a TSV without it: its "
    "wall-clock busy time, with the sharing of the cores modelled; see the docstring), and the OS never takes "
    "that core from it: what each time it did in the ceiling runs cost (preempted, where the TSV counts it) is "
    "fitted and left out",
    "ranks beyond a node's cores share them (the node's busy seconds per photo <= its cores); rank 0 sleeps "
    "while it waits, its polling costs --poll-cpu of a core",
    "a message within a node costs its receiver one copy at --shm-bandwidth; across nodes the NICs move it "
    "(RDMA) and it counts against both links",
    "roles decode once per group, the pixels through the shared-memory window when the group is on one node, "
    "by broadcast otherwise",
    "a leader per node is one rank more than the node's cores (--leader-core shared: launch C + 1 ranks a "
    "node) and takes of them its busy time and --leader-cpu (0.03 of a core, measured), as rank 0 does of "
    "node 0's; --leader-core own gives it one core (C - 1 scoring ranks); its cost a row and a block are "
    "measured as rank 0's are",
    "the cluster figures are steady state: the job's launch (mpirun or srun, growing with the ranks) comes on top",
    "threads mode is one process on one node; a rank of T threads scores one photo T times as fast",
]


def main(argv=None):
    ap = argparse.ArgumentParser(
        description="Performance model of photoscore: predicted images/s for every layout and read mode to "
                    "16,384 cores against the job's physical limit; validated against a sweep and the rank 0 "
                    "ceiling runs.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    ap.add_argument("results_dir", help="a sweep folder (jobs/strong_scaling.sh; e.g. analysis/results)")
    ap.add_argument("--out", help="where model_prediction.png and model.md go (default: RESULTS_DIR)")
    ap.add_argument("--no-plot", action="store_true", help="write model.md only, no model_prediction.png")
    ap.add_argument("--doc", help="also rewrite the blocks between '<!-- model.py NAME -->' and "
                                  "'<!-- /model.py NAME -->' of this Markdown file (docs/scaling.md) with this run's "
                                  "figures: sweep, cost, ceiling, efficiency, picks, verdict")
    ap.add_argument("--ceiling", help="rank0_ceiling.tsv of jobs/rank0_ceiling.sh (default: RESULTS_DIR's, if any)")
    ap.add_argument("--own-core", help="rank0_ceiling.tsv of jobs/rank0_ceiling.sh with RANK0_CORE=\"shared own\": its "
                    "runs with rank 0 on a core of its own join --ceiling's, and rank 0's cost on the cluster is "
                    "fitted to them (default: RESULTS_DIR/own-core's, if any)")
    ap.add_argument("--baseline", help="the calibration run (a thread-mode HDF5 file; default: every repeat of the "
                                       "sweep's thread mode at its fewest cores)")
    ap.add_argument("--photos", help="folder holding the baseline's photos (for their sizes) when /scores' paths "
                                     "no longer exist")
    ap.add_argument("--file-bytes-per-pixel", type=float, default=0.3,
                    help="file bytes per pixel when no file size can be found (a JPEG of quality ~90: 0.2-0.5)")
    ap.add_argument("--photo-megapixels", type=float, help="predict for photos of this size (scales decode, "
                                                           "analyzers, pixels and bytes)")
    ap.add_argument("--photo-mb", type=float, help="predict for files of this many MB")
    ap.add_argument("--cores-per-node", type=int, default=16, help="cores of a cluster node")
    ap.add_argument("--max-cores", type=int, default=16384, help="largest core count predicted")
    ap.add_argument("--link-bandwidth", type=float, default=12.5, help="GB/s of a node's link, each way")
    ap.add_argument("--link-latency", type=float, default=2.0, help="microseconds a message takes across nodes")
    ap.add_argument("--shm-bandwidth", type=float, default=5.0, help="GB/s of a message copy within a node")
    ap.add_argument("--fs-bandwidth", type=float, default=1000.0, help="GB/s of the shared file system, all readers")
    ap.add_argument("--read-bandwidth", type=float, default=2.0,
                    help="GB/s of one rank reading a file on the cluster (the validation uses the baseline's)")
    ap.add_argument("--msg-overhead", type=float, default=5.0, help="microseconds of CPU per message and end")
    ap.add_argument("--poll-cpu", type=float, default=0.03,
                    help="fraction of a core rank 0 uses while waiting: 0.03 measured (its CPU seconds over the "
                         "run's wall, farm -np 3, 480 photos of 4 MP: docs/scaling.md)")
    ap.add_argument("--pixel-bytes", type=float, default=3.0, help="bytes per decoded pixel broadcast in a group")
    ap.add_argument("--piece-kib", type=float, default=2048, help="KiB per piece of the pixel broadcast")
    ap.add_argument("--in-flight", type=int, default=3, help="photos rank 0 keeps in flight per lane")
    ap.add_argument("--cold-tau", type=float, default=COLD_TAU * 1e3,
                    help="ms: how fast rank 0's data goes cold while it sleeps between blocks (a block after a "
                         "sleep of g ms costs c_warm + c_cold x (1 - exp(-g / tau))); measured on the ceiling's "
                         "machine")
    ap.add_argument("--leader-core", choices=("shared", "own"), default="shared",
                    help="with leaders: shared, a node runs one rank more than its cores (--ntasks-per-node=C+1 "
                         "--overcommit) and the leader, asleep while it waits, shares them; own, the leader takes "
                         "one of the C cores")
    ap.add_argument("--leader-cpu", type=float, default=0.03,
                    help="cores a leader takes from its node's scoring ranks beyond its busy time (its polls "
                         "while it waits, the ranks it wakes beside): 0.03 measured on a 2-core machine, farm "
                         "-np 3 against farm --leaders on -np 4 (docs/scaling.md)")
    ap.add_argument("--full-node-speed", type=float, default=1.0,
                    help="a cluster core's speed when every core of its node works, against one alone (measure a "
                         "full node: thread mode at all its cores); the sweep's machine's is measured from its "
                         "thread-mode points")
    ap.add_argument("--tolerance", type=float, default=15.0, help="largest error %% allowed")
    ap.add_argument("--noise-threshold", type=float, default=scaling.NOISE_THRESHOLD,
                    help="repeats whose (slowest - fastest) / median exceeds this are too noisy to validate on")
    ap.add_argument("--busy-threshold", type=float, default=scaling.BUSY_THRESHOLD,
                    help="runs during which other processes used more than this share of the machine's cores are "
                         "too disturbed to validate on")
    args = ap.parse_args(argv)

    folder = Path(args.results_dir)
    if not folder.is_dir():
        print(f"model.py: no such folder: {folder}", file=sys.stderr)
        return EXIT_BAD
    if args.doc and not Path(args.doc).is_file():
        print(f"model.py: no such file: {args.doc}", file=sys.stderr)
        return EXIT_BAD
    out = Path(args.out) if args.out else folder
    out.mkdir(parents=True, exist_ok=True)
    runs, failed, notes = scaling.load(folder)
    points = [p for p in scaling.points_of(runs, args.noise_threshold, args.busy_threshold)
              if p.study == "strong"] if runs else []
    if args.baseline:
        base_paths, base_point = [Path(args.baseline)], None
    else:
        threads = [p for p in points if p.mode == "threads"]
        if not threads:
            print(f"model.py: no thread-mode run in {folder} to calibrate on (give --baseline FILE)", file=sys.stderr)
            return EXIT_BAD
        base_point = min(threads, key=lambda p: p.cores)
        base_paths = [r.path for r in base_point.runs]
    try:
        mean_bytes = sweep_input_bytes(folder)
        cal = Calibration([load_workload(p, args.photos, args.file_bytes_per_pixel, mean_bytes) for p in base_paths])
    except (OSError, KeyError, ValueError) as e:
        print(f"model.py: baseline {base_paths[0]}: {e}", file=sys.stderr)
        return EXIT_BAD
    mach = Machine(args.cores_per_node, args.link_bandwidth, args.link_latency, args.shm_bandwidth,
                   args.fs_bandwidth, args.read_bandwidth, args.msg_overhead, args.poll_cpu, args.pixel_bytes,
                   args.piece_kib, args.in_flight, full_node_speed=args.full_node_speed,
                   leader_core=args.leader_core, leader_cpu=args.leader_cpu)
    ceiling_path = Path(args.ceiling) if args.ceiling else folder / "rank0_ceiling.tsv"
    own_path = Path(args.own_core) if args.own_core else folder / "own-core" / "rank0_ceiling.tsv"
    rank0 = None
    if args.own_core and not own_path.exists():
        print(f"model.py: no such file: {own_path}", file=sys.stderr)
        return EXIT_BAD
    if ceiling_path.exists():
        try:
            rank0 = Rank0Model(ceiling_path, args.in_flight, args.noise_threshold, args.busy_threshold,
                               tau=args.cold_tau * 1e-3, own_core=own_path if own_path.exists() else None)
        except (OSError, KeyError, ValueError) as e:
            print(f"model.py: {ceiling_path}: {e}", file=sys.stderr)
            return EXIT_BAD
    elif args.ceiling:
        print(f"model.py: no such file: {ceiling_path}", file=sys.stderr)
        return EXIT_BAD

    # 1. validation on the sweep's own machine, with the sweep's photos, and of the ceiling runs
    nproc = sweep_nproc(folder, points) or mach.C
    speed = full_node_speed(points, cal, nproc, args.photos, args.file_bytes_per_pixel, mean_bytes)
    rows = validate(points, cal, mach, nproc, rank0, args.tolerance, args.noise_threshold, speed)
    base_noisy = base_point is not None and ((len(base_point.runs) > 1 and base_point.inside_spread >
                                              args.noise_threshold) or base_point.busy)
    vt = validation_table(rows, args.tolerance, base_noisy)
    print(f"Validation: the model, calibrated on {cal.median.name}, against every point of {folder} "
          f"(one node of {nproc} cores; the program's own time)\n")
    print(vt)
    print()
    ceiling_rows = rank0.validation(args.tolerance) if rank0 else []
    if rank0:
        what = "rank 0 busy CPU us/photo" if rank0.cpu else "rank 0 busy us/photo"
        ct = ceiling_table(ceiling_rows, what)
        measure = "CPU time a photo (busy_cpu)" if rank0.cpu else "time a photo (wall - wait)"
        print(f"Validation: rank 0's {measure} in the ceiling runs ({ceiling_path}) against the fit "
              f"{rank0.formula}\n")
        print(ct)
        print()

    # 2. the cluster, possibly for other photos
    scale = (lambda w: w.scaled(args.photo_megapixels, args.photo_mb)) if (args.photo_megapixels or args.photo_mb) \
        else (lambda w: w)
    wc = scale(cal.median)
    series = series_list(rank0)
    curve = curves(wc, mach, args.max_cores, rank0, series)
    at = curves(wc, mach, max(EFFICIENCY_AT), rank0, series, counts=list(EFFICIENCY_AT))
    band = bands(cal, scale, mach, rank0, series)
    eff = efficiency_lines(at, band, series, full=curve)
    head = "| layout, read mode | " + " | ".join(f"{c:,} cores" for c in EFFICIENCY_AT) + " |"
    lim = "| the limit, photos/s (what bounds it) | " + " | ".join(
        f"{limit(c, wc, mach)[0]:,.0f} ({limit(c, wc, mach)[1]})" for c in EFFICIENCY_AT) + " |"
    et = [head, "|---|" + "---|" * len(EFFICIENCY_AT), lim] + [f"| {lab} | " + " | ".join(cells) + " |"
                                                               for lab, cells in eff]
    pick_lines = [f"- {c:,} cores: {lab} ({e:.2f} of the limit; bound: {b})" for c, lab, e, b in picks(at, series,
                                                                                                     mach)]
    print(f"Predicted efficiency against the limit (band from the inputs' spread, bound), {wc.P / 1e6:.1f} MP photos "
          f"of {wc.B / 1e6:.2f} MB, {mach.C} cores a node:\n")
    print("\n".join(et))
    print("\nPick at each size:\n" + "\n".join(pick_lines))
    print("\nAssumptions:\n" + "\n".join(f"- {a}" for a in ASSUMPTIONS))

    keys = [s[0] for s in series]
    cores_all = sorted({r[0] for k in keys for r in curve[k]})
    pt = ["| cores | nodes | limit | " + " | ".join(s[4] for s in series) + " |",
          "|---:|---:|---:|" + "---:|" * len(series)]
    for c in cores_all:
        cells = []
        for k in keys:
            row = next((r for r in curve[k] if r[0] == c), None)
            cells.append(f"{row[2]:,.0f} ({row[4]})" if row else "")
        pt.append(f"| {c:,} | {max(1, math.ceil(c / mach.C)):,} | {limit(c, wc, mach)[0]:,.0f} | " + " | ".join(cells)
                  + " |")

    # 3. the verdict: the model off, or the measurements too noisy to tell
    off = [c for c in rows if c.status == "OFF"]
    noisy = [c for c in rows if c.status == "noisy"]
    c_off = [r for r in ceiling_rows if r[8] == "OFF"]
    c_noisy = [r for r in ceiling_rows if r[8] == "noisy"]
    if base_noisy and (off or noisy):
        # Every prediction rests on the baseline: its disagreeing repeats make every miss unattributable.
        noisy, off = noisy + off, []
    verdict_lines = []
    if off or c_off:
        status = EXIT_OFF
        verdict_lines.append(f"the model is OFF: {len(off) + len(c_off)} point(s) more than {args.tolerance:g} % from "
                             "its prediction although their repeats agree: "
                             + "; ".join([point_name(c.p, c.read, c.variant) for c in off]
                                         + [ceiling_name(k)
                                            for k, *_ in c_off]))
    elif noisy or c_noisy:
        status = EXIT_NOISY
        why = (f"and the baseline's own repeats differ by {scaling.pct(base_point.inside_spread)} (more than "
               f"{args.noise_threshold:.0%}) or ran while other processes used {scaling.pct(base_point.others_cpu)} "
               "of the cores: every prediction rests on them" if base_noisy else
               f"whose repeats disagree with each other by more than {args.noise_threshold:.0%} or ran while other "
               f"processes used more than {args.busy_threshold:.0%} of the cores")
        verdict_lines.append(
            f"the sweep is TOO NOISY to validate the model: {len(noisy) + len(c_noisy)} point(s) outside "
            f"{args.tolerance:g} % {why} "
            + "(spreads: " + "; ".join(
                [f"{point_name(c.p, c.read, c.variant)}: {scaling.pct(c.p.inside_spread)}, load "
                 f"{scaling.fmt(c.p.load1, '.2f')}, others' CPU {scaling.pct(c.p.others_cpu)}" for c in noisy]
                + [f"{ceiling_name(row[0])}: {scaling.pct(row[7])}, "
                   f"others' CPU {scaling.pct(max([r.others_cpu for r in row[1]] or [float('nan')]))}"
                   for row in c_noisy]) + ")"
            + "; the measurements disagree with each other, or the machine was busy, before they disagree with the "
              "model: rerun on a quieter machine")
    else:
        status = EXIT_OK
        verdict_lines.append(f"every sweep point{' and every ceiling group' if rank0 else ''} within "
                             f"{args.tolerance:g} %")

    png = out / "model_prediction.png"
    if not args.no_plot:
        plot(curve, wc, rows, mach, png, args.max_cores, series)
    md = ["# Performance model", "",
          "Made by `analysis/model.py` (the equations are in its docstring; docs/scaling.md explains them).", ""]
    md += parameters_lines(wc, mach, rank0, cal) + [""]
    md += ["## Measured inputs and their spread", "", inputs_table(cal, rank0, points, speed), ""]
    md += [f"## Validation against the sweep ({nproc} cores, one node)", "",
           "Measured and predicted: the program's own time (/run wall_seconds); the start-up gap (end to end - "
           "inside) is the launch, which the model leaves out.", "", vt, ""]
    if rank0:
        md += ["## Validation against the ceiling runs", "",
               f"Rank 0's busy {'CPU (busy_cpu: time-sharing left out)' if rank0.cpu else 'time (wall - wait)'} a "
               f"photo ({ceiling_path.name}), median of the repeats, against the fit "
               f"{rank0.formula} of its layout and read mode.", "", ct, ""]
    md += ["Verdict: " + " ".join(verdict_lines), ""]
    md += ["## Predicted efficiency against the limit", "", "\n".join(et), "",
           "Efficiency: predicted images/s over the limit, min(cores x per-core rate, file system / bytes a photo); "
           "in brackets the band from the inputs' spread (every input at its dearest and at its cheapest repeat) "
           "and the bound that limits the prediction.", "", "Pick at each size:", ""] + pick_lines + [""]
    md += ["## Predicted images per second", "", "\n".join(pt), ""]
    md += [] if args.no_plot else ["![prediction](model_prediction.png)", ""]
    md += ["## Assumptions", ""] + [f"- {a}" for a in ASSUMPTIONS] + [""]
    if failed or notes:
        md += ["Left out of the sweep:", ""] + [f"- {x}" for x in failed + notes] + [""]
    (out / "model.md").write_text("\n".join(md))
    print(f"\nmodel.py: wrote {'' if args.no_plot else png.name + ' and '}model.md in {out}")
    if args.doc:
        bases = scaling.add_speedups(points)
        sweep_md = [scaling.table(points, args.noise_threshold), "", bases.get("strong", ""), "",
                    scaling.noise_summary(points, args.noise_threshold, args.busy_threshold)]
        ceiling_md = [rank0_table(rank0, wc, mach)]
        if rank0:
            within = sum(1 for r in ceiling_rows if r[8] == "ok")
            saturated = sum(1 for r in ceiling_rows if r[8] == "saturated")
            judged = sum(1 for r in ceiling_rows if r[8] in ("ok", "noisy", "OFF"))
            noisy_n = sum(1 for r in ceiling_rows if r[8] == "noisy")
            off_n = sum(1 for r in ceiling_rows if r[8] == "OFF")
            ceiling_md += ["", f"Held against the ceiling runs, each group (layout, ranks, read mode, batch cap, "
                           "rank 0's core) predicted from the fit to the other groups of its layout, read mode and "
                           "rank 0's core: "
                           f"{within} of {judged} within {args.tolerance:g} %, {noisy_n} outside it where repeats "
                           f"disagree (NOISY), {off_n} outside it where they agree (NO)"
                           + (f"; {saturated} more where rank 0 wanted more than its fair share of the cores (its "
                              "time there is the scheduler's: not a measure of its cost)" if saturated else "")
                           + ". Every group in "
                           "[model.md](../analysis/results/model.md)."]
        blocks = {"sweep": "\n".join(sweep_md), "cost": cost_table(cal), "ceiling": "\n".join(ceiling_md),
                  "efficiency": "\n".join(et) + "\n\nIn brackets: the band from the measured inputs' spread, and "
                  "what bounds the prediction.", "picks": "\n".join(pick_lines),
                  # The spreads of every noisy point are in model.md; here the verdict alone.
                  "verdict": f"`model.py` exits {status}: "
                             + re.sub(r" \(spreads: .*\)(;| )", r"\1", " ".join(verdict_lines)) + "."}
        filled, unknown = fill_doc(args.doc, blocks)
        print(f"model.py: filled {', '.join(filled) or 'no block'} in {args.doc}"
              + (f" (no figures for: {', '.join(unknown)})" if unknown else ""))
    print("model.py: " + " ".join(verdict_lines), file=sys.stderr if status else sys.stdout)
    return status


if __name__ == "__main__":
    sys.exit(main())
