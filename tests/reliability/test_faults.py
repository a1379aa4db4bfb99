"""A crawl of a faulty server: every fault ends in fetch_errors (or a correct archived page), the crawl
goes on, and no wrong version is stored (a page cut short later is held back, not versioned)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.fixtures.site import Site, SiteServer
from tests.fixtures.site.faults import FAULTS, SUMMARY_FAULTS
from tests.reliability.support import archive_problems, crawl, live_titles, query

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]

# Faults that can never give a page: each must leave a fetch_errors row and no article.
FAILING = ("unavailable", "hang", "reset", "truncated", "binary-as-html", "gzip-bomb", "redirect-loop",
           "huge", "empty", "soft-404", "wrong-content-type", "gzip-cut", "partial-content")
ARGS = ["--delay", "0", "--concurrency", "4", "--timeout", "1.5", "--quiet",
        "--set", "ARCHIVE_RETRY_BACKOFF=0.05", "--set", "ARCHIVE_RETRY_AFTER_MAX=1", "--set", "ARCHIVE_PARSE_WORKERS=1"]


def _errors(db: Path, crawl_id: int) -> dict[str, str]:
    rows = query(db, "SELECT url, error FROM fetch_errors WHERE crawl_id = ?", crawl_id)
    return {urlsplit(u).path: e for u, e in rows}


def test_faulty_server_every_fault_recorded_and_nothing_wrong_stored(tmp_path: Path) -> None:
    site = Site(pages=30, seed=17)
    db = tmp_path / "archive.db"
    cut = "/faults/cut-after-first"
    with SiteServer(site, epoch=1, faults=True, hang_seconds=3) as server:
        first = crawl(server.url, "--db", str(db), *ARGS)
        good = query(db, "SELECT version_count, key_takeaway, what_they_found, content_hash FROM articles"
                         " WHERE url LIKE ?", f"%{cut}")
        # The fault counters are not reset: the second crawl gets the page cut after its first section.
        second = crawl(server.url, "--db", str(db), *ARGS)
    assert first.returncode == 0, first.stderr
    assert second.returncode == 0, second.stderr
    assert query(db, "SELECT status FROM crawls") == [("finished",), ("finished",)]
    assert not archive_problems(db)

    errors, titles = _errors(db, 1), live_titles(db)
    tried = []
    for name in FAULTS:
        path = f"/faults/{name}"
        if name in FAILING:
            reported = path in errors or (name == "redirect-loop" and f"{path}-2" in errors)
            assert reported, f"{name}: no fetch_errors row ({sorted(errors)})"
            assert path not in titles, f"{name}: archived although it has no page"
        else:
            assert name in SUMMARY_FAULTS, name
            assert titles.get(path) == site.expected(path, 1)["title"], f"{name}: not archived right"
            assert path not in errors or name.startswith("flaky"), (name, errors.get(path))
        tried.append(name)
    # Scrapy's framing checks pass these: the crawler's own ones say what was wrong.
    assert "gzip body cut short" in errors["/faults/gzip-cut"], errors
    assert errors["/faults/partial-content"].startswith("HTTP 206"), errors
    # The crawl went on: every ordinary summary is archived, with the right title.
    for path in site.summary_paths(1):
        assert titles.get(path) == site.expected(path, 1)["title"], path

    # Crawl 2: the page cut short is held back with a warning; the good version stays current.
    assert good and good[0][0] == 1 and good[0][1] and good[0][2]
    after = query(db, "SELECT version_count, key_takeaway, what_they_found, content_hash FROM articles"
                      " WHERE url LIKE ?", f"%{cut}")
    assert after == good, "the page cut short replaced the good version"
    assert "held" in _errors(db, 2).get(cut, ""), _errors(db, 2)
    assert query(db, "SELECT outcome FROM fetches WHERE crawl_id = 2 AND url LIKE ?", f"%{cut}") == [("held",)]
    assert query(db, "SELECT held FROM crawls WHERE id = 2") == [(1,)]
    print(f"\nreliability: {len(tried)} fault kinds tried, each recorded; 0 wrong versions")


@pytest.mark.parametrize(("body", "ctype", "problem"), [
    (b"", "text/html", "empty body"),
    (b"  \r\n\t ", "text/html", "empty body"),
    (bytes(range(256)) * 8, "text/html", "binary"),
    (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "text/html", "binary"),
    ("<html><body><p>Grüße</p></body></html>".encode("utf-16"), "text/html", None),
    ("<html><body><p>x</p></body></html>".encode("utf-16-le"), "text/html; charset=utf-16le", None),
    (b"<html><body><p>a stray \x00 NUL and \x0b tab</p>" + b"<p>text</p>" * 50, "text/html", None),
])
def test_unreadable_bodies_are_told_apart_from_pages(body: bytes, ctype: str, problem: str | None) -> None:
    from scrapy.http import HtmlResponse

    from scraper.fetched import unreadable_body

    found = unreadable_body(HtmlResponse("http://127.0.0.1/x", body=body, headers={"Content-Type": ctype}))
    assert (found is None) if problem is None else (found and problem in found), found


@pytest.mark.parametrize(("title", "soft"), [
    ("Oops! That page can’t be found.", True), ("Page Not Found", True), ("404", True),
    ("Error 404 - Not Found", True), ("This page no longer exists", True), ("Nothing Found", True),
    ("Study Found Better Sleep After Exercise", False), ("Why Found Objects Matter", False), (None, False),
    ("Research Summaries – Page 404", False), ("Issue No. 404", False), ("404 Page", True),
])
def test_soft_404_titles(title: str | None, soft: bool) -> None:
    from scraper.fetched import soft_404

    assert bool(soft_404({"title": title, "page_type": "other"})) is soft
