"""Scrapy's own floor for a recrawl: a bare spider makes the recrawl's requests and does nothing else.

    .venv/bin/python bench/scrapy_floor.py ARCHIVE.db [--concurrency 8]

The requests are those an unchanged recrawl of the archive's site makes: every remembered page with
its validators (answered 304) and every URL that failed in the archive's first crawl (the site's dead
links, answered 404 again). No discovery, no robots.txt, no archive, none of our middlewares: what is
left is Scrapy's per-request cost (scheduler, downloader, middlewares, signals). It shares the crawler's
CONCURRENT_ITEMS: Scrapy's default (100) starts 100 asyncio tasks per response and alone makes a bare
spider 1.6x slower, which would flatter the recrawl. bench_crawl.py runs it in a subprocess to say how
far the real recrawl is from it; prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import resource
import sqlite3
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

from scrapy import Request, Spider
from scrapy.crawler import CrawlerProcess
from scrapy.http import Response

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from scraper import settings as crawler_settings  # noqa: E402 - after the path set-up


def recrawl_requests(db_path: str) -> list[tuple[str, str | None, str | None]]:
    """(url, ETag, Last-Modified) of what an unchanged recrawl asks for."""
    with sqlite3.connect(db_path) as db:
        pages = db.execute("SELECT url, etag, last_modified FROM page_links").fetchall()
        dead = db.execute("SELECT DISTINCT url FROM fetch_errors WHERE crawl_id ="
                          " (SELECT min(id) FROM crawls)").fetchall()
    return [(url, etag, modified) for url, etag, modified in pages] + [(url, None, None) for (url,) in dead]


class FloorSpider(Spider):
    """Requests a fixed list of URLs, conditionally where it can; keeps nothing."""

    name = "floor"

    def __init__(self, requests: list[tuple[str, str | None, str | None]], **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.todo = requests

    async def start(self) -> AsyncIterator[Request]:
        """Every URL once (dont_filter: the list has no repeats worth a fingerprint)."""
        for url, etag, modified in self.todo:
            headers = {k: v for k, v in (("If-None-Match", etag), ("If-Modified-Since", modified)) if v}
            yield Request(url, headers=headers, callback=self.parse, dont_filter=True)

    def parse(self, response: Response) -> None:
        """Nothing: the floor is the cost of getting here."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db")
    parser.add_argument("--concurrency", type=int, default=8)
    opts = parser.parse_args()
    todo = recrawl_requests(opts.db)
    start = time.perf_counter()
    process = CrawlerProcess({
        "LOG_LEVEL": "WARNING", "ROBOTSTXT_OBEY": False, "HTTPERROR_ALLOW_ALL": True,
        "CONCURRENT_REQUESTS": opts.concurrency * 2, "CONCURRENT_REQUESTS_PER_DOMAIN": opts.concurrency,
        "DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False, "REMOTE_CONTROL_ENABLED": False,
        "CONCURRENT_ITEMS": crawler_settings.CONCURRENT_ITEMS,
    })
    process.crawl(FloorSpider, requests=todo)
    process.start()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({"requests": len(todo), "crawl_wall": time.perf_counter() - start,
                      "cpu": usage.ru_utime + usage.ru_stime}))


if __name__ == "__main__":
    main()
