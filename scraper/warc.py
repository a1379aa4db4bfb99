"""Scrapy downloader middleware that writes every request and response of a crawl as WARC records.

Placed at 950 in DOWNLOADER_MIDDLEWARES, the network side of every built-in middleware
(HttpCompressionMiddleware is 590, HttpCacheMiddleware 900): `process_response` therefore sees the
response as it came off the wire (still Content-Encoded, redirects and errors not yet handled), and
the request as sent (User-Agent, cookies, Accept-Encoding and conditional headers already added).
The body is kept encoded with its Content-Encoding header, as wget and Heritrix do, so replay
tools decode it themselves; only Transfer-Encoding is dropped (the HTTP client has de-chunked the
body) and Content-Length set to the stored length, so the record replays correctly.

Settings: ARCHIVE_WARC_DIR (enables it; `crawl --warc DIR`), ARCHIVE_WARC_MAX_BYTES (roll size,
default 1 GB), ARCHIVE_WARC_PREFIX (file name prefix), ARCHIVE_CRAWL_NAME (warcinfo isPartOf).
Bodies already captured (this crawl, or earlier ones whose .cdxj is in the directory) and 304s
become `revisit` records. Responses served from Scrapy's HTTP cache are not written.
"""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING, Any

import scrapy
from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.http import Headers, Response

from parsers.profile import load_profile
from scraper.canonical import canonical_url

if TYPE_CHECKING:  # imported when enabled: warcio and cdxj-indexer add ~0.15 s to every crawl's start
    from archive.warc import CaptureWriter

logger = logging.getLogger(__name__)


def _header_pairs(headers: Headers) -> list[tuple[str, str]]:
    """Scrapy Headers (bytes, multi-valued) as (name, value) str pairs, every value kept."""
    pairs = []
    for name, values in headers.items():
        for value in values:
            pairs.append((name.decode("latin-1"), value.decode("latin-1")))
    return pairs


class WarcWriterMiddleware:
    """Writes request + response (or revisit) records for each downloaded response into ARCHIVE_WARC_DIR."""

    def __init__(self, crawler: Crawler, directory: str, max_bytes: int, prefix: str) -> None:
        self.crawler = crawler
        self.directory = directory
        self.max_bytes = max_bytes
        self.prefix = prefix
        self.writer: CaptureWriter | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcWriterMiddleware:
        """Enabled only when ARCHIVE_WARC_DIR is set; ARCHIVE_WARC_MAX_BYTES rolls files (default 1 GB)."""
        settings = crawler.settings
        directory = settings.get("ARCHIVE_WARC_DIR")
        if not directory:
            raise NotConfigured  # no message: an unset ARCHIVE_WARC_DIR is the normal case, not a warning
        try:  # fail the crawl at start, not silently write nothing
            os.makedirs(directory, exist_ok=True)
        except OSError as exc:
            raise ValueError(f"ARCHIVE_WARC_DIR {directory}: {exc.strerror or exc}") from None
        if not os.access(directory, os.W_OK):
            raise ValueError(f"ARCHIVE_WARC_DIR {directory} is not writable")
        from archive.warc import DEFAULT_MAX_BYTES
        max_bytes = settings.getint("ARCHIVE_WARC_MAX_BYTES", DEFAULT_MAX_BYTES)
        if max_bytes <= 0:
            raise ValueError(f"ARCHIVE_WARC_MAX_BYTES must be positive, got {max_bytes}")
        mw = cls(crawler, str(directory), max_bytes, settings.get("ARCHIVE_WARC_PREFIX", "summary-archive"))
        crawler.signals.connect(mw.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(mw.spider_closed, signal=signals.spider_closed)
        return mw

    def _info(self, spider: Spider) -> dict[str, Any]:
        """warcinfo fields naming the crawl (ARCHIVE_CRAWL_NAME, else the crawls row) and how it was made."""
        settings = self.crawler.settings
        start_urls = getattr(spider, "start_urls", None) or []
        crawl_id = self.crawler.stats.get_value("archive/crawl_id") if self.crawler.stats else None
        name = spider.name + (f" crawl {crawl_id}" if crawl_id else "")
        if settings.get("ARCHIVE_DB"):
            name += f" of {os.path.basename(settings.get('ARCHIVE_DB'))}"
        return {
            "isPartOf": settings.get("ARCHIVE_CRAWL_NAME") or name,
            "description": "summary-archive crawl" + (f" of {' '.join(start_urls)}" if start_urls else ""),
            "http-header-user-agent": settings.get("USER_AGENT"),
            "robots": "obey" if settings.getbool("ROBOTSTXT_OBEY") else "ignore",
            "software-crawler": f"Scrapy/{scrapy.__version__}",
        }

    def spider_opened(self, spider: Spider) -> None:
        """Set up the writer; files are created lazily at the first record."""
        from archive.warc import CaptureWriter, WarcRoller
        # warcinfo is built when each file opens: by then the crawls row (and its id) exists.
        roller = WarcRoller(self.directory, prefix=self.prefix, max_bytes=self.max_bytes,
                            info=lambda: self._info(spider))
        # A 304 may answer another spelling of the URL captured in full: revisits find it by canonical form.
        tracking = load_profile(self.crawler.settings.get("ARCHIVE_PROFILE") or None).tracking_params
        self.writer = CaptureWriter(roller, key=lambda url: canonical_url(url, tracking))

    def spider_closed(self, spider: Spider) -> None:
        """Close the last file and write its CDXJ index; counts go to the crawl stats."""
        if self.writer is None:
            return
        self.writer.close()
        stats = self.crawler.stats
        if stats is not None:
            for kind, count in self.writer.counts.items():
                stats.set_value(f"warc/{kind}_records", count)
            stats.set_value("warc/files", len(self.writer.roller.files))
        self.writer = None

    def process_response(self, request: Request, response: Response, spider: Spider | None = None
                         ) -> Response:
        """Record the exchange unless the response did not come from the network (cache)."""
        if self.writer is None or "cached" in response.flags:
            return response
        try:
            self._capture(request, response)
        except OSError as exc:
            # Disk full or the directory gone: keep archiving pages into the database, stop the WARCs.
            logger.error("WARC writing stopped at %s: %s", response.url, exc)
            self.crawler.stats.set_value("warc/error", f"{response.url}: {exc}")
            writer, self.writer = self.writer, None
            try:
                writer.close()
            except OSError:
                pass
        return response

    def _capture(self, request: Request, response: Response) -> None:
        assert self.writer is not None
        self.writer.capture(
            url=response.url,
            method=request.method,
            request_headers=_header_pairs(request.headers),
            request_body=request.body or b"",
            status=response.status,
            response_headers=_header_pairs(response.headers),
            body=response.body,
            protocol=getattr(response, "protocol", None) or "HTTP/1.1",
            ip_address=str(response.ip_address) if getattr(response, "ip_address", None) else None,
            truncated="disconnect" if "dataloss" in response.flags else None,
            validated_url=request.meta.get("archive_validated_url"),
        )
