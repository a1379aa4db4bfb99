"""Searching a table page: the right rows, no facet queries unless asked, facets one click away."""

from __future__ import annotations

import html
import re
import sqlite3
from collections import Counter
from urllib.parse import quote, urlencode

import pytest

from archive.datasette import search
from archive.datasette.search import rewrite_query
from archive.serve import make_datasette
from tests.serve_fixture import Built, build_archive, copy_archive, sql

DEFAULT_FACETS = {"credibility", "interest", "journal", "status", "page_type", "first_seen"}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build_archive(tmp_path_factory.mktemp("serve-search") / "archive.db")


@pytest.fixture
def ds(built: Built):
    datasette = make_datasette(built.path, settings={"trace_debug": True})
    yield datasette
    for db in datasette.databases.values():
        db.close()


def common_word(built: Built) -> tuple[str, list[int]]:
    """A word in many articles but not all (so counts and facets are a real test), with their ids."""
    total = sql(built, "select count(*) from articles")[0][0]
    words = Counter(w.lower() for (title,) in sql(built, "select title from articles")
                    for w in re.findall(r"[A-Za-z]{4,}", title or ""))
    for word, _ in words.most_common():
        ids = [r[0] for r in sql(built, "select rowid from articles_fts where articles_fts match ?",
                                 (f'"{word}"',))]
        if 3 <= len(ids) < total:
            return word, ids
    raise AssertionError("no word shared by several articles")


async def traced(ds, path: str) -> tuple[dict, list[str]]:
    """The JSON of a table page and the SQL it ran (Datasette's _trace)."""
    response = await ds.client.get(path + "&_trace=1")
    assert response.status_code == 200, (path, response.text[:300])
    data = response.json()
    return data, [" ".join(t["sql"].split()) for t in data["_trace"]["traces"]]


def facet_queries(queries: list[str]) -> list[str]:
    return [q for q in queries if "as value, count(*) as count" in q]


@pytest.mark.parametrize("common", [1, 10**9], ids=["common-word-plan", "rare-word-plan"])
async def test_search_answers_with_every_match_in_order_and_runs_no_facet_query(ds, built, common, monkeypatch):
    monkeypatch.setattr(search, "COMMON", common)  # the test archive is small: choose each plan
    word, ids = common_word(built)
    data, queries = await traced(ds, f"/archive/articles.json?_search={quote(word)}&_size=max")
    assert {row[0] for row in data["rows"]} == set(ids)
    assert data["filtered_table_rows_count"] == len(ids)
    changed = [row[data["columns"].index("last_changed")] for row in data["rows"]]
    assert changed == sorted(changed, reverse=True)  # the table's order (newest change first), kept
    assert data["facet_results"] == {}
    assert facet_queries(queries) == []
    # It searched; a common word with the match written so SQLite walks the sort index.
    matches = [q for q in queries if "rowid in (select rowid from articles_fts where articles_fts match" in q]
    assert matches and all(("+rowid in" in q) == (common == 1) for q in matches)


async def test_plain_articles_page_still_counts_its_default_facets(ds, built):
    data, queries = await traced(ds, "/archive/articles.json?_size=1")
    assert set(data["facet_results"]) == DEFAULT_FACETS
    assert len(facet_queries(queries)) == len(DEFAULT_FACETS)


async def test_search_counts_facets_when_asked(ds, built):
    word, ids = common_word(built)
    statuses = Counter(r[0] for r in sql(
        built, f"select status from articles where id in ({','.join(map(str, ids))})"))
    data, queries = await traced(ds, f"/archive/articles.json?_search={quote(word)}&_withfacets=1")
    assert set(data["facet_results"]) == DEFAULT_FACETS
    assert {f["value"]: f["count"] for f in data["facet_results"]["status"]["results"]} == statuses
    assert len(facet_queries(queries)) == len(DEFAULT_FACETS)
    named, _ = await traced(ds, f"/archive/articles.json?_search={quote(word)}&_facet=host")
    assert "host" in named["facet_results"]
    assert sum(f["count"] for f in named["facet_results"]["host"]["results"]) == len(ids)


