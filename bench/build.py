#!/usr/bin/env python3
"""Build benchmark: `iehp build` on synthetic hubs, side by side with Hugo when it is installed.

Generates hubs with ../shared/bench/gen.py (same content for both generators), runs each build
several times in turn, and prints the median wall time and peak memory (maximum resident set size
of the build process, from wait4) of each, and their ratio. Figures from one run of this script
are comparable with each other; figures from different runs or machines are not.

Usage:
  python3 bench/build.py [--sizes 1000,10000] [--runs 5] [--no-hugo]

Hugo is Debian's package `hugo` (0.111): `apt-get install hugo`.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
GEN = os.path.join(REPO, "..", "shared", "bench", "gen.py")


def run_once(cmd):
    """Runs cmd, returns (wall seconds, peak RSS in MB). Output is discarded; failure aborts."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{err}")
    return wall, usage.ru_maxrss / 1024.0


def generate(fmt, n, out):
    if not os.path.exists(out):
        subprocess.run([sys.executable, GEN, "--format", fmt, "--n", str(n), "--seed", "1", out],
                       check=True, stdout=subprocess.DEVNULL)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1000,10000")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--no-hugo", action="store_true")
    ap.add_argument("--work", default=os.path.join(tempfile.gettempdir(), "iehp-bench"))
    ap.add_argument("--out-root", default=None,
                    help="where both tools write their output (e.g. /dev/shm to leave the disk "
                         "out of the measurement); default: the work folder")
    args = ap.parse_args()

    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=REPO, check=True)
    iehp = os.path.join(REPO, "target", "release", "iehp")
    hugo = None if args.no_hugo else shutil.which("hugo")
    if not args.no_hugo and hugo is None:
        print("hugo is not installed (apt-get install hugo): measuring iehp alone", file=sys.stderr)

    os.makedirs(args.work, exist_ok=True)
    out_root = args.out_root or args.work
    os.makedirs(out_root, exist_ok=True)
    rows = []
    for n in [int(s) for s in args.sizes.split(",")]:
        hub = os.path.join(args.work, f"hub-{n}")
        generate("iehp", n, hub)
        cmds = {"iehp": [iehp, "build", "--root", hub, "--out", os.path.join(out_root, f"out-{n}"),
                         "--now", "2025-09-01"]}
        if hugo:
            hsite = os.path.join(args.work, f"hugo-{n}")
            generate("hugo", n, hsite)
            cmds["hugo"] = [hugo, "--quiet", "-s", hsite, "-d", os.path.join(out_root, f"hugo-out-{n}")]
        results = {name: [] for name in cmds}
        for name, cmd in cmds.items():
            run_once(cmd)  # warm-up: file cache, first-run effects
        for _ in range(args.runs):
            for name, cmd in cmds.items():  # alternate, so drift affects both alike
                results[name].append(run_once(cmd))
        for name, res in results.items():
            walls = [w for w, _ in res]
            rss = [m for _, m in res]
            rows.append((n, name, statistics.median(walls), min(walls), max(walls), max(rss)))

    print(f"outputs written under {out_root}")
    print(f"{'items':>7} {'tool':<6} {'median s':>9} {'min s':>7} {'max s':>7} {'peak MB':>8}")
    for n, name, med, lo, hi, mb in rows:
        print(f"{n:>7} {name:<6} {med:>9.2f} {lo:>7.2f} {hi:>7.2f} {mb:>8.0f}")
    for n in sorted({r[0] for r in rows}):
        by = {r[1]: r for r in rows if r[0] == n}
        if "hugo" in by:
            ratio = by["iehp"][2] / by["hugo"][2]
            print(f"{n} items: iehp takes {ratio:.2f}x Hugo's median wall time "
                  f"({'meets' if ratio <= 0.2 else 'misses'} the 1/5 target); "
                  f"peak memory {by['iehp'][5]:.0f} MB vs {by['hugo'][5]:.0f} MB")


if __name__ == "__main__":
    main()
