"""Property tests: any bytes, any text and mutated fixture pages give a valid record, never an exception."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parsers import PARSER_VERSION, parse

PAGES = Path(__file__).parent / "fixtures" / "pages"
FIXTURES = sorted(p.read_bytes() for p in PAGES.glob("*.html"))
URL = "https://example.org/summaries/page"
RECORD_KEYS = {"url", "page_type", "title", "ratings", "sections", "source", "related", "published", "warnings", "parser_version"}
ISO_DAY = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")  # a day, a month or a year: all ISO 8601
SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _collapsed(text: Any) -> bool:
    return isinstance(text, str) and text == " ".join(text.split()) and text != ""


def _number_or_none(value: Any) -> bool:
    return value is None or (isinstance(value, (int, float)) and not isinstance(value, bool))


def _absolute(url: Any) -> bool:
    return isinstance(url, str) and re.match(r"^https?://", url) is not None and "#" not in url


def assert_valid_record(record: Any) -> None:
    """The record has exactly RECORD.md's shape, plain JSON types and its text rules."""
    assert isinstance(record, dict) and set(record) == RECORD_KEYS, record.keys()
    json.dumps(record)  # plain str/int/float/None/list/dict only
    assert isinstance(record["url"], str)
    assert "#" not in record["url"]
    assert record["page_type"] in ("summary", "listing", "other")
    assert record["title"] is None or _collapsed(record["title"])
    assert isinstance(record["ratings"], dict)
    for name, rating in record["ratings"].items():
        assert name == name.lower() and name
        assert set(rating) == {"value", "max", "label", "raw"}
        assert _number_or_none(rating["value"]) and _number_or_none(rating["max"])
        assert rating["label"] is None or _collapsed(rating["label"])
        assert rating["raw"] is None or isinstance(rating["raw"], str)
        assert rating["value"] is not None or rating["label"] is not None
    assert isinstance(record["sections"], list)
    for section in record["sections"]:
        assert set(section) == {"heading", "text"}
        assert _collapsed(section["heading"])
        assert all(_collapsed(par) for par in section["text"].split("\n\n")), section
    source = record["source"]
    assert set(source) == {"journal", "url", "doi", "published"}
    assert source["journal"] is None or _collapsed(source["journal"])
    assert source["url"] is None or _absolute(source["url"])
    assert source["doi"] is None or source["doi"].startswith("10.")
    assert source["published"] is None or ISO_DAY.match(source["published"])
    assert isinstance(record["related"], list)
    for card in record["related"]:
        assert set(card) == {"title", "url", "date", "excerpt", "excerpt_truncated"}
        assert _collapsed(card["title"]) and _absolute(card["url"])
        assert card["date"] is None or re.match(r"^\d{4}-\d{2}-\d{2}$", card["date"])
        assert card["excerpt"] is None or _collapsed(card["excerpt"])
        assert isinstance(card["excerpt_truncated"], bool)
    assert record["published"] is None or ISO_DAY.match(record["published"])
    assert isinstance(record["warnings"], list) and all(isinstance(w, str) and w for w in record["warnings"])
    assert record["parser_version"] == PARSER_VERSION
    if record["page_type"] == "listing":
        assert record["sections"] == [] and record["ratings"] == {}
        assert all(v is None for v in source.values())


def assert_clean_run(record: Any) -> None:
    """Valid, and reached without the last-resort exception guard inside parse()."""
    assert_valid_record(record)
    assert not any(w.startswith("parser error") for w in record["warnings"]), record["warnings"]


@SETTINGS
@given(st.binary(max_size=4000))
def test_arbitrary_bytes_give_a_valid_record(body: bytes) -> None:
    assert_clean_run(parse(body, URL))


@SETTINGS
@given(st.text(max_size=2000), st.sampled_from([URL, "", "not a url", "https://example.org/a#frag", "ftp://x/"]))
def test_arbitrary_text_and_urls_give_a_valid_record(body: str, url: str) -> None:
    assert_clean_run(parse(body, url))


_MUTATION = st.tuples(
    st.sampled_from(["delete", "duplicate", "insert", "truncate", "unclose"]),
    st.floats(0, 1),
    st.integers(0, 400),
    st.binary(max_size=40) | st.sampled_from([b"<div>", b"</p>", b"<table><tr><td>", b"<!--", b"<script>", b"\xff\xfe", b"&#", b"<h2>"]),
)


def _mutate(page: bytes, ops: list[tuple[str, float, int, bytes]]) -> bytes:
    for op, where, size, payload in ops:
        at = int(where * len(page))
        if op == "delete":
            page = page[:at] + page[at + size :]
        elif op == "duplicate":
            page = page[:at] + page[at : at + size] * 3 + page[at:]
        elif op == "insert":
            page = page[:at] + payload + page[at:]
        elif op == "truncate":
            page = page[:at]
        else:
            page = page.replace(b"</", b"<", 1 + size % 5)
    return page


@SETTINGS
@given(st.sampled_from(FIXTURES), st.lists(_MUTATION, min_size=1, max_size=6))
def test_mutated_fixture_pages_give_a_valid_record(page: bytes, ops: list[tuple[str, float, int, bytes]]) -> None:
    assert_clean_run(parse(_mutate(page, ops), URL))


_WORDS = st.sampled_from([
    "Credibility", "Interest", "Key Takeaway", "What They Found", "You May Also Like", "More Details",
    "Understanding MS Research", "High", "4/5", "\u2605\u2605\u2606", "12/31/2026", "Read More", "Journal: X",
    "doi:10.1/x", "  ", "text", "\u00a0", "&amp;", "Title",
])
_TAGS = st.sampled_from(["div", "p", "span", "h1", "h2", "h3", "a", "li", "ul", "table", "td", "b", "img", "meter", "dt", "section", "nav", "footer", "br", "time"])
_ATTRS = st.sampled_from([
    "", ' href="/x"', ' href="#a"', ' class="star full"', ' class="star empty"', ' style="width: 60%"',
    ' role="heading" aria-level="2"', ' aria-label="3 out of 5"', ' value="2" max="5"', ' datetime="2026-01-02"', " hidden",
    ' src="/on.png"', ' role="progressbar" aria-valuenow="3" aria-valuemax="5"',
])
_HTML = st.recursive(
    _WORDS,
    lambda inner: st.builds(lambda tag, attrs, kids: f"<{tag}{attrs}>{''.join(kids)}</{tag}>", _TAGS, _ATTRS, st.lists(inner, max_size=5)),
    max_leaves=60,
)


@SETTINGS
@given(_HTML)
def test_generated_markup_gives_a_valid_record(fragment: str) -> None:
    assert_clean_run(parse(f"<html><body>{fragment}</body></html>", URL))
