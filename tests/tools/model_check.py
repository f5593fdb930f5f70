#!/usr/bin/python3
"""Checks of analysis/model.py against numbers worked out by hand.

  tests/tools/model_check.py

Writes a made-up baseline (thread mode on 1 core, 100 photos of 2 megapixels, files of exactly
1,000,000 bytes; per photo read 1 ms, decode 20 ms, analyzers 2 + 1 + 6 ms, write 0.5 ms, wall 32 ms),
then checks what the model derives from it and predicts for every layout on machines whose parameters
make the arithmetic easy (message overhead 0, copies at 1 GB/s so a file costs 1 ms and a 2 MP RGB
frame 6 ms); the job's limit and that no layout's efficiency exceeds it; rank 0's cost a row and a
block fitted to made-up ceiling runs of known cost (each group predicted from the others), the fit
weighing relative errors (measured medians off one line), and taking rank 0's busy CPU where the runs
have it (no time-sharing to model, no run left out), what
rank 0 gets of shared cores (the ranks in work, a burst beyond the time slice, a rank 0 wanting more
than its fair share), a core's speed with its whole node working, and with leaders rank 0's and a
leader's cost, a leader's batch and what rank 0 then costs at 16,384 cores. Last, model.py's command line on made-up sweeps:
exit 0 when every point is near its prediction, 1 (the model off, the point named) when one is 50 %
off in repeats that agree, 3 (too noisy to validate) when its repeats disagree or the baseline's do,
and the same for a ceiling group. Exit status: 0 all checks passed, 1 not.
"""
import contextlib
import io
import math
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from types import SimpleNamespace

import h5py
import numpy as np

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "analysis"))
import model  # noqa: E402

STR = h5py.string_dtype()
ANALYZERS = ["sharpness", "exposure", "composition"]
N = 100
READ, DECODE, AN, WRITE, WALL = 0.001, 0.020, (0.002, 0.001, 0.006), 0.0005, 0.032
FILE_BYTES = 1_000_000
W, H = 2000, 1000

failures = []
checks = 0


def check(what, ok):
    global checks
    checks += 1
    print(("ok:   " if ok else "FAIL: ") + what)
    if not ok:
        failures.append(what)


def near(a, b, rel=1e-6):
    return math.isclose(a, b, rel_tol=rel, abs_tol=1e-12)


def write_run(path, photos, mode, layout, ranks, threads, wall, decode_per_image=DECODE, command=""):
    with h5py.File(path, "w") as f:
        scores = np.zeros(N, dtype=[("filename", STR), ("width", "i4"), ("height", "i4"), ("path", STR),
                                    ("status", STR), ("error", STR)])
        for i in range(N):
            p = photos / f"w{i:04d}.jpg"
            scores[i] = (p.name, W, H, str(p), "ok", "")
        f.create_dataset("scores", data=scores)
        run = f.create_group("run")
        for key, value in [("mode", mode), ("layout", layout), ("hostname", "mock"), ("command_line", command),
                           ("photoscore_version", "1.0.0"), ("git_hash", "mock")]:
            run.attrs.create(key, value, dtype=STR)
        run.attrs["ranks"] = np.int32(ranks)
        run.attrs["threads_per_rank"] = np.int32(threads)
        run.attrs["wall_seconds"] = float(wall)
        run.attrs["images"] = np.int64(N)
        run.attrs["errors"] = np.int64(0)
        run.attrs.create("analyzers", np.array(ANALYZERS, dtype=object), dtype=STR)
        timing = f.create_group("timing")
        rt = np.zeros(ranks, dtype=[("rank", "i4"), ("role", STR), ("wall", "f8"), ("read", "f8"), ("comm", "f8"),
                                    ("wait", "f8"), ("decode", "f8"), ("merge", "f8"), ("write", "f8"),
                                    ("images", "i8")])
        rt["rank"] = np.arange(ranks)
        rt["role"] = ["threads" if mode == "threads" else ("source+merger" if r == 0 else "worker")
                      for r in range(ranks)]
        rt["wall"] = wall
        rt[0]["write"] = WRITE * N
        timing.create_dataset("ranks", data=rt)
        im = np.zeros(N, dtype=[("index", "i8"), ("filename", STR), ("ranks", STR), ("read", "f8"), ("decode", "f8")]
                      + [(f"analyze_{a}", "f8") for a in ANALYZERS] + [("latency", "f8")])
        im["index"] = np.arange(N)
        im["filename"] = [f"w{i:04d}.jpg" for i in range(N)]
        im["ranks"] = "0"
        im["read"] = READ
        im["decode"] = decode_per_image
        for a, t in zip(ANALYZERS, AN):
            im[f"analyze_{a}"] = t
        timing.create_dataset("images", data=im)


