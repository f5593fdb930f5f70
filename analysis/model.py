#!/usr/bin/python3
"""A performance model of photoscore: images per second for every layout and read mode,
from 1 to 1,024 cores on 1 to 64 nodes, calibrated on one measured run.

  /usr/bin/python3 analysis/model.py RESULTS_DIR [--out DIR] [machine options]

RESULTS_DIR is a sweep folder (jobs/strong_scaling.sh, e.g. analysis/results). The model is
calibrated on ONE run of it, the baseline (thread mode at the sweep's fewest cores, its median
repeat; --baseline FILE picks another thread-mode run), plus the machine parameters below. It then

  1. predicts every point of the sweep on the sweep's own machine (one node of `nproc` cores,
     from sweep.tsv) and prints a validation table: point, measured images/s, predicted, error %;
  2. predicts the cluster curves (threads; farm; roles, its pixels through the group's shared-memory
     window (photoscore's default when a group is on one node) or by broadcast (--shared-mb 0, or a
     group across nodes); read modes rank0 and workers) from 1 to --max-cores cores,
     --cores-per-node cores a node;
  3. prints the predicted parallel efficiency at 64, 256 and 1,024 cores;
  4. writes model_prediction.png (the curves, the sweep's measured points on top) and model.md
     (the tables, the parameters and the assumptions) into RESULTS_DIR or --out.

Exit status: 0, every sweep point predicted within --tolerance (15 %); 1, some point is off by
more; 2, bad arguments or no usable baseline.

What the baseline gives (per photo, means over its photos; /timing/images and /timing/ranks)
--------------------------------------------------------------------------------------------
  d      decode seconds                     a_k   seconds of analyzer k
  r0     read seconds                       s     merge + write seconds (the sinks; rank 0's in MPI)
  o      the rest of a photo's time: o = wall * c0 / N - r0 - d - sum_k a_k - s (gray strips,
         bookkeeping; c0 = the baseline's threads, N its photos). d + sum a + o is the time one core
         needs to score a photo it already holds: t_score.
  B      file bytes: /timing/images or /scores member `bytes`/`file_bytes` if the file has one, else
         the sizes of the files at /scores `path` (or of the same names under --photos DIR), else
         width * height * --file-bytes-per-pixel.
  P, H   pixels (width * height) and rows (height), from /scores.
--photo-megapixels scales d, a_k, o, P, H and B to photos of another size (decode and analyzers are
linear in pixels); --photo-mb sets B alone.

Machine parameters (options; defaults in brackets)
--------------------------------------------------
  --cores-per-node C [16]       cores of a node (1,024 cores = 64 nodes)
  --link-bandwidth [12.5 GB/s]  a node's network link, each way (100 Gb/s)
  --link-latency [2 us]         one message across the network
  --shm-bandwidth [5 GB/s]      one core copying within a node: a message between two ranks
                                (single copy, by the receiver), or a decoder's rows into the window
  --fs-bandwidth [20 GB/s]      the shared file system, all readers together
  --read-bandwidth [baseline]   one rank reading one file; default: the baseline's own rate
                                (B / r0), i.e. the storage the baseline ran on
  --msg-overhead [5 us]         CPU seconds an MPI message costs each end (post, test, match)
  --poll-cpu [0.05]             fraction of a core rank 0 uses while it waits (it polls and sleeps)
  --pixel-bytes [3]             bytes per decoded pixel broadcast in a group (RGB; 4 for int32 gray)
  --piece-kib [2048]            KiB per piece of the pipelined pixel broadcast (src/comm: pixel_piece_rows)
With r = B / read_bandwidth, m = msg_overhead, copy(x) = x / shm_bandwidth when sender and
receiver share a node and 0 otherwise (then the bytes cross both nodes' links instead).

Layouts and the work of every rank
----------------------------------
Ranks: rank 0 plus L lane ranks of T threads (c = L * T cores analyze; rank 0 comes on top, as in
jobs/strong_scaling.sh). Rank i >= 1 is on node floor((i-1) T / C); rank 0 on node 0, so node 0 runs
C cores' worth of lane ranks plus rank 0. A lane is what rank 0 feeds as one: a farm worker or a
roles group (the plan of src/comm/mpi_plan.cpp, reproduced here: floor(L / A) groups of the A
analyzers, spare ranks joining groups as second holders of the first analyzers' roles; a role held
by h ranks has each take every h-th photo). For every lane the model writes w[l, j], the busy
seconds of its rank j per photo of that lane:

  threads  one rank, c threads (c <= C), each reads and scores whole photos:
           X = min(c, C) / (r + t_score + s), and X <= 1 / s (one sink).
  farm     w = t_score / T + r [workers] + copy(B) [rank0] + m * messages (header, data, result)
  roles, decode everywhere (photoscore before decoding once; kept to read old runs): rank 0 broadcasts each photo's bytes into the group (binomial
           tree: a rank's parent is its group index with the top bit cleared); every member receives
           them, copy(B) from its parent, and answers for every h-th photo:
           w = copy(B) [rank0] + m * (messages + forwards) + (d + sum_{k in role} a_k + o) / (T h)
               + r / h [workers: each answering member reads the file]
  roles, decode once per group (src/comm/roles_member.cpp): one member decodes each photo and
           broadcasts its pixels, M = P * pixel_bytes bytes, to the g - 1 others in S = M / piece
           pieces as the decoder hands rows over; rank 0 sends the file's bytes (or, in workers mode,
           its path) to the decoding member only. Member k decodes a share f_k of the photos:
             w_k = f_k [d / T + copy(B) | r + (g-1) S m] + (1 - f_k) [copy(M) + S m]
                   + (sum_{j in role} a_j + o) / (T h) + m / h
           and the shares are those that even the members' w_k out (water-filling, f_k in [0, 1],
           sum 1), as photoscore's DecodeBalancer does from the members' reported busy time: the
           light roles (sharpness, exposure) decode more. Pipelining and decoding ahead keep the
           broadcast off the critical path: a photo costs its members the CPU of copying and of the
           piece messages, not a wait for the whole frame. Across nodes the copy is the NIC's (RDMA)
           and the bytes count against both nodes' links instead.
  roles, shared-memory window (src/comm/pixel_window.hpp; a group whose ranks are all on one node):
           the same, but the decoder copies its rows once into the window, M / shm_bandwidth, and the
           others read them in place, told by one small message a piece:
             w_k = f_k [d / T + copy(B) | r + (g-1) S m + M / shm] + (1 - f_k) S m + ...
           (each member still converts the rows to gray for its own analyzers: that is in o, paid
           per role).
  rank 0   per photo: u0 = r [rank0] + m * (sends to the lane + answers received) + s

Throughput X (images/s): a lane alone does kappa_l = 1 / max_j w[l, j] photos a second; rank 0 deals
photos to the least busy lane, so all lanes together do X* = sum_l kappa_l, each its share
kappa_l / X*. Then X is the least of
  lanes       X*
  rank 0      1 / u0                                  (it reads, sends, merges and writes in turn)
  node CPU    (C_n - poll_cpu [n = 0]) / (sum_{lanes} share_l sum_{j on n} w[l, j] + u0 [n = 0])
              for every node n: ranks beyond cores share them (oversubscription): the busy seconds
              of all its ranks per photo cannot exceed its cores, and rank 0's polling takes a bit
  links       link_bandwidth / (bytes a node sends, or receives, per photo), every node
  file system fs_bandwidth / (bytes read per photo: B, or B for every answering role in today's
              roles layout in workers mode, where every member reads the file itself)
The least one is the bottleneck, printed with each prediction. A run of N photos takes
max(N / X, ceil(N / lanes) / kappa) seconds (no lane can do better than its share of whole photos);
the validation uses that wall time, the cluster curves steady state (N >> lanes).
Parallel efficiency at c cores: X(c) / (c X_threads(1)), X_threads(1) the model's one-core threads rate.

Assumptions: one core's speed is the same whatever the others do (no memory-bandwidth, cache, turbo
or SMT contention; real nodes often lose 10-30 % when every core decodes); photos are alike (the
baseline's means; a lane's share is in whole photos); enough photos in flight per lane (--in-flight,
default 3) to hide latency; a rank of T threads scores one photo T times faster; result messages,
the header and the HDF5/JSONL rows are small; rank 0 shares node 0 with C lane cores.
"""
import argparse
import math
import re
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
EFFICIENCY_AT = (64, 256, 1024)
SERIES = [  # key, layout, variant, read mode, label, colour, line style
    ("threads", "threads", None, None, "threads (1 node)", "tab:blue", "-"),
    ("farm/rank0", "farm", None, "rank0", "farm, --read rank0", "tab:green", "-"),
    ("farm/workers", "farm", None, "workers", "farm, --read workers", "tab:green", "--"),
    ("roles-once/rank0", "roles", "once", "rank0", "roles, pixels by broadcast, --read rank0", "tab:orange", "-"),
    ("roles-once/workers", "roles", "once", "workers", "roles, pixels by broadcast, --read workers", "tab:orange",
     "--"),
    ("roles-window/rank0", "roles", "window", "rank0", "roles, shared-memory window, --read rank0", "tab:red", "-"),
    ("roles-window/workers", "roles", "window", "workers", "roles, shared-memory window, --read workers", "tab:red",
     "--"),
]


