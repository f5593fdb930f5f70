#!/usr/bin/python3
"""Which perceptual hash photoscore records: dHash, pHash or the
Haar wavelet hash, measured on near-duplicates made from the project's photos.

    analysis/hash_choice.py [--tool build/bench/photoscore_hash_files]
                            [--photos tests/data/photos inputs/demo] [--keep DIR [--reuse]]

The photos: one per scene of the folders given (the largest file of each
name's first word: astronaut_2048.jpg for astronaut; 1x1 and flat photos
left out), and each one's four quadrants, which count as photos of their
own (crops of one photo: different framings with the same light and
colours, the hardest pairs to tell apart). From each, made with Pillow:

  near-duplicates (what --groups must call one photo)
    half        half the size (Lanczos)
    q70         re-encoded as JPEG, quality 70
    shift4      moved 4 pixels right and down, the edge repeated
    bright10    10 % brighter (Pillow's ImageEnhance.Brightness 1.1)
    export      half the size and quality 70 together
  burst frames (alike, not the same: what a burst threshold must take)
    shift16     moved 16 pixels right and down
    blur        a 2-pixel Gaussian blur
    dark        brightness x 0.6

Every file is hashed by photoscore's own decoder and hash functions
(photoscore_hash_files). Printed per hash: the Hamming distance of each kind
of true pair (original against its copy: median and largest), of different
photos (smallest and 1st percentile; other scenes apart from other crops of
the same scene), the margin (smallest different-photo distance less the
largest near-duplicate distance: above 0 means a threshold separates them
all), and at each threshold the recall of each kind of true pair and how
many different-photo pairs fall within it.
"""
import argparse
import collections
import itertools
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image, ImageEnhance, ImageFilter

HASHES = ("dhash", "phash", "whash")
NEAR = ("half", "q70", "shift4", "bright10", "export")
BURST = ("shift16", "blur", "dark")
EXTENSIONS = {".jpg", ".jpeg", ".png", ".bmp", ".tiff", ".tif", ".webp"}


def shifted(img, d):
    a = np.asarray(img)
    a = np.pad(a, ((d, 0), (d, 0), (0, 0)), mode="edge")[: a.shape[0], : a.shape[1]]
    return Image.fromarray(a)


