"""What counts as an article's content: its hash, what changed between two records, its columns."""

from __future__ import annotations

import hashlib
import json
from typing import Any
from urllib.parse import urlsplit

# Parts of a record that describe the fetch or the parser, not the article.
VOLATILE_KEYS = ("warnings", "parser_version", "url")
# Rating fields that say where a value was read from, not what it is.
VOLATILE_RATING_KEYS = ("raw",)

SECTION_COLUMNS = (
    ("key takeaway", "key_takeaway"),
    ("what they found", "what_they_found"),
    ("who should care", "who_should_care"),
    ("important consideration", "important_considerations"),
)


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def digest(value: Any) -> str:
    """SHA-256 hex of a JSON value in canonical form."""
    return hashlib.sha256(_canonical(value).encode("utf-8")).hexdigest()


def _ratings_content(ratings: Any) -> Any:
    if not isinstance(ratings, dict):
        return ratings
    return {
        name: ({k: v for k, v in r.items() if k not in VOLATILE_RATING_KEYS} if isinstance(r, dict) else r)
        for name, r in ratings.items()
    }


def content(record: dict, version_related: bool = False) -> dict:
    """The record without its volatile parts (and without related cards unless they are versioned)."""
    kept = {k: v for k, v in record.items() if k not in VOLATILE_KEYS}
    if not version_related:
        kept.pop("related", None)
    if "ratings" in kept:
        kept["ratings"] = _ratings_content(kept["ratings"])
    return kept


def content_hash(record: dict, version_related: bool = False) -> str:
    """Hash deciding whether a fetch makes a new version."""
    return digest(content(record, version_related))


def related_hash(record: dict) -> str:
    """Hash of the related cards, to skip card bookkeeping when they did not move."""
    return digest(record.get("related") or [])


def section_map(sections: Any) -> dict[str, str]:
    """Heading -> text; a repeated heading gets ` #2`, ` #3` so no text is lost."""
    result: dict[str, str] = {}
    for item in sections if isinstance(sections, list) else []:
        if not isinstance(item, dict):
            continue
        heading = str(item.get("heading") or "")
        key, n = heading, 1
        while key in result:
            n += 1
            key = f"{heading} #{n}"
        result[key] = str(item.get("text") or "")
    return result


def _dict_or_empty(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def changed_fields(old: dict, new: dict, version_related: bool = False) -> list[str]:
    """What differs, at the ARCHIVE.md depth: title, ratings.<name>, sections.<heading>, source.<field>..."""
    a, b = content(old, version_related), content(new, version_related)
    changed: list[str] = []
    for key in sorted(set(a) | set(b), key=_key_order):
        x, y = a.get(key), b.get(key)
        if _canonical(x) == _canonical(y):
            continue
        if key in ("ratings", "source") and (isinstance(x, dict) or isinstance(y, dict)):
            dx, dy = _dict_or_empty(x), _dict_or_empty(y)
            names = [n for n in list(dx) + [n for n in dy if n not in dx]]
            parts = [f"{key}.{n}" for n in names if _canonical(dx.get(n)) != _canonical(dy.get(n))]
            changed.extend(parts or [key])
        elif key == "sections":
            sx, sy = section_map(x), section_map(y)
            names = list(sx) + [n for n in sy if n not in sx]
            parts = [f"sections.{n}" for n in names if sx.get(n) != sy.get(n)]
            changed.extend(parts or ["sections"])  # same texts in another order
        else:
            changed.append(key)
    return changed


_ORDER = ("page_type", "title", "ratings", "sections", "source", "published", "related")


def _key_order(key: str) -> tuple[int, str]:
    return (_ORDER.index(key) if key in _ORDER else len(_ORDER), key)


def _number(value: Any) -> Any:
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def article_columns(record: dict) -> dict[str, Any]:
    """The `articles` columns read off a record (ratings, sections by heading, source)."""
    ratings = _dict_or_empty(record.get("ratings"))
    source = _dict_or_empty(record.get("source"))
    row: dict[str, Any] = {
        "page_type": record.get("page_type"),
        "title": record.get("title"),
        "ratings": json.dumps(ratings, ensure_ascii=False) if ratings else None,
        "journal": source.get("journal"),
        "source_url": source.get("url"),
        "doi": source.get("doi"),
        "source_published": source.get("published"),
        "published": record.get("published"),
        "parser_version": None if record.get("parser_version") is None else str(record["parser_version"]),
    }
    for name in ("credibility", "interest"):
        rating = _dict_or_empty(ratings.get(name))
        row[name] = _number(rating.get("value"))
        row[f"{name}_max"] = _number(rating.get("max"))
        row[f"{name}_label"] = rating.get("label")
    for _, column in SECTION_COLUMNS:
        row[column] = None
    for item in record.get("sections") or []:
        if not isinstance(item, dict):
            continue
        heading = " ".join(str(item.get("heading") or "").split()).casefold()
        for prefix, column in SECTION_COLUMNS:
            if heading.startswith(prefix) and row[column] is None:
                row[column] = item.get("text")
                break
    return row


def host_of(url: str) -> str:
    """Lower-cased host of a URL ('' when it has none)."""
    return (urlsplit(url).hostname or "").lower()


def lost_anything(old: dict, new: dict) -> bool:
    """True when the new record lacks a section or a study detail the old one had."""
    old_source, new_source = _dict_or_empty(old.get("source")), _dict_or_empty(new.get("source"))
    return (bool(set(section_map(old.get("sections"))) - set(section_map(new.get("sections"))))
            or any(value and not new_source.get(key) for key, value in old_source.items()))


def sections_lost(old: dict, new: dict) -> tuple[int, int]:
    """(how many of the old record's sections the new one lacks, how many the old one had)."""
    before = len(old.get("sections") or [])
    after = len(new.get("sections") or [])
    return max(0, before - after), before
