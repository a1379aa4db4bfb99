"""Ratings found by their visible label and read from whatever draws the value next to it."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from lxml import etree

from parsers.headings import H_TAGS
from parsers.labels import LabelHit
from parsers.text import collapse, text_of

Rating = dict[str, Any]
_NUM = r"(\d+(?:[.,]\d+)?)"
_OF = re.compile(rf"{_NUM}\s*(?:/|out\s+of|of)\s*{_NUM}", re.I)
_UNIT = re.compile(rf"{_NUM}\s*(?:stars?|points?|pts)\b", re.I)
_BARE = re.compile(rf"^\s*{_NUM}\s*$")
_WIDTH = re.compile(r"(?:^|;)\s*width\s*:\s*(\d+(?:\.\d+)?)\s*%", re.I)
_STAR_FULL = "\u2605\u2b50\u272a\u272b\u272c\u272d\u272e\u272f\u25cf\u25c9\u2b24\u25a0\u25c6\u2764\u2665"
_STAR_EMPTY = "\u2606\u2729\u2730\u25cb\u25ef\u25a1\u25c7\u2661"
_STARS = re.compile(rf"[{_STAR_FULL}{_STAR_EMPTY}](?:\s*[{_STAR_FULL}{_STAR_EMPTY}\u00bd])*")
_ATTRS = ("aria-label", "title", "alt", "aria-valuetext", "data-rating", "data-value", "data-score", "data-stars", "content")
_MAX_ATTRS = ("data-max", "data-out-of", "data-scale", "data-max-rating", "data-total", "aria-valuemax", "max")
_TOKEN = re.compile(r"[a-z0-9]+")
_FILLED = frozenset({"full", "filled", "fill", "on", "active", "checked", "solid", "selected", "lit", "fas", "yes", "gold"})
_EMPTY = frozenset({"empty", "off", "outline", "outlined", "inactive", "unfilled", "o", "regular", "far", "blank", "none", "grey", "gray", "no"})
_HALF = frozenset({"half"})
_ICON_TAGS = frozenset({"img", "i", "span", "svg", "em", "li", "div", "b", "use"})
_REGION_CAP = 40
_WORD_MAX = 4
_AREA_CAP = 300
_STOP_TAGS = frozenset({*H_TAGS, "dt", "th"})


def _num(text: str) -> int | float:
    """'4' -> 4, '4.5' / '4,5' -> 4.5."""
    value = float(text.replace(",", "."))
    return int(value) if value.is_integer() else value


def _rating(value: Any, max_: Any, label: str | None, raw: str) -> Rating:
    """One rating in the record's shape."""
    return {"value": value, "max": max_, "label": label, "raw": raw}


def _strong(text: str) -> Rating | None:
    """'4 out of 5', '4/5', '4 of 5' anywhere in the text."""
    m = _OF.search(text)
    if m and float(m.group(2).replace(",", ".")) > 0:
        return _rating(_num(m.group(1)), _num(m.group(2)), None, collapse(text))
    return None


def _weak(text: str) -> tuple[int | float, str] | None:
    """'4 stars' or a bare number."""
    m = _UNIT.search(text) or _BARE.match(text)
    return (_num(m.group(1)), collapse(text)) if m else None


def _attr_max(el: etree._Element) -> int | float | None:
    """The scale an element states (data-max, aria-valuemax, max)."""
    for name in _MAX_ATTRS:
        value = (el.get(name) or "").strip()
        if _BARE.match(value):
            return _num(value)
    return None


def _explicit(el: etree._Element) -> Rating | None:
    """<meter>, role=progressbar with aria-value*, or an attribute saying '4 out of 5'."""
    if el.tag == "meter" or el.get("aria-valuenow") is not None:
        now = (el.get("value") if el.tag == "meter" else el.get("aria-valuenow")) or ""
        if _BARE.match(now):
            top = el.get("max") if el.tag == "meter" else el.get("aria-valuemax")
            top_num = _num(top) if top and _BARE.match(top) else (1 if el.tag == "meter" else None)
            raw = f"{collapse(now)}/{collapse(top)}" if top else collapse(now)
            return _rating(_num(now), top_num, None, raw)
    for name in _ATTRS:
        value = el.get(name)
        if value and (found := _strong(value)):
            return found
    return None


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
    run = "".join(m.group(0).split())
    full = sum(ch in _STAR_FULL for ch in run)
    half = run.count("\u00bd")
    if len(run) < 2 and not full:
        return None
    value = full + 0.5 * half
    return _rating(_num(str(value)), len(run) - half, None, run)


