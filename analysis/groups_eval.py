#!/usr/bin/python3
"""How well photoscore --groups finds bursts and duplicates, on a card whose
groups are known because this script made it.

    /usr/bin/python3 analysis/groups_eval.py --photoscore build/photoscore \\
        [--photos inputs/demo] [--out /tmp/groups_eval] [--no-quadrants] \\
        [--sweep=--burst-gap=0.5,2,10] [--profile calibrated] [--report FILE.md]

The card (OUT/card), made deterministically from the photos of --photos, one
scene per source photo (the name before its first "_": chelsea.png and
chelsea_dark.jpg are one scene, and only the first is used) and, unless
--no-quadrants, one per quadrant of each (crops of one photo share its
light and colours: the hardest different photos to tell apart, as in
analysis/hash_choice.py); the scenes are dealt out in a shuffled order:

- bursts: five frames of one scene 0.3 s apart, each a slightly different
  crop (a few pixels' shift) and exposure (+-5 %); in each burst one frame is
  blurred and one is dark. Bursts are an hour apart.
- exports: a scene's photo and a half-size JPEG copy of it without EXIF (no
  capture time), as an export to share would be.
- neighbours: three photos of different scenes taken one second apart
  each, which are NOT a group.
- singletons: one photo of a scene, alone.

Every frame carries EXIF DateTimeOriginal, SubSecTimeOriginal and
OffsetTimeOriginal, as a camera writes them, except the exported copies.

The truth: two photos belong together when they are frames of one burst, or
a photo and its exported copy. What photoscore says: two photos are together
when one line of the groups file names both. From that, pairwise precision
and recall; each group's kind against what was built; and how often a
group's best is a blurred or dark frame while a good one was in the group.

--sweep=OPTION=V1,V2,... runs photoscore once per value (the option's name as
photoscore knows it) to show what a threshold trades; --profile NAME adds a
run under that scoring profile; every other run uses photoscore's defaults.
Printed per run: groups found (true ones), pairs found (true ones), pairwise
precision and recall, groups whose kind is right, groups that join photos
of different scenes, and how often a group's best is its blurred or dark
frame while a good one was there. Needs Pillow (python3-pil) only.
"""
import argparse
import io
import itertools
import json
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

from PIL import Image, ImageEnhance, ImageFilter

EXIF_IFD = 0x8769
DATE_TIME_ORIGINAL = 0x9003
SUBSEC_TIME_ORIGINAL = 0x9291
OFFSET_TIME_ORIGINAL = 0x9011
PHOTO_SUFFIXES = {".jpg", ".jpeg", ".png", ".tif", ".tiff", ".webp", ".bmp"}
FRAMES_PER_BURST = 5


