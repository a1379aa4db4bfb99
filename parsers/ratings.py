"""Ratings found by their visible label and read from whatever draws the value next to it."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from itertools import islice
from typing import Any, NamedTuple

from lxml import etree

from parsers.headings import H_TAGS, is_hidden, is_zone
from parsers.icons import count_glyph_runs, count_icons
from parsers.labels import OF_WORDS, LabelHit, undecorated
from parsers.text import collapse, norm_label, text_of

Rating = dict[str, Any]
_NUM = r"(\d+(?:[.,]\d+|\u00bd)?)"  # (and a half written as one character: "3½")
_UNIT_WORDS = r"(?:stars?|points?|pts)\b"
# Never a piece of a date: "11/2/2024" holds no "11/2", nor does "3/3/" (its year set apart). A slash
# after a value written with words is its translation's: "4 out of 5 / 4 sur 5".
_OF = re.compile(rf"(?<![\d/.,]){_NUM}\s*(?:{_UNIT_WORDS}\s*)?(?:(?P<slash>[/\u2044\u2215\uff0f])|(?:{OF_WORDS})(?!\w))"
                 rf"\s*{_NUM}(?!\d)(?(slash)(?!\s*/\s*\d|/))(?:\s*{_UNIT_WORDS})?", re.I)
_UNIT = re.compile(rf"{_NUM}\s*{_UNIT_WORDS}", re.I)
_BARE = re.compile(rf"^\s*{_NUM}\s*$")
# "80%" at the start of the value ("(80%)" too): the page states a number out of 100.
_PERCENT = re.compile(rf"^[\s(\[]*({_NUM}\s*%)(?![\w%])")
_GAUGES = ("meter", "progress")
_DATE = re.compile(r"\d{1,4}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{2,4}")
_MAX_SCALE = 100
_WIDTH = re.compile(r"(?:^|;)\s*width\s*:\s*(\d+(?:\.\d+)?)\s*%", re.I)
_STAR_FULL = "\u2605\u2b50\u272a\u272b\u272c\u272d\u272e\u272f\u25cf\u25c9\u2b24\u25a0\u25c6\u2764\u2665"
_STAR_EMPTY = "\u2606\u2729\u2730\u25cb\u25ef\u25a1\u25c7\u2661\U0001f90d"  # (... and 🤍 beside ❤)
_LONE_STAR_NUMBER = re.compile(rf"^[^\d]{{0,3}}{_NUM}\s*(?:[{_STAR_FULL}]\s*)?$")  # "\u2605 4.5", "4.5 \u2605"
_STAR_HALF = "\u00bd\u2be8\u2be9\u2bea\u2beb"  # ½, and Unicode's half-black stars (⯨⯩⯪⯫): each a star's place
# (U+FE0F, the emoji presentation selector keyboards put after ⭐ and ❤, belongs to the glyph before it)
_STARS = re.compile(rf"[{_STAR_FULL}{_STAR_EMPTY}]\ufe0f?(?:\s*[{_STAR_FULL}{_STAR_EMPTY}{_STAR_HALF}]\ufe0f?)*")
_SHAPE_TOKEN = re.compile(r"[^\W\d_]+(?:_[^\W\d_]+)*|\d+(?:[.,]\d+)?|\S")  # ("star_border": one word)
_SCALE_WORDS = frozenset({"rated", "rating", "score", "out", "of", "star", "stars", "point", "points", "pts"})
_LEVEL_WORDS = frozenset({"low", "moderate", "medium", "high", "strong", "weak", "limited", "good", "fair", "poor", "excellent",
                          "average"})
_LEVEL_MODIFIERS = frozenset({"very", "above", "below"})
_MARKS = frozenset("/:()[]|%-\u2013\u2014\u2139" + _STAR_HALF + _STAR_FULL + _STAR_EMPTY)
_SHAPE_WORDS = _SCALE_WORDS | _LEVEL_WORDS | _MARKS | _LEVEL_MODIFIERS
_SHAPE_MAX = 8
_LEADING_LEVEL = re.compile(rf"^(?:very\s+)?(?:{'|'.join(sorted(_LEVEL_WORDS))})\b(?=\s+[A-Z])", re.I)
# ("value" counts beside a stated max: <study-rating value="4" max="5">, a web component's attributes.)
_ATTRS = ("aria-label", "title", "alt", "aria-valuetext", "data-rating", "data-value", "data-score", "data-stars", "content",
          "value")
_MAX_ATTRS = ("data-max", "data-out-of", "data-scale", "data-max-rating", "data-total", "aria-valuemax", "max")
_REGION_CAP = 40
_FILLER_NAMES = frozenset({"level", "score", "rating", "grade", "rank", "ranking"})
_NONE: Mapping[Any, str] = {}
_WORD_MAX = 4
_AREA_CAP = 300
_STOP_TAGS = frozenset({*H_TAGS, "dt", "th"})
_CONTROLS = frozenset({"button", "select"})  # zones to the page, but a star widget's own parts
_CELLS = ("th", "td")
_LISTS = ("dl", "ul", "ol", "table")
_ROW_PARTS = frozenset({"tr", "thead", "tbody", "tfoot"})
_BELOW, _BEFORE = "below", "before"


class _Named(NamedTuple):
    """The named ratings' readings, and where their values stood (`_BELOW`, `_BEFORE`; '' after the label)."""

    readings: list[Rating]
    layouts: frozenset[str]


def _num(text: str) -> int | float:
    """'4' -> 4, '4.5' / '4,5' / '4\u00bd' -> 4.5."""
    value = float(text.replace(",", ".").replace("\u00bd", ".5"))
    return int(value) if value.is_integer() else value