def _tokens(el: etree._Element) -> set[str]:
    """Words of an icon's class, src, alt: what says filled or empty."""
    words = " ".join(filter(None, (el.get("class"), el.get("src"), el.get("alt"), el.get("href"), el.get("data-state"))))
    return set(_TOKEN.findall(words.lower()))


def _icons(region: list[etree._Element]) -> Rating | None:
    """Counts of filled vs empty icons, classified by src/class/alt words (full/empty, on/off, ...)."""
    groups: dict[tuple[str, frozenset[str]], list[str]] = {}
    for el in region:
        # Icon fonts draw with private-use glyphs: text without letters or digits is still an icon.
        if el.tag not in _ICON_TAGS or len(el) or any(ch.isalnum() for ch in (el.text or "")):
            continue
        tokens = _tokens(el)
        if not tokens:
            continue
        state = "half" if tokens & _HALF else "empty" if tokens & _EMPTY else "full" if tokens & _FILLED else ""
        base = frozenset(tokens - _FILLED - _EMPTY - _HALF - {"svg", "png", "gif", "jpg", "webp", "img", "images", "icons", "static"})
        groups.setdefault((el.tag, base), []).append(state)
    best: tuple[float, int] | None = None  # (value, icons) of the largest marked group
    for states in groups.values():
        counts = Counter(states)
        if len(states) < 2 or not (counts["full"] or counts["empty"] or counts["half"]):
            continue
        # Icons marked only one way: the unmarked ones are the other way ("star" + "star off").
        full = counts["full"] or counts[""]
        value = full + 0.5 * counts["half"]
        if best is None or len(states) > best[1]:
            best = (value, len(states))
    if best is None:
        return None
    value = _num(str(best[0]))
    return _rating(value, best[1], None, f"{value} of {best[1]} icons filled")


def _width(region: list[etree._Element], scale: int | float) -> Rating | None:
    """A bar drawn with style="width: 80%" -> 80% of the scale."""
    found = None
    for el in region:
        style = el.get("style")
        if not style or collapse(text_of(el)):
            continue
        m = _WIDTH.search(style)
        if m and float(m.group(1)) <= 100:
            found = m  # the innermost / last bar is the fill, outer ones are tracks
    if found is None:
        return None
    pct = float(found.group(1))
    return _rating(_num(str(round(pct * scale / 100, 2))), _num(str(scale)), None, f"width: {found.group(1)}%")


def _region(hit: LabelHit, order: list[etree._Element], index: dict[Any, int], stops: set[Any]) -> list[etree._Element]:
    """Elements after the label in document order, up to the next label or heading."""
    start = index.get(hit.el)
    if start is None:
        return []
    # A label in an element's tail comes after that element's own content: skip it, don't read it.
    inside = set(hit.el.iter())
    region: list[etree._Element] = [] if hit.in_tail else [hit.el]
    for el in order[start + 1 : start + 1 + _REGION_CAP * 3]:
        if el in inside:
            if not hit.in_tail:
                region.append(el)
            continue
        if el in stops or el.tag in _STOP_TAGS or el.get("role") == "heading":
            break
        region.append(el)
        if len(region) >= _REGION_CAP:
            break
    return region


def _region_text(hit: LabelHit, region: list[etree._Element]) -> str:
    """Visible text of the region in reading order, starting after the label."""
    texts = [hit.rest]
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
            texts.append(el.tail or "")
    return collapse(" ".join(texts))


def _holders(hit: LabelHit, region: list[etree._Element], others: set[Any]) -> list[etree._Element]:
    """The region plus up to two wrappers of the label that hold no other label (data-rating on a wrapper)."""
    holders = list(region)
    for anc in list(hit.el.iterancestors())[:2]:
        if any(el in others for el in anc.iter()):
            break
        holders.append(anc)
    return holders


