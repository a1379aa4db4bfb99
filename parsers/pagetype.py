"""Which kind of page this is: a summary, a listing of cards, or something else."""

from __future__ import annotations

import re

SUMMARY, LISTING, OTHER = "summary", "listing", "other"
_MIN_LISTING_CARDS = 3
_OTHER_SECTIONS = 2  # headings of other names beside one known section: an article with a callout
_TITLE_SCAN = 500  # an error page says so early in its title; a pathological 5 MB title is not searched whole
# An error page that offers "popular summaries" is still an error page, not a listing.
_NOT_FOUND = re.compile(r"\b(?:page|article|summary|content)\s+(?:was\s+)?not\s+found\b|^\W*(?:404|not found|error)\b"
                        r"|\bno (?:results|matches) found\b|\b(?:can(?:no|\u2019|')t|could(?:n\u2019t|n't| not)) (?:find|be found)\b"
                        r"|\b(?:does not|doesn(?:\u2019|')t) exist\b|\bno longer available\b", re.I)


def page_type(
    *, known_sections: int, ratings: int, details: bool, cards: int, pagination: bool, title: str | None = None,
    word_ratings: int = 0, study: bool = True, head_title: str | None = None, other_sections: int = 0,
    introduced: bool = False,
) -> str:
    """Summary when the profile's summary parts show; listing when several cards (with pagination) carry
    it, unless the title says the page was not found. A lone weak part is no summary: a "More Details"
    block that names no study (a product page's specifications), one word rating alone (a hotel's
    "Interest: High" badge), one known section among two or more of other names, with no rating or
    details (a news post's "Key Takeaway" box), or over cards that show their own ratings (`introduced`:
    a tag page's "Key Takeaway" introduction)."""
    lone_weak = (not known_sections and (
        (details and not ratings and not study) or (not details and ratings == 1 and word_ratings == 1))) or (
        known_sections == 1 and not ratings and not details and (other_sections >= _OTHER_SECTIONS or introduced))
    if (known_sections or ratings or details) and not lone_weak:
        return SUMMARY
    if any(t and _NOT_FOUND.search(t[:_TITLE_SCAN]) for t in (title, head_title)):
        return OTHER  # (the heading or the <title>: "Oops! That page can't be found." / "Page not found – Site")
    if cards >= _MIN_LISTING_CARDS or (cards >= 2 and pagination):
        return LISTING
    return OTHER