async def test_search_page_links_to_its_facets_and_a_facet_narrows_the_results(ds, built):
    word, ids = common_word(built)
    page = await ds.client.get(f"/archive/articles?_search={quote(word)}")
    assert page.status_code == 200
    assert 'class="search-facets-note"' in page.text and 'id="facet-status"' not in page.text
    link = html.unescape(re.search(r'class="search-facets-note">[^<]*<a href="([^"]+)"', page.text).group(1))
    assert "_nofacet" not in link and "_withfacets=1" in link
    faceted = await ds.client.get(link)
    assert faceted.status_code == 200
    assert 'id="facet-journal"' in faceted.text and "search-facets-note" not in faceted.text
    data = (await ds.client.get(link.replace("/archive/articles?", "/archive/articles.json?"))).json()
    journal = data["facet_results"]["journal"]["results"][0]
    narrowed = (await ds.client.get(journal["toggle_url"].replace("http://localhost", "").replace(
        "/archive/articles?", "/archive/articles.json?") + "&_size=max")).json()
    assert narrowed["filtered_table_rows_count"] == journal["count"]
    truth = sql(built, f"select id from articles where journal = ? and id in ({','.join(map(str, ids))})",
                (journal["value"],))
    assert {row[0] for row in narrowed["rows"]} == {r[0] for r in truth}


async def test_blank_search_shows_the_whole_table_with_its_facets(ds, built):
    data = (await ds.client.get("/archive/articles.json?_search=&_nofacet=search&_size=1")).json()
    assert data["filtered_table_rows_count"] == sql(built, "select count(*) from articles")[0][0]
    assert set(data["facet_results"]) == DEFAULT_FACETS


@pytest.mark.parametrize("table", ["articles", "sections", "related"])
@pytest.mark.parametrize("typed", ['"', '""', '"""', "' - ", "*"])
async def test_a_search_of_only_quotes_or_marks_is_a_blank_search(ds, built, table, typed):
    """What a person types to start a phrase had been an "Invalid SQL / fts5: syntax error" page."""
    response = await ds.client.get(f"/archive/{table}.json?" + urlencode({"_search": typed, "_size": 1}))
    assert response.status_code == 200, response.text[:300]
    assert response.json()["filtered_table_rows_count"] == sql(built, f"select count(*) from {table}")[0][0]


def test_rewrite_query_hands_the_search_over_and_marks_only_its_own_nofacet():
    assert rewrite_query("_search=flu") == "_fulltext=flu&_nofacet=search"
    assert rewrite_query("_fulltext=flu&_sort=title") == "_fulltext=flu&_sort=title&_nofacet=search"
    # A column search stays Datasette's; facets are still skipped.
    assert rewrite_query("_search_title=flu&status=live") == "_search_title=flu&status=live&_nofacet=search"
    for asked in ("_fulltext=flu&_facet=journal", "_fulltext=flu&_facet_month=first_seen",
                  "_fulltext=flu&_withfacets=1", "_fulltext=flu&_nofacet=1", "_fulltext=flu&_nofacet=search"):
        assert rewrite_query(asked) is None, asked
    assert rewrite_query("_fulltext=flu&_facet_size=5") == "_fulltext=flu&_facet_size=5&_nofacet=search"
    # A new search from a results page's form replaces the old one the form copied along.
    assert rewrite_query("_fulltext=flu&_nofacet=search&_search=cold") == "_nofacet=search&_fulltext=cold"
    assert rewrite_query("_fulltext=flu&_nofacet=search&_search=") == ""
    assert rewrite_query("status=live&_nofacet=search") == "status=live"
    assert rewrite_query("_nofacet=1") is None  # a person's own _nofacet stays
    assert rewrite_query("_search=+&status=live") == "status=live"
    assert rewrite_query("_searchmode=raw") is None
    assert rewrite_query("") is None


async def test_search_keeps_its_words_across_sorting_and_a_new_search(ds, built):
    word, ids = common_word(built)
    page = (await ds.client.get(f"/archive/articles?_search={quote(word)}")).text
    assert f'value="{word}"' in page  # the search box shows the words
    sort_link = html.unescape(re.search(r'<a href="([^"]*_sort=title[^"]*)"', page).group(1))
    resorted = (await ds.client.get(sort_link.replace("/archive/articles?", "/archive/articles.json?")
                                    + "&_size=max")).json()
    assert {row[0] for row in resorted["rows"]} == set(ids)
    titles = [row[resorted["columns"].index("title")] for row in resorted["rows"]]
    assert titles == sorted(titles)
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))
    other = sql(built, "select id from articles where id not in (%s) limit 1" % ",".join(map(str, ids)))[0][0]
    title = sql(built, "select title from articles where id = ?", (other,))[0][0]
    fresh_word = next(w for w in re.findall(r"[A-Za-z]{4,}", title) if w.lower() != word)
    fresh = (await ds.client.get("/archive/articles.json?" + "&".join(
        f"{k}={quote(v)}" for k, v in {**hidden, "_search": fresh_word}.items()) + "&_size=max")).json()
    truth = {r[0] for r in sql(built, "select rowid from articles_fts where articles_fts match ?",
                               (f'"{fresh_word}"',))}
    assert {row[0] for row in fresh["rows"]} == truth and other in truth


