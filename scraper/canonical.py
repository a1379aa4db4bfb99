"""One canonical form per URL, so the same page is requested once per crawl whatever link spelt it."""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Iterable
from urllib.parse import urlsplit, urlunsplit
from weakref import WeakKeyDictionary

from scrapy import Request
from scrapy.dupefilters import RFPDupeFilter
from scrapy.crawler import Crawler
from w3lib.url import canonicalize_url, url_query_cleaner

from parsers.profile import DEFAULT_PROFILE, load_profile

_DEFAULT_PORTS = {"http": 80, "https": 443}


# A session id in the path (Java servlets' ";jsessionid=", PHP's, classic ASP's): a server that gets no
# cookie writes a fresh one into every link, so each page would be new to the crawl forever.
_SESSION_PATH_PARAM = re.compile(r";(?:jsessionid|phpsessid|sessionid|sid|aspsessionid\w*)=[^/?#;]*", re.I)


def clean_url(url: str, tracking_params: Iterable[str] = DEFAULT_PROFILE.tracking_params) -> str:
    """The URL to request: fragment, session ids in the path and tracking query parameters dropped,
    otherwise as linked."""
    if ";" in url:
        url = _SESSION_PATH_PARAM.sub("", url)
    params = list(tracking_params)
    if params:
        # (unique=False: "?topic=ms&topic=diet" is another page than "?topic=ms")
        return url_query_cleaner(url, params, remove=True, unique=False, keep_fragments=False)
    return url.split("#", 1)[0]


def canonical_url(url: str, tracking_params: Iterable[str] = DEFAULT_PROFILE.tracking_params) -> str:
    """The dedupe key: w3lib's canonical form (sorted query, escaping, lower-case host), no tracking
    parameters, no fragment, no default port, no trailing slash except the root's."""
    return _canonical_url(url, tuple(tracking_params))


# A URL already in canonical form but for its default port and trailing slash: a lower-case host, a
# path of unreserved characters with no dot segment ("/./", "/../"), no query, no fragment.
_PLAIN = re.compile(r"(https?)://([a-z0-9.\-]+)(?::([1-9][0-9]{0,4}))?(/[A-Za-z0-9\-_~/][A-Za-z0-9\-._~/]*)?")


# The spider, the conditional-request middleware and the fingerprinter each ask for the same URLs.
@functools.lru_cache(maxsize=16384)
def _canonical_url(url: str, tracking_params: tuple[str, ...]) -> str:
    # Hand-written fast path: w3lib's canonicalize_url costs ~27 us a URL, and a crawl meets one
    # spelling per link variant (13,000 on a 2,000-page site); most are plain, and come out the same.
    head = _untracked(url.split("#", 1)[0], tracking_params)  # (variants of a link: "#top", "?utm_source=x")
    if (plain := _PLAIN.fullmatch(head)) and "/." not in head and int(plain.group(3) or 0) <= 65535:
        scheme, netloc, port, path = plain.groups()
        if port is not None and str(_DEFAULT_PORTS[scheme]) != port:
            netloc = f"{netloc}:{port}"
        return f"{scheme}://{netloc}{_no_trailing_slash(path or '/')}"
    url = canonicalize_url(clean_url(url, tracking_params), keep_fragments=False)
    parts = urlsplit(url)
    netloc = parts.netloc
    try:
        port = parts.port
    except ValueError:  # an unparsable port: keep the netloc as written, the request will fail
        port = None
    if port is not None and _DEFAULT_PORTS.get(parts.scheme) == port:
        netloc = netloc.rsplit(":", 1)[0]
    return urlunsplit((parts.scheme, netloc, _no_trailing_slash(parts.path or "/"), parts.query, ""))


_TRACKING_PAIR = re.compile(r"[A-Za-z0-9_.\-]+=[^&;]*")


def _untracked(url: str, tracking_params: tuple[str, ...]) -> str:
    """The URL without a query made only of tracking parameters, else as it is (w3lib decides)."""
    if "?" not in url:
        return url
    head, query = url.split("?", 1)
    pairs = query.split("&")
    if all(_TRACKING_PAIR.fullmatch(pair) and pair.split("=", 1)[0] in tracking_params for pair in pairs):
        return head
    return url


def _no_trailing_slash(path: str) -> str:
    return path.rstrip("/") or "/" if len(path) > 1 and path.endswith("/") else path


# The last segment of a page's path that names the page's own directory: an index file, another view
# of the page (an AMP copy, a print version, its comments).
_SAME_PAGE_SEGMENT = re.compile(r"/(?:index|default)\.(?:html?|php|aspx?|jsp|shtml)$"
                                r"|/(?:amp|print|printable|print-?version|printer-?friendly|print-?friendly|comments)$",
                                re.I)
