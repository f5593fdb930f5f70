#!/usr/bin/python3
"""Writes a small but valid DNG made from an ordinary photo, for tests.

    /usr/bin/python3 make_dng.py SOURCE OUT.dng [--preview full|thumb|none] [--make NAME]

No DNG ships in Debian that a test could borrow, and exiftool cannot make
one, so this builds it: IFD0 holds a JPEG preview (NewSubFileType 1), its
SubIFD the raw CFA data (RGGB Bayer, 16-bit, uncompressed, linear), with a
color matrix that makes the camera's space linear sRGB, so LibRaw's demosaic
gives back a picture close to SOURCE. --preview full embeds a preview the
size of the sensor (photoscore scores it); thumb embeds a 1/8-size one,
below photoscore's quarter-of-the-sensor cut, so the raw data is demosaiced;
none embeds none. make_hostile.py imports dng_bytes() for its mutants.
Needs Debian's /usr/bin/python3 (python3-pil, python3-numpy).
"""
import argparse
import io
import struct

import numpy as np
from PIL import Image

BYTE, ASCII, SHORT, LONG, RATIONAL, SRATIONAL = 1, 2, 3, 4, 5, 10
SIZES = {BYTE: 1, ASCII: 1, SHORT: 2, LONG: 4, RATIONAL: 8, SRATIONAL: 8}
# XYZ (D65) -> linear sRGB: DNG's ColorMatrix1 maps XYZ to camera space.
XYZ_TO_SRGB = [3.2406, -1.5372, -0.4986, -0.9689, 1.8758, 0.0415, 0.0557, -0.2040, 1.0570]


def pack_values(kind, values):
    if kind == ASCII:
        return values.encode("ascii") + b"\0"
    if kind == BYTE:
        return bytes(values)
    if kind == SHORT:
        return struct.pack(f"<{len(values)}H", *values)
    if kind == LONG:
        return struct.pack(f"<{len(values)}I", *values)
    fmt = "<ii" if kind == SRATIONAL else "<II"
    return b"".join(struct.pack(fmt, round(v * 10000), 10000) for v in values)


class Ifd:
    """A TIFF IFD whose entries are laid out once every offset is known."""

    def __init__(self):
        self.entries = {}

    def add(self, tag, kind, values):
        self.entries[tag] = (kind, values)

    def size(self):
        extra = 0
        for kind, values in self.entries.values():
            data = pack_values(kind, values)
            extra += (len(data) + 1) & ~1 if len(data) > 4 else 0
        return 2 + 12 * len(self.entries) + 4 + extra

    def pack(self, at):
        count = len(self.entries)
        extra_at = at + 2 + 12 * count + 4
        head, extra = struct.pack("<H", count), b""
        for tag in sorted(self.entries):
            kind, values = self.entries[tag]
            data = pack_values(kind, values)
            n = len(data) // SIZES[kind]
            if len(data) <= 4:
                head += struct.pack("<HHI", tag, kind, n) + data.ljust(4, b"\0")
            else:
                head += struct.pack("<HHII", tag, kind, n, extra_at + len(extra))
                extra += data + (b"\0" if len(data) % 2 else b"")
        return head + struct.pack("<I", 0) + extra


