"""`crawl --redis URL --workers N` on one machine: open the crawl, start N worker processes, be their
archive writer until they are done, finish the crawls row and print the summary.

Also the workers' entry point: `python -m scraper.redis_run OPTIONS_JSON` runs one worker (a Twisted
reactor runs once per process, so each worker is its own process).
"""

from __future__ import annotations

import dataclasses
import json
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, TextIO

import redis

from archive import Archive
from parsers.profile import load_profile
from scraper.redis_ingest import Ingest, IngestError, RedisGone
from scraper.redis_worker import connect
from scraper.run import CrawlOptions, CrawlResult, run_crawl
from scraper.scope import Scope
from scraper.fetched import transient_status
from scraper.session import gone_not_judged, incomplete_reason, open_archive


def worker_options(options: CrawlOptions, redis_url: str, crawl_id: int | None = None) -> CrawlOptions:
    """The options of one worker process: no archive file, the Redis crawl instead."""
    extra = {**options.extra, "ARCHIVE_REDIS_URL": redis_url}
    if crawl_id is not None:
        extra["ARCHIVE_CRAWL_ID"] = crawl_id
    return dataclasses.replace(options, db=None, resume=None, extra=extra)  # type: ignore[arg-type]


def run_worker(options: CrawlOptions, redis_url: str) -> CrawlResult:
    """This process as one worker of the crawl open in Redis (multi-machine use)."""
    return run_crawl(worker_options(options, redis_url))


def _spawn(options: CrawlOptions, logs: Path, number: int) -> subprocess.Popen:
    log = open(logs / f"worker-{number}.log", "wb")
    payload = json.dumps(dataclasses.asdict(options))
    return subprocess.Popen([sys.executable, "-m", "scraper.redis_run", payload], stdout=log,
                            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)


def _tail(path: Path, lines: int = 5) -> str:
    try:
        return " | ".join(path.read_text(errors="replace").strip().splitlines()[-lines:])
    except OSError:
        return ""


def run_distributed(options: CrawlOptions, redis_url: str, workers: int, out: TextIO = sys.stderr) -> CrawlResult:
    """Run the whole crawl with `workers` local worker processes and this process as the writer."""
    profile = load_profile(options.profile)
    server = connect(redis_url)
    try:
        server.ping()
    except redis.RedisError as exc:
        return CrawlResult(None, None, {}, f"cannot reach Redis at {redis_url}: {exc}")
    archive = open_archive(options.db, profile)
    ingest = Ingest(server, archive)
    try:
        crawl_id, resumed = ingest.open_crawl(options.start_urls)
    except IngestError as exc:
        archive.close()
        return CrawlResult(None, None, {}, str(exc))
    if not options.quiet:
        print(f"crawl {crawl_id} {'resumed' if resumed else 'started'}: {workers} workers, Redis {redis_url}",
              file=out, flush=True)
    started = time.monotonic()
    child = worker_options(dataclasses.replace(options, quiet=True), redis_url, crawl_id)
    with tempfile.TemporaryDirectory(prefix="summary-archive-workers-") as tmp:
        logs = Path(tmp)
        procs = [_spawn(child, logs, n) for n in range(workers)]
        stop = _forward_signals(procs)
        try:
            ingest.run(until=lambda: all(p.poll() is not None for p in procs),
                       progress=None if options.quiet else out)
        except RedisGone as exc:
            gone = str(exc)
        else:
            gone = None
        finally:
            stop()
            for p in procs:
                _stop_worker(p)
        if gone:
            archive.close()
            return CrawlResult(crawl_id, "running", archive_counts(options.db, crawl_id), gone)
        failed = [f"worker {n} exited {p.returncode}: {_tail(logs / f'worker-{n}.log')}"
                  for n, p in enumerate(procs) if p.returncode]
    done = ingest.crawl_state().get("state") == "done"
    state = ingest.crawl_state()
    limited = bool(options.max_pages or options.depth or options.since or state.get("limited"))
    incomplete = _incomplete(archive, crawl_id, limited, bool(state.get("unsure")))
    if done:
        hosts = None if incomplete else Scope.build(options.start_urls, profile.allowed_hosts).hosts
        counts = ingest.finish_crawl("finished", hosts, gone_not_judged(incomplete))
        status = "finished"
    else:  # the Redis crawl stays open: the same command continues it
        counts = archive.finish_crawl(crawl_id, status="interrupted")
        status = "interrupted"
    archive.close()
    failure = None if done or not failed or len(failed) < workers else "; ".join(failed[:2])
    _summary(out, crawl_id, status, time.monotonic() - started, ingest, counts, workers, failed, incomplete)
    return CrawlResult(crawl_id, status, counts, failure)


