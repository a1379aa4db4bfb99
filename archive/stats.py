"""Counts that say how big an archive is and how well its snapshots compress."""

from __future__ import annotations

import os
from pathlib import Path

from archive.reading import reading


def stats(source: "str | Path | object") -> dict:
    """Articles (live/gone), versions, snapshots with compressed/raw bytes, crawls, fetches, file size."""
    with reading(source) as conn:
        one = lambda sql: conn.execute(sql).fetchone()  # noqa: E731 - local shorthand
        live, gone, total = one("SELECT sum(status = 'live'), sum(status = 'gone'), count(*) FROM articles")
        snaps, compressed, raw = one("SELECT count(*), coalesce(sum(length(body)), 0),"
                                     " coalesce(sum(size), 0) FROM snapshots")
        crawls, running = one("SELECT count(*), coalesce(sum(status = 'running'), 0) FROM crawls")
        last = one("SELECT id, started_at, finished_at, status FROM crawls ORDER BY id DESC LIMIT 1")
        version = conn.execute("SELECT max(version) FROM schema_version").fetchone()[0]
        result = {
            "articles": total, "live": live or 0, "gone": gone or 0,
            "versions": one("SELECT count(*) FROM versions")[0],
            "reparsed_versions": one("SELECT count(*) FROM versions WHERE cause = 'reparse'")[0],
            "snapshots": snaps, "snapshot_bytes_compressed": compressed, "snapshot_bytes_raw": raw,
            "compression_ratio": round(raw / compressed, 2) if compressed else None,
            "related_cards": one("SELECT count(*) FROM related")[0],
            "fetches": one("SELECT count(*) FROM fetch_log")[0],
            "fetch_errors": one("SELECT count(*) FROM fetch_errors")[0],
            "crawls": crawls, "crawls_running": running,
            "last_crawl": dict(zip(("id", "started_at", "finished_at", "status"), last)) if last else None,
            "schema_version": version,
        }
    path = getattr(source, "path", source)
    result["file_bytes"] = sum(os.path.getsize(p) for p in (f"{path}", f"{path}-wal") if os.path.exists(p))
    return result
