"""Crawler benchmark: full crawl vs a null spider vs bare BeautifulSoup vs the unchanged recrawl.

    .venv/bin/python bench/bench_crawl.py [--pages 2000] [--concurrency 8] [--workers N]

All in one run, against the generated test site served by its own process on 127.0.0.1:
1. full crawl into an empty archive (parse in the process pool, store every summary);
2. null spider: the same Scrapy settings and discovery, no parsing, no storage (ARCHIVE_PARSE=false);
3. bare `BeautifulSoup(body, "lxml")` over the same HTML pages, in this process;
4. recrawl of the unchanged site into the archive of (1): conditional requests, mostly 304s;
5. Scrapy's floor for that recrawl (bench/scrapy_floor.py): a bare spider making the same requests
   and nothing else, to show how much of the recrawl is ours and how much is Scrapy's per request.
Each crawl runs as `summary-archive crawl` in a subprocess; its CPU time is taken from
getrusage(RUSAGE_CHILDREN) around it, which includes the parser pool's workers (reaped by the
crawler). Targets (issue 4): full CPU/page <= 1.25 x (null CPU/page + soup/page); full pages/s >=
45% of null; recrawl pages/s >= 80% of null and recrawl >= 5x faster than the first crawl.
"""

from __future__ import annotations

import argparse
import json
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent


def children_cpu() -> float:
    """User + system CPU seconds of all reaped child processes (and their reaped children) so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def serve(pages: int, log: Path) -> tuple[subprocess.Popen, str]:
    """The test site in its own process, so its CPU is not the crawler's."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.fixtures.site", "serve", "--port", "0", "--pages", str(pages),
         "--log", str(log), "--max-log", "10"],
        cwd=ROOT, stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline() if proc.stdout else ""
    if not line.startswith("serving "):
        proc.kill()
        raise SystemExit(f"site server did not start: {line!r}")
    return proc, line.split()[1]


def run_crawl(url: str, db: Path, args: list[str], extra: list[str] = ()) -> dict:
    """One crawl in a subprocess: wall time, CPU (with its pool workers), exit code."""
    before, start = children_cpu(), time.perf_counter()
    proc = subprocess.run([str(BIN / "summary-archive"), "crawl", url, "--db", str(db), *args, *extra],
                          cwd=ROOT, capture_output=True, text=True)
    wall, cpu = time.perf_counter() - start, children_cpu() - before
    if proc.returncode != 0:
        raise SystemExit(f"crawl failed ({proc.returncode}): {proc.stderr.strip()[-2000:]}")
    return {"wall": wall, "cpu": cpu, "stderr": proc.stderr}


def run_floor(db: Path, concurrency: int) -> dict:
    """bench/scrapy_floor.py over the archive `db` in a subprocess: wall time (with start-up), CPU."""
    before, start = children_cpu(), time.perf_counter()
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / "scrapy_floor.py"), str(db),
                           "--concurrency", str(concurrency)], cwd=ROOT, capture_output=True, text=True)
    wall, cpu = time.perf_counter() - start, children_cpu() - before
    if proc.returncode != 0:
        raise SystemExit(f"floor spider failed ({proc.returncode}): {proc.stderr.strip()[-2000:]}")
    return {"wall": wall, "cpu": cpu, "requests": json.loads(proc.stdout.splitlines()[-1])["requests"]}


def log_since(log: Path, offset: int) -> tuple[list[dict], int]:
    """Requests the site logged since `offset` (bytes into its JSON-lines log)."""
    with open(log, "rb") as fh:
        fh.seek(offset)
        data = fh.read()
    return [json.loads(line) for line in data.splitlines() if line.strip()], offset + len(data)


def soup_cpu(site_pages: int, paths: list[str], base: str) -> float:
    """CPU seconds of BeautifulSoup(body, "lxml") over the pages' bodies, rendered as the server does."""
    from bs4 import BeautifulSoup

    from tests.fixtures.site import Site

    site = Site(pages=site_pages, seed=1)
    bodies = [site.render(path, 1, base_url=base)[2] for path in paths]
    start = time.process_time()
    for body in bodies:
        BeautifulSoup(body, "lxml")
    return time.process_time() - start


