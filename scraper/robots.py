"""robots.txt parsing that also keeps the file's `Sitemap:` lines, so the spider can follow them, and
reads a robots.txt that answers with a server error as RFC 9309 says: the whole site is disallowed."""

from __future__ import annotations

import logging

from scrapy import Request
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.robotstxt import ProtegoRobotParser
from scrapy.spiders import Spider
from scrapy.utils.httpobj import urlparse_cached

_DISALLOW_ALL = b"User-agent: *\nDisallow: /\n"


class SitemapAwareRobotParser(ProtegoRobotParser):
    """Scrapy's default (Protego) robots.txt parser, with `sitemaps`: the URLs of its Sitemap: lines.

    RobotsTxtMiddleware sends this parser with the `robots_parsed` signal; reading the sitemaps from
    it spares a second request for robots.txt."""

    def __init__(self, robotstxt_body: bytes, spider: Spider | None) -> None:
        super().__init__(robotstxt_body, spider)
        self.sitemaps: list[str] = list(self.rp.sitemaps)


class _OneLine(logging.Filter):
    """RobotsTxtMiddleware logs a robots.txt it could not fetch (the site down, a host that does not
    resolve) with the whole traceback, naming the page that asked for it: one line, naming robots.txt.
    (The failure itself reaches the crawl's summary and fetch_errors through the page's own request.)"""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.args, dict):
            record.msg = "Could not fetch robots.txt for %(request)s: %(f_exception)s"
            record.exc_info, record.exc_text = None, None
        return True


_ROBOTS_LOG_FILTER = _OneLine()


class ServerErrorRobotsTxtMiddleware(RobotsTxtMiddleware):
    """Scrapy's RobotsTxtMiddleware, which parses whatever body robots.txt answers with, read as RFC 9309
    section 2.3.1 has it: a 4xx answer allows everything (no rules: a 404 page's HTML is no rule), and a
    5xx one (after retries) means the site is unreachable, so everything is disallowed, and said so."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.unreachable: dict[str, int] = {}  # netloc -> the status its robots.txt answered
        logging.getLogger(RobotsTxtMiddleware.__module__).addFilter(_ROBOTS_LOG_FILTER)  # (once: a set)

    async def _parse_robots(self, response: Response, netloc: str, request: Request) -> None:
        if response.status >= 500:
            self.unreachable[netloc] = response.status
            response = response.replace(body=_DISALLOW_ALL)
        elif response.status >= 400:
            response = response.replace(body=b"")
        await super()._parse_robots(response, netloc, request)

    def process_request_2(self, rp: object, request: Request) -> None:
        """Scrapy's check; a site whose robots.txt failed says why its pages are not fetched."""
        try:
            super().process_request_2(rp, request)  # type: ignore[arg-type]
        except IgnoreRequest:
            status = self.unreachable.get(urlparse_cached(request).netloc)
            if status is None:
                raise
            raise IgnoreRequest(f"Forbidden by robots.txt: it answered HTTP {status}, and an unreachable "
                                "robots.txt disallows the whole site (RFC 9309)") from None
