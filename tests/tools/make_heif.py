#!/usr/bin/python3
"""HEIF files built box by box, for the hostile-input tests.

    /usr/bin/python3 make_heif.py TILE.heic OUT_DIR

heif-enc makes one honest coded image (TILE.heic, e.g. 64x64); this module
takes its HEVC configuration and data and builds files around it that an
encoder would never write, each a few hundred bytes to a few hundred KB:

  iden_chain.heic        the primary image an `iden` of an `iden` of ... (8,000
                         deep): libheif 1.15 follows the chain recursively and
                         runs out of stack
  lying_overlay.heic     an `iovl` overlay whose canvas is 20000x12000 while
                         its `ispe` says 64x64
  lying_overlay_max.heic the same at 32767x15000
  nested_grid.heic       a grid of grids of one tile, 16384x16384 in all
  many_items.heic        19,990 coded items (libheif refuses a box of more than 20,000 children) beside the primary one
  grid.heic              an honest 2x2 grid (128x128): must still decode

make_hostile.py imports build() and the attack makers; run as a script, this
writes them all to OUT_DIR. Needs only the standard library.
"""
import os
import struct
import sys


def box(kind, body):
    return struct.pack(">I", 8 + len(body)) + kind + body


def full_box(kind, version, flags, body):
    return box(kind, struct.pack(">I", (version << 24) | flags) + body)


def children(data, start, end):
    """(type, body start, box end) of each box in data[start:end]."""
    out = []
    at = start
    while at + 8 <= end:
        size, kind = struct.unpack(">I4s", data[at:at + 8])
        head = 8
        if size == 1:
            size = struct.unpack(">Q", data[at + 8:at + 16])[0]
            head = 16
        elif size == 0:
            size = end - at
        out.append((kind, at + head, at + size))
        at += size
    return out


def coded_tile(path):
    """(hvcC box bytes, coded data, width, height) of a heif-enc file's primary image."""
    data = open(path, "rb").read()
    top = {k: (s, e) for k, s, e in children(data, 0, len(data))}
    ms, me = top[b"meta"]
    meta = {k: (s, e) for k, s, e in children(data, ms + 4, me)}
    ps, pe = meta[b"iprp"]
    iprp = {k: (s, e) for k, s, e in children(data, ps, pe)}
    cs, ce = iprp[b"ipco"]
    hvcc = ispe = None
    for kind, s, e in children(data, cs, ce):
        if kind == b"hvcC":
            hvcc = data[s - 8:e]
        if kind == b"ispe":
            ispe = struct.unpack(">II", data[s + 4:s + 12])
    ls, le = meta[b"iloc"]
    body = data[ls:le]
    version = body[0]
    sizes = struct.unpack(">H", body[4:6])[0]
    offset_size, length_size, base_size = sizes >> 12, (sizes >> 8) & 15, (sizes >> 4) & 15
    index_size = sizes & 15 if version >= 1 else 0
    at = 6

    def take(n):
        nonlocal at
        value = int.from_bytes(body[at:at + n], "big") if n else 0
        at += n
        return value

    assert take(2 if version < 2 else 4) == 1, "one item expected"
    take(2 if version < 2 else 4)  # item ID
    if version >= 1:
        take(2)  # construction method
    take(2)  # data reference index
    base = take(base_size)
    coded = b""
    for _ in range(take(2)):
        take(index_size)
        off, length = take(offset_size), take(length_size)
        coded += data[base + off:base + off + length]
    return hvcc, coded, ispe[0], ispe[1]


def ispe(width, height):
    return full_box(b"ispe", 0, 0, struct.pack(">II", width, height))


def build(items, primary, refs=(), idat=b""):
    """A HEIF file. items: list of dicts with id, type (b"hvc1", b"grid",
    b"iovl", b"iden"), props (list of property boxes), hidden, and either
    data (bytes stored in mdat) or idat (offset, length) into `idat`.
    refs: (from_id, [to_ids]) dimg references."""
    props, prop_index = [], {}
    assoc = []
    for item in items:
        indices = []
        for p in item.get("props", []):
            if p not in prop_index:
                props.append(p)
                prop_index[p] = len(props)
            indices.append(prop_index[p])
        assoc.append((item["id"], indices))
    wide_ids = any(i > 0xFFFF for i, _ in assoc)
    assert not wide_ids
    big_index = len(props) > 127
    ipma = struct.pack(">I", len(assoc))
    for item_id, indices in assoc:
        ipma += struct.pack(">HB", item_id, len(indices))
        for i in indices:
            ipma += struct.pack(">H", 0x8000 | i) if big_index else struct.pack(">B", 0x80 | i)
    iprp = box(b"iprp", box(b"ipco", b"".join(props)) + full_box(b"ipma", 0, 1 if big_index else 0, ipma))
    infes = b"".join(
        full_box(b"infe", 2, 1 if item.get("hidden") else 0,
                 struct.pack(">HH", item["id"], 0) + item["type"] + b"\0") for item in items)
    iinf = full_box(b"iinf", 1, 0, struct.pack(">I", len(items)) + infes)
    iref = b""
    if refs:
        iref = full_box(b"iref", 0, 0, b"".join(
            box(b"dimg", struct.pack(">HH", src, len(dst)) + b"".join(struct.pack(">H", d) for d in dst))
            for src, dst in refs))
    hdlr = full_box(b"hdlr", 0, 0, b"\0\0\0\0pict" + bytes(12) + b"\0")
    pitm = full_box(b"pitm", 0, 0, struct.pack(">H", primary))
    ftyp = box(b"ftyp", b"heic" + struct.pack(">I", 0) + b"mif1heicmiaf")

    def iloc(mdat_at):
        entries = b""
        at = mdat_at
        placed = {}
        for item in items:
            if "data" in item:
                key = id(item["data"])
                if key not in placed:  # items with the same bytes share them
                    placed[key] = at
                    at += len(item["data"])
                entries += struct.pack(">HHHHII", item["id"], 0, 0, 1, placed[key], len(item["data"]))
            elif "idat" in item:
                off, length = item["idat"]
                entries += struct.pack(">HHHHII", item["id"], 1, 0, 1, off, length)
            else:
                entries += struct.pack(">HHHH", item["id"], 0, 0, 0)
        return full_box(b"iloc", 1, 0, struct.pack(">HH", 0x4400, len(items)) + entries)

    idat_box = box(b"idat", idat) if idat else b""

    def meta(mdat_at):
        return full_box(b"meta", 0, 0, hdlr + pitm + iloc(mdat_at) + iinf + iref + iprp + idat_box)

    mdat_body, seen = b"", set()
    for item in items:
        if "data" in item and id(item["data"]) not in seen:
            seen.add(id(item["data"]))
            mdat_body += item["data"]
    head = len(ftyp) + len(meta(0)) + 8  # meta's size does not depend on the offsets
    return ftyp + meta(head) + box(b"mdat", mdat_body)


