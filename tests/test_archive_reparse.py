"""Reparse: today's parser over stored snapshots, in a process pool, safe to interrupt and re-run."""

from __future__ import annotations

import json

import pytest

from archive import Archive, history, reparse
from tests.archive_support import card, make_record, page_for, parse_v1, parse_v2

N = 40


def _archive(path, n=N):
    with Archive(path) as archive:
        crawl = archive.start_crawl(["https://example.org/"])
        for i in range(n):
            url = f"https://example.org/summaries/s{i}"
            record = make_record(url)
            archive.store(crawl, url, record, page_for(record), {"Content-Type": "text/html"},
                          fetched_at="2026-11-20T10:00:00Z")
    return [f"https://example.org/summaries/s{i}" for i in range(n)]


def test_same_parser_changes_nothing(tmp_path):
    path = tmp_path / "a.db"
    _archive(path)
    totals = reparse(path, parse_v1, workers=1)
    assert totals == {"articles": N, "changed": 0, "unchanged": N, "failed": 0}


@pytest.mark.parametrize("workers", [1, 2])
def test_parser_change_makes_reparse_versions_and_rerun_finds_nothing(tmp_path, workers):
    path = tmp_path / "a.db"
    urls = _archive(path)
    calls = []
    totals = reparse(path, parse_v2, workers=workers, batch_size=7,
                     progress=lambda done, total: calls.append((done, total)))
    assert totals == {"articles": N, "changed": N, "unchanged": 0, "failed": 0}
    assert calls[0] == (0, N) and calls[-1] == (N, N)
    versions = history(path, urls[3])
    assert [(v["version"], v["cause"], v["parser_version"]) for v in versions] == [
        (1, "created", "1"), (2, "reparse", "2")]
    assert versions[1]["changed"] == ["title"]
    assert versions[1]["crawl_id"] is None and versions[1]["fetched_at"] == "2026-11-20T10:00:00Z"
    assert "[-Study s3:-]" in versions[1]["diff"]
    with Archive(path) as archive:
        art = archive.db["articles"].get(4)
        assert art["title"] == "how immune changes could help manage headaches"
        assert art["parser_version"] == "2" and art["current_version"] == 2
        assert art["snapshot_sha256"] == versions[1]["snapshot_sha256"] == versions[0]["snapshot_sha256"]
    again = reparse(path, parse_v2, workers=workers)
    assert again == {"articles": N, "changed": 0, "unchanged": N, "failed": 0}


class Stop(Exception):
    pass


def test_interrupted_reparse_keeps_finished_batches_and_resumes(tmp_path):
    path = tmp_path / "a.db"
    _archive(path)

    def interrupt(done, total):
        if done >= 10:
            raise Stop()

    with pytest.raises(Stop):
        reparse(path, parse_v2, workers=2, batch_size=5, progress=interrupt)
    with Archive(path) as archive:
        partial = archive.conn.execute("SELECT count(*) FROM versions WHERE cause = 'reparse'").fetchone()[0]
        assert archive.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert 10 <= partial < N
    rest = reparse(path, parse_v2, workers=2, batch_size=5)
    assert rest["changed"] == N - partial and rest["unchanged"] == partial
    assert reparse(path, parse_v2, workers=1)["changed"] == 0


def _raising_parser(body, url, headers=None):
    if url.endswith("s1"):
        raise RuntimeError("boom")
    return parse_v1(body, url, headers)


def test_a_parser_failure_is_counted_not_fatal(tmp_path):
    path = tmp_path / "a.db"
    _archive(path, n=3)
    assert reparse(path, _raising_parser, workers=1) == {"articles": 3, "changed": 0, "unchanged": 2, "failed": 1}


def test_reparse_updates_cards_without_a_version(tmp_path):
    path = tmp_path / "a.db"
    url = "https://example.org/summaries/s0"
    record = make_record(url, related=[card("https://example.org/summaries/s1")])
    with Archive(path) as archive:
        crawl = archive.start_crawl([url])
        archive.store(crawl, url, make_record(url), page_for(record), {}, fetched_at="2026-11-20T10:00:00Z")
        assert archive.db["related"].count == 0
    totals = reparse(path, parse_v1, workers=1)
    assert totals["changed"] == 0
    with Archive(path) as archive:
        rows = list(archive.db["related"].rows)
        assert [(r["url"], r["current"], r["first_seen"]) for r in rows] == [
            ("https://example.org/summaries/s1", 1, "2026-11-20T10:00:00Z")]
        assert json.loads(archive.db["versions"].get(1)["changed"]) == ["created"]