def run_writer(redis_url: str, db: str, start_urls: list[str], profile_path: str | None = None,
               quiet: bool = False, out: TextIO = sys.stderr) -> CrawlResult:
    """`summary-archive ingest`: open (with start URLs) or rejoin this archive's crawl in Redis, store
    what the workers send until a worker reports the crawl done, then finish the crawls row. SIGINT or
    SIGTERM stop after the entry in hand; the crawl stays open and a new writer continues it."""
    profile = load_profile(profile_path)
    server = connect(redis_url)
    try:
        server.ping()
    except redis.RedisError as exc:
        return CrawlResult(None, None, {}, f"cannot reach Redis at {redis_url}: {exc}")
    archive = open_archive(db, profile)
    ingest = Ingest(server, archive)
    try:
        if start_urls:
            crawl_id, resumed = ingest.open_crawl(start_urls)
        else:
            crawl_id, resumed = ingest.join_crawl(), True
    except IngestError as exc:
        archive.close()
        return CrawlResult(None, None, {}, str(exc))
    if crawl_id is None:
        archive.close()
        return CrawlResult(None, None, {}, "no crawl is open in Redis: give start URLs to open one")
    if not quiet:
        print(f"crawl {crawl_id} {'rejoined' if resumed else 'opened'}: waiting for workers "
              f"(`summary-archive crawl URL --redis {redis_url}` or `scrapy crawl summaries "
              f"-s ARCHIVE_REDIS_URL={redis_url}`)", file=out, flush=True)
    stopped: list[int] = []
    old = {s: signal.signal(s, lambda signum, frame: stopped.append(signum)) for s in (signal.SIGINT, signal.SIGTERM)}
    started = time.monotonic()
    try:
        ingest.run(until=lambda: ingest.crawl_state().get("state") != "running",
                   progress=None if quiet else out, stop=lambda: bool(stopped))
    except RedisGone as exc:
        archive.close()
        return CrawlResult(crawl_id, "running", archive_counts(db, crawl_id), str(exc))
    finally:
        for signum, handler in old.items():
            signal.signal(signum, handler)
    state = ingest.crawl_state()
    if stopped or state.get("state") != "done":
        archive.close()
        print(f"writer stopped; crawl {crawl_id} stays open in Redis (run ingest again to continue)",
              file=out, flush=True)
        return CrawlResult(crawl_id, "running", archive_counts(db, crawl_id), None)
    start = json.loads(state.get("start_urls") or "[]") or start_urls
    incomplete = _incomplete(archive, crawl_id, bool(state.get("limited")), bool(state.get("unsure")))
    hosts = None if incomplete else Scope.build(start, profile.allowed_hosts).hosts
    counts = ingest.finish_crawl("finished", hosts, gone_not_judged(incomplete))
    archive.close()
    workers = 0
    _summary(out, crawl_id, "finished", time.monotonic() - started, ingest, counts, workers, [], incomplete)
    return CrawlResult(crawl_id, "finished", counts, None)


def archive_counts(db: str, crawl_id: int) -> dict:
    """The crawl's counters, read from the archive file."""
    with Archive(db) as archive:
        return archive.crawl_counts(crawl_id)


def _forward_signals(procs: list[subprocess.Popen]) -> Any:
    """SIGTERM goes on to the workers; a first SIGINT (which a terminal also sends the workers) lets
    them shut down gracefully while this writer stores what they still send."""
    def forward(signum: int, frame: Any) -> None:
        for p in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM if signum == signal.SIGTERM else signal.SIGINT)

    old = {s: signal.signal(s, forward) for s in (signal.SIGINT, signal.SIGTERM)}
    return lambda: [signal.signal(s, h) for s, h in old.items()]


def _stop_worker(p: subprocess.Popen) -> None:
    """Terminate a worker still running, and kill it if it does not stop (stuck on a Redis gone away)."""
    if p.poll() is None:
        p.terminate()
        try:
            p.wait(30)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()


def _incomplete(archive: Archive, crawl_id: int, limited: bool, unsure: bool = False) -> str | None:
    """Why this crawl may mark nothing gone (see scraper.session.incomplete_reason), from what the
    writer stored: the workers' own counters die with them; `unsure`: Redis went away mid-crawl (a
    restart may have lost requests from the frontier)."""
    if unsure:
        return "Redis went away during the crawl (requests may have been lost)"
    counts = archive.crawl_counts(crawl_id)
    transient = sum(1 for status in archive.error_statuses(crawl_id) if status is None or transient_status(status))
    reached = sum(counts.get(name, 0) for name in ("new", "changed", "unchanged", "held", "gone"))
    return incomplete_reason(limited, transient, reached)


def _summary(out: TextIO, crawl_id: int, status: str, elapsed: float, ingest: Ingest, counts: dict,
             workers: int, failed: list[str], incomplete: str | None) -> None:
    stored = sum(n for k, n in ingest.outcomes.items() if k != "duplicate")
    seconds = int(elapsed)
    lines = [f"crawl {crawl_id} {status} after {seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}: "
             f"{stored} pages stored" + (f" from {workers} workers" if workers else "")
             + f" ({stored / max(elapsed, 1e-9):.1f}/s)",
             "  " + ", ".join(f"{name} {counts.get(name, 0)}"
                              for name in ("fetched", "new", "changed", "unchanged", "gone", "errors"))]
    if ingest.outcomes.get("duplicate"):
        lines.append(f"  {ingest.outcomes['duplicate']} re-delivered or re-fetched entries were not stored twice")
    if counts.get("errors"):
        lines.append(f"  errors are in the fetch_errors table: crawl_id = {crawl_id}")
    if status == "interrupted":
        lines.append("  interrupted: run the same command again to continue (the frontier is kept in Redis)")
    elif incomplete:
        lines.append(f"  {gone_not_judged(incomplete)}")
    lines += [f"  {line}" for line in failed]
    print("\n".join(lines), file=out, flush=True)


def main(argv: list[str]) -> int:
    """Worker process entry: run one worker with the JSON CrawlOptions in argv[0]."""
    result = run_crawl(CrawlOptions(**json.loads(argv[0])))
    return 1 if result.failure else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
