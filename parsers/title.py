"""The page's title: the heading that matches the metadata title, else the first h1, else metadata."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from lxml import etree

from parsers.headings import H_TAGS, is_hidden, is_zone
from parsers.text import collapse, norm_label, text_of

_SEPARATOR = re.compile(r"^\s*[|\-\u2013\u2014:\u00b7\u2022]")
_SUFFIX = re.compile(r"\s+[|\-\u2013\u2014\u00b7\u2022]\s+[^|\-\u2013\u2014\u00b7\u2022]{1,60}$")


def in_chrome(el: etree._Element) -> bool:
    """Inside site chrome (nav, footer, site header) or hidden."""
    return any(is_zone(a) or is_hidden(a) for a in el.iterancestors()) or is_hidden(el)


def _matches(text: str, keys: list[str], tag_title: str) -> bool:
    """The heading is the metadata title, or <title> minus a ' | Site' suffix."""
    key = norm_label(text)
    if key in keys:
        return True
    return bool(tag_title and tag_title.startswith(key) and _SEPARATOR.match(tag_title[len(key):]))


def find_title(
    body: etree._Element, meta: dict[str, Any], label_kind: Callable[[str], str | None]
) -> tuple[str | None, etree._Element | None]:
    """(title, element) - element None when the title came from metadata."""
    keys = [norm_label(meta[k]) for k in ("og_title", "ld_title", "twitter_title", "ld_name") if meta.get(k)]
    tag_title = norm_label(meta.get("title"))
    best: tuple[int, str, etree._Element] | None = None  # highest-ranked heading, first of its rank
    for el in body.iter(*H_TAGS):
        text = collapse(text_of(el))
        if not text or label_kind(text) or in_chrome(el):
            continue
        if _matches(text, keys, tag_title):
            return text, el
        rank = H_TAGS[el.tag]
        if best is None or rank < best[0]:
            best = (rank, text, el)
    if best and best[0] == 1:
        return best[1], best[2]
    for key in ("og_title", "ld_title", "twitter_title", "ld_name"):
        if meta.get(key):
            return meta[key], None
    if best:
        return best[1], best[2]
    if meta.get("title"):
        return _SUFFIX.sub("", meta["title"]) or meta["title"], None
    return None, None
