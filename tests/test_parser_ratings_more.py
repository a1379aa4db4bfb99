"""Ratings whose value stands before its name (stat tiles), in a header row's columns, or in a form that was
read for Credibility and Interest but not for a rating the profile does not list."""

from __future__ import annotations

import pytest

from parsers import parse

URL = "https://example.org/summaries/x"
AFTER = "<h2>Key Takeaway</h2><p>Text one.</p><h2>What They Found</h2><p>Text two.</p>"
SECTIONS = ["Key Takeaway", "What They Found"]


def _record(block: str) -> dict:
    """The record of a page with the block under its title."""
    return parse(f"<h1>Title</h1>{block}{AFTER}", URL)


def _ratings(block: str) -> dict[str, tuple]:
    """(value, max, label) of each rating read from a page with the block under its title."""
    return {name: (r["value"], r["max"], r["label"]) for name, r in _record(block)["ratings"].items()}


THREE = {"credibility": (4, 5, None), "interest": (3, 5, None), "relevance": (2, 5, None)}


def _tiles(values: list[str], names: list[str]) -> str:
    """A grid of stat tiles, each a value over its caption."""
    tiles = "".join(f"<div class='tile'><div class='big'>{v}</div><div class='cap'>{n}</div></div>" for v, n in zip(values, names))
    return f"<div class='grid'>{tiles}</div>"


@pytest.mark.parametrize("block, expected", [
    (_tiles(["4/5", "3/5", "2/5"], ["Credibility", "Interest", "Relevance"]), THREE),
    (_tiles(["4/5", "3/5"], ["Credibility", "Interest"]), {"credibility": (4, 5, None), "interest": (3, 5, None)}),
    (_tiles(["High", "Low"], ["Credibility", "Interest"]), {"credibility": (None, None, "High"), "interest": (None, None, "Low")}),
    ("<ul><li><span>\u2605\u2605\u2605\u2605\u2606</span> <span>Credibility</span></li>"
     "<li><span>\u2605\u2605\u2605\u2606\u2606</span> <span>Interest</span></li>"
     "<li><span>\u2605\u2605\u2606\u2606\u2606</span> <span>Relevance</span></li></ul>", THREE),
], ids=["numbers-3", "numbers-2", "words", "stars-list"])
def test_a_value_set_before_its_name_in_a_tile_is_its_own(block: str, expected: dict) -> None:
    """A value written before its name in an element of its own ("4/5" over "Credibility") was read
    forward from the name, so each rating got the next tile's value and the last none."""
    assert _ratings(block) == expected


def test_a_tile_naming_its_rating_before_the_value_is_read_as_before() -> None:
    """Control: the caption over its value, in tiles."""
    tiles = "".join(f"<div><div>{n}</div><div>{v}</div></div>" for n, v in (("Credibility", "4/5"), ("Interest", "3/5")))
    assert _ratings(f"<div>{tiles}</div>") == {"credibility": (4, 5, None), "interest": (3, 5, None)}


def test_a_symbol_before_a_name_is_no_value() -> None:
    """Control: a bullet's star before the name is decoration; the value follows the name."""
    block = "<div><p><span>\u2605</span> <span>Credibility</span></p><p>4/5</p><p><span>\u2605</span> <span>Interest</span></p><p>3/5</p></div>"
    assert _ratings(block) == {"credibility": (4, 5, None), "interest": (3, 5, None)}


def _table(*rows: list[str]) -> str:
    """A table of header rows (names) each over a row of values."""
    html = ""
    for i, row in enumerate(rows):
        cell = "th" if i % 2 == 0 else "td"
        html += "<tr>" + "".join(f"<{cell}>{c}</{cell}>" for c in row) + "</tr>"
    return f"<table>{html}</table>"


STARS = {n: "\u2605" * n + "\u2606" * (5 - n) for n in range(6)}


@pytest.mark.parametrize("block, expected", [
    (_table(["Credibility", "Interest", "Relevance"], ["4/5", "3/5", "2/5"]), THREE),
    (_table(["Credibility", "Interest", "Relevance", "Novelty"], [STARS[4], STARS[3], STARS[2], STARS[5]]),
     {**THREE, "novelty": (5, 5, None)}),
    (_table(["Credibility", "Interest"], ["4/5", "3/5"], ["Relevance", "Novelty"], ["2/5", "5/5"]),
     {**THREE, "novelty": (5, 5, None)}),
], ids=["three-columns", "four-columns-stars", "two-by-two"])
def test_every_column_of_a_header_row_over_its_values_is_read(block: str, expected: dict) -> None:
    """A header row of rating names over a row of values gave only the profile's columns: a third
    column's name read forward over the whole value row, which is no rating's shape."""
    assert _ratings(block) == expected


