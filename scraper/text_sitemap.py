"""sitemaps.org's plain-text sitemap: one absolute URL a line, read as the urlset it stands for."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

_URL_LINE = re.compile(r"https?://[^\s/?#]+\S*", re.I)  # one absolute http(s) URL, nothing else


class TextSitemap:
    """A sitemaps.org text sitemap read as the urlset it stands for: each URL an entry with a `loc`."""

    type = "urlset"

    def __init__(self, urls: list[str]) -> None:
        self.urls = urls

    def __iter__(self) -> Iterator[dict[str, str]]:
        return ({"loc": url} for url in self.urls)


def text_sitemap(body: bytes) -> TextSitemap | None:
    """The URLs of a text sitemap (UTF-8, one absolute http(s) URL a line, blank lines aside); None
    for any other body (a robots.txt, an HTML page or a feed), which must not be read as one."""
    # Hand-written: Scrapy's Sitemap and SitemapSpider read XML only, and no library reads this format.
    if not body.lstrip(b"\xef\xbb\xbf \t\r\n")[:8].lower().startswith((b"http://", b"https://")):
        return None  # most bodies are refused without being decoded
    try:
        lines = body.decode("utf-8-sig").splitlines()
    except UnicodeDecodeError:
        return None
    urls = [line for line in map(str.strip, lines) if line]
    return TextSitemap(urls) if all(map(_web_url, urls)) else None


def _web_url(text: str) -> bool:
    """True for one absolute http(s) URL, nothing else, that urllib can read (not "http://[bad")."""
    if not _URL_LINE.fullmatch(text):
        return False
    try:
        urlsplit(text)
    except ValueError:
        return False
    return True
