#!/usr/bin/python3
"""Merge the shards of a photoscore job array into one JSONL and one HDF5 file.

  slurm/merge_shards.py OUTPUT_DIR                 shards in OUTPUT_DIR -> OUTPUT_DIR/photo_scores.{jsonl,h5}
  slurm/merge_shards.py --jsonl all.jsonl --h5 all.h5 out/shard-*-of-4.jsonl

Shard I of N (`photoscore --shard I/N`, written by slurm/photoscore-array.sbatch
as shard-I-of-N.jsonl and shard-I-of-N.h5) holds the files I, I+N, I+2N, ... of
the folder's sorted list, so the merge deals the rows back out in that order:
the merged JSONL is byte for byte the JSONL of one run over the whole folder.

The merged HDF5 has /scores (and /timing/images) in that same order; /run has
the attributes of the shards with images and errors summed, start_time the
earliest, end_time the latest and wall_seconds the longest shard's, and records
the shards: shards ("I/N" each), shard_files, shard_slurm_job_ids,
shard_command_lines, shard_wall_seconds; slurm_job_id is the array's job id.
/timing/ranks has every shard's rows, and /timing/ranks_shard says which shard
each row came from.

Refuses, with a message, when a shard is missing, given twice, from another
shard count, cut short (fewer rows than its share of the folder), or when the
shards disagree on the scoring (version, analyzers, weights, thresholds, input
folder) or repeat a photo. Exit status 0 merged, 2 refused.
"""
import argparse
import json
import os
import re
import sys
from pathlib import Path

SHARD_NAME = re.compile(r"^shard-(\d+)-of-(\d+)\.jsonl$")
# /run attributes that must agree for the merge to equal one run's results.
MUST_AGREE = ("photoscore_version", "git_hash", "input_dir", "analyzers", "weights", "thresholds")


class MergeError(Exception):
    pass


class Shard:
    def __init__(self, jsonl, index, count):
        self.jsonl = Path(jsonl)
        self.index = index
        self.count = count
        h5 = self.jsonl.with_suffix(".h5")
        self.h5 = h5 if h5.exists() else None
        self.lines = []
        self.names = []

    def label(self):
        return f"{self.index}/{self.count} ({self.jsonl})"


def shard_of_h5(path):
    """The /run shard attribute of an HDF5 file, as (I, N), or None."""
    try:
        import h5py
    except ImportError:
        return None
    try:
        with h5py.File(path, "r") as f:
            text = f["run"].attrs.get("shard", "")
    except (OSError, KeyError):
        return None
    if isinstance(text, bytes):
        text = text.decode()
    m = re.fullmatch(r"(\d+)/(\d+)", str(text))
    return (int(m.group(1)), int(m.group(2))) if m else None


def find_shards(inputs, outputs):
    paths = []
    for item in inputs:
        p = Path(item)
        if p.is_dir():
            found = sorted(q for q in p.iterdir() if SHARD_NAME.match(q.name))
            if not found:
                raise MergeError(f"no shard-I-of-N.jsonl files in {p}")
            paths += found
        elif p.is_file():
            paths.append(p)
        else:
            raise MergeError(f"{p}: no such file or folder")
    shards = []
    for p in paths:
        if p.resolve() in outputs:
            continue  # an earlier merge's output in the same folder
        m = SHARD_NAME.match(p.name)
        if m:
            index, count = int(m.group(1)), int(m.group(2))
        else:
            h5 = p.with_suffix(".h5")
            got = shard_of_h5(h5) if h5.exists() else None
            if got is None:
                raise MergeError(f"{p}: cannot tell which shard this is (name it shard-I-of-N.jsonl, or keep "
                                 f"its .h5, whose /run shard attribute says I/N)")
            index, count = got
        shards.append(Shard(p, index, count))
    if not shards:
        raise MergeError("no shards to merge")
    counts = sorted({s.count for s in shards})
    if len(counts) > 1:
        raise MergeError(f"shards of different shard counts: N = {', '.join(map(str, counts))} "
                         f"(remove the shards of the other run)")
    n = counts[0]
    by_index = {}
    for s in shards:
        if not 0 <= s.index < n:
            raise MergeError(f"{s.jsonl}: shard {s.index} is not a shard of {n}")
        if s.index in by_index:
            other = by_index[s.index]
            raise MergeError(f"shard {s.index}/{n} given twice: {other.jsonl} and {s.jsonl}")
        by_index[s.index] = s
    missing = [i for i in range(n) if i not in by_index]
    if missing:
        where = shards[0].jsonl.parent
        raise MergeError(f"missing shard(s) {', '.join(map(str, missing))} of {n}: expected "
                         + ", ".join(str(where / f"shard-{i}-of-{n}.jsonl") for i in missing[:4])
                         + (" ..." if len(missing) > 4 else ""))
    return [by_index[i] for i in range(n)]


