"""A researcher in a real browser (Debian's chromium through Playwright) against `summary-archive serve`."""

from __future__ import annotations

import csv
import os
import re
import shutil
import sqlite3
from pathlib import Path
from typing import Iterator

import pytest

from tests.serve_fixture import BASE, HOSTILE_TITLE, HOSTILE_URL, Built, build_archive, serving

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOT_LIMIT = 300_000  # bytes, for docs/screenshot.png in the README


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build_archive(tmp_path_factory.mktemp("browser") / "archive.db")


@pytest.fixture(scope="module")
def server(built: Built) -> Iterator[str]:
    with serving(built.path) as url:
        yield url.rstrip("/")


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (scripts/install-system-deps.sh)")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser, tmp_path: Path):
    context = browser.new_context(viewport={"width": 1200, "height": 900}, accept_downloads=True)
    tab = context.new_page()
    tab.set_default_timeout(15_000)
    yield tab
    context.close()


def article_id(built: Built, url: str) -> int:
    conn = sqlite3.connect(built.path)
    try:
        return conn.execute("select id from articles where url = ?", (url,)).fetchone()[0]
    finally:
        conn.close()


def rarest_word(built: Built, text: str) -> str:
    """The word of `text` that the fewest archived articles contain (so the result is on page one)."""
    conn = sqlite3.connect(built.path)
    try:
        words = {w.strip(".,:;!?'\"()").lower() for w in text.split()}
        counted = [(conn.execute("select count(*) from articles_fts where articles_fts match ?",
                                 (f'"{w}"',)).fetchone()[0], w) for w in words if w.isalpha()]
    finally:
        conn.close()
    return min(counted)[1]


def test_search_a_word_and_open_a_result(page, server, built):
    path = built.edited[0]
    title = built.site.expected(path, 2)["title"]
    word = rarest_word(built, title)
    page.goto(f"{server}/archive/articles")
    page.fill("#_search", word)
    page.press("#_search", "Enter")
    page.wait_for_url("**_search=*")
    link = page.locator("a.article-link", has_text=title).first
    link.click()
    page.wait_for_url(f"**/-/article/{article_id(built, BASE + path)}")
    assert page.locator("h1.article-title").inner_text() == title


def test_apply_a_facet(page, server, built):
    page.goto(f"{server}/archive/articles")
    facet = page.locator("#facet-status")
    facet.get_by_role("link", name="gone").click()
    page.wait_for_url("**status=gone*")
    assert f"{len(built.removed)} row" in page.locator("h3").first.inner_text()
    urls = set(page.locator("td.col-url").all_inner_texts())
    assert urls == {BASE + p for p in built.removed}


def test_article_with_two_versions_shows_the_highlighted_change(page, server, built):
    fields = built.site.changes(1, 2)["fields"]
    path = next(p for p in built.edited if any(f.startswith("sections.") for f in fields[p]))
    page.goto(f"{server}/-/article/{article_id(built, BASE + path)}")
    assert page.locator("li.version").count() == 2
    inserted = page.locator("#version-2 .diff ins").first
    inserted.wait_for(state="visible")
    assert inserted.inner_text().strip()
    background = inserted.evaluate("el => getComputedStyle(el).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent")  # highlighted, not just underlined
    assert page.locator("#version-2 .diff del").count() >= 1
    assert page.locator(".rating").count() >= 2
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "article.png"
    page.screenshot(path=str(shot), full_page=True)
    # The README's picture: the top of the same page, small enough for the repository; copied to
    # docs/ when missing or when UPDATE_SCREENSHOT=1 (so test runs do not churn a committed file).
    top = ARTIFACTS / "article-top.png"
    page.screenshot(path=str(top), full_page=False)
    assert top.stat().st_size < SCREENSHOT_LIMIT
    readme_picture = ROOT / "docs" / "screenshot.png"
    if not readme_picture.exists() or os.environ.get("UPDATE_SCREENSHOT") == "1":
        readme_picture.parent.mkdir(exist_ok=True)
        shutil.copyfile(top, readme_picture)


def test_download_the_articles_csv(page, server, built, tmp_path):
    page.goto(f"{server}/archive/articles")
    page.click("a[href='#export']")
    form = page.locator("#export form[action$='articles.csv']")
    form.locator("input[name=_dl]").check()
    form.locator("input[name=_stream]").check()
    with page.expect_download() as info:
        form.locator("input[type=submit]").click()
    target = tmp_path / "articles.csv"
    info.value.save_as(target)
    with target.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    conn = sqlite3.connect(built.path)
    try:
        total = conn.execute("select count(*) from articles").fetchone()[0]
    finally:
        conn.close()
    assert len(rows) == total > 50  # all rows, not one page
    assert {BASE + p for p in built.edited} <= {r["url"] for r in rows}


def test_scraped_script_and_javascript_links_stay_inert(page, server, built):
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    aid = article_id(built, HOSTILE_URL)
    for url in (f"/-/article/{aid}", f"/archive/articles?id={aid}", f"/archive/related?article_id={aid}",
                f"/archive/related_graph?article={aid}", f"/archive/articles/{aid}"):
        page.goto(server + url)
        page.wait_for_load_state("load")
        assert page.evaluate("typeof window.__pwned") == "undefined", url
        hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
        assert not [h for h in hrefs if h.strip().lower().startswith(("javascript:", "data:", "vbscript:"))], url
    page.goto(f"{server}/-/article/{aid}")
    assert page.locator("h1.article-title").inner_text() == HOSTILE_TITLE  # shown as text
    page.locator(".card-title").first.click()
    page.locator(".source-url").first.click()
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.locator("script", has_text="__pwned").count() == 0
    assert dialogs == []


def test_dashboard_draws_its_charts(page, server):
    page.goto(f"{server}/-/dashboards/overview")
    for chart in ("archived-over-time", "changes-per-crawl", "credibility", "interest", "top-journals"):
        page.locator(f"#chart-{chart} canvas, #chart-{chart} svg").first.wait_for(state="visible")
    page.wait_for_load_state("networkidle")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)
    assert "articles" in page.locator("#chart-articles-metric").inner_text()


def test_search_all_tables_links_results_to_the_article_page(page, server, built):
    """The home page's search shows a few columns per table, an article's title (or a section's or
    card's article) links to its article page, long text is cut, and scraped markup stays text."""
    path = built.edited[0]
    title = built.site.expected(path, 2)["title"]
    page.goto(f"{server}/-/search?q={rarest_word(built, title)}")
    link = page.locator("#search-all-results a.article-link", has_text=title).first
    link.wait_for(state="visible")
    cells = page.locator("#search-all-results td").all_inner_texts()
    assert cells and max(len(c) for c in cells) <= 241
    headers = set(page.locator("#search-all-results th").all_inner_texts())
    assert "record" not in headers and "url" not in headers  # not every column of the table
    page.wait_for_function("[...document.querySelectorAll('.search-all-table')].every(s => s.textContent.trim())")
    groups = [re.search(r"archive: (\w+)", text).group(1)
              for text in page.locator(".search-all-table").all_inner_texts()]
    assert groups == ["articles", "sections", "related"]  # in one order, whichever answer comes first
    assert page.get_attribute("#search-all-q", "aria-label")
    link.click()
    page.wait_for_url(f"**/-/article/{article_id(built, BASE + path)}")
    page.goto(f"{server}/-/search?q=Hostile")
    page.locator("#search-all-results a.article-link", has_text="Hostile").first.wait_for(state="visible")
    assert page.evaluate("typeof window.__pwned") == "undefined"
