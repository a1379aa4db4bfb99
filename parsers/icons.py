"""Ratings drawn as a row of icons (stars, dots, hearts): which are lit, told by their words or paint."""

from __future__ import annotations

import re
from collections import Counter

from lxml import etree

from parsers.text import collapse

_TOKEN = re.compile(r"[a-z0-9]+")
_CAMEL = re.compile(r"([a-z])([A-Z])")
_TOKEN_ATTRS = ("class", "src", "alt", "href", "xlink:href", "data-state")
_FILLED = frozenset({"full", "filled", "fill", "on", "active", "checked", "solid", "selected", "lit", "fas", "yes", "gold"})
_EMPTY = frozenset({"empty", "off", "outline", "outlined", "inactive", "unfilled", "o", "regular", "far", "blank", "none", "grey", "gray", "no"})
_HALF = frozenset({"half"})
# Not what tells icons apart: file words, and the "is-" of "is-lit".
# (nor a half icon's variant name: Font Awesome 5's "fa-star-half-alt", 6's "fa-star-half-stroke")
_NOT_BASE = frozenset({"svg", "png", "gif", "jpg", "webp", "img", "images", "icons", "static", "is", "has", "alt", "stroke"})
_ICON_TAGS = frozenset({"img", "i", "span", "svg", "em", "li", "div", "b", "use", "button"})
_FILL_STYLE = re.compile(r"(?:^|;)\s*fill\s*:\s*([^;]+)", re.I)
_HEX = re.compile(r"#([0-9a-f]{3}|[0-9a-f]{6})")
_RGB = re.compile(r"rgba?\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)")
_GREYS = frozenset({"white", "whitesmoke", "gainsboro", "lightgray", "lightgrey", "silver", "darkgray", "gray", "grey"})
_HOLDER_LEVELS = 3


def _tokens(el: etree._Element, data: bool = True) -> set[str]:
    """Words of an icon's class, src, alt, href and (with `data`) data attributes (a lazy image's
    data-src, a builder's data-name="Star Filled"): what says filled or empty."""
    words = " ".join(filter(None, (el.get(name) for name in _TOKEN_ATTRS if data or not name.startswith("data-"))))
    data_words = " ".join(value for name, value in el.attrib.items() if name.startswith("data-")) if data else ""
    # (camelCase split first: MUI's "MuiRating-iconFilled" says "filled")
    return set(_TOKEN.findall(_CAMEL.sub(r"\1 \2", f"{words} {data_words}").lower()))


def _class_state(tokens: set[str]) -> str:
    """'half', 'empty', 'full', or '' when the words say nothing."""
    return "half" if tokens & _HALF else "empty" if tokens & _EMPTY else "full" if tokens & _FILLED else ""


def _fill(el: etree._Element) -> str:
    """An element's own fill (style or attribute), lower-cased; '' when it sets none."""
    m = _FILL_STYLE.search(el.get("style") or "")
    return (m.group(1) if m else el.get("fill") or "").strip().lower()


def _rgb(colour: str) -> tuple[int, int, int] | None:
    """'#ccc', '#e0e0e0', 'rgb(224, 224, 224)' -> (r, g, b)."""
    if m := _HEX.fullmatch(colour):
        digits = m.group(1) if len(m.group(1)) == 6 else "".join(ch * 2 for ch in m.group(1))
        return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)
    if m := _RGB.match(colour):
        return int(m.group(1)), int(m.group(2)), int(m.group(3))
    return None


def _pale(colour: str) -> bool:
    """A light grey or white: how sites paint the unlit stars beside coloured ones."""
    rgb = _rgb(colour)
    return colour in _GREYS or (rgb is not None and max(rgb) - min(rgb) < 24 and min(rgb) >= 128)


_COLOUR_STYLE = re.compile(r"(?:^|;)\s*color\s*:\s*([^;]+)", re.I)


def count_glyph_runs(region: list[etree._Element], glyphs: str) -> tuple[int, int] | None:
    """(lit, all) of a row of star characters set in elements that differ by class or colour alone
    (<span class="on">★★★★</span><span class="off">★</span>, or each "★" coloured inline); None
    when nothing tells the lit ones from the others."""
    runs: list[tuple[int, str]] = []
    for el in region:
        text = "".join((el.text or "").split())
        if len(el) or not text or any(ch not in glyphs for ch in text):
            continue
        state = _class_state(_tokens(el, data=False))
        if not state and (m := _COLOUR_STYLE.search(el.get("style") or "")):
            colour = m.group(1).strip().lower()
            state = "pale" if _pale(colour) else "colour"
        runs.append((len(text), state))
    states = {state for _, state in runs}
    if len(runs) < 2 or len(states) < 2 or "" in states or "half" in states:
        return None
    lit = ("full",) if states & {"full", "empty"} else ("colour",)
    if not states <= {"full", "empty"} and not states <= {"colour", "pale"}:
        return None  # (words on some, colours on others: no one rule reads them)
    value = sum(n for n, state in runs if state in lit)
    return value, sum(n for n, _ in runs)


