"""Ratings the profile does not list written beside the named ones (on their line, in their sentence, in
the next row), and values written with a half sign."""

from __future__ import annotations

import pytest

from parsers import parse

URL = "https://example.org/summaries/x"
AFTER = "<h2>Key Takeaway</h2><p>Text one.</p><h2>What They Found</h2><p>Text two.</p>"


def _ratings(block: str) -> dict[str, tuple]:
    """(value, max, label) of each rating read from a page with the block under its title."""
    record = parse(f"<h1>Title</h1>{block}{AFTER}", URL)
    return {name: (r["value"], r["max"], r["label"]) for name, r in record["ratings"].items()}


THREE = {"credibility": (4, 5, None), "interest": (3, 5, None), "relevance": (2, 5, None)}


@pytest.mark.parametrize("line", [
    "<p>Credibility 4/5 \u00b7 Interest 3/5 \u00b7 Relevance 2/5</p>",
    "<p>Credibility: 4/5 | Interest: 3/5 | Relevance: 2/5</p>",
    "<p>Credibility: 4/5<br>Interest: 3/5<br>Relevance: 2/5</p>",
    "<div><span>Credibility: 4/5</span> <span>Interest: 3/5</span> <span>Relevance: 2/5</span></div>",
    "<p><span>Credibility</span> <b>4/5</b> <span>Interest</span> <b>3/5</b> <span>Relevance</span> <b>2/5</b></p>",
], ids=["middle-dots", "pipes", "br-lines", "meta-spans", "label-spans"])
def test_a_third_rating_on_the_line_of_the_named_ones_is_read(line: str) -> None:
    """A third rating written on the same line as Credibility and Interest was dropped: the line is one
    label whose value only the profile's names split, and the lines after a <br> were never looked at."""
    assert _ratings(line) == THREE


def test_ratings_one_to_a_line_are_read_as_before() -> None:
    """Control: one rating to an element, the third after the named ones."""
    assert _ratings("<ul><li>Credibility: 4/5</li><li>Interest: 3/5</li><li>Relevance: 2/5</li></ul>") == THREE


def test_what_follows_a_value_on_its_line_names_no_rating_unless_it_is_one() -> None:
    """Control: a date, a journal, prose and a level word after a value name no other rating."""
    line = ("<p>Credibility: 4/5 in 3 of 5 trials \u00b7 Interest: 3/5 Very high \u00b7 Published: 4/2/2026"
            " \u00b7 Journal: Brain</p>")
    assert _ratings(line) == {"credibility": (4, 5, None), "interest": (3, 5, None)}


def test_a_rating_sentence_naming_a_third_rating_keeps_credibility() -> None:
    """ "We rate this study's credibility 3 out of 5 and its relevance 4 out of 5." lost Credibility: with
    the third name in it the value looked like prose."""
    sentence = "<p>We rate this study's credibility 3 out of 5 and its relevance 4 out of 5.</p><p>Interest: High</p>"
    assert _ratings(sentence) == {"credibility": (3, 5, None), "relevance": (4, 5, None), "interest": (None, None, "High")}


def test_a_rating_sentence_naming_both_profile_ratings_is_read_as_before() -> None:
    """Control: the sentence form with the profile's two names."""
    sentence = "<p>We rate this study's credibility 3 out of 5 and its interest 4 out of 5.</p>"
    assert _ratings(sentence) == {"credibility": (3, 5, None), "interest": (4, 5, None)}


@pytest.mark.parametrize("value", ["3\u00bd out of 5", "3\u00bd/5"], ids=["out-of", "slash"])
def test_a_half_written_as_one_character_is_read(value: str) -> None:
    """ "3½ out of 5" and "3½/5" were unreadable."""
    assert _ratings(f"<ul><li>Credibility: {value}</li><li>Interest: 4/5</li></ul>")["credibility"][:2] == (3.5, 5)


def test_every_rating_unreadable_is_warned_as_unreadable() -> None:
    """With no rating readable the warning said "no ratings" though both labels are on the page."""
    block = "<ul><li>Credibility: 80 percent</li><li>Interest: 60 percent</li></ul>"
    record = parse(f"<h1>Title</h1>{block}{AFTER}", URL)
    assert record["ratings"] == {}
    assert [w for w in record["warnings"] if "rating" in w] == ["unreadable credibility rating", "unreadable interest rating"]


def test_a_page_without_rating_labels_still_has_no_ratings() -> None:
    """Control: no label, no value: "no ratings"."""
    assert "no ratings" in parse(f"<h1>Title</h1><p>Nothing rated here.</p>{AFTER}", URL)["warnings"]


def _icons(on: int) -> str:
    """Five Font Awesome stars, `on` of them filled."""
    return '<i class="fa fa-star"></i>' * on + '<i class="fa fa-star-o"></i>' * (5 - on)


def test_the_row_after_a_rating_naming_another_without_a_colon_keeps_its_icons() -> None:
    """A third row's label with no colon did not end the row before, which counted both rows' icons
    (Interest 7/10)."""
    rows = f"<div><p>Credibility {_icons(4)}</p><p>Interest {_icons(2)}</p><p>Relevance {_icons(3)}</p></div>"
    assert _ratings(rows) == {"credibility": (4, 5, None), "interest": (2, 5, None), "relevance": (3, 5, None)}


def test_two_rows_of_icons_are_read_as_before() -> None:
    """Control: the profile's two rows alone."""
    rows = f"<div><p>Credibility {_icons(4)}</p><p>Interest {_icons(2)}</p></div>"
    assert _ratings(rows) == {"credibility": (4, 5, None), "interest": (2, 5, None)}


@pytest.mark.parametrize(("third", "key"), [
    ("<li>Real-world Relevance: 2/5</li>", "real-world relevance"),
    ("<li>\U0001f3af Relevance: 2/5</li>", "relevance"),
    ("<li>Relevance \u2014 2/5</li>", "relevance"),
], ids=["hyphen", "emoji", "dash"])
def test_a_third_rating_named_with_a_hyphen_an_emoji_or_a_dash_is_read(third: str, key: str) -> None:
    """A third rating's name with a hyphen, an emoji before it or a dash after it was not taken for a name."""
    ratings = _ratings(f"<ul><li>Credibility: 4/5</li><li>Interest: 3/5</li>{third}</ul>")
    assert ratings == {"credibility": (4, 5, None), "interest": (3, 5, None), key: (2, 5, None)}


@pytest.mark.parametrize("line", ["<p>Credibility 4/5 \u00b7 Interest High</p>", "<p>Credibility 4/5 | Interest Very high</p>",
                                  "<p>Credibility 4 stars \u00b7 Interest 3 stars</p>"])
def test_the_named_ratings_on_one_line_without_colons_are_both_read(line: str) -> None:
    """"Credibility 4/5 · Interest High" had lost Interest (a name was told inside a value only before a colon
    or a value written as a number of a scale)."""
    assert sorted(_ratings(line)) == ["credibility", "interest"]
