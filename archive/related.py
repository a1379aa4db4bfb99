"""Related-article cards: when each was first and last seen on a page, and which article it points to."""

from __future__ import annotations

import sqlite3
from typing import Any
from urllib.parse import urlsplit, urlunsplit


def _cards(record: dict) -> list[dict[str, Any]]:
    """The record's cards that have a URL, first occurrence of each URL, in page order."""
    seen: set[str] = set()
    cards = []
    for card in record.get("related") or []:
        if not isinstance(card, dict) or not card.get("url"):
            continue
        url = str(card["url"])
        if url not in seen:
            seen.add(url)
            cards.append(card)
    return cards


def article_for_url(conn: sqlite3.Connection, url: str) -> int | None:
    """The article archived under this URL, or reached by it as a requested URL; else under the same
    URL with or without its trailing slash (a site whose canonical links gain one is not a new site)."""
    for each in (url, _slash_twin(url)):
        if each is None:
            continue
        row = conn.execute("SELECT id FROM articles WHERE url = ?", (each,)).fetchone()
        if row:
            return row[0]
        row = conn.execute("SELECT article_id FROM urls WHERE url = ?", (each,)).fetchone()
        if row and row[0] is not None:
            return row[0]
    return None


def spellings(url: str) -> tuple[str, ...]:
    """The URL and its trailing-slash twin (when it has one): one page to the archive."""
    twin = _slash_twin(url)
    return (url,) if twin is None else (url, twin)


def _slash_twin(url: str) -> str | None:
    """/s/a for /s/a/ and /s/a/ for /s/a (not for a site's root, a query or a fragment)."""
    parts = urlsplit(url)
    if parts.query or parts.fragment or parts.path in ("", "/"):
        return None
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") if parts.path.endswith("/") else parts.path + "/"))


def update_cards(conn: sqlite3.Connection, article_id: int, record: dict, seen_at: str) -> None:
    """Bring the article's cards in line with the record: upsert shown cards, retire the others."""
    existing = {
        row[0]: row[1:]
        for row in conn.execute(
            "SELECT url, id, position, title, date, excerpt, excerpt_truncated, current"
            " FROM related WHERE article_id = ?", (article_id,))
    }
    shown: set[str] = set()
    for position, card in enumerate(_cards(record)):
        url = str(card["url"])
        shown.add(url)
        fields = (card.get("title"), card.get("date"), card.get("excerpt"),
                  None if card.get("excerpt_truncated") is None else int(bool(card["excerpt_truncated"])))
        if url not in existing:
            conn.execute(
                "INSERT INTO related (article_id, position, title, url, date, excerpt,"
                " excerpt_truncated, target_id, first_seen, last_seen, current)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,1)",
                (article_id, position, fields[0], url, fields[1], fields[2], fields[3],
                 article_for_url(conn, url), seen_at, seen_at),
            )
            continue
        row_id, old_position, title, date, excerpt, truncated, _current = existing[url]
        conn.execute("UPDATE related SET position = ?, date = ?, excerpt_truncated = ?,"
                     " last_seen = ?, current = 1 WHERE id = ?",
                     (position, fields[1], fields[3], seen_at, row_id))
        if (title, excerpt) != (fields[0], fields[2]):
            # Only touch the full-text columns when they changed, so the index is not rewritten.
            conn.execute("UPDATE related SET title = ?, excerpt = ? WHERE id = ?",
                         (fields[0], fields[2], row_id))
    gone = [row[0] for url, row in existing.items() if url not in shown and row[6]]
    for row_id in gone:
        conn.execute("UPDATE related SET current = 0 WHERE id = ?", (row_id,))


def touch_cards(conn: sqlite3.Connection, article_id: int, seen_at: str) -> None:
    """The page showed the same cards again: move their last_seen."""
    conn.execute("UPDATE related SET last_seen = ? WHERE article_id = ? AND current = 1",
                 (seen_at, article_id))


def resolve_targets(conn: sqlite3.Connection, article_id: int, urls: list[str]) -> None:
    """Cards stored before their target was archived now point at it."""
    for url in dict.fromkeys(urls):
        conn.execute("UPDATE related SET target_id = ? WHERE url = ? AND target_id IS NULL",
                     (article_id, url))
