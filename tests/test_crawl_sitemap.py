"""Reading sitemaps as they come: plain, gzipped, namespace-prefixed, plain text, garbage."""

from __future__ import annotations

import gzip
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from scrapy.http import Request, Response, TextResponse, XmlResponse

from scraper.spiders.summaries import SummariesSpider
from tests.fixtures.site import Site
from tests.test_crawl import FAST, _MiniSite, crawl, query

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


# sitemaps.org's text format: UTF-8, one absolute URL a line (here with a BOM, CRLFs and a blank line).
TEXT = b"\xef\xbb\xbfhttp://e.org/a\r\n\r\nhttps://e.org/b?x=1\n"


@pytest.mark.parametrize("body", [TEXT, gzip.compress(TEXT)], ids=["plain", "gzipped"])
def test_text_sitemap_is_a_urlset_of_its_lines(body: bytes) -> None:
    sitemap = _spider()._read_sitemap(_response(body, cls=TextResponse))
    assert sitemap is not None and sitemap.type == "urlset"
    assert list(sitemap) == [{"loc": "http://e.org/a"}, {"loc": "https://e.org/b?x=1"}]


@pytest.mark.parametrize("body", [
    b"User-agent: *\nDisallow:\nSitemap: http://e.org/sitemap.txt\n",  # a robots.txt
    b"<html><body><a href='http://e.org/a'>a</a></body></html>",  # HTML served as text/plain
    b"http://e.org/a\nhttp://e.org/b is the next one\n",  # prose that starts with a URL
    b"http://e.org/a\n/b\n",  # a relative line: not the format
    b"http://e.org/a\nhttp://[bad/b\n",
    b"http://e.org/\xff\n",  # not UTF-8
])
def test_text_that_is_not_a_url_list_is_no_sitemap(body: bytes) -> None:
    assert _spider()._read_sitemap(_response(body, cls=TextResponse)) is None


RSS = (b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><link>http://e.org/</link>'
       b"<item><title>A</title><link>/s/a</link><pubDate>Tue, 03 Mar 2026 10:00:00 GMT</pubDate></item>"
       b"<item><title>B</title><link>http://e.org/s/b</link></item><item><title>No link</title></item></channel></rss>")
ATOM = (b'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom" xml:base="http://e.org/blog/">'
        b'<title>t</title><entry><title>A</title><link rel="alternate" href="s/a"/><link rel="enclosure" href="a.mp3"/>'
        b"<updated>2026-03-04T05:06:07+01:00</updated></entry></feed>")


@pytest.mark.parametrize(("body", "entries"), [
    (RSS, [{"loc": "http://e.org/s/a", "lastmod": "2026-03-03T10:00:00Z"}, {"loc": "http://e.org/s/b"}]),
    (ATOM, [{"loc": "http://e.org/blog/s/a", "lastmod": "2026-03-04T04:06:07Z"}]),
    (gzip.compress(RSS), [{"loc": "http://e.org/s/a", "lastmod": "2026-03-03T10:00:00Z"}, {"loc": "http://e.org/s/b"}]),
], ids=["rss", "atom", "gzipped-rss"])
def test_a_feed_is_a_urlset_of_its_entries_links(body: bytes, entries: list[dict]) -> None:
    """As search engines read them: each entry's link (against the feed's URL or xml:base), its date
    the lastmod --since compares; an entry without a link is left out."""
    sitemap = _spider()._read_sitemap(_response(body, cls=Response))
    assert sitemap is not None and sitemap.type == "urlset" and list(sitemap) == entries


@pytest.fixture
def text_sitemap_site() -> Iterator[tuple[str, list[str]]]:
    """robots.txt names a text sitemap of two summaries (and a page robots.txt disallows) and an RSS
    feed of a third (read as a sitemap); the home page links nothing. Yields the base URL and the three summaries' paths."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _MiniSite)
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    site = Site(pages=10, seed=2)
    paths = site.summary_paths(1)[:3]
    _MiniSite.routes = {
        "/robots.txt": ("text/plain", f"User-agent: *\nDisallow: /private/\n"
                                      f"Sitemap: {base}/sitemap.txt\nSitemap: {base}/feed.xml\n".encode()),
        "/sitemap.txt": ("text/plain", f"{base}{paths[0]}\n{base}/private/x\n\n{base}{paths[1]}\n".encode()),
        "/feed.xml": ("application/rss+xml", (f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
                                              f"<item><link>{base}{paths[2]}</link></item></channel></rss>").encode()),
        "/": ("text/html", b"<html><body><h1>Home</h1></body></html>"),
        **{path: ("text/html; charset=utf-8", site.render(path, 1, base_url=base)[2]) for path in paths},
    }
    _MiniSite.log = []
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield base, paths
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.mark.slow
@pytest.mark.timeout(300)
@pytest.mark.parametrize("start", ["/", "/sitemap.txt", "/feed.xml"], ids=["named-by-robots-txt", "start-url", "feed-start-url"])
def test_a_text_sitemap_is_followed(text_sitemap_site: tuple[str, list[str]], start: str, tmp_path: Path) -> None:
    base, paths = text_sitemap_site
    db = tmp_path / "a.db"
    proc = crawl(base + start, "--db", str(db), *FAST)
    assert proc.returncode == 0, proc.stderr
    # The text sitemap's two, and the feed's one: robots.txt names both as sitemaps.
    assert {urlsplit(url).path for (url,) in query(db, "SELECT url FROM articles")} == set(paths)
    # (The summaries' own links lead to pages this site does not serve: their 404s are left out.)
    assert query(db, "SELECT url, error FROM fetch_errors WHERE http_status IS NOT 404") == []
    assert "/private/x" not in {r["path"] for r in _MiniSite.log}  # robots.txt rules hold for its URLs too


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_a_sitemap_entry_that_is_no_url_costs_only_itself(text_sitemap_site: tuple[str, list[str]],
                                                          tmp_path: Path) -> None:
    base, paths = text_sitemap_site
    _MiniSite.routes["/feed.xml"] = ("application/rss+xml", b'<?xml version="1.0"?><rss version="2.0"><channel>'
                                     b"<title>t</title></channel></rss>")  # (an empty feed: the third page is not in it)
    # /sitemap.xml (asked for on every host) lists an address urllib cannot read before a good one.
    _MiniSite.routes["/sitemap.xml"] = ("application/xml", (
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<url><loc>http://[bad/x</loc></url><url><loc>{base}{paths[2]}</loc></url></urlset>").encode())
    db = tmp_path / "a.db"
    proc = crawl(base + "/", "--db", str(db), *FAST)
    assert proc.returncode == 0, proc.stderr
    assert {urlsplit(url).path for (url,) in query(db, "SELECT url FROM articles")} == set(paths)
