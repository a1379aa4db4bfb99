"""The `summaries` spider: finds every page of a site (links, pagination, sitemaps, related cards)
and hands each response to the archive pipeline as a plain item; an HTML page is parsed first, in
the parser pool (scraper.parse_pool), which gives its record and its links at once.

Config lives in settings (ARCHIVE_*) and the crawl's session (scraper.session), never on the
spider: `scrapy crawl summaries -a start_urls=URL[,URL] -s ARCHIVE_DB=PATH`."""

from __future__ import annotations

import posixpath
from collections.abc import AsyncIterator, Iterable, Iterator
from importlib.metadata import PackageNotFoundError, version
from typing import Any
from urllib.parse import urljoin, urlsplit

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider, DownloadCancelledError, IgnoreRequest
from scrapy.http import Response, TextResponse
from scrapy.linkextractors import IGNORED_EXTENSIONS
from scrapy.settings import BaseSettings
from scrapy.utils.gz import gunzip, gzip_magic_number
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.response import get_meta_refresh
from scrapy.utils.sitemap import Sitemap
from twisted.internet.defer import CancelledError
from twisted.python.failure import Failure

from parsers.links import page_links
from parsers.profile import DEFAULT_PROFILE, load_profile
from scraper.canonical import canonical_above, canonical_url, clean_url, dupefilter_of, query_dropped
from scraper.feed_sitemap import FeedSitemap, feed_sitemap
from scraper.fetched import (content_type_of, header_dict, is_html, iso_date, soft_404, transient_status, unreadable_body,
                             utc_now)
from scraper.middlewares import OffsiteRequest
from scraper.parse_pool import pool_for
from scraper.session import incomplete_reason, session_for, start_urls_of
from scraper.text_sitemap import TextSitemap, text_sitemap
from scraper.truncated import coding_ends, truncated_coding

# Profile option -> Scrapy setting it sets (at "spider" priority: above settings.py, below -s).
_PROFILE_SETTINGS = {
    "delay": "DOWNLOAD_DELAY",
    "concurrency": "CONCURRENT_REQUESTS_PER_DOMAIN",
    "max_page_bytes": "DOWNLOAD_MAXSIZE",
}
_SKIPPED_EXTENSIONS = frozenset(IGNORED_EXTENSIONS)
_PERMANENT = (301, 308)  # redirects that say a page moved for good
_TEMPORARY = (302, 303, 307)
_HELD_PRIORITY = 100  # a request carrying a page that waits for its answer goes before the crawl's others
_SITEMAP_MAXSIZE = 50 * 1024 * 1024  # sitemaps.org: at most 50 MB uncompressed
# Scrapy imports a component that its setting turns off only to hear it say so: RemoteControl alone
# imports aiohttp's web server (~0.2 s of every crawl's start). Off, they are not loaded at all.
_LOADED_ONLY_IF = {
    "REMOTE_CONTROL_ENABLED": ("EXTENSIONS", "scrapy.extensions.remote_control.RemoteControl"),
    "TELNETCONSOLE_ENABLED": ("EXTENSIONS", "scrapy.extensions.telnet.TelnetConsole"),
    "COOKIES_ENABLED": ("DOWNLOADER_MIDDLEWARES", "scrapy.downloadermiddlewares.cookies.CookiesMiddleware"),
}


def _binary(url: str) -> bool:
    """True for links to files that are not pages (images, archives, office documents...)."""
    path = urlsplit(url).path
    return posixpath.splitext(path)[1][1:].lower() in _SKIPPED_EXTENSIONS


def _moved_from(meta: dict[str, Any]) -> list[tuple[str, int]]:
    """(URL, status) of the redirects for good (301, 308, a meta refresh: 200) on the way to this
    response, starting with the archived page whose move was followed here (unless a temporary
    redirect on the way makes it no move: see _sent_on_for_now)."""
    return [*(() if _sent_on_for_now(meta) else meta.get("archive_moved_from", ())),
            *((url, reason if isinstance(reason, int) else 200)
              for url, reason in zip(meta.get("redirect_urls", ()), meta.get("redirect_reasons", ()))
              if reason in _PERMANENT or reason == "meta refresh")]


