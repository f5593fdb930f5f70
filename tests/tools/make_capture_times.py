#!/usr/bin/python3
"""Writes the capture-time fixtures of tests/data/capture_times: a TIFF, a DNG
and a HEIC whose EXIF capture time is known from how they were made.

    /usr/bin/python3 make_capture_times.py PHOTO OUT_DIR

Each is a 64x48 crop of PHOTO (a few KB), stamped by exiftool (an independent
writer: photoscore reads the fields with Exiv2) with DateTimeOriginal,
SubSecTimeOriginal and OffsetTimeOriginal as TIMES below says; exiftool then
reads every file back, and the script fails unless it reads what was
written. The HEIC is encoded by heif-enc (libheif-examples) and stamped
like the others; the DNG is make_dng.py's. A copy without any time
(none.dng, none.heic) comes with each RAW and HEIC, for the "no time" case.
Needs Debian's /usr/bin/python3 (python3-pil, python3-numpy), exiftool and
heif-enc.
"""
import os
import subprocess
import sys
import tempfile

from PIL import Image

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_dng  # noqa: E402

# file: (DateTimeOriginal, SubSecTimeOriginal, OffsetTimeOriginal); the
# tests expect the ISO text these make ("2024-05-01T12:34:56.78+02:00").
TIMES = {
    "taken.tiff": ("2024:05:01 12:34:56", "78", "+02:00"),
    "taken.dng": ("2023:11:05 07:08:09", "125", "-05:00"),
    "taken.heic": ("2022:02:28 23:59:59", "5", "+09:30"),
}


def stamp(path, taken):
    date_time, subsec, offset = taken
    subprocess.run(["exiftool", "-q", "-overwrite_original", f"-EXIF:DateTimeOriginal={date_time}",
                    f"-EXIF:SubSecTimeOriginal={subsec}", f"-EXIF:OffsetTimeOriginal={offset}", path],
                   check=True)


def read_back(path):
    out = subprocess.run(["exiftool", "-q", "-s3", "-EXIF:DateTimeOriginal", "-EXIF:SubSecTimeOriginal",
                          "-EXIF:OffsetTimeOriginal", path], check=True, capture_output=True, text=True)
    return tuple(out.stdout.split("\n")[:3]) if out.stdout.strip() else ()


def main():
    source, out_dir = sys.argv[1], sys.argv[2]
    os.makedirs(out_dir, exist_ok=True)
    crop = Image.open(source).convert("RGB").crop((200, 150, 264, 198))
    crop.save(os.path.join(out_dir, "taken.tiff"), "TIFF")
    for name in ("taken.dng", "none.dng"):
        with open(os.path.join(out_dir, name), "wb") as f:
            f.write(make_dng.dng_bytes(crop, "full"))
    with tempfile.TemporaryDirectory() as tmp:
        png = os.path.join(tmp, "crop.png")
        crop.save(png)
        for name in ("taken.heic", "none.heic"):
            subprocess.run(["heif-enc", "-q", "90", png, "-o", os.path.join(out_dir, name)], check=True,
                           stdout=subprocess.DEVNULL)
    for name, taken in TIMES.items():
        path = os.path.join(out_dir, name)
        stamp(path, taken)
        if read_back(path) != taken:
            sys.exit(f"{name}: exiftool reads {read_back(path)}, not {taken}")
    for name in ("none.dng", "none.heic"):
        if read_back(os.path.join(out_dir, name)):
            sys.exit(f"{name}: has a capture time")


if __name__ == "__main__":
    main()
