"""The crawl's parser processes: each HTML page is parsed once, off the reactor, into its record and
the links to follow, so Scrapy's event loop only downloads, schedules and stores."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import weakref
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any

from scrapy.crawler import Crawler

from parsers import Profile, parse_with_links
from scraper.worker_init import init_parser_worker, main_script_hidden


_ATTEMPTS = 2  # a page whose parse a dead worker took with it is tried once more


@dataclass
class Parsed:
    """One page's parse: the record (None when the worker failed, see error) and its links."""

    record: dict[str, Any] | None
    links: list[str] = field(default_factory=list)
    error: str | None = None


class ParsePool:
    """A ProcessPoolExecutor of parser workers that replaces itself when a worker dies."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None

    def _new_pool(self) -> ProcessPoolExecutor:
        # spawn, not fork: the crawler process runs threads (the reactor's DNS pool) by now. Workers
        # ignore Ctrl-C and exit if the crawler dies (see scraper.worker_init).
        return ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"),
                                   initializer=init_parser_worker, initargs=(os.getpid(),))

    async def parse(self, body: bytes, url: str, fetched_url: str, headers: dict[str, str],
                    profile: Profile) -> Parsed:
        """Record (URL `url` unless the page names its canonical one) and links of a page fetched
        from `fetched_url`; a dead worker or a parser bug gives Parsed(None, error=...). A page whose
        worker died (killed by the OS for another page's sake) is parsed again once, in a fresh pool."""
        attempts = 0
        while True:
            if self._pool is None:
                self._pool = self._new_pool()
            pool = self._pool
            loop = asyncio.get_running_loop()
            try:
                with main_script_hidden():  # submit() spawns workers as needed
                    future = loop.run_in_executor(pool, parse_with_links, body, url, headers, profile, fetched_url)
                record, links = await future
                return Parsed(record, links)
            except BrokenProcessPool as exc:
                # A worker killed by the OS breaks the whole executor: a fresh one takes over (once for
                # all the parses it broke, not once each).
                if self._pool is pool:
                    pool.shutdown(wait=False, cancel_futures=True)
                    self._pool = self._new_pool()
                attempts += 1
                if attempts == _ATTEMPTS:
                    return Parsed(None, error=f"parser worker died: {exc}")
            except Exception as exc:  # parse() never raises by contract; a bug there must not stop the crawl
                return Parsed(None, error=f"parser failed: {type(exc).__name__}: {exc}")

    def close(self) -> None:
        """Stop the workers (no parse is in flight once the spider has closed)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


_POOLS: weakref.WeakKeyDictionary[Crawler, ParsePool] = weakref.WeakKeyDictionary()


def pool_for(crawler: Crawler) -> ParsePool:
    """The crawl's pool: ARCHIVE_PARSE_WORKERS processes (default: one per CPU but the reactor's)."""
    pool = _POOLS.get(crawler)
    if pool is None:
        workers = crawler.settings.getint("ARCHIVE_PARSE_WORKERS", 0) or max(1, (os.cpu_count() or 2) - 1)
        pool = _POOLS[crawler] = ParsePool(workers)
    return pool


def close_pool(crawler: Crawler) -> None:
    """Stop the crawl's pool if it was started."""
    pool = _POOLS.pop(crawler, None)
    if pool is not None:
        pool.close()
