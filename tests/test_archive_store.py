"""Storing fetched pages in a real SQLite archive: versions, changes, cards, gone, held, 304s, FTS."""

from __future__ import annotations

import json

import pytest

from archive import Archive
from archive.snapshots import decompress
from tests.archive_support import HEADINGS, card, make_record, page_for

URL = "https://example.org/summaries/immune-changes-headaches"
T0, T1, T2, T3 = ("2026-11-20T10:00:00Z", "2026-11-21T10:00:00Z",
                  "2026-11-22T10:00:00Z", "2026-11-23T10:00:00Z")


@pytest.fixture
def archive(tmp_path):
    a = Archive(tmp_path / "archive.db")
    yield a
    a.close()


def one(a: Archive, sql: str, *params):
    return a.conn.execute(sql, params).fetchone()


def store(a: Archive, crawl, record, at, body=None, headers=None, url=None, links=()):
    """Store as the crawler does: a fetched page with the links found on it."""
    return a.store(crawl, url or record["url"], record, body or page_for(record),
                   headers or {"Content-Type": "text/html; charset=utf-8"}, fetched_at=at, links=list(links))


def test_first_store_fills_every_table(archive):
    crawl = archive.start_crawl([URL])
    record = make_record(URL, related=[card("https://example.org/summaries/other")])
    body = page_for(record)
    assert store(archive, crawl, record, T0, body, {"ETag": '"v1"', "Last-Modified": "Fri, 20 Nov 2026",
                                                "Content-Type": "text/html; charset=utf-8"}) == "new"

    art = archive.db["articles"].get(1)
    assert art["url"] == URL and art["status"] == "live" and art["host"] == "example.org"
    assert (art["credibility"], art["credibility_max"], art["credibility_label"]) == (4, 5, None)
    assert (art["interest"], art["interest_label"]) == (None, "High")
    assert set(json.loads(art["ratings"])) == {"credibility", "interest"}
    assert art["key_takeaway"].startswith("Key Takeaway of")
    assert art["who_should_care"].startswith("Who Should Care and Why of")
    assert art["important_considerations"].startswith("Important Considerations of")
    assert (art["journal"], art["doi"], art["published"]) == ("Annals of neurology", record["source"]["doi"], "2026-02-01")
    assert art["first_seen"] == art["last_seen"] == art["last_changed"] == T0
    assert art["version_count"] == art["current_version"] == 1

    version = archive.db["versions"].get(1)
    assert (version["version"], version["cause"], json.loads(version["changed"])) == (1, "created", ["created"])
    assert json.loads(version["record"]) == record and version["crawl_id"] == crawl
    assert version["parser_version"] == "1" and version["fetched_at"] == T0

    snap = archive.db["snapshots"].get(version["snapshot_sha256"])
    assert decompress(snap["body"], snap["encoding"]) == body and snap["size"] == len(body)
    assert snap["content_type"] == "text/html; charset=utf-8"
    assert [r["heading"] for r in archive.db["sections"].rows_where(order_by="position")] == list(HEADINGS)
    fetch = one(archive, "SELECT url, at, http_status, snapshot_sha256, outcome FROM fetches")
    assert fetch == (URL, T0, 200, snap["sha256"], "new")
    assert archive.crawl_counts(crawl)["new"] == 1 and archive.crawl_counts(crawl)["fetched"] == 1
    assert archive.validators(URL) == ('"v1"', "Fri, 20 Nov 2026") and archive.is_archived(URL)


