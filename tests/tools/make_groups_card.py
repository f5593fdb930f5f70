#!/usr/bin/python3
"""A card whose bursts and duplicates are known because this script made them,
for e2e_groups.sh.

    /usr/bin/python3 make_groups_card.py PHOTOS_DIR CARD_DIR TRUTH.json

From tests/data/photos, every file a JPEG with EXIF DateTimeOriginal,
SubSecTimeOriginal and OffsetTimeOriginal as a camera writes them (Pillow),
unless said otherwise:

  burst1_1..3.jpg     rocket.jpg 0.3 s apart, each cropped a few pixels
                      further (a hand moving): _1 sharp, _2 blurred (a
                      3-pixel Gaussian), _3 darkened to 35 %: the best is _1
  burst2_1..3.jpg     chelsea.png an hour later: _1 sharp, _2 sharp and 5 %
                      brighter, _3 blurred: the best is _1 or _2
  coffee.jpg          coffee.png, two hours later
  export/coffee_half.jpg  the same photo at half size, JPEG quality 75, no
                      EXIF (an export): a duplicate of coffee.jpg
  near1..3.jpg        astronaut, camera and hubble_deep_field one second
                      apart: different photos, no group
  retina.jpg          no EXIF, alone
  broken.jpg          the first 2,000 bytes of rocket.jpg: an error row

TRUTH.json: the groups in the order of their first member (files sorted as
photoscore -r lists them), each {"kind", "members", "best": [the members
that may be the best]}.
"""
import json
import sys
from pathlib import Path

from PIL import Image, ImageEnhance, ImageFilter

# The frames' EXIF as analysis/groups_eval.py writes its card's.
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "analysis"))
from groups_eval import exif_bytes  # noqa: E402


def save(image, path, seconds, quality=92):
    path.parent.mkdir(parents=True, exist_ok=True)
    kwargs = {"quality": quality}
    if seconds is not None:
        kwargs["exif"] = exif_bytes(seconds)
    image.convert("RGB").save(path, "JPEG", **kwargs)


def shifted(image, by):
    """The photo with `by` pixels cropped off its left and top and 4 - `by`
    off its right and bottom: the frame moved by `by` pixels."""
    w, h = image.size
    return image.crop((by, by, w - 4 + by, h - 4 + by))


def main():
    photos, card, truth_path = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    card.mkdir(parents=True)
    rocket = Image.open(photos / "rocket.jpg").convert("RGB")
    save(shifted(rocket, 0), card / "burst1_1.jpg", 0.0)
    save(shifted(rocket, 2).filter(ImageFilter.GaussianBlur(3)), card / "burst1_2.jpg", 0.3)
    save(ImageEnhance.Brightness(shifted(rocket, 4)).enhance(0.35), card / "burst1_3.jpg", 0.6)
    chelsea = Image.open(photos / "chelsea.png").convert("RGB")
    save(shifted(chelsea, 0), card / "burst2_1.jpg", 3600.0)
    save(ImageEnhance.Brightness(shifted(chelsea, 2)).enhance(1.05), card / "burst2_2.jpg", 3600.3)
    save(shifted(chelsea, 4).filter(ImageFilter.GaussianBlur(3)), card / "burst2_3.jpg", 3600.6)
    coffee = Image.open(photos / "coffee.png").convert("RGB")
    save(coffee, card / "coffee.jpg", 7200.0)
    half = coffee.resize((coffee.width // 2, coffee.height // 2), Image.LANCZOS)
    save(half, card / "export" / "coffee_half.jpg", None, quality=75)
    for i, name in enumerate(["astronaut.png", "camera.png", "hubble_deep_field.jpg"]):
        save(Image.open(photos / name).convert("RGB"), card / f"near{i + 1}.jpg", 10800.0 + i)
    save(Image.open(photos / "retina.jpg").convert("RGB"), card / "retina.jpg", None)
    (card / "broken.jpg").write_bytes((photos / "rocket.jpg").read_bytes()[:2000])

    truth = [
        {"kind": "burst", "members": ["burst1_1.jpg", "burst1_2.jpg", "burst1_3.jpg"], "best": ["burst1_1.jpg"]},
        {"kind": "burst", "members": ["burst2_1.jpg", "burst2_2.jpg", "burst2_3.jpg"],
         "best": ["burst2_1.jpg", "burst2_2.jpg"]},
        {"kind": "duplicate", "members": ["coffee.jpg", "export/coffee_half.jpg"],
         "best": ["coffee.jpg", "export/coffee_half.jpg"]},
    ]
    truth_path.write_text(json.dumps(truth, indent=1) + "\n")


if __name__ == "__main__":
    main()
