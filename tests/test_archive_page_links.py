"""The links and validators the archive remembers per followed page (archive.page_links)."""

from __future__ import annotations

import pytest

from archive import Archive
from tests.archive_support import make_record, page_for

URL = "https://example.org/summaries/immune-changes-headaches"
LISTING = "https://example.org/summaries?page=2"
LINKS = ["https://example.org/", "https://example.org/summaries/other", "https://example.org/a?b=c"]
HEADERS = {"ETag": '"v1"', "Last-Modified": "Fri, 20 Nov 2026 10:00:00 GMT", "Content-Type": "text/html"}


@pytest.fixture
def archive(tmp_path):
    a = Archive(tmp_path / "archive.db", links_version="7")
    yield a
    a.close()


def test_a_stored_page_keeps_its_links_and_validators(archive: Archive) -> None:
    crawl = archive.start_crawl([URL])
    record = make_record(URL)
    assert archive.store(crawl, URL, record, page_for(record), HEADERS, links=LINKS) == "new"
    assert archive.links(URL) == LINKS
    assert archive.validators(URL) == (HEADERS["ETag"], HEADERS["Last-Modified"])
    # Stored without links (an import, a reparse): nothing to follow on a 304, so no validators.
    other = make_record(URL + "-2")
    archive.store(crawl, other["url"], other, page_for(other), HEADERS)
    assert archive.validators(other["url"]) == (None, None) and archive.links(other["url"]) is None


def test_a_held_page_is_asked_for_in_full_next_time(archive: Archive) -> None:
    crawl = archive.start_crawl([URL])
    record = make_record(URL)
    archive.store(crawl, URL, record, page_for(record), HEADERS, links=LINKS)
    truncated = make_record(URL, sections=record["sections"][:1])
    assert archive.store(crawl, URL, truncated, page_for(truncated), {**HEADERS, "ETag": '"v2"'},
                         links=LINKS[:1]) == "held"
    assert archive.validators(URL) == (None, None)
    assert archive.links(URL) == LINKS[:1]


def test_a_listing_is_remembered_and_its_304_is_not_an_article(archive: Archive) -> None:
    crawl = archive.start_crawl([LISTING])
    archive.remember_links(crawl, LISTING, LINKS, HEADERS)
    assert archive.validators(LISTING) == (HEADERS["ETag"], HEADERS["Last-Modified"])
    assert not archive.is_archived(LISTING)
    again = archive.start_crawl([LISTING])
    assert archive.not_modified(again, LISTING, {"ETag": '"v1b"'}, fetched_at="2026-11-24T00:00:00Z") == "skipped"
    assert archive.validators(LISTING) == ('"v1b"', HEADERS["Last-Modified"])
    assert archive.links(LISTING) == LINKS
    assert archive.crawl_counts(again) == {name: 0 for name in archive.crawl_counts(again)}
    row = archive.conn.execute("SELECT crawl_id, seen_at, link_count FROM page_links WHERE url = ?",
                               (LISTING,)).fetchone()
    assert row == (again, "2026-11-24T00:00:00Z", len(LINKS))
    assert archive.not_modified(again, "https://example.org/never-seen", {}) == "error"


def test_links_of_another_extraction_version_are_not_trusted(tmp_path) -> None:
    with Archive(tmp_path / "a.db", links_version="1") as old:
        old.remember_links(None, LISTING, LINKS, HEADERS)
    with Archive(tmp_path / "a.db", links_version="2") as new:
        assert new.validators(LISTING) == (None, None) and new.links(LISTING) is None
        new.remember_links(None, LISTING, LINKS[:2], HEADERS)
        assert new.links(LISTING) == LINKS[:2]


def test_no_links_and_odd_urls_round_trip(archive: Archive) -> None:
    archive.remember_links(None, LISTING, [], {})
    assert archive.links(LISTING) == [] and archive.validators(LISTING) == (None, None)
    odd = ["https://example.org/ünïcode path", "https://example.org/" + "x" * 5000]
    archive.remember_links(None, URL, odd, HEADERS)
    assert archive.links(URL) == odd


def test_a_page_judged_not_for_archiving_is_trusted_only_by_the_same_judgement(tmp_path) -> None:
    """A listing skipped by one parser or profile is fetched in full by a crawl that may want it;
    an archived page's validators hold whatever the judgement."""
    with Archive(tmp_path / "a.db", judgement="parser 1; archives summary") as first:
        first.remember_links(None, LISTING, LINKS, HEADERS)
        record = make_record(URL)
        first.store(None, URL, record, page_for(record), HEADERS, links=LINKS)
        assert first.validators(LISTING) != (None, None)
    with Archive(tmp_path / "a.db", judgement="parser 2; archives summary") as upgraded:
        assert upgraded.validators(LISTING) == (None, None) and upgraded.links(LISTING) is None
        assert upgraded.validators(URL) == (HEADERS["ETag"], HEADERS["Last-Modified"])
    with Archive(tmp_path / "a.db", judgement="parser 1; archives other, summary") as wider:
        assert wider.validators(LISTING) == (None, None)


def test_links_are_kept_under_the_fetched_and_the_canonical_url(archive: Archive) -> None:
    """The next crawl may link /a/ where this one fetched /a (or the other way round)."""
    record = make_record(URL)
    archive.store(None, URL + "/", record, page_for(record), HEADERS, links=LINKS)
    assert archive.validators(URL) == archive.validators(URL + "/") == (HEADERS["ETag"], HEADERS["Last-Modified"])
    archive.remember_links(None, LISTING + "&sort=new", LINKS, HEADERS, canonical=LISTING)
    assert archive.links(LISTING) == archive.links(LISTING + "&sort=new") == LINKS
