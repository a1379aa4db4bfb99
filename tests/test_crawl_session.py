"""CrawlSession.first_link: the spider's shortcut past links it already followed, bounded in memory."""

from __future__ import annotations

import pytest

from parsers import DEFAULT_PROFILE
from scraper import session as session_module
from scraper.scope import Scope
from scraper.session import CrawlSession


def _session(depth: int = 0) -> CrawlSession:
    return CrawlSession(archive=None, profile=DEFAULT_PROFILE, start_urls=["https://e.org/"],  # type: ignore[arg-type]
                        scope=Scope.build(["https://e.org/"], ()), since=None, max_pages=0, depth=depth,
                        parse=True)


def test_a_link_passes_once() -> None:
    session = _session()
    assert [session.first_link(u) for u in ("https://e.org/a", "https://e.org/b", "https://e.org/a")] == [
        True, True, False]


def test_memory_is_bounded_and_a_forgotten_link_passes_again(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(session_module, "LINKED_MAX", 100)
    session = _session()
    for i in range(1000):
        assert session.first_link(f"https://e.org/p{i}")
        assert len(session.linked) <= 100
    assert session.first_link("https://e.org/p0")  # forgotten: the dupefilter has the last word


def test_with_a_depth_limit_every_link_goes_through() -> None:
    session = _session(depth=2)
    assert session.first_link("https://e.org/a") and session.first_link("https://e.org/a")


def test_the_other_trailing_slash_spelling_is_asked_for_when_the_first_answered_404() -> None:
    session = _session()
    key = "https://e.org/a"
    assert session.first_link(key, "https://e.org/a/")
    assert not session.first_link(key, "https://e.org/a")  # one request to the crawl...
    assert session.twin_of_dead(key) == "https://e.org/a"  # ...until the first spelling answers 404
    assert session.twin_of_dead(key) is None  # once


def test_a_twin_linked_only_after_the_404_is_revived_once() -> None:
    session = _session()
    key = "https://e.org/b"
    assert session.first_link(key, "https://e.org/b/")
    assert session.twin_of_dead(key) is None  # no other spelling yet: remembered as dead
    assert not session.first_link(key, "https://e.org/b/") and not session.revived(key, "https://e.org/b/")
    assert not session.first_link(key, "https://e.org/b") and session.revived(key, "https://e.org/b")
    assert not session.revived(key, "https://e.org/b")
