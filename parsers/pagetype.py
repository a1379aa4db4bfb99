"""Which kind of page this is: a summary, a listing of cards, or something else."""

from __future__ import annotations

SUMMARY, LISTING, OTHER = "summary", "listing", "other"
_MIN_LISTING_CARDS = 3


def page_type(
    *, known_sections: int, ratings: int, details: bool, cards: int, pagination: bool
) -> str:
    """Summary when the profile's summary parts show; listing when several cards (with pagination) carry it."""
    if known_sections or ratings or details:
        return SUMMARY
    if cards >= _MIN_LISTING_CARDS or (cards >= 2 and pagination):
        return LISTING
    return OTHER
