"""Small conversions of fetched responses into the plain values the archive takes."""

from __future__ import annotations

import re
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


# Types a misconfigured server gives an HTML page (a summary served as text/plain is still a summary).
_SNIFFED_TYPES = (b"text/plain", b"application/octet-stream", b"binary/octet-stream", b"application/unknown")


def is_html(response: Response) -> bool:
    """True for an HTML (or XHTML) page, by Content-Type, else (no type, or a generic one) by a sniff
    of the body's start."""
    ctype = (response.headers.get(b"Content-Type") or b"").lower()
    if ctype and not ctype.split(b";")[0].strip() in _SNIFFED_TYPES:
        return b"html" in ctype
    head = response.body[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<!doctype html", b"<html")) or (not ctype and b"<html" in head)


# Control bytes other than tab, newline, form feed and CR: text never holds many of them.
_CONTROL_BYTES = bytes([*range(0, 9), 11, *range(14, 32)])


def unreadable_body(response: Response) -> str | None:
    """Why an HTML-labelled body cannot be a page (empty, or binary bytes), or None when it may be one."""
    body = response.body
    if not body.strip():
        return "empty body"
    ctype = (response.headers.get(b"Content-Type") or b"").lower()
    if body.startswith((b"\xff\xfe", b"\xfe\xff")) or b"utf-16" in ctype or b"utf-32" in ctype:
        return None  # wide encodings hold NUL bytes legitimately
    sample = body[:2048]
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    if controls * 20 > len(sample):  # over 5%: text has next to none, binary formats ~10% or more
        return f"binary body labelled {ctype.decode('latin-1') or 'as HTML'}"
    return None


def content_type_of(response: Response) -> str:
    """The Content-Type header as text ('' when absent)."""
    return (response.headers.get(b"Content-Type") or b"").decode("latin-1")


# What error pages served with 200 ("soft 404s") say in their title or heading, in the usual wordings.
_NOT_FOUND = re.compile(
    # "404" alone, but not a page number ("Summaries - Page 404", "No. 404", "#404").
    r"(?<!page )(?<!page\xa0)(?<!no\. )(?<!#)\b404\b"
    r"|\b(not found|page not found|(can[’']?t|cannot|could not|couldn[’']?t) be found"
    r"|no longer (exists|available)|does(n[’']?t| not) exist|nothing (was )?found)\b", re.I)


def soft_404(record: dict) -> str | None:
    """The title of a page that is not a summary but says it is an error page, else None."""
    title = record.get("title") or ""
    return title if _NOT_FOUND.search(title) else None


def transient_status(status: int) -> bool:
    """An HTTP status that says "not now" (5xx, 429 Too Many Requests, 408, 425), not "not here"."""
    return status >= 500 or status in (408, 425, 429)
