#!/usr/bin/python3
"""make_hostile.py PHOTOS_DIR OUT_DIR [SETS]: writes hostile inputs for photoscore.

Every file is made deterministically from a few real photos of PHOTOS_DIR.
Without SETS, the classic set: truncations of every format at many cut
points, valid files behind lying extensions, header bombs of every format (a
few KB claiming gigapixels), byte-mutated files and a progressive JPEG of
3,000 scans. The sets for the decoder helpers:

  --raw-mutants N    N mutants of a 6 KB DNG: another maker's name and three
                     flipped bits in its IFDs (mutant_NNNNN.dng)
  --raw-crashers K   the first K such mutants that crash LibRaw in a fresh
                     process (found by running LibRaw on each through ctypes;
                     1 in a few thousand crash LibRaw 0.20): crash_NNNNN.dng
  --raw-crashers-at I,J,...  the mutants of those numbers, which must crash
                     LibRaw in a fresh process (checked): crash_NNNNN.dng
                     without the search (4 s) that found them
  --heif-attacks     make_heif.py's files (an 8,000-deep iden chain that
                     overflows libheif's stack, lying overlays, a grid of
                     grids...) around a tile heif-enc encodes
  --lying-dngs N     N DNGs whose preview tags say 64x64 while the JPEG
                     inside is 16000x16000 (1 MB of flat gray)
  --tile-bomb        a DNG of 262,144 8x8 tiles (tile_bomb.dng, 2 MB)

OUT_DIR/manifest.json says what each file must give: "error", "ok" or
"any" (mutations: either, but exactly one row). A truncation is only
expected to be an error where Pillow, which defines the scores, refuses it
too. Run with Debian's Python (/usr/bin/python3: numpy and PIL)."""
import argparse
import ctypes
import io
import json
import os
import random
import struct
import subprocess
import sys
import tempfile
import warnings
import zlib

from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_dng  # noqa: E402
import make_heif  # noqa: E402


def jpeg(img, **kw):
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=85, **kw)
    return buf.getvalue()


def encoded(img, fmt, **kw):
    buf = io.BytesIO()
    img.save(buf, fmt, **kw)
    return buf.getvalue()


def pillow_refuses(data):
    try:
        with Image.open(io.BytesIO(data)) as im:
            im.load()
        return False
    except Exception:  # any refusal: truncated, corrupt, bomb
        return True