def read_rating(
    hit: LabelHit, region: list[etree._Element], scale: int | float, others: set[Any] = frozenset(), drawn_only: bool = False
) -> Rating | None:
    """The first reading that works, strongest evidence first; None when nothing draws a value."""
    holders = _holders(hit, region, others)
    for el in holders:
        if found := _explicit(el):
            return found
    text = _region_text(hit, region)
    if found := _strong(text):
        return found
    if found := _star_chars(text):
        return found
    if found := _icons(region):
        return found
    if found := _width(region, scale):
        return found
    if drawn_only:
        return None
    for el in holders:
        if found := _weak_attr(el):
            return found
    if weak := _weak(text):
        return _rating(weak[0], None, None, weak[1])
    words = text.split()
    if 0 < len(words) <= _WORD_MAX and not any(ch.isdigit() for ch in text) and any(ch.isalpha() for ch in text):
        return _rating(None, None, text, text)
    return None


def _read_near_first(
    hit: LabelHit, region: list[etree._Element], scale: int | float, others: set[Any], drawn_only: bool = False
) -> tuple[Rating | None, list[etree._Element]]:
    """Read within the label's own wrapper first (so a neighbour's stars never win), then further on."""
    parent = hit.el.getparent()
    if parent is not None and parent.tag not in ("body", "html", "main", "article", "section"):
        inside = set(parent.iter())
        local = [el for el in region if el in inside]
        if len(local) < len(region):
            found = read_rating(hit, local, scale, others, drawn_only)
            if found:
                return found, local
    return read_rating(hit, region, scale, others, drawn_only), region


def extract_ratings(
    body: etree._Element, hits: list[LabelHit], scale: int | float, skip: set[Any]
) -> tuple[dict[str, Rating], list[str]]:
    """Ratings keyed by lower-cased name, and the rating names whose label showed but no value."""
    order = [el for el in body.iter() if isinstance(el.tag, str)]
    index = {el: i for i, el in enumerate(order)}
    stops = {h.el for h in hits}
    ratings: dict[str, Rating] = {}
    unread: list[str] = []
    read_hits: list[LabelHit] = []
    claimed: set[Any] = set()
    for hit in hits:
        if hit.kind != "rating":
            continue
        key = hit.label.casefold()
        if key in ratings or any(a in skip for a in hit.el.iterancestors()):
            continue
        region = _region(hit, order, index, stops - {hit.el})
        found, region = _read_near_first(hit, region, scale, stops - {hit.el})
        if found:
            ratings[key] = found
            read_hits.append(hit)
            claimed.update(region)
            claimed.update(hit.el.iterancestors())
            if key in unread:
                unread.remove(key)
        elif key not in unread:
            unread.append(key)
    if read_hits:
        ratings.update(_unlisted(read_hits, order, index, stops, claimed, scale, ratings))
    return ratings, unread


def _lowest_common_ancestor(elements: list[etree._Element]) -> etree._Element | None:
    """The innermost element holding all of `elements` (for one element: its grandparent)."""
    chains = [[el, *el.iterancestors()] for el in elements]
    common = set(chains[0]).intersection(*chains[1:]) if len(chains) > 1 else set(chains[0][2:3])
    return next((a for a in chains[0] if a in common), None)


def _unlisted(
    read_hits: list[LabelHit], order: list[etree._Element], index: dict[Any, int], stops: set[Any],
    claimed: set[Any], scale: int | float, known: dict[str, Rating],
) -> dict[str, Rating]:
    """Ratings the profile does not name but the page draws beside the named ones ("Relevance ★★★☆☆")."""
    area = _lowest_common_ancestor([h.el for h in read_hits])
    if area is None or area.tag in ("body", "html"):
        return {}
    members = [el for el in area.iter() if isinstance(el.tag, str)]
    if len(members) > _AREA_CAP:
        return {}
    found: dict[str, Rating] = {}
    for el in members:
        text = collapse(el.text)
        name = text.rstrip(":").strip()
        if el in claimed or not name or len(name) > 30 or not all(w.isalpha() for w in name.split()) or len(name.split()) > 3:
            continue
        if name.casefold() in known or name.casefold() in found:
            continue
        hit = LabelHit(el, "rating", name, "")
        region = _region(hit, order, index, stops)
        if any(r in claimed for r in region[1:]):
            continue
        reading, region = _read_near_first(hit, region, scale, stops, drawn_only=True)
        if reading:
            found[name.casefold()] = reading
            claimed.update(region)
    return found
