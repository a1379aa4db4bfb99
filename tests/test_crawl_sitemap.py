"""Reading sitemaps as they come: plain, gzipped, namespace-prefixed, garbage."""

from __future__ import annotations

import gzip

from scrapy.http import Request, Response, XmlResponse

from scraper.spiders.summaries import SummariesSpider

URLSET = (b'<?xml version="1.0"?><!--' + b"padding " * 1000 + b'-->'
          b'<sm:urlset xmlns:sm="http://www.sitemaps.org/schemas/sitemap/0.9">'
          b"<sm:url><sm:loc>http://e.org/a</sm:loc><sm:lastmod>2026-01-02</sm:lastmod></sm:url></sm:urlset>")


class _Settings:
    def getint(self, name: str, default: int = 0) -> int:
        return 1024 * 1024


class _Crawler:
    settings = _Settings()


def _spider() -> SummariesSpider:
    spider = SummariesSpider.__new__(SummariesSpider)  # no crawl needed to read a sitemap body
    spider.crawler = _Crawler()  # type: ignore[assignment]
    return spider


def _response(body: bytes, cls: type = XmlResponse) -> Response:
    return cls("http://e.org/sitemap.xml", body=body, request=Request("http://e.org/sitemap.xml"))


def test_prefixed_urlset_after_a_long_comment() -> None:
    sitemap = _spider()._read_sitemap(_response(URLSET))
    assert sitemap is not None and sitemap.type == "urlset"
    assert list(sitemap) == [{"loc": "http://e.org/a", "lastmod": "2026-01-02"}]


def test_gzipped_sitemap_is_inflated() -> None:
    sitemap = _spider()._read_sitemap(_response(gzip.compress(URLSET), cls=Response))
    assert sitemap is not None and [e["loc"] for e in sitemap] == ["http://e.org/a"]


def test_not_a_sitemap() -> None:
    for body in (b"", b"<html><body>Not found</body></html>", b"\x1f\x8b garbage", b"\x00" * 100):
        assert _spider()._read_sitemap(_response(body, cls=Response)) is None
