"""What the components of one crawl share: its archive, crawls row, profile, scope and limits.

Scrapy components are built separately (pipeline, middlewares, extensions); they find the one
session of their crawler here, keyed weakly by the Crawler, so the spider object carries no state."""

from __future__ import annotations

import hashlib
import json
import time
import weakref
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from archive import Archive
from archive.clock import to_epoch
from parsers.links import LINKS_VERSION
from parsers.profile import Profile, load_profile
from parsers.record import PARSER_VERSION
from scraper.scope import Scope

if TYPE_CHECKING:  # the CLI imports parse_since without paying for Scrapy
    from scrapy.crawler import Crawler

_SESSIONS: weakref.WeakKeyDictionary[Crawler, CrawlSession] = weakref.WeakKeyDictionary()


def parse_since(value: str | None) -> datetime | None:
    """ARCHIVE_SINCE as an aware UTC datetime: a date (YYYY-MM-DD) or an ISO 8601 time; ValueError if bad."""
    if not value:
        return None
    return datetime.fromtimestamp(to_epoch(str(value).strip()), timezone.utc)


def start_urls_of(value: object) -> list[str]:
    """Start URLs from a spider argument or setting: a comma-separated string or a list."""
    if not value:
        return []
    items = value.split(",") if isinstance(value, str) else list(value)  # type: ignore[call-overload]
    return [str(item).strip() for item in items if str(item).strip()]


def judgement_of(profile: Profile) -> str:
    """How a crawl decides which pages to archive: a page it followed but did not archive is trusted
    to stay that way (its 304 followed, never stored) only by a crawl that decides the same way: the
    same parser, page types and labels (a site crawled without its profile, then with it, must have
    its pages read again, not answered 304 as the pages that were no summaries)."""
    labels = json.dumps([profile.sections, profile.ratings, profile.related, profile.details, profile.boilerplate,
                         profile.journal_pattern, profile.rating_scale], ensure_ascii=False)
    return (f"parser {PARSER_VERSION}; archives {', '.join(sorted(profile.page_types))}; "
            f"labels {hashlib.sha256(labels.encode()).hexdigest()[:12]}")


def open_archive(db: str, profile: Profile) -> Archive:
    """The archive as a crawl (or its writer) uses it: link memory of this parser and profile."""
    return Archive(db, version_related=profile.version_related, links_version=LINKS_VERSION,
                   judgement=judgement_of(profile), parser_version=PARSER_VERSION)


# URLs remembered by CrawlSession.first_link: a site's navigation and recent cards, a few MB at most.
LINKED_MAX = 20_000


def _ends_in_slash(url: str) -> bool:
    """The URL's path ends with a slash ("/a/", "/a/?x=1")."""
    return url.split("#", 1)[0].split("?", 1)[0].endswith("/")