def _sent_on_for_now(meta: dict[str, Any]) -> int | None:
    """The status of a temporary redirect (302, 303, 307) on the way from an archived page's redirect
    for good to this response (301 to /members/a, then 302 to a login page): that page is where the
    site sends readers for now, not where the article moved."""
    if not meta.get("archive_moved_from"):
        return None
    return next((r for r in meta.get("redirect_reasons", ()) if r in _TEMPORARY), None)


def _entry_url(response: Response, loc: str | None) -> str | None:
    """A sitemap entry's absolute URL; None for one that is no URL ("http://[bad"), which costs only itself."""
    if not loc or not loc.strip():
        return None
    try:
        # A relative <loc> breaks the sitemaps.org rule but is common: read against the sitemap's URL.
        return response.urljoin(loc.strip())
    except ValueError:
        return None


def project_version() -> str:
    """The installed summary-archive version, for the User-Agent."""
    try:
        return version("summary-archive")
    except PackageNotFoundError:
        return "0"


class SummariesSpider(Spider):
    """Crawls the start URLs' sites; every HTML page is followed for links and offered to the archive."""

    name = "summaries"

    def __init__(self, *args: Any, start_urls: object = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.start_urls = start_urls_of(start_urls)

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        """Apply the site profile's crawl options and the User-Agent before settings freeze."""
        super().update_settings(settings)
        profile = load_profile(settings.get("ARCHIVE_PROFILE") or None)
        for option, setting in _PROFILE_SETTINGS.items():
            value = getattr(profile, option)
            if value != getattr(DEFAULT_PROFILE, option):
                settings.set(setting, value, priority="spider")
        agent = profile.user_agent or f"summary-archive/{project_version()} (+{profile.contact_url})"
        settings.set("USER_AGENT", agent, priority="spider" if profile.user_agent else "project")
        # AutoThrottle starts at the configured delay and aims at the configured per-host concurrency.
        settings.set("AUTOTHROTTLE_START_DELAY", settings.getfloat("DOWNLOAD_DELAY"), priority="spider")
        settings.set("AUTOTHROTTLE_TARGET_CONCURRENCY",
                     float(settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN")), priority="spider")
        for flag, (components, path) in _LOADED_ONLY_IF.items():
            if not settings.getbool(flag):
                settings[components].set(path, None, priority="spider")

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> SummariesSpider:
        """Also listen for parsed robots.txt files, to follow their Sitemap: lines."""
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.robots_parsed, signal=signals.robots_parsed)
        crawler.signals.connect(spider.revisit_unseen, signal=signals.spider_idle)
        return spider

    # -- requests -------------------------------------------------------------------------------

    def _page(self, url: str, dont_filter: bool = False, **meta: Any) -> Request:
        session = session_for(self.crawler)
        tracking = session.profile.tracking_params
        request = Request(clean_url(url, tracking), callback=self.parse_page, errback=self.on_error, meta=meta,
                          dont_filter=dont_filter)
        dupefilter = dupefilter_of(self.crawler)
        if dupefilter is not None and (dont_filter or not dupefilter.has_seen(request)):
            # (a request the dupefilter will drop is no answer on its way: its URL was asked for before)
            session.on_its_way(canonical_url(url, tracking))
        return request

    def _sitemap(self, url: str, **meta: Any) -> Request:
        return Request(url, callback=self.parse_sitemap, errback=self.on_error,
                       meta={"archive_kind": "sitemap", "download_maxsize": self._sitemap_maxsize(), **meta})

    def _sitemap_maxsize(self) -> int:
        """The size limit for a sitemap: the sitemaps.org limit (50 MiB) when the page limit is lower."""
        page_limit = self.crawler.settings.getint("DOWNLOAD_MAXSIZE")
        return 0 if not page_limit else max(page_limit, _SITEMAP_MAXSIZE)

    async def start(self) -> AsyncIterator[Request]:
        """The start URLs, then each start site's /sitemap.xml (robots.txt's sitemaps come by signal)."""
        session = session_for(self.crawler)
        if session.failure:  # the archive could not open the crawl (CrawlRecorder said why)
            return
        if not session.start_urls:
            session.failure = "no start URLs: give URLs, -a start_urls=URL or the profile's start_urls"
            return
        roots = []
        for url in session.start_urls:
            yield self._page(url, archive_start=True)
            parts = urlsplit(url)
            root = f"{parts.scheme}://{parts.netloc}/"
            if root not in roots:
                roots.append(root)
        for root in roots:
            yield self._sitemap(root + "sitemap.xml", archive_optional=True)

    def revisit_unseen(self) -> None:
        """Before a complete crawl marks the articles it did not reach gone, ask once for each: one the
        site merely stopped linking is still there (200/304), a removed one says 404/410, a moved one
        301/308 to its new URL. Not in a crawl that marks nothing gone, nor a distributed one. (First,
        pages still waiting for a URL's answer get it.)"""
        session = session_for(self.crawler)
        if session.waiting:
            # Pages wait for URLs whose requests a spider middleware dropped (a depth limit): asked now.
            for key in list(session.waiting):
                self.crawler.engine.crawl(self._page(key, dont_filter=True, archive_read_at=True))
            raise DontCloseSpider
        if (session.revisited is not None or session.failure or not session.parse or session.crawl_id is None
                or incomplete_reason(session.limited, session.transient_errors, session.archived)
                or self.crawler.settings.get("ARCHIVE_REDIS_URL")):
            return
        session.revisited = session.archive.unseen_urls(session.crawl_id, session.scope.hosts)
        if not session.revisited:
            return
        agent = self._robots_agent()
        session.revisits_forbidden = sum(session.robots_forbid(url, urlsplit(url).netloc, agent)
                                         for url in session.revisited)
        tracking = session.profile.tracking_params
        for url in session.revisited:
            # Unfiltered: a URL this crawl asked for and lost to a redirect into a page already seen. Noted as
            # followed: a link to it on a page of the sweep (an old page's cards) is this request, not a second.
            session.first_link(canonical_url(url, tracking), url)
            self.crawler.engine.crawl(self._page(url, dont_filter=True, archive_revisit=True, dont_redirect=True))
        raise DontCloseSpider

    def robots_parsed(self, robotparser: Any, request: Request) -> None:
        """Queue the sitemaps a robots.txt names (on in-scope hosts; the dupefilter drops repeats)."""
        session = session_for(self.crawler)
        session.robots[urlparse_cached(request).netloc] = robotparser
        robots = f"{urlsplit(request.url).scheme}://{urlsplit(request.url).netloc}/robots.txt"
        for url in (urljoin(robots, each.strip()) for each in getattr(robotparser, "sitemaps", ())):
            if session.scope.allows(url):
                self.crawler.engine.crawl(self._sitemap(url))

    def _robots_agent(self) -> str:
        """The name robots.txt rules are matched against, as RobotsTxtMiddleware picks it."""
        settings = self.crawler.settings
        return settings.get("ROBOTSTXT_USER_AGENT") or settings.get("USER_AGENT")

    def _follow(self, urls: list[str]) -> Iterator[Request]:
        session = session_for(self.crawler)
        scope = session.scope
        tracking = session.profile.tracking_params
        agent = self._robots_agent()
        for url in urls:
            # The cheap set look-up first: most links repeat ones this crawl already followed or refused
            # (in the dupefilter's own spelling: "/a/", "/a#top" and "/a?utm_source=x" are "/a"); but an
            # off-site link with a query (a share button carrying the page's address, one per page) is
            # refused before costing a full canonicalisation.
            if "?" in url and not scope.allows(url):
                continue
            if not session.first_link(key := canonical_url(url, tracking), url):
                if session.dead and session.revived(key, url):  # "/a/" answered 404: "/a" is asked for too
                    yield self._page(url, dont_filter=True)
                continue
            if not scope.allows(url) or _binary(url):
                continue
            target = clean_url(url, tracking)
            if session.robots and session.robots_forbid(target, urlsplit(target).netloc, agent):
                self.crawler.stats.inc_value("robotstxt/forbidden")
                continue
            yield self._page(url)

    # -- callbacks: every outcome becomes an item for the single archive writer (the pipeline) ---

    async def parse_page(self, response: Response) -> AsyncIterator[Request | dict[str, Any]]:
        """Classify the response; an HTML page is parsed (in the parser pool, record and links at
        once), its links followed, and the page handed on with its record and body. A page that named
        this URL as its canonical one and waited for its answer (see _checked_canonical) follows."""
        async for each in self._answer(response):
            yield each
        for page in self._answered(response.meta, (response.request.url, response.url), response.status):
            yield page

    async def _answer(self, response: Response) -> AsyncIterator[Request | dict[str, Any]]:
        item: dict[str, Any] = {"url": response.url, "status": response.status, "fetched_at": utc_now(),
                                "start": bool(response.meta.get("archive_start"))}
        if status_for_now := _sent_on_for_now(response.meta):
            # Not moved, refused for now (a login wall): the site still answers for the article.
            first = (response.meta.get("redirect_urls") or [response.url])[0]
            for old, status in response.meta["archive_moved_from"]:
                yield {"kind": "error", "url": old, "status": status, "fetched_at": item["fetched_at"], "seen": True,
                       "error": f"HTTP {status} to {first}, which sends readers for now (HTTP {status_for_now}) "
                                f"to {response.url}"[:500]}
        status = response.status
        if status == 304 and not (response.request.headers.get(b"If-None-Match")
                                  or response.request.headers.get(b"If-Modified-Since")):
            yield {**item, "kind": "error",
                   "error": "HTTP 304 to a request without validators (says nothing of the page)"}
        elif status == 304:
            # Unchanged since the archive last fetched it in full: its links then are its links now.
            url = response.meta.get("archive_validated_url") or response.url
            for request in self._follow(session_for(self.crawler).archive.links(url) or []):
                yield request
            yield {**item, "url": url, "kind": "not_modified", "headers": header_dict(response.headers),
                   "moved_from": _moved_from(response.meta)}
        elif status in (404, 410):
            session = session_for(self.crawler)
            if not response.meta.get("archive_read_at") and (elsewhere := session.archive.read_at(response.url)):
                # The article's text was read at another URL (a copy naming this one as canonical, the other
                # trailing-slash spelling): that URL says whether it is gone, not this one.
                yield {**item, "kind": "error", "error": f"HTTP {status} (the article is read at {elsewhere})"[:500]}
                yield self._page(elsewhere, dont_filter=True, archive_read_at=True)
                return
            yield {**item, "kind": "gone"}
            # A strict server: "/a/" is dead but "/a", also linked, may not be (one request to the crawl).
            if twin := session.twin_of_dead(canonical_url(response.url, session.profile.tracking_params)):
                yield self._page(twin, dont_filter=True)
        elif 300 <= status < 400 and (response.meta.get("archive_revisit") or response.meta.get("archive_redirect_seen")):
            location = response.headers.get(b"Location")
            for each in self._redirected(response, item, location.decode("latin-1") if location else None,
                                         permanent=status in _PERMANENT):
                yield each
        elif response.meta.get("archive_revisit") and (target := self._refreshes_to(response)):
            # A stub that sends readers on at once (static hosts' way to move a page, e.g. Jekyll's
            # redirect_from): a move, as RedirectMiddleware would have followed it.
            for each in self._redirected(response, item, target, permanent=True):
                yield each
        elif status == 206:  # (never asked for: the crawler sends no Range)
            yield {**item, "kind": "error", "error": "HTTP 206: a part of the page, not archived", "transient": True}
        elif cut := truncated_coding(response):
            yield {**item, "kind": "error", "error": cut, "transient": True}
        elif not 200 <= status < 300:
            yield {**item, "kind": "error", "error": f"HTTP {status}", "transient": transient_status(status)}
        elif not is_html(response) and self._read_sitemap(response) is not None:
            for each in self.parse_sitemap(response):  # a sitemap given as a start URL, or linked from a page
                yield each
        elif not is_html(response):
            yield {**item, "kind": "other", "error": f"not HTML (Content-Type: {content_type_of(response)})"}
        elif problem := unreadable_body(response):
            yield {**item, "kind": "error", "error": problem}
        else:
            session = session_for(self.crawler)
            headers = header_dict(response.headers)
            if not session.parse:  # the null spider: discovery only
                for request in self._follow(page_links(response.body, response.url, headers)):
                    yield request
                yield {**item, "kind": "page", "record": None}
                return
            # The record's URL when the page names no canonical one: the canonical form, so that
            # /a and /a/ (whichever a crawl happened to follow first) are one article.
            page_url = canonical_url(response.url, session.profile.tracking_params)
            parsed = await pool_for(self.crawler).parse(response.body, page_url, response.url, headers,
                                                        session.profile)
            record = parsed.record or {}
            if record.get("page_type") != "other" or not soft_404(record):
                # (a "Page not found" answer's links are not the site's: a catch-all answering any URL
                # with a relative link in its template would make the crawl endless)
                for request in self._follow(parsed.links):
                    yield request
            page = {**item, "kind": "page", "record": parsed.record, "parse_error": parsed.error,
                    "body": response.body, "headers": headers, "links": parsed.links,
                    "moved_from": _moved_from(response.meta)}
            for each in self._checked_canonical(page, response):
                yield each

    def _checked_canonical(self, page: dict[str, Any], response: Response) -> list[Request | dict[str, Any]]:
        """The page, or what stands for it until the URL it names as canonical has answered, when that is
        another page of the site: a CMS's typo in the link must not file the text under a URL that does
        not exist (404/410) and call the readable page gone. The page goes on marked with that URL's
        404/410 if it gave one this crawl; waits for that URL's answer if it is on its way (nothing
        now: parse_page hands it on); rides in a HEAD request for it if this crawl has not asked yet and
        the archive holds no text read there (HEAD: the answer's status is the question; a GET would
        archive whatever that URL serves, a page no link leads to). Otherwise the link is trusted."""
        session = session_for(self.crawler)
        record, tracking = page.get("record") or {}, session.profile.tracking_params
        named = record.get("url")
        if not named or record.get("page_type") not in session.profile.page_types:
            return [page]
        here, there = urlsplit(response.url), urlsplit(named)
        if (there.path.rstrip("/"), there.query) == (here.path.rstrip("/"), here.query) or not session.scope.allows(named) \
                or (canonical_above(named, response.url, tracking) and not query_dropped(named, response.url, tracking)):
            return [page]  # (the page in another spelling or scheme, another site's, a page above it: see ArchivePipeline)
        key = canonical_url(named, tracking)
        if key in session.missing:
            return [{**page, "canonical_missing": session.missing[key]}]
        dupefilter = dupefilter_of(self.crawler)  # (None in a distributed crawl: its frontier is not ours to watch)
        if dupefilter is not None and key in session.inflight:
            session.waiting.setdefault(key, []).append(page)
            return []
        archive = session.archive
        if archive.is_archived(key) and archive.read_at(key) is None:
            return [page]  # archived from its own URL: its own answers say whether it is there
        if len(named) > self.crawler.settings.getint("URLLENGTH_LIMIT") or (
                session.depth and response.meta.get("depth", 0) >= session.depth):
            return [page]  # (a spider middleware would drop the request, and the page with it)
        target = clean_url(named, tracking)
        if session.robots and session.robots_forbid(target, urlsplit(target).netloc, self._robots_agent()):
            return [page]
        if query_dropped(named, response.url, tracking):
            # (the page's own path, linked with a parameter: fetched as the page it is, the page waiting for it)
            request = self._page(named, archive_held=page, archive_read_at=True).replace(priority=_HELD_PRIORITY)
            if dupefilter is None:  # (a distributed crawl's dupefilter would drop a URL seen before, and the page with it)
                return [request.replace(dont_filter=True)]
            return [page] if dupefilter.has_seen(request) else [request]
        if (here.scheme, here.netloc) != (there.scheme, there.netloc):
            return [page]  # (another scheme or port of the host: asking there says nothing of this site's pages)
        return [Request(target, method="HEAD", callback=self.canonical_answered, errback=self.canonical_unanswered,
                        meta={"archive_held": page}, priority=_HELD_PRIORITY, dont_filter=True)]

    def canonical_answered(self, response: Response) -> Iterator[Request | dict[str, Any]]:
        """The answer to a HEAD request for a canonical URL (see _checked_canonical): the page that named it,
        marked when it was 404/410 (remembered for the pages yet to name it; the site's broken link an error).
        A server that does not do HEAD (405, 501) is asked with GET, its body unread."""
        depth = session_for(self.crawler).depth
        if response.request.method == "HEAD" and response.status in (405, 501):
            if not depth or response.meta.get("depth", 0) < depth:  # (DepthMiddleware would drop it, and the page)
                yield response.request.replace(method="GET")
            else:
                yield response.meta["archive_held"]
            return
        page = response.meta["archive_held"]
        if response.status in (404, 410):
            session = session_for(self.crawler)
            for url in dict.fromkeys((response.url, *response.meta.get("redirect_urls", ()))):
                session.answered_missing(canonical_url(url, session.profile.tracking_params), response.status)
            yield {"kind": "error", "url": response.url, "status": response.status, "fetched_at": utc_now(),
                   "error": f"HTTP {response.status}: named as canonical by {page['url']}"[:500]}
            page = {**page, "canonical_missing": response.status}
        yield page

    def canonical_unanswered(self, failure: Failure) -> Iterator[dict[str, Any]]:
        """No answer to a HEAD request for a canonical URL: the page that named it, its link trusted (a
        question of ours that failed is no fetch error of the site's)."""
        yield failure.request.meta["archive_held"]  # type: ignore[attr-defined]

    def _answered(self, meta: dict[str, Any], urls: Iterable[str], status: int | None) -> Iterator[dict[str, Any]]:
        """The pages that waited for the answer (`status`, None: no answer) of a request for these URLs
        and the redirects on its way (see _checked_canonical), marked with its 404/410 if it was one, which
        is also remembered for pages yet to name it."""
        session = session_for(self.crawler)
        pages = [held] if (held := meta.get("archive_held")) is not None else []
        for url in dict.fromkeys((*urls, *meta.get("redirect_urls", ()))):
            key = canonical_url(url, session.profile.tracking_params)
            if status in (404, 410):
                session.answered_missing(key, status)
            session.inflight.discard(key)
            pages += session.waiting.pop(key, ())
        for page in pages:
            yield {**page, "canonical_missing": status} if status in (404, 410) else page

    def _refreshes_to(self, response: Response) -> str | None:
        """Where an HTML page's <meta http-equiv="refresh"> sends readers within METAREFRESH_MAXDELAY."""
        if not is_html(response) or not isinstance(response, TextResponse):
            return None
        settings = self.crawler.settings
        interval, url = get_meta_refresh(response, ignore_tags=settings.getlist("METAREFRESH_IGNORE_TAGS"))
        return url if url and interval is not None and interval < settings.getfloat("METAREFRESH_MAXDELAY") else None

    def _redirected(self, response: Response, item: dict[str, Any], location: str | None,
                    permanent: bool) -> Iterator[Request | dict[str, Any]]:
        """A revisited article's URL redirects (or any URL redirects for good to a page this crawl asked
        for already): its target is followed (archived on its own); a permanent redirect (301, 308, an
        immediate meta refresh) says the article moved there, a temporary one is an error."""
        if not location:
            yield {**item, "kind": "error", "error": f"HTTP {response.status} without a Location"}
            return
        target = urljoin(response.url, location.strip())
        followable = session_for(self.crawler).scope.allows(target) and not _binary(target)
        if permanent and followable:
            session = session_for(self.crawler)
            tracking = session.profile.tracking_params
            # (The redirects for good that led here moved too: /a 301 -> /b 301 -> a page already seen.)
            sources = [*_moved_from(response.meta), (response.url, response.status)]
            if session.crawl_id is not None and (moved_to := session.archive.fetched_article(
                    session.crawl_id, clean_url(target, tracking), canonical_url(target, tracking))):
                # This crawl archived the page there already: the article moved to it, no second fetch.
                for url, status in sources:
                    yield {**item, "url": url, "status": status, "kind": "moved", "target": moved_to}
                return
            if response.meta.get("archive_redirect_seen"):
                # Asked for already and not archived yet (on its way): the move is recorded when it is,
                # if it is a summary (a move to a page that is none is no move).
                session.pending_moves.setdefault(canonical_url(target, tracking), []).extend(sources)
                return
            # Otherwise followed to the end of its redirects, even if this crawl fetched it already: the
            # page stored there is where the article moved (a chain or a loop ends elsewhere, or nowhere).
            yield self._page(target, dont_filter=True, archive_moved_from=sources)
            return
        if followable:
            yield self._page(target)
        # For now (a login wall, a maintenance page), or off the site: the page is still there.
        yield {**item, "kind": "error", "error": f"HTTP {response.status} to {target}"[:500]}

    def parse_sitemap(self, response: Response) -> Iterator[Request | dict[str, Any]]:
        """Follow a sitemap index's sitemaps and a urlset's pages (skipping those not changed --since)."""
        optional = bool(response.meta.get("archive_optional"))
        if response.status != 200:
            if not (optional and response.status in (404, 410)):
                yield {"kind": "error", "url": response.url, "status": response.status, "fetched_at": utc_now(),
                       "error": f"sitemap: HTTP {response.status}", "transient": transient_status(response.status)}
            return
        if cut := truncated_coding(response) or self._cut_gzip_file(response):
            # Read as far as it goes, it would make a complete crawl call the pages after the cut gone.
            yield {"kind": "error", "url": response.url, "status": response.status, "fetched_at": utc_now(),
                   "error": f"sitemap: {cut}", "transient": True}
            return
        sitemap = self._read_sitemap(response)
        if sitemap is None:
            if not optional:
                yield {"kind": "error", "url": response.url, "status": response.status,
                       "fetched_at": utc_now(), "error": "sitemap: not a sitemap document"}
            return
        session = session_for(self.crawler)
        for entry in sitemap:
            loc = _entry_url(response, entry.get("loc"))
            if not loc or not session.scope.allows(loc):
                continue
            if sitemap.type == "sitemapindex":
                yield self._sitemap(loc)
                continue
            lastmod = iso_date(entry.get("lastmod"))
            if session.since and lastmod and lastmod < session.since:
                self.crawler.stats.inc_value("archive/skipped_since")
                continue
            if session.first_link(canonical_url(loc, session.profile.tracking_params), loc):
                yield self._page(loc)

    def _cut_gzip_file(self, response: Response) -> str | None:
        """What is wrong with a gzipped sitemap file (sitemap.xml.gz) that stops before its end, else None."""
        if gzip_magic_number(response) and not coding_ends(response.body, "gzip", self._sitemap_maxsize()):
            return "gzip file cut short (its stream ends early)"
        return None

    def _read_sitemap(self, response: Response) -> Sitemap | TextSitemap | FeedSitemap | None:
        """The response's sitemap (XML urlset or index, a text sitemap, an RSS or Atom feed; gzipped or
        not), or None."""
        body = response.body
        if gzip_magic_number(response):
            try:
                body = gunzip(body, max_size=self._sitemap_maxsize())
            except Exception:  # corrupt or over the size limit once decompressed
                return None
        if (listed := text_sitemap(body) or feed_sitemap(body, response.url)) is not None:
            return listed
        head = body[:65536]
        if b"urlset" not in head and b"sitemapindex" not in head:  # also <sm:urlset ...>
            return None
        try:
            sitemap = Sitemap(body)
        except Exception:  # lxml in recover mode may still give no root for garbage
            return None
        return sitemap if sitemap.type in ("urlset", "sitemapindex") else None

    def on_error(self, failure: Failure) -> Iterator[dict[str, Any]]:
        """A request that got no response (timeout, reset, size limit, robots.txt, off-site); a page
        waiting for this URL's answer (see _checked_canonical) is handed on, its canonical link trusted."""
        yield from self._failed(failure)
        request = failure.request  # type: ignore[attr-defined]
        yield from self._answered(request.meta, (request.url,), None)

    def _failed(self, failure: Failure) -> Iterator[dict[str, Any]]:
        request = failure.request  # type: ignore[attr-defined]
        start = bool(request.meta.get("archive_start"))
        # Some failures carry no message (ResponseDataLossError): their class's own description then.
        detail = failure.getErrorMessage() or " ".join((failure.type.__doc__ or "").split()).split(". ")[0]
        message = f"{failure.type.__name__}: {detail}"[:500]
        if failure.check(OffsiteRequest) or (
                failure.check(IgnoreRequest) and "robots.txt" in failure.getErrorMessage()):
            # Not a fetch failure (robots.txt, scope): nothing to record, but a start URL must say why.
            # (Other IgnoreRequests, e.g. a body over DOWNLOAD_MAXSIZE once decompressed, are errors.)
            if start:  # (named as given: the off-site URL is a redirect's target, in the message)
                yield {"kind": "ignored", "url": (request.meta.get("redirect_urls") or [request.url])[0], "start": True,
                       "error": message}
            elif request.meta.get("archive_revisit"):  # not allowed to look is no sign it is gone
                yield {"kind": "error", "url": request.url, "status": None, "fetched_at": utc_now(),
                       "error": f"not asked again: {message}"[:500], "seen": True}
            for old, status in request.meta.get("archive_moved_from", ()):
                # Its redirect for good leads where the crawl may not look: unconfirmed, so no move.
                yield {"kind": "error", "url": old, "status": status, "fetched_at": utc_now(), "seen": True,
                       "error": f"HTTP {status} to {request.url}, not followed: {message}"[:500]}
            return
        if request.meta.get("archive_optional"):
            return
        for old, status in request.meta.get("archive_moved_from", ()):
            # Its redirect led nowhere (a loop, a failure): no move; the site still answers for it.
            target = (request.meta.get("redirect_urls") or [request.url])[0]
            yield {"kind": "error", "url": old, "status": status, "fetched_at": utc_now(), "start": False,
                   "error": f"HTTP {status} to {target}, which failed: {message}"[:500]}
        # No answer (timeout, reset, refused) may be gone tomorrow; a body over the size limit is not.
        transient = not failure.check(IgnoreRequest, CancelledError, DownloadCancelledError)
        yield {"kind": "error", "url": request.url, "status": None, "fetched_at": utc_now(),
               "start": start, "error": message, "transient": transient}
