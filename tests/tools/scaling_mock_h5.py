#!/usr/bin/python3
"""Writes a made-up strong-scaling sweep for tests/e2e/test_scaling.sh: HDF5 files in
photoscore's schema (/scores, /run, /timing/ranks, /timing/images) with chosen
wall times, plus the sweep.tsv and sweep_info_strong.txt of jobs/strong_scaling.sh,
so that analysis/scaling.py's figures can be checked against known numbers.

  tests/tools/scaling_mock_h5.py DIR

The machine is said to have 2 cores. Runs (100 images each); the program's own times (/run
wall_seconds) are below, the whole command (sweep.tsv wall_s) takes 0.3 s more (the start-up gap):
  threads c1: 10, 12, 9 (three repeats; end to end 10.3, 12.3, 9.3: median 10.3 -> 9.71 images/s,
              the baseline; spread (12.3 - 9.3) / 10.3 = 29 %: NOISY; the 12 s repeat ran at load
              3.5 with others using 45 % of the cores)
  threads c2: 5.5   -> end to end 5.8: speed-up 1.78, efficiency 0.89
  threads c4: 3.125 -> 3.425: 3.01, 0.75, oversubscribed (4 threads > 2 cores)
  roles   c1: 12.5 (2 ranks) -> 12.8: 0.80, 0.80;  roles c2: 6.25 (3 ranks, oversubscribed) -> 6.55: 1.57, 0.79
              (one repeat, which ran while other processes used 40 % of the cores: BUSY)
  farm    c1: 10 (2 ranks)   -> 10.3: 1.00, 1.00;  farm  c2: 4.8 (3 ranks, oversubscribed) -> 5.1: 2.02, 1.01
              (above 1, but within the noise: the baseline spreads 29 %)
and one failed run (farm c4, exit 3, no file). In farm c2 worker 2 works 0.8 of what worker 1
does (busy 4.56 and 3.696 s: imbalance 4.56 / 4.128 - 1 = 10 %); every rank's CPU seconds are its busy seconds x 0.9, rank 0's
a tenth of its wall.
"""
import sys
from pathlib import Path

import h5py
import numpy as np

ANALYZERS = ["sharpness", "exposure", "composition"]
IMAGES = 100
NPROC = 2
STR = h5py.string_dtype()

RUNS = [  # name, mode, layout, cores, ranks, threads, wall, repeat
    ("threads-threads-c1.h5", "threads", "threads", 1, 1, 1, 10.0, 1),
    ("threads-threads-c1-r2.h5", "threads", "threads", 1, 1, 1, 12.0, 2),
    ("threads-threads-c1-r3.h5", "threads", "threads", 1, 1, 1, 9.0, 3),
    ("mpi-roles-c1.h5", "mpi", "roles", 1, 2, 1, 12.5, 1),
    ("mpi-farm-c1.h5", "mpi", "farm", 1, 2, 1, 10.0, 1),
    ("threads-threads-c2.h5", "threads", "threads", 2, 1, 2, 5.5, 1),
    ("mpi-roles-c2-oversub.h5", "mpi", "roles", 2, 3, 1, 6.25, 1),
    ("mpi-farm-c2-oversub.h5", "mpi", "farm", 2, 3, 1, 4.8, 1),
    ("threads-threads-c4-oversub.h5", "threads", "threads", 4, 1, 4, 3.125, 1),
]


def scores():
    fields = [("filename", STR), ("quality_score", "f8"), ("verdict", STR)]
    for a in ANALYZERS:
        fields += [(f"{a}_score", "f8"), (f"{a}_verdict", STR)]
    fields += [("width", "i4"), ("height", "i4"), ("path", STR), ("status", STR), ("error", STR)]
    rows = np.zeros(IMAGES, dtype=fields)
    for i in range(IMAGES):
        rows[i]["filename"] = f"w{i:04d}.jpg"
        rows[i]["quality_score"] = (i % 10) / 10
        rows[i]["verdict"] = "maybe"
        for a in ANALYZERS:
            rows[i][f"{a}_score"] = 0.5
            rows[i][f"{a}_verdict"] = "good"
        rows[i]["width"], rows[i]["height"] = 4000, 3000
        rows[i]["path"] = f"/photos/w{i:04d}.jpg"
        rows[i]["status"] = "ok"
        rows[i]["error"] = ""
    return rows