@dataclass
class CrawlSession:
    """Per-crawl configuration (read once from settings) and the few counters the run needs."""

    archive: Archive
    profile: Profile
    start_urls: list[str]
    scope: Scope
    since: datetime | None
    max_pages: int
    depth: int
    parse: bool
    crawl_id: int | None = None
    archived: int = 0                   # summary pages archived (or 304/gone) by this run
    start_reached: bool = False         # some start URL answered
    pages_seen: int = 0                 # pages (any 2xx or 304) this run received
    transient_errors: int = 0           # fetches that failed for now (5xx, 429, timeouts): pages may hide behind
    start_errors: list[str] = field(default_factory=list)
    failure: str | None = None          # why the crawl could not run, for the exit code
    started: float = field(default_factory=time.monotonic)
    linked: dict[str, str] = field(default_factory=dict)  # URLs recently met in links -> first spelling (see first_link)
    twins: dict[str, str] = field(default_factory=dict)  # URL -> its other trailing-slash spelling, also linked
    dead: set[str] = field(default_factory=set)  # URLs whose first spelling answered 404 or 410, no twin linked yet
    missing: dict[str, int] = field(default_factory=dict)  # URLs (canonical form) that answered 404 or 410 -> status
    inflight: set[str] = field(default_factory=set)  # URLs (canonical form) of page requests not answered yet
    waiting: dict[str, list[dict]] = field(default_factory=dict)  # such a URL -> pages naming it canonical, waiting
    revisited: list[str] | None = None  # archived pages asked for again before the crawl ended (None: not yet)
    revisits_forbidden: int = 0         # of those, the ones robots.txt now disallows (not asked: they stay live)
    robots: dict[str, object] = field(default_factory=dict)  # netloc -> its parsed robots.txt (see robots_forbid)
    # canonical URL -> (URL, status) of the redirects for good to it seen before it was archived
    pending_moves: dict[str, list[tuple[str, int]]] = field(default_factory=dict)

    @property
    def limited(self) -> bool:
        """True when limits may leave pages unvisited, so absence from this crawl proves nothing."""
        return bool(self.max_pages or self.depth or self.since)

    def robots_forbid(self, url: str, netloc: str, user_agent: str) -> bool:
        """True for a link its host's robots.txt, already read, disallows: the spider drops it before it
        is a request (a site's disallowed pages are often linked from every page: each would go
        through the scheduler to be dropped by RobotsTxtMiddleware, which still decides the rest)."""
        parser = self.robots.get(netloc)
        return parser is not None and not parser.allowed(url, user_agent)  # type: ignore[attr-defined]

    def first_link(self, url: str, spelled: str | None = None) -> bool:
        """False for a URL (in canonical form) this run recently met in a link or sitemap, so the spider skips it.

        Pages link the same navigation and cards over and over (~5 duplicates per new URL): each would
        cost a Request through the spider middlewares and the dupefilter only to be dropped there.
        Only a shortcut (the dupefilter decides), so the set is bounded: memory stays flat however
        long the crawl. With a depth limit DepthMiddleware may drop a deep first sighting before the
        dupefilter sees it, so a later shallower link must still go through: no shortcut then.
        A link `spelled` with or without the trailing slash its first sighting had is remembered (twins):
        "/a/" and "/a" are one request, and if the first spelling answers 404 the other is asked too."""
        first = self.linked.get(url)
        if first is None:
            if len(self.linked) >= LINKED_MAX:
                self.linked.clear()
            self.linked[url] = spelled or url
            return True
        if spelled is not None and spelled != first and _ends_in_slash(spelled) != _ends_in_slash(first):
            if len(self.twins) >= LINKED_MAX:
                self.twins.clear()
            self.twins.setdefault(url, spelled)
        return bool(self.depth)

    def twin_of_dead(self, url: str) -> str | None:
        """The other trailing-slash spelling linked for a URL (canonical form) whose first spelling answered
        404 or 410, to ask for too; None (and the URL remembered as dead) when none was linked yet."""
        twin = self.twins.pop(url, None)
        if twin is None:
            if len(self.dead) >= LINKED_MAX:
                self.dead.clear()
            self.dead.add(url)
        return twin

    def on_its_way(self, url: str) -> None:
        """A page request for `url` (canonical form) is being made (see waiting)."""
        self.inflight.add(url)

    def answered_missing(self, url: str, status: int) -> None:
        """Remember that `url` (canonical form) answered 404 or 410 in this crawl (bounded, as `linked`)."""
        if len(self.missing) >= LINKED_MAX:
            self.missing.clear()
        self.missing[url] = status

    def revived(self, url: str, spelled: str) -> bool:
        """True once for a link `spelled` with the other trailing slash than a dead URL's first spelling."""
        first = self.linked.get(url)
        if url in self.dead and first is not None and _ends_in_slash(spelled) != _ends_in_slash(first):
            self.dead.discard(url)
            return True
        return False

    def limit_reached(self) -> bool:
        """True once --max-pages summary pages were archived."""
        return bool(self.max_pages) and self.archived >= self.max_pages


# What counts as a summary page archived (toward --max-pages): a page stored, a 304, a gone one.
PAGE_OUTCOMES = ("new", "changed", "unchanged", "held", "gone")


def incomplete_reason(limited: bool, transient_errors: int, pages_reached: int) -> str | None:
    """Why a finished crawl proves nothing about the articles it did not see, so none becomes gone:
    limits, pages that failed for now (an article may hide behind a listing that answered 503), or
    no summary page reached at all (a maintenance page on every URL). None when it proves that."""
    if limited:
        return "limited crawl"
    if transient_errors:
        return f"{transient_errors} fetches failed for now (5xx, 429, timeouts)"
    if not pages_reached:
        return "no summary page reached"
    return None


def gone_not_judged(why: str | None) -> str | None:
    """The summary's line, and the crawls row's note, for a finished crawl that marked nothing gone."""
    return f"{why}: articles not seen were not marked gone" if why else None


def session_for(crawler: Crawler) -> CrawlSession:
    """The crawl's session, made from its settings on first use (opens the archive: may raise ArchiveError)."""
    session = _SESSIONS.get(crawler)
    if session is None:
        session = _new_session(crawler)
        _SESSIONS[crawler] = session
    return session


def _new_session(crawler: Crawler) -> CrawlSession:
    settings = crawler.settings
    db = settings.get("ARCHIVE_DB")
    if not db:
        raise ValueError("ARCHIVE_DB is not set: pass -s ARCHIVE_DB=PATH")
    profile = load_profile(settings.get("ARCHIVE_PROFILE") or None)
    spider = crawler.spider
    start_urls = start_urls_of(getattr(spider, "start_urls", None)) or start_urls_of(
        settings.get("ARCHIVE_START_URLS")) or list(profile.start_urls)
    archive = open_archive(db, profile)
    return CrawlSession(
        archive=archive,
        profile=profile,
        start_urls=start_urls,
        scope=Scope.build(start_urls, profile.allowed_hosts),
        since=parse_since(settings.get("ARCHIVE_SINCE")),
        max_pages=settings.getint("ARCHIVE_MAX_PAGES", 0),
        depth=settings.getint("DEPTH_LIMIT", 0),
        parse=settings.getbool("ARCHIVE_PARSE", True),
    )
