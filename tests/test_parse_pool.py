"""The crawl's parser processes: a worker killed by the OS costs no page (each is parsed again once)."""

from __future__ import annotations

import asyncio
import os
import signal
import time

from parsers import DEFAULT_PROFILE
from scraper.parse_pool import ParsePool

PAGE = (b"<html><body><h1>Walking After Meals</h1><p>Credibility: 4/5</p><h2>Key Takeaway</h2>"
        b"<p>Text one.</p></body></html>")
URL = "https://example.org/summaries/walking"


def _parse(pool: ParsePool) -> object:
    return pool.parse(PAGE, URL, URL, {}, DEFAULT_PROFILE)


def test_a_page_whose_worker_was_killed_is_parsed_again_in_a_fresh_pool() -> None:
    async def scenario() -> tuple:
        pool = ParsePool(1)
        try:
            first = await _parse(pool)
            assert first.record is not None and first.record["title"] == "Walking After Meals"
            workers = list(pool._pool._processes)  # type: ignore[union-attr]
            for pid in workers:
                os.kill(pid, signal.SIGKILL)  # (what the OOM killer does)
            time.sleep(0.3)
            # Three parses in flight when the pool is found broken: each tried again, one new pool for all.
            again = await asyncio.gather(*(_parse(pool) for _ in range(3)))
            return workers, again, list(pool._pool._processes)  # type: ignore[union-attr]
        finally:
            pool.close()

    killed, again, now = asyncio.run(scenario())
    assert [p.error for p in again] == [None, None, None]
    assert all(p.record and p.record["title"] == "Walking After Meals" for p in again)
    assert now and not set(now) & set(killed)
