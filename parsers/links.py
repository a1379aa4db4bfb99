"""The pages a page links to (<a>/<area> href, <link rel=next/prev>, a <meta> refresh's target), for the
crawler's discovery.

Hand-written rather than Scrapy's LinkExtractor: the crawler needs only absolute URLs, read from the
tree the parser builds anyway, in the parser's worker process. LinkExtractor re-parses the page in
the crawler's event loop and builds a Link (anchor text, canonical form) per href, which made link
extraction the largest single cost of a crawl's main process."""

from __future__ import annotations

import re
from collections.abc import Mapping

from lxml import etree

from parsers.clean import build_tree
from parsers.decode import decode_body
from parsers.urls import absolute

# Bounds the work and memory a page of a million links can cost; real pages link a few hundred.
MAX_LINKS = 20_000
# Bump when links_in() finds different links in the same page: archives keep each page's links
# (archive.page_links) and a crawl trusts only those found by the same version.
LINKS_VERSION = "3"  # 2: backslashes in hrefs read as slashes; 3: the first <base> with an href, refresh targets,
#                        rel=next past MAX_LINKS
_PAGING = frozenset({"next", "prev"})
# <meta http-equiv="refresh" content="30; url=/page/2">: the URL after the delay (quoted or not).
_REFRESH = re.compile(r"^\s*[\d.]*\s*[;,]\s*(?:url\s*=\s*)?['\"]?([^'\"\s][^'\"]*)", re.I)


def links_in(root: etree._Element, page_url: str) -> list[str]:
    """Absolute http(s) URLs linked from the tree, fragment dropped, each once, in document order (past
    MAX_LINKS, only the next and previous pages: the way on through a listing of A-Z)."""
    base = next((absolute(el.get("href"), page_url) or page_url for el in root.iter("base") if el.get("href")),
                page_url)  # (the first <base> with an href, as browsers take it: <base target> may come first)
    found: dict[str, None] = {}
    for el in root.iter("a", "area", "link", "meta"):
        if el.tag == "meta":
            if (el.get("http-equiv") or "").lower() == "refresh" and (m := _REFRESH.match(el.get("content") or "")):
                if (url := absolute(m.group(1).strip(), base)) is not None:
                    found[url] = None
            continue
        if (el.tag == "link" or len(found) >= MAX_LINKS) and not (
                (rel := el.get("rel")) and _PAGING & set(rel.lower().split())):
            continue
        url = absolute(el.get("href"), base)
        if url is not None:
            found[url] = None
    return list(found)


def page_links(body: bytes | str, url: str, headers: Mapping[str, str] | None = None) -> list[str]:
    """The links of one page given as bytes (decoded as the parser does); [] when there is no document."""
    try:
        text, _encoding = decode_body(body, headers)
        root = build_tree(text)
        return [] if root is None else links_in(root, url)
    except Exception:  # like parse(): whatever the page holds, the crawl goes on
        return []