def scenes_of(folder, quadrants):
    """One image per scene, by scene name: each source photo (RGB) and, with
    `quadrants`, its four quadrants."""
    scenes = {}
    for path in sorted(Path(folder).iterdir()):
        if path.suffix.lower() not in PHOTO_SUFFIXES:
            continue
        scene = path.stem.split("_")[0].lower()
        if scene in scenes:
            continue
        image = Image.open(path).convert("RGB")
        scenes[scene] = image
        w, h = image.size
        if quadrants and min(w, h) >= 256:
            for q, (x, y) in enumerate([(0, 0), (w // 2, 0), (0, h // 2), (w // 2, h // 2)]):
                scenes[f"{scene}-q{q}"] = image.crop((x, y, x + w // 2, y + h // 2))
    return scenes


def exif_bytes(seconds):
    """EXIF of a frame taken `seconds` after 2026-06-01 10:00:00 (+02:00)."""
    whole, frac = int(seconds), round((seconds - int(seconds)) * 1000)
    hours, rest = divmod(10 * 3600 + whole, 3600)
    minutes, secs = divmod(rest, 60)
    day, hours = 1 + hours // 24, hours % 24
    exif = Image.Exif()
    exif[EXIF_IFD] = {
        DATE_TIME_ORIGINAL: f"2026:06:{day:02d} {hours:02d}:{minutes:02d}:{secs:02d}",
        SUBSEC_TIME_ORIGINAL: f"{frac:03d}",
        OFFSET_TIME_ORIGINAL: "+02:00",
    }
    return exif.tobytes()


def frame(image, rng, shift, exposure):
    """A burst frame: the scene cropped `shift` pixels off (a hand moving),
    then its exposure scaled."""
    w, h = image.size
    margin = max(4, min(w, h) // 50)
    dx, dy = rng.randint(0, shift), rng.randint(0, shift)
    out = image.crop((margin + dx - shift // 2, margin + dy - shift // 2, w - margin + dx - shift // 2,
                      h - margin + dy - shift // 2))
    return ImageEnhance.Brightness(out).enhance(exposure)


def build_card(photos, card, seed, quadrants):
    """Writes the card; returns {filename: (group id or None, role)}."""
    rng = random.Random(seed)
    scenes = scenes_of(photos, quadrants)
    if len(scenes) < 8:
        sys.exit(f"groups_eval: {photos} has {len(scenes)} scenes; at least 8 are needed")
    names = list(scenes)
    rng.shuffle(names)
    n = len(names)
    n_burst, n_export, n_neighbour = max(2, 2 * n // 5), max(2, n // 5), max(3, n // 5) // 3 * 3
    bursts, rest = names[:n_burst], names[n_burst:]
    exports, rest = rest[:n_export], rest[n_export:]
    neighbours, singles = rest[:n_neighbour], rest[n_neighbour:]
    card.mkdir(parents=True)
    truth = {}
    clock = 0.0

    def save(image, name, seconds, quality=92):
        path = card / name
        kwargs = {"quality": quality}
        if seconds is not None:
            kwargs["exif"] = exif_bytes(seconds)
        image.convert("RGB").save(path, "JPEG", **kwargs)

    for b, scene in enumerate(bursts):
        image = scenes[scene]
        blurred, dark = rng.sample(range(FRAMES_PER_BURST), 2)
        for i in range(FRAMES_PER_BURST):
            f = frame(image, rng, 6, rng.uniform(0.95, 1.05))
            role = "good"
            if i == blurred:
                f, role = f.filter(ImageFilter.GaussianBlur(3)), "blurred"
            elif i == dark:
                f, role = ImageEnhance.Brightness(f).enhance(0.35), "dark"
            name = f"burst{b}_{scene}_{i}.jpg"
            save(f, name, clock + 0.3 * i)
            truth[name] = (f"burst{b}", role)
        clock += 3600
    for e, scene in enumerate(exports):
        image = scenes[scene]
        save(image, f"export{e}_{scene}.jpg", clock)
        half = image.resize((max(1, image.width // 2), max(1, image.height // 2)), Image.LANCZOS)
        # Another name, no EXIF, another JPEG quality: a shared export.
        save(half, f"shared_{scene}_small.jpg", None, quality=80)
        truth[f"export{e}_{scene}.jpg"] = (f"export{e}", "good")
        truth[f"shared_{scene}_small.jpg"] = (f"export{e}", "good")
        clock += 3600
    for n, scene in enumerate(neighbours):
        # Three at a time, a second apart, then an hour's pause.
        save(scenes[scene], f"neighbour{n}_{scene}.jpg", clock + n % 3)
        truth[f"neighbour{n}_{scene}.jpg"] = (None, "good")
        if n % 3 == 2:
            clock += 3600
    clock += 3600
    for s, scene in enumerate(singles):
        image = scenes[scene]
        save(image, f"single{s}_{scene}.jpg", clock)
        truth[f"single{s}_{scene}.jpg"] = (None, "good")
        clock += 3600
    return truth


def pairs(groups):
    out = set()
    for members in groups:
        out.update(itertools.combinations(sorted(members), 2))
    return out


def evaluate(truth, groups):
    """Pairwise precision and recall, kinds, degraded bests."""
    true_groups = {}
    for name, (group, _) in truth.items():
        if group is not None:
            true_groups.setdefault(group, []).append(name)
    truth_pairs = pairs(true_groups.values())
    found_pairs = pairs(g["members"] for g in groups)
    hit = len(truth_pairs & found_pairs)
    kinds_right = 0
    mixed = 0
    degraded_best = 0
    with_choice = 0
    for g in groups:
        owners = {truth.get(m, (None, ""))[0] for m in g["members"]}
        owner = owners.pop() if len(owners) == 1 else None
        mixed += owner is None
        expected = "burst" if owner and owner.startswith("burst") else "duplicate"
        kinds_right += owner is not None and g.get("kind") == expected
        roles = [truth.get(m, (None, "good"))[1] for m in g["members"]]
        if "good" in roles and any(r != "good" for r in roles):
            with_choice += 1
            degraded_best += truth.get(g.get("best"), (None, "good"))[1] != "good"
    return {
        "true pairs": len(truth_pairs),
        "found pairs": len(found_pairs),
        "precision": hit / len(found_pairs) if found_pairs else 1.0,
        "recall": hit / len(truth_pairs) if truth_pairs else 1.0,
        "groups": len(groups),
        "true groups": len(true_groups),
        "kind right": kinds_right,
        "mixed": mixed,
        "groups with a degraded frame": with_choice,
        "degraded best": degraded_best,
    }


def run_photoscore(binary, card, out, extra):
    out.mkdir(parents=True, exist_ok=True)
    groups = out / "groups.jsonl"
    cmd = [binary, str(card), "-q", "--force", "--jsonl", str(out / "rows.jsonl"), "--h5", str(out / "rows.h5"),
           "--groups", str(groups)] + extra
    result = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if result.returncode != 0:
        sys.exit(f"groups_eval: {' '.join(cmd)} exited {result.returncode}: {result.stderr.strip()}")
    with open(groups) as f:
        return [json.loads(line) for line in f if line.strip()]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--photoscore", default="build/photoscore")
    parser.add_argument("--photos", default=str(Path(__file__).resolve().parent.parent / "inputs" / "demo"))
    parser.add_argument("--out", default="/tmp/groups_eval")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--sweep", action="append", default=[],
                        help="OPTION=V1,V2,...: one run per value, e.g. --sweep=--burst-gap=0.5,2,10")
    parser.add_argument("--profile", action="append", default=[],
                        help="also a run under this scoring profile (e.g. calibrated)")
    parser.add_argument("--no-quadrants", action="store_true",
                        help="one scene per photo only, not its quadrants too")
    parser.add_argument("--report", help="also write the table (Markdown) to this file")
    args = parser.parse_args()

    out = Path(args.out)
    if out.exists():
        shutil.rmtree(out)
    card = out / "card"
    truth = build_card(args.photos, card, args.seed, not args.no_quadrants)
    runs = [("defaults", [])] + [(f"--profile {p}", ["--profile", p]) for p in args.profile]
    for sweep in args.sweep:
        option, _, values = sweep.partition("=")
        runs += [(f"{option} {v}", [option, v]) for v in values.split(",")]

    lines = [f"Card: {len(truth)} photos from {args.photos} (seed {args.seed}); "
             f"`{' '.join(sys.argv)}`", "",
             "| run | groups (true) | found pairs (true) | precision | recall | kind right | mixed groups "
             "| degraded best |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for i, (label, extra) in enumerate(runs):
        result = evaluate(truth, run_photoscore(args.photoscore, card, out / f"run{i}", extra))
        lines.append(f"| {label} | {result['groups']} ({result['true groups']}) | {result['found pairs']} "
                     f"({result['true pairs']}) | {result['precision']:.3f} | {result['recall']:.3f} | "
                     f"{result['kind right']}/{result['groups']} | {result['mixed']} | {result['degraded best']}/"
                     f"{result['groups with a degraded frame']} |")
    text = "\n".join(lines) + "\n"
    print(text, end="")
    if args.report:
        Path(args.report).write_text(text)


if __name__ == "__main__":
    main()
