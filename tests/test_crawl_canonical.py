"""Canonical URLs and crawl scope: the rules that keep a crawl on its site and fetch each page once."""

from __future__ import annotations

import random
import re

import pytest
from scrapy import Request

from scraper import canonical
from scraper.canonical import CanonicalFingerprinter, canonical_url, clean_url
from scraper.fetched import http_date, iso_date
from scraper.scope import Scope, host_key

TRACKING = ("utm_source", "utm_medium", "ref")


@pytest.mark.parametrize("variant", [
    "http://example.org/summaries/gut-bacteria",
    "http://example.org/summaries/gut-bacteria/",
    "HTTP://EXAMPLE.ORG/summaries/gut-bacteria",
    "http://example.org:80/summaries/gut-bacteria",
    "http://example.org/summaries/gut-bacteria#what-they-found",
    "http://example.org/summaries/gut-bacteria?utm_source=news&utm_medium=email",
    "http://example.org/summaries/gut-bacteria/?ref=home#top",
])
def test_spelling_variants_share_one_canonical_url(variant: str) -> None:
    assert canonical_url(variant, TRACKING) == "http://example.org/summaries/gut-bacteria"


def test_plain_urls_take_a_short_cut_to_the_same_canonical_form(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fast path for plain URLs gives what w3lib's canonicalize_url gives, and lets the rest through."""
    rng = random.Random(7)
    urls = [f"http{rng.choice(['', 's'])}://a-b.example{rng.choice(['', ':80', ':443', ':8080', ':65536', ':0', ':080'])}/"
            + "".join(rng.choice("ab-._~/AZ09") for _ in range(rng.randint(0, 14)))
            + rng.choice(["", "", "", "?utm_source=x", "?utm_source=&ref=a%20b", "?ref=1&page=2", "?UTM_SOURCE=x", "?",
                          "?&utm_source=x", "?utm_source=x;ref=y", "?utm_medium", "?utm%5Fsource=x"])
            + rng.choice(["", "", "#top", "#", "#a/b?c=d"]) for _ in range(3000)]
    urls += ["http://example.org", "http://example.org/s/../x", "http://example.org/./x", "http://Example.org/x",
             "http://example.org/x?page=2", "http://example.org/%7Ex", "http://example.org/x;jsessionid=1"]

    def each(fast: bool) -> list[str]:
        monkeypatch.setattr(canonical, "_PLAIN", canonical._PLAIN if fast else re.compile(r"(?!)"))
        canonical._canonical_url.cache_clear()
        out = []
        for url in urls:
            try:
                out.append(canonical_url(url, TRACKING))
            except ValueError as exc:  # (a port out of range: the request fails alike)
                out.append(f"ValueError: {exc}")
        return out

    shortcut = sum(bool(canonical._PLAIN.fullmatch(canonical._untracked(url.split("#")[0], TRACKING))) for url in urls)
    assert shortcut > 600  # (many of them take it, with a fragment or tracking parameters too)
    assert each(fast=True) == each(fast=False)
    canonical._canonical_url.cache_clear()


def test_meaningful_differences_survive_canonicalisation() -> None:
    base = canonical_url("http://example.org/list?page=2", TRACKING)
    assert base != canonical_url("http://example.org/list?page=3", TRACKING)
    assert canonical_url("http://example.org/list?b=2&a=1", TRACKING) == canonical_url(
        "http://example.org/list?a=1&b=2", TRACKING)
    # Case of the path matters on most servers; the port does unless it is the default one.
    assert canonical_url("http://example.org/A", TRACKING) != canonical_url("http://example.org/a", TRACKING)
    assert canonical_url("http://example.org:8000/a", TRACKING) == "http://example.org:8000/a"
    assert canonical_url("https://example.org:443/", TRACKING) == "https://example.org/"
    # Only the profile's tracking parameters go.
    assert canonical_url("http://example.org/s?id=7&utm_source=x", TRACKING) == "http://example.org/s?id=7"
    assert canonical_url("http://example.org/s?utm_source=x", ()) == "http://example.org/s?utm_source=x"


def test_clean_url_drops_fragment_and_tracking_but_keeps_the_path_as_linked() -> None:
    assert clean_url("http://e.org/a/?utm_source=x&q=1#f", TRACKING) == "http://e.org/a/?q=1"
    assert clean_url("http://e.org/a#f", ()) == "http://e.org/a"


def test_fingerprints_follow_the_canonical_url() -> None:
    fp = CanonicalFingerprinter(TRACKING)
    one = fp.fingerprint(Request("http://example.org/s/x/?utm_source=a#b"))
    assert one == fp.fingerprint(Request("http://EXAMPLE.org:80/s/x"))
    assert one != fp.fingerprint(Request("http://example.org/s/y"))
    assert one != fp.fingerprint(Request("http://example.org/s/x", method="POST"))


def test_scope_matches_host_and_port_of_the_start_urls() -> None:
    scope = Scope.build(["http://127.0.0.1:8000/"])
    assert scope.allows("http://127.0.0.1:8000/summaries/a")
    assert not scope.allows("http://127.0.0.1:8001/summaries/a")
    assert not scope.allows("http://localhost:8000/summaries/a")
    for url in ("mailto:x@example.org", "javascript:alert(1)", "ftp://127.0.0.1:8000/f",
                "data:text/html,hi", "file:///etc/passwd", "http://[bad", "http://127.0.0.1:99999/"):
        assert not scope.allows(url), url
    assert scope.hosts == ["127.0.0.1:8000"]


def test_scope_default_ports_and_profile_hosts() -> None:
    scope = Scope.build(["https://example.org/"], ["cdn.example.net", "media.example.com:8080", "*.example.edu"])
    assert scope.allows("http://example.org/x") and scope.allows("https://example.org:443/x")
    assert not scope.allows("https://example.org:8443/x")
    assert scope.allows("http://cdn.example.net:81/x")
    assert scope.allows("http://media.example.com:8080/x") and not scope.allows("http://media.example.com/x")
    assert scope.allows("https://www.example.edu/x") and not scope.allows("https://example.edu.evil.org/")
    assert host_key("HTTPS://Example.ORG./") == ("example.org", None)


def test_dates_from_headers_and_sitemaps() -> None:
    assert http_date("Tue, 03 Nov 2026 10:00:00 GMT").isoformat() == "2026-11-03T10:00:00+00:00"
    assert http_date("not a date") is None and http_date(None) is None
    assert iso_date("2026-11-03").isoformat() == "2026-11-03T00:00:00+00:00"
    assert iso_date("2026-11-03T10:00:00Z").isoformat() == "2026-11-03T10:00:00+00:00"
    assert iso_date("2026") .isoformat().startswith("2026-01-01")
    assert iso_date("soon") is None


def test_scope_cache_does_not_mix_authorities() -> None:
    scope = Scope.build(["http://127.0.0.1:8000/"])
    for _ in range(3):
        assert scope.allows("http://127.0.0.1:8000/a?b=c#d") and scope.allows("HTTP://127.0.0.1:8000")
        assert not scope.allows("http://127.0.0.1:8000@evil.example/") and not scope.allows("http://x/")
    assert not scope.allows("no-scheme/127.0.0.1:8000")


def test_links_to_files_are_not_pages() -> None:
    from scraper.spiders.summaries import _binary

    assert _binary("http://e.org/paper.PDF") and _binary("http://e.org/a/b.jpg?x=1")
    assert not _binary("http://e.org/summaries/a.b-study") and not _binary("http://e.org/page.html")


def test_repeated_query_keys_are_part_of_the_address() -> None:
    # w3lib's url_query_cleaner drops repeated keys unless told not to: another page would be asked for.
    assert clean_url("http://e.org/s?topic=ms&topic=diet&utm_source=x", TRACKING) == "http://e.org/s?topic=ms&topic=diet"
    assert canonical_url("http://e.org/s?topic=ms&topic=diet", TRACKING) != canonical_url("http://e.org/s?topic=ms", TRACKING)


@pytest.mark.parametrize(("named", "fetched", "above"), [
    ("https://e.org/summaries/", "https://e.org/summaries/x", True),     # its section
    ("https://e.org/", "https://e.org/s/a", True),                       # the home page
    ("https://e.org/", "https://e.org/?p=12", True),                     # the path without the query addressing the page
    ("https://e.org/index.php", "https://e.org/index.php?id=2", True),
    ("https://e.org/s/a", "https://e.org/s/a/index.html", False),        # its own directory: itself
    ("https://e.org/s/a", "https://e.org/s/a/amp", False),               # its AMP copy
    ("https://e.org/s/a/", "https://e.org/s/a/print/", False),           # its print version
    ("https://e.org/s/a", "https://e.org/s/a/comments", False),          # its comments
    ("https://e.org/s/a", "https://e.org/s/a?print=1", False),           # a view of it, asked by query
    ("https://e.org/s/a", "https://e.org/s/a?output=amp", False),
    ("https://e.org/s/a", "https://e.org/s/a/related", True),            # (a page of its own below it)
    ("https://e.org/s/a", "https://e.org/s/a?utm_source=feed", False),   # a tracking parameter addresses nothing
    ("https://e.org/2025/01/slug/", "https://e.org/?p=123", False),      # a shortlink naming its article
    ("https://e.org/s/a?id=1", "https://e.org/s/a?id=1", False),
    ("https://other.org/", "https://e.org/s/a", False),
])
def test_a_canonical_link_above_the_page(named: str, fetched: str, above: bool) -> None:
    assert canonical.canonical_above(named, fetched, TRACKING) is above