def test_unchanged_restore_moves_last_seen_only(archive):
    crawl = archive.start_crawl([URL])
    record = make_record(URL)
    store(archive, crawl, record, T0)
    # Volatile parts: warnings, parser version, where a rating was read from, a new body.
    again = make_record(URL, warnings=["no published date"], parser_version="1.1")
    again["ratings"]["credibility"]["raw"] = "4/5"
    later = [archive.start_crawl([URL]) for _ in range(3)]
    assert store(archive, later[0], again, T1) == "unchanged"
    assert store(archive, later[1], again, T2, body=page_for(again) + b"<!-- csrf 123 -->") == "unchanged"
    assert store(archive, later[2], again, T3, body=page_for(again) + b"<!-- csrf 123 -->") == "unchanged"
    art = archive.db["articles"].get(1)
    assert (art["first_seen"], art["last_seen"], art["last_changed"]) == (T0, T3, T0)
    assert archive.db["versions"].count == 1
    assert archive.db["snapshots"].count == 3  # distinct bodies kept once each
    outcomes = [r[0] for r in archive.conn.execute("SELECT outcome FROM fetches ORDER BY crawl_id, seq")]
    assert outcomes == ["new", "unchanged", "unchanged", "unchanged"]
    assert [archive.crawl_counts(each)["unchanged"] for each in later] == [1, 1, 1]


def _title(r):
    r["title"] = "A different title"


def _credibility(r):
    r["ratings"]["credibility"]["value"] = 2


def _new_rating(r):
    r["ratings"]["quality"] = {"value": 3, "max": 5, "label": None, "raw": "3/5"}


def _section_text(r):
    r["sections"][1]["text"] += " They also found more."


def _section_added(r):
    r["sections"].append({"heading": "Limitations", "text": "Small sample."})


def _section_removed(r):
    del r["sections"][3]


def _doi(r):
    r["source"]["doi"] = "10.1000/changed"


def _published(r):
    r["published"] = "2026-03-01"


def _page_type(r):
    r["page_type"] = "other"


@pytest.mark.parametrize("edit, expected", [
    (_title, ["title"]),
    (_credibility, ["ratings.credibility"]),
    (_new_rating, ["ratings.quality"]),
    (_section_text, ["sections.What They Found"]),
    (_section_added, ["sections.Limitations"]),
    (_section_removed, ["sections.Important Considerations"]),
    (_doi, ["source.doi"]),
    (_published, ["published"]),
    (_page_type, ["page_type"]),
])
def test_each_kind_of_change_names_what_changed(archive, edit, expected):
    crawl = archive.start_crawl([URL])
    store(archive, crawl, make_record(URL), T0)
    changed = make_record(URL)
    edit(changed)
    assert store(archive, crawl, changed, T1) == "changed"
    v2 = archive.db["versions"].get(2)
    assert (v2["version"], v2["cause"], json.loads(v2["changed"])) == (2, "source", expected)
    assert json.loads(v2["record"]) == changed
    art = archive.db["articles"].get(1)
    assert (art["version_count"], art["current_version"], art["last_changed"]) == (2, 2, T1)
    assert archive.db["sections"].count_where("article_id = 1") == len(changed["sections"])


def test_fts_follows_every_write(archive):
    crawl = archive.start_crawl([URL])
    store(archive, crawl, make_record(URL, title="Migraine proteins"), T0)
    search = lambda table, q: [r[0] for r in archive.conn.execute(  # noqa: E731
        f"SELECT rowid FROM {table}_fts WHERE {table}_fts MATCH ?", (q,))]
    assert search("articles", "migraine") == [1]
    record = make_record(URL, title="Cluster headache proteins")
    record["sections"][0]["text"] = "Entirely new wording about zebrafish."
    store(archive, crawl, record, T1)
    assert search("articles", "migraine") == [] and search("articles", "cluster") == [1]
    assert len(search("sections", "zebrafish")) == 1
    # unchanged re-stores move last_seen without rewriting the index
    store(archive, crawl, record, T2)
    assert archive.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    archive.conn.execute("INSERT INTO articles_fts(articles_fts) VALUES('integrity-check')")
    assert search("articles", "cluster") == [1]


