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
