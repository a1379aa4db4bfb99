"""Ad slots a page sets among its text, found by what a reader sees: a box that opens with the label
"Advertisement" (or "Sponsored", "Anzeige", ...). Their text changes on every visit, so it must never
be a section's (a rotating ad had made a new version on every crawl)."""

from __future__ import annotations

import itertools
import re

from lxml import etree

# The whole of a label that marks the box it opens as an ad.
AD_LABEL = re.compile(
    r"^\W*(?:advertisements?|advert|ads?|sponsored(?: (?:content|post|links?|by [\w .&'-]{1,40}))?|promoted(?: content)?"
    r"|paid (?:content|post|partnership)|partner content|anzeige|werbung|publicit[ée]|publicidad)\W*$", re.I)
_AD_CHARS = 400  # an ad's text is a line or three; a box holding more is the page's own
_CLIMB = 3
# Boxes an ad is set in. Never a list or a table: "Ads" as a list item is a word of the text ("three kinds
# of posts: Ads, Sponsored content, ...").
_BOX_TAGS = frozenset({"div", "aside", "section", "figure", "ins", "span", "p", "a", "center"})
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


def ad_box(label: etree._Element) -> etree._Element | None:
    """The box an element whose text is an ad label opens: the nearest ancestor holding more than the
    label (the ad itself), when the label is its first content and it is small and holds no heading."""
    inner = label
    for box in itertools.islice(label.iterancestors(), _CLIMB):
        if box.tag not in _BOX_TAGS or (box.text or "").strip():
            return None
        first = next((child for child in box if isinstance(child.tag, str) and _has_content(child)), None)
        if first is not inner:
            return None  # something comes before the label: it labels no box
        if any(child is not inner and (_has_content(child) or (child.tail or "").strip()) for child in box) \
                or (inner.tail or "").strip():
            return box if _small_box(box) else None
        inner = box  # a wrapper of the label alone (<div class="ad-label"><span>Advertisement</span></div>)
    return None


def _has_content(el: etree._Element) -> bool:
    """Text, or a picture or link (an ad is often an image in a link)."""
    return any(part.strip() for part in el.itertext()) or el.tag in ("img", "a") or el.find(".//img") is not None


def _small_box(box: etree._Element) -> bool:
    """Short enough for an ad, holding no heading but its label or its linked headline (a section's box holds one)."""
    size = 0
    for part in box.itertext():
        size += len(part.strip())
        if size > _AD_CHARS:
            return False
    # (An ad's own headline is a heading inside its link: <a href="https://ads..."><h3>Try our app</h3></a>.)
    return all(AD_LABEL.match(" ".join("".join(h.itertext()).split())) or any(a.tag == "a" for a in h.iterancestors())
               for h in box.iter(*_HEADINGS))