def text(v):
    return scaling.text(v)


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
        w = Workload(self.analyzers, self.d * k, [x * k for x in self.a], self.o * k, self.r0 * B / self.B, self.s,
                     B, self.P * k, self.H * math.sqrt(k), self.n, self.bytes_source, self.name)
        return w


def member(table, *names):
    for n in names:
        if table is not None and table.dtype.names and n in table.dtype.names:
            return n
    return None


def file_bytes(f, scores, photos_dir, bytes_per_pixel):
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
    return pixels * bytes_per_pixel, f"estimated: width x height x {bytes_per_pixel} bytes per pixel (files not found)"


def load_workload(path, photos_dir=None, bytes_per_pixel=0.3):
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
        B_all, source = file_bytes(f, scores, photos_dir, bytes_per_pixel)
    d = float(images["decode"].sum()) / n
    an = [float(images[f"analyze_{k}"].sum()) / n for k in analyzers]
    r0 = float(images["read"].sum()) / n
    s = float(sum(ranks[k].sum() for k in ("merge", "write") if k in ranks.dtype.names)) / n
    o = max(wall * threads / n - r0 - d - sum(an) - s, 0.0)
    P = float((scores["width"].astype(float) * scores["height"].astype(float))[ok].mean())
    H = float(scores["height"].astype(float)[ok].mean())
    B = float(B_all[ok].mean()) if np.isfinite(B_all[ok]).all() else float("nan")
    return Workload(analyzers, d, an, o, r0, s, B, P, H, n, source, Path(path).name)


