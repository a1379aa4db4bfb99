"""Raw response bodies: zstd-compressed, stored once per distinct SHA-256."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from typing import Mapping

import zstandard

ENCODING = "zstd"
LEVEL = 3  # zstd default: on HTML, level 9 saved ~3% more bytes for 5x the CPU time


def sha256(body: bytes) -> str:
    """Hex SHA-256 of a body: the snapshot's key."""
    return hashlib.sha256(body).hexdigest()


def compress(body: bytes) -> bytes:
    """Compress a body for storage."""
    return zstandard.ZstdCompressor(level=LEVEL).compress(body)


def decompress(blob: bytes, encoding: str | None = ENCODING) -> bytes:
    """Undo `compress` (an unknown encoding is returned as stored)."""
    if encoding == ENCODING:
        return zstandard.ZstdDecompressor().decompress(blob)
    if encoding in (None, "", "identity"):
        return bytes(blob)
    raise ValueError(f"unknown snapshot encoding {encoding!r}")


def body(conn: sqlite3.Connection, digest: str) -> bytes | None:
    """The stored body with this SHA-256, uncompressed (None when not stored)."""
    row = conn.execute("SELECT body, encoding FROM snapshots WHERE sha256 = ?", (digest,)).fetchone()
    return decompress(row[0], row[1]) if row else None


_TAIL = 4096  # bytes at the end of a page where its closing tags live (after trailing scripts, comments)


def closes(body: bytes) -> bool:
    """True when the page ends with its closing </body> or </html>: a download cut short (a connection
    closed early, a server that died mid-page) does not."""
    tail = body[-_TAIL:].lower()
    return b"</html" in tail or b"</body" in tail


def normalise_headers(headers: Mapping | None) -> dict[str, str]:
    """Response headers as {lower-case name: str}, from str/bytes keys and str/bytes/list values."""
    result: dict[str, str] = {}
    if not headers:
        return result
    for key in headers:
        value = headers[key]
        if isinstance(value, (list, tuple)):
            value = value[-1] if value else ""
        if isinstance(key, bytes):
            key = key.decode("latin-1")
        if isinstance(value, bytes):
            value = value.decode("latin-1")
        result[str(key).lower()] = str(value)
    return result


def snapshot_id(conn: sqlite3.Connection, digest: str) -> int | None:
    """The integer id of a stored snapshot, or None."""
    row = conn.execute("SELECT id FROM snapshots WHERE sha256 = ?", (digest,)).fetchone()
    return row[0] if row else None


def insert(conn: sqlite3.Connection, digest: str, compressed: bytes, size: int, url: str,
           fetched_at: str, http_status: int | None, headers: dict[str, str]) -> int:
    """Store a body unless it is already stored; return its snapshot id (caller holds the transaction)."""
    existing = snapshot_id(conn, digest)
    if existing is not None:
        return existing
    next_id = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM snapshots").fetchone()[0]
    conn.execute(
        "INSERT INTO snapshots (sha256, id, url, fetched_at, http_status, content_type, headers,"
        " encoding, size, body) VALUES (?,?,?,?,?,?,?,?,?,?)",
        (digest, next_id, url, fetched_at, http_status, headers.get("content-type"),
         json.dumps(headers, ensure_ascii=False), ENCODING, size, compressed),
    )
    return next_id
