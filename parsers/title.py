"""The page's title: the heading that matches the metadata title, else the first h1, else metadata."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from lxml import etree

from parsers.headings import H_TAGS, heading_rank, is_bold, is_hidden, is_zone
from parsers.dates import only_a_date
from parsers.text import collapse, norm_label, text_of

_SEPARATOR = re.compile(r"^\s*[|\-\u2013\u2014:\u00b7\u2022]")
_HOME = re.compile(r"^(?!#)(?:(?:https?:)?//[^/?#]+)?/?(?:index\.\w+)?(?:[?#].*)?$", re.I)
_SEPARATOR_BEFORE = re.compile(r"[|\-\u2013\u2014:\u00b7\u2022]\s*$")
_SUFFIX = re.compile(r"\s+[|\-\u2013\u2014\u00b7\u2022]\s+[^|\-\u2013\u2014\u00b7\u2022]{1,60}$")


def in_chrome(el: etree._Element) -> bool:
    """Inside site chrome (nav, footer, site header) or hidden."""
    return any(is_zone(a) or is_hidden(a) for a in el.iterancestors()) or is_hidden(el)


def _matches(text: str, keys: list[str], tag_title: str) -> int:
    """1: the heading is the metadata title or <title>; 2: <title> less a ' | Site' suffix or a
    'Site: ' prefix (which may be the site's name, when another heading is the other part); 0: neither."""
    key = norm_label(text)
    if key in keys or key == tag_title:
        return 1
    return 2 if tag_title and _part_of(key, tag_title) else 0


def _links_home(el: etree._Element, text: str) -> bool:
    """The heading is a link to the site's home page: the site's name or logo, not the page's title."""
    return any(_HOME.match((a.get("href") or "x").strip()) and collapse(text_of(a)) == text for a in el.iter("a"))


def _part_of(key: str, tag_title: str) -> bool:
    """<title> is this text, or it plus a site name or a 'Summary:' prefix beyond a separator."""
    if not key:
        return False
    if tag_title.startswith(key):
        rest = tag_title[len(key):]
        return not rest or bool(_SEPARATOR.match(rest))
    return tag_title.endswith(key) and bool(_SEPARATOR_BEFORE.search(tag_title[: -len(key)]))


_TITLE_WORDS = 15
_PARTS = re.compile(r"\s+[|\-\u2013\u2014\u00b7\u2022]\s+")


def _names_part(key: str, tag_title: str) -> bool:
    """The text is a part of <title> (or that part with a subtitle: "Fish Oil and Seizures: A Second Look"
    under <title>Site - Fish Oil and Seizures</title>)."""
    return _part_of(key, tag_title) or any(
        len(part.split()) >= 2 and key.startswith(part) and key[len(part):len(part) + 1] in (":", "\u2013", "\u2014")
        for part in _PARTS.split(tag_title))


_FONT_SIZE = re.compile(r"font-size\s*:\s*(\d+(?:\.\d+)?)\s*(px|pt|em|rem)\b", re.I)
_BIG = {"px": 24.0, "pt": 18.0, "em": 1.5, "rem": 1.5}  # a title's size in office exports and site builders


def _big(el: etree._Element) -> bool:
    """Set in a title's size by inline style (<p style="font-size:36pt">): Word, OneNote, Google Sites."""
    style = el.get("style")
    m = _FONT_SIZE.search(style) if style and "font-size" in style else None
    return bool(m) and float(m.group(1)) >= _BIG[m.group(2).lower()]


def _big_line(body: etree._Element, label_kind: Callable[[str], str | None]) -> str | None:
    """With no heading and no title metadata: the first short line set big (a OneNote export's title)."""
    for el in body.iter():
        if isinstance(el.tag, str) and _big(el) and not in_chrome(el):
            text = collapse(text_of(el))
            if text and len(text.split()) <= _TITLE_WORDS and not label_kind(text) and not only_a_date(text):
                return text
    return None


def _bold_title(body: etree._Element, tag_title: str, label_kind: Callable[[str], str | None]) -> str | None:
    """With no heading at all: the longest bold line <title> (or og:title) is made of (old table
    layouts' <b><font>, a web archive's inline-styled <div style="font-weight:800">): the title,
    not the site's name beside it."""
    found = [text for el in body.iter() if isinstance(el.tag, str) and (el.tag == "font" or is_bold(el) or _big(el))
             and (text := collapse(text_of(el))) and len(text.split()) <= _TITLE_WORDS and not label_kind(text)
             and not in_chrome(el) and _names_part(norm_label(text), tag_title)]
    return max(found, key=len, default=None)


_LABEL_CHARS = 100


def _after_a_label(body: etree._Element, heading: etree._Element, label_kind: Callable[[str], str | None]) -> bool:
    """A rating or section label is written before `heading`: the summary has begun, its title is behind."""
    for el in body.iter():
        if el is heading:
            return False
        text = el.text if isinstance(el.tag, str) else None
        if text and len(text) <= _LABEL_CHARS and label_kind(collapse(text)) in ("rating", "section"):
            return True
    return False


_ARIA_HEADINGS = etree.XPath("descendant::*[@role='heading']")


def _headings(body: etree._Element, aria: bool) -> Iterator[tuple[etree._Element, int]]:
    """h1-h6 with their rank, or (aria) role=heading elements with their aria-level, in document order."""
    if not aria:
        yield from ((el, H_TAGS[el.tag]) for el in body.iter(*H_TAGS))
        return
    for el in _ARIA_HEADINGS(body):
        if el.tag not in H_TAGS and (rank := heading_rank(el)) is not None:
            yield el, rank


_LOOK_AHEAD = 20
_RATINGS_BLOCK_CHARS = 300


def _heads_ratings(heading: etree._Element, label_kind: Callable[[str], str | None]) -> bool:
    """The heading and a short block that opens with a rating's label are a box of their own: the heading
    names the ratings block (not a title over the whole summary, whose body may open with the ratings)."""
    after, box = heading.getnext(), heading.getparent()
    if after is None or not isinstance(after.tag, str) or next(after.iter(*H_TAGS), None) is not None \
            or len(text_of(after)) > _RATINGS_BLOCK_CHARS:
        return False
    if box is None or sum(isinstance(child.tag, str) for child in box) != 2:
        return False  # (a box of their own: a title followed by a rating line on the page is still the title)
    for n, el in enumerate(after.iter()):
        if n >= _LOOK_AHEAD:
            return False
        text = collapse(el.text)
        if text:
            return label_kind(text.split(":")[0]) == "rating"
    return False


def _without_subtitle(text: str, keys: list[str]) -> str:
    """'Title Subtitle' from an h1 holding a subtitle span: the part the metadata title names."""
    folded = norm_label(text)
    for key in keys:
        name = _SUFFIX.sub("", key) or key
        if len(name) < len(folded) and folded.startswith(name) and folded[len(name)] in " :\u2013\u2014-":
            return text[: len(name)].rstrip(" :\u2013\u2014-")
    return text


_SUB_HEADER_TAGS = frozenset({"div", "p"})


def _heading_text(heading: etree._Element) -> str:
    """A heading's text without a sub header set in a block of its own inside it (Semantic UI's
    <h1 class="ui header">Title<div class="sub header">Updated 10/14/2026</div></h1>)."""
    sub = next((child for child in heading if child.tag in _SUB_HEADER_TAGS), None)
    if sub is None or not (heading.text or "").strip():
        return collapse(text_of(heading))
    parts = [heading.text or ""]
    for child in heading:
        if child is sub:
            break
        parts.append(text_of(child) + (child.tail or ""))
    return collapse("".join(parts))


def find_title(
    body: etree._Element, meta: dict[str, Any], label_kind: Callable[[str], str | None]
) -> tuple[str | None, etree._Element | None]:
    """(title, element) - element None when the title came from metadata."""
    keys = [norm_label(meta[k]) for k in ("og_title", "ld_title", "twitter_title", "ld_name") if meta.get(k)]
    tag_title = norm_label(meta.get("title"))
    best: tuple[int, str, etree._Element] | None = None  # highest-ranked heading, first of its rank
    parts: list[tuple[str, etree._Element]] = []  # headings that are a part of <title>
    # ARIA headings (role=heading aria-level=1) are looked at only on pages whose h1-h6 give no h1.
    for aria in (False, True):
        if aria and best and best[0] == 1:
            break
        for el, rank in _headings(body, aria):
            text = _heading_text(el)
            if not text or label_kind(text) or in_chrome(el) or _links_home(el, text) or only_a_date(text):
                continue  # (a blog's date header over its post's title is no title)
            if rank > 1 and _heads_ratings(el, label_kind):
                continue  # "Ratings" over Credibility / Interest names that block, not the page
            match = _matches(text, keys, tag_title)
            if match == 1:
                return text, el
            if match == 2:
                parts.append((text, el))
            if best is None or rank < best[0]:
                best = (rank, text, el)
    if parts:
        # "Ginkgo and Memory | MindNotes" with <h1>MindNotes</h1> in the banner too: the site's name is
        # the shorter part.
        return max(parts, key=lambda part: len(part[0].split()))
    if best and best[0] == 1:
        return _without_subtitle(best[1], keys), best[2]
    for key in ("og_title", "ld_title", "twitter_title", "ld_name"):
        if meta.get(key):
            return _bold_title(body, norm_label(meta[key]), label_kind) or meta[key], None
    if best and not _after_a_label(body, best[2], label_kind):
        return best[1], best[2]
    # (No heading before the summary's parts: one among or after them — a table of contents', an ad's,
    # a "Latest news" box's — is not its title.)
    if tag_title and (bold := _bold_title(body, tag_title, label_kind)):
        return bold, None
    if meta.get("title"):
        return _SUFFIX.sub("", meta["title"]) or meta["title"], None
    return _big_line(body, label_kind), None