# ----------------------------------------------------------------------------- the machine

class Machine:
    def __init__(self, cores_per_node=16, link_bandwidth=12.5, link_latency=2.0, shm_bandwidth=5.0,
                 fs_bandwidth=20.0, read_bandwidth=None, msg_overhead=5.0, poll_cpu=0.05, pixel_bytes=3.0,
                 piece_kib=2048, in_flight=3, single_node=False):
        self.C = int(cores_per_node)
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

    def on_one_node(self, cores):
        """The same machine as one node of `cores` cores, every rank on it (a sweep's machine)."""
        other = Machine.__new__(Machine)
        other.__dict__.update(self.__dict__)
        other.C = int(cores)
        other.single_node = True
        return other

    def read_time(self, w):
        if self.read is None:
            return w.r0
        return w.B / self.read


def roles_plan(lane_ranks, analyzers):
    """Groups of the roles layout, as src/comm/mpi_plan.cpp makes them: a list of groups, each a list
    of roles (analyzer indices, holder ranks), ranks numbered from 1."""
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
    def __init__(self, x, bound, lanes, kappa):
        self.x, self.bound, self.lanes, self.kappa = x, bound, lanes, kappa

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


def predict(layout, cores, w, mach, read="rank0", variant="everywhere", threads_per_rank=1):
    """Images per second of `layout` on `cores` analyzing cores (see the module docstring)."""
    C = mach.C
    r = mach.read_time(w)
    m = mach.m
    if layout == "threads":
        t = r + w.t_score + w.s
        bounds = {"cores": min(cores, C) / t, "sink": 1 / w.s if w.s > 0 else math.inf,
                  "file system": mach.fs / w.B if w.B > 0 else math.inf}
        bound = min(bounds, key=bounds.get)
        return Prediction(bounds[bound], bound, cores, 1 / t)

    T = max(1, threads_per_rank)
    L = max(1, cores // T)

    def node(rank):
        return 0 if (rank == 0 or mach.single_node) else ((rank - 1) * T) // C

    class Lane:
        def __init__(self, ranks):
            self.work = {k: 0.0 for k in ranks}  # busy seconds of each rank per photo of the lane
            self.out, self.inn = {}, {}          # bytes per lane photo leaving / entering each node
            self.fs = 0.0                        # bytes read from the file system per lane photo
            self.rank0 = 0.0                     # rank 0's seconds per lane photo (messages)
            self.transfer = 0.0                  # seconds on the wire before the lane can start
            self.in_flight = mach.in_flight      # photos rank 0 keeps in flight to the lane

        def copy(self, nbytes, src, dst, share=1.0):
            """The receiver's CPU seconds for a message; across nodes the links carry it instead."""
            if node(src) == node(dst):
                return share * nbytes / mach.shm
            self.out[node(src)] = self.out.get(node(src), 0.0) + share * nbytes
            self.inn[node(dst)] = self.inn.get(node(dst), 0.0) + share * nbytes
            self.transfer = max(self.transfer, mach.latency + nbytes / mach.link)
            return 0.0

    lanes = []
    if layout == "farm":
        for k in range(1, L + 1):
            lane = Lane([k])
            lane.work[k] = w.t_score / T + m  # scoring, the answer
            if read == "rank0":
                lane.work[k] += 2 * m + lane.copy(w.B, 0, k)  # header and bytes
                lane.rank0 = 3 * m
            else:
                lane.work[k] += m + r  # the index, then its own read
                lane.rank0 = 2 * m
            lane.fs = w.B
            lanes.append(lane)
    elif layout == "roles":
        msgs = 2 if read == "rank0" else 1  # rank 0 sends header and bytes, or the index alone
        for ranks, roles in roles_plan(L, len(w.analyzers)):
            g = len(ranks)
            lane = Lane(ranks)
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
            else:
                M = w.P * mach.pixel_bytes
                S = max(1, math.ceil(M / (mach.piece_kib * 1024))) if g > 1 else 0
                # The shared-memory window: only when the whole group is on one node.
                window = variant == "window" and g > 1 and len({node(k) for k in ranks}) == 1
                fixed, decodes = {}, {}
                for j, k in enumerate(ranks):
                    # what member k pays for a photo it decodes (the payload, the decode, the pieces'
                    # messages to the others) and for one it receives (the copy, a message a piece);
                    # with the window, the decoder copies the rows into it once and the others read
                    # them in place, told by a one-byte message a piece
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
            lanes.append(lane)
    else:
        raise ValueError(f"unknown layout {layout}")

    # A lane alone: its busiest rank, or the in-flight window over one photo's round trip.
    kappas = []
    for lane in lanes:
        busiest = max(lane.work.values())
        round_trip = busiest + lane.transfer + (r if read == "rank0" else 0.0) + 2 * mach.latency
        kappas.append(min(1.0 / busiest, lane.in_flight / round_trip))
    xstar = sum(kappas)
    shares = [k / xstar for k in kappas]
    u0 = w.s + (r if read == "rank0" else 0.0) + sum(sh * lane.rank0 for sh, lane in zip(shares, lanes))
    bounds = {"lanes": xstar, "rank 0": 1.0 / u0}
    busy = {0: u0}
    for sh, lane in zip(shares, lanes):
        for k, v in lane.work.items():
            busy[node(k)] = busy.get(node(k), 0.0) + sh * v
    for n, b in busy.items():
        x = (C - (mach.poll if n == 0 else 0.0)) / b
        bounds["node CPU"] = min(bounds.get("node CPU", math.inf), x)
    link = {}
    for sh, lane in zip(shares, lanes):
        for d in (lane.out, lane.inn):
            for n, b in d.items():
                key = (id(d) == id(lane.out), n)
                link[key] = link.get(key, 0.0) + sh * b
    if link and max(link.values()) > 0:
        bounds["links"] = mach.link / max(link.values())
    fs_bytes = sum(sh * lane.fs for sh, lane in zip(shares, lanes))
    if fs_bytes > 0:
        bounds["file system"] = mach.fs / fs_bytes
    bound = min(bounds, key=bounds.get)
    return Prediction(bounds[bound], bound, len(lanes), min(kappas))


# ----------------------------------------------------------------------------- the sweep

def run_read_mode(path):
    """rank0 or workers: the /run attribute `read`, else --read on the command line, else rank0."""
    with h5py.File(path, "r") as f:
        a = f["run"].attrs
        if "read" in a:
            return text(a["read"])
        m = re.search(r"--read[= ](\w+)", text(a.get("command_line", "")))
    return m.group(1) if m else "rank0"


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


def validate(points, w, mach, nproc):
    """[(point, read mode, variant, measured, predicted, error %, bound)] on the sweep's machine."""
    here = mach.on_one_node(nproc)
    rows = []
    for p in points:
        if p.throughput != p.throughput:
            continue
        read = run_read_mode(p.run.path) if p.mode == "mpi" else None
        variant = run_decode_variant(p.run.path, w) if p.layout == "roles" else None
        layout = "threads" if p.mode == "threads" else p.layout
        pred = predict(layout, p.cores, w, here, read=read or "rank0", variant=variant or "everywhere",
                       threads_per_rank=p.threads)
        x = pred.throughput(p.images)
        rows.append((p, read, variant, p.throughput, x, 100.0 * (x - p.throughput) / p.throughput, pred.bound))
    return rows


def point_name(p, read, variant):
    name = f"{'threads' if p.mode == 'threads' else p.layout} c{p.cores} ({p.ranks}x{p.threads}"
    name += f"{', oversubscribed' if p.oversubscribed else ''})"
    if read:
        name += f" read {read}"
    if variant and p.cores > 1:
        name += f", decode {variant}"
    return name


def validation_table(rows, tolerance):
    lines = ["| point | measured img/s | predicted img/s | error % | bound | within |",
             "|---|---:|---:|---:|---|---|"]
    for p, read, variant, meas, pred, err, bound in rows:
        lines.append(f"| {point_name(p, read, variant)} | {meas:.2f} | {pred:.2f} | {err:+.1f} | {bound} | "
                     f"{'yes' if abs(err) <= tolerance else 'NO'} |")
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


def curves(w, mach, max_cores):
    """{series key: [(cores, nodes, images/s, efficiency, bound)]} on the cluster."""
    per_core = predict("threads", 1, w, mach).x
    out = {}
    for key, layout, variant, read, *_ in SERIES:
        rows = []
        for c in core_counts(max_cores):
            if layout == "threads" and c > mach.C:
                break
            pred = predict(layout, c, w, mach, read=read or "rank0", variant=variant or "everywhere")
            nodes = max(1, math.ceil(c / mach.C))
            rows.append((c, nodes, pred.x, pred.x / (c * per_core), pred.bound))
        out[key] = rows
    return out, per_core


def efficiency_lines(curve, at=EFFICIENCY_AT):
    lines = []
    for key, layout, variant, read, label, *_ in SERIES:
        cells = []
        for c in at:
            row = next((r for r in curve[key] if r[0] == c), None)
            if row is None and layout == "threads" and curve[key]:
                last = curve[key][-1]
                row = None
                cells.append(f"n/a: one node ({last[3]:.2f} at {last[0]})")
                continue
            cells.append(f"{row[3]:.2f} ({row[4]})" if row else "n/a")
        lines.append((label, cells))
    return lines


def plot(curve, per_core, sweep_rows, mach, out, max_cores):
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(13.5, 5.6))
    cs = core_counts(max_cores)
    ax.plot(cs, [per_core * c for c in cs], ":", color="gray", linewidth=1, label="ideal (1-core threads x cores)")
    for key, layout, variant, read, label, color, style in SERIES:
        rows = curve[key]
        xs = [r[0] for r in rows]
        ax.plot(xs, [r[2] for r in rows], style, color=color, label=label, linewidth=1.6)
        ax2.plot(xs, [r[3] for r in rows], style, color=color, label=label, linewidth=1.6)
    marks = {"threads": ("tab:blue", "o"), "roles": ("tab:orange", "s"), "farm": ("tab:green", "^")}
    seen = set()
    for p, read, variant, meas, pred, err, bound in sweep_rows:
        layout = "threads" if p.mode == "threads" else p.layout
        color, marker = marks.get(layout, ("black", "D"))
        lab = f"measured: {layout} (sweep)" if layout not in seen else None
        seen.add(layout)
        face = "white" if p.oversubscribed else color
        ax.plot([p.cores], [meas], marker, color="black", markerfacecolor=face, markersize=8, label=lab, zorder=5)
        ax.plot([p.cores], [pred], "x", color=color, markersize=7, zorder=6,
                label="model on the sweep's machine" if "pred" not in seen else None)
        seen.add("pred")
        ax2.plot([p.cores], [meas / (p.cores * per_core)], marker, color="black", markerfacecolor=face,
                 markersize=8, zorder=5)
    for a in (ax, ax2):
        a.set_xscale("log", base=2)
        a.set_xlabel(f"cores that analyze (rank 0 on top; {mach.C} a node, "
                     f"{math.ceil(max_cores / mach.C)} nodes at {max_cores})")
        a.grid(True, which="both", alpha=0.3)
    ax.set_yscale("log")
    ax.set_ylabel("images per second")
    ax.set_title("Predicted throughput (lines) and the sweep (markers; hollow: oversubscribed)", fontsize=10)
    ax2.set_ylabel("parallel efficiency (images/s / (cores x 1-core threads rate))")
    ax2.set_ylim(0, 1.15)
    ax2.axhline(1.0, color="gray", linestyle=":", linewidth=1)
    ax2.set_title("Predicted parallel efficiency", fontsize=10)
    ax.legend(fontsize=7, loc="upper left")
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    plt.close(fig)