def _fill_state(svg: etree._Element) -> str:
    """An svg's state from its paint: fill="none" is an outline, a colour is lit; '' when no fill is set."""
    fill = _fill(svg)
    if not fill:
        return ""
    return "empty" if fill in ("none", "transparent") else "pale" if _pale(fill) else "full"


def _group_states(icons: list[tuple[str, str]]) -> list[str]:
    """Each icon's state, from its words when any icon has them, else from its fill; grey is unlit beside colour."""
    for pick in (0, 1):
        states = [icon[pick] for icon in icons]
        if any(states):
            pale_as = "empty" if "full" in states else "full"
            return [pale_as if s == "pale" else s for s in states]
    return []


def _icon_groups(region: list[etree._Element]) -> list[list[str]]:
    """Icons (unmarked ones too) grouped by tag and their words other than state, as lists of states."""
    icons: list[tuple[etree._Element, list[etree._Element]]] = []  # (icon, the wrappers it fills alone)
    for el in region:
        # Icon fonts draw with private-use glyphs: text without letters or digits is still an icon.
        # An svg's innards are gone by now (clean.strip_junk): it is one mark like an <img>.
        text = (el.text or "").strip()
        if el.tag not in _ICON_TAGS or len(el) or (any(ch.isalnum() for ch in text) and not (
                text.isdigit() and _class_state(_tokens(el)))):  # (Drupal's first star holds the value: "4")
            continue
        icons.append((el, [] if _class_state(_tokens(el)) else _wrappers(el)))
    # <span class="star filled"><svg/></span>: the wrapper says it. The unlit stars' wrappers, alike
    # but for the state word (<span class="star"><svg/></span>), hold their icons the same way.
    stating = {el: holder for el, wrappers in icons
               if (holder := next((w for w in wrappers if _class_state(_tokens(w))), None)) is not None}
    holder_kinds = {(h.tag, _base(h)) for h in stating.values()}
    groups: dict[tuple[str, frozenset[str]], list[tuple[str, str]]] = {}
    for el, wrappers in icons:
        holder = stating.get(el)
        if holder is None and holder_kinds:
            holder = next((w for w in wrappers if (w.tag, _base(w)) in holder_kinds), None)
        if holder is not None:
            el = holder
        tokens = _tokens(el)
        fill = _fill_state(el) if el.tag == "svg" else ""
        groups.setdefault((el.tag, _base(el)), []).append((_class_state(tokens), fill))
    return [_group_states(states) for states in groups.values()]


def _base(el: etree._Element) -> frozenset[str]:
    """An icon's words but its state, which group it with its row: a class that says the state is
    what groups them (their files may differ as they like: "star star--on" a.svg beside "star
    star--off" b.svg is one row of five), without generated names (a builder's "framer-afc07b"
    beside "framer-2738cb" is one row), nor data attributes (a test id "dot" on every icon says no more
    than the lit icons' class does)."""
    own = set(_TOKEN.findall((el.get("class") or "").lower()))
    words = own if _class_state(own) else _tokens(el, data=False)
    return frozenset(w for w in words - _FILLED - _EMPTY - _HALF - _NOT_BASE if w.isalpha())


def _wrappers(icon: etree._Element) -> list[etree._Element]:
    """Up to three wrappers the icon fills alone (no other child, no text): <div data-name="Star
    Filled"><div><svg/></div></div>."""
    found = []
    el = icon
    for _ in range(_HOLDER_LEVELS):
        parent = el.getparent()
        if parent is None or len(parent) != 1 or parent.tag not in _ICON_TAGS or collapse(parent.text) or collapse(el.tail):
            break
        found.append(parent)
        el = parent
    return found


def count_icons(region: list[etree._Element]) -> tuple[int | float, int] | None:
    """(filled, of) for the largest row of icons, classified by words (full/empty, on/off, ...) or svg fill."""
    best: tuple[float, int] | None = None  # (value, icons) of the largest marked group
    for states in _icon_groups(region):
        if len(states) < 2:
            continue
        counts = Counter(states)
        # Icons marked only one way: the unmarked ones are the other way ("star" + "star off").
        full = counts["full"] or counts[""]
        value = full + 0.5 * counts["half"]
        if best is None or len(states) > best[1]:
            best = (value, len(states))
    if best is None:
        return None
    return (int(best[0]) if float(best[0]).is_integer() else best[0]), best[1]