def chunk(kind, body):
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_filtered_size(width, height, bits_per_pixel, interlace):
    passes = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
    if not interlace:
        passes = [(0, 0, 1, 1)]
    total = 0
    for x0, y0, dx, dy in passes:
        w, h = -(-(width - x0) // dx), -(-(height - y0) // dy)
        if w > 0 and h > 0:
            total += ((w * bits_per_pixel + 7) // 8 + 1) * h
    return total


def png_bomb(width, height, bit_depth, color_type, interlace):
    """A PNG whose header claims width x height and whose IDAT holds all but
    the last 10,000 bytes of its (all-zero) rows, flushed but not finished:
    tens of KB that pass any compression-ratio test, cut short at the end."""
    channels = {0: 1, 2: 3, 3: 1}[color_type]
    raw_bytes = png_filtered_size(width, height, bit_depth * channels, interlace) - 10000
    ihdr = struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0, interlace)
    z = zlib.compressobj(9)
    idat = z.compress(bytes(raw_bytes)) + z.flush(zlib.Z_SYNC_FLUSH)
    body = chunk(b"IHDR", ihdr)
    if color_type == 3:
        body += chunk(b"PLTE", bytes([0, 0, 0, 255, 255, 255]))
    return b"\x89PNG\r\n\x1a\n" + body + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def tiff(width, height, strips, bits=8, samples=3, compression=1, tile=None, data=b""):
    """A little-endian TIFF: header, pixel data, then the IFD. strips is a
    list of (offset, byte count) relative to the data start; tile (w, h)
    makes it tiled instead."""
    data_start = 8
    entries = []

    def entry(tag, typ, values):
        entries.append((tag, typ, values))

    photometric = 2 if samples >= 3 else 1
    entry(256, 4, [width])
    entry(257, 4, [height])
    entry(258, 3, [bits] * samples)
    entry(259, 3, [compression])
    entry(262, 3, [photometric])
    entry(277, 3, [samples])
    offsets = [data_start + o for o, _ in strips]
    counts = [c for _, c in strips]
    if tile:
        entry(322, 4, [tile[0]])
        entry(323, 4, [tile[1]])
        entry(324, 4, offsets)
        entry(325, 4, counts)
    else:
        entry(273, 4, offsets)
        entry(278, 4, [height if len(strips) == 1 else -(-height // len(strips))])
        entry(279, 4, counts)
    entry(284, 3, [1])
    entries.sort()
    ifd_at = data_start + len(data)
    ifd_at += ifd_at % 2
    extra_at = ifd_at + 2 + 12 * len(entries) + 4
    ifd, extra = b"", b""
    for tag, typ, values in entries:
        size = 2 if typ == 3 else 4
        packed = b"".join(struct.pack("<H" if typ == 3 else "<I", v) for v in values)
        if len(packed) <= 4:
            ifd += struct.pack("<HHI", tag, typ, len(values)) + packed.ljust(4, b"\0")
        else:
            ifd += struct.pack("<HHII", tag, typ, len(values), extra_at + len(extra))
            extra += packed
        del size
    out = b"II*\0" + struct.pack("<I", ifd_at) + data
    out = out.ljust(ifd_at, b"\0")
    return out + struct.pack("<H", len(entries)) + ifd + b"\0\0\0\0" + extra


def tiled_tiff(img, tw, th):
    """Uncompressed tiled RGB, tiles of tw x th (edge tiles padded)."""
    w, h = img.size
    px = img.tobytes()
    data, tiles = b"", []
    for ty in range(0, h, th):
        for tx in range(0, w, tw):
            t = bytearray(tw * th * 3)
            for r in range(th):
                if ty + r >= h:
                    break
                n = min(tw, w - tx) * 3
                s = ((ty + r) * w + tx) * 3
                t[r * tw * 3:r * tw * 3 + n] = px[s:s + n]
            tiles.append((len(data), len(t)))
            data += bytes(t)
    return tiff(w, h, tiles, tile=(tw, th), data=data)


def scan_bomb(width=4088, height=4096, scans=3000):
    """A gray progressive JPEG whose DC scan is followed by `scans` AC scans,
    each a handful of EOB runs: ~150 KB that cost a decoder seconds."""
    def seg(marker, body):
        return bytes([0xFF, marker]) + struct.pack(">H", len(body) + 2) + body

    def stuffed(bits):
        bits += "1" * (-len(bits) % 8)
        out = bytearray()
        for i in range(0, len(bits), 8):
            b = int(bits[i:i + 8], 2)
            out.append(b)
            if b == 0xFF:
                out.append(0)
        return bytes(out)

    blocks = (width // 8) * (height // 8)
    run = 32704  # EOBRUN of symbol 0xE0: 16384 + 14 extra bits
    assert blocks % run == 0
    out = b"\xff\xd8" + seg(0xDB, b"\x00" + bytes([1] * 64))
    out += seg(0xC2, struct.pack(">BHHB", 8, height, width, 1) + b"\x01\x11\x00")
    # One-symbol tables: DC category 0 and AC EOB14, each the code "0".
    out += seg(0xC4, b"\x00" + bytes([1] + [0] * 15) + b"\x00")
    out += seg(0xC4, b"\x10" + bytes([1] + [0] * 15) + b"\xe0")
    out += seg(0xDA, b"\x01\x01\x00\x00\x00\x00") + stuffed("0" * blocks)
    ac = stuffed(("0" + format(run - 16384, "014b")) * (blocks // run))
    for _ in range(scans):
        out += seg(0xDA, b"\x01\x01\x00\x01\x3f\x00") + ac
    return out + b"\xff\xd9"


def patch_jpeg_size(data, width, height):
    i = 2
    while i < len(data):
        marker, length = data[i + 1], struct.unpack(">H", data[i + 2:i + 4])[0]
        if marker in (0xC0, 0xC1, 0xC2):
            return data[:i + 5] + struct.pack(">HH", height, width) + data[i + 9:]
        i += 2 + length
    raise ValueError("no SOF")


def patch_webp_size(data, width, height):
    fourcc = data[12:16]
    if fourcc == b"VP8 ":
        # Key frame: 3-byte tag, start code, then 14-bit width and height.
        at = 20 + 6
        return data[:at] + struct.pack("<HH", width, height) + data[at + 4:]
    if fourcc == b"VP8L":
        at = 20 + 1
        bits = struct.unpack("<I", data[at:at + 4])[0]
        bits = (bits & ~0xFFFFFFF) | (width - 1) | (height - 1) << 14
        return data[:at] + struct.pack("<I", bits) + data[at + 4:]
    raise ValueError(fourcc)


# Makers whose names send LibRaw's TIFF parser down their own paths.
MAKERS = ["Canon", "NIKON CORPORATION", "SONY", "FUJIFILM", "OLYMPUS CORPORATION", "Panasonic",
          "PENTAX Corporation", "LEICA", "SAMSUNG", "Kodak", "Hasselblad", "Phase One", "SIGMA", "Minolta",
          "Casio", "Ricoh", "Sinar", "Leaf", "Mamiya", "Epson", "Apple", "Photoscore", "AgfaPhoto", "Contax",
          "Foveon", "Nokia", "Samsung", "Sony"]


def raw_mutants(photos, count, seed=22):
    """Yields (index, bytes) of `count` mutants: a 64x40 DNG with a 1/8
    preview under a random maker's name, three bits flipped in its first
    700 bytes (the IFDs and the start of the preview)."""
    src = Image.open(os.path.join(photos, "chelsea.png")).convert("RGB").resize((64, 40))
    bases = {m: make_dng.dng_bytes(src, "thumb", m) for m in MAKERS}
    rng = random.Random(seed)
    for i in range(count):
        b = bytearray(bases[rng.choice(MAKERS)])
        for _ in range(3):
            b[rng.randrange(8, 700)] ^= 1 << rng.randrange(8)
        yield i, bytes(b)


_libraw = None


def libraw():
    """LibRaw's C API through ctypes, loaded once (forked children share it)."""
    global _libraw
    if _libraw is None:
        lib = ctypes.CDLL("libraw_r.so.20")
        lib.libraw_init.restype = ctypes.c_void_p
        lib.libraw_open_buffer.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t]
        for name in ("libraw_unpack", "libraw_close"):
            getattr(lib, name).argtypes = [ctypes.c_void_p]
        _libraw = lib
    return _libraw


def libraw_survives(batch):
    """Whether LibRaw opens and unpacks every file of `batch` in a fresh
    process (one for the whole batch) without dying of a signal."""
    lib = libraw()
    pid = os.fork()
    if pid == 0:
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), 2)
            for data in batch:
                h = lib.libraw_init(0)
                if lib.libraw_open_buffer(h, data, len(data)) == 0:
                    lib.libraw_unpack(h)
                lib.libraw_close(h)
        finally:
            os._exit(0)
    _, status = os.waitpid(pid, 0)
    return not os.WIFSIGNALED(status)


def raw_crashers(photos, wanted, most=50000, batch=50):
    """The first `wanted` mutants that crash LibRaw on their own, as
    (index, bytes): batches run in one process each; a batch that dies is
    run again file by file, each in a fresh process, so a crasher is one
    by itself, not through what the files before it left behind."""
    found, pending = [], []
    os.environ["OMP_NUM_THREADS"] = "1"
    for i, data in raw_mutants(photos, most):
        pending.append((i, data))
        if len(pending) < batch:
            continue
        if not libraw_survives([d for _, d in pending]):
            found += [(j, d) for j, d in pending if not libraw_survives([d])]
            if len(found) >= wanted:
                return found[:wanted]
        pending = []
    return found


def flat_jpeg(width, height):
    """A gray baseline JPEG of width x height (multiples of 8) whose every
    block is flat: two bits a block (one-symbol Huffman tables)."""
    def seg(marker, body):
        return bytes([0xFF, marker]) + struct.pack(">H", len(body) + 2) + body

    blocks = (width // 8) * (height // 8)
    out = b"\xff\xd8" + seg(0xDB, b"\x00" + bytes([1] * 64))
    out += seg(0xC0, struct.pack(">BHHB", 8, height, width, 1) + b"\x01\x11\x00")
    out += seg(0xC4, b"\x00" + bytes([1] + [0] * 15) + b"\x00")
    out += seg(0xC4, b"\x10" + bytes([1] + [0] * 15) + b"\x00")
    out += seg(0xDA, b"\x01\x01\x00\x00\x3f\x00") + bytes(-(-2 * blocks // 8))
    return out + b"\xff\xd9"


def lying_dngs(photos, count):
    """DNGs of a 64x40 sensor whose preview tags say 64x64 (the sensor's
    size, near enough) while the JPEG they point to is 16000x16000."""
    src = Image.open(os.path.join(photos, "chelsea.png")).convert("RGB").resize((64, 64))
    jpeg = flat_jpeg(16000, 16000)
    return [make_dng.dng_bytes(src, "full", MAKERS[i % len(MAKERS)], preview_jpeg=jpeg) for i in range(count)]


def tile_bomb(size=4096, tile=8):
    """A DNG of a size x size sensor in tile x tile tiles (262,144 of them
    by default), every tile pointing at the same 128 bytes: LibRaw 0.20
    spends seconds per million tiles, which real DNGs (256 x 256 tiles and
    up) never have."""
    count = (size // tile) ** 2
    ifd = make_dng.Ifd()
    for tag, kind, values in [(254, make_dng.LONG, [0]), (256, make_dng.LONG, [size]), (257, make_dng.LONG, [size]),
                              (258, make_dng.SHORT, [16]), (259, make_dng.SHORT, [1]), (262, make_dng.SHORT, [32803]),
                              (271, make_dng.ASCII, "Photoscore"), (277, make_dng.SHORT, [1]),
                              (322, make_dng.LONG, [tile]), (323, make_dng.LONG, [tile]),
                              (324, make_dng.LONG, [0] * count), (325, make_dng.LONG, [tile * tile * 2] * count),
                              (33421, make_dng.SHORT, [2, 2]), (33422, make_dng.BYTE, [0, 1, 1, 2]),
                              (50706, make_dng.BYTE, [1, 4, 0, 0]), (50708, make_dng.ASCII, "Photoscore Tiles"),
                              (50721, make_dng.SRATIONAL, make_dng.XYZ_TO_SRGB)]:
        ifd.add(tag, kind, values)
    data_at = 8 + ifd.size()
    ifd.add(324, make_dng.LONG, [data_at] * count)
    return b"II*\0" + struct.pack("<I", 8) + ifd.pack(8) + bytes(tile * tile * 2)


def heif_tile(photos):
    """make_heif's coded tile: 64x64 of chelsea through heif-enc."""
    with tempfile.TemporaryDirectory() as tmp:
        Image.open(os.path.join(photos, "chelsea.png")).convert("RGB").resize((64, 64)).save(f"{tmp}/t.png")
        subprocess.run(["heif-enc", "-q", "50", f"{tmp}/t.png", "-o", f"{tmp}/t.heic"], check=True,
                       stdout=subprocess.DEVNULL)
        return make_heif.coded_tile(f"{tmp}/t.heic")


def main():
    warnings.simplefilter("ignore")  # Pillow warns on every damaged file it reads
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("photos")
    parser.add_argument("out")
    parser.add_argument("--raw-mutants", type=int, default=0)
    parser.add_argument("--raw-crashers", type=int, default=0)
    parser.add_argument("--raw-crashers-at", default="")
    parser.add_argument("--heif-attacks", action="store_true")
    parser.add_argument("--lying-dngs", type=int, default=0)
    parser.add_argument("--tile-bomb", action="store_true")
    args = parser.parse_args()
    photos, out = args.photos, args.out
    os.makedirs(out, exist_ok=True)
    manifest = {}

    def put(name, data, expect):
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)
        manifest[name] = expect

    classic = not (args.raw_mutants or args.raw_crashers or args.raw_crashers_at or args.heif_attacks or
                   args.lying_dngs or args.tile_bomb)
    if classic:
        classic_set(photos, put)
    for i, data in raw_mutants(photos, args.raw_mutants):
        put(f"mutant_{i:05d}.dng", data, "any")
    if args.raw_crashers:
        crashers = raw_crashers(photos, args.raw_crashers)
        if len(crashers) < args.raw_crashers:
            sys.exit(f"make_hostile: found {len(crashers)} of {args.raw_crashers} LibRaw crashers")
        for i, data in crashers:
            put(f"crash_{i:05d}.dng", data, "error")
    if args.raw_crashers_at:
        wanted = sorted(int(i) for i in args.raw_crashers_at.split(","))
        os.environ["OMP_NUM_THREADS"] = "1"
        for i, data in raw_mutants(photos, wanted[-1] + 1):
            if i not in wanted:
                continue
            if libraw_survives([data]):
                sys.exit(f"make_hostile: mutant {i} does not crash LibRaw (another LibRaw than 0.20?)")
            put(f"crash_{i:05d}.dng", data, "error")
    if args.heif_attacks:
        for name, (data, expect) in make_heif.attacks(heif_tile(photos)).items():
            put(name, data, expect)
    for i, data in enumerate(lying_dngs(photos, args.lying_dngs)):
        put(f"lying_preview_{i}.dng", data, "any")
    if args.tile_bomb:
        put("tile_bomb.dng", tile_bomb(), "error")

    with open(os.path.join(out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1, sort_keys=True)
    print(f"{len(manifest)} files in {out}")


def classic_set(photos, put):
    rng = random.Random(11)
    chelsea = Image.open(os.path.join(photos, "chelsea.png")).convert("RGB")
    rocket = Image.open(os.path.join(photos, "rocket.jpg")).convert("RGB").resize((300, 200))
    gray = chelsea.convert("L")
    sources = {
        "baseline.jpg": jpeg(chelsea),
        "progressive.jpg": jpeg(rocket, progressive=True),
        "gray420.jpg": jpeg(gray),
        "rgb.png": encoded(chelsea, "PNG"),
        "palette.png": encoded(rocket.convert("P"), "PNG"),
        "strips.tiff": encoded(rocket, "TIFF"),
        "lzw.tiff": encoded(rocket, "TIFF", compression="tiff_lzw"),
        "tiled.tiff": tiled_tiff(rocket, 16, 16),
        "lossy.webp": encoded(rocket, "WEBP", quality=80),
        "lossless.webp": encoded(rocket, "WEBP", lossless=True),
        "rgb24.bmp": encoded(rocket, "BMP"),
        "indexed8.bmp": encoded(rocket.convert("P"), "BMP"),
    }
    for name, data in sources.items():
        put("valid_" + name, data, "ok")

    # Truncations: from inside the header to just short of the end.
    cuts = [8, 16, 40, 100, 300, 1000]
    fractions = [0.1, 0.25, 0.4, 0.5, 0.6, 0.75, 0.9, 0.97]
    for name, data in sources.items():
        stem, ext = name.rsplit(".", 1)
        points = sorted({c for c in cuts if c < len(data)} | {int(len(data) * f) for f in fractions})
        for n in points:
            cut = data[:n]
            put(f"cut_{stem}_{n:06d}.{ext}", cut, "error" if pillow_refuses(cut) else "any")

    # Valid content behind another format's extension: decoded by content.
    put("lie_jpeg_as.png", sources["baseline.jpg"], "ok")
    put("lie_png_as.jpg", sources["rgb.png"], "ok")
    put("lie_tiff_as.webp", sources["strips.tiff"], "ok")
    put("lie_webp_as.bmp", sources["lossy.webp"], "ok")
    put("lie_bmp_as.tiff", sources["rgb24.bmp"], "ok")
    put("lie_text_as.jpg", b"hello, this is not a photo\n" * 10, "error")

    # Header bombs: a few KB claiming hundreds of megapixels.
    small = chelsea.resize((64, 64))
    put("bomb_baseline.jpg", patch_jpeg_size(jpeg(small), 20000, 20000), "error")
    put("bomb_progressive.jpg", patch_jpeg_size(jpeg(small, progressive=True), 20000, 20000), "error")
    put("bomb_gray.jpg", patch_jpeg_size(jpeg(small.convert("L")), 20000, 20000), "error")
    put("bomb_cut.jpg", patch_jpeg_size(jpeg(small), 20000, 20000)[:-200], "error")
    put("bomb_gray1.png", png_bomb(20000, 24000, 1, 0, 0), "error")
    put("bomb_palette1.png", png_bomb(20000, 24000, 1, 3, 0), "error")
    put("bomb_interlaced.png", png_bomb(20000, 24000, 1, 0, 1), "error")
    put("bomb_rgb.png", png_bomb(5000, 5000, 8, 2, 0), "error")
    put("bomb_strip.tiff", tiff(20000, 20000, [(0, 20000 * 20000 * 3)], data=bytes(64)), "error")
    put("bomb_deflate.tiff", tiff(20000, 20000, [(0, 64)], compression=8, data=bytes(64)), "error")
    put("bomb_16bit.tiff", tiff(16000, 16000, [(0, 64)], bits=16, compression=8, data=bytes(64)), "error")
    put("bomb_ccitt.tiff", tiff(20000, 20000, [(0, 64)], bits=1, samples=1, compression=4, data=bytes(64)), "error")
    put("bomb_tiled.tiff", tiff(20000, 20000, [(0, 64)] * 1, tile=(20000, 20000), data=bytes(64)), "error")
    put("bomb_lossy.webp", patch_webp_size(sources["lossy.webp"], 16383, 16383), "error")
    put("bomb_lossless.webp", patch_webp_size(sources["lossless.webp"], 16383, 16383), "error")
    bmp = bytearray(sources["rgb24.bmp"][:4096])
    bmp[18:26] = struct.pack("<ii", 20000, 20000)
    put("bomb.bmp", bytes(bmp), "error")
    put("bomb_scans.jpg", scan_bomb(), "error")

    # Flat 25-megapixel photos: a few KB that truly hold what their header
    # claims, which the checks against header bombs must let through.
    flat = Image.new("RGB", (5000, 5000), (90, 120, 150))
    put("flat_large.png", encoded(flat.convert("L"), "PNG"), "ok")
    put("flat_large.webp", encoded(flat, "WEBP", lossless=True), "ok")
    put("flat_lossy.webp", encoded(flat, "WEBP", quality=50), "ok")
    put("flat_large.tiff", encoded(flat, "TIFF", compression="tiff_adobe_deflate"), "ok")
    put("flat_large.jpg", jpeg(flat.convert("L")), "ok")

    # Mutations: a few random bytes of each valid file overwritten.
    for name, data in sources.items():
        stem, ext = name.rsplit(".", 1)
        for k in range(4):
            b = bytearray(data)
            for _ in range(1 + 3 * k):
                b[rng.randrange(8, len(b))] = rng.randrange(256)
            put(f"mut_{stem}_{k}.{ext}", bytes(b), "any")


if __name__ == "__main__":
    main()
