#!/usr/bin/python3
"""What decoding in helper processes costs a photo.

    analysis/bench_decoders.py [--photoscore build/photoscore] [--photos tests/data/photos]
                               [--rounds 3] [--count 6] [--keep DIR]

Builds three folders of realistic photos: camera RAWs scored from their
embedded 24 MP preview, camera RAWs demosaiced (12 MP sensor) and 12 MP
HEICs (heif-enc), --count of each. Each folder is scored on one core
(`taskset -c 0`, `--threads 1 --quiet`, the default memory budget) with
`--decoders in-process` and with the default `--decoders isolated`, the
two back to back and in swapped order every round (--rounds), so that both
see the same machine, and both on the whole folder and on its first photo
alone. Times are CPU seconds (user + system) of photoscore and its helpers
(reaped at its end, so counted in its wait4), the steadier figure on a
shared machine; wall seconds are printed beside them. For each folder, the
median over rounds of

  per photo     what a helper costs each photo once running: the isolated
                run's extra time on the whole folder less its extra time on
                one photo, per further photo (copying the bytes over and
                the pixels back, the requests, the witness's second reading
                of a RAW's metadata, the header probe for the memory budget)
  decode        the in-process run's decode seconds per photo after the
                first (median, the HDF5 file's /timing/images)
  cost          the first over the second                    target < 5 %
  once          the isolated run's extra time on one photo: starting the
                helpers (two, decoder and witness) and their first photo,
                whose buffers and shared pages are new; paid once per
                decoding thread, not per photo

Needs Debian's python3 (numpy, PIL, h5py) and heif-enc.
"""
import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from statistics import median

import h5py
import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "tools"))
import make_dng  # noqa: E402


def scene(photos, width, height):
    """A photo-like picture of width x height: a real photo upscaled, with
    fine noise so that no encoder gets it for free."""
    base = Image.open(Path(photos) / "astronaut.png").convert("RGB").resize((width, height), Image.BICUBIC)
    noise = np.random.default_rng(22).integers(-6, 7, (height, width, 3))
    return Image.fromarray(np.clip(np.asarray(base, dtype=np.int16) + noise, 0, 255).astype(np.uint8))


def build(photos, root, count):
    folders = {}
    raw = root / "raw_preview"
    raw.mkdir()
    data = make_dng.dng_bytes(scene(photos, 6000, 4000), "full")
    for i in range(count):
        (raw / f"p{i}.dng").write_bytes(data)
    folders["RAW, 24 MP preview"] = raw
    demosaic = root / "raw_demosaic"
    demosaic.mkdir()
    data = make_dng.dng_bytes(scene(photos, 4240, 2832), "thumb")
    for i in range(count):
        (demosaic / f"d{i}.dng").write_bytes(data)
    folders["RAW, 12 MP demosaiced"] = demosaic
    heic = root / "heic"
    heic.mkdir()
    scene(photos, 4032, 3024).save(root / "h.png")
    subprocess.run(["heif-enc", "-q", "80", str(root / "h.png"), "-o", str(heic / "h0.heic")], check=True,
                   stdout=subprocess.DEVNULL)
    for i in range(1, count):
        shutil.copy(heic / "h0.heic", heic / f"h{i}.heic")
    folders["HEIC, 12 MP"] = heic
    return folders


def run(photoscore, folder, decoders, out):
    """(CPU seconds, wall seconds) of one run of photoscore and its helpers,
    and the decode seconds of its photos after the first (/timing/images)."""
    jsonl, h5 = out / "r.jsonl", out / "r.h5"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(["taskset", "-c", "0", photoscore, "--threads", "1", "--quiet", "--force", "--decoders",
                    decoders, "--jsonl", str(jsonl), "--h5", str(h5), str(folder)], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if b'"status":"error"' in jsonl.read_bytes():
        sys.exit(f"bench_decoders: {folder}: a photo did not decode")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    with h5py.File(h5, "r") as f:
        decodes = [float(x) for x in f["timing/images"]["decode"][1:]]
    return cpu, wall, decodes


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photoscore", default="build/photoscore")
    parser.add_argument("--photos", default=str(Path(__file__).resolve().parent.parent / "tests/data/photos"))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--count", type=int, default=6)
    parser.add_argument("--keep", help="build the photos here (or reuse them) and keep them")
    args = parser.parse_args()
    photoscore = os.path.abspath(args.photoscore)
    root = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench_decoders."))
    root.mkdir(parents=True, exist_ok=True)
    out = root / "out"
    out.mkdir(exist_ok=True)
    try:
        names = {"RAW, 24 MP preview": "raw_preview", "RAW, 12 MP demosaiced": "raw_demosaic",
                 "HEIC, 12 MP": "heic"}
        if not (root / "heic").exists():
            build(args.photos, root, args.count)
        print(f"{'photos':<22} {'per photo':>19} {'decode':>19} {'cost':>7} {'once':>19}")
        print(f"{'':<22} {'CPU ms (wall)':>19} {'ms':>19} {'':>7} {'CPU ms (wall)':>19}")
        for name, sub in names.items():
            folder = root / sub
            photos = sorted(folder.iterdir())
            first = root / (sub + "_first")
            if not first.exists():
                first.mkdir()
                os.link(photos[0], first / photos[0].name)
            n = len(photos)
            per, decode, once = [], [], []
            for r in range(args.rounds):
                order = ["in-process", "isolated"] if r % 2 == 0 else ["isolated", "in-process"]
                whole = {d: run(photoscore, folder, d, out) for d in order}
                single = {d: run(photoscore, first, d, out) for d in order}
                further = {d: [(whole[d][k] - single[d][k]) / (n - 1) for k in (0, 1)] for d in order}
                per.append([further["isolated"][k] - further["in-process"][k] for k in (0, 1)])
                decode.append([median(whole["in-process"][2])] * 2)
                once.append([single["isolated"][k] - single["in-process"][k] for k in (0, 1)])

            def ms(values, wall=True):
                text = f"{median(v[0] for v in values) * 1000:>8.1f}"
                return text + (f" ({median(v[1] for v in values) * 1000:>6.1f})" if wall else " " * 9)

            cost = median(v[0] for v in per) / median(v[0] for v in decode)
            print(f"{name + f' (x{n})':<22} {ms(per):>19} {ms(decode, False):>19} {cost * 100:>6.1f}% {ms(once):>19}")
    finally:
        if not args.keep:
            shutil.rmtree(root)


if __name__ == "__main__":
    main()
