"""Small conversions of fetched responses into the plain values the archive takes."""

from __future__ import annotations

from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

from scrapy.http import Headers, Response


def utc_now() -> str:
    """Now as the archive's ISO 8601 UTC form (2026-11-23T21:40:00Z)."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def header_dict(headers: Headers) -> dict[str, str]:
    """Scrapy's bytes, multi-valued Headers as one str per name (repeated values joined by ', ')."""
    return {name.decode("latin-1"): b", ".join(values).decode("latin-1")
            for name, values in headers.items()}


def http_date(value: str | bytes | None) -> datetime | None:
    """An HTTP date header (Last-Modified) as an aware datetime; None when absent or unreadable."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def iso_date(value: str | None) -> datetime | None:
    """A sitemap <lastmod> (W3C datetime: YYYY, YYYY-MM-DD or a full time) as an aware datetime."""
    if not value:
        return None
    text = value.strip().replace("Z", "+00:00")
    if len(text) == 4 and text.isdigit():
        text += "-01-01"
    elif len(text) == 7:
        text += "-01"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def is_html(response: Response) -> bool:
    """True for an HTML (or XHTML) page, by Content-Type, else by a sniff of the body's start."""
    ctype = (response.headers.get(b"Content-Type") or b"").lower()
    if ctype:
        return b"html" in ctype
    head = response.body[:512].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<html" in head