def test_cards_alone_make_no_version_and_keep_first_and_last_seen(archive):
    crawl = archive.start_crawl([URL])
    a, b, c = (f"https://example.org/summaries/{x}" for x in "abc")
    store(archive, crawl, make_record(URL, related=[card(a), card(b)]), T0)
    assert store(archive, crawl, make_record(URL, related=[card(b), card(c)]), T1) == "unchanged"
    assert store(archive, crawl, make_record(URL, related=[card(b), card(c, "Retitled")]), T2) == "unchanged"
    assert archive.db["versions"].count == 1
    rows = {r["url"]: r for r in archive.db["related"].rows}
    assert (rows[a]["first_seen"], rows[a]["last_seen"], rows[a]["current"]) == (T0, T0, 0)
    assert (rows[b]["first_seen"], rows[b]["last_seen"], rows[b]["current"]) == (T0, T2, 1)
    assert (rows[c]["first_seen"], rows[c]["last_seen"], rows[c]["title"]) == (T1, T2, "Retitled")
    assert (rows[b]["position"], rows[c]["position"]) == (0, 1)
    hits = archive.conn.execute("SELECT rowid FROM related_fts WHERE related_fts MATCH 'retitled'").fetchall()
    assert hits == [(rows[c]["id"],)]


def test_cards_version_when_the_profile_opts_in(tmp_path):
    with Archive(tmp_path / "a.db", version_related=True) as archive:
        crawl = archive.start_crawl([URL])
        store(archive, crawl, make_record(URL, related=[card("https://example.org/x")]), T0)
        assert store(archive, crawl, make_record(URL, related=[card("https://example.org/y")]), T1) == "changed"
        assert json.loads(archive.db["versions"].get(2)["changed"]) == ["related"]


def test_related_targets_resolved_in_both_orders(archive):
    crawl = archive.start_crawl([URL])
    first = "https://example.org/summaries/first"
    later = "https://example.org/summaries/later"
    store(archive, crawl, make_record(first), T0)
    # card to an archived article: resolved when the card is stored
    store(archive, crawl, make_record(URL, related=[card(first), card(later)]), T1)
    targets = {r["url"]: r["target_id"] for r in archive.db["related"].rows}
    assert targets == {first: 1, later: None}
    # card stored before its target: resolved when the target is archived (via its requested URL)
    store(archive, crawl, make_record(later), T2, url=later + "?utm_source=x")
    later_id = one(archive, "SELECT id FROM articles WHERE url = ?", later)[0]
    assert {r["url"]: r["target_id"] for r in archive.db["related"].rows} == {first: 1, later: later_id}
    assert archive.is_archived(later + "?utm_source=x")


def test_gone_and_back(archive):
    crawl = archive.start_crawl([URL])
    store(archive, crawl, make_record(URL), T0)
    assert archive.gone(crawl, URL, 404, fetched_at=T1) == "gone"
    art = archive.db["articles"].get(1)
    assert (art["status"], art["last_seen"], art["gone_at"]) == ("gone", T0, T1)
    assert archive.db["versions"].count == 1
    crawl2 = archive.start_crawl([URL])
    assert store(archive, crawl2, make_record(URL), T2) == "unchanged"
    art = archive.db["articles"].get(1)
    assert (art["status"], art["last_seen"], art["gone_at"]) == ("live", T2, None)
    assert archive.gone(crawl2, "https://example.org/never-archived", 410) == "error"
    assert one(archive, "SELECT error, http_status FROM fetch_errors") == ("HTTP 410", 410)
    outcomes = [r[0] for r in archive.conn.execute("SELECT outcome FROM fetches ORDER BY crawl_id, seq")]
    assert outcomes == ["new", "gone", "back"]  # back: visible in what the crawl changed, counted unchanged
    assert one(archive, "SELECT unchanged FROM crawls WHERE id = ?", crawl2) == (1,)
    # ... and the same when it answers 304 after being gone.
    assert archive.gone(crawl2, URL, 410, fetched_at=T2) == "gone"
    crawl3 = archive.start_crawl([URL])
    assert archive.not_modified(crawl3, URL, {}, fetched_at=T3) == "unchanged"
    assert one(archive, "SELECT outcome FROM fetches WHERE crawl_id = ?", crawl3) == ("back",)