def test_reparse_of_some_sites_leaves_the_others_alone(tmp_path):
    """An archive of several sites, each crawled with its own profile: a profile fits one site, so a
    reparse can be limited to it (it had turned another site's summaries into pages of type 'other')."""
    path = tmp_path / "a.db"
    urls = ["https://a.example/s/1", "https://a.example/s/2", "http://b.example:8080/s/1", "https://c.example/s/1"]
    with Archive(path) as archive:
        crawl = archive.start_crawl(["https://a.example/"])
        for url in urls:
            record = make_record(url)
            archive.store(crawl, url, record, page_for(record), {"Content-Type": "text/html"})
    totals = reparse(path, parse_v2, workers=1, sites=["a.example", "B.example:8080"])
    assert totals == {"articles": 3, "changed": 3, "unchanged": 0, "failed": 0}
    assert [len(history(path, url)) for url in urls] == [2, 2, 2, 1]


def test_reparse_command_takes_the_profiles_sites_or_site_options(tmp_path):
    from click.testing import CliRunner

    from summary_archive.archive_cmds import reparse_cmd

    path = tmp_path / "a.db"
    urls = ["https://a.example/s/1", "https://c.example/s/1"]
    with Archive(path) as archive:
        crawl = archive.start_crawl(["https://a.example/"])
        for url in urls:
            record = make_record(url, title="Old title")  # (today's parser reads the page's own title)
            archive.store(crawl, url, record, page_for(make_record(url)), {"Content-Type": "text/html"})
    profile = tmp_path / "c.toml"
    profile.write_text('[crawl]\nstart_urls = ["https://c.example/"]\n')
    done = CliRunner().invoke(reparse_cmd, ["--db", str(path), "--profile", str(profile), "--workers", "1"])
    assert done.exit_code == 0, done.output + done.stderr
    assert "reparsing the articles of c.example" in done.stderr and "reparsed 1 articles" in done.output
    done = CliRunner().invoke(reparse_cmd, ["--db", str(path), "--site", "a.example", "--workers", "1"])
    assert done.exit_code == 0 and "reparsed 1 articles" in done.output, done.output + done.stderr
    # A site with no archived article is a one-line error, not "reparsed 0 articles" (a mistyped --site).
    done = CliRunner().invoke(reparse_cmd, ["--db", str(path), "--site", "b.example", "--workers", "1"])
    assert done.exit_code == 2 and "no archived article is on b.example" in done.output + done.stderr


def test_a_crawl_storing_the_same_bytes_read_otherwise_makes_a_reparse_version_not_a_change(tmp_path):
    """A new parser's reading of a page whose bytes did not change (a site sending no validators) had been
    a version with cause 'source', counted as changed: as if the site had edited the summary."""
    path = tmp_path / "a.db"
    url = _archive(path, n=1)[0]
    record = make_record(url)
    with Archive(path) as archive:
        crawl = archive.start_crawl(["https://example.org/"])
        assert archive.store(crawl, url, parse_v2(page_for(record), url), page_for(record), {},
                             fetched_at="2026-11-21T10:00:00Z") == "unchanged"
        assert archive.crawl_counts(crawl)["changed"] == 0 and archive.crawl_rereads(crawl) == 1
        # (control) other bytes read otherwise: the page changed
        edited = make_record(url, title="Study s0: a new title")
        assert archive.store(crawl, url, edited, page_for(edited), {}, fetched_at="2026-11-22T10:00:00Z") == "changed"
    assert [(v["version"], v["cause"]) for v in history(path, url)] == [(1, "created"), (2, "reparse"), (3, "source")]


def test_a_reparse_version_is_dated_no_earlier_than_the_version_it_rereads(tmp_path):
    """A page that went A, B, A: its snapshot was first stored with A, so the reparse version had been dated
    before v2 and v3 (last_changed went back)."""
    path = tmp_path / "a.db"
    url = "https://example.org/summaries/s0"
    a, b = make_record(url), make_record(url, title="Study s0: other words")
    with Archive(path) as archive:
        for record, day in ((a, "01"), (b, "02"), (a, "03")):
            crawl = archive.start_crawl(["https://example.org/"])
            archive.store(crawl, url, record, page_for(record), {}, fetched_at=f"2026-11-{day}T10:00:00Z")
    reparse(path, parse_v2, workers=1)
    versions = history(path, url)
    assert [(v["cause"], v["fetched_at"][:10]) for v in versions] == [
        ("created", "2026-11-01"), ("source", "2026-11-02"), ("source", "2026-11-03"), ("reparse", "2026-11-03")]
