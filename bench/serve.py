#!/usr/bin/env python3
"""Dev server benchmark: how soon an edit is served by `iehp serve` on a large synthetic hub.

Generates a hub with ../shared/bench/gen.py (10,000 items by default), starts `iehp serve` (release
build) on it, then saves one event file again and again, each time with a new title, and measures
the time from the save to the item's page being served with that title (polling the page). Prints
the median (p50) and 95th percentile (p95) of that latency over the saves, and separately the
server's own rebuild time for each save, as it logs it ("rebuilt in X ms (Y ms to build)": X from
the moment the burst of file events was over to the new files being in place, Y the part spent
building). Also prints the server's first (full) build time beside the median of `iehp build` on
the same hub. Targets: p50 < 50 ms and p95 < 150 ms from save to served page.

Figures from one run of this script are comparable with each other; figures from other runs or
machines are not (the machine's other work shows in them).

Usage:
  python3 bench/serve.py [--n 10000] [--saves 30] [--builds 3] [--pause 0.2]
"""

import argparse
import http.client
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
GEN = os.path.join(REPO, "..", "shared", "bench", "gen.py")
NOW = "2025-09-01"


def percentile(values, p):
    """The p-th percentile, nearest rank."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * p // 100))
    return ordered[int(rank) - 1]


def ms(seconds):
    return f"{seconds * 1000:.1f} ms"


class Server:
    """`iehp serve` in the background, its output lines collected."""

    def __init__(self, iehp, root):
        self.lines = []
        self.cond = threading.Condition()
        self.proc = subprocess.Popen(
            [iehp, "serve", "--root", root, "--port", "0", "--now", NOW],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1)
        threading.Thread(target=self._read, daemon=True).start()
        line = self.wait_for(lambda l: l.startswith("serving http://"), 600)
        self.port = int(re.match(r"serving http://127\.0\.0\.1:(\d+)/", line).group(1))
        self.first = next(l for l in self.lines if l.startswith("built "))

    def _read(self):
        for line in self.proc.stdout:
            with self.cond:
                self.lines.append(line.rstrip("\n"))
                self.cond.notify_all()

    def wait_for(self, test, timeout, start=0):
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                for line in self.lines[start:]:
                    if test(line):
                        return line
                left = deadline - time.monotonic()
                if left <= 0 or self.proc.poll() is not None:
                    sys.exit("iehp serve: no line as expected; output:\n" + "\n".join(self.lines))
                self.cond.wait(left)

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=30)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=10000)
    ap.add_argument("--saves", type=int, default=30)
    ap.add_argument("--builds", type=int, default=3, help="runs of `iehp build` to take the median of")
    ap.add_argument("--pause", type=float, default=0.2,
                    help="seconds between saves; the server builds the search index once edits pause "
                         "for 0.3 s (about 1.5 s of one otherwise idle core at 10,000 items), so short "
                         "pauses measure a burst of saves, long ones (3 s) an editor's pace with the "
                         "index built between saves")
    ap.add_argument("--work", default=os.path.join(tempfile.gettempdir(), "iehp-bench"))
    args = ap.parse_args()

    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=REPO, check=True)
    iehp = os.path.join(REPO, "target", "release", "iehp")
    os.makedirs(args.work, exist_ok=True)
    pristine = os.path.join(args.work, f"hub-{args.n}")
    if not os.path.exists(pristine):
        subprocess.run([sys.executable, GEN, "--format", "iehp", "--n", str(args.n), "--seed", "1",
                        pristine], check=True, stdout=subprocess.DEVNULL)
    # Edits go to a copy, so every run starts from the same content.
    hub = os.path.join(args.work, f"serve-hub-{args.n}")
    shutil.rmtree(hub, ignore_errors=True)
    shutil.copytree(pristine, hub)

    out = os.path.join(args.work, f"serve-out-{args.n}")
    build_times = []
    for _ in range(args.builds):
        start = time.perf_counter()
        subprocess.run([iehp, "build", "--root", hub, "--out", out, "--now", NOW], check=True,
                       stdout=subprocess.DEVNULL)
        build_times.append(time.perf_counter() - start)
    shutil.rmtree(out, ignore_errors=True)

    server = Server(iehp, hub)
    first = float(re.search(r" in ([\d.]+) s$", server.first).group(1))

    events = os.path.join(hub, "content", "events")
    name = sorted(os.listdir(events))[len(os.listdir(events)) // 2]
    path = os.path.join(events, name)
    original = open(path, encoding="utf-8").read()
    title_line = next(l for l in original.splitlines() if l.startswith("title: "))
    page = f"/events/{name[:-3]}/"
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)

    def fetch():
        conn.request("GET", page)
        reply = conn.getresponse()
        return reply.status, reply.read()

    status, body = fetch()
    if status != 200:
        sys.exit(f"{page}: status {status}")

    latencies, rebuilds, builds = [], [], []
    try:
        for k in range(args.saves):
            title = f"Benchmark title {k} {time.time_ns()}"
            expected = title.encode()
            seen = len(server.lines)
            start = time.perf_counter()
            with open(path, "w", encoding="utf-8") as f:
                f.write(original.replace(title_line, f"title: {title}", 1))
            while True:
                status, body = fetch()
                if status == 200 and expected in body:
                    break
                if time.perf_counter() - start > 30:
                    sys.exit(f"save {k}: the new title was not served within 30 s")
                # A millisecond between polls, so the poller does not take the server's cores.
                time.sleep(0.001)
            latencies.append(time.perf_counter() - start)
            line = server.wait_for(lambda l: l.startswith("rebuilt in "), 30, seen)
            total, build = re.match(r"rebuilt in ([\d.]+) ms \(([\d.]+) ms to build\)", line).groups()
            rebuilds.append(float(total) / 1000)
            builds.append(float(build) / 1000)
            # Let the server fall idle between saves, as between an editor's.
            time.sleep(args.pause)
    finally:
        with open(path, "w", encoding="utf-8") as f:
            f.write(original)
        server.stop()

    print(f"hub: {args.n} items; {args.saves} saves of {os.path.relpath(path, hub)}, {args.pause} s apart")
    print(f"save -> page served:   p50 {ms(statistics.median(latencies))}, "
          f"p95 {ms(percentile(latencies, 95))}, max {ms(max(latencies))}   (targets: p50 < 50 ms, p95 < 150 ms)")
    print(f"server rebuild:        p50 {ms(statistics.median(rebuilds))}, p95 {ms(percentile(rebuilds, 95))} "
          f"(of which building p50 {ms(statistics.median(builds))}, p95 {ms(percentile(builds, 95))})")
    print(f"first build in memory: {first:.2f} s;  iehp build (median of {args.builds}): "
          f"{statistics.median(build_times):.2f} s;  ratio {first / statistics.median(build_times):.2f}")


if __name__ == "__main__":
    main()
