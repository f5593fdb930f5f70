#!/usr/bin/env python3
"""The folders of src/ depend one way: prints the folder graph and fails on a
wrong-way include.

    python3 tests/tools/check_folders.py [SRC_DIR]        (default: the src/ beside tests/)

Each folder has a layer (LAYERS below, lowest first). A file may include
headers of its own folder and of folders in lower layers only; a folder that
includes one above it (which is how cycles start) fails the check, and so
does <mpi.h> anywhere outside comm/. The CMake build enforces the same
order by giving each folder's library only the include roots of what it
links; this check also covers headers the build never compiles alone and
names the offending line.

The printed graph ("app -> output (5)" = five includes) is the one to quote
when the structure changes. Uses only the standard library.
"""
import re
import sys
from collections import defaultdict
from pathlib import Path

# Lowest first. Folders in one layer may not include each other.
LAYERS = [
    ["image"],
    ["analysis"],
    ["analyzers", "record"],
    ["merge", "group"],
    ["output"],
    ["run"],
    ["comm", "app"],
    ["startup"],
]
MPI_FOLDER = "comm"
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')


def main():
    src = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[2] / "src"
    layer = {folder: i for i, folders in enumerate(LAYERS) for folder in folders}
    folders = sorted(p.name for p in src.iterdir() if p.is_dir())
    edges = defaultdict(int)
    problems = []
    for folder in folders:
        for path in sorted((src / folder).rglob("*")):
            if path.suffix not in (".hpp", ".cpp", ".h", ".cc", ".in"):
                continue
            for number, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
                m = INCLUDE.match(line)
                if not m:
                    continue
                where = f"{path.relative_to(src)}:{number}"
                kind, name = m.groups()
                if name == "mpi.h" and folder != MPI_FOLDER:
                    problems.append(f"{where}: <mpi.h> outside {MPI_FOLDER}/")
                if kind != '"' or "/" not in name:
                    continue
                target = name.split("/")[0]
                if target == ".." or name.startswith("../"):
                    problems.append(f"{where}: relative include {name} goes around the folder order")
                    continue
                if target not in folders or target == folder:
                    continue
                edges[(folder, target)] += 1
                if folder not in layer or target not in layer:
                    problems.append(f"{where}: folder {folder if folder not in layer else target}/ has no layer "
                                    "in tests/tools/check_folders.py")
                elif layer[target] >= layer[folder]:
                    problems.append(f"{where}: {folder}/ includes {name}, from a folder at or above its layer")
    print("folder graph (includes between folders of src/):")
    for (a, b), n in sorted(edges.items()):
        print(f"  {a} -> {b} ({n})")
    cycles = [(a, b) for (a, b) in edges if (b, a) in edges and a < b]
    for a, b in cycles:
        problems.append(f"cycle: {a} <-> {b}")
    if problems:
        print(f"{len(problems)} problem(s):")
        for p in problems:
            print(f"  {p}")
        return 1
    print(f"ok: {len(folders)} folders, every include points down, <mpi.h> only in {MPI_FOLDER}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
