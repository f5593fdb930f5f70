#!/usr/bin/python3
"""Time photoscore against JPEG decoding alone and against the reference scorer.

    analysis/bench_speed.py FOLDER [--photoscore build/photoscore]
                            [--oracle /work/shared/reference/oracle.py]
                            [--memory-folders SMALL LARGE] [--repeat 3] [--skip-oracle]

Prints the speed ratios, each from whole-process times on one core
(`taskset -c 0`, `--mode threads --threads 1`):

  photoscore / decode   photoscore's time over decoding the same JPEGs alone
                        (`djpeg -dct int -outfile /dev/null`, one process per
                        JPEG, as libjpeg-turbo's own tool does it)   target <= 1.5
  oracle / photoscore   the reference Python scorer (run once) over photoscore
                        on the same folder                            target >= 15
  2-core speed-up       `--threads 1` on core 0 over `--threads 2` on cores 0-1
                                                                      target >= 1.8
  peak memory           photoscore's peak resident set, and above its start-up
                        footprint, in units of the largest decoded photo
                        (width x height x 3 bytes)
  calibrated / seed     images per second of --profile calibrated over the
                        seed's on the JPEGs, one core    target >= 2

The two profiles are timed in rounds, seed and calibrated back to back, the
order swapped every round (--profile-rounds, default 6), so that both see the
same machine: on a shared one a neighbour's job lands on both or on neither.
Each round gives a ratio of the two runs' images per second; the median of
those paired ratios is what the target is judged on, with the best of each
profile beside it. Every process also pays a fixed start-up (loading some
sixty shared libraries, opening and syncing the outputs: about 20 ms of CPU
and 45 ms of wall), measured the same way on a folder of one 8x8 JPEG and
taken off for the per-photo figures; on a folder of a dozen photos it is a
tenth of the calibrated run, so give it four dozen or more (the script says
so when start-up is over 5% of a calibrated run).

The decode baseline covers only JPEGs. When the folder also holds PNG, WebP,
TIFF or BMP files, photoscore is timed twice: on the JPEGs alone (linked into
a scratch folder; the honest ratio) and on the whole folder (mixed: its extra
decoding has no baseline here).

Fast commands run --repeat times (default 3) and the best wall time counts;
the oracle runs once. Each run's CPU time (user + sys, from wait4) is shown
too: on a shared, busy machine wall time includes waiting for a core, and the
CPU-time ratio is the steadier figure.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from statistics import median

EXTENSIONS = {".jpg", ".jpeg", ".png", ".bmp", ".tiff", ".webp"}
JPEG_MAGIC = b"\xff\xd8\xff"


def run(cmd, env=None, stdout=subprocess.DEVNULL):
    """Runs cmd; returns (wall seconds, cpu seconds, peak RSS bytes) of that one process tree's leader."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=stdout, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    proc.returncode = os.waitstatus_to_exitcode(status)
    # photoscore exits 1 when some file had an error row under --fail-on-errors: still a timed run.
    if proc.returncode not in (0, 1):
        sys.exit(f"bench_speed: {' '.join(map(str, cmd))} failed ({proc.returncode}):\n{err}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * 1024


def best_of_runs(runs):
    """The best wall and CPU seconds and the highest peak RSS of several run() results."""
    return min(r[0] for r in runs), min(r[1] for r in runs), max(r[2] for r in runs)


def best_of(n, cmd, env=None):
    return best_of_runs([run(cmd, env) for _ in range(n)])


def profile_rounds(binary, folder, bare, tmp, count):
    """Seed and calibrated on `folder` and on `bare`, one core, back to back, the order swapped every round."""
    rounds = []
    for i in range(count):
        order = [("seed", None), ("calibrated", "calibrated")]
        if i % 2:
            order.reverse()
        r = {}
        for name, profile in order:
            r["bare " + name] = run(photoscore_cmd(binary, bare, tmp, 1, "0", profile))
            r[name] = run(photoscore_cmd(binary, folder, tmp, 1, "0", profile))
        rounds.append(r)
    return rounds


def photos_of(folder):
    files = sorted(f for f in folder.iterdir() if f.is_file() and f.suffix.lower() in EXTENSIONS)
    jpegs = []
    for f in files:
        with open(f, "rb") as fh:
            if fh.read(3) == JPEG_MAGIC:
                jpegs.append(f)
    return files, jpegs


def largest_image_bytes(files):
    """Largest width x height x 3 in the folder, from the image headers."""
    try:
        from PIL import Image
    except ImportError:
        return None, None
    best, name = 0, None
    for f in files:
        try:
            with Image.open(f) as im:
                w, h = im.size
        except Exception:
            continue
        if w * h * 3 > best:
            best, name = w * h * 3, f"{f.name} ({w}x{h})"
    return best, name


def megapixels(files):
    try:
        from PIL import Image
    except ImportError:
        return None
    total = 0
    for f in files:
        try:
            with Image.open(f) as im:
                total += im.size[0] * im.size[1]
        except Exception:
            pass
    return total / 1e6


def photoscore_cmd(binary, folder, out, threads, cores, profile=None):
    extra = ["--profile", profile] if profile else []
    return ["taskset", "-c", cores, str(binary), "--mode", "threads", "--threads", str(threads), "--quiet",
            "--jsonl", str(out / "bench.jsonl"), "--h5", str(out / "bench.h5"), "--force"] + extra + [str(folder)]


def link_folder(files, into):
    into.mkdir(parents=True, exist_ok=True)
    for f in files:
        target = into / f.name
        try:
            os.link(f, target)
        except OSError:
            os.symlink(f.resolve(), target)
    return into


def fmt_ratio(value, target, more_is_better):
    ok = value >= target if more_is_better else value <= target
    return f"{value:6.2f}   (target {'>=' if more_is_better else '<='} {target}: {'met' if ok else 'NOT met'})"


def main():
    parser = argparse.ArgumentParser(prog="bench_speed.py", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path, help="folder of photos to time")
    parser.add_argument("--photoscore", type=Path, default=Path("build/photoscore"), help="binary (default build/photoscore)")
    parser.add_argument("--oracle", type=Path, default=Path("/work/shared/reference/oracle.py"),
                        help="reference scorer (default /work/shared/reference/oracle.py)")
    parser.add_argument("--skip-oracle", action="store_true", help="do not run the oracle (it takes minutes)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each fast command; the best counts (default 3)")
    parser.add_argument("--profile-rounds", type=int, default=6,
                        help="interleaved rounds of seed and calibrated (default 6)")
    parser.add_argument("--memory-folders", type=Path, nargs="*", default=[],
                        help="more folders (e.g. a small and a large one) to measure photoscore's peak memory on")
    parser.add_argument("--tjbench", type=float, metavar="SECONDS", default=0.0,
                        help="also time each JPEG's decoding in-process with tjbench for this long (e.g. 0.3): "
                             "the floor with warm caches and no process start, stricter than djpeg")
    parser.add_argument("--json", type=Path, help="also write every figure to this JSON file")
    args = parser.parse_args()

    if not args.photoscore.exists():
        parser.error(f"no photoscore binary at {args.photoscore}")
    for tool in ("taskset", "djpeg"):
        if not shutil.which(tool):
            parser.error(f"{tool} not found (util-linux, libjpeg-turbo-progs)")
    files, jpegs = photos_of(args.folder)
    if not jpegs:
        parser.error(f"no JPEGs in {args.folder}")
    mixed = len(files) > len(jpegs)
    binary = args.photoscore.resolve()
    results = {"folder": str(args.folder), "photos": len(files), "jpegs": len(jpegs), "repeat": args.repeat}
    one_core_env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")

    print(f"folder {args.folder}: {len(files)} photos, {len(jpegs)} JPEG "
          f"({megapixels(jpegs) or 0:.1f} MP of JPEG, {megapixels(files) or 0:.1f} MP in all)")
    print(f"machine: {os.cpu_count()} cores; load average {os.getloadavg()[0]:.2f} at start")
    with tempfile.TemporaryDirectory(prefix="bench_speed_") as tmp:
        tmp = Path(tmp)
        jpeg_folder = link_folder(jpegs, tmp / "jpeg_only") if mixed else args.folder

        # Decode alone: every JPEG through djpeg in one shell on core 0.
        script = 'for f in "$@"; do djpeg -dct int -outfile /dev/null "$f" || exit 1; done'
        decode_cmd = ["taskset", "-c", "0", "sh", "-c", script, "sh"] + [str(f) for f in jpegs]
        decode = best_of(args.repeat, decode_cmd)
        # What the per-file process starts add to that baseline, for the record.
        start_cmd = ["taskset", "-c", "0", "sh", "-c", 'for f in "$@"; do djpeg -version 2>/dev/null; done', "sh"] + \
            [str(f) for f in jpegs]
        starts = best_of(args.repeat, start_cmd)

        # --profile calibrated against the seed on the same JPEGs, one core,
        # in this same run (scaled decoding: the goal is 2x the seed's
        # images/s), in interleaved rounds; and each on a folder of one 8x8
        # JPEG (made with cjpeg), the process start-up, the same way.
        bare = tmp / "bare"
        bare.mkdir()
        (tmp / "gray.ppm").write_bytes(b"P6\n8 8\n255\n" + bytes([128]) * 192)
        with open(bare / "bare.jpg", "wb") as fh:
            subprocess.run(["cjpeg", str(tmp / "gray.ppm")], stdout=fh, check=True)
        rounds = profile_rounds(binary, jpeg_folder, bare, tmp, max(1, args.profile_rounds))
        one = best_of_runs([r["seed"] for r in rounds])
        calibrated = best_of_runs([r["calibrated"] for r in rounds])
        bare_seed = best_of_runs([r["bare seed"] for r in rounds])
        bare_cal = best_of_runs([r["bare calibrated"] for r in rounds])
        two = best_of(args.repeat, photoscore_cmd(binary, jpeg_folder, tmp, 2, "0,1"))
        whole = best_of(args.repeat, photoscore_cmd(binary, args.folder, tmp, 1, "0")) if mixed else one
        # Start-up footprint: a folder holding one tiny photo.
        tiny = tmp / "tiny"
        tiny.mkdir()
        smallest = min(jpegs, key=lambda f: f.stat().st_size)
        link_folder([smallest], tiny)
        idle = best_of(1, photoscore_cmd(binary, tiny, tmp, 1, "0"))

        tj = None
        if args.tjbench > 0 and shutil.which("tjbench"):
            tj = 0.0
            for f in jpegs:
                out = subprocess.run(["taskset", "-c", "0", "tjbench", str(f), "-benchtime", str(args.tjbench),
                                      "-warmup", "0", "-rgb", "-quiet", "-nowrite"],
                                     capture_output=True, text=True, check=True).stdout
                # The one result row: ... Width Height Xform Comp Decomp(Mpixels/s).
                row = [line.split() for line in out.splitlines() if line.startswith("RGB")][-1]
                tj += int(row[-5]) * int(row[-4]) / 1e6 / float(row[-1])

        oracle = None
        if not args.skip_oracle:
            print("running the oracle once (minutes) ...", flush=True)
            oracle = run(["taskset", "-c", "0", "/usr/bin/python3", str(args.oracle), str(args.folder)], env=one_core_env)

        memory = []
        for folder in [args.folder] + list(args.memory_folders):
            mfiles, _ = photos_of(folder)
            image_bytes, image_name = largest_image_bytes(mfiles)
            for threads, cores in ((1, "0"), (2, "0,1")):
                peak = run(photoscore_cmd(binary, folder, tmp, threads, cores))[2]
                memory.append({"folder": str(folder), "photos": len(mfiles), "threads": threads, "peak_rss": peak,
                               "above_start": peak - idle[2], "largest_image": image_name,
                               "largest_image_bytes": image_bytes})

    def line(name, r):
        return f"  {name:44s} wall {r[0]:8.3f} s   cpu {r[1]:8.3f} s   peak RSS {r[2] / 2**20:7.1f} MiB"

    print("\ntimes (best of %d; oracle once):" % args.repeat)
    print(line(f"decode only: djpeg x {len(jpegs)} (core 0)", decode))
    print(line(f"  of which {len(jpegs)} djpeg process starts", starts))
    label = "JPEGs only" if mixed else "folder"
    print(line(f"photoscore --threads 1 (core 0), {label}", one))  # best of the profile rounds
    print(line(f"photoscore --threads 2 (cores 0,1), {label}", two))
    print(line(f"photoscore --profile calibrated --threads 1 (core 0), {label}", calibrated))
    if mixed:
        print(line("photoscore --threads 1 (core 0), whole folder", whole))
    print(line("photoscore start-up (the smallest photo)", idle))
    print(line("photoscore start-up (one 8x8 JPEG), seed", bare_seed))
    print(line("photoscore start-up (one 8x8 JPEG), calibrated", bare_cal))
    if tj is not None:
        print(f"  {'decode in-process: tjbench, summed':44s} wall {tj:8.3f} s   (warm caches, no process starts)")
    if oracle:
        print(line("oracle (core 0), whole folder", oracle))

    print("\nratios:")
    r_decode = one[0] / decode[0]
    print(f"  photoscore / decode ({label}), wall:          " + fmt_ratio(r_decode, 1.5, False))
    print(f"  photoscore / decode ({label}), cpu:           " + fmt_ratio(one[1] / decode[1], 1.5, False))
    if tj is not None:
        print(f"  photoscore / tjbench decode ({label}), wall:  {one[0] / tj:6.2f}   (stricter: in-process decode)")
    if mixed:
        print(f"  photoscore / decode (whole mixed folder), wall: {whole[0] / decode[0]:6.2f}   "
              "(non-JPEG decoding has no baseline)")
    if oracle:
        print(f"  oracle / photoscore (whole folder), wall:      " + fmt_ratio(oracle[0] / whole[0], 15, True))
    print(f"  2-core speed-up (threads 1 / threads 2), wall: " + fmt_ratio(one[0] / two[0], 1.8, True))
    print(f"  (2 threads used {two[1] / one[1]:.2f}x the CPU time of 1; load average now "
          f"{os.getloadavg()[0]:.2f}: with other work on the machine the speed-up is not measurable)")
    n = len(jpegs)
    print(f"\ncalibrated against seed, {n} JPEGs, one core (core 0, --threads 1), {len(rounds)} interleaved rounds:")
    print(f"  {'':36s}{'seed':>16s}{'calibrated':>18s}   ratio")
    print(f"  {'':36s}{'best  median':>16s}{'best  median':>18s}   paired median, best of each")
    profile_figures = {}
    for i, what in ((0, "wall"), (1, "cpu")):
        seed_ips = [n / r["seed"][i] for r in rounds]
        cal_ips = [n / r["calibrated"][i] for r in rounds]
        paired = median([c / s_ for s_, c in zip(seed_ips, cal_ips)])
        best = max(cal_ips) / max(seed_ips)
        print(f"  {'images per second, ' + what:36s}{max(seed_ips):8.2f}{median(seed_ips):8.2f}  "
              f"{max(cal_ips):8.2f}{median(cal_ips):8.2f}   {paired:5.2f}  {best:5.2f}")
        # Per photo less the start-up measured in the same round.
        seed_each = [(r["seed"][i] - r["bare seed"][i]) / n for r in rounds]
        cal_each = [(r["calibrated"][i] - r["bare calibrated"][i]) / n for r in rounds]
        paired_each = median([s_ / c for s_, c in zip(seed_each, cal_each)])
        print(f"  {'ms a photo less start-up, ' + what:36s}{min(seed_each) * 1000:8.1f}{median(seed_each) * 1000:8.1f}  "
              f"{min(cal_each) * 1000:8.1f}{median(cal_each) * 1000:8.1f}   {paired_each:5.2f}  "
              f"{min(seed_each) / min(cal_each):5.2f}")
        profile_figures[what] = {"paired": paired, "best": best, "per_photo_paired": paired_each,
                                 "seed_ips": seed_ips, "calibrated_ips": cal_ips}
    startup_share = median([r["bare calibrated"][0] / r["calibrated"][0] for r in rounds])
    print(f"  start-up (one 8x8 JPEG): wall {bare_seed[0] * 1000:.0f} / {bare_cal[0] * 1000:.0f} ms, "
          f"cpu {bare_seed[1] * 1000:.0f} / {bare_cal[1] * 1000:.0f} ms (seed / calibrated), "
          f"{startup_share:.0%} of a calibrated run")
    if startup_share > 0.05:
        print("  (start-up is over 5% of a calibrated run: the whole-run ratio understates the per-photo one; "
              "time a folder of more photos)")
    print("  calibrated / seed images per second, wall:    " + fmt_ratio(profile_figures["wall"]["paired"], 2.0, True))
    print("  calibrated / seed images per second, cpu:     " + fmt_ratio(profile_figures["cpu"]["paired"], 2.0, True))

    print("\npeak memory:")
    for m in memory:
        image = m["largest_image_bytes"]
        rel = f"{m['peak_rss'] / image:5.2f}x, above start-up {m['above_start'] / image:5.2f}x" if image else "n/a"
        print(f"  {m['folder']} ({m['photos']} photos), --threads {m['threads']}: peak RSS "
              f"{m['peak_rss'] / 2**20:7.1f} MiB = {rel} the largest decoded photo "
              f"({(image or 0) / 2**20:.1f} MiB, {m['largest_image']})")
    print(f"  start-up footprint: {idle[2] / 2**20:.1f} MiB")

    print("\ncommands:")
    print("  decode:     " + " ".join(decode_cmd[:6]) + " <each JPEG>")
    print("  photoscore: " + " ".join(photoscore_cmd(binary, "FOLDER", Path("OUT"), 1, "0")))
    if oracle:
        print(f"  oracle:     taskset -c 0 /usr/bin/python3 {args.oracle} {args.folder}")

    results.update({
        "decode": decode, "djpeg_starts": starts, "photoscore_1": one, "photoscore_2": two, "photoscore_whole": whole,
        "startup": idle, "oracle": oracle, "memory": memory, "tjbench": tj,
        "ratio_decode_wall": r_decode, "ratio_decode_cpu": one[1] / decode[1],
        "ratio_oracle": oracle[0] / whole[0] if oracle else None, "speedup_2": one[0] / two[0],
        "calibrated": calibrated, "profile_rounds": rounds, "calibrated_vs_seed": profile_figures})
    if args.json:
        args.json.write_text(json.dumps(results, indent=1) + "\n")


if __name__ == "__main__":
    main()
