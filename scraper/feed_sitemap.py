"""RSS and Atom feeds read as sitemaps, as search engines accept them (a robots.txt `Sitemap:` line or a
start URL naming a feed): each entry's link a page, its date the page's lastmod."""

from __future__ import annotations

import time
from collections.abc import Iterator

_MARKS = (b"<rss", b"<feed", b"<rdf:RDF")


class FeedSitemap:
    """A feed read as the urlset it stands for: each entry an entry with a `loc` (and its `lastmod`)."""

    type = "urlset"

    def __init__(self, entries: list[dict[str, str]]) -> None:
        self.entries = entries

    def __iter__(self) -> Iterator[dict[str, str]]:
        return iter(self.entries)


def feed_sitemap(body: bytes, url: str) -> FeedSitemap | None:
    """The entries of an RSS (0.9x, 1.0, 2.0) or Atom feed, links read against `url`; None for any
    other body."""
    if not any(mark in body[:4096] for mark in _MARKS):
        return None  # (most bodies are refused without being parsed)
    import feedparser  # late: only a crawl that meets a feed pays for it

    # Bytes, never a URL string: feedparser would fetch a URL itself.
    parsed = feedparser.parse(body, response_headers={"content-location": url}, sanitize_html=False)
    if not parsed.get("version"):
        return None
    entries = []
    for entry in parsed.entries:
        link = entry.get("link")
        if not link:
            continue
        # (An Atom entry's <updated>, else its or an RSS item's publication date; asked for by name:
        # feedparser warns when `updated_parsed` stands in for a missing date.)
        dates = dict.keys(entry)
        when = (entry["updated_parsed"] if "updated_parsed" in dates else None) or entry.get("published_parsed")
        entries.append({"loc": link, **({"lastmod": time.strftime("%Y-%m-%dT%H:%M:%SZ", when)} if when else {})})
    return FeedSitemap(entries)