def _rating(value: Any, max_: Any, label: str | None, raw: str) -> Rating:
    """One rating in the record's shape."""
    return {"value": value, "max": max_, "label": label, "raw": raw}


def _strong(text: str) -> Rating | None:
    """'4 out of 5', '4/5', '4 of 5 stars' in the text, or 'Four out of five' opening it; raw ends where
    that phrase ends (with the bracket it opened: '(4/5)')."""
    for m in _OF.finditer(text):
        value, top = _num(m.group(1)), _num(m.group(3))
        if 0 < top <= _MAX_SCALE and value <= top:
            return _rating(value, top, None, _raw_to(text, m.end()))
    if (m := _WORDED_OF.match(text)) and (value := _NUMBER_WORDS[m[1].casefold()]) <= (top := _NUMBER_WORDS[m[2].casefold()]):
        return _rating(value, top, None, _raw_to(text, m.end()))
    return None


_NUMBER_WORDS = {word: n for n, word in enumerate(
    ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"))}
_NUMBER_WORD = "|".join(_NUMBER_WORDS)
# A value in words opening the value's text ("Four out of five", "three of five stars"); prose that
# only mentions numbers ("one of two groups") does not open a rating's value.
_WORDED_OF = re.compile(rf"^[\s(\[]*({_NUMBER_WORD})\s+(?:{_UNIT_WORDS}\s+)?(?:out\s+of|of)\s+({_NUMBER_WORD})\b"
                        rf"(?:\s*{_UNIT_WORDS})?", re.I)


def _raw_to(text: str, end: int) -> str:
    """The text up to `end`, and the bracket closing one it opened ("(4/5)", not "(4/5")."""
    raw = text[:end]
    for opening, closing in ("()", "[]"):
        if raw.count(opening) > raw.count(closing) and text[end:].lstrip().startswith(closing):
            raw = text[: text.index(closing, end) + 1]
    return collapse(raw)


def _percent(text: str, whole: bool = False) -> Rating | None:
    """'80%' (or '80 %') leading the text, or all of it when `whole` -> 80 of 100; raw is the percentage."""
    m = _PERCENT.match(text)
    if not m or _num(m.group(2)) > 100 or (whole and text[m.end() :].strip()):
        return None
    return _rating(_num(m.group(2)), 100, None, collapse(m.group(1)))


def _weak(text: str) -> tuple[int | float, str] | None:
    """'4 stars' or a bare number."""
    m = _UNIT.search(text) or _BARE.match(text)
    return (_num(m.group(1)), collapse(text)) if m else None


def _rating_shaped(text: str) -> bool:
    """The whole text reads as a rating ('4/5', '4 out of 5', '3 of 5 stars', '★★★☆☆', 'Very high') or is empty."""
    # A row of stars is one token, however long; a symbol (an "\u24d8" tooltip's) says nothing.
    tokens = _SHAPE_TOKEN.findall(_STARS.sub("\u2605", text.casefold()))
    if len(tokens) > _SHAPE_MAX or _DATE.search(text) or sum(t[0].isdigit() for t in tokens) > 2:
        return False
    return all(t[0].isdigit() or t in _SHAPE_WORDS or t in _LIGATURE_STARS
               or (len(t) == 1 and unicodedata.category(t) == "So")
               for t in tokens)


def _level_word(text: str) -> bool:
    """A word rating from the usual scales: 'High', 'Very low', 'Moderate'."""
    words = text.casefold().split()
    return 0 < len(words) <= 2 and words[-1] in _LEVEL_WORDS and all(w in _LEVEL_WORDS | _LEVEL_MODIFIERS for w in words)


def _attr_max(el: etree._Element) -> int | float | None:
    """The scale an element states (data-max, aria-valuemax, max)."""
    for name in _MAX_ATTRS:
        value = (el.get(name) or "").strip()
        if _BARE.match(value):
            return _num(value)
    return None


def _meter(el: etree._Element) -> Rating | None:
    """<meter value max>, <progress value max>, or an element with aria-valuenow (and aria-valuemax)."""
    gauge = el.tag in _GAUGES
    now = (el.get("value") if gauge else el.get("aria-valuenow")) or ""
    if not _BARE.match(now):
        return None  # a <progress> without a value is indeterminate: no reading
    top = el.get("max") if gauge else el.get("aria-valuemax")
    top_num = _num(top) if top and _BARE.match(top) else (1 if gauge else None)
    raw = f"{collapse(now)}/{collapse(top)}" if top else collapse(now)
    return _rating(_num(now), top_num, None, raw)


def _stated(el: etree._Element, strict: bool) -> Rating | None:
    """An attribute saying '4 out of 5', or a bare number beside a stated scale (data-rating="4" data-max="5")."""
    for name in _ATTRS:
        value = el.get(name)
        if not value or (strict and not _rating_shaped(value := collapse(value))):
            continue
        if found := _strong(value) or _percent(value, whole=True):
            return found
        if _BARE.match(value) and (top := _attr_max(el)) is not None and 0 <= _num(value) <= top:
            return _rating(_num(value), top, None, collapse(value))
    return None


def _explicit(el: etree._Element, strict: bool = False) -> Rating | None:
    """<meter>, <progress>, role=progressbar with aria-value*, or an attribute stating value and scale."""
    if el.tag in _GAUGES or el.get("aria-valuenow") is not None:
        if found := _meter(el):
            return found
    return _stated(el, strict)


def _weak_attr(el: etree._Element) -> Rating | None:
    """data-rating="4" (with data-max) or aria-label="4 stars"."""
    for name in _ATTRS:
        value = el.get(name)
        if value and (found := _weak(value)):
            return _rating(found[0], _attr_max(el), None, found[1])
    return None


def _star_chars(text: str) -> Rating | None:
    """★★★★☆ -> 4 of 5."""
    m = _STARS.search(text)
    if not m:
        return None
    run = "".join(m.group(0).replace("\ufe0f", "").split())
    full = sum(ch in _STAR_FULL for ch in run)
    half = sum(ch in _STAR_HALF for ch in run)
    if len(run) < 2 and not full:
        return None
    if len(run) == 1 and (number := _LONE_STAR_NUMBER.search(text)):
        # "\u2605 4.5": one star as a symbol beside the number it rates, not a drawing of one star.
        return _rating(_num(number.group(1)), None, None, collapse(text))
    value = full + 0.5 * half
    return _rating(_num(str(value)), len(run), None, run)  # (a half star stands in a star's place: ★★★½☆ is of 5)


# Icon fonts that draw a star from a word (Material's ligatures: <mat-icon>star</mat-icon>, "star_half",
# "star_border"): what a reader sees is the star, the page's text is the word.
_LIGATURE_STARS = {"star": 1.0, "grade": 1.0, "star_rate": 1.0, "star_half": 0.5, "star_border": 0.0, "star_outline": 0.0}


def _ligature_stars(text: str) -> Rating | None:
    """"star star star star_half star_border" -> 3.5 of 5."""
    words = text.split()
    if len(words) < 2 or not all(w in _LIGATURE_STARS for w in words):
        return None
    return _rating(_num(str(sum(_LIGATURE_STARS[w] for w in words))), len(words), None, " ".join(words))


def _icons(region: list[etree._Element]) -> Rating | None:
    """A row of icons, as "4 of 5 icons filled" (raw describes what was counted: icons have no text)."""
    counted = count_icons(region)
    if counted is None:
        return None
    value, of = counted
    return _rating(value, of, None, f"{value} of {of} icons filled")


def _width(region: list[etree._Element], scale: int | float) -> Rating | None:
    """A bar drawn with style="width: 80%" -> 80% of the scale."""
    found = None
    for el in region:
        style = el.get("style")
        if not style or el.tag in ("svg", "img") or collapse(text_of(el)) or next(el.iter("svg", "img"), None) is not None:
            continue  # (an icon, or a box sized to hold one, at width:100% is no bar)
        m = _WIDTH.search(style)
        if m and float(m.group(1)) <= 100:
            found = m  # the innermost / last bar is the fill, outer ones are tracks
    if found is None:
        return _pixel_width(region, scale)
    pct = float(found.group(1))
    return _rating(_num(str(round(pct * scale / 100, 2))), _num(str(scale)), None, f"width: {found.group(1)}%")


def _pixel_width(region: list[etree._Element], scale: int | float) -> Rating | None:
    """A bar drawn in pixels, its fill inside its track (width:80px in width:100px) -> that share of the scale."""
    for el in region:
        parent = el.getparent()
        if parent is None or len(el) or el.tag in ("img", "svg", "i", "input") or collapse(text_of(el)):
            continue  # (an icon sized in pixels is no bar)
        fill, track = _PX_WIDTH.search(el.get("style") or ""), _PX_WIDTH.search(parent.get("style") or "")
        if fill and track and 0 < float(track.group(1)) and float(fill.group(1)) <= float(track.group(1)):
            share = float(fill.group(1)) / float(track.group(1))
            return _rating(_num(str(round(share * scale, 2))), _num(str(scale)), None,
                           f"width: {fill.group(1)}px of {track.group(1)}px")
    return None


_PX_WIDTH = re.compile(r"(?:^|[;\s])width\s*:\s*(\d+(?:\.\d+)?)\s*px", re.I)
_WRAPPER_TAGS = frozenset({"font", "span", "b", "strong", "em", "i", "u", "label"})


def _clipped_stars(region: list[etree._Element]) -> Rating | None:
    """Filled stars cut to a width over a row of empty ones (<span style="width:80%">★★★★★</span>):
    that share of the row."""
    for el in region:
        style = el.get("style")
        if not style or not (m := _WIDTH.search(style)) or float(m.group(1)) > 100:
            continue
        run = "".join(collapse(text_of(el)).split())
        if len(run) >= 2 and _STARS.fullmatch(run) and all(ch in _STAR_FULL for ch in run):
            value = round(float(m.group(1)) * len(run) / 100 * 2) / 2  # to the half star a row can show
            return _rating(_num(str(value)), len(run), None, f"{run} at width: {m.group(1)}%")
    return None


def _clipped_image(region: list[etree._Element], scale: int | float) -> Rating | None:
    """A picture of full stars cut to a width over its twin of empty ones (two layers, each one image:
    <div><img empty></div><div style="width:80%"><img full></div>): that share of the scale. Not a
    row of stars each drawn so (a half star's fill): those are counted as icons."""
    found = []
    for el in region:
        style = el.get("style")
        if not style or not (m := _WIDTH.search(style)) or float(m.group(1)) > 100 or el.tag in ("img", "svg"):
            continue
        parent = el.getparent()
        layers = [child for child in parent if isinstance(child.tag, str)] if parent is not None else []
        if len(layers) == 2 and all(_one_picture(layer) for layer in layers):
            found.append(m.group(1))
    if len(found) != 1 or sum(1 for el in region if el.tag in ("img", "svg")) != 2:
        return None  # (a row of stars, one of them cut: counted as icons)
    value = round(float(found[0]) * scale / 100, 2)
    return _rating(_num(str(value)), _num(str(scale)), None, f"stars image at width: {found[0]}%")


def _one_picture(el: etree._Element) -> bool:
    """One image or SVG, alone, with no text."""
    pictures = [p for p in el.iter("img", "svg")]
    return len(pictures) == 1 and not collapse(text_of(el))


def _region(hit: LabelHit, order: list[etree._Element], index: dict[Any, int], stops: set[Any],
            tail_stops: Mapping[Any, str] = _NONE) -> list[etree._Element]:
    """Elements after the label in document order, up to the next label or heading (even one inside the
    label's); an element whose tail holds the next label (`tail_stops`) is the last, its tail unread."""
    start = index.get(hit.el)
    if start is None:
        return []
    # A label in an element's tail comes after that element's own content: skip it, don't read it.
    inside = set(hit.el.iter())
    region: list[etree._Element] = [] if hit.in_tail else [hit.el]
    for el in order[start + 1 : start + 1 + _REGION_CAP * 3]:
        if el in stops or el.tag in _STOP_TAGS or el.get("role") == "heading" or (
                el.tag not in _CONTROLS and el not in inside and is_zone(el)):
            if el in tail_stops and not (hit.in_tail and el in inside):
                region.append(el)  # "<strong>High</strong> Interest: ...": its own text comes before the next label
            break  # (a <nav> after the value, a table of contents, holds none of it)
        if el in inside and hit.in_tail:
            continue
        if el not in inside and (_names_another(el, hit.label) or _next_named_row(hit, el)):
            break  # "Relevance: 3/5" after "Interest: <span>High</span>"
        region.append(el)
        if len(region) >= _REGION_CAP:
            break
    return region


def _region_text(hit: LabelHit, region: list[etree._Element], cut_tails: Mapping[Any, str] = _NONE) -> str:
    """Visible text of the region in reading order, starting after the label; of the tail of an element
    holding the next label (`cut_tails`), only what comes before that label ("/5 · Interest: ")."""
    texts = [hit.rest, *_wrapper_tails(hit)]
    members = set(region)
    pending: list[etree._Element] = []
    for el in region:
        while pending and pending[-1] not in set(el.iterancestors()):
            texts.append(pending.pop().tail or "")
        if el is not hit.el:
            texts.append(el.text or "")
        pending.append(el)
    while pending:
        el = pending.pop()
        if el in members:
            texts.append(cut_tails[el] if el in cut_tails else el.tail or "")
    return collapse(" ".join(texts)).lstrip(":|-\u2013\u2014 ")  # "<b>Interest</b>: High"


def _wrapper_tails(hit: LabelHit) -> list[str]:
    """What follows the inline elements that wrap only the label (<font><b>Interest</b></font>: High)."""
    tails: list[str] = []
    node = hit.el
    while not hit.in_tail and not (node.tail or "").strip() and (parent := node.getparent()) is not None \
            and parent.tag in _WRAPPER_TAGS and len(parent) == 1 and not (parent.text or "").strip():
        if parent.tail and parent.tail.strip():
            tails.append(parent.tail)
            break
        node = parent
    return tails


def _holders(hit: LabelHit, region: list[etree._Element], others: set[Any]) -> list[etree._Element]:
    """The region plus up to two wrappers of the label that hold no other label (data-rating on a wrapper)."""
    holders = list(region)
    for anc in list(hit.el.iterancestors())[:2]:
        if any(el in others for el in anc.iter()):
            break
        holders.append(anc)
    return holders


def _drawn(text: str, region: list[etree._Element], scale: int | float) -> Rating | None:
    """A value written as a number pair or a percentage, or drawn (star characters, icons, a bar)."""
    if found := _strong(text) or _percent(text) or _ligature_stars(text):
        return found
    if clipped := _clipped_stars(region) or _clipped_image(region, scale):
        return clipped
    chars = _star_chars(text)
    if chars and chars["value"] == chars["max"]:
        # Five "★" coloured by class (star filled / star empty): the classes say how many are lit.
        icons = _icons(region)
        if icons and icons["max"] == chars["max"] and icons["value"] < icons["max"]:
            return icons
        runs = count_glyph_runs(region, _STAR_FULL)
        if runs and runs[1] == chars["max"] and runs[0] < runs[1]:
            return _rating(runs[0], runs[1], None, chars["raw"])
    return chars or _icons(region) or _width(region, scale)


def _loose(hit: LabelHit, holders: list[etree._Element], text: str) -> Rating | None:
    """Weaker evidence for a named rating: a bare number or '4 stars', else a few words ('High')."""
    for el in holders:
        if found := _weak_attr(el):
            return found
    if weak := _weak(text):
        return _rating(weak[0], None, None, weak[1])
    if not text:  # a word drawn as an image (<img alt="High">) or said to screen readers only
        text = next((collapse(el.get("alt")) for el in holders if el.tag == "img" and el is not hit.el and el.get("alt")), "")
    text = text.rstrip(".;,!")  # "Interest: High."
    if len({w.casefold() for w in text.split()} & _LEVEL_WORDS) > 1:
        return None  # "High Medium Low": the scale's legend, not a value
    if m := _LEADING_LEVEL.match(text):
        text = m.group(0)  # "High Tags Headache": the value, then the next property's name and value
    words = text.split()
    if 0 < len(words) <= _WORD_MAX and not any(ch.isdigit() for ch in text) and any(ch.isalpha() for ch in text):
        return _rating(None, None, text, text)
    return None


def _attribute_word(hit: LabelHit, holders: list[etree._Element]) -> tuple[str, str] | None:
    """(word, attribute) for a level word in an aria-label or title of the label's region or wrappers
    ("High", "Interest: High")."""
    for el in holders:
        for name in ("aria-label", "title"):
            value = collapse(el.get(name))
            word = value[len(hit.label):].lstrip(":|-\u2013\u2014 ") if norm_label(value).startswith(
                norm_label(hit.label)) else value
            word = word.rstrip(".")
            if _level_word(word):
                return word, value
    return None


def read_rating(
    hit: LabelHit, region: list[etree._Element], scale: int | float, others: set[Any] = frozenset(), strict: bool = False,
    cut_tails: Mapping[Any, str] = _NONE,
) -> Rating | None:
    """The first reading that works, strongest evidence first; `strict` takes only rating-shaped values."""
    text = _region_text(hit, region, cut_tails)
    if strict and not _rating_shaped(text):
        return None  # prose or a date follows: whatever else is drawn there, this is no rating
    holders = _holders(hit, region, others)
    if found := _chosen_option(region):
        return found
    for i, el in enumerate(holders):
        if found := _explicit(el, strict):
            # A legend ("5 out of 5: large trials ... 1 out of 5: lab studies") states several values;
            # a star widget labels each of its stars ("Rating 1 of 5", "Rating 2 of 5" ...): its icons say.
            values = [found["value"], *(other["value"] for rest in holders[i + 1:] if (other := _explicit(rest, strict)))]
            if values == list(range(1, len(values) + 1)) and len(values) > 2:
                break
            if any(value != found["value"] for value in values):
                return None
            return found
    # The drawing's own name for screen readers (<div role="img" aria-label="High"> around lit bars):
    # the word the page states, beside the number its icons draw.
    said = _attribute_word(hit, holders) if not text else None
    if found := _drawn(text, region, scale):
        return {**found, "label": said[0]} if said else found
    if said:
        return _rating(None, None, said[0], said[1])
    if strict:
        return _strict_loose(holders, text)
    return _loose(hit, holders, text)


def _strict_loose(holders: list[etree._Element], text: str) -> Rating | None:
    """Weaker evidence an unlisted name may have: '2 stars' (written, or an attribute's: alt="2 stars"),
    a data-rating number with no scale, a level word (written, or an image's alt: <img alt="Moderate">)."""
    for el in holders:
        for name in _ATTRS:
            value = collapse(el.get(name))
            if value and _rating_shaped(value) and (
                    (m := _UNIT.search(value)) or (name.startswith("data-") and (m := _BARE.match(value)))):
                return _rating(_num(m.group(1)), _attr_max(el), None, value)
    if m := _UNIT.search(text):
        return _rating(_num(m.group(1)), None, None, text)
    if not text:
        text = next((collapse(el.get("alt")) for el in holders if el.tag == "img" and el.get("alt")), "")
    text = text.rstrip(".;,!")
    return _rating(None, None, text, text) if _level_word(text) else None


_OPTIONS_MIN = 3


def _is_option(el: etree._Element) -> bool:
    """One choice of a group: a radio input, or an element with role=radio (a star a widget lets you pick)."""
    return (el.tag == "input" and (el.get("type") or "").lower() == "radio") or (el.get("role") or "").lower() == "radio"


def _chosen_option(region: list[etree._Element]) -> Rating | None:
    """A rating drawn as a group of options, one chosen (Chakra's and Mantine's rating, daisyUI's radio
    stars, a plain star form): the chosen one's place among them (halves when each is a half star)."""
    options = [el for el in region if _is_option(el) and "hidden" not in (el.get("class") or "")]
    chosen = [i for i, el in enumerate(options, 1)
              if el.get("checked") is not None or (el.get("aria-checked") or "").lower() == "true"]
    if len(options) < _OPTIONS_MIN or not chosen or (len(chosen) > 1 and chosen != list(range(1, len(chosen) + 1))):
        return None  # (a "Was this helpful? Yes / No" pair is no scale)
    # One chosen, or every star up to the value (Ant Design's rate), the next one perhaps half lit.
    if all(_half(el) for el in options):  # each option a half star (daisyUI's rating-half)
        value, top = chosen[-1] / 2, len(options) // 2
    else:
        value, top = chosen[-1] + (0.5 if chosen[-1] < len(options) and _half(options[chosen[-1]]) else 0), len(options)
    return _rating(_num(str(value)), top, None, f"option {chosen[-1]} of {len(options)} chosen")


def _half(option: etree._Element) -> bool:
    """The option, or the star holding it, is marked as a half ("mask-half-1", "ant-rate-star-half")."""
    parent = option.getparent()
    return "half" in (option.get("class") or "") or (parent is not None and "half" in (parent.get("class") or ""))


def _read_rest(hit: LabelHit) -> Rating | None:
    """A value written in the label's own text ("Interest 3/5", "Interest: High."): nearest of all, so
    nothing after it is read."""
    if found := _strong(hit.rest) or _star_chars(hit.rest):
        return found
    word = hit.rest.strip().rstrip(".;,!")
    return _rating(None, None, word, word) if _level_word(word) else None


def _read_near_first(
    hit: LabelHit, region: list[etree._Element], scale: int | float, others: set[Any], strict: bool = False,
    cut_tails: Mapping[Any, str] = _NONE,
) -> tuple[Rating | None, list[etree._Element]]:
    """Read the label's own text, then within its wrapper (so a neighbour's stars never win), then further on."""
    if found := _read_rest(hit):
        return found, [] if hit.in_tail else [hit.el]
    parent = hit.el.getparent()
    if parent is not None and parent.tag not in ("body", "html", "main", "article", "section"):
        inside = set(parent.iter())
        local = [el for el in region if el in inside]
        if len(local) < len(region):
            found = read_rating(hit, local, scale, others, strict, cut_tails)
            if found:
                return found, local
    return read_rating(hit, region, scale, others, strict, cut_tails), region


def extract_ratings(
    body: etree._Element, hits: list[LabelHit], scale: int | float, skip: set[Any]
) -> tuple[dict[str, Rating], list[str]]:
    """Ratings keyed by lower-cased name, and the rating names whose label showed but no value."""
    order = [el for el in body.iter() if isinstance(el.tag, str)]
    index = {el: i for i, el in enumerate(order)}
    stops = {h.el for h in hits}
    # Elements whose tail holds a label and whose own text none: their text (and their tail up to the
    # label) is the value before it.
    own_text = {h.el for h in hits if not h.in_tail}
    tail_stops = {h.el: h.before for h in hits if h.in_tail and h.el not in own_text}
    ratings: dict[str, Rating] = {}
    unread: list[str] = []
    read_hits: list[LabelHit] = []
    layouts: set[str] = set()  # where the named ratings' values were found: below them, before them
    claimed: set[Any] = set()  # elements a value was read from
    label_cells = {cell for h in hits if h.kind == "rating" and (cell := _cell_of(h.el)) is not None}
    legend = _legend_hits(hits)
    # A copy of the ratings box hidden on the page (an old one, the other layout's) gives way to a shown one.
    hidden = {id(h) for h in hits if h.kind == "rating" and any(is_hidden(a) for a in (h.el, *h.el.iterancestors()))}
    shown = {h.label.casefold() for h in hits if h.kind == "rating" and id(h) not in hidden}
    for hit in hits:
        if hit.kind != "rating" or id(hit) in legend or (id(hit) in hidden and hit.label.casefold() in shown):
            continue
        key = hit.label.casefold()
        if key in ratings or any(a in skip for a in hit.el.iterancestors()):
            continue
        column = _column_below(hit, label_cells)
        layout = _BELOW if column is not None else ""
        if column is None and (pictured := _captioned(hit)) is not None:
            column = pictured  # (the value, an image, comes before its caption)
        if column is not None:
            found, region = read_rating(hit, column, scale, stops - {hit.el}), column
        elif before := _read_before(hit, scale, stops - {hit.el}):
            (found, region), layout = before, _BEFORE
        else:
            region = _region(hit, order, index, stops - {hit.el}, tail_stops)
            found, region = _read_near_first(hit, region, scale, stops - {hit.el}, cut_tails=tail_stops)
        if found:
            ratings[key] = found
            layouts.add(layout)
            read_hits.append(hit)
            claimed.update(_value_part(hit, region, found, scale, stops - {hit.el}))
            if key in unread:
                unread.remove(key)
        elif key not in unread:
            unread.append(key)
    if read_hits:
        taken = {*ratings, *(norm_label(h.label) for h in hits if h.kind != "rating")}
        ratings.update(_unlisted(read_hits, order, index, stops, claimed, scale, taken, label_cells,
                                 _Named(list(ratings.values()), frozenset(layouts))))
    return ratings, unread


def _legend_hits(hits: list[LabelHit]) -> set[int]:
    """Label hits of one rating in one list or table, each with a different value of its own: the scale's
    legend ("Credibility: 5 out of 5 - large trials", "Credibility: 1 out of 5 - case reports")."""
    groups: dict[tuple[str, Any], list[tuple[LabelHit, Any]]] = {}
    for hit in hits:
        if hit.kind != "rating" or not (reading := _read_rest(hit)):
            continue
        holder = next((a for a in hit.el.iterancestors() if a.tag in _LISTS), None)
        if holder is not None:
            groups.setdefault((hit.label.casefold(), holder), []).append((hit, reading["value"] or reading["label"]))
    return {id(hit) for group in groups.values() if len({value for _, value in group}) > 1 for hit, _ in group}


def _cell_of(el: etree._Element) -> etree._Element | None:
    """The table cell the element is (or sits in, a level or two down)."""
    return next((node for node in (el, *list(el.iterancestors())[:2]) if node.tag in _CELLS), None)


def _next_row(row: etree._Element) -> etree._Element | None:
    """The table row after this one, also across a <thead>/<tbody> boundary."""
    following = row.getnext()
    while following is not None and following.tag != "tr":
        following = following.getnext()
    if following is not None:
        return following
    group = row.getparent()
    if group is None or group.tag not in ("thead", "tbody", "tfoot"):
        return None
    nxt = group.getnext()
    while nxt is not None and nxt.tag not in ("tbody", "tfoot", "tr"):
        nxt = nxt.getnext()
    if nxt is None:
        return None
    return nxt if nxt.tag == "tr" else next((r for r in nxt if r.tag == "tr"), None)


def _column_below(hit: LabelHit, label_cells: set[Any]) -> list[etree._Element] | None:
    """A header row naming the ratings (Credibility | Interest) over a row of values: the cell below
    the label, not everything after it (which would read both columns as one)."""
    cell = _cell_of(hit.el)
    row = cell.getparent() if cell is not None else None
    if row is None or row.tag != "tr" or hit.rest or hit.in_tail:
        return None
    cells = [c for c in row if c.tag in _CELLS]
    if len(cells) < 2 or (sum(c in label_cells for c in cells) < 2 and any(c.tag != "th" for c in cells)):
        return None
    below = _next_row(row)
    values = [c for c in below if c.tag in _CELLS] if below is not None else []
    column = cells.index(cell)
    if column >= len(values):
        return None
    return [el for el in values[column].iter() if isinstance(el.tag, str)]


def _captioned(hit: LabelHit) -> list[etree._Element] | None:
    """A label that captions a figure (<figure><img alt="3 out of 5 stars"><figcaption>Credibility</figcaption>):
    the figure's other elements, the caption below or above them."""
    if hit.rest or hit.in_tail:
        return None
    caption = next((el for _, el in zip(range(3), hit.el.iterancestors()) if el.tag == "figcaption"),
                   hit.el if hit.el.tag == "figcaption" else None)
    figure = caption.getparent() if caption is not None else None
    if figure is None or figure.tag != "figure":
        return None
    inside = set(caption.iter())
    return [el for el in figure.iter() if isinstance(el.tag, str) and el is not figure and el not in inside] or None


def _tile_before(hit: LabelHit, others: set[Any]) -> list[etree._Element] | None:
    """A label closing a tile of its own, its value set above or before it (<div>4/5</div><div>Credibility</div>,
    <li><span>★★★★☆</span> <span>Credibility</span></li>): the tile's elements before the label."""
    if hit.rest or hit.in_tail:
        return None
    node = hit.el
    for _ in range(2):
        parent = node.getparent()
        if parent is None or (node.tail or "").strip() or any(isinstance(sib.tag, str) for sib in node.itersiblings()):
            return None  # (something follows the label in its tile: the label opens its value)
        tile = list(islice((el for el in parent.iter() if isinstance(el.tag, str)), _REGION_CAP + 1))
        if len(tile) > _REGION_CAP or (parent.text or "").strip() or any(el in others for el in tile):
            return None  # (a row holding other labels: the value before is theirs)
        inside = set(node.iter())
        if before := [el for el in tile[1:] if el not in inside]:
            return before
        node = parent
    return None


def _read_before(hit: LabelHit, scale: int | float, others: set[Any]) -> tuple[Rating, list[etree._Element]] | None:
    """The value of a tile standing before its caption, read as strictly as an unlisted rating's; a lone
    symbol before a label (a bullet's star, 1 of 1) is decoration."""
    tile = _tile_before(hit, others)
    if not tile:
        return None
    found = read_rating(LabelHit(hit.el, hit.kind, hit.label, ""), tile, scale, others, strict=True)
    return (found, tile) if found and found["max"] != 1 else None


def _value_part(
    hit: LabelHit, region: list[etree._Element], found: Rating, scale: int | float, others: set[Any]
) -> list[etree._Element]:
    """The region up to the first name-like element already past the value: what follows may be another rating."""
    for i, el in enumerate(region[1:], 1):
        if _extra_name(el) and read_rating(hit, region[:i], scale, others) == found:
            return region[:i]
    return region


def _lowest_common_ancestor(elements: list[etree._Element]) -> etree._Element | None:
    """The innermost element holding all of `elements` (for one element: its grandparent)."""
    chains = [[el, *el.iterancestors()] for el in elements]
    common = set(chains[0]).intersection(*chains[1:]) if len(chains) > 1 else set(chains[0][2:3])
    return next((a for a in chains[0] if a in common), None)


def _rating_rows(area: etree._Element, read_hits: list[LabelHit]) -> list[etree._Element]:
    """The elements of the blocks of <body> that hold the named ratings, and of the block on either side
    (lines set straight in <body>: "<p>Credibility: 4/5</p><p>Interest: High</p><p>Relevance: 3/5</p>"; up to
    three more below); the whole page would be too wide an area to look for ratings in."""
    blocks = [el for el in area if isinstance(el.tag, str)]
    at = {el: i for i, el in enumerate(blocks)}
    held = [at[top] for h in read_hits if (top := next((a for a in (h.el, *h.el.iterancestors()) if a in at), None)) is not None]
    if not held:
        return []
    return [el for block in blocks[max(0, min(held) - 1):max(held) + 4] for el in block.iter() if isinstance(el.tag, str)]


def _extra_name(el: etree._Element) -> str:
    """The element's own text, or what comes before its colon ("Relevance: 3/5"), when it could name a
    rating: up to three words of letters."""
    return _rating_name(_name_and_value(el)[0])


def _rating_name(name: str) -> str:
    """The name when it could name a rating: up to three words of letters (joined by hyphens:
    "Real-world Relevance"), else ''."""
    words = name.split()
    return name if 0 < len(words) <= 3 and len(name) <= 30 and all(_HYPHENS.sub("", w).isalpha() for w in words) \
        and not any(w.startswith("-") or w.endswith("-") for w in words) else ""


def _names_another(el: etree._Element, label: str) -> bool:
    """Text that opens with another name and a colon ("Relevance:", "Journal:"), not a scale's word ("Rating:")."""
    return bool(_NAME_END.search(el.text or "")) and _another_name(_extra_name(el), label)


def _next_named_row(hit: LabelHit, el: etree._Element) -> bool:
    """A row like the label's that names another rating ("<p>Relevance <i/>...</p>" after "<p>Interest
    <i/>...</p>"): the label's row holds its value, so the value ends where the next row begins."""
    return not hit.in_tail and len(hit.el) > 0 and len(el) > 0 and el.tag == hit.el.tag \
        and el.getparent() is hit.el.getparent() and _another_name(_extra_name(el), hit.label)


def _another_name(name: str, label: str) -> bool:
    """A name other than the label's, neither a value's word ("High") nor a scale's ("Rating")."""
    return bool(name) and not _level_word(name) and not {w.casefold() for w in name.split()} & _SCALE_WORDS \
        and norm_label(name) != norm_label(label)


def _name_and_value(el: etree._Element) -> tuple[str, str]:
    """("Relevance", "3/5") for "Relevance: 3/5", "\U0001f3af Relevance \u2014 3/5"; (text, "") when the text
    has no colon or dash."""
    return _split_name(collapse(el.text))


def _split_name(text: str) -> tuple[str, str]:
    """A text's name (its decoration left out) and what follows its colon or dash; (text, "") without one."""
    text = undecorated(text)
    m = _NAME_END.search(text)
    return (text[: m.start()].strip(), text[m.end():].strip()) if m else (text, "")


_NAME_END = re.compile(r"\s*[:\uff1a]\s*|\s+[\u2013\u2014-]+\s+")
_HYPHENS = re.compile(r"[\-\u2010\u2011]")


def _unlisted(
    read_hits: list[LabelHit], order: list[etree._Element], index: dict[Any, int], stops: set[Any],
    claimed: set[Any], scale: int | float, taken: set[str], label_cells: set[Any], named: _Named,
) -> dict[str, Rating]:
    """Ratings drawn beside the named ones ("Relevance ★★★☆☆"); never another part's label, never prose or a date."""
    area = _lowest_common_ancestor([h.el for h in read_hits])
    if area is not None and area.tag in _ROW_PARTS:
        area = next(area.iterancestors("table"), area)  # (a header row's values, and further rows of names, are the table's)
    if area is None:
        return {}
    members = _rating_rows(area, read_hits) if area.tag in ("body", "html") else \
        [el for el in area.iter() if isinstance(el.tag, str)]
    if len(members) > _AREA_CAP:
        return {}
    labels_and_wrappers = stops | {a for h in read_hits for a in h.el.iterancestors()}
    # (and the pieces of a label split over spans: "<span>Cred</span><span>ibility</span>" names no "ibility")
    labels_and_wrappers |= {d for h in read_hits for d in h.el.iterdescendants()}
    found: dict[str, Rating] = {}
    for el in members:
        if el not in stops and (tail := _tail_rating(el)) and norm_label(tail[0]) not in taken | found.keys() \
                | _FILLER_NAMES and _on_named_scale(tail[1], named.readings):
            found[tail[0].casefold()] = tail[1]  # ("...<br>Relevance: 2/5": a line of its own after a <br>)
        name = _extra_name(el)
        if not name or el in claimed or el in labels_and_wrappers or norm_label(name) in taken | found.keys() \
                or norm_label(name) in _FILLER_NAMES:
            continue  # ("Interest <span>level: High</span>": "level" is the rating's word, not another's name)
        hit = LabelHit(el, "rating", name, _name_and_value(el)[1])
        reading, region = _unlisted_reading(hit, order, index, stops, label_cells, scale, named.layouts)
        reading = reading or _like_named(_region_text(hit, region), named.readings)
        if reading and not any(r in claimed for r in region[1:]) and _on_named_scale(reading, named.readings):
            found[name.casefold()] = reading
            claimed.update(region)
    return found


def _unlisted_reading(
    hit: LabelHit, order: list[etree._Element], index: dict[Any, int], stops: set[Any], label_cells: set[Any],
    scale: int | float, layouts: frozenset[str],
) -> tuple[Rating | None, list[etree._Element]]:
    """An unlisted name's value, read strictly where the named ones' were: the cell below it, the tile's
    value before it, else what follows (a scale's legend, "4/5 | Useful background", is no rating)."""
    column = _column_below(hit, label_cells | {_cell_of(hit.el)}) if _BELOW in layouts else None
    if column is not None:
        return read_rating(hit, column, scale, stops, strict=True), column
    return (_read_before(hit, scale, stops) if _BEFORE in layouts else None) or \
        _read_near_first(hit, _region(hit, order, index, stops), scale, stops, strict=True)


def _on_named_scale(reading: Rating, named: list[Rating]) -> bool:
    """An unlisted name's number is on a rating's scale (a word always is): within the named ratings' when it
    states none ("Weeks 12" beside 4/5 is a fact), else a scale of ten or less, of 100, or theirs ("Completed:
    58/64" is a count)."""
    if reading["value"] is None:
        return True
    maxes = {r["max"] for r in named if r["max"]}
    if reading["max"] is None:
        return not maxes or reading["value"] <= max(maxes)
    return reading["max"] in maxes or reading["max"] <= 10 or reading["max"] == 100


_GRADE = re.compile(r"^[A-F][+\-\u2212]?$")
_SCALES = (5, 10, 100)


def _like_named(text: str, named: list[Rating]) -> Rating | None:
    """A letter grade ('C') or a bare number ('7') as an unlisted name's value, only when the named ratings
    are written so too (and the number within their scale): on its own a bare number may be a count."""
    if _GRADE.match(text) and any(_GRADE.match(r["label"] or "") for r in named):
        return _rating(None, None, text, text)
    bare = [r["value"] for r in named if r["max"] is None and _BARE.match(r["raw"] or "")]
    if not bare or not (m := _BARE.match(text)):
        return None
    top = next((top for top in _SCALES if top >= max(bare)), None)
    return _rating(_num(m.group(1)), None, None, collapse(text)) if top is not None and _num(m.group(1)) <= top else None


def _tail_rating(el: etree._Element) -> tuple[str, Rating] | None:
    """(name, rating) for the text after an element that names a rating and gives all of its value
    ("Relevance: 2/5" after a <br>)."""
    name, value = _split_name(collapse(el.tail))
    if not value or not _another_name(_rating_name(name), "") or not _rating_shaped(value):
        return None
    reading = _read_rest(LabelHit(el, "rating", name, value, in_tail=True))
    return (name, reading) if reading else None