def tile_item(tile, item_id, hidden=True):
    hvcc, coded, w, h = tile
    return {"id": item_id, "type": b"hvc1", "props": [hvcc, ispe(w, h)], "data": coded, "hidden": hidden}


def iden_chain(tile, depth):
    """The primary image an iden of an iden ... of the coded tile, `depth` deep."""
    w, h = tile[2], tile[3]
    items = [tile_item(tile, 1)]
    refs = []
    for i in range(2, depth + 2):
        items.append({"id": i, "type": b"iden", "props": [ispe(w, h)], "hidden": i != depth + 1})
        refs.append((i, [i - 1]))
    return build(items, depth + 1, refs)


def overlay_data(width, height, offsets):
    wide = width > 0xFFFF or height > 0xFFFF
    field = ">I" if wide else ">H"
    out = struct.pack(">BB", 0, 1 if wide else 0) + struct.pack(">HHHH", 0, 0, 0, 0xFFFF)
    out += struct.pack(field, width) + struct.pack(field, height)
    for x, y in offsets:
        out += struct.pack(field.replace("I", "i").replace("H", "h"), x) + \
            struct.pack(field.replace("I", "i").replace("H", "h"), y)
    return out


def lying_overlay(tile, width, height):
    """An iovl canvas of width x height holding the tile once, whose ispe says the tile's size."""
    data = overlay_data(width, height, [(0, 0)])
    items = [tile_item(tile, 1),
             {"id": 2, "type": b"iovl", "props": [ispe(tile[2], tile[3])], "idat": (0, len(data))}]
    return build(items, 2, [(2, [1])], idat=data)


def grid_data(rows, cols, width, height):
    wide = width > 0xFFFF or height > 0xFFFF
    out = struct.pack(">BBBB", 0, 1 if wide else 0, rows - 1, cols - 1)
    return out + (struct.pack(">II", width, height) if wide else struct.pack(">HH", width, height))


def grid(tile, rows, cols):
    """An honest grid of rows x cols copies of the tile."""
    w, h = tile[2], tile[3]
    data = grid_data(rows, cols, cols * w, rows * h)
    items = [tile_item(tile, 1),
             {"id": 2, "type": b"grid", "props": [ispe(cols * w, rows * h)], "idat": (0, len(data))}]
    return build(items, 2, [(2, [1] * (rows * cols))], idat=data)


def nested_grid(tile, inner, outer):
    """A grid of outer x outer copies of a grid of inner x inner copies of the tile."""
    w, h = tile[2], tile[3]
    iw, ih = inner * w, inner * h
    ow, oh = outer * iw, outer * ih
    inner_data = grid_data(inner, inner, iw, ih)
    outer_data = grid_data(outer, outer, ow, oh)
    items = [tile_item(tile, 1),
             {"id": 2, "type": b"grid", "props": [ispe(iw, ih)], "idat": (0, len(inner_data)), "hidden": True},
             {"id": 3, "type": b"grid", "props": [ispe(ow, oh)], "idat": (len(inner_data), len(outer_data))}]
    refs = [(2, [1] * (inner * inner)), (3, [2] * (outer * outer))]
    return build(items, 3, refs, idat=inner_data + outer_data)


def many_items(tile, count):
    """The tile as primary image, and `count` more coded items sharing its data."""
    items = [tile_item(tile, 1, hidden=False)]
    for i in range(2, count + 2):
        items.append(tile_item(tile, i))
    return build(items, 1)


def attacks(tile):
    """{name: (bytes, what a run must give)} for every HEIF attack here."""
    return {
        "iden_chain.heic": (iden_chain(tile, 8000), "error"),
        "lying_overlay.heic": (lying_overlay(tile, 20000, 12000), "any"),
        "lying_overlay_max.heic": (lying_overlay(tile, 32767, 15000), "any"),
        "nested_grid.heic": (nested_grid(tile, 16, 16), "any"),
        "many_items.heic": (many_items(tile, 19990), "any"),
        "grid.heic": (grid(tile, 2, 2), "ok"),
    }


def main():
    tile = coded_tile(sys.argv[1])
    out = sys.argv[2]
    os.makedirs(out, exist_ok=True)
    for name, (data, _) in attacks(tile).items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)
        print(f"{name}: {len(data)} bytes")


if __name__ == "__main__":
    main()