def read_jsonl(shard):
    data = shard.jsonl.read_bytes()
    if data and not data.endswith(b"\n"):
        raise MergeError(f"{shard.jsonl}: last row is cut short (no newline): was the task killed?")
    for number, line in enumerate(data.splitlines(keepends=True), 1):
        try:
            name = json.loads(line)["filename"]
        except (ValueError, KeyError, TypeError):
            raise MergeError(f"{shard.jsonl}:{number}: not a photoscore JSONL row")
        shard.lines.append(line)
        shard.names.append(name)


def check_counts(shards):
    n = len(shards)
    total = sum(len(s.lines) for s in shards)
    for s in shards:
        expected = (total - s.index + n - 1) // n if total > s.index else 0
        if len(s.lines) != expected:
            most = max(len(t.lines) for t in shards)
            last_full = max(t.index for t in shards if len(t.lines) == most)
            short = [t for t in shards if len(t.lines) < most - 1 or
                     (len(t.lines) == most - 1 and t.index < last_full)]
            counts = ", ".join(f"shard {t.index}: {len(t.lines)}" for t in shards)
            raise MergeError(f"the shards' row counts ({counts}) cannot come from one folder: shard I holds "
                             f"every N-th file (N = {n}) from the I-th, so counts differ by at most one, the larger first. "
                             + (f"Cut short (task killed or failed?) or from another run: "
                                f"{', '.join(str(t.jsonl) for t in short)}" if short else
                                "A shard is cut short or from another run (--max-images does not shard evenly)"))
    return total


def interleave(per_shard, total):
    """Rows of shard i are the global rows i, i+N, ...: deal them back."""
    n = len(per_shard)
    out = [None] * total
    for i, rows in enumerate(per_shard):
        out[i::n] = rows
    return out


def check_order(names, shards):
    seen = {}
    for k, name in enumerate(names):
        if name in seen:
            a, b = shards[seen[name] % len(shards)], shards[k % len(shards)]
            raise MergeError(f"{name!r} is in shard {a.label()} and in shard {b.label()}: "
                             f"shards of different runs?")
        seen[name] = k
    encoded = [n.encode("utf-8", "surrogateescape") for n in names]
    for k in range(1, len(encoded)):
        if encoded[k - 1] >= encoded[k]:
            raise MergeError(f"the shards do not interleave into the sorted file list ({names[k - 1]!r} "
                             f"before {names[k]!r}): shards of different folders or runs?")


def write_atomic(path, writer):
    path = Path(path)
    tmp = path.with_name(f".{path.name}.merging-{os.getpid()}")
    try:
        writer(tmp)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


# ------------------------------------------------------------------ HDF5 ---

def text(value):
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def same(a, b):
    import numpy as np
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape:
        return False
    if a.dtype.kind in "fc" and b.dtype.kind in "fc":
        return bool(np.all(a == b))
    return [text(x) for x in a.ravel()] == [text(x) for x in b.ravel()]