def best(runs: list[dict]) -> dict:
    """The least disturbed of repeated runs (other work on a shared machine only adds time)."""
    return {"wall": min(r["wall"] for r in runs), "cpu": min(r["cpu"] for r in runs)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=0, help="parser processes (default: CPU count)")
    parser.add_argument("--repeat", type=int, default=2, help="runs of each kind; the best counts")
    opts = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="bench-crawl-"))
    log = tmp / "site.jsonl"
    server, url = serve(opts.pages, log)
    common = ["--delay", "0", "--concurrency", str(opts.concurrency), "--quiet",
              "--set", "AUTOTHROTTLE_ENABLED=false", "--set", f"CONCURRENT_REQUESTS={opts.concurrency * 2}"]
    if opts.workers:
        common += ["--set", f"ARCHIVE_PARSE_WORKERS={opts.workers}"]
    offset = 0
    nulls, fulls, recrawls = [], [], []
    try:
        for n in range(opts.repeat):
            nulls.append(run_crawl(url, tmp / f"null{n}.db", common, ["--set", "ARCHIVE_PARSE=false"]))
            null_reqs, offset = log_since(log, offset)
            fulls.append(run_crawl(url, tmp / f"full{n}.db", common))
            full_reqs, offset = log_since(log, offset)
            recrawls.append(run_crawl(url, tmp / f"full{n}.db", common))
            re_reqs, offset = log_since(log, offset)
        floors = [run_floor(tmp / "full0.db", opts.concurrency) for _ in range(opts.repeat)]
    finally:
        server.terminate()
        server.wait()
    null, full, recrawl, floor = best(nulls), best(fulls), best(recrawls), best(floors)

    html_paths = sorted({r["path"] for r in full_reqs if r["status"] == 200 and r["path"] != "/robots.txt"
                         and not r["path"].endswith(".xml")})
    soup = min(soup_cpu(opts.pages, html_paths, url) for _ in range(opts.repeat))
    with sqlite3.connect(tmp / "full0.db") as db:
        archived = db.execute("SELECT count(*) FROM articles").fetchone()[0]
        (r_new, r_changed, r_unchanged) = db.execute(
            "SELECT new, changed, unchanged FROM crawls ORDER BY id DESC LIMIT 1").fetchone()

    # Every figure per archived page: the three runs handle the same fetched pages (the null spider
    # fetches and follows them, soup parses every HTML page the full crawl parsed).
    null_page, full_page, soup_page = null["cpu"] / archived, full["cpu"] / archived, soup / archived
    null_rate, full_rate, re_rate = (len(null_reqs) / null["wall"], len(full_reqs) / full["wall"],
                                     len(re_reqs) / recrawl["wall"])
    status_304 = sum(r["status"] == 304 for r in re_reqs)

    print(f"site: {opts.pages} summaries at {url}; concurrency {opts.concurrency}; best of {opts.repeat}; "
          f"{archived} archived pages; archive {tmp / 'full0.db'}")
    print(f"{'run':<10}{'requests':>9}{'wall s':>9}{'CPU s':>9}{'req/s':>9}{'CPU ms/page':>13}")
    print(f"{'null':<10}{len(null_reqs):>9}{null['wall']:>9.1f}{null['cpu']:>9.1f}{null_rate:>9.1f}"
          f"{1000 * null_page:>13.2f}")
    print(f"{'full':<10}{len(full_reqs):>9}{full['wall']:>9.1f}{full['cpu']:>9.1f}{full_rate:>9.1f}"
          f"{1000 * full_page:>13.2f}")
    print(f"{'soup':<10}{len(html_paths):>9}{'':>9}{soup:>9.1f}{'':>9}{1000 * soup_page:>13.2f}")
    print(f"{'recrawl':<10}{len(re_reqs):>9}{recrawl['wall']:>9.1f}{recrawl['cpu']:>9.1f}{re_rate:>9.1f}"
          f"{1000 * recrawl['cpu'] / archived:>13.2f}  ({status_304} x 304; new {r_new}, changed {r_changed}, "
          f"unchanged {r_unchanged})")
    print(f"{'floor':<10}{floors[0]['requests']:>9}{floor['wall']:>9.1f}{floor['cpu']:>9.1f}"
          f"{floors[0]['requests'] / floor['wall']:>9.1f}{'':>13}  (bare Scrapy, the recrawl's requests)")
    print(f"recrawl wall / Scrapy floor wall: {recrawl['wall'] / floor['wall']:.2f} "
          f"(1.00 = the recrawl costs what Scrapy alone costs for its requests)")
    checks = [
        ("full CPU/page <= 1.25 x (null + soup)", full_page / (null_page + soup_page), 1.25, "<="),
        ("full req/s >= 45% of null", full_rate / null_rate, 0.45, ">="),
        ("recrawl req/s >= 80% of null", re_rate / null_rate, 0.80, ">="),
        ("recrawl >= 5x faster than first crawl", full["wall"] / recrawl["wall"], 5.0, ">="),
    ]
    for name, value, target, op in checks:
        ok = value <= target if op == "<=" else value >= target
        print(f"{'PASS' if ok else 'MISS'}  {name}: {value:.2f} (target {op} {target})")


if __name__ == "__main__":
    main()
