"""parse_with_links: the links a crawler follows, read from the tree the parser builds anyway."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from parsers import parse, parse_with_links
from parsers.clean import MAX_TAGS
from parsers.links import MAX_LINKS, page_links
from parsers.urls import absolute

PAGES = Path(__file__).parent / "fixtures" / "pages"
GOLDEN = sorted(p.stem for p in PAGES.glob("*.json"))

PAGE = """<html><head><link rel="next" href="/list?page=2"><link rel="stylesheet" href="/s.css">
<link rel="Prev Start" href="page-0"></head><body>
<nav><a href="/">Home</a> <a href="about">About</a> <a href="#top">Top</a></nav>
<a href="javascript:void(0)">JS</a> <a href="mailto:x@example.org">Mail</a>
<a href=" https://other.example/x#frag ">Other</a> <a href="/">Home again</a>
<map><area href="/area-target" alt=""></map><a>no href</a>
<script>document.write('<a href="/scripted">x</a>')</script>
</body></html>"""


@pytest.mark.parametrize("name", GOLDEN)
def test_record_is_the_one_parse_gives(name: str) -> None:
    expected = json.loads((PAGES / f"{name}.json").read_text(encoding="utf-8"))
    body = (PAGES / f"{name}.html").read_bytes()
    record, links = parse_with_links(body, expected["url"])
    assert record == parse(body, expected["url"]) == expected
    assert all(link.startswith(("http://", "https://")) and "#" not in link for link in links)
    assert len(links) == len(set(links))


def test_links_resolve_against_the_fetched_url_once_each_in_document_order() -> None:
    _record, links = parse_with_links(PAGE, "https://e.org/dir/page", base_url="https://e.org/dir/page/")
    assert links == ["https://e.org/list?page=2", "https://e.org/dir/page/page-0", "https://e.org/",
                     "https://e.org/dir/page/about", "https://other.example/x", "https://e.org/area-target"]


def test_base_href_wins_and_page_links_matches() -> None:
    body = '<html><head><base href="https://cdn.e.org/b/"></head><body><a href="c">C</a></body></html>'
    assert parse_with_links(body, "https://e.org/a")[1] == ["https://cdn.e.org/b/c"]
    assert page_links(body.encode(), "https://e.org/a") == ["https://cdn.e.org/b/c"]
    assert page_links(PAGE.encode(), "https://e.org/dir/page/") == parse_with_links(
        PAGE, "https://e.org/x", base_url="https://e.org/dir/page/")[1]


def test_related_cards_resolve_against_the_fetched_url_not_the_record_url() -> None:
    body = ("<h1>T</h1><h2>Key Takeaway</h2><p>Text.</p><h2>Related Articles</h2>"
            "<div><h3><a href='other-study'>Another study on sleep and memory</a></h3><p>June 2, 2024</p>"
            "<p>An excerpt of the other study that goes on for a while...</p></div>")
    record = parse(body, "https://e.org/s/study", base_url="https://e.org/s/study/")
    assert record["url"] == "https://e.org/s/study"
    assert [card["url"] for card in record["related"]] == ["https://e.org/s/study/other-study"]


def test_links_past_the_tag_cap_are_still_found() -> None:
    body = "<h1>Index</h1>" + "<p>x</p>" * MAX_TAGS + "<a href='/the-last-one'>last</a>"
    record, links = parse_with_links(body, "https://e.org/index")
    assert record["warnings"][0].startswith("page cut")
    assert links == ["https://e.org/the-last-one"]


def test_links_per_page_are_bounded() -> None:
    body = "".join(f"<a href='/p{i}'>{i}</a>" for i in range(MAX_LINKS + 50))
    links = page_links(body.encode(), "https://e.org/")
    assert len(links) == MAX_LINKS and links[-1] == f"https://e.org/p{MAX_LINKS - 1}"


@pytest.mark.parametrize("body", [b"", b"\x00\xff" * 10, "<a href='http://[bad'>x</a>".encode()])
def test_garbage_gives_no_links_and_no_exception(body: bytes) -> None:
    record, links = parse_with_links(body, "https://e.org/x")
    assert links == [] and record["url"] == "https://e.org/x"


@pytest.mark.parametrize("href,expected", [
    ("\\summaries\\a1", "https://e.org/summaries/a1"),  # root-relative, as browsers read it
    ("summaries\\a2", "https://e.org/section/summaries/a2"),
    ("\\\\other.org\\x", "https://other.org/x"),  # scheme-relative
    ("http:\\\\h.org\\a\\b", "http://h.org/a/b"),
    ("\\s\\a?next=\\x#top\\y", "https://e.org/s/a?next=\\x"),  # the query keeps its backslash
])
def test_backslashes_in_web_hrefs_are_slashes(href: str, expected: str) -> None:
    assert absolute(href, "https://e.org/section/page") == expected


@pytest.mark.parametrize("href,expected", [
    ("/summaries/a1", "https://e.org/summaries/a1"),
    ("a2?q=1", "https://e.org/section/a2?q=1"),
    ("mailto:a\\b@e.org", None),
    ("javascript:go('\\\\x')", None),
])
def test_hrefs_without_web_backslashes_resolve_as_before(href: str, expected: str | None) -> None:
    assert absolute(href, "https://e.org/section/page") == expected


def test_backslash_links_are_followed_where_browsers_go() -> None:
    body = '<a href="\\summaries\\a1">a1</a><a href="/summaries/a1">again</a><a href="sub\\b">b</a>'
    assert page_links(body.encode(), "https://e.org/section/page") == [
        "https://e.org/summaries/a1", "https://e.org/section/sub/b"]


def test_the_first_base_with_an_href_counts_and_a_refresh_target_is_a_link() -> None:
    page = ('<html><head><base target="_blank"><base href="/archive/"><meta http-equiv="refresh" '
            "content=\"30; URL='/page/2'\"></head><body><a href=\"s/1\">one</a></body></html>")
    assert page_links(page, "http://e.org/") == ["http://e.org/page/2", "http://e.org/archive/s/1"]


def test_the_next_page_is_kept_past_the_link_bound() -> None:
    page = "".join(f'<a href="/a/{i}">x</a>' for i in range(MAX_LINKS + 10)) + '<a rel="next" href="/page/2">Next</a>'
    links = page_links(f"<html><body>{page}</body></html>", "http://e.org/")
    assert len(links) == MAX_LINKS + 1 and links[-1] == "http://e.org/page/2"