def test_complete_crawl_marks_unseen_articles_gone(archive):
    other = "https://example.org/summaries/other"
    elsewhere = "https://elsewhere.net/summaries/x"
    c1 = archive.start_crawl([URL])
    for url in (URL, other, elsewhere):
        store(archive, c1, make_record(url), T0)
    archive.finish_crawl(c1, complete_hosts=["example.org"])
    c2 = archive.start_crawl([URL])
    store(archive, c2, make_record(URL), T1)
    counts = archive.finish_crawl(c2, complete_hosts=["EXAMPLE.org"])
    status = {r["url"]: r["status"] for r in archive.db["articles"].rows}
    assert status == {URL: "live", other: "gone", elsewhere: "live"}
    assert counts["gone"] == 1 and counts["unchanged"] == 1
    assert archive.db["crawls"].get(c2)["status"] == "finished"


def test_a_complete_crawl_marks_gone_by_host_and_port_ipv6_too(archive):
    urls = ["http://[::1]/s/a", "http://[::1]:8000/s/b", "http://127.0.0.1:8001/s/c", "http://127.0.0.1:8002/s/d"]
    first = archive.start_crawl(urls)
    for url in urls:
        store(archive, first, make_record(url), T0)
    archive.finish_crawl(first)
    second = archive.start_crawl(["http://[::1]/", "http://127.0.0.1:8001/"])
    counts = archive.finish_crawl(second, complete_hosts=["[::1]", "127.0.0.1:8001"])
    status = {r["url"]: r["status"] for r in archive.db["articles"].rows}
    assert status == {urls[0]: "gone", urls[1]: "live", urls[2]: "gone", urls[3]: "live"}
    assert counts["gone"] == 2


def test_truncated_page_is_held_not_versioned(archive):
    crawl = archive.start_crawl([URL])
    store(archive, crawl, make_record(URL), T0)
    truncated = make_record(URL)
    truncated["sections"] = truncated["sections"][:1]
    crawl = archive.start_crawl([URL])
    assert store(archive, crawl, truncated, T1) == "held"
    assert archive.db["versions"].count == 1
    assert archive.db["sections"].count == 4
    error = one(archive, "SELECT error FROM fetch_errors")[0]
    assert error == "held: record lost 3 of 4 sections (truncated page?)"
    counts = archive.crawl_counts(crawl)
    assert (counts["held"], counts["errors"], counts["fetched"]) == (1, 1, 1)
    # Nothing of the article was seen (a login wall or maintenance page is held the same way): last_seen
    # stays, and the article counts as answered for (not gone).
    assert archive.conn.execute("SELECT last_seen, last_crawl_id, status FROM articles").fetchone() == (T0, crawl, "live")
    assert one(archive, "SELECT outcome FROM fetches ORDER BY crawl_id DESC, seq DESC")[0] == "held"
    # losing fewer than half is an ordinary change
    fewer = make_record(URL)
    del fewer["sections"][3]
    assert store(archive, crawl, fewer, T2) == "changed"


def test_a_page_cut_before_its_closing_tags_is_held_when_it_lost_any_part(archive):
    """A download cut short (a connection closed early, a server dying mid-page) can lose one section
    or only the study details: the page then ends before the </html> its last version had."""
    whole = "<html><body><h1>T</h1>" + "<p>text</p>" * 50 + "</body></html>\n<!-- cached -->"
    crawl = archive.start_crawl([URL])
    store(archive, crawl, make_record(URL), T0, body=whole)
    no_study = make_record(URL)
    no_study["source"] = {**no_study["source"], "journal": None}
    cut = whole[:200]
    assert store(archive, crawl, no_study, T1, body=cut) == "held"
    assert one(archive, "SELECT error FROM fetch_errors")[0].startswith("held: page ends before its closing </html>")
    assert store(archive, crawl, no_study, T1, body=whole.replace("T<", "T2<")) == "changed"  # whole: an edit
    one_less = make_record(URL)
    del one_less["sections"][3]
    assert store(archive, crawl, one_less, T2, body=cut + "<p>more") == "held"
    archive.finish_crawl(crawl)
    assert archive.db["versions"].count == 2


