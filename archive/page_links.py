"""What the crawler remembers of each page it followed: the links on it and its validators.

A later crawl asks for the page conditionally and, on a 304, follows the remembered links as if it
had fetched the page again: an unchanged listing costs no body and no parsing, and pages reachable
only through an unchanged page (a related card, an old listing) are still visited. The validators
are kept only for a page whose content the archive holds, or which it does not archive at all: a
304 must never stand for a body that was fetched and then left unstored. "Not at all" is a judgement
of the crawl (its parser version, the page types it archives): a page judged under another one is
fetched in full again, so a parser that now recognises it, or a profile that now wants it, gets it."""

from __future__ import annotations

import json
import sqlite3
import zlib
from collections.abc import Iterable

TABLE = "page_links"


def encode(links: Iterable[str]) -> bytes:
    """Links as one compressed JSON list (a page's navigation repeats the site's URL prefix)."""
    return zlib.compress(json.dumps(list(links), ensure_ascii=False).encode("utf-8"), 1)


def decode(blob: bytes | None) -> list[str]:
    """The links of a blob written by encode()."""
    return json.loads(zlib.decompress(blob)) if blob else []


def remember(conn: sqlite3.Connection, url: str, links: list[str], etag: str | None,
             last_modified: str | None, *, version: str | None, judgement: str | None,
             crawl_id: int | None, at: str) -> None:
    """Replace the row of `url`: its links now and the validators a conditional request may send
    (judgement: None for an archived page, else the crawl's judgement that it is not one to archive)."""
    conn.execute(
        f"INSERT INTO {TABLE} (url, etag, last_modified, links, link_count, links_version, judgement,"
        " crawl_id, seen_at) VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT(url) DO UPDATE SET etag = excluded.etag,"
        " last_modified = excluded.last_modified, links = excluded.links, link_count = excluded.link_count,"
        " links_version = excluded.links_version, judgement = excluded.judgement, crawl_id = excluded.crawl_id,"
        " seen_at = excluded.seen_at",
        (url, etag, last_modified, encode(links), len(links), version, judgement, crawl_id, at))


def touch(conn: sqlite3.Connection, url: str, etag: str | None, last_modified: str | None, *,
          crawl_id: int | None, at: str) -> bool:
    """A 304 for `url`: keep its links, take any validator the answer repeats; False if no row."""
    cur = conn.execute(
        f"UPDATE {TABLE} SET etag = coalesce(?, etag), last_modified = coalesce(?, last_modified),"
        " crawl_id = ?, seen_at = ? WHERE url = ?", (etag, last_modified, crawl_id, at, url))
    return cur.rowcount > 0


# A row to trust: links of this extraction version (None: any), and archived or judged as this crawl would.
_TRUSTED = "url = ?1 AND (?2 IS NULL OR links_version = ?2) AND (judgement IS NULL OR judgement IS ?3)"


def validators(conn: sqlite3.Connection, url: str, version: str | None,
               judgement: str | None) -> tuple[str | None, str | None]:
    """(ETag, Last-Modified) for a conditional request, only while its row is trusted (see _TRUSTED)."""
    row = conn.execute(f"SELECT etag, last_modified FROM {TABLE} WHERE {_TRUSTED}",
                       (url, version, judgement)).fetchone()
    return (row[0], row[1]) if row else (None, None)


def links(conn: sqlite3.Connection, url: str, version: str | None, judgement: str | None) -> list[str] | None:
    """The links remembered for `url` (None without a trusted row)."""
    row = conn.execute(f"SELECT links FROM {TABLE} WHERE {_TRUSTED}", (url, version, judgement)).fetchone()
    return decode(row[0]) if row else None