def parameters_lines(w, mach, args):
    rb = "the baseline's: %.2f GB/s" % (w.B / w.r0 / GB) if mach.read is None and w.r0 > 0 else \
        (f"{mach.read / GB:g} GB/s" if mach.read else "n/a")
    return [
        f"- baseline: `{w.name}`, {w.n} photos of {w.P / 1e6:.2f} MP, {w.B / 1e6:.3f} MB a file ({w.bytes_source})",
        f"- per photo: decode d = {w.d * 1e3:.2f} ms, analyzers "
        + ", ".join(f"{n} {a * 1e3:.2f} ms" for n, a in zip(w.analyzers, w.a))
        + f", rest o = {w.o * 1e3:.2f} ms, read r0 = {w.r0 * 1e3:.2f} ms, merge+write s = {w.s * 1e3:.3f} ms; "
        f"t_score = {w.t_score * 1e3:.2f} ms",
        f"- cluster: {mach.C} cores a node, link {mach.link / GB:g} GB/s and {mach.latency / US:g} us, "
        f"shared memory {mach.shm / GB:g} GB/s, file system {mach.fs / GB:g} GB/s, read {rb}, "
        f"message overhead {mach.m / US:g} us, rank 0 polling {mach.poll:g} core, pixels {mach.pixel_bytes:g} B, "
        f"pieces of {mach.piece_kib:g} KiB, {mach.in_flight} photos in flight a lane (roles: a member)",
    ]