def merge_h5(shards, total, out_path, command):
    import h5py
    import numpy as np

    files = [h5py.File(s.h5, "r") for s in shards]
    try:
        first = files[0]
        for s, f in zip(shards, files):
            for group in ("scores", "run"):
                if group not in f:
                    raise MergeError(f"{s.h5}: no /{group}: not a photoscore HDF5 file, or cut short")
            if f["scores"].dtype.names != first["scores"].dtype.names:
                raise MergeError(f"{s.h5}: /scores has other columns than {shards[0].h5} "
                                 f"(different --analyzers or photoscore versions)")
            attrs = f["run"].attrs
            for key in MUST_AGREE:
                if key in first["run"].attrs and (key not in attrs or not same(attrs[key], first["run"].attrs[key])):
                    raise MergeError(f"shards disagree on /run {key}: {shards[0].h5} has "
                                     f"{first['run'].attrs[key]!r}, {s.h5} has {attrs.get(key)!r}")
            got = text(attrs.get("shard", ""))
            if got and got != f"{s.index}/{s.count}":
                raise MergeError(f"{s.h5} says it is shard {got}, its JSONL is shard {s.index}/{s.count}")
            names = [text(x) for x in f["scores"]["filename"]]
            if names != s.names:
                raise MergeError(f"{s.h5} and {s.jsonl} hold different rows")

        def write(tmp):
            with h5py.File(tmp, "w") as out:
                copy_rows(out, "scores", [f["scores"] for f in files], total)
                run = out.create_group("run")
                src = first["run"].attrs
                for key in src:
                    run.attrs.create(key, src[key], dtype=src.get_id(key).dtype)
                merged_run_attrs(run.attrs, shards, [f["run"].attrs for f in files], command)
                if all("timing" in f for f in files):
                    timing = out.create_group("timing")
                    if all("timing/images" in f for f in files):
                        images = copy_rows(timing, "images", [f["timing/images"] for f in files], total)
                        if "index" in (images.dtype.names or ()):
                            rows = images[...]
                            rows["index"] = np.arange(total)
                            images[...] = rows
                    if all("timing/ranks" in f for f in files):
                        parts = [f["timing/ranks"][...] for f in files]
                        dtype = files[0]["timing/ranks"].dtype
                        if any(f["timing/ranks"].dtype != dtype for f in files):
                            raise MergeError("shards' /timing/ranks have different columns")
                        timing.create_dataset("ranks", data=np.concatenate(parts) if parts else None, dtype=dtype)
                        timing.create_dataset("ranks_shard", data=np.concatenate(
                            [np.full(len(p), s.index, dtype=np.int32) for s, p in zip(shards, parts)]))

        write_atomic(out_path, write)
    finally:
        for f in files:
            f.close()


def unified_dtype(sources):
    """The sources' record type, each fixed-length text column as wide as its widest source (every
    shard sizes its names' columns to its own longest name); any other difference is an error."""
    import h5py
    import numpy as np
    names = sources[0].dtype.names
    fields = []
    for name in names:
        types = [src.dtype.fields[name][0] for src in sources]
        if all(t.kind == "S" for t in types):
            info = h5py.check_string_dtype(types[0])
            encoding = info.encoding if info else "ascii"
            fields.append((name, h5py.string_dtype(encoding, max(t.itemsize for t in types))))
        elif all(t == types[0] for t in types):
            fields.append((name, types[0]))
        else:
            raise MergeError(f"/{sources[0].name.lstrip('/')} column {name} differs in type between shards")
    return np.dtype(fields)


def copy_rows(parent, name, sources, total):
    """Dataset `name` under parent: the sources' rows dealt out in global order."""
    import numpy as np
    for src in sources:
        if src.dtype.names != sources[0].dtype.names:
            raise MergeError(f"/{src.name.lstrip('/')} differs in columns between shards")
    dtype = unified_dtype(sources)
    rows = np.empty(total, dtype=dtype)
    n = len(sources)
    for i, src in enumerate(sources):
        if src.shape[0] != len(range(i, total, n)):
            raise MergeError(f"{src.file.filename}: {src.name} has {src.shape[0]} rows, the shard's JSONL "
                             f"{len(range(i, total, n))}")
        data = src[...]
        for field in dtype.names:
            rows[field][i::n] = data[field]
    options = {}
    if total > 0:
        options["chunks"] = (min(total, 4096),)
        if sources[0].compression:
            options["compression"] = sources[0].compression
            options["compression_opts"] = sources[0].compression_opts
        if sources[0].shuffle:
            options["shuffle"] = True
    return parent.create_dataset(name, data=rows, dtype=dtype, **options)


