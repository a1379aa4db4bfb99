"""Downloader middlewares: crawl scope (ports and redirects included), retries with backoff, and
conditional requests from what the archive last saw."""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.retry import RetryMiddleware, get_retry_request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.utils.defer import deferred_to_future
from twisted.internet.task import deferLater
from w3lib.url import safe_url_string

from scraper.canonical import canonical_url, dupefilter_of
from scraper.fetched import http_date
from scraper.session import CrawlSession, session_for
from scraper.truncated import truncated_coding

logger = logging.getLogger(__name__)


class OffsiteRequest(IgnoreRequest):
    """A request outside the crawl's scope (other host or port, non-HTTP scheme)."""


class ScopeMiddleware:
    """Drops every request, redirects included, that leaves the crawl's scope.

    Scrapy's OffsiteMiddleware matches host names only, so 127.0.0.1:8001 would pass for
    127.0.0.1:8000; this one compares host and port (see scraper.scope.Scope)."""

    def __init__(self, crawler: Crawler, session: CrawlSession) -> None:
        self.crawler = crawler
        self.session = session

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ScopeMiddleware:
        """Scope from the session (start URLs + profile.allowed_hosts)."""
        return cls(crawler, session_for(crawler))

    def process_request(self, request: Request) -> None:
        """Raise OffsiteRequest for anything out of scope, before robots.txt is even asked (a site's
        robots.txt redirecting to another host is followed there: RFC 9309 section 2.3.1.2)."""
        if not self.session.scope.allows(request.url) and not _robots_hop(request):
            self.crawler.stats.inc_value("archive/offsite")
            logger.debug("Off-site, not fetched: %s", request.url)
            raise OffsiteRequest(f"off-site: {request.url} (not the start URLs' host and port; a profile's "
                                 "allowed_hosts can add it)")


def _robots_hop(request: Request) -> bool:
    """RobotsTxtMiddleware's request for an in-scope site's /robots.txt, or a redirect on its way."""
    first = (request.meta.get("redirect_urls") or [request.url])[0]
    return bool(request.meta.get("dont_obey_robotstxt")) and urlsplit(first).path == "/robots.txt"


class RedirectLoop(IgnoreRequest):
    """A redirect back to a URL already visited in the same chain of redirects."""


class RedirectLoopMiddleware:
    """Fails a redirect chain that comes back to a URL it already visited (a loop).

    RedirectMiddleware would send the hop to the scheduler, whose duplicate filter drops it without a
    trace; failing it here sends it to the spider's errback, so the loop ends in fetch_errors."""

    def process_response(self, request: Request, response: Response) -> Response:
        """Raise RedirectLoop when the Location points back into the chain."""
        if response.status in (301, 302, 303, 307, 308) and (target := _location(response)):
            chain = [*request.meta.get("redirect_urls", []), request.url]
            if target in chain:
                raise RedirectLoop(f"redirect loop: {' -> '.join([*chain, target])}")
        return response


def _location(response: Response) -> str | None:
    """Where a redirect sends the client, as an absolute URL (as RedirectMiddleware reads it)."""
    location = response.headers.get(b"Location")
    return safe_url_string(response.urljoin(location.decode("latin-1").strip())) if location else None