def main():
    work = Path(tempfile.mkdtemp(prefix="photoscore_model."))
    photos = work / "photos"
    photos.mkdir()
    for i in range(N):
        (photos / f"w{i:04d}.jpg").write_bytes(b"\0" * FILE_BYTES)
    base = work / "baseline.h5"
    write_run(base, photos, "threads", "threads", 1, 1, WALL * N)

    # --- what the model reads from the baseline ---------------------------------------------
    w = model.load_workload(base)
    check("decode per photo 20 ms", near(w.d, DECODE))
    check("analyzers per photo 2, 1, 6 ms", all(near(x, y) for x, y in zip(w.a, AN)))
    check("merge+write per photo 0.5 ms", near(w.s, WRITE))
    check("the rest o = 32 - 1 - 20 - 9 - 0.5 = 1.5 ms", near(w.o, 0.0015))
    check("t_score = 30.5 ms", near(w.t_score, 0.0305))
    check("file bytes from the files' sizes", near(w.B, FILE_BYTES) and "sizes of the files" in w.bytes_source)
    check("pixels 2 MP, 1000 rows", near(w.P, 2e6) and near(w.H, 1000))
    missing = model.load_workload(base, photos_dir=work / "nowhere", bytes_per_pixel=0.25)
    check("no files: bytes estimated from pixels (0.25 B/px = 500 kB)", near(missing.B, 5e5)
          and "estimated" in missing.bytes_source)

    easy = dict(cores_per_node=4, shm_bandwidth=1.0, msg_overhead=0.0, poll_cpu=0.0, link_latency=0.0)
    mach = model.Machine(**easy)
    one = mach.on_one_node(4)

    # --- threads ------------------------------------------------------------------------------
    check("threads, 1 core: 1 / 32 ms = 31.25 img/s", near(model.predict("threads", 1, w, mach).x, 31.25))
    check("threads, 4 cores: 125 img/s", near(model.predict("threads", 4, w, mach).x, 125.0))
    check("threads, 8 threads on a 4-core node: still 125 img/s",
          near(model.predict("threads", 8, w, one).x, 125.0))

    # --- farm ---------------------------------------------------------------------------------
    # a worker: t_score 30.5 + copy of the file 1 ms = 31.5 ms; rank 0: read 1 + write 0.5 ms
    p = model.predict("farm", 2, w, one, read="rank0")
    check(f"farm, 2 workers on 4 cores: 2 / 31.5 ms = 63.49 img/s (got {p.x:.2f}, {p.bound})",
          near(p.x, 2 / 0.0315) and p.bound == "lanes")
    two = mach.on_one_node(2)
    p = model.predict("farm", 2, w, two, read="rank0")
    check(f"farm, 3 ranks on 2 cores: 2 / (31.5 + 1.5 ms) = 60.61 img/s, node CPU (got {p.x:.2f}, {p.bound})",
          near(p.x, 2 / 0.033) and p.bound == "node CPU")
    polling = model.Machine(**dict(easy, poll_cpu=0.1)).on_one_node(2)
    p = model.predict("farm", 2, w, polling, read="rank0")
    check(f"... with rank 0 polling 0.1 core: 1.9 / 33 ms = 57.58 img/s (got {p.x:.2f})", near(p.x, 1.9 / 0.033))
    p = model.predict("farm", 2, w, one, read="workers")
    check(f"farm, --read workers: a worker reads (1 ms) instead of copying: 2 / 31.5 ms (got {p.x:.2f})",
          near(p.x, 2 / 0.0315))
    big = model.Machine(**dict(easy, cores_per_node=16, msg_overhead=10.0))
    p = model.predict("farm", 1024, w, big, read="rank0")
    # rank 0: read 1 ms + write 0.5 ms + 3 messages of 10 us
    check(f"farm, 1024 workers, --read rank0: rank 0 saturates at 1 / 1.53 ms = 653.6 img/s (got {p.x:.1f}, "
          f"{p.bound})", near(p.x, 1 / 0.00153) and p.bound == "rank 0")
    p = model.predict("farm", 1024, w, big, read="workers")
    check(f"farm, 1024 workers, --read workers: rank 0 at 1 / 0.52 ms = 1923 img/s (got {p.x:.1f}, {p.bound})",
          near(p.x, 1 / 0.00052) and p.bound == "rank 0")
    slow_fs = model.Machine(**dict(easy, cores_per_node=16, fs_bandwidth=1.0))
    p = model.predict("farm", 1024, w, slow_fs, read="workers")
    check(f"farm, 1024 workers on a 1 GB/s file system: 1000 img/s (got {p.x:.1f}, {p.bound})",
          near(p.x, 1000.0) and p.bound == "file system")

    # --- roles --------------------------------------------------------------------------------
    check("plan: 2 analyzer ranks share 3 analyzers 2 + 1",
          model.roles_plan(2, 3) == [([1, 2], [([0, 1], [1]), ([2], [2])])])
    check("plan: 4 ranks: one group, sharpness held by ranks 1 and 4",
          model.roles_plan(4, 3) == [([1, 2, 3, 4], [([0], [1, 4]), ([1], [2]), ([2], [3])])])
    check("plan: 7 ranks: groups of 4 and 3", [len(g[0]) for g in model.roles_plan(7, 3)] == [4, 3])
    # today: the composition rank receives the file (1 ms), decodes (20), analyzes (6) plus o (1.5)
    p = model.predict("roles", 3, w, one, read="rank0", variant="everywhere")
    check(f"roles today, 3 ranks: 1 / 28.5 ms = 35.09 img/s (got {p.x:.2f})", near(p.x, 1 / 0.0285))
    # once: a member receiving a photo copies its pixels (2 MP x 3 B = 6 MB, 6 ms); one decoding it
    # pays the decode and the file instead (20 + 1 ms), 15 ms more. Without decodes the members need
    # 2 + 1.5 + 6 = 9.5, 1 + 1.5 + 6 = 8.5 and 6 + 1.5 + 6 = 13.5 ms; the shares that even them out
    # (0.40, 0.47, 0.13: the composition rank decodes least) bring all three to 15.5 ms
    p = model.predict("roles", 3, w, one, read="rank0", variant="once")
    check(f"roles decoding once per group, 3 ranks: 1 / 15.5 ms = 64.52 img/s (got {p.x:.2f})",
          near(p.x, 1 / 0.0155))
    # the shared-memory window: the decoding member writes the 6 MB into it once (6 ms), the others
    # copy nothing; without decodes the members need 3.5, 2.5 and 7.5 ms, a decode costs 20 + 1 + 6
    # = 27 ms, and the shares 10/27, 11/27 and 6/27 bring all three to 13.5 ms
    p = model.predict("roles", 3, w, one, read="rank0", variant="window")
    check(f"roles with the window, 3 ranks on one node: 1 / 13.5 ms = 74.07 img/s (got {p.x:.2f})",
          near(p.x, 1 / 0.0135))
    # a group across two nodes (2 cores a node: ranks 1 and 2 on one, 3 on the next) has no window
    split = model.Machine(**dict(easy, cores_per_node=2))
    check("a group across nodes sends its pixels by broadcast, window or not",
          near(model.predict("roles", 3, w, split, read="rank0", variant="window").x,
               model.predict("roles", 3, w, split, read="rank0", variant="once").x))
    shares = model.balanced_shares({1: 9.5, 2: 8.5, 3: 13.5}, {1: 15.0, 2: 15.0, 3: 15.0})
    check(f"decode shares 0.4, 0.467, 0.133 (got {shares})",
          near(shares[1], 0.4) and near(shares[2], 7 / 15) and near(shares[3], 2 / 15))
    shares = model.balanced_shares({1: 0.0, 2: 50.0}, {1: 10.0, 2: 10.0})
    check(f"a member far busier decodes nothing (got {shares})", near(shares[1], 1.0) and near(shares[2], 0.0))
    p = model.predict("roles", 2, w, two, read="rank0", variant="everywhere")
    # rank 1 (sharpness+exposure): 1 + 20 + 3 + 1.5 = 25.5; rank 2: 1 + 20 + 6 + 1.5 = 28.5; rank 0 1.5 ms:
    # 3 ranks on 2 cores: 2 / 55.5 ms = 36.04 > 1 / 28.5 ms = 35.09
    check(f"roles today, 3 ranks on 2 cores: the composition rank, 35.09 img/s (got {p.x:.2f}, {p.bound})",
          near(p.x, 1 / 0.0285) and p.bound == "lanes")
    p = model.predict("roles", 1023, w, slow_fs, read="workers", variant="everywhere")
    check(f"roles today, --read workers: every role reads the file, 3 MB a photo: 333 img/s (got {p.x:.1f})",
          near(p.x, 1000.0 / 3) and p.bound == "file system")
    check("a run of 5 photos on 4 lanes takes 2 photos' time",
          near(model.predict("threads", 4, w, mach).wall(5), 2 * 0.032))

    # --- the limit and the efficiency against it ------------------------------------------------
    # one core reading (1 ms) and scoring (30.5 ms): 1 / 31.5 ms = 31.75 photos/s; a 20 GB/s file system
    # of 1 MB photos: 20,000 photos/s, reached at 630 cores
    check("the per-core rate is 1 / (read + t_score) = 31.75 photos/s", near(model.per_core_rate(w, mach), 1 / 0.0315))
    check("the limit at 64 cores: 64 / 31.5 ms, the cores", near(model.limit(64, w, mach)[0], 64 / 0.0315)
          and model.limit(64, w, mach)[1] == "cores")
    check("the limit at 1024 cores: 20 GB/s / 1 MB = 20,000 photos/s, the file system",
          near(model.limit(1024, w, mach)[0], 20000.0) and model.limit(1024, w, mach)[1] == "file system")
    cluster = model.Machine(cores_per_node=16, fs_bandwidth=1000.0, read_bandwidth=2.0)
    series = model.series_list(None)
    curve = model.curves(w, cluster, 16384, None, series, counts=list(model.EFFICIENCY_AT))
    effs = [r[3] for k in curve for r in curve[k]]
    check(f"no layout beats the limit: every efficiency at 64 to 16,384 cores is <= 1 (max {max(effs):.3f})",
          max(effs) <= 1.0 + 1e-9 and len(effs) >= 6 * len(model.EFFICIENCY_AT))

    # --- rank 0 from the ceiling benchmark: cost a row and cost a block -------------------------
    # made-up runs whose rank 0 costs exactly 2 us a row and 100 us a block; the busiest worker
    # takes 10 us a photo, so batches are the cap (0.2 s / 10 us > 256). Their ranks outnumber the
    # 2 cores, but rank 0's bursts (at most 256 x 2 + 100 = 612 us) fit in a time slice (1.5 ms on 2
    # cores), so its wall-clock time is its cost: it sleeps between bursts, and a task waking from
    # sleep runs at once (the old model stretched every run by ranks / cores)
    head = ("layout\tranks\tread\trepeat\tphotos\tbusy\tread_us\tcomm\tmerge\twrite\tother\tcpu\twait\twall_s\t"
            "run_read\tversion\tgit\tbatch\tlane_us\tscoring_us\tnproc\tload1\tothers_cpu")

    def ceiling_tsv(path, off=None, spread=(1.0, 1.0, 1.0)):
        lines = [head]
        for layout, ranks in (("farm", 3), ("farm", 5), ("farm", 9)):
            for batch in (16, 64, 256):
                for rep, f in enumerate(spread, 1):
                    busy = 2.0 + 100.0 / batch
                    if off == (layout, ranks, batch):
                        busy *= 1.5 * f
                    lines.append(f"{layout}\t{ranks}\tauto\t{rep}\t20000\t{busy:.6f}\t0\t0\t0\t0\t0\t0\t0\t1\t"
                                 f"workers (auto)\t1.0.0\tmock\t{batch}\t10\t100\t2\t0.5\t0.01")
        path.write_text("\n".join(lines) + "\n")

    ceiling = work / "rank0_ceiling.tsv"
    ceiling_tsv(ceiling)
    r0 = model.Rank0Model(ceiling)
    fit, _ = r0.fit("farm", "workers")
    check(f"the fit finds 2 us a row and 100 us a block (got {fit.c_row / 1e-6:.3f} and {fit.c_block / 1e-6:.3f})",
          near(fit.c_row, 2e-6, 1e-3) and near(fit.c_block, 100e-6, 1e-3))
    check("... and predicts every ceiling run within 0.1 %, each from the fit to the other groups (leave one out)",
          all(abs(row[6]) < 0.1 and row[8] == "ok" for row in r0.validation(15.0)))
    # The fit weighs each point by its relative error. Through the medians a leader's ceiling runs
    # measured (blocks of 16, 62 and 1,111 rows: 2.95, 1.73 and 0.355 us a photo, not on one line),
    # the unweighted line puts the large blocks at twice their cost; the weighted one misses them by
    # less than 15 %, and its worst miss is smaller.
    xs, ys = [1 / 16, 1 / 62, 1 / 1111], [2.95, 1.73, 0.355]
    a, b = model.relative_least_squares([[1.0] * len(xs), xs], ys)
    errors = [(a + b * x) / y - 1 for x, y in zip(xs, ys)]
    slope, intercept = np.polyfit(xs, ys, 1)
    plain = [(intercept + slope * x) / y - 1 for x, y in zip(xs, ys)]
    check("the fit weighs relative errors: the large blocks within 15 % and the worst miss smaller than "
          "unweighted (got " + ", ".join(f"{100 * e:+.0f} %" for e in errors) + "; unweighted "
          + ", ".join(f"{100 * e:+.0f} %" for e in plain) + ")",
          abs(errors[-1]) <= 0.15 and max(map(abs, errors)) < max(map(abs, plain)))
    # The stretch of rank 0's wall-clock time on a machine of 2 cores where 3 other ranks are in work
    # (scoring ranks' busy 150 us a photo, 20,000 photos in 1 s): a burst within the slice (1.5 ms)
    # runs at once; beyond it rank 0 gets 2 / (1 + 3) of a core: a 3 ms burst takes 1.5 + 1.5 x 2 ms
    run = model.CeilingRun({"layout": "farm", "ranks": "9", "read": "auto", "photos": "20000", "busy": "5",
                            "wall_s": "1", "scoring_us": "150", "nproc": "2", "cpu": "20"})
    check(f"others in work: 150 us x 20,000 / 1 s = 3 (got {run.others_in_work:.3f})", near(run.others_in_work, 3.0))
    check(f"the slice on 2 cores: 0.75 ms x (1 + log2 2) = 1.5 ms (got {model.sched_slice(2) * 1e3:.3f})",
          near(model.sched_slice(2), 1.5e-3))
    check(f"a 1 ms burst is not stretched, a 3 ms one 1.5 times (got {run.stretch(1e-6, 1e-3):.3f}, "
          f"{run.stretch(1e-6, 3e-3):.3f})", near(run.stretch(1e-6, 1e-3), 1.0) and near(run.stretch(1e-6, 3e-3), 1.5))
    # made-up --read rank0 runs whose rank 0 costs 20 us a row and nothing a block, on 2 cores with k = 2
    # (-np 3) and 4 (-np 5) other ranks in work: a batch of 256 rows is a 5.12 ms burst, 1.5 ms of it at
    # once and the rest at (1 + k) / 2 the time: 1.354 and 2.060 times 20 us; batches of 16 and 64 fit
    # in the slice: 20 us
    def stretched_tsv(path, ranks_k, cpu_us=1, busy_cpu=False):
        """Runs of rank 0 at 20 us of work a row, stretched as above; -np 9 30 % more than that (what the
        slice model does not foresee); busy_cpu: with the 20 us of CPU beside."""
        lines = [head + ("\tbusy_cpu" if busy_cpu else "")]
        for ranks, k in ranks_k:
            for batch in (16, 64, 256):
                burst = batch * 20e-6
                stretch = (min(burst, 1.5e-3) + max(0.0, burst - 1.5e-3) * (1 + k) / 2) / burst
                busy = 20 * stretch * (1.3 if ranks == 9 else 1.0)
                lines.append(f"farm\t{ranks}\trank0\t1\t20000\t{busy:.6f}\t0\t0\t0\t0\t0\t{cpu_us}\t0\t1\t"
                             f"rank0\t1.0.0\tmock\t{batch}\t10\t{k * 50}\t2\t0.5\t0" + ("\t20" if busy_cpu else ""))
        path.write_text("\n".join(lines) + "\n")

    stretched_tsv(work / "stretched.tsv", ((3, 2), (5, 4)))
    rs = model.Rank0Model(work / "stretched.tsv")
    fs, _ = rs.fit("farm", "rank0")
    check(f"runs stretched by the cores they shared: the fit takes the stretch out, 20 us a row and 0 a block "
          f"(got {fs.c_row / 1e-6:.3f} and {fs.c_block / 1e-6:.3f})", near(fs.c_row, 20e-6, 1e-3)
          and abs(fs.c_block) < 1e-9)
    check("... and puts it back: every group predicted from the others within 0.1 % (27.1 and 41.2 us at 256)",
          all(abs(row[6]) < 0.1 and row[8] == "ok" for row in rs.validation(15.0)))
    # The same runs with rank 0's busy CPU (busy_cpu: 20 us a photo, what the work cost) beside the
    # stretched wall-clock busy time, and one more rank count whose rank 0 wanted more than its share
    # (-np 9, cpu 20 us x 20,000 photos/s = 0.4 of a core against 2 / 9): the fits are on the CPU time,
    # with no stretch to model and no run left out.
    stretched_tsv(work / "cpu.tsv", ((3, 2), (5, 4), (9, 7)), cpu_us=20, busy_cpu=True)
    rc = model.Rank0Model(work / "cpu.tsv")
    fc, _ = rc.fit("farm", "rank0")
    cv = rc.validation(15.0)
    check(f"with busy_cpu the fit is on it: 20 us a row and 0 a block (got {fc.c_row / 1e-6:.3f} and "
          f"{fc.c_block / 1e-6:.3f})", rc.cpu and near(fc.c_row, 20e-6, 1e-3) and abs(fc.c_block) < 1e-9)
    check("... every group predicted within 0.1 %, -np 9's saturated ones too (statuses: "
          + ", ".join(sorted({row[8] for row in cv})) + ")",
          len(cv) == 9 and all(abs(row[6]) < 0.1 and row[8] == "ok" for row in cv))
    # A block's cost with how long rank 0 slept before it: made-up runs (busy_cpu) of rank 0 at 0.4 us a
    # row and 5 us a block, 60 more when cold (tau 5 ms), blocks of 16, 64 and 256 rows, at 10,000,
    # 20,000 and 40,000 photos a second: gaps of 0.4 to 25.6 ms
    tau, c = 5e-3, (0.4, 5.0, 60.0)

    def cold_tsv(path, taken=None, cores=None):
        """Those runs; with taken ({ranks: preemptions a photo}), each preemption costing 80 us more (but
        where rank 0 had its own core); with cores ({"shared": (c_row, c_warm, c_cold), "own": ...}, us), each run twice, with rank 0's core
        (rank0_core) and those costs."""
        lines = [head + "\tbusy_cpu" + ("\tpreempted" if taken else "") + ("\trank0_core" if cores else "")]
        for core, costs in (cores or {"": c}).items():
            for ranks, rate in ((3, 10000), (5, 20000), (9, 40000)):
                for batch in (16, 64, 256):
                    cost = costs[0] + (costs[1] + costs[2] * (1 - math.exp(-batch / rate / tau))) / batch
                    # Rank 0 on a core of its own: the OS's own threads took it, at no cost apart.
                    cost += 80.0 * taken[ranks] if taken and core != "own" else 0.0
                    lines.append(f"farm\t{ranks}\tauto\t1\t20000\t{cost:.9f}\t0\t0\t0\t0\t0\t1\t0\t{20000 / rate}\t"
                                 f"workers (auto)\t1.0.0\tmock\t{batch}\t10\t100\t2\t0.5\t0\t{cost:.9f}"
                                 + (f"\t{taken[ranks]}" if taken else "") + (f"\t{core}" if cores else ""))
        path.write_text("\n".join(lines) + "\n")
        return path

    rk = model.Rank0Model(cold_tsv(work / "cold.tsv"), tau=tau)
    fk, _ = rk.fit("farm", "workers")
    check(f"blocks after longer sleeps cost more: the fit finds 0.4 us a row, 5 a block warm, 60 more cold (got "
          f"{fk.c_row / 1e-6:.3f}, {fk.c_warm / 1e-6:.3f}, {fk.c_cold / 1e-6:.3f})",
          near(fk.c_row, 0.4e-6, 1e-3) and near(fk.c_warm, 5e-6, 1e-3) and near(fk.c_cold, 60e-6, 1e-3))
    check("... every group predicted from the others within 0.1 %",
          all(abs(row[6]) < 0.1 and row[8] == "ok" for row in rk.validation(15.0)))
    check(f"... on the cluster a gap shorter than any it saw (0.4 ms) is taken as that: at 0.1 ms a block costs "
          f"{(5 + 60 * (1 - math.exp(-0.4e-3 / tau))):.2f} us (got {fk.block(1e-4, clamp=True) / 1e-6:.2f}; "
          f"{fk.block(1e-4) / 1e-6:.2f} unclamped)",
          near(fk.block(1e-4, clamp=True), (5 + 60 * (1 - math.exp(-0.4e-3 / tau))) * 1e-6, 1e-3)
          and near(fk.block(1e-4), (5 + 60 * (1 - math.exp(-1e-4 / tau))) * 1e-6, 1e-3))
    # The same runs where the OS took rank 0's core 0.001, 0.003 and 0.006 times a photo at -np 3, 5 and 9
    # (preempted), each time costing it 80 us: the fit takes that apart, and the cluster's rank 0, on a
    # core of its own, does not pay it.
    rp = model.Rank0Model(cold_tsv(work / "preempted.tsv", {3: 0.001, 5: 0.003, 9: 0.006}), tau=tau)
    fp, _ = rp.fit("farm", "workers")
    check(f"preempted: the fit finds 80 us a preemption beside 0.4 / 5 / 60 (got {fp.c_preempt / 1e-6:.3f}; "
          f"{fp.c_row / 1e-6:.3f}, {fp.c_warm / 1e-6:.3f}, {fp.c_cold / 1e-6:.3f})",
          rp.preempt and near(fp.c_preempt, 80e-6, 1e-3) and near(fp.c_row, 0.4e-6, 1e-3)
          and near(fp.c_warm, 5e-6, 1e-3) and near(fp.c_cold, 60e-6, 1e-3))
    check("... every group predicted from the others within 0.1 %",
          all(abs(row[6]) < 0.1 and row[8] == "ok" for row in rp.validation(15.0)))
    check("... a ceiling group pays its preemptions, the cluster's rank 0 none: at 64 rows and a 3.2 ms gap, "
          f"{fk.cost(64, gap=3.2e-3) / 1e-6 + 0.48:.3f} and {fk.cost(64, gap=3.2e-3) / 1e-6:.3f} us",
          near(fp.measured(64, 3.2e-3, 0.006), fk.cost(64, gap=3.2e-3) + 0.48e-6, 1e-6)
          and near(fp.cost(64, gap=3.2e-3), fk.cost(64, gap=3.2e-3), 1e-6)
          and near(model.predict("farm", 1024, w, model.Machine(fs_bandwidth=1e6), read="workers", rank0=rp).u0,
                   model.predict("farm", 1024, w, model.Machine(fs_bandwidth=1e6), read="workers", rank0=rk).u0, 1e-6))
    # Rank 0 on a core of its own (RANK0_CORE=own) at 0.6 us a row, 8 a block warm and 90 more cold, beside
    # the shared runs above, in a set of its own (--own-core) that also holds shared runs at other costs
    # (another session's): its own runs join, the cluster's rank 0 is fitted to them alone, and their
    # preemptions (none of them the ranks') are not a cost.
    own_set = cold_tsv(work / "own-core.tsv", {0: 0.001, 3: 0.001, 5: 0.002, 9: 0.005},
                       cores={"shared": (0.3, 3.0, 40.0), "own": (0.6, 8.0, 90.0)})
    ro = model.Rank0Model(cold_tsv(work / "shared.tsv"), tau=tau, own_core=own_set)
    fo, _ = ro.fit("farm", "workers")
    check(f"own core: the cluster's fit is on rank 0's own-core runs alone: 0.6 / 8 / 90 us (got "
          f"{fo.c_row / 1e-6:.3f}, {fo.c_warm / 1e-6:.3f}, {fo.c_cold / 1e-6:.3f}, a preemption "
          f"{fo.c_preempt / 1e-6:.3f})",
          ro.fit_core[("farm", "workers")] == "own" and near(fo.c_row, 0.6e-6, 1e-3) and near(fo.c_warm, 8e-6, 1e-3)
          and near(fo.c_cold, 90e-6, 1e-3) and fo.c_preempt == 0.0 and "rank 0 on a core of its own" in ro.source(
              ("farm", "workers")))
    ov = ro.validation(15.0)
    check(f"... the --own-core set's shared runs stay out ({len(ov)} groups: 9 shared, 9 own), and every group "
          "is predicted from the others of its core within 0.1 %",
          len(ov) == 18 and sum(row[0][5] == "own" for row in ov) == 9
          and all(abs(row[6]) < 0.1 and row[8] == "ok" for row in ov))
    own_pred = model.predict("farm", 1024, w, model.Machine(fs_bandwidth=1e6), read="workers", rank0=ro)
    shared_u0 = model.predict("farm", 1024, w, model.Machine(fs_bandwidth=1e6), read="workers", rank0=rk).u0
    check(f"... and the cluster's rank 0 costs the own-core fit's ({own_pred.u0 / 1e-6:.3f} us a photo, the shared "
          f"runs' fit {shared_u0 / 1e-6:.3f})",
          near(own_pred.u0, fo.cost(own_pred.rows, gap=own_pred.rows / own_pred.x, clamp=True), 1e-6)
          and own_pred.u0 > shared_u0)
    # On the cluster rank 0's gap is its rows over the job's photos a second, which its cost bounds: the
    # prediction settles where rank 0's cost is the fit's at that gap.
    cold_pred = model.predict("farm", 1024, w, model.Machine(fs_bandwidth=1e6), read="workers", rank0=rk)
    gap = cold_pred.rows / cold_pred.x
    check(f"... and the cluster's prediction settles at the gap its own photos a second give (rank 0 "
          f"{cold_pred.u0 / 1e-6:.3f} us a photo, the fit at {gap * 1e3:.3f} ms: "
          f"{fk.cost(cold_pred.rows, gap=gap, clamp=True) / 1e-6:.3f})",
          near(cold_pred.u0, fk.cost(cold_pred.rows, gap=gap, clamp=True), 1e-6))
    check("rank 0 at 20 us of CPU a photo, 20,000 photos/s (0.4 of a core) is saturated at -np 9 (fair share 2 / 9), "
          "not at -np 3 (2 / 3)", run.saturated and not model.CeilingRun({**{k: str(v) for k, v in
                                                                              dict(layout="farm", ranks=3, read="auto", photos=20000, busy=5, wall_s=1, scoring_us=150, nproc=2, cpu=20).items()}}).saturated)
    check("... a farm worker's block of 4 MP-like photos carries 6 rows (0.2 s / 31.5 ms), 3 (--in-flight) when "
          "its photos take 0.1 s", model.rows_per_block("farm", 1, 0.0315, 3) == 6.0
          and model.rows_per_block("farm", 1, 0.1, 3) == 3.0)
    # A core slower when every core of its node works (the sweep's machine: measured from thread mode at
    # all its cores; the cluster: --full-node-speed): 0.8 on a node of 2 cores
    slow2 = model.Machine(fs_bandwidth=1e6).on_one_node(2, full_node_speed=0.8)
    check("full-node speed 0.8 on 2 cores: a core alone at 1, both working at 0.8 each",
          slow2.node_speed(1) == 1.0 and near(slow2.node_speed(2), 0.8))
    t_slow = slow2.read_time(w) + w.t_score / 0.8 + w.s
    got = model.predict("threads", 2, w, slow2).x
    check(f"... thread mode on both cores: 2 / (read + t_score / 0.8 + write) = {2 / t_slow:.2f} img/s (got {got:.2f})",
          near(got, 2 / t_slow))
    check("... on one core: as fast as alone", near(model.predict("threads", 1, w, slow2).x,
                                                    model.predict("threads", 1, w, slow2.on_one_node(2, full_node_speed=1.0)).x))
    check("full-node speed 0.7 on 16 cores: 8 of them working at 1 - 0.3 x 7 / 15 = 0.86",
          near(model.Machine(cores_per_node=16, full_node_speed=0.7).node_speed(8), 0.86))
    big_fs = model.Machine(cores_per_node=16, fs_bandwidth=1e6, msg_overhead=0.0, poll_cpu=0.0, leader_cpu=0.0)
    p = model.predict("farm", 4096, w, big_fs, read="workers", rank0=r0)
    check(f"farm, 4096 workers: rank 0 at 2 + 100 / 6 us = 18.67 us a photo, 53,571 photos/s (got {p.u0 / 1e-6:.2f} "
          f"us, {p.x:.0f}, {p.bound})", near(p.u0, 2e-6 + 100e-6 / 6) and p.bound == "rank 0")
    p = model.predict("farm", 4096, w, big_fs, read="rank0", rank0=r0)
    check(f"... with --read rank0 rank 0 also reads the photo (1 ms): {p.u0 / 1e-3:.4f} ms",
          near(p.u0, 2e-6 + 100e-6 / 6 + READ))

    # --- leaders: rank 0's batches to a node's leader, and both costs fitted -------------------
    check("a leader's batch: 0.5 s of a node of 15 workers at 345 photos/s is 172 photos",
          model.leader_batch(15, 1 / 345.0, 3) == 172)
    check("... at least --in-flight for each of its 15 workers (45), at most 8,192",
          model.leader_batch(15, 1 / 80.0, 3) == 45 and model.leader_batch(15, 1e-6, 3) == 8192)
    check("... at least a roles node's first batch ((3 + 2) x 15 = 75)",
          model.leader_batch(15, 1 / 80.0, 3, first=model.first_batch("roles", 15, 3)) == 75
          and model.first_batch("farm", 15, 3) == 45)
    check("the mean batch of 100 photos to one lane, first 5, then 40 shrinking at the end: 5, 5, 40, 25, "
          "12, 6, 3, 2, 1, 1 = 10 photos", model.mean_batch(100, 1, 5, 40) == 10.0)
    # made-up farm+leaders runs (-np 5 and 9: a leader and 3 or 7 workers) whose rank 0 costs 2 us a row and
    # 400 us a block of the leader's, and whose leader costs 5 us a row and 100 us a block of its workers'
    lead_tsv = work / "leaders.tsv"
    lines = [head + "\tleader_busy"]
    for ranks in (5, 9):
        for batch in (16, 64, 256):
            run = dict(layout="farm+leaders", ranks=ranks, batch=batch, lane_us=10.0, photos=20000)
            probe = model.CeilingRun({**{k: str(v) for k, v in run.items()}, "read": "auto", "busy": "0"})
            busy = 2.0 + 400.0 / probe.rows(3)
            lead = 5.0 + 100.0 / probe.rows(3, "leader_busy")
            # The machine left blank (nproc): no stretch, rank 0's long bursts of a leader's blocks included.
            lines.append(f"farm+leaders\t{ranks}\tauto\t1\t20000\t{busy:.6f}\t0\t0\t0\t0\t0\t0\t0\t1\t"
                         f"workers (auto)\t1.0.0\tmock\t{batch}\t10\t100\t\t0.5\t0.01\t{lead:.6f}")
    lead_tsv.write_text("\n".join(lines) + "\n")
    rl = model.Rank0Model(lead_tsv)
    f0, _ = rl.fit("farm+leaders", "workers")
    fl = rl.leader_fits[("farm+leaders", "workers")]
    check(f"leaders: rank 0's fit finds 2 us a row and 400 us a block (got {f0.c_row / 1e-6:.3f}, "
          f"{f0.c_block / 1e-6:.3f}), the leader's 5 and 100 (got {fl.c_row / 1e-6:.3f}, {fl.c_block / 1e-6:.3f})",
          near(f0.c_row, 2e-6, 1e-3) and near(f0.c_block, 400e-6, 1e-3) and near(fl.c_row, 5e-6, 1e-3)
          and near(fl.c_block, 100e-6, 1e-3))
    check("... and the leader layout is a measured series, not an estimate",
          any(s[1] == "farm+leaders" and "est." not in s[4] for s in model.series_list(rl)))
    # 16,384 cores: 1,024 nodes of 16 workers at 31.5 ms a photo (message overhead and polling 0), each
    # node's leader one rank more (--leader-core shared) at 5 + 100 / 6 us a photo of its node (a worker's
    # block: 0.2 s / 31.5 ms = 6 rows), on the node's cores: a node does 16 / (31.5 ms + 21.67 us)
    # = 507.59 photos/s (its cores busy with a photo for 31.5 ms, and its leader), so rank 0's batch to a
    # leader is 0.5 s of it, 253 photos
    t = 31.5e-3
    assert near(w.t_score + READ, t), "the made-up workload is 31.5 ms a photo, read included"
    u_lead = 5e-6 + 100e-6 / 6
    node = 16 / (t + u_lead)
    p = model.predict("farm+leaders", 16384, w, big_fs, read="workers", rank0=rl)
    check(f"farm + leaders, 16,384 cores: a node at {node:.2f} photos/s, rank 0 at 2 + 400 / {int(0.5 * node)} us "
          f"a photo (got {p.u0 / 1e-6:.3f} us, {p.rows:.0f} rows a block; {p.x:.0f} photos/s, {p.bound})",
          near(p.u0, 2e-6 + 400e-6 / int(0.5 * node)) and p.rows == int(0.5 * node)
          and near(p.x, min(1024 * node, 1 / p.u0)))
    taxed = model.Machine(cores_per_node=16, fs_bandwidth=1e6, msg_overhead=0.0, poll_cpu=0.0, leader_cpu=0.5)
    p = model.predict("farm+leaders", 16, w, taxed, read="workers", rank0=rl)
    check(f"... a leader taking half a core beside its busy time: the node at 15.5 / (31.5 ms + 21.67 us) = "
          f"{15.5 / (t + u_lead):.2f} photos/s (got {p.x:.2f}, {p.bound})", near(p.x, 15.5 / (t + u_lead)))
    own = model.Machine(cores_per_node=16, fs_bandwidth=1e6, msg_overhead=0.0, poll_cpu=0.0, leader_cpu=0.0,
                        leader_core="own")
    p = model.predict("farm+leaders", 16384, w, own, read="workers", rank0=rl)
    check(f"... with --leader-core own: 15 workers a node, 15 / 31.5 ms = {15 / t:.1f} photos/s, blocks of "
          f"{int(0.5 * 15 / t)} (got {p.rows:.0f}, {p.x:.0f} photos/s, {p.bound})",
          p.rows == int(0.5 * 15 / t) and near(p.x, min(1024 * 15 / t, 1 / p.u0)))
    roles_lead = next((s for s in model.series_list(rl) if s[1] == "roles+leaders"), None)
    check("roles with leaders, not measured here: an estimate, marked so",
          roles_lead is not None and "est." in roles_lead[4])
    f_est, key = rl.fit("roles+leaders", "workers")
    check("... rank 0 over its leaders costs what it costs over the farm's leaders",
          key == ("farm+leaders", "workers") and f_est is f0)

    # --- the command line on a made-up sweep ---------------------------------------------------
    sweep = work / "sweep"
    sweep.mkdir()
    default = model.Machine().on_one_node(2)
    tsv_head = ("file\tstudy\tmode\tlayout\tcores\tranks\tthreads\tnproc\toversubscribed\trepeat\texit\twall_s\t"
                "images\tsame_jsonl\tload1\trun_cpu_s\tothers_cpu\tcommand")
    points = [("threads-threads-c1", "threads", "threads", 1, 1, 1, DECODE),
              ("mpi-farm-c1", "mpi", "farm", 1, 2, 1, DECODE),
              ("mpi-farm-c2", "mpi", "farm", 2, 3, 1, DECODE),
              ("mpi-roles-c2", "mpi", "roles", 2, 3, 1, 2 * DECODE)]

    def make(factors, base=(1.0,)):
        """Each point's repeats at factors x the model's time (mpi-farm-c2: `factors`, the others 1.05;
        the baseline at `base` x its made-up time), the program's own times in /run wall_seconds."""
        for f in sweep.glob("*"):
            f.unlink()
        lines = [tsv_head]
        for name, mode, layout, cores, ranks, threads, dec in points:
            if mode == "threads":
                walls = [WALL * N * b for b in base]
            else:
                x = model.predict(layout, cores, w, default, read="rank0", variant="everywhere").throughput(N)
                walls = [N / x * f for f in (factors if name == "mpi-farm-c2" else (1.05,))]
            over = "-oversub" if ranks * threads > 2 else ""
            for rep, wall in enumerate(walls, 1):
                fname = f"{name}{'' if rep == 1 else f'-r{rep}'}{over}.h5"
                write_run(sweep / fname, photos, mode, layout, ranks, threads, wall, dec)
                lines.append(f"{fname}\tstrong\t{mode}\t{layout}\t{cores}\t{ranks}\t{threads}\t2\t"
                             f"{'yes' if over else 'no'}\t{rep}\t0\t{wall + 0.3:.3f}\t{N}\t-\t0.5\t{wall:.3f}\t0.02\tmock")
        (sweep / "sweep.tsv").write_text("\n".join(lines) + "\n")

    def run_model(*extra, command_line=False):
        # The curves to 256 cores (the efficiency table has its 64 to 16,384 whatever the curves' end).
        argv = [str(sweep), "--out", str(out), "--max-cores", "256", *extra]
        if command_line:
            # The script as a user runs it: its exit status is sys.exit(main()).
            res = subprocess.run([sys.executable, str(REPO / "analysis" / "model.py"), *argv], capture_output=True,
                                 text=True)
        else:
            # The same main() in this process, without the plot (checked once, above): a second a run less.
            stdout, stderr = io.StringIO(), io.StringIO()
            with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
                code = model.main(argv + ["--no-plot"])
            res = SimpleNamespace(returncode=code, stdout=stdout.getvalue(), stderr=stderr.getvalue())
        print(res.stdout[-1500:], res.stderr[-1500:])
        return res

    out = work / "out"
    make((1.05,))
    res = run_model(command_line=True)
    check("model.py on a sweep 5 % slower than the model: exit 0", res.returncode == 0)
    check("... writes model_prediction.png (a PNG)",
          (out / "model_prediction.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n")
    check("... and model.md with a validation row per point", (out / "model.md").read_text().count("| yes |") == 4)
    check("... and prints the +5.0 % errors (prediction over measured)", res.stdout.count("| +5.0 |") == 3)
    check("... says rank 0's cost is not from the ceiling benchmark (none in the folder)",
          "NOT from the ceiling benchmark" in (out / "model.md").read_text())
    check("... and prints the table to 16,384 cores with the limit",
          "16,384 cores |" in res.stdout and "| the limit, photos/s" in res.stdout)
    make((1.5, 1.52, 1.49))
    res = run_model()
    check("one point 50 % slower in three repeats that agree: exit 1, the model is off", res.returncode == 1)
    check("... naming it", "farm c2" in res.stderr and "the model is OFF" in res.stderr and "| NO |" in res.stdout)
    make((1.05, 1.5, 2.0))
    res = run_model()
    check("one point whose repeats disagree (1.05, 1.5, 2 x): exit 3, too noisy to validate, not off",
          res.returncode == 3)
    check("... saying so, with its spread", "TOO NOISY" in res.stderr and "farm c2" in res.stderr
          and "63%" in res.stderr and "the model is OFF" not in res.stderr)
    check("... and marking it NOISY in the table", "| NOISY |" in res.stdout)
    make((1.5, 1.52, 1.49), base=(1.0, 1.3, 0.9))
    res = run_model()
    check("a point off while the baseline's own repeats disagree: exit 3 (every prediction rests on them)",
          res.returncode == 3 and "the baseline's own repeats differ" in res.stderr)
    make((1.05,))
    ceiling_tsv(sweep / "rank0_ceiling.tsv")
    doc = work / "doc.md"
    names = ("sweep", "cost", "ceiling", "efficiency", "picks", "verdict", "other")
    doc.write_text("# A page\n\nText before.\n\n"
                   + "".join(f"<!-- model.py {n} -->\nold {n}\n<!-- /model.py {n} -->\n\nText after {n}.\n\n"
                             for n in names))
    res = run_model("--doc", str(doc))
    check("with the ceiling runs in the folder: every sweep point and ceiling group within: exit 0",
          res.returncode == 0 and "every sweep point and every ceiling group within" in res.stdout)
    page = doc.read_text()
    check("--doc: every block model.py knows rewritten (the sweep's points, a photo's cost, rank 0's fits, the "
          "efficiency to 16,384 cores, the picks, the verdict), the text around them kept",
          all(f"old {n}" not in page for n in names[:-1]) and "| threads | threads | 1 |" in page
          and "| decode | 20.00 (20.00-20.00) ms |" in page and "| farm, --read workers (auto) | 2.00" in page
          and "16,384 cores |" in page and "- 16,384 cores: " in page and "`model.py` exits 0: every sweep point"
          in page and page.startswith("# A page\n\nText before.\n\n")
          and all(f"Text after {n}." in page for n in names))
    check("--doc: a block it has no figures for is left as it was, and said", "old other" in page
          and "no figures for: other" in res.stdout)
    model.fill_doc(doc, {"cost": "new cost"})
    again = doc.read_text()
    check("--doc again: the same marks, the new figures in place of the old, nothing else changed",
          again == page.replace(page[page.index("<!-- model.py cost -->\n") + 23:page.index("<!-- /model.py cost -->")],
                                "\nnew cost\n\n"))
    ceiling_tsv(sweep / "rank0_ceiling.tsv", off=("farm", 9, 16))
    res = run_model()
    check("a ceiling group 50 % off whose repeats agree: exit 1, naming it",
          res.returncode == 1 and "ceiling farm -np 9 workers batch 16" in res.stderr)
    ceiling_tsv(sweep / "rank0_ceiling.tsv", off=("farm", 9, 16), spread=(1.0, 1.4, 0.7))
    res = run_model()
    check("... whose repeats disagree: exit 3", res.returncode == 3 and "TOO NOISY" in res.stderr)
    res = subprocess.run([sys.executable, str(REPO / "analysis" / "model.py"), str(work / "none")],
                         capture_output=True, text=True)
    check("model.py on a missing folder: exit 2", res.returncode == 2)

    shutil.rmtree(work, ignore_errors=True)
    print(f"{checks - len(failures)} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
