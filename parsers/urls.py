"""Links as the record writes them: absolute http(s) URLs without fragment or tracking parameters,
click-through redirects replaced by their target."""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import SplitResult, parse_qsl, urldefrag, urlencode, urljoin, urlsplit, urlunsplit

_TAB_NEWLINE = str.maketrans("", "", "\t\n\r")
_REDIRECTORS = {"www.google.com": "q", "google.com": "q", "l.facebook.com": "u", "lm.facebook.com": "u", "t.umblr.com": "z"}
_REDIRECTOR_PATHS = ("/url", "/l.php", "/redirect")
# A click-through redirect's path ends in one of these words; the target is in one of the parameters.
_REDIRECT_PATH = re.compile(r"(?:^|/)(?:redir(?:ect)?|url|out(?:going)?|away|exit|leave|link|click)(?:\.\w+)?/?$", re.I)
_TARGET_KEYS = frozenset({"url", "u", "q", "target", "dest", "destination", "to", "link", "href", "redirect"})
# An href's scheme (RFC 3986 3.1): "mailto:", "http:"; a relative href has none.
_SCHEME = re.compile(r"[a-z][a-z0-9+.\-]*:", re.I)


def absolute(href: str | None, base: str, drop: frozenset[str] = frozenset()) -> str | None:
    """Absolute http(s) URL without fragment or tracking parameters (`drop`); None for javascript:, mailto:, '#'."""
    if not href:
        return None
    # "/path", "//host/path" and "http(s)://..." take at most the scheme and host from the base
    # (RFC 3986 5.2.2): resolving them against the site's root lets the cache below serve every page
    # that links them (navigation, cards), not only the page it was first resolved on.
    lead = href.lstrip()[:8].lower()
    if "\\" in lead:
        lead = lead.replace("\\", "/")  # a backslash is a slash: _web_slashes
    if lead.startswith(("/", "http://", "https://")):
        base = _origin(base)
    return _absolute(href, base, drop)


@lru_cache(maxsize=1024)
def _origin(url: str) -> str:
    """scheme://host/ of a URL (the URL itself when it has none)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    return f"{parts.scheme}://{parts.netloc}/" if parts.scheme and parts.netloc else url


@lru_cache(maxsize=16384)  # pages repeat navigation and card URLs; urljoin is most of their cost
def _absolute(href: str, base: str, drop: frozenset[str]) -> str | None:
    # Browsers (WHATWG URL) drop tabs and newlines anywhere in a URL; urlsplit does too, so they must
    # not survive in the string returned ("http\t://a" would pass as http and stay unusable).
    href = _web_slashes(href.strip().translate(_TAB_NEWLINE))
    if not href or href.startswith("#"):
        return None
    try:
        url = urldefrag(urljoin(base, href))[0]
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https"):
        return None
    if (target := _redirect_target(parts)) is not None:
        return _absolute(target, base, drop)
    if drop and parts.query:
        kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k.lower() not in drop]
        url = urlunsplit(parts._replace(query=urlencode(kept)))
    return url


def _web_slashes(href: str) -> str:
    r"""The href with each backslash before its query or fragment read as "/", as browsers read http(s)
    and relative hrefs (WHATWG URL: "\s\a1" on an http page is "/s/a1"); other schemes keep theirs."""
    # Neither urllib nor w3lib does this: urljoin keeps "\" as a path character, and w3lib makes it
    # "/" only in the joined URL (href "\a" on /page/ becomes /page//a, not /a).
    if "\\" not in href:
        return href
    scheme = _SCHEME.match(href)
    if scheme and scheme.group(0).lower() not in ("http:", "https:"):
        return href
    end = min((i for i in (href.find("?"), href.find("#")) if i >= 0), default=len(href))
    return href[:end].replace("\\", "/") + href[end:]


def _redirect_target(parts: SplitResult) -> str | None:
    """Where a click-through redirect goes: Google Docs and search wrap every link in google.com/url?q=,
    Facebook in l.facebook.com/l.php?u=, Outlook in safelinks ...?url=; others (LinkedIn's
    /redir/redirect?url=, a forum's /out?url=, Tumblr's t.umblr.com/redirect?z=) name the page in a
    redirect-like path's parameter: a known key first, else the one parameter that is a URL."""
    if "http" not in parts.query:  # (most links: no target to look for)
        return None
    host = (parts.hostname or "").lower()
    key = _REDIRECTORS.get(host) or ("url" if host.endswith(".safelinks.protection.outlook.com") else None)
    if key is not None and host in _REDIRECTORS and parts.path not in _REDIRECTOR_PATHS:
        return None
    if key is None:
        if not _REDIRECT_PATH.search(parts.path):
            return None
        params = parse_qsl(parts.query)
        target = next((v for k, v in params if k.lower() in _TARGET_KEYS), "")
        if not target:
            urls = [v for _, v in params if v.lower().startswith(("http://", "https://"))]
            target = urls[0] if len(urls) == 1 else ""
    else:
        target = next((v for k, v in parse_qsl(parts.query) if k == key), "")
    return target if target.lower().startswith(("http://", "https://")) else None
