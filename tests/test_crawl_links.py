"""An unchanged page still leads the recrawl to the pages it links to: the archive remembers each
page's links with its validators, so a 304 (summary or listing) is followed like the 200 it stands for."""

from __future__ import annotations

import hashlib
import http.server
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from parsers import parse
from tests.fixtures.site import Site
from tests.test_crawl import FAST, crawl, query

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]


class _ValidatingSite(http.server.BaseHTTPRequestHandler):
    """Fixed pages with an ETag each, answering If-None-Match with 304, logging every request."""

    protocol_version = "HTTP/1.1"
    routes: dict[str, bytes] = {}
    log: list[dict] = []

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        body = self.routes.get(self.path)
        etag = f'"{hashlib.sha256(body).hexdigest()[:16]}"' if body is not None else None
        status = 404 if body is None else 304 if self.headers.get("If-None-Match") == etag else 200
        self.log.append({"path": self.path, "status": status, "if_none_match": self.headers.get("If-None-Match")})
        payload = body if status == 200 else b""
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        if etag:
            self.send_header("ETag", etag)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def card_only_site() -> Iterator[tuple[str, list[str]]]:
    """Home -> listing -> one summary, whose related cards are the only way to the other summaries
    served (no sitemap). Yields the base URL and the card-only paths."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _ValidatingSite)
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    site = Site(pages=10, seed=2)
    first = site.summary_paths(1)[0]
    body = site.render(first, 1, base_url=base)[2]
    cards = [urlsplit(c["url"]).path for c in parse(body, base + first)["related"]]
    assert cards, "the generated summary has no related cards"
    _ValidatingSite.routes = {
        "/robots.txt": b"User-agent: *\nAllow: /\n",
        "/": '<html><body><h1>Home</h1><a href="/list">All summaries</a></body></html>'.encode(),
        "/list": f'<html><body><h1>Summaries</h1><a href="{first}">first</a></body></html>'.encode(),
        first: body,
        **{path: site.render(path, 1, base_url=base)[2] for path in cards},
    }
    _ValidatingSite.log = []
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield base, cards
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_recrawl_follows_the_links_of_unchanged_pages(card_only_site: tuple[str, list[str]],
                                                        tmp_path: Path) -> None:
    base, cards = card_only_site
    db = tmp_path / "a.db"
    first = crawl(base + "/", "--db", str(db), *FAST)
    assert first.returncode == 0, first.stderr
    assert query(db, "SELECT count(*) FROM articles WHERE status = 'live'")[0][0] == 1 + len(cards)
    asked_first = {r["path"] for r in _ValidatingSite.log}

    _ValidatingSite.log = []
    again = crawl(base + "/", "--db", str(db), *FAST)
    assert again.returncode == 0, again.stderr
    answers = {r["path"]: r["status"] for r in _ValidatingSite.log}
    # Every page was asked again, conditionally, and answered 304: listings and summaries alike;
    # and the links on them (the dead ones too) were followed as in the first crawl.
    served = {path: status for path, status in answers.items() if path in _ValidatingSite.routes}
    assert set(served) == set(_ValidatingSite.routes)
    assert {status for path, status in served.items() if path != "/robots.txt"} == {304}
    assert set(answers) == asked_first
    # So the summaries reachable only through a 304 page's cards are still live, not gone.
    gone = query(db, "SELECT url FROM articles WHERE status != 'live'")
    assert gone == []
    crawl_id = query(db, "SELECT max(id) FROM crawls")[0][0]
    assert query(db, "SELECT new, changed, unchanged, gone FROM crawls WHERE id = ?", crawl_id) == [
        (0, 0, 1 + len(cards), 0)]


def test_links_are_remembered_per_page(card_only_site: tuple[str, list[str]], tmp_path: Path) -> None:
    base, cards = card_only_site
    db = tmp_path / "a.db"
    proc = crawl(base + "/", "--db", str(db), *FAST)
    assert proc.returncode == 0, proc.stderr
    conn = sqlite3.connect(db)
    try:
        rows = dict(conn.execute("SELECT url, link_count FROM page_links").fetchall())
    finally:
        conn.close()
    assert rows[base + "/"] == 1 and rows[base + "/list"] == 1
    assert set(rows) >= {base + path for path in cards}


def test_a_profile_that_now_archives_listings_gets_them_in_full(card_only_site: tuple[str, list[str]],
                                                                 tmp_path: Path) -> None:
    """Pages skipped as "not a summary" answer 304 only to crawls that would skip them again."""
    base, cards = card_only_site
    db = tmp_path / "a.db"
    assert crawl(base + "/", "--db", str(db), *FAST).returncode == 0
    profile = tmp_path / "wider.toml"
    profile.write_text('[archive]\npage_types = ["summary", "other"]\n')
    _ValidatingSite.log = []
    wider = crawl(base + "/", "--db", str(db), "--profile", str(profile), *FAST)
    assert wider.returncode == 0, wider.stderr
    answers = {r["path"]: r["status"] for r in _ValidatingSite.log}
    assert answers["/"] == answers["/list"] == 200
    assert {answers[path] for path in cards} == {304}
    archived = {urlsplit(url).path for (url,) in query(db, "SELECT url FROM articles")}
    assert {"/", "/list"} <= archived


def test_backslash_hrefs_are_followed_where_browsers_go(tmp_path: Path) -> None:
    """href="\\summaries\\a" is /summaries/a in a browser (WHATWG URL), from any page of the site."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _ValidatingSite)
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    site = Site(pages=10, seed=2)
    first, second = site.summary_paths(1)[:2]
    slash = "\\"  # the pages write "\\" where "/" is meant
    _ValidatingSite.routes = {
        "/robots.txt": b"User-agent: *\nAllow: /\n",
        "/": (f'<html><body><h1>Home</h1><a href="{slash}section{slash}page">section</a>'
              f'<a href="{first.replace("/", slash)}">first</a><a href="{first}">first again</a>'
              f"</body></html>").encode(),
        "/section/page": (f'<html><body><h1>Section</h1><a href="{second.replace("/", slash)}">second</a>'
                          f"</body></html>").encode(),
        **{path: site.render(path, 1, base_url=base)[2] for path in (first, second)},
    }
    _ValidatingSite.log = []
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        proc = crawl(base + "/", "--db", str(tmp_path / "a.db"), *FAST)
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert proc.returncode == 0, proc.stderr
    asked = [r["path"] for r in _ValidatingSite.log]
    assert {"/section/page", first, second} <= set(asked)
    assert asked.count(first) == 1
    archived = {urlsplit(url).path for (url,) in query(tmp_path / "a.db", "SELECT url FROM articles")}
    assert archived == {first, second}