def merged_run_attrs(attrs, shards, runs, command):
    import h5py
    import numpy as np
    string = h5py.string_dtype()

    def put_strings(key, values):
        attrs.create(key, np.array([text(v) for v in values], dtype=object), dtype=string)

    def put_string(key, value):
        attrs.create(key, text(value), dtype=string)

    for key in ("images", "errors"):
        if all(key in r for r in runs):
            attrs.create(key, np.int64(sum(int(r[key]) for r in runs)))
    starts = [text(r["start_time"]) for r in runs if "start_time" in r]
    ends = [text(r["end_time"]) for r in runs if "end_time" in r]
    if starts:
        put_string("start_time", min(starts))
    if ends:
        put_string("end_time", max(ends))
    walls = [float(r["wall_seconds"]) for r in runs if "wall_seconds" in r]
    if walls:
        attrs.create("wall_seconds", max(walls))
        attrs.create("shard_wall_seconds", np.array(walls))
    hosts = []
    for r in runs:
        values = r.get("hosts", r.get("hostname", []))
        for h in np.atleast_1d(values):
            h = text(h)
            if h and h not in hosts:
                hosts.append(h)
    if hosts:
        put_strings("hosts", hosts)
        put_string("hostname", ",".join(hosts))
    jobs = [text(r.get("slurm_job_id", "")) for r in runs]
    arrays = {j.split("_")[0] for j in jobs if j}
    put_string("slurm_job_id", arrays.pop() if len(arrays) == 1 else ",".join(j for j in jobs if j))
    put_strings("shard_slurm_job_ids", jobs)
    put_string("shard", "")
    put_strings("shards", [f"{s.index}/{s.count}" for s in shards])
    put_strings("shard_files", [s.h5.name for s in shards])
    put_strings("shard_command_lines", [r.get("command_line", "") for r in runs])
    put_string("command_line", command)
    put_string("plan", f"{len(shards)} shards merged by merge_shards.py; shard 0: {text(runs[0].get('plan', ''))}")


# ------------------------------------------------------------------ main ---

def main(argv=None):
    parser = argparse.ArgumentParser(
        description="Merge photoscore --shard I/N outputs (shard-I-of-N.jsonl and .h5) into one JSONL and one "
                    "HDF5 file, in the order of one run over the whole folder.")
    parser.add_argument("inputs", nargs="+", metavar="SHARDS",
                        help="a folder of shard-I-of-N.jsonl files (with their .h5), or the .jsonl files")
    parser.add_argument("--jsonl", help="merged JSONL (default: photo_scores.jsonl beside the shards)")
    parser.add_argument("--h5", help="merged HDF5 (default: photo_scores.h5 beside the shards)")
    parser.add_argument("--no-h5", action="store_true", help="merge the JSONL only")
    args = parser.parse_args(argv)

    first = Path(args.inputs[0])
    where = first if first.is_dir() else first.parent
    out_jsonl = Path(args.jsonl) if args.jsonl else where / "photo_scores.jsonl"
    out_h5 = Path(args.h5) if args.h5 else where / "photo_scores.h5"
    command = " ".join(["merge_shards.py"] + (argv if argv is not None else sys.argv[1:]))
    try:
        shards = find_shards(args.inputs, {out_jsonl.resolve(), out_h5.resolve()})
        for s in shards:
            read_jsonl(s)
        total = check_counts(shards)
        names = interleave([s.names for s in shards], total)
        check_order(names, shards)
        lines = interleave([s.lines for s in shards], total)
        with_h5 = [s for s in shards if s.h5]
        if not args.no_h5 and with_h5 and len(with_h5) != len(shards):
            lacking = [str(s.jsonl.with_suffix(".h5")) for s in shards if not s.h5]
            raise MergeError(f"missing HDF5 shard(s): {', '.join(lacking)} (or merge the JSONL alone: --no-h5)")
        do_h5 = not args.no_h5 and len(with_h5) == len(shards)
        if do_h5:
            merge_h5(shards, total, out_h5, command)
        write_atomic(out_jsonl, lambda tmp: Path(tmp).write_bytes(b"".join(lines)))
    except MergeError as e:
        print(f"merge_shards: error: {e}", file=sys.stderr)
        return 2
    n = len(shards)
    print(f"merge_shards: {total} rows from {n} shard{'s' if n != 1 else ''} -> {out_jsonl}"
          + (f" and {out_h5}" if do_h5 else " (no HDF5 shards: JSONL only)"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