def dng_bytes(rgb, preview="full", make="Photoscore", preview_jpeg=None):
    """A DNG of the PIL image `rgb` (cropped to whole 2x2 Bayer cells).
    preview: "full" (the sensor's size), "thumb" (1/8) or "none"; make: the
    Make tag (LibRaw takes other paths for other makers' names);
    preview_jpeg: JPEG bytes to embed instead, with the tags still saying
    the preview's size (a lying preview)."""
    width, height = rgb.size[0] & ~1, rgb.size[1] & ~1  # whole 2x2 Bayer cells
    rgb = rgb.crop((0, 0, width, height))
    preview_image = rgb if preview == "full" else rgb.resize((max(width // 8, 1), max(height // 8, 1)))
    if preview_jpeg is None:
        buf = io.BytesIO()
        preview_image.save(buf, "JPEG", quality=92)
        jpeg = buf.getvalue()
    else:
        jpeg = preview_jpeg

    srgb = np.asarray(rgb, dtype=np.float64) / 255.0
    linear = np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)
    cfa = np.empty((height, width), dtype=np.float64)
    cfa[0::2, 0::2] = linear[0::2, 0::2, 0]  # R G
    cfa[0::2, 1::2] = linear[0::2, 1::2, 1]  # G B
    cfa[1::2, 0::2] = linear[1::2, 0::2, 1]
    cfa[1::2, 1::2] = linear[1::2, 1::2, 2]
    raw = np.round(cfa * 65535).astype("<u2").tobytes()

    ifd0, sub = Ifd(), Ifd()
    if preview == "none":
        # IFD0 the raw data itself, no preview.
        ifd0 = sub
    else:
        ifd0.add(254, LONG, [1])
        ifd0.add(256, LONG, [preview_image.size[0]])
        ifd0.add(257, LONG, [preview_image.size[1]])
        ifd0.add(258, SHORT, [8, 8, 8])
        ifd0.add(259, SHORT, [7])
        ifd0.add(262, SHORT, [6])
        ifd0.add(273, LONG, [0])  # offsets patched below, once the layout is known
        ifd0.add(277, SHORT, [3])
        ifd0.add(278, LONG, [preview_image.size[1]])
        ifd0.add(279, LONG, [len(jpeg)])
        ifd0.add(330, LONG, [0])
    ifd0.add(271, ASCII, make)
    ifd0.add(272, ASCII, "Test DNG")
    ifd0.add(50706, BYTE, [1, 4, 0, 0])
    ifd0.add(50707, BYTE, [1, 1, 0, 0])
    ifd0.add(50708, ASCII, make + " Test DNG")
    ifd0.add(50721, SRATIONAL, XYZ_TO_SRGB)
    ifd0.add(50728, RATIONAL, [1.0, 1.0, 1.0])
    ifd0.add(50778, SHORT, [21])
    sub.add(254, LONG, [0])
    sub.add(256, LONG, [width])
    sub.add(257, LONG, [height])
    sub.add(258, SHORT, [16])
    sub.add(259, SHORT, [1])
    sub.add(262, SHORT, [32803])
    sub.add(273, LONG, [0])
    sub.add(277, SHORT, [1])
    sub.add(278, LONG, [height])
    sub.add(279, LONG, [len(raw)])
    sub.add(33421, SHORT, [2, 2])
    sub.add(33422, BYTE, [0, 1, 1, 2])
    sub.add(50714, LONG, [0])
    sub.add(50717, LONG, [65535])

    ifd0_at = 8
    if preview == "none":
        raw_at = ifd0_at + ifd0.size()
        raw_at += raw_at & 1
        ifd0.add(273, LONG, [raw_at])
        head = b"II*\0" + struct.pack("<I", ifd0_at) + ifd0.pack(ifd0_at)
        return head.ljust(raw_at, b"\0") + raw
    sub_at = ifd0_at + ifd0.size()
    jpeg_at = sub_at + sub.size()
    raw_at = jpeg_at + len(jpeg) + (len(jpeg) & 1)
    ifd0.add(273, LONG, [jpeg_at])
    ifd0.add(330, LONG, [sub_at])
    sub.add(273, LONG, [raw_at])
    return (b"II*\0" + struct.pack("<I", ifd0_at) + ifd0.pack(ifd0_at) + sub.pack(sub_at) + jpeg +
            (b"\0" if len(jpeg) & 1 else b"") + raw)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source")
    parser.add_argument("out")
    parser.add_argument("--preview", choices=["full", "thumb", "none"], default="full")
    parser.add_argument("--make", default="Photoscore")
    args = parser.parse_args()
    with open(args.out, "wb") as f:
        f.write(dng_bytes(Image.open(args.source).convert("RGB"), args.preview, args.make))


if __name__ == "__main__":
    main()