def ranks_table(mode, layout, ranks, threads, wall):
    fields = [("rank", "i4"), ("role", STR), ("host", STR), ("wall", "f8"), ("read", "f8"), ("comm", "f8"),
              ("wait", "f8"), ("decode", "f8")] + [(f"analyze_{a}", "f8") for a in ANALYZERS] + \
             [("analyze", "f8"), ("merge", "f8"), ("write", "f8"), ("other", "f8"), ("cpu", "f8"), ("images", "i8")]
    rows = np.zeros(ranks, dtype=fields)
    for r in range(ranks):
        row = rows[r]
        row["rank"], row["host"], row["wall"] = r, "mockhost", wall
        if mode == "threads":
            row["role"] = "threads"
            busy = wall * threads  # stage seconds summed over the threads
            row["read"], row["decode"] = 0.05 * busy, 0.45 * busy
            for k, a in enumerate(ANALYZERS):
                row[f"analyze_{a}"] = (0.1, 0.05, 0.3)[k] * busy
            row["write"] = 0.02 * busy
            row["images"] = IMAGES
        elif r == 0:
            row["role"] = "source+merger"
            row["read"], row["comm"], row["merge"], row["write"] = 0.05 * wall, 0.1 * wall, 0.01 * wall, 0.02 * wall
            row["wait"] = 0.8 * wall
            row["images"] = IMAGES
        else:
            row["role"] = "worker" if layout == "farm" else "analyzer[sharpness,exposure,composition]"
            f = 0.8 if (layout == "farm" and r == 2) else 1.0  # farm c2: worker 2 works less
            row["comm"], row["decode"] = 0.05 * wall * f, 0.4 * wall * f
            row["wait"] = 0.05 * wall + (1 - f) * 0.9 * wall
            for k, a in enumerate(ANALYZERS):
                row[f"analyze_{a}"] = (0.1, 0.05, 0.3)[k] * wall * f
            row["images"] = IMAGES // (ranks - 1)
        row["analyze"] = sum(row[f"analyze_{a}"] for a in ANALYZERS)
        stages = sum(row[k] for k in ("read", "comm", "wait", "decode", "analyze", "merge", "write"))
        row["other"] = wall * (threads if mode == "threads" else 1) - stages
        busy = wall * (threads if mode == "threads" else 1) - row["wait"]
        row["cpu"] = 0.1 * wall if (mode != "threads" and r == 0) else 0.9 * busy
    return rows


def write_run(path, name, mode, layout, ranks, threads, wall):
    with h5py.File(path / name, "w") as f:
        f.create_dataset("scores", data=scores())
        run = f.create_group("run")
        for key, value in [("photoscore_version", "1.0.0"), ("git_hash", "mock"), ("command_line", f"mock {name}"),
                           ("input_dir", "/photos"), ("mode", mode), ("layout", layout), ("hostname", "mockhost"),
                           ("start_time", "2026-01-01T00:00:00Z"), ("end_time", "2026-01-01T00:00:10Z"),
                           ("plan", "mock"), ("shard", ""), ("slurm_job_id", "")]:
            run.attrs.create(key, value, dtype=STR)
        run.attrs["ranks"] = np.int32(ranks)
        run.attrs["threads_per_rank"] = np.int32(threads)
        run.attrs["wall_seconds"] = float(wall)
        run.attrs["images"] = np.int64(IMAGES)
        run.attrs["errors"] = np.int64(0)
        run.attrs.create("hosts", np.array(["mockhost"], dtype=object), dtype=STR)
        run.attrs.create("analyzers", np.array(ANALYZERS, dtype=object), dtype=STR)
        run.attrs["weights"] = np.array([0.4, 0.4, 0.2])
        run.attrs["thresholds"] = np.array([0.5, 0.3])
        timing = f.create_group("timing")
        timing.create_dataset("ranks", data=ranks_table(mode, layout, ranks, threads, wall))
        images = np.zeros(IMAGES, dtype=[("index", "i8"), ("filename", STR), ("ranks", STR), ("read", "f8"),
                                         ("decode", "f8")] + [(f"analyze_{a}", "f8") for a in ANALYZERS] +
                          [("latency", "f8")])
        images["index"] = np.arange(IMAGES)
        images["filename"] = [f"w{i:04d}.jpg" for i in range(IMAGES)]
        images["ranks"] = "0"
        timing.create_dataset("images", data=images)


def main():
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    tsv = ["\t".join(["file", "study", "mode", "layout", "cores", "ranks", "threads", "nproc", "oversubscribed",
                      "repeat", "exit", "wall_s", "images", "same_jsonl", "load1", "run_cpu_s", "others_cpu",
                      "command"])]
    for name, mode, layout, cores, ranks, threads, wall, repeat in RUNS:
        write_run(out, name, mode, layout, ranks, threads, wall)
        over = "yes" if ranks * threads > NPROC else "no"
        load1, others = {"threads-threads-c1-r2.h5": (3.5, 0.45), "mpi-roles-c2-oversub.h5": (2.0, 0.40)}.get(
            name, (0.5, 0.02))
        tsv.append("\t".join(map(str, [name, "strong", mode, layout, cores, ranks, threads, NPROC, over, repeat, 0,
                                       round(wall + 0.3, 3), IMAGES, "yes", load1, round(wall * 0.9, 3), others,
                                       f"mock {name}"])))
    tsv.append("\t".join(["mpi-farm-c4-oversub.h5", "strong", "mpi", "farm", "4", "5", "1", "2", "yes", "1", "3",
                          "0.5", "0", "-", "0.5", "0.1", "0.0", "mock failed run"]))
    (out / "sweep.tsv").write_text("\n".join(tsv) + "\n")
    (out / "sweep_info_strong.txt").write_text(
        "date: 2026-01-01T00:00:00Z\nhost: mockhost\nnproc: 2\ncpu: Mock CPU\nphotoscore: photoscore 1.0.0 (mock)\n"
        "slurm_job_id: \nsettings: mock\n")


if __name__ == "__main__":
    main()