def variants(img):
    half = img.resize((img.width // 2, img.height // 2), Image.LANCZOS)
    return {
        "half": (half, "png"),
        "q70": (img, "q70"),
        "shift4": (shifted(img, 4), "png"),
        "bright10": (ImageEnhance.Brightness(img).enhance(1.1), "png"),
        "export": (half, "q70"),
        "shift16": (shifted(img, 16), "png"),
        "blur": (img.filter(ImageFilter.GaussianBlur(2)), "png"),
        "dark": (ImageEnhance.Brightness(img).enhance(0.6), "png"),
    }


def originals(folders):
    """One photo a scene: {scene: path}."""
    by_scene = {}
    for folder in folders:
        for path in sorted(Path(folder).iterdir()):
            if path.suffix.lower() not in EXTENSIONS:
                continue
            try:
                with Image.open(path) as im:
                    size = im.width * im.height
                    flat = np.asarray(im.convert("L")).std() < 5
                    small = min(im.size) < 128
            except OSError:
                continue
            if flat or small:
                continue
            scene = path.stem.split("_")[0].lower()
            if scene not in by_scene or size > by_scene[scene][0]:
                by_scene[scene] = (size, path)
    return {scene: path for scene, (_, path) in sorted(by_scene.items())}


def save(img, how, path):
    if how == "q70":
        img.save(path.with_suffix(".jpg"), quality=70)
        return path.with_suffix(".jpg")
    img.save(path.with_suffix(".png"))
    return path.with_suffix(".png")


def build(folders, out, reuse):
    """Writes the photos (or, with `reuse`, reads the list of those already
    in `out`); returns [(path, photo id, scene, kind)]."""
    manifest = out / "manifest.tsv"
    if reuse and manifest.exists():
        return [(Path(p), photo, scene, kind) for p, photo, scene, kind in
                (line.split("\t") for line in manifest.read_text().splitlines())]
    items = []
    for scene, path in originals(folders).items():
        full = Image.open(path).convert("RGB")
        w, h = full.size
        crops = {"whole": full}
        for i, (x, y) in enumerate(itertools.product((0, 1), (0, 1))):
            crops[f"q{i}"] = full.crop((x * w // 2, y * h // 2, (x + 1) * w // 2, (y + 1) * h // 2))
        for crop_name, img in crops.items():
            photo = f"{scene}-{crop_name}"
            items.append((save(img, "png", out / f"{photo}-original"), photo, scene, "original"))
            for kind, (v, how) in variants(img).items():
                items.append((save(v, how, out / f"{photo}-{kind}"), photo, scene, kind))
    manifest.write_text("".join("\t".join(map(str, item)) + "\n" for item in items))
    return items


def hashes(tool, paths):
    lines = subprocess.run([tool, *map(str, paths)], check=True, capture_output=True, text=True).stdout
    result = {}
    for line in lines.splitlines():
        fields = line.split(" ", 4)
        if fields[0] == "error":
            sys.exit(f"hash_choice: {line}")
        result[fields[4]] = [int(f, 16) for f in fields[:3]]
    return result


def distance(a, b):
    return bin(a ^ b).count("1")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tool", default="build/bench/photoscore_hash_files")
    parser.add_argument("--photos", nargs="+", default=["tests/data/photos", "inputs/demo"])
    parser.add_argument("--keep", help="write the photos here (default: a temporary folder)")
    parser.add_argument("--reuse", action="store_true", help="hash the photos already in --keep, made by an earlier run")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(args.keep or tmp)
        out.mkdir(parents=True, exist_ok=True)
        items = build(args.photos, out, args.reuse)
        h = hashes(args.tool, [p for p, *_ in items])
    photos = sorted({photo for _, photo, _, _ in items})
    scenes = sorted({scene for _, _, scene, _ in items})
    print(f"{len(photos)} photos ({len(scenes)} scenes and their quadrants), {len(items)} files")
    original = {photo: h[str(p)] for p, photo, _, kind in items if kind == "original"}
    true = collections.defaultdict(lambda: collections.defaultdict(list))  # hash -> kind -> distances
    for p, photo, _, kind in items:
        if kind != "original":
            for k, name in enumerate(HASHES):
                true[name][kind].append(distance(h[str(p)][k], original[photo][k]))
    other_scene = collections.defaultdict(list)
    other_crop = collections.defaultdict(list)
    for (pa, a, sa, _), (pb, b, sb, _) in itertools.combinations(items, 2):
        if a == b:
            continue
        for k, name in enumerate(HASHES):
            d = distance(h[str(pa)][k], h[str(pb)][k])
            (other_crop if sa == sb else other_scene)[name].append(d)
    print(f"true pairs a kind: {len(photos)}; different-photo pairs: {len(other_scene['dhash'])} "
          f"of other scenes, {len(other_crop['dhash'])} of other crops of one scene")
    summary = {}
    for name in HASHES:
        print(f"\n== {name}")
        print("  true pairs         median  largest")
        for kind in NEAR + BURST:
            d = true[name][kind]
            print(f"    {kind:<10} {np.median(d):12.1f} {max(d):8d}")
        near_max = max(max(true[name][k]) for k in NEAR)
        burst_max = max(max(true[name][k]) for k in BURST)
        diff = other_scene[name] + other_crop[name]
        print("  different photos   smallest  1st pct  median")
        for label, d in (("other scenes", other_scene[name]), ("other crops", other_crop[name])):
            print(f"    {label:<14} {min(d):8d} {np.percentile(d, 1):8.1f} {np.median(d):7.1f}")
        margin = min(diff) - near_max
        print(f"  margin (smallest different - largest near-duplicate): {margin}")
        print("  threshold  near-dup recall  burst-frame recall  different pairs within (of "
              f"{len(diff)})")
        for t in range(0, 25, 2):
            near = np.mean([d <= t for k in NEAR for d in true[name][k]])
            burst = np.mean([d <= t for k in BURST for d in true[name][k]])
            within = sum(d <= t for d in diff)
            print(f"    {t:>5}      {near:8.3f}         {burst:8.3f}           {within}")
        summary[name] = (margin, near_max, burst_max, min(diff))
    print("\nhash   margin  largest near-dup  largest burst frame  smallest different")
    for name, (margin, near_max, burst_max, smallest) in summary.items():
        print(f"{name:<6} {margin:6d} {near_max:12d} {burst_max:18d} {smallest:18d}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
