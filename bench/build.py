#!/usr/bin/env python3
"""Build benchmark: `iehp build` on synthetic hubs, side by side with Hugo and with Hugo followed by
Pagefind (what a user would pick for a searchable static site), writing on disk and on tmpfs.

Generates hubs with ../shared/bench/gen.py (the same content for every generator), runs each build
several times in turn, and prints the median wall time and peak memory (maximum resident set size
of the build, from wait4: for Hugo+Pagefind, the larger of the two) of each, and the ratios the
build targets are stated in. Figures from one run of this script are comparable with each other;
figures from different runs or machines are not.

Usage:
  python3 bench/build.py [--sizes 1000,10000,50000] [--runs 3] [--warmups 1]
                         [--places disk,tmpfs] [--fresh] [--no-hugo] [--no-pagefind]

Hugo is Debian's package `hugo` (0.111): `apt-get install hugo`. Pagefind is the npm package
`pagefind`, installed once into the work folder (`npm install pagefind`, which brings its binary
for this platform); after that every run is offline. Without npm or Hugo, those columns are left
out and the script says so.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
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


def pagefind_binary(work):
    """The Pagefind binary from its npm package, installed into `work` once (the only step that
    needs the registry); None when npm is missing or the install fails."""
    prefix = os.path.join(work, "pagefind")
    binary = os.path.join(prefix, "node_modules", ".bin", "pagefind")
    if not os.path.exists(binary):
        if shutil.which("npm") is None:
            return None
        os.makedirs(prefix, exist_ok=True)
        done = subprocess.run(["npm", "install", "--prefix", prefix, "--no-audit", "--no-fund",
                               "--loglevel=error", "pagefind@1"], stdout=subprocess.DEVNULL)
        if done.returncode != 0 or not os.path.exists(binary):
            return None
    return binary


# The targets of the build at 10,000 items, as fractions of the other tools' median wall time.
TARGETS = {"hugo": 1 / 2, "hugo+pagefind": 1 / 4}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1000,10000,50000")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--places", default="disk,tmpfs",
                    help="where the outputs are written: disk (under --work) and/or tmpfs "
                         "(under /dev/shm)")
    ap.add_argument("--warmups", type=int, default=1,
                    help="unmeasured runs of each tool first (file cache, first-run effects)")
    ap.add_argument("--fresh", action="store_true",
                    help="move each tool's previous output aside before each of its runs (not "
                         "timed; all deleted after the last run), so every run is a first build "
                         "into a folder that does not exist, as on a CI machine; by default each "
                         "run rebuilds over the output of the one before, as an editor's machine "
                         "does")
    ap.add_argument("--no-hugo", action="store_true")
    ap.add_argument("--no-pagefind", action="store_true",
                    help="Hugo alone, without the Hugo+Pagefind column (Pagefind is the slowest)")
    ap.add_argument("--work", default=os.path.join("/var/tmp", "iehp-bench"),
                    help="inputs, and the disk outputs (a folder on disk, not tmpfs)")
    args = ap.parse_args()

    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=REPO, check=True)
    iehp = os.path.join(REPO, "target", "release", "iehp")
    hugo = None if args.no_hugo else shutil.which("hugo")
    if not args.no_hugo and hugo is None:
        print("hugo is not installed (apt-get install hugo): measuring iehp alone", file=sys.stderr)
    os.makedirs(args.work, exist_ok=True)
    pagefind = pagefind_binary(args.work) if hugo and not args.no_pagefind else None
    if hugo and pagefind is None and not args.no_pagefind:
        print("pagefind could not be installed from npm: no Hugo+Pagefind column", file=sys.stderr)

    roots = {"disk": os.path.join(args.work, "out"), "tmpfs": "/dev/shm/iehp-bench"}
    rows = []
    trashes = []
    for place in args.places.split(","):
        out_root = roots[place]
        os.makedirs(out_root, exist_ok=True)
        # With --fresh on disk, each run's output is moved here before the next run and all of them are
        # deleted after the last: deleting tens of thousands of files just before a build slows
        # the build's own file creation on some file systems (ext4 without a journal, as on the
        # machine these figures were first taken on, skips inodes freed in the last minutes),
        # which a first build on a fresh checkout never pays.
        trash = os.path.join(out_root, ".bench-trash")
        trashes.append(trash)
        for n in [int(s) for s in args.sizes.split(",")]:
            hub = os.path.join(args.work, f"hub-{n}")
            generate("iehp", n, hub)
            cmds = {"iehp": [iehp, "build", "--root", hub, "--out",
                             os.path.join(out_root, f"out-{n}"), "--now", "2025-09-01"]}
            if hugo:
                hsite = os.path.join(args.work, f"hugo-{n}")
                generate("hugo", n, hsite)
                hout = os.path.join(out_root, f"hugo-out-{n}")
                cmds["hugo"] = [hugo, "--quiet", "-s", hsite, "-d", hout]
                if pagefind:
                    pout = os.path.join(out_root, f"hugo-pagefind-out-{n}")
                    cmds["hugo+pagefind"] = [
                        "sh", "-c", '"$1" --quiet -s "$2" -d "$3" && "$4" --site "$3"', "sh",
                        hugo, hsite, pout, pagefind]
            outs = {"iehp": cmds["iehp"][5]}
            if hugo:
                outs["hugo"] = cmds["hugo"][-1]
                if pagefind:
                    outs["hugo+pagefind"] = cmds["hugo+pagefind"][-2]

            def run(name):
                if args.fresh:
                    out = outs[name]
                    # iehp's spare: the output before, which a rebuild reuses (see the README).
                    spare = os.path.join(os.path.dirname(out), f".{os.path.basename(out)}.previous")
                    for old in (out, spare):
                        if place == "tmpfs":
                            shutil.rmtree(old, ignore_errors=True)  # memory: delete now
                        elif os.path.lexists(old):
                            os.makedirs(trash, exist_ok=True)
                            os.rename(old, os.path.join(trash, str(len(os.listdir(trash)))))
                return run_once(cmds[name])

            results = {name: [] for name in cmds}
            for _ in range(args.warmups):
                for name in cmds:
                    run(name)  # warm-up: file cache, first-run effects
            for _ in range(args.runs):
                for name in cmds:  # alternate, so drift affects all alike
                    results[name].append(run(name))
            for name, res in results.items():
                walls = [w for w, _ in res]
                rss = [m for _, m in res]
                rows.append((place, n, name, statistics.median(walls), min(walls), max(walls),
                             max(rss)))
                print(f"{place} {n} {name}: median {statistics.median(walls):.2f} s", file=sys.stderr)
            for name in cmds:
                if name != "iehp":
                    shutil.rmtree(cmds[name][-1] if name == "hugo" else cmds[name][-2],
                                  ignore_errors=True)
        if place == "tmpfs":
            shutil.rmtree(out_root, ignore_errors=True)
    for trash in trashes:
        shutil.rmtree(trash, ignore_errors=True)

    print(f"{'place':<6} {'items':>7} {'tool':<14} {'median s':>9} {'min s':>7} {'max s':>7} "
          f"{'peak MB':>8}")
    for place, n, name, med, lo, hi, mb in rows:
        print(f"{place:<6} {n:>7} {name:<14} {med:>9.2f} {lo:>7.2f} {hi:>7.2f} {mb:>8.0f}")
    for place, n in sorted({(r[0], r[1]) for r in rows}):
        by = {r[2]: r for r in rows if r[0] == place and r[1] == n}
        for other, target in TARGETS.items():
            if other in by:
                ratio = by["iehp"][3] / by[other][3]
                print(f"{place}, {n} items: iehp takes {ratio:.2f}x {other}'s median wall time "
                      f"({'meets' if ratio <= target else 'misses'} the 1/{round(1 / target)} "
                      f"target); peak memory {by['iehp'][6]:.0f} MB vs {by[other][6]:.0f} MB")


if __name__ == "__main__":
    main()