def test_a_count_in_a_header_rows_column_is_no_rating() -> None:
    """Control: a column of participants beside the ratings is a count, not a rating."""
    block = _table(["Credibility", "Interest", "Participants"], ["4/5", "3/5", "120"])
    assert _ratings(block) == {"credibility": (4, 5, None), "interest": (3, 5, None)}


def test_a_scale_legend_after_the_named_ratings_is_no_rating() -> None:
    """Control: a page explaining the scale ("4 / 5 | Useful background") names no ratings."""
    legend = "".join(f"<tr><td>{n} / 5</td><td>{w}</td></tr>" for n, w in ((4, "Useful background"), (1, "Early science")))
    block = (f"<p>Every summary shows <strong>Credibility</strong> and <strong>Interest</strong>.</p><h2>Interest</h2>"
             f"<table><tr><th>Rating</th><th>Meaning</th></tr>{legend}</table>")
    assert "useful background" not in _ratings(block) and "early science" not in _ratings(block)


def _list(values: list[str]) -> str:
    """Credibility, Interest and Relevance in a list, each value as given."""
    names = ("Credibility", "Interest", "Relevance")
    return "<ul>" + "".join(f"<li>{n}: {v}</li>" for n, v in zip(names, values)) + "</ul>"


def _rows(values: list[str]) -> str:
    """Credibility, Interest and Relevance as rows of a label and its value's markup."""
    names = ("Credibility", "Interest", "Relevance")
    return "<div>" + "".join(f"<div><span>{n}</span> {v}</div>" for n, v in zip(names, values)) + "</div>"


def _material(on: int, half: bool = False) -> str:
    """Material icon ligatures drawing `on` stars of 5."""
    words = ["star"] * on + (["star_half"] if half else []) + ["star_border"] * (5 - on - half)
    return "<span>" + "".join(f"<span class='material-icons'>{w}</span>" for w in words) + "</span>"


@pytest.mark.parametrize("block, third", [
    (_list(["4 stars", "3 stars", "2 stars"]), (2, None, None)),
    (_rows(['<img src="a.png" alt="4 stars">', '<img src="b.png" alt="3 stars">', '<img src="c.png" alt="2 stars">']),
     (2, None, None)),
    (_rows(['<div data-rating="4"></div>', '<div data-rating="3"></div>', '<div data-rating="2"></div>']), (2, None, None)),
    (_list(["B+", "A", "C"]), (None, None, "C")),
    (_list(["Average", "Above average", "Below average"]), (None, None, "Below average")),
    (_rows(['<img src="h.svg" alt="High">', '<img src="l.svg" alt="Low">', '<img src="m.svg" alt="Moderate">']),
     (None, None, "Moderate")),
    (_rows([f"<span aria-hidden='true'>{STARS[n]}</span><span class='visually-hidden'>{n} out of 5</span>" for n in (4, 3, 2)]),
     (2, 5, None)),
    (_rows([_material(3, half=True), _material(4), _material(1)]), (1, 5, None)),
    (_rows([f"<button type='button' title='How we rate'>\u24d8</button> <span>{n}/5</span>" for n in (4, 3, 2)]), (2, 5, None)),
], ids=["n-stars", "img-alt-n-stars", "data-rating", "letter-grade", "average", "img-alt-word", "sr-only",
        "material-icons", "tooltip"])
def test_a_third_rating_is_read_as_the_named_ones_are(block: str, third: tuple) -> None:
    """A rating the profile does not list was read under stricter rules than Credibility and Interest,
    so a value written the way theirs was ("2 stars", alt="2 stars", a grade, "Average") was dropped."""
    assert _ratings(block)["relevance"] == third


@pytest.mark.parametrize("value", ["Cohort study of adults", "120", "A", "12 weeks", "4/2/2026"])
def test_what_no_named_rating_looks_like_is_no_third_rating(value: str) -> None:
    """Control: prose, a count, a lone letter, a duration or a date after another name is no rating
    beside ratings written as "4/5"."""
    block = f"<ul><li>Credibility: 4/5</li><li>Interest: 3/5</li><li>Design: {value}</li></ul>"
    assert _ratings(block) == {"credibility": (4, 5, None), "interest": (3, 5, None)}


