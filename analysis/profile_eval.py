#!/usr/bin/python3
"""Degradation series: do the seed and calibrated profiles rank photos the way people would?

    /usr/bin/python3 analysis/profile_eval.py PHOTO [PHOTO ...] [--photoscore build/photoscore]
                                              [--out docs/profiles] [--work DIR]

For each photo it makes degraded copies (all saved as JPEG quality 95, the
original too, so every copy went through the same encoder):

  blur        Gaussian blur, sigma 1..9 pixels of the photo
  jpeg        JPEG quality 90..10 (the original: quality 95)
  darken      brightness x0.9..0.1        brighten   brightness x1.1..1.9
  noise       Gaussian noise, sigma 3, 6, 10, 15, 20, 30 gray levels
  resolution  area downscales 1/2, 1/4, 1/8
  dof         synthetic shallow depth of field: a sharp ellipse in the middle
              (a third of each side), the rest blurred at sigma 2, 4, 6, 8
  contrast    contrast reduced around the photo's mean gray: x0.7, 0.5, 0.35, 0.25
  darkblur    the blur series' sigma 1, 2, 3, 5, 9, each then darkened x0.35

scores every series with `photoscore --profile seed` and `--profile
calibrated`, and reports per series and profile: Spearman's rank
correlation between degradation level (0 = original) and quality score (and
sharpness's laplacian_var for blur), and the inversions: degraded copies
scored at or above their original. Then it checks the claims of
docs/profiles.md (PASS/FAIL lines) and draws the curves, seed and calibrated
side by side, to OUT/SERIES.png, with the table in OUT/eval.md.

Large real photos: Debian's mate-backgrounds ships a 17.9 MP photograph
(/usr/share/backgrounds/mate/abstract/Elephants_5640x3172.jpg) and 4 MP
nature photos with shallow depth of field (mate/nature/LadyBird.jpg,
TwoWings.jpg). Needs python3-numpy, python3-scipy, python3-pil and
python3-matplotlib.
"""
import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image, ImageFilter
from scipy.stats import spearmanr

SERIES = {
    "blur": [1, 2, 3, 4, 5, 6, 7, 8, 9],
    "jpeg": [90, 80, 70, 60, 50, 40, 30, 20, 10],
    "darken": [0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1],
    "brighten": [1.1, 1.2, 1.3, 1.4, 1.5, 1.6, 1.7, 1.8, 1.9],
    "noise": [3, 6, 10, 15, 20, 30],
    "resolution": [2, 4, 8],
    "dof": [2, 4, 6, 8],
    "contrast": [0.7, 0.5, 0.35, 0.25],
    "darkblur": [1, 2, 3, 5, 9],
}
# Darkened copies down to this gain keep their original's sharpness verdict
# (a claim: focus means focus, not exposure); below it the 8-bit levels and
# the JPEG encoder take the detail itself.
KEEPS_VERDICT_DOWN_TO = 0.3
RANKED_FOCUS = 100
DARKBLUR_GAIN = 0.35
PROFILES = ("seed", "calibrated")


def scale(img, factor):
    a = np.asarray(img, dtype=np.float32) * factor
    return Image.fromarray(np.clip(a + 0.5, 0, 255).astype(np.uint8))


