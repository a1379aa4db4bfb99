"""Run one crawl in this process with Scrapy's CrawlerProcess (what `summary-archive crawl` calls).

A Twisted reactor cannot restart, so this runs once per process."""

from __future__ import annotations

import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings


@dataclass
class CrawlOptions:
    """The `crawl` command's options; None leaves the project/profile setting alone."""

    start_urls: list[str]
    db: str
    profile: str | None = None
    delay: float | None = None
    concurrency: int | None = None
    max_pages: int | None = None
    depth: int | None = None
    since: str | None = None
    resume: str | None = None
    timeout: float | None = None
    quiet: bool = False
    log_file: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class CrawlResult:
    """How the crawl ended: its crawls row id, status, counts, and why it failed (None if it ran)."""

    crawl_id: int | None
    status: str | None
    counts: dict[str, int]
    failure: str | None


def crawl_settings(options: CrawlOptions) -> Settings:
    """scraper.settings at project priority, the options on top at command-line priority."""
    settings = Settings()
    settings.setmodule("scraper.settings", priority="project")
    chosen: dict[str, Any] = {
        "ARCHIVE_DB": options.db,
        "ARCHIVE_PROFILE": options.profile,
        "DOWNLOAD_DELAY": options.delay,
        "CONCURRENT_REQUESTS_PER_DOMAIN": options.concurrency,
        "ARCHIVE_MAX_PAGES": options.max_pages,
        "DEPTH_LIMIT": options.depth,
        "ARCHIVE_SINCE": options.since,
        "JOBDIR": options.resume,
        "DOWNLOAD_TIMEOUT": options.timeout,
    }
    if options.quiet:
        chosen["ARCHIVE_PROGRESS_INTERVAL"] = 0
    # Scrapy's own log would drown the progress lines: errors only, unless a log file is wanted.
    if options.log_file:
        chosen.update(LOG_FILE=options.log_file, LOG_LEVEL="INFO")
    else:
        chosen["LOG_LEVEL"] = "ERROR"
    chosen.update(options.extra)
    settings.setdict({k: v for k, v in chosen.items() if v is not None}, priority="cmdline")
    return settings


def clear_job_state(jobdir: Path, keep_crawl_id: bool = False) -> None:
    """Remove what Scrapy (and CrawlRecorder) keep in a JOBDIR once its crawl finished, so the same
    --resume DIR serves the next crawl instead of "resuming" a crawl with nothing left to do. Only
    those known files go: the directory is the user's. keep_crawl_id keeps the crawl to continue."""
    names = ("requests.seen", "spider.state") + (() if keep_crawl_id else ("archive_crawl.json",))
    for name in names:
        (jobdir / name).unlink(missing_ok=True)
    shutil.rmtree(jobdir / "requests.queue", ignore_errors=True)


def _close_forced(options: CrawlOptions, stats: Any) -> None:
    """A second Ctrl-C stops Scrapy at once, without closing the spider: the crawls row is marked
    interrupted here (nothing marked gone) and the summary says so, as after one Ctrl-C."""
    from archive import Archive, ArchiveError

    crawl_id = stats.get_value("archive/crawl_id")
    counts: dict = {}
    try:
        if options.db:  # (a distributed crawl's worker has none: the crawl stays open in Redis)
            with Archive(options.db) as archive:
                counts = archive.finish_crawl(crawl_id, status="interrupted")
    except ArchiveError as exc:
        stats.set_value("archive/failure", f"archive: {exc}")
    stats.set_value("archive/status", "interrupted")
    stats.set_value("archive/counts", counts)
    if options.resume:
        # Scrapy wrote no queue index, and requests.seen names the requests it dropped in flight: resuming
        # that state would skip them for good. The resume continues this crawl with its requests started over.
        clear_job_state(Path(options.resume), keep_crawl_id=True)
    print(f"crawl {crawl_id} interrupted (forced shutdown)\n  "
          + ", ".join(f"{name} {counts.get(name, 0)}" for name in ("fetched", "new", "changed", "unchanged", "gone", "errors"))
          + ("\n  the same --resume DIR continues it with its requests started over" if options.resume else ""),
          file=sys.stderr, flush=True)


def run_crawl(options: CrawlOptions) -> CrawlResult:
    """Crawl until done (or interrupted by SIGINT/SIGTERM: Scrapy shuts down gracefully)."""
    from scraper.spiders.summaries import SummariesSpider

    process = CrawlerProcess(crawl_settings(options))
    crawler = process.create_crawler(SummariesSpider)
    errors: list[str] = []

    def failed(failure: Any) -> None:
        errors.append(f"{failure.type.__name__}: {failure.getErrorMessage()}")

    process.crawl(crawler, start_urls=options.start_urls).addErrback(failed)
    process.start()
    stats = crawler.stats
    if stats.get_value("archive/crawl_id") and not stats.get_value("archive/status"):
        _close_forced(options, stats)
    failure = errors[0] if errors else stats.get_value("archive/failure")
    if options.resume and stats.get_value("archive/status") == "finished":
        clear_job_state(Path(options.resume))
    return CrawlResult(
        crawl_id=stats.get_value("archive/crawl_id"),
        status=stats.get_value("archive/status"),
        counts=stats.get_value("archive/counts") or {},
        failure=failure,
    )