class SeenRedirectMiddleware:
    """A redirect for good (301, 308) to a page this crawl already asked for reaches the spider as it is,
    which records the move: RedirectMiddleware's next hop would be dropped by the duplicate filter,
    and the move with it (only the end-of-crawl question to unseen articles would find it, in a
    complete crawl)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SeenRedirectMiddleware:
        """The duplicate filter is asked for at each response: the scheduler opens after the middlewares."""
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Response:
        """Mark a redirect for good into a page already asked for: not to be followed, for the spider."""
        if response.status not in (301, 308) or request.meta.get("dont_redirect") or request.dont_filter:
            return response  # (an unfiltered request's next hop is unfiltered too: it is followed)
        location = _location(response)
        dupefilter = dupefilter_of(self.crawler)
        if not location or dupefilter is None:
            return response
        target = request.replace(url=location)
        fingerprint = self.crawler.request_fingerprinter.fingerprint
        if fingerprint(target) != fingerprint(request) and dupefilter.has_seen(target):
            request.meta["dont_redirect"] = True
            request.meta["archive_redirect_seen"] = True
        return response


def retry_after(response: Response) -> float:
    """Seconds a Retry-After header asks to wait (delta-seconds or an HTTP date), 0 without one."""
    value = response.headers.get(b"Retry-After")
    if not value:
        return 0.0
    text = value.decode("latin-1").strip()
    if text.isdigit():
        return float(text)
    when = http_date(text)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds()) if when else 0.0


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's RetryMiddleware (RETRY_TIMES, RETRY_HTTP_CODES, RETRY_EXCEPTIONS), waiting
    ARCHIVE_RETRY_BACKOFF seconds before the first retry and twice as long before each next one.

    Scrapy retries at once; a struggling server deserves a pause, and no setting gives one."""

    backoff: float = 1.0
    retry_after_max: float = 60.0

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BackoffRetryMiddleware:
        """Retry settings as Scrapy reads them, plus ARCHIVE_RETRY_BACKOFF and ARCHIVE_RETRY_AFTER_MAX."""
        mw = super().from_crawler(crawler)
        mw.backoff = crawler.settings.getfloat("ARCHIVE_RETRY_BACKOFF", 1.0)
        mw.retry_after_max = crawler.settings.getfloat("ARCHIVE_RETRY_AFTER_MAX", 60.0)
        return mw

    async def _wait(self, result: Request | Response | None, asked: float = 0.0) -> Request | Response | None:
        """Pause before a retry: the backoff, or longer when the server asked (Retry-After, capped)."""
        if isinstance(result, Request) and (self.backoff > 0 or asked > 0):
            from twisted.internet import reactor  # imported late: Scrapy installs the reactor first
            attempt = max(1, int(result.meta.get("retry_times", 1)))
            delay = max(self.backoff * 2 ** (attempt - 1), min(asked, self.retry_after_max))
            await deferred_to_future(deferLater(reactor, delay, lambda: None))
        return result

    async def process_response(self, request: Request, response: Response) -> Request | Response:  # type: ignore[override]
        """A retry request for a retryable status or a body cut short, after the backoff pause (or the
        Retry-After a 429 or 503 names, up to ARCHIVE_RETRY_AFTER_MAX seconds)."""
        if (cut := truncated_coding(response)) and not request.meta.get("dont_retry"):
            result = get_retry_request(request, spider=self.crawler.spider, reason=cut,
                                       max_retry_times=request.meta.get("max_retry_times", self.max_retry_times))
            return await self._wait(result) or response  # (retries used up: the spider records the error)
        result = super().process_response(request, response)
        return await self._wait(result, retry_after(response))  # type: ignore[return-value]

    async def process_exception(self, request: Request, exception: Exception) -> Request | Response | None:  # type: ignore[override]
        """A retry request for a retryable failure (timeout, reset), after the backoff pause."""
        return await self._wait(super().process_exception(request, exception))


class ConditionalRequestMiddleware:
    """Adds If-None-Match / If-Modified-Since from the archive's last ETag / Last-Modified for the URL,
    so an unchanged page costs a 304 and no parsing."""

    def __init__(self, session: CrawlSession) -> None:
        self.session = session

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ConditionalRequestMiddleware:
        """Validators come from the session's archive."""
        return cls(session_for(crawler))

    def process_request(self, request: Request) -> None:
        """Set (or, after a redirect, reset) the validators for exactly this URL."""
        if request.meta.get("dont_obey_robotstxt") or request.meta.get("archive_kind") == "sitemap":
            return
        request.headers.pop(b"If-None-Match", None)
        request.headers.pop(b"If-Modified-Since", None)
        request.meta.pop("archive_validated_url", None)
        if not self.session.parse:
            return
        archive = self.session.archive
        etag, last_modified = archive.validators(request.url)
        if not (etag or last_modified):
            # Linked this time under another spelling (/a/ for /a, a tracking parameter...).
            canonical = canonical_url(request.url, self.session.profile.tracking_params)
            if canonical != request.url:
                etag, last_modified = archive.validators(canonical)
                if etag or last_modified:
                    # A 304 then speaks for the archived URL: the spider records it under that one.
                    request.meta["archive_validated_url"] = canonical
        if etag:
            request.headers[b"If-None-Match"] = etag
        if last_modified and (moment := http_date(last_modified)) and moment <= datetime.now(timezone.utc):
            # (an unreadable or future date would be echoed back to a server that compares dates:
            # a future one answers 304 for ever)
            request.headers[b"If-Modified-Since"] = last_modified