async def test_raw_search_mode_and_column_search_still_work(ds, built):
    word, ids = common_word(built)
    raw = (await ds.client.get(f"/archive/articles.json?_search=title:{word}&_searchmode=raw&_size=max")).json()
    truth = {r[0] for r in sql(built, "select rowid from articles_fts where articles_fts match ?",
                               (f"title:{word}",))}
    assert {row[0] for row in raw["rows"]} == truth
    column = (await ds.client.get(f"/archive/articles.json?_search_title={word}&_size=max")).json()
    assert {row[0] for row in column["rows"]} == truth


# -- facet counts kept until the file changes ----------------------------------------------------------

async def test_facet_counts_are_reused_until_the_archive_changes(built, tmp_path):
    path = copy_archive(built.path, tmp_path / "copy.db")
    datasette = make_datasette(path, settings={"trace_debug": True})
    try:
        first, queries = await traced(datasette, "/archive/articles.json?_size=1")
        assert len(facet_queries(queries)) == len(DEFAULT_FACETS)
        again, queries = await traced(datasette, "/archive/articles.json?_size=1")
        assert facet_queries(queries) == [] and again["facet_results"] == first["facet_results"]
        live = {f["value"]: f["count"] for f in first["facet_results"]["status"]["results"]}
        conn = sqlite3.connect(path)  # a crawl marks a live page gone while Datasette serves
        with conn:
            conn.execute("update articles set status = 'gone' where id = "
                         "(select min(id) from articles where status = 'live')")
        conn.close()
        after, queries = await traced(datasette, "/archive/articles.json?_size=1")
        assert len(facet_queries(queries)) == len(DEFAULT_FACETS)
        status = {f["value"]: f["count"] for f in after["facet_results"]["status"]["results"]}
        assert status["live"] == live["live"] - 1 and status["gone"] == live.get("gone", 0) + 1
        # Facets of a filtered page are their own entries.
        gone, _ = await traced(datasette, "/archive/articles.json?status=gone&_size=1")
        assert {f["value"]: f["count"] for f in gone["facet_results"]["status"]["results"]} == {
            "gone": status["gone"]}
    finally:
        for db in datasette.databases.values():
            db.close()


async def test_search_row_count_comes_from_the_index_and_is_reused_until_the_archive_changes(built, tmp_path):
    path = copy_archive(built.path, tmp_path / "copy.db")
    word, ids = common_word(built)
    page = f"/archive/articles.json?_search={quote(word)}&_size=1"
    datasette = make_datasette(path, settings={"trace_debug": True})
    try:
        first, queries = await traced(datasette, page)
        assert first["filtered_table_rows_count"] == len(ids)
        counts = [q for q in queries if q.startswith("select count(*)")]
        # Counted inside the full-text index, never over the table's rows.
        assert counts and all(q.startswith("select count(*) from articles_fts where") for q in counts)
        again, queries = await traced(datasette, page)
        assert again["filtered_table_rows_count"] == len(ids)
        assert [q for q in queries if q.startswith("select count(*)")] == []
        # Another filter beside the search: Datasette's own count over the table, right too.
        status = sql(built, "select status from articles where id = ?", (ids[0],))[0][0]
        expected = sql(built, "select count(*) from articles where status = ? and rowid in "
                       "(select rowid from articles_fts where articles_fts match ?)", (status, f'"{word}"'))
        narrowed, _ = await traced(datasette, f"{page}&status={quote(status)}")
        assert narrowed["filtered_table_rows_count"] == expected[0][0]
        conn = sqlite3.connect(path)  # a crawl gives one more article the word while Datasette serves
        with conn:
            conn.execute("update articles set title = title || ? where id = "
                         "(select min(id) from articles where rowid not in (select rowid from "
                         "articles_fts where articles_fts match ?))", (f" {word}", f'"{word}"'))
        conn.close()
        after, _ = await traced(datasette, page)
        assert after["filtered_table_rows_count"] == len(ids) + 1
    finally:
        for db in datasette.databases.values():
            db.close()


async def test_the_filter_form_redirects_to_a_url_with_the_search_as_typed(ds, built):
    word, ids = common_word(built)
    response = await ds.client.get(f"/archive/articles?_search={quote(word)}&_filter_column=status"
                                   "&_filter_op=exact&_filter_value=live")
    assert response.status_code == 302
    location = response.headers["location"]
    assert f"_search={quote(word)}" in location and "status__exact=live" in location
    assert "_fulltext" not in location and "_nofacet" not in location
    data = (await ds.client.get(location.replace("/archive/articles?", "/archive/articles.json?")
                                + "&_size=max")).json()
    live = {r[0] for r in sql(built, f"select id from articles where status = 'live' and id in "
                                     f"({','.join(map(str, ids))})")}
    assert {row[0] for row in data["rows"]} == live