def test_a_page_held_back_twice_alike_is_the_page_now(archive):
    """A truncated download is rarely the same twice: the same short page in a later crawl (a withdrawn
    summary) becomes the next version, so the archive does not hold it back forever."""
    first = archive.start_crawl([URL])
    store(archive, first, make_record(URL), T0)
    withdrawn = make_record(URL)
    withdrawn["sections"] = withdrawn["sections"][:1]
    assert store(archive, first, withdrawn, T1) == "held"
    assert store(archive, first, withdrawn, T1) == "held"  # (the same crawl again proves nothing)
    archive.finish_crawl(first)
    second = archive.start_crawl([URL])
    assert store(archive, second, withdrawn, T2) == "changed"
    assert archive.db["versions"].count == 2 and archive.db["sections"].count == 1


def test_not_modified_logs_a_304_and_moves_last_seen(archive):
    crawl = archive.start_crawl([URL])
    store(archive, crawl, make_record(URL, related=[card("https://example.org/c")]), T0, headers={"ETag": "e1"})
    assert archive.not_modified(crawl, URL, {"ETag": "e2"}, fetched_at=T1) == "unchanged"
    assert archive.db["articles"].get(1)["last_seen"] == T1
    assert archive.db["related"].get(1)["last_seen"] == T1
    assert archive.validators(URL) == ("e2", None)
    row = one(archive, "SELECT http_status, outcome, snapshot_sha256 FROM fetches ORDER BY crawl_id DESC, seq DESC")
    assert row == (304, "unchanged", archive.db["articles"].get(1)["snapshot_sha256"])
    assert archive.not_modified(crawl, "https://example.org/unknown", {}) == "error"
    archive.error(crawl, URL, 500, "HTTP 500\nInternal Server Error")
    assert one(archive, "SELECT error FROM fetch_errors ORDER BY id DESC")[0] == "HTTP 500 Internal Server Error"
    assert archive.crawl_counts(crawl)["errors"] == 2


def test_headers_from_scrapy_style_mappings(archive):
    crawl = archive.start_crawl([URL])
    headers = {b"ETag": [b'"abc"'], b"Content-Type": [b"text/html"]}
    store(archive, crawl, make_record(URL), T0, headers=headers)
    assert archive.validators(URL) == ('"abc"', None)


def test_the_same_glitch_again_after_the_whole_page_came_back_is_held_again(archive):
    """A maintenance page (or login wall) on and off: held each time it shows, because the whole page came
    back in between (it had become versions 2 and 3: the glitch, then the page again)."""
    maintenance = make_record(URL, title="We'll be back soon")
    maintenance["sections"] = []
    outcomes = []
    for n, (record, body) in enumerate([(make_record(URL), None), (maintenance, b"<html>Back soon</html>"),
                                        (make_record(URL), None), (maintenance, b"<html>Back soon</html>"),
                                        (maintenance, b"<html>Back soon</html>")]):
        crawl = archive.start_crawl([URL])
        outcomes.append(store(archive, crawl, record, f"2026-01-0{n + 1}T00:00:00Z", body=body))
        archive.finish_crawl(crawl)
    # Held in two crawls running: the page now (a withdrawn summary), as before.
    assert outcomes == ["new", "held", "unchanged", "held", "changed"]
    assert archive.db["versions"].count == 2
