#!/usr/bin/python3
"""Make a large, deterministic workload of real photos for speed and scaling studies.

Every output photo is a crop of one source photo, resized with Lanczos to about
the requested size, given a small tone change (gamma, contrast, saturation,
brightness), sometimes a slight blur or sharpening, a light film grain (so
upscaled sources carry the fine texture a camera's photos have and JPEG decoding
costs what it costs on real photos), and encoded as JPEG (quality 85-95, 4:2:0
or 4:4:4 chroma), PNG or WebP.

The same arguments always give the same files, byte for byte (on the same
Pillow and numpy): each photo's choices come from its own random stream seeded
by --seed and its index, so photo 7 of --count 10 and of --count 100 is the
same file, and growing a workload only adds files.

Examples:
  # 40 photos of 2 to 15 megapixels, mostly JPEG, a few PNG and WebP
  inputs/make_workload.py --from /work/shared/reference/photos --count 40 \\
      --megapixels 2-15 --formats jpg,png,webp --out /tmp/speed40

  # 200 JPEGs of about 12 megapixels for a scaling study
  inputs/make_workload.py --count 200 --megapixels 12 --out /tmp/scale200

Output names say what each photo is, e.g. w0007_rocket_4008x2672_q91_420.jpg
(index, source, size, JPEG quality and chroma subsampling); MANIFEST.tsv (not
an image: photoscore and the oracle skip it) lists every photo's parameters.
"""
import argparse
import hashlib
import math
import random
import sys
from pathlib import Path

import numpy as np
from PIL import Image, ImageEnhance, ImageFilter

EXTENSIONS = {".jpg", ".jpeg", ".png", ".bmp", ".tiff", ".webp"}
FORMATS = ("jpg", "png", "webp")
# Landscape and portrait shapes cameras and phones produce, plus square.
ASPECTS = (4 / 3, 3 / 2, 16 / 9, 1.0, 5 / 4, 3 / 4, 2 / 3, 9 / 16, 4 / 5)
DEFAULT_SOURCE = Path(__file__).resolve().parent / "demo"


def parse_megapixels(text):
    """'12' -> (12, 12); '2-15' -> (2, 15)."""
    try:
        if "-" in text:
            lo, hi = (float(v) for v in text.split("-", 1))
        else:
            lo = hi = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a size in megapixels: {text!r} (use M or LO-HI)")
    if not 0 < lo <= hi or hi > 200:
        raise argparse.ArgumentTypeError(f"megapixels must satisfy 0 < LO <= HI <= 200, got {text!r}")
    return lo, hi


def parse_formats(text):
    formats = [f.strip().lower().replace("jpeg", "jpg") for f in text.split(",") if f.strip()]
    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        raise argparse.ArgumentTypeError(f"formats must be a comma list of {', '.join(FORMATS)}; got {text!r}")
    return sorted(set(formats), key=FORMATS.index)


def load_sources(folder, min_side):
    """Every readable photo of the folder, sorted by name, at least min_side a side and not flat."""
    sources = []
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() not in EXTENSIONS or not path.is_file():
            continue
        try:
            with Image.open(path) as img:
                img.load()
                rgb = img.convert("RGB")
        except Exception as e:  # a broken file in the source folder is only skipped
            print(f"make_workload: skipping {path.name}: {e}", file=sys.stderr)
            continue
        if min(rgb.size) < min_side:
            continue
        # Synthetic flat test cards are no model of a photo's decoding or edges.
        if float(np.asarray(rgb.convert("L"), dtype=np.float32).std()) < 4.0:
            continue
        sources.append((path.stem, rgb))
    return sources


def stream(seed, index):
    """A random stream of its own for photo `index`: independent of --count."""
    digest = hashlib.sha256(f"photoscore-workload:{seed}:{index}".encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "little")), int.from_bytes(digest[8:16], "little")


def pick_size(rng, megapixels, aspect):
    lo, hi = megapixels
    # Log-uniform, so a 2-15 range has as many small as large photos; a single
    # size still varies by a few percent, as camera modes do.
    mp = math.exp(rng.uniform(math.log(lo), math.log(hi))) if hi > lo else lo * rng.uniform(0.97, 1.03)
    pixels = mp * 1e6
    width = max(8, round(math.sqrt(pixels * aspect)))
    height = max(8, round(pixels / width))
    return width, height


def crop_box(rng, size, aspect):
    """A crop of the source with the output's aspect, 70-100% of the largest that fits."""
    sw, sh = size
    if sw / sh > aspect:
        ch, cw = sh, sh * aspect
    else:
        cw, ch = sw, sw / aspect
    f = rng.uniform(0.7, 1.0)
    cw, ch = cw * f, ch * f
    x0 = rng.uniform(0, sw - cw)
    y0 = rng.uniform(0, sh - ch)
    return (x0, y0, x0 + cw, y0 + ch)


def tone(rng, img):
    """Small deterministic tone changes: gamma, contrast, brightness, saturation."""
    gamma = rng.uniform(0.85, 1.15)
    contrast = rng.uniform(0.9, 1.1)
    offset = rng.uniform(-8.0, 8.0)
    lut = []
    for v in range(256):
        x = 255.0 * (v / 255.0) ** gamma
        x = (x - 128.0) * contrast + 128.0 + offset
        lut.append(min(255, max(0, round(x))))
    img = img.point(lut * 3)
    return ImageEnhance.Color(img).enhance(rng.uniform(0.85, 1.15))


def finish(rng, img):
    """Sometimes a slight blur (soft focus) or an unsharp mask (camera sharpening)."""
    roll = rng.random()
    if roll < 0.2:
        return img.filter(ImageFilter.GaussianBlur(rng.uniform(0.6, 2.0))), "blur"
    if roll < 0.4:
        return img.filter(ImageFilter.UnsharpMask(radius=rng.uniform(1.0, 2.5), percent=rng.randint(40, 120),
                                                  threshold=2)), "sharpen"
    return img, "plain"


