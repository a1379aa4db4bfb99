"""Scale-out benchmark: distributed crawls with 1, 2, 4 workers, and worker memory over a long crawl.

    .venv/bin/python bench/bench_scale.py [--pages 1000] [--delay 0.05] [--concurrency 1]
        [--workers 1,2,4] [--memory-pages 100000] [--memory-delay 0] [--memory-concurrency 32]
        [--memory-minutes 45] [--skip-speed] [--skip-memory]

Starts its own redis-server (127.0.0.1, random port) and serves the generated test site from its own
process with a fixed delay per response, so crawls wait on the network as on the internet.

1. Speed-up: `summary-archive crawl URL --redis R --workers N` for each N, same per-worker concurrency
   (--concurrency, per host); pages/s over the whole run (start-up included) and over the middle 80%
   of the site's request log; speed-up over 1 worker. Target: 4 workers >= 3x one worker.
2. Memory: one crawl of a --memory-pages site with a single worker (delay --memory-delay, high
   concurrency), sampling every 0.5 s the RSS of the worker's Scrapy process and of its whole process
   tree (parser pool included); peak after 10,000 pages vs peak at the end (or when --memory-minutes
   runs out: the size reached is reported). Target: ratio <= 1.2. The 100,000-page crawl (125,000
   requests with the site's dead links) takes about 20 minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_redis(workdir: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    proc = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--dir", str(workdir),
                             "--save", "", "--appendonly", "no"], stdout=subprocess.DEVNULL)
    for _ in range(100):
        if subprocess.run(["redis-cli", "-p", str(port), "ping"], capture_output=True).stdout.strip() == b"PONG":
            return proc, f"redis://127.0.0.1:{port}"
        time.sleep(0.05)
    proc.kill()
    raise SystemExit("redis-server did not start")


def serve(pages: int, delay: float, log: Path | None) -> tuple[subprocess.Popen, str]:
    args = [sys.executable, "-m", "tests.fixtures.site", "serve", "--port", "0", "--pages", str(pages),
            "--delay", str(delay), "--max-log", "10"]
    if log is not None:
        args += ["--log", str(log)]
    proc = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline() if proc.stdout else ""
    if not line.startswith("serving "):
        proc.kill()
        raise SystemExit(f"site server did not start: {line!r}")
    return proc, line.split()[1]


def crawl_args(url: str, db: Path, redis_url: str, workers: int, concurrency: int) -> list[str]:
    return [str(BIN / "summary-archive"), "crawl", url, "--db", str(db), "--redis", redis_url,
            "--workers", str(workers), "--delay", "0", "--concurrency", str(concurrency), "--quiet",
            # CONCURRENT_REQUESTS too: with DOWNLOAD_DELAY=0, Scrapy 2.19 on the asyncio reactor starts
            # a slot's whole queue at once (transferring is only marked inside the scheduled task), so
            # the per-domain limit alone does not bound a worker's concurrency.
            "--set", f"CONCURRENT_REQUESTS={concurrency}", "--set", "ARCHIVE_PARSE_WORKERS=1",
            "--set", "AUTOTHROTTLE_ENABLED=False"]


def fetched(db: Path) -> int:
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
        try:
            row = conn.execute("SELECT fetched FROM crawls ORDER BY id DESC LIMIT 1").fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return 0
    return int(row[0]) if row else 0


def middle_rate(log: Path, offset: int) -> float:
    """Requests/s over the middle 80% of the requests logged since offset (start-up and tail left out)."""
    with open(log, "rb") as fh:
        fh.seek(offset)
        times = sorted(json.loads(line)["t"] for line in fh if line.strip())
    if len(times) < 20:
        return 0.0
    lo, hi = times[len(times) // 10], times[len(times) * 9 // 10]
    return (len(times) * 0.8) / max(hi - lo, 1e-9)


def speed(args: argparse.Namespace, tmp: Path, redis_url: str) -> None:
    log = tmp / "site.jsonl"
    site, url = serve(args.pages, args.delay, log)
    print(f"speed: {args.pages}-page site, {args.delay * 1000:.0f} ms per response, "
          f"{args.concurrency} concurrent requests per worker", flush=True)
    results: dict[int, tuple[float, float]] = {}
    try:
        for number, workers in enumerate(args.workers):
            db = tmp / f"speed-{workers}.db"
            offset = log.stat().st_size if log.exists() else 0
            start = time.perf_counter()
            proc = subprocess.run(crawl_args(url, db, f"{redis_url}/{number + 1}", workers, args.concurrency),
                                  cwd=ROOT, capture_output=True, text=True)
            wall = time.perf_counter() - start
            if proc.returncode:
                raise SystemExit(f"crawl failed: {proc.stderr[-2000:]}")
            pages = fetched(db)
            results[workers] = (pages / wall, middle_rate(log, offset))
            print(f"  {workers} worker(s): {pages} pages in {wall:.1f} s = {pages / wall:.1f} pages/s "
                  f"(middle 80%: {results[workers][1]:.1f} requests/s)", flush=True)
    finally:
        site.terminate()
        site.wait(10)
    base = results.get(1)
    if base:
        for workers, (rate, mid) in results.items():
            print(f"  speed-up {workers} vs 1: {rate / base[0]:.2f}x overall, {mid / max(base[1], 1e-9):.2f}x middle",
                  flush=True)


def rss_kb(pid: int) -> int:
    try:
        for line in open(f"/proc/{pid}/status"):
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def children(pid: int) -> list[int]:
    try:
        return [int(x) for x in open(f"/proc/{pid}/task/{pid}/children").read().split()]
    except OSError:
        return []


def memory(args: argparse.Namespace, tmp: Path, redis_url: str) -> None:
    site, url = serve(args.memory_pages, args.memory_delay, None)
    db = tmp / "memory.db"
    print(f"memory: {args.memory_pages}-page site, {args.memory_delay * 1000:.0f} ms per response, "
          f"1 worker with {args.memory_concurrency} concurrent requests", flush=True)
    proc = subprocess.Popen(crawl_args(url, db, f"{redis_url}/9", 1, args.memory_concurrency), cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + args.memory_minutes * 60
    peak_worker = peak_tree = 0
    at_mark: tuple[int, int] | None = None
    marks = [1000, 10000, 20000, 50000, 100000]
    pages = 0
    start = time.monotonic()
    try:
        while proc.poll() is None and time.monotonic() < deadline:
            workers = children(proc.pid)
            if workers:
                worker = rss_kb(workers[0])
                tree = worker + sum(rss_kb(p) for p in children(workers[0]))
                peak_worker, peak_tree = max(peak_worker, worker), max(peak_tree, tree)
            pages = fetched(db)
            if marks and pages >= marks[0]:
                mark = marks.pop(0)
                print(f"  {pages:>7} pages ({pages / (time.monotonic() - start):.0f}/s): peak RSS worker "
                      f"{peak_worker / 1024:.0f} MB, worker + parser pool {peak_tree / 1024:.0f} MB", flush=True)
                if mark == 10000:
                    at_mark = (peak_worker, peak_tree)
            time.sleep(0.5)
    finally:
        if proc.poll() is None:
            proc.send_signal(2)  # SIGINT: graceful, as Ctrl-C
            try:
                proc.wait(120)
            except subprocess.TimeoutExpired:
                proc.kill()
        site.terminate()
        site.wait(10)
    pages = max(pages, fetched(db))
    print(f"  end: {pages} pages in {time.monotonic() - start:.0f} s; peak RSS worker {peak_worker / 1024:.0f} MB,"
          f" worker + parser pool {peak_tree / 1024:.0f} MB", flush=True)
    if at_mark:
        print(f"  peak at {pages} pages / peak at 10,000 pages: worker {peak_worker / at_mark[0]:.3f}, "
              f"with parser pool {peak_tree / at_mark[1]:.3f} (target <= 1.2)", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--delay", type=float, default=0.05)
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--workers", type=lambda s: [int(x) for x in s.split(",")], default=[1, 2, 4])
    parser.add_argument("--memory-pages", type=int, default=100000)
    parser.add_argument("--memory-delay", type=float, default=0.0)
    parser.add_argument("--memory-concurrency", type=int, default=32)
    parser.add_argument("--memory-minutes", type=float, default=45.0)
    parser.add_argument("--skip-speed", action="store_true")
    parser.add_argument("--skip-memory", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
        redis_proc, redis_url = start_redis(Path(tmp))
        try:
            if not args.skip_speed:
                speed(args, Path(tmp), redis_url)
            if not args.skip_memory:
                memory(args, Path(tmp), redis_url)
        finally:
            redis_proc.terminate()
            redis_proc.wait(10)


if __name__ == "__main__":
    main()