ASSUMPTIONS = [
    "calibrated on one run (the baseline) plus the machine parameters; nothing is fitted to the other points",
    "a core's speed does not depend on what the other cores do (no memory-bandwidth, cache, turbo or SMT "
    "contention: real nodes often lose 10-30 % with every core decoding)",
    "photos are alike (the baseline's means); a lane's share of a run is whole photos",
    "ranks beyond a node's cores share them (the node's busy seconds per photo <= its cores); rank 0 sleeps "
    "while it waits, its polling costs --poll-cpu of a core",
    "rank 0 deals to the least busy lane, so lanes work in proportion to their speed; --in-flight photos per lane "
    "hide latency",
    "a message within a node costs its receiver one copy at --shm-bandwidth; across nodes the NICs move it "
    "(RDMA) and it counts against both links",
    "roles, all decode (photoscore before decoding once; runs without /run decode are read as such when their "
    "decode seconds say so): a binomial broadcast tree of the file's bytes into each group; every member decodes "
    "the photos it answers for",
    "roles, decode once: one member decodes each photo, the members' shares evening out their "
    "work; rank 0 sends the photo (or, with --read workers, its path) to that member only, which broadcasts the "
    "pixels to the others in pieces, overlapped with decoding and analysis; or, when the group is on one node "
    "(photoscore's default there), copies them once into the group's shared-memory window, where the others read "
    "them in place",
    "threads mode is one process on one node; a rank of T threads scores one photo T times as fast",
    "merging and writing (s per photo) are rank 0's, one photo after another",
]