def sharpest_point(img):
    """Centre of the most detailed third-by-third window: the subject the synthetic depth of field keeps sharp."""
    from scipy.ndimage import laplace, uniform_filter
    f = max(1, max(img.size) // 512)
    small = np.asarray(img.reduce(f).convert("L"), dtype=np.float64)
    energy = uniform_filter(laplace(small) ** 2, size=(max(1, small.shape[0] // 3), max(1, small.shape[1] // 3)))
    y, x = np.unravel_index(np.argmax(energy), energy.shape)
    return y * img.height / small.shape[0], x * img.width / small.shape[1]


def degrade(img, series, level, rng):
    """The copy of `img` at `level` of `series`, and the JPEG quality to save it at."""
    if series == "blur":
        return img.filter(ImageFilter.GaussianBlur(level)), 95
    if series == "jpeg":
        return img, level
    if series in ("darken", "brighten"):
        return scale(img, level), 95
    if series == "noise":
        a = np.asarray(img, dtype=np.float32) + rng.normal(0.0, level, (img.height, img.width, 1)).astype(np.float32)
        return Image.fromarray(np.clip(a + 0.5, 0, 255).astype(np.uint8)), 95
    if series == "contrast":
        a = np.asarray(img, dtype=np.float32)
        m = float(a.mean())
        return Image.fromarray(np.clip(m + level * (a - m) + 0.5, 0, 255).astype(np.uint8)), 95
    if series == "darkblur":
        return scale(img.filter(ImageFilter.GaussianBlur(level)), DARKBLUR_GAIN), 95
    if series == "resolution":
        return img.resize((max(1, img.width // level), max(1, img.height // level)), Image.BOX), 95
    if series == "dof":
        h, w = img.height, img.width
        cy, cx = sharpest_point(img)
        yy, xx = np.ogrid[:h, :w]
        inside = ((yy - cy) / (h / 6)) ** 2 + ((xx - cx) / (w / 6)) ** 2 <= 1.0
        soft = np.asarray(img.filter(ImageFilter.GaussianBlur(level * max(w, h) / 4000 * 2)))
        return Image.fromarray(np.where(inside[..., None], np.asarray(img), soft)), 95
    raise ValueError(series)


def score(photoscore, folder, profile):
    out = folder / f"{profile}.jsonl"
    subprocess.run([photoscore, "--mode", "threads", "--quiet", "--force", "--profile", profile, "--jsonl", str(out),
                    "--h5", str(folder / f"{profile}.h5"), str(folder)], check=True, stdout=subprocess.DEVNULL)
    return {r["filename"]: r for r in map(json.loads, out.read_text().splitlines())}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("photos", nargs="+", type=Path)
    ap.add_argument("--photoscore", default="build/photoscore")
    ap.add_argument("--out", type=Path, default=Path("docs/profiles"))
    ap.add_argument("--work", type=Path, help="keep the series here (default: a temporary folder)")
    ap.add_argument("--reuse", action="store_true",
                    help="with --work: score the series already there instead of making them again")
    ap.add_argument("--twelve-mp", action="store_true",
                    help="also score every photo over 14 MP area-resized to 12 MP (NAME@12MP), for the 12 MP checks")
    args = ap.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="profile_eval_"))
    args.out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(13)

    # results[series][profile][photo] = list of rows, level 0 (the original) first
    results = {s: {p: {} for p in PROFILES} for s in SERIES}
    sizes = {}
    inputs = []
    for photo in args.photos:
        img = Image.open(photo)
        inputs.append((photo.stem, photo, None))
        if args.twelve_mp and img.width * img.height > 14e6:
            f = (12e6 / (img.width * img.height)) ** 0.5
            inputs.append((photo.stem + "@12MP", photo, (round(img.width * f), round(img.height * f))))
    for stem, photo, size in inputs:
        img = Image.open(photo).convert("RGB")
        if size:
            img = img.resize(size, Image.BOX)
        sizes[stem] = img.size
        print(f"{stem}: {img.width}x{img.height}", file=sys.stderr)
        for series, levels in SERIES.items():
            folder = work / stem / series
            folder.mkdir(parents=True, exist_ok=True)
            names = [f"{i:02d}.jpg" for i in range(len(levels) + 1)]
            if not (args.reuse and all((folder / n).exists() for n in names)):
                for name, level in zip(names, [None] + levels):
                    copy, quality = (img, 95) if level is None else degrade(img, series, level, rng)
                    copy.save(folder / name, quality=quality)
            for profile in PROFILES:
                rows = score(args.photoscore, folder, profile)
                results[series][profile][stem] = [rows[n] for n in names]
    if not args.work:
        shutil.rmtree(work)

    lines = ["| series | profile | Spearman (quality) | Spearman (laplacian_var) | inversions |",
             "| --- | --- | --- | --- | --- |"]
    for series, levels in SERIES.items():
        for profile in PROFILES:
            rq, rs, inv, total = [], [], 0, 0
            for rows in results[series][profile].values():
                x = list(range(len(rows)))
                q = [r["quality_score"] for r in rows]
                s = [r["laplacian_var"] for r in rows]
                rq.append(spearmanr(x, q)[0])
                rs.append(spearmanr(x, s)[0])
                inv += sum(v >= q[0] for v in q[1:])
                total += len(q) - 1
            fmt = lambda v: ", ".join("nan" if np.isnan(c) else f"{c:+.2f}" for c in v)
            lines.append(f"| {series} | {profile} | {fmt(rq)} | {fmt(rs)} | {inv}/{total} |")
    table = "\n".join(lines)
    photos_line = ", ".join(f"{k} ({w}x{h})" for k, (w, h) in sizes.items())
    (args.out / "eval.md").write_text(f"Photos: {photos_line}. One figure per photo, in that order.\n\n{table}\n")
    print(table)

    checks = run_checks(results, sizes)
    for ok, text in checks:
        print(("PASS " if ok else "FAIL ") + text)
    failed = [text for ok, text in checks if not ok]
    with open(args.out / "eval.md", "a") as fh:
        fh.write(f"\nChecks of the claims (calibrated): {len(checks) - len(failed)} pass, {len(failed)} fail"
                 + (":\n\n" + "".join(f"- {t}\n" for t in failed) if failed else ".\n"))
    plot(results, sizes, args.out)
    return 0 if all(ok for ok, _ in checks) else 1


def working_factor(side, floor=768):
    """image/working_image.hpp: the power of two that brings the longer side to 768-1535 pixels."""
    f = 1
    while side // (2 * f) >= floor:
        f *= 2
    return f


def run_checks(results, sizes):
    """The claims of docs/profiles.md for the calibrated profile, per photo."""
    checks = []
    cal = lambda series: results[series]["calibrated"]
    for photo, (w, h) in sizes.items():
        # The "sigma 3 at 12 MP" is a blur in a 12 MP photo's own
        # pixels: checked on photos of about that size (a larger photo's
        # sigma 3 is a milder blur; --twelve-mp adds 12 MP copies of them).
        twelve = 11e6 <= w * h <= 14e6
        blur = cal("blur")[photo]
        var = [r["laplacian_var"] for r in blur]
        # Strictly, down to RANKED_FOCUS: below it (a tenth of the blurry
        # cut and less) a small photo's tiles are smooth and the 8-bit
        # rounding's Laplacian energy is most of what is left, so the focus
        # may rise a little again; it then only has to stay there.
        ranked = all(b < a for a, b in zip(var, var[1:]) if a >= RANKED_FOCUS)
        floor = all(v < RANKED_FOCUS for v in var[next((i for i, v in enumerate(var) if v < RANKED_FOCUS), len(var)):])
        checks.append((ranked and floor, f"{photo}: blur: sharpness strictly falls with sigma (down to {RANKED_FOCUS})"))
        checks.append((blur[0]["sharpness_verdict"] != "blurry", f"{photo}: original not blurry"))
        if twelve:
            checks.append((all(r["sharpness_verdict"] == "blurry" for r in blur[3:]),
                           f"{photo}: sigma 3 and above blurry at 12 MP"))
        q0 = blur[0]["quality_score"]
        checks.append((all(r["quality_score"] < q0 for r in blur[2:]), f"{photo}: original above blur sigma >= 2"))
        checks.append((cal("jpeg")[photo][-1]["quality_score"] < cal("jpeg")[photo][0]["quality_score"],
                       f"{photo}: original above JPEG quality 10"))
        dark = cal("darken")[photo]
        checks.append((all(r["quality_score"] < dark[0]["quality_score"] for r in dark[6:]),
                       f"{photo}: original above x0.4 and darker"))
        checks.append((all(r["exposure_verdict"] == "dark" for r in dark[7:]), f"{photo}: x0.1-0.3 dark"))
        # Focus, not exposure: darkened and contrast-reduced copies keep the
        # original's sharpness verdict, and a blurred copy's darkened copy
        # the blurred copy's (a blurry one stays blurry).
        kept = [r for r, g in zip(dark[1:], SERIES["darken"]) if g >= KEEPS_VERDICT_DOWN_TO - 1e-9]
        checks.append((all(r["sharpness_verdict"] == dark[0]["sharpness_verdict"] for r in kept),
                       f"{photo}: darkened x0.9-{KEEPS_VERDICT_DOWN_TO} keep the sharpness verdict "
                       f"({dark[0]['sharpness_verdict']}: " + ", ".join(r["sharpness_verdict"] for r in kept) + ")"))
        low = cal("contrast")[photo]
        checks.append((all(r["sharpness_verdict"] == low[0]["sharpness_verdict"] for r in low[1:]),
                       f"{photo}: contrast x0.7-0.25 keep the sharpness verdict ({low[0]['sharpness_verdict']}: "
                       + ", ".join(r["sharpness_verdict"] for r in low[1:]) + ")"))
        darkblur = cal("darkblur")[photo]
        plain = dict(zip(SERIES["blur"], blur[1:]))
        pairs = [(plain[s]["sharpness_verdict"], r["sharpness_verdict"]) for s, r in zip(SERIES["darkblur"], darkblur[1:])]
        checks.append((all(d == "blurry" for p, d in pairs if p == "blurry"),
                       f"{photo}: blurred copies darkened x{DARKBLUR_GAIN} stay blurry ("
                       + ", ".join(f"{p}->{d}" for p, d in pairs) + ")"))
        # A blur of 1.5 pixels or more at the working resolution is blurry
        # whatever the photo's size (the working scale: working_image.hpp).
        factor = working_factor(max(w, h))
        strong = [r for s, r in zip(SERIES["blur"], blur[1:]) if s / factor >= 1.5]
        checks.append((all(r["sharpness_verdict"] == "blurry" for r in strong),
                       f"{photo}: blur of 1.5 working pixels and more blurry ({len(strong)} copies)"))
        # The calibrated merge: no photo the sharpness analyzer calls blurry
        # is post_it, in any series.
        rows = [r for s in SERIES for r in cal(s)[photo]]
        bad = sum(r["sharpness_verdict"] == "blurry" and r["verdict"] == "post_it" for r in rows)
        checks.append((bad == 0, f"{photo}: no blurry post_it ({bad} of {len(rows)})"))
        bright = cal("brighten")[photo]
        checks.append((all(r["quality_score"] < bright[0]["quality_score"] for r in bright[7:]),
                       f"{photo}: original above x1.7 and brighter"))
        checks.append((all(r["exposure_verdict"] in ("bright", "clipped") for r in bright[7:]),
                       f"{photo}: x1.7-1.9 bright or clipped"))
        res = cal("resolution")[photo]
        if res[0]["sharpness_verdict"] != "blurry":
            # The claim: a photo and its downscales that are still 768
            # pixels or more (working_image.hpp's floor) read the same; a
            # 2560-pixel photo's 1/4 (640) is scored smaller, so sharper.
            kept = [r for r, d in zip(res[1:3], SERIES["resolution"]) if max(w, h) // d >= 768]
            checks.append((all(r["sharpness_verdict"] == res[0]["sharpness_verdict"] for r in kept),
                           f"{photo}: same sharpness verdict at 1/1 and its downscales down to 768 pixels "
                           f"({len(kept)})"))
            checks.append((all(r["sharpness_verdict"] != "blurry" for r in cal("dof")[photo]),
                           f"{photo}: shallow depth of field not blurry"))
    return checks


def plot(results, sizes, out):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    for series, levels in SERIES.items():
        x = [0] + levels if series != "jpeg" else [95] + levels
        if series in ("darken", "brighten", "contrast"):
            x = [1.0] + levels
        fig, axes = plt.subplots(1, 2, figsize=(12, 3.8), sharey=True)
        colors = plt.get_cmap("tab20").colors
        for ax, profile in zip(axes, PROFILES):
            for i, (photo, rows) in enumerate(results[series][profile].items()):
                ax.plot(x, [r["quality_score"] for r in rows], marker="o", ms=3, label=photo.split("_by_")[0] + ("@12MP" if photo.endswith("@12MP") else ""),
                        color=colors[i % len(colors)])
            ax.set_title(f"{series}: {profile}")
            ax.set_xlabel({"blur": "sigma", "jpeg": "JPEG quality", "noise": "noise sigma",
                           "resolution": "downscale factor", "dof": "background blur", "contrast": "contrast x",
                           "darkblur": f"sigma, then brightness x{DARKBLUR_GAIN}"}.get(series, "brightness x"))
            ax.grid(alpha=0.3)
        axes[0].set_ylabel("quality_score")
        axes[1].legend(fontsize=6, loc="center left", bbox_to_anchor=(1.01, 0.5))
        fig.tight_layout()
        fig.savefig(out / f"{series}.png", dpi=80)
        plt.close(fig)


if __name__ == "__main__":
    sys.exit(main())