# A query that asks for another view of the same page (?print=1, ?output=amp), not another page (?p=12).
_VIEW_QUERY = re.compile(r"^(?:(?:print|printable|amp|output|view|format|share|replytocom)(?:=[^&]*)?(?:&|$))+$", re.I)


def canonical_above(canonical: str, fetched: str,
                    tracking_params: Iterable[str] = DEFAULT_PROFILE.tracking_params) -> bool:
    """The page names as its canonical URL a page above it on the same site (the home page, its section:
    /summaries/ for /summaries/x; the same path without the query that addresses the page: / for /?p=12),
    a CMS's misconfiguration that would make every page one article. /a/index.html, /a/amp, /a/print/
    and /a?print=1 naming /a name themselves."""
    return _above(canonical, fetched, tracking_params) is not None


def query_dropped(canonical: str, fetched: str,
                  tracking_params: Iterable[str] = DEFAULT_PROFILE.tracking_params) -> bool:
    """canonical_above because the canonical URL is the page's own path without its query: either the
    page itself linked with a parameter of a newsletter's (?source=mail) or the script all pages run
    (/article.php for /article.php?id=12); which, only the page there can tell."""
    return _above(canonical, fetched, tracking_params) == "query"


def _above(canonical: str, fetched: str, tracking_params: Iterable[str]) -> str | None:
    try:
        page, named = urlsplit(clean_url(fetched, tracking_params)), urlsplit(canonical)
    except ValueError:
        return None
    if (page.hostname or "").lower() != (named.hostname or "").lower() or page.port != named.port:
        return None
    above = _SAME_PAGE_SEGMENT.sub("", named.path.rstrip("/")) + "/"
    here = _SAME_PAGE_SEGMENT.sub("", page.path.rstrip("/")) + "/"
    if here == above:
        # (tracking parameters were dropped: "?utm_source=x" is no address)
        return "query" if page.query and not named.query and not _VIEW_QUERY.match(page.query) else None
    return "path" if not named.query and here.startswith(above) else None


class CanonicalFingerprinter:
    """REQUEST_FINGERPRINTER_CLASS keying requests by `canonical_url`, so Scrapy's own dupefilter (and
    the JOBDIR seen-set of a resumed crawl) treats spelling variants of a URL as one request."""

    def __init__(self, tracking_params: Iterable[str]) -> None:
        self.tracking_params = tuple(tracking_params)
        # Navigation links repeat on every page: a bounded cache spares re-canonicalising them.
        self._canonical = functools.lru_cache(maxsize=8192)(self._canonical_uncached)

    def _canonical_uncached(self, url: str) -> str:
        return canonical_url(url, self.tracking_params)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CanonicalFingerprinter:
        """Tracking parameters come from the site profile (ARCHIVE_PROFILE)."""
        profile = load_profile(crawler.settings.get("ARCHIVE_PROFILE") or None)
        return cls(profile.tracking_params)

    def fingerprint(self, request: Request) -> bytes:
        """SHA-1 over method, canonical URL and body (what identifies the resource fetched)."""
        digest = hashlib.sha1()
        digest.update(request.method.encode("ascii"))
        digest.update(b"\0")
        digest.update(self._canonical(request.url).encode("utf-8"))
        digest.update(b"\0")
        digest.update(request.body or b"")
        return digest.digest()


class CanonicalDupeFilter(RFPDupeFilter):
    """Scrapy's RFPDupeFilter (persisted in JOBDIR), letting through a redirect whose target has the
    canonical URL of its source (/a/ -> /a): that request was counted once, under the source."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CanonicalDupeFilter:
        """As RFPDupeFilter's, and findable by the crawler's middlewares (dupefilter_of)."""
        dupefilter = super().from_crawler(crawler)
        _DUPEFILTERS[crawler] = dupefilter
        return dupefilter

    def has_seen(self, request: Request) -> bool:
        """This crawl asked for the request's canonical URL already (asking does not count as asking)."""
        return self._fingerprint(request) in self._fingerprints  # (RFPDupeFilter's own record)

    def request_seen(self, request: Request) -> bool:
        """Seen before, unless it is a same-canonical-URL redirect hop."""
        hops = request.meta.get("redirect_urls")
        if hops:
            fingerprinter = self.fingerprinter
            source = request.replace(url=hops[-1])
            if fingerprinter.fingerprint(source) == fingerprinter.fingerprint(request):
                return False
        return super().request_seen(request)


_DUPEFILTERS: WeakKeyDictionary[Crawler, CanonicalDupeFilter] = WeakKeyDictionary()


def dupefilter_of(crawler: Crawler) -> CanonicalDupeFilter | None:
    """The crawl's CanonicalDupeFilter, once its scheduler has opened (None in a distributed crawl's)."""
    return _DUPEFILTERS.get(crawler)
