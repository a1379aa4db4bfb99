"""The parser against the test site's own truth: every markup and rating style the site renders."""

from __future__ import annotations

import pytest

from parsers import parse
from tests.fixtures.site import Site
from tests.test_parser_props import assert_valid_record

SITE = Site(pages=90, seed=5)
BASE = "http://127.0.0.1:8000"
CARD_KEYS = ("title", "url", "date", "excerpt", "excerpt_truncated")


@pytest.mark.parametrize("epoch", [1, 2])
def test_summary_pages_match_the_site_truth(epoch: int) -> None:
    paths = SITE.summary_paths(epoch)
    assert len(paths) >= 50
    styles: set[str] = set()
    markups: set[str] = set()
    for path in paths:
        status, headers, body = SITE.render(path, epoch)
        assert status == 200
        record = parse(body, BASE + path, headers)
        truth = SITE.expected(path, epoch)
        assert_valid_record(record)
        assert record["page_type"] == "summary", path
        assert record["url"] == truth["url"]
        assert record["title"] == truth["title"], path
        assert {s["heading"]: s["text"] for s in record["sections"]} == truth["sections"], path
        got = {k: {f: r[f] for f in ("value", "max", "label")} for k, r in record["ratings"].items()}
        assert got == truth["ratings"], (path, truth["rating_styles"])
        assert [{k: c[k] for k in CARD_KEYS} for c in record["related"]] == truth["related"], path
        assert record["source"] == truth["source"], path
        assert record["published"] == truth["published"], path
        styles.update(truth["rating_styles"].values())
        markups.add(truth["markup"])
    assert len(markups) >= 3 and len(styles) >= 6  # the check covered the variety, not one template


def test_listing_pages_match_the_site_truth() -> None:
    for path in ("/summaries/", "/summaries/page/2/"):
        status, headers, body = SITE.render(path, 1)
        record = parse(body, BASE + path, headers)
        truth = SITE.expected(path, 1)
        assert record["page_type"] == "listing"
        assert record["title"] == truth["title"]
        assert [{k: c[k] for k in CARD_KEYS} for c in record["related"]] == truth["related"]
