#!/usr/bin/python3
"""peak_memory.py COMMAND...: runs COMMAND and prints the peak memory of its
whole process tree (photoscore and its decoder helpers, or mpirun and its
ranks and theirs), sampled every 10 ms from /proc:

    peak_pss_mb=N peak_rss_mb=M

PSS (proportional set size, smaps_rollup) counts a page shared by several
processes once in all (the shared memory a helper and its parent both map),
RSS once per process; the command's exit status is returned. /usr/bin/time
reports only the largest single process, not the tree.
"""
import os
import subprocess
import sys
import time


def children_of(pid):
    out = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                out += [int(c) for c in f.read().split()]
    except OSError:
        pass
    return out


def tree(root):
    seen, todo = [], [root]
    while todo:
        pid = todo.pop()
        seen.append(pid)
        todo += children_of(pid)
    return seen


def memory_kb(pid):
    """(PSS, RSS) of one process in KiB; zeros once it is gone."""
    pss = rss = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    pss = int(line.split()[1])
                elif line.startswith("Rss:"):
                    rss = int(line.split()[1])
    except OSError:
        pass
    return pss, rss


def main():
    process = subprocess.Popen(sys.argv[1:])
    peak_pss = peak_rss = 0
    while process.poll() is None:
        pss = rss = 0
        for pid in tree(process.pid):
            p, r = memory_kb(pid)
            pss += p
            rss += r
        peak_pss, peak_rss = max(peak_pss, pss), max(peak_rss, rss)
        time.sleep(0.01)
    print(f"peak_pss_mb={peak_pss // 1024} peak_rss_mb={peak_rss // 1024}", file=sys.stderr)
    return process.returncode


if __name__ == "__main__":
    sys.exit(main())
