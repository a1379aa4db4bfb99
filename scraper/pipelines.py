"""The archive's single writer: parses pages in a process pool, off the reactor, and stores each
outcome (page, 304, gone, error) in its own transaction."""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from scrapy.crawler import Crawler
from scrapy.utils.defer import deferred_from_coro

from archive import ArchiveError
from scraper.fetched import http_date, soft_404
from scraper.session import CrawlSession, session_for
from scraper.worker_init import init_parser_worker, main_script_hidden

logger = logging.getLogger(__name__)

# Outcomes that count towards --max-pages: an archived summary page was visited.
_PAGE_OUTCOMES = ("new", "changed", "unchanged", "held", "gone")


class ArchivePipeline:
    """Turns the spider's items into archive writes; `page` items are parsed first (in the pool)."""

    def __init__(self, crawler: Crawler, session: CrawlSession, workers: int) -> None:
        self.crawler = crawler
        self.session = session
        self.workers = workers
        self.pool: ProcessPoolExecutor | None = None
        self.parse_fn: Any = None
        self.closing = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchivePipeline:
        """Pool size from ARCHIVE_PARSE_WORKERS (default: one per CPU but the one the reactor runs on)."""
        workers = crawler.settings.getint("ARCHIVE_PARSE_WORKERS", 0) or max(1, (os.cpu_count() or 2) - 1)
        return cls(crawler, session_for(crawler), workers)

    def _new_pool(self) -> ProcessPoolExecutor:
        # spawn, not fork: the crawler process runs threads (the reactor's DNS pool) by now. Workers
        # ignore Ctrl-C and exit if the crawler dies (see scraper.worker_init).
        return ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=init_parser_worker, initargs=(os.getpid(),))

    def open_spider(self) -> None:
        """Start the parser pool when the crawl parses (not for the null spider)."""
        if self.session.parse:
            from parsers import parse  # top-level and picklable: workers import only `parsers`
            self.parse_fn = parse
            self.pool = self._new_pool()

    def close_spider(self) -> None:
        """Stop the pool; the spider has no items in flight by now."""
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None

    async def process_item(self, item: dict[str, Any]) -> dict[str, Any]:
        """Record the item's outcome; returns a small summary item (no body) for Scrapy's log/stats."""
        kind = item.get("kind")
        self._note_start(item)
        if not self.session.parse or self.session.crawl_id is None:
            return {"url": item.get("url"), "outcome": "not archived"}
        try:
            outcome = await self._archive(item)
        except ArchiveError as exc:
            # The archive itself failed (disk full, read-only): stop the crawl, nothing half-written.
            self.session.failure = self.session.failure or f"archive: {exc}"
            if not self.closing:  # items in flight fail the same way: say it once
                logger.error("Archive write failed, stopping the crawl: %s", exc)
            self._close("archive_error")
            outcome = "failed"
        self.crawler.stats.inc_value(f"archive/outcome/{outcome}")
        if outcome in _PAGE_OUTCOMES:
            self.session.archived += 1
            if self.session.limit_reached():
                self._close("max_pages")
        return {"url": item.get("url"), "kind": kind, "outcome": outcome}

    def _close(self, reason: str) -> None:
        """Ask the engine to close, without waiting: closing waits for this very item to finish."""
        if not self.closing:
            self.closing = True
            deferred_from_coro(self.crawler.engine.close_spider_async(reason=reason))

    def _note_start(self, item: dict[str, Any]) -> None:
        if item.get("kind") in ("page", "not_modified", "other"):
            self.session.pages_seen += 1
        if not item.get("start"):
            return
        status = item.get("status")
        if item["kind"] in ("page", "not_modified", "other") or (status is not None and status < 400):
            self.session.start_reached = True
        else:
            self.session.start_errors.append(f"{item['url']}: {item.get('error') or f'HTTP {status}'}")

    async def _archive(self, item: dict[str, Any]) -> str:
        archive, crawl_id, kind = self.session.archive, self.session.crawl_id, item["kind"]
        url, at = item["url"], item.get("fetched_at")
        if kind in ("not_modified", "gone") and self.session.limit_reached():
            return "skipped"
        if kind == "not_modified":
            return archive.not_modified(crawl_id, url, item.get("headers") or {}, fetched_at=at)
        if kind == "gone":
            return archive.gone(crawl_id, url, item["status"], fetched_at=at)
        if kind == "error":
            archive.error(crawl_id, url, item.get("status"), item.get("error") or "error", fetched_at=at)
            return "error"
        if kind == "other":  # a non-HTML answer: no page to archive, but not silently dropped
            archive.error(crawl_id, url, item["status"], item["error"], fetched_at=at)
            return "error"
        if kind != "page":
            return "skipped"
        record = await self._parsed(item)
        if record is None:
            return "error"
        if record.get("page_type") not in self.session.profile.page_types and (title := soft_404(record)):
            archive.error(crawl_id, url, item["status"], f"soft 404: HTTP {item['status']} page titled "
                          f"{title[:200]!r}", fetched_at=at)
            return "error"
        if not self._wanted(record, url):
            return "skipped"
        if self.session.limit_reached():  # checked after the await: items parse concurrently
            return "skipped"
        if self.session.since:
            modified = http_date(item["headers"].get("Last-Modified") or item["headers"].get("last-modified"))
            if modified and modified < self.session.since:
                return "skipped"
        return archive.store(crawl_id, url, record, item["body"], item["headers"],
                             http_status=item["status"], fetched_at=at)

    async def _parsed(self, item: dict[str, Any]) -> dict | None:
        """The record, parsed in the pool so the reactor keeps downloading; None (error logged) if the
        worker died (a worker killed by the OS breaks the pool: a fresh one takes over)."""
        loop = asyncio.get_running_loop()
        assert self.pool is not None
        try:
            with main_script_hidden():  # submit() spawns workers as needed
                parsed = loop.run_in_executor(self.pool, self.parse_fn, item["body"],
                                              item.get("page_url") or item["url"], item["headers"],
                                              self.session.profile)
            return await parsed
        except BrokenProcessPool as exc:
            self.pool.shutdown(wait=False, cancel_futures=True)
            self.pool = self._new_pool()
            error = f"parser worker died: {exc}"
        except Exception as exc:  # parse() never raises by contract; a bug there must not stop the crawl
            error = f"parser failed: {type(exc).__name__}: {exc}"
        self.session.archive.error(self.session.crawl_id, item["url"], item["status"], error[:500],
                                   fetched_at=item.get("fetched_at"))
        return None

    def _wanted(self, record: dict, url: str) -> bool:
        """Archive summary pages (profile.page_types) and anything archived before, whatever it is now."""
        if record.get("page_type") in self.session.profile.page_types:
            return True
        archive = self.session.archive
        return archive.is_archived(record.get("url") or "") or archive.is_archived(url)