def add_grain(img, sigma, noise_seed):
    """Gaussian luminance grain of `sigma` levels, from numpy's seeded PCG64."""
    if sigma <= 0:
        return img
    a = np.asarray(img, dtype=np.int16)
    gen = np.random.Generator(np.random.PCG64(noise_seed))
    noise = np.rint(gen.standard_normal(a.shape[:2], dtype=np.float32) * sigma).astype(np.int16)
    a = a + noise[:, :, None]
    return Image.fromarray(np.clip(a, 0, 255).astype(np.uint8), "RGB")


def pick_format(rng, formats, jpeg_fraction):
    if formats == ["jpg"] or ("jpg" in formats and rng.random() < jpeg_fraction):
        return "jpg"
    others = [f for f in formats if f != "jpg"]
    return rng.choice(others) if others else "jpg"


def make_one(index, sources, args):
    rng, noise_seed = stream(args.seed, index)
    name, src = sources[rng.randrange(len(sources))]
    aspect = rng.choice(ASPECTS)
    width, height = pick_size(rng, args.megapixels, aspect)
    box = crop_box(rng, src.size, aspect)
    img = src.resize((width, height), Image.LANCZOS, box=box)
    img = tone(rng, img)
    img, look = finish(rng, img)
    img = add_grain(img, args.grain * rng.uniform(0.5, 1.5), noise_seed)
    fmt = pick_format(rng, args.formats, args.jpeg_fraction)
    quality = rng.randint(85, 95)
    subsampling = rng.choice(("420", "444"))
    progressive = rng.random() < args.progressive_fraction
    stem = f"w{index:04d}_{name}_{width}x{height}"
    if fmt == "jpg":
        stem += f"_q{quality}_{subsampling}" + ("_prog" if progressive else "")
        out = args.out / f"{stem}.jpg"
        img.save(out, "JPEG", quality=quality, subsampling=0 if subsampling == "444" else 2,
                 progressive=progressive, optimize=False)
        detail = f"quality={quality} subsampling={subsampling} progressive={int(progressive)}"
    elif fmt == "png":
        out = args.out / f"{stem}.png"
        img.save(out, "PNG", compress_level=args.png_level)
        detail = f"compress_level={args.png_level}"
    else:
        lossless = rng.random() < 0.5
        stem += "_lossless" if lossless else f"_q{quality}"
        out = args.out / f"{stem}.webp"
        img.save(out, "WEBP", lossless=lossless, quality=quality, method=4, exact=False)
        detail = "lossless" if lossless else f"quality={quality}"
    return out, name, width, height, fmt, look, detail


def main():
    parser = argparse.ArgumentParser(
        prog="make_workload.py", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--from", dest="source", type=Path, default=None,
                        help=f"folder of source photos (default: {DEFAULT_SOURCE} if it exists); sources "
                             "smaller than --min-side or flat are skipped")
    parser.add_argument("--count", type=int, required=True, help="how many photos to make")
    parser.add_argument("--megapixels", type=parse_megapixels, default=(12.0, 12.0), metavar="M|LO-HI",
                        help="size of each photo: about M megapixels, or log-uniform in LO-HI (default 12)")
    parser.add_argument("--out", type=Path, required=True, help="output folder (created; existing files with "
                                                                 "the same names are overwritten)")
    parser.add_argument("--formats", type=parse_formats, default=["jpg"],
                        help="comma list of jpg, png, webp (default jpg). With jpg and others, each photo is a "
                             "JPEG with probability --jpeg-fraction, else one of the others")
    parser.add_argument("--jpeg-fraction", type=float, default=0.85,
                        help="share of JPEGs when --formats mixes JPEG with PNG/WebP (default 0.85)")
    parser.add_argument("--progressive-fraction", type=float, default=0.0,
                        help="share of JPEGs written progressive (default 0: baseline, as cameras write)")
    parser.add_argument("--seed", type=int, default=1, help="workload seed (default 1)")
    parser.add_argument("--grain", type=float, default=2.0,
                        help="film grain in gray levels, varied 0.5-1.5x per photo; 0 for none (default 2)")
    parser.add_argument("--png-level", type=int, default=6, help="zlib level of PNG outputs (default 6)")
    parser.add_argument("--min-side", type=int, default=128, help="smallest usable source side (default 128)")
    args = parser.parse_args()

    if args.source is None:
        if not DEFAULT_SOURCE.is_dir():
            parser.error(f"no --from given and {DEFAULT_SOURCE} does not exist")
        args.source = DEFAULT_SOURCE
    if not args.source.is_dir():
        parser.error(f"--from {args.source}: not a folder")
    if args.count < 1:
        parser.error("--count must be at least 1")
    sources = load_sources(args.source, args.min_side)
    if not sources:
        parser.error(f"no usable photos in {args.source} (need {args.min_side}+ pixels a side)")
    args.out.mkdir(parents=True, exist_ok=True)

    rows = []
    total_mp = 0.0
    for i in range(args.count):
        out, name, width, height, fmt, look, detail = make_one(i, sources, args)
        total_mp += width * height / 1e6
        rows.append(f"{out.name}\t{name}\t{width}\t{height}\t{fmt}\t{look}\t{detail}")
        print(f"{out.name}", file=sys.stderr)
    with open(args.out / "MANIFEST.tsv", "w") as f:
        f.write("file\tsource\twidth\theight\tformat\tlook\tencoding\n")
        f.write("\n".join(rows) + "\n")
    print(f"make_workload: {args.count} photos, {total_mp:.1f} megapixels in all, in {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
