"""robots.txt parsing that also keeps the file's `Sitemap:` lines, so the spider can follow them, and
reads a robots.txt that answers with a server error, or gives no answer, as RFC 9309 says: the whole site
is disallowed."""

from __future__ import annotations

import logging

from scrapy import Request
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.robotstxt import ProtegoRobotParser
from scrapy.spiders import Spider
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.misc import build_from_crawler

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
        self.unreachable: dict[str, int | str] = {}  # netloc -> the status its robots.txt answered, or why none came
        logging.getLogger(RobotsTxtMiddleware.__module__).addFilter(_ROBOTS_LOG_FILTER)  # (once: a set)

    async def _parse_robots(self, response: Response, netloc: str, request: Request) -> None:
        if response.status >= 500:
            self.unreachable[netloc] = response.status
            response = response.replace(body=_DISALLOW_ALL)
        elif response.status >= 400:
            response = response.replace(body=b"")
        await super()._parse_robots(response, netloc, request)

    def _robots_error(self, exc: Exception, netloc: str) -> None:
        """No answer at all (a timeout, a refused or reset connection) is a network error, which RFC 9309
        reads as a server error: everything disallowed (Scrapy's own allows everything). A robots.txt
        request refused here (IgnoreRequest: off-site, over the size limit) stays Scrapy's: no rules."""
        if isinstance(exc, IgnoreRequest):
            super()._robots_error(exc, netloc)
            return
        self._stats.inc_value(f"robotstxt/exception_count/{type(exc)}")
        self.unreachable[netloc] = f"it gave no answer ({type(exc).__name__})"
        rp_dfd = self._parsers[netloc]
        self._parsers[netloc] = parser = build_from_crawler(self._parserimpl, self.crawler, _DISALLOW_ALL)
        rp_dfd.callback(parser)  # type: ignore[union-attr]

    def process_request_2(self, rp: object, request: Request) -> None:
        """Scrapy's check; a site whose robots.txt failed says why its pages are not fetched."""
        try:
            super().process_request_2(rp, request)  # type: ignore[arg-type]
        except IgnoreRequest:
            status = self.unreachable.get(urlparse_cached(request).netloc)
            if status is None:
                raise
            answered = status if isinstance(status, str) else f"it answered HTTP {status}"
            raise IgnoreRequest(f"Forbidden by robots.txt: {answered}, and an unreachable "
                                "robots.txt disallows the whole site (RFC 9309)") from None