def main(argv=None):
    ap = argparse.ArgumentParser(
        description="Performance model of photoscore: predicted images/s for threads, roles and farm, both read "
                    "modes, 1 to 1,024 cores; validated against a sweep's measured points.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    ap.add_argument("results_dir", help="a sweep folder (jobs/strong_scaling.sh; e.g. analysis/results)")
    ap.add_argument("--out", help="where model_prediction.png and model.md go (default: RESULTS_DIR)")
    ap.add_argument("--baseline", help="the calibration run (a thread-mode HDF5 file; default: the sweep's thread "
                                       "mode at its fewest cores, the median repeat)")
    ap.add_argument("--photos", help="folder holding the baseline's photos (for their sizes) when /scores' paths "
                                     "no longer exist")
    ap.add_argument("--file-bytes-per-pixel", type=float, default=0.3,
                    help="file bytes per pixel when no file size can be found (a JPEG of quality ~90: 0.2-0.5)")
    ap.add_argument("--photo-megapixels", type=float, help="predict for photos of this size (scales decode, "
                                                           "analyzers, pixels and bytes)")
    ap.add_argument("--photo-mb", type=float, help="predict for files of this many MB")
    ap.add_argument("--cores-per-node", type=int, default=16, help="cores of a cluster node")
    ap.add_argument("--max-cores", type=int, default=1024, help="largest core count predicted")
    ap.add_argument("--link-bandwidth", type=float, default=12.5, help="GB/s of a node's link, each way")
    ap.add_argument("--link-latency", type=float, default=2.0, help="microseconds a message takes across nodes")
    ap.add_argument("--shm-bandwidth", type=float, default=5.0, help="GB/s of a message copy within a node")
    ap.add_argument("--fs-bandwidth", type=float, default=20.0, help="GB/s of the shared file system, all readers")
    ap.add_argument("--read-bandwidth", type=float, default=None,
                    help="GB/s of one rank reading a file (default: the baseline's measured rate)")
    ap.add_argument("--msg-overhead", type=float, default=5.0, help="microseconds of CPU per message and end")
    ap.add_argument("--poll-cpu", type=float, default=0.05, help="fraction of a core rank 0 uses while waiting")
    ap.add_argument("--pixel-bytes", type=float, default=3.0, help="bytes per decoded pixel broadcast in a group")
    ap.add_argument("--piece-kib", type=float, default=2048, help="KiB per piece of the pixel broadcast")
    ap.add_argument("--in-flight", type=int, default=3, help="photos rank 0 keeps in flight per lane")
    ap.add_argument("--tolerance", type=float, default=15.0, help="largest error %% allowed on a sweep point")
    args = ap.parse_args(argv)

    folder = Path(args.results_dir)
    if not folder.is_dir():
        print(f"model.py: no such folder: {folder}", file=sys.stderr)
        return 2
    out = Path(args.out) if args.out else folder
    out.mkdir(parents=True, exist_ok=True)
    runs, failed, notes = scaling.load(folder)
    points = [p for p in scaling.points_of(runs) if p.study == "strong"] if runs else []
    base_path = Path(args.baseline) if args.baseline else None
    if base_path is None:
        threads = [p for p in points if p.mode == "threads"]
        if not threads:
            print(f"model.py: no thread-mode run in {folder} to calibrate on (give --baseline FILE)", file=sys.stderr)
            return 2
        base_path = min(threads, key=lambda p: p.cores).run.path
    try:
        w = load_workload(base_path, args.photos, args.file_bytes_per_pixel)
    except (OSError, KeyError, ValueError) as e:
        print(f"model.py: baseline {base_path}: {e}", file=sys.stderr)
        return 2
    mach = Machine(args.cores_per_node, args.link_bandwidth, args.link_latency, args.shm_bandwidth,
                   args.fs_bandwidth, args.read_bandwidth, args.msg_overhead, args.poll_cpu, args.pixel_bytes,
                   args.piece_kib, args.in_flight)

    # 1. validation on the sweep's own machine, with the sweep's photos
    nproc = sweep_nproc(folder, points) or mach.C
    rows = validate(points, w, mach, nproc)
    vt = validation_table(rows, args.tolerance)
    bad = [r for r in rows if abs(r[5]) > args.tolerance]
    print(f"Validation: the model, calibrated on {w.name} alone, against every point of {folder} "
          f"(one node of {nproc} cores)\n")
    print(vt)
    print()

    # 2. the cluster, possibly for other photos
    wc = w.scaled(args.photo_megapixels, args.photo_mb) if (args.photo_megapixels or args.photo_mb) else w
    curve, per_core = curves(wc, mach, args.max_cores)
    eff = efficiency_lines(curve)
    head = "| layout, read mode | " + " | ".join(f"{c} cores" for c in EFFICIENCY_AT) + " |"
    et = [head, "|---|" + "---|" * len(EFFICIENCY_AT)] + [f"| {lab} | " + " | ".join(cells) + " |"
                                                          for lab, cells in eff]
    print(f"Predicted parallel efficiency (bottleneck), {wc.P / 1e6:.1f} MP photos of {wc.B / 1e6:.2f} MB, "
          f"{mach.C} cores a node; 1-core threads rate {per_core:.2f} images/s:\n")
    print("\n".join(et))
    print("\nAssumptions:\n" + "\n".join(f"- {a}" for a in ASSUMPTIONS))

    keys = [s[0] for s in SERIES]
    cores_all = sorted({r[0] for k in keys for r in curve[k]})
    pt = ["| cores | nodes | " + " | ".join(s[4] for s in SERIES) + " |", "|---:|---:|" + "---:|" * len(SERIES)]
    for c in cores_all:
        cells = []
        for k in keys:
            row = next((r for r in curve[k] if r[0] == c), None)
            cells.append(f"{row[2]:.1f} ({row[4]})" if row else "")
        pt.append(f"| {c} | {max(1, math.ceil(c / mach.C))} | " + " | ".join(cells) + " |")

    png = out / "model_prediction.png"
    plot(curve, per_core, rows, mach, png, args.max_cores)
    md = ["# Performance model", "",
          "Made by `analysis/model.py` (the equations are in its docstring; docs/scaling.md explains them).", ""]
    md += parameters_lines(wc, mach, args) + [""]
    md += [f"## Validation against the sweep ({nproc} cores, one node)", "", vt, "",
           f"Tolerance {args.tolerance:g} %: " + ("every point within." if not bad else
                                                   f"{len(bad)} point(s) outside."), ""]
    md += ["## Predicted parallel efficiency", "", "\n".join(et), "",
           f"Efficiency: images/s over (cores x the model's 1-core threads rate, {per_core:.2f} images/s); "
           "in brackets the bound that limits it.", ""]
    md += ["## Predicted images per second", "", "\n".join(pt), "", "![prediction](model_prediction.png)", ""]
    md += ["## Assumptions", ""] + [f"- {a}" for a in ASSUMPTIONS] + [""]
    if failed or notes:
        md += ["Left out of the sweep:", ""] + [f"- {x}" for x in failed + notes] + [""]
    (out / "model.md").write_text("\n".join(md))
    print(f"\nmodel.py: wrote {png.name} and model.md in {out}")
    if bad:
        print(f"model.py: {len(bad)} point(s) off by more than {args.tolerance:g} %: "
              + "; ".join(point_name(r[0], r[1], r[2]) for r in bad), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
