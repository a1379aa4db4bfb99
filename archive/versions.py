"""Writing a new version of an article: the versions row, the article's current columns, its sections."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from archive.clock import utc_now
from archive.content import article_columns, changed_fields


def record_json(record: dict) -> str:
    """The record as stored in `versions.record` (as `summary-archive parse` prints it)."""
    return json.dumps(record, ensure_ascii=False)


def current_record(conn: sqlite3.Connection, article_id: int) -> dict:
    """The record of the article's current version ({} if it has none)."""
    row = conn.execute(
        "SELECT v.record FROM versions v JOIN articles a ON a.id = v.article_id"
        " AND v.version = a.current_version WHERE a.id = ?", (article_id,)).fetchone()
    return json.loads(row[0]) if row and row[0] else {}


def prepare_version(record: dict, old: dict | None, version_related: bool) -> dict[str, Any]:
    """The CPU part of a new version (diff, JSON, columns): reparse runs it in its worker processes."""
    changed = ["created"] if old is None else (changed_fields(old, record, version_related) or ["record"])
    parser_version = record.get("parser_version")
    return {
        "changed": json.dumps(changed, ensure_ascii=False),
        "record": record_json(record),
        "parser_version": None if parser_version is None else str(parser_version),
        "columns": article_columns(record),
        "sections": [(position, item.get("heading"), item.get("text")) for position, item in
                     enumerate(s for s in record.get("sections") or [] if isinstance(s, dict))],
    }


def version_columns(prepared: dict[str, Any], *, version: int, chash: str, fetched_at: str,
                    snapshot_sha256: str | None) -> dict[str, Any]:
    """The article columns that follow its current version."""
    columns: dict[str, Any] = dict(prepared["columns"])
    columns.update(current_version=version, version_count=version, content_hash=chash,
                   last_changed=fetched_at)
    if snapshot_sha256 is not None:
        columns["snapshot_sha256"] = snapshot_sha256
    return columns


def insert_version(conn: sqlite3.Connection, article_id: int, prepared: dict[str, Any], *, version: int,
                   crawl_id: int | None, fetched_at: str, cause: str, snapshot_sha256: str | None,
                   chash: str, sections_stored: bool = True) -> None:
    """The versions row, and the article's sections replaced by the version's (none stored yet: skip the delete)."""
    conn.execute(
        "INSERT INTO versions (article_id, version, crawl_id, fetched_at, cause, snapshot_sha256,"
        " content_hash, changed, record, parser_version, recorded_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        (article_id, version, crawl_id, fetched_at, cause, snapshot_sha256, chash,
         prepared["changed"], prepared["record"], prepared["parser_version"], utc_now()),
    )
    if sections_stored:
        conn.execute("DELETE FROM sections WHERE article_id = ?", (article_id,))
    conn.executemany("INSERT INTO sections (article_id, position, heading, text) VALUES (?,?,?,?)",
                     [(article_id, *row) for row in prepared["sections"]])


def write_version(conn: sqlite3.Connection, article_id: int, prepared: dict[str, Any], *, version: int,
                  crawl_id: int | None, fetched_at: str, cause: str, snapshot_sha256: str | None,
                  chash: str) -> None:
    """Insert version `version` and make it current: article columns and sections follow it."""
    columns = version_columns(prepared, version=version, chash=chash, fetched_at=fetched_at,
                              snapshot_sha256=snapshot_sha256)
    insert_version(conn, article_id, prepared, version=version, crawl_id=crawl_id, fetched_at=fetched_at,
                   cause=cause, snapshot_sha256=snapshot_sha256, chash=chash)
    assignments = ", ".join(f'"{name}" = ?' for name in columns)
    conn.execute(f"UPDATE articles SET {assignments} WHERE id = ?", [*columns.values(), article_id])


def add_version(conn: sqlite3.Connection, article_id: int, record: dict, *, old: dict | None,
                version: int, crawl_id: int | None, fetched_at: str, cause: str,
                snapshot_sha256: str | None, chash: str, version_related: bool) -> None:
    """Prepare and write a new version in one go (the store's path)."""
    write_version(conn, article_id, prepare_version(record, old, version_related), version=version,
                  crawl_id=crawl_id, fetched_at=fetched_at, cause=cause,
                  snapshot_sha256=snapshot_sha256, chash=chash)