def test_a_third_rating_in_bare_numbers_is_no_section() -> None:
    """A <dl> of bare numbers (Credibility 8, Interest 6) lost its third rating ("Relevance" 7), which
    became a section."""
    record = _record("<dl><dt>Credibility</dt><dd>8</dd><dt>Interest</dt><dd>6</dd><dt>Relevance</dt><dd>7</dd></dl>")
    assert record["ratings"]["relevance"]["value"] == 7
    assert [s["heading"] for s in record["sections"]] == SECTIONS


def test_a_count_beside_bare_number_ratings_is_no_rating() -> None:
    """Control: a number past the bare ratings' scale beside them is a count."""
    block = "<dl><dt>Credibility</dt><dd>8</dd><dt>Interest</dt><dd>6</dd><dt>Participants</dt><dd>45</dd></dl>"
    assert _ratings(block) == {"credibility": (8, None, None), "interest": (6, None, None)}


def test_a_third_rating_under_a_heading_with_screen_reader_text_is_no_section() -> None:
    """<h3> names over stars with "Rating: 2 out of 5" for screen readers: the third was too long to be
    rating-shaped, so "Relevance" became a section."""
    rows = "".join(f"<div><h3>{n}</h3><div><span aria-hidden='true'>{STARS[v]}</span><p class='sr-only'>Rating: {v} out of 5</p></div></div>"
                   for n, v in (("Credibility", 4), ("Interest", 3), ("Relevance", 2)))
    record = _record(f"<div>{rows}</div>")
    assert {k: (r["value"], r["max"]) for k, r in record["ratings"].items()} == {k: v[:2] for k, v in THREE.items()}
    assert [s["heading"] for s in record["sections"]] == SECTIONS


def test_a_mobile_line_over_a_desktop_list_makes_no_section() -> None:
    """The ratings as a mobile line and again as a desktop <dl>: the <dl>'s "Relevance" became a section."""
    block = ("<div class='d-md-none'><p>Credibility \u2605\u2605\u2605\u2605\u2606 \u00b7 Interest \u2605\u2605\u2605\u2606\u2606"
             " \u00b7 Relevance \u2605\u2605\u2606\u2606\u2606</p></div><div class='d-none d-md-block'><dl><dt>Credibility</dt>"
             "<dd>4 out of 5</dd><dt>Interest</dt><dd>3 out of 5</dd><dt>Relevance</dt><dd>2 out of 5</dd></dl></div>")
    record = _record(block)
    assert {k: (r["value"], r["max"]) for k, r in record["ratings"].items()} == {k: v[:2] for k, v in THREE.items()}
    assert [s["heading"] for s in record["sections"]] == SECTIONS


def test_a_short_section_named_like_no_rating_stays() -> None:
    """Control: a short section whose heading names no rating is kept."""
    record = _record("<ul><li>Credibility: 4/5</li><li>Interest: 3/5</li></ul><h2>Funding</h2><p>None declared.</p>")
    assert "Funding" in [s["heading"] for s in record["sections"]]


def test_a_number_off_the_named_ratings_scale_is_no_third_rating() -> None:
    """A fact tile beside rating tiles (data-value="12" over "Weeks", the named ratings out of 5) had become a
    rating 'weeks' 12; a count written as a fraction ("Completed: 58/64") is no rating either."""
    tiles = ('<div><div data-rating="4" data-max="5"><span>Credibility</span></div><div><span>Interest</span> '
             '<span>High</span></div><div data-count="1204"><span>Participants</span></div>'
             '<div data-value="12"><span>Weeks</span></div></div>')
    assert sorted(parse(f"<h1>T</h1>{tiles}{AFTER}", URL)["ratings"]) == ["credibility", "interest"]
    counted = "<p>Credibility: 4/5</p><p>Interest: High</p><p>Completed: 58/64</p>"
    assert sorted(parse(f"<h1>T</h1>{counted}{AFTER}", URL)["ratings"]) == ["credibility", "interest"]
    # (control) a third rating on a scale of its own is read
    drawn = counted.replace("Completed: 58/64", "Relevance: 7/10")
    assert parse(f"<h1>T</h1>{drawn}{AFTER}", URL)["ratings"]["relevance"]["value"] == 7
