"""Scraped content stays data: scripts, event handlers, javascript:/data: URLs and SQL in a crawled page
are stored verbatim and shown inert by Datasette in a real browser (Debian's chromium via Playwright)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Iterator

import pytest

from tests.reliability.hostile_site import HOSTILE, hostile_site
from tests.reliability.support import archive_problems, crawl, query
from tests.serve_fixture import serving

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
BAD_SCHEMES = ("javascript:", "data:", "vbscript:")
TABLES = ("articles", "versions", "sections", "related", "snapshots", "crawls", "fetch_errors", "fetch_log")


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict, int]:
    """The archive of a crawl of the hostile site, the page's truth, and its article id."""
    db = tmp_path_factory.mktemp("hostile") / "archive.db"
    with hostile_site() as site:
        proc = crawl(site.url, "--db", str(db), "--delay", "0", "--quiet", "--timeout", "3")
        truth = site.expected()
        url = site.url.rstrip("/") + HOSTILE
    assert proc.returncode == 0, proc.stderr
    (article_id,) = query(db, "SELECT id FROM articles WHERE url = ?", url)[0]
    return db, truth, article_id


def test_hostile_text_is_stored_verbatim(crawled: tuple[Path, dict, int]) -> None:
    db, truth, article_id = crawled
    title, journal = query(db, "SELECT title, journal FROM articles WHERE id = ?", article_id)[0]
    assert title == truth["title"] and "<script>" in title and "DROP TABLE" in title
    assert journal == truth["journal"]
    stored = dict(query(db, "SELECT heading, text FROM sections WHERE article_id = ? ORDER BY position", article_id))
    assert stored == truth["sections"]
    texts = " ".join(stored.values())
    for needle in ("javascript:alert(1)", "onerror=alert(2)", "'1'='1' --; SELECT * FROM versions;", "data:text/html"):
        assert needle in texts, needle
    record = json.loads(query(db, "SELECT record FROM versions WHERE article_id = ?", article_id)[0][0])
    assert record["title"] == truth["title"]
    # The SQL in the page did nothing: every table is there and the file is whole.
    names = {n for (n,) in query(db, "SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert set(TABLES) <= names
    assert not archive_problems(db)
    # No URL in the archive carries a script scheme.
    urls = [u for (u,) in query(db, "SELECT url FROM related UNION ALL SELECT source_url FROM articles "
                                    "UNION ALL SELECT url FROM articles") if u]
    assert not [u for u in urls if u.strip().lower().startswith(BAD_SCHEMES)]


@pytest.fixture(scope="module")
def served(crawled: tuple[Path, dict, int]) -> Iterator[str]:
    with serving(crawled[0]) as url:
        yield url.rstrip("/")


@pytest.mark.browser
def test_hostile_page_is_inert_in_the_browser(crawled: tuple[Path, dict, int], served: str) -> None:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (scripts/install-system-deps.sh)")
    from playwright.sync_api import sync_playwright

    db, truth, article_id = crawled
    pages = [f"/-/article/{article_id}", "/archive/articles", f"/archive/sections?article_id={article_id}",
             "/archive/articles?_search=Robert", f"/archive/versions?article_id={article_id}",
             "/archive/recent_changes", f"/archive/articles/{article_id}"]
    dialogs: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context()
            # Any script from the archive that ran would flip this flag or open a dialog.
            context.add_init_script("window.__ran = []; window.alert = (m) => window.__ran.push(String(m));")
            tab = context.new_page()
            tab.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            tab.set_default_timeout(15_000)
            for path in pages:
                response = tab.goto(served + path)
                assert response is not None and response.status == 200, path
                tab.wait_for_load_state("load")
                assert tab.evaluate("window.__ran") == [], (path, tab.evaluate("window.__ran"))
                hrefs = tab.eval_on_selector_all("[href], [src], [action], [formaction]",
                                                 "els => els.flatMap(e => ['href','src','action','formaction']"
                                                 ".map(a => e.getAttribute(a)).filter(Boolean))")
                bad = [h for h in hrefs if h.strip().lower().startswith(BAD_SCHEMES)]
                assert not bad, (path, bad)
                handlers = tab.evaluate("""() => [...document.querySelectorAll('*')].flatMap(e =>
                    [...e.attributes].filter(a => a.name.startsWith('on') && /alert|pwned|cookie/.test(a.value))
                    .map(a => a.name + '=' + a.value))""")
                assert not handlers, (path, handlers)
            # The article page shows the hostile title as text.
            tab.goto(f"{served}/-/article/{article_id}")
            assert truth["title"] in tab.inner_text("body")
        finally:
            browser.close()
    assert dialogs == []
