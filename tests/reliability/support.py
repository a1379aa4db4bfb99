"""Shared helpers of the reliability suite: the crawler as a subprocess, and the archive's invariants."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from archive.content import article_columns, content_hash
from archive.snapshots import decompress, sha256

ROOT = Path(__file__).resolve().parents[2]
CLI = str(Path(sys.executable).parent / "summary-archive")
# No politeness delay on loopback, short timeouts and backoff, one parser worker (2-core CI box).
FAST = ["--delay", "0", "--concurrency", "2", "--timeout", "3", "--quiet",
        "--set", "ARCHIVE_RETRY_BACKOFF=0.05", "--set", "ARCHIVE_PARSE_WORKERS=1"]


def crawl(*args: str, timeout: float = 180) -> subprocess.CompletedProcess:
    """`summary-archive crawl ARGS` to completion in a subprocess."""
    return subprocess.run([CLI, "crawl", *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout)


def start_crawl(args: list[str], log: Path) -> subprocess.Popen:
    """`summary-archive crawl ARGS` in its own session (so its parser workers can be found), output to `log`."""
    with open(log, "ab") as out:
        return subprocess.Popen([CLI, "crawl", *args], cwd=ROOT, stdout=out, stderr=out,
                                start_new_session=True)


def group_alive(pgid: int) -> bool:
    """True while any process of the group still runs (orphaned workers keep the group id)."""
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def reap_group(proc: subprocess.Popen, grace: float = 5.0) -> bool:
    """Wait for the killed crawler and its helpers to go; True if some outlived `grace` (then killed)."""
    proc.wait(timeout=30)
    deadline = time.monotonic() + grace
    while group_alive(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    if group_alive(proc.pid):
        os.killpg(proc.pid, signal.SIGKILL)
        return True
    return False


def query(db: Path, sql: str, *params: object) -> list[tuple]:
    """Rows from the archive through a read-only connection."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def committed_versions(db: Path) -> set[tuple]:
    """Every committed version: (article url, version, content_hash, record, snapshot)."""
    if not db.exists():
        return set()
    try:
        return set(query(db, "SELECT a.url, v.version, v.content_hash, v.record, v.snapshot_sha256"
                             " FROM versions v JOIN articles a ON a.id = v.article_id"))
    except sqlite3.OperationalError:  # the schema is not there yet (killed before the first commit)
        return set()


def archive_problems(db: Path) -> list[str]:
    """What breaks the archive's invariants (empty when it is whole): integrity, foreign keys, every
    article agreeing with its versions, sections and snapshots, no duplicate consecutive versions."""
    problems: list[str] = []
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
    conn.row_factory = sqlite3.Row
    try:
        check = [r[0] for r in conn.execute("PRAGMA integrity_check")]
        if check != ["ok"]:
            return [f"integrity_check: {check[:5]}"]
        if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'versions'").fetchone():
            return []
        fk = conn.execute("PRAGMA foreign_key_check").fetchall()
        if fk:
            problems.append(f"foreign_key_check: {[tuple(r) for r in fk[:5]]}")
        snaps = {r[0]: (r[1], r[2]) for r in conn.execute("SELECT sha256, encoding, body FROM snapshots")}
        for digest, (encoding, body) in snaps.items():
            if sha256(decompress(body, encoding)) != digest:
                problems.append(f"snapshot {digest[:12]} does not hash to its key")
        versions: dict[int, list[sqlite3.Row]] = {}
        for v in conn.execute("SELECT * FROM versions ORDER BY article_id, version"):
            versions.setdefault(v["article_id"], []).append(v)
            if v["snapshot_sha256"] not in snaps:
                problems.append(f"version {v['id']} names a missing snapshot")
        for a in conn.execute("SELECT * FROM articles"):
            problems += _article_problems(conn, a, versions.get(a["id"], []), snaps)
    finally:
        conn.close()
    return problems


def _article_problems(conn: sqlite3.Connection, a: sqlite3.Row, versions: list[sqlite3.Row],
                      snaps: dict) -> list[str]:
    url = a["url"]
    numbers = [v["version"] for v in versions]
    if not versions or numbers != list(range(1, len(versions) + 1)):
        return [f"{url}: versions {numbers}"]
    out = []
    if a["version_count"] != len(versions) or a["current_version"] != len(versions):
        out.append(f"{url}: version_count {a['version_count']} / current {a['current_version']}, "
                   f"{len(versions)} versions")
    for older, newer in zip(versions, versions[1:]):
        if older["content_hash"] == newer["content_hash"]:
            out.append(f"{url}: versions {older['version']} and {newer['version']} are duplicates")
    current = versions[-1]
    record = json.loads(current["record"])
    if content_hash(record) != current["content_hash"] or a["content_hash"] != current["content_hash"]:
        out.append(f"{url}: content_hash does not match the current record")
    for column, value in article_columns(record).items():
        if a[column] != value:
            out.append(f"{url}: articles.{column} {a[column]!r} != current record's {value!r}")
    sections = [tuple(r) for r in conn.execute(
        "SELECT heading, text FROM sections WHERE article_id = ? ORDER BY position", (a["id"],))]
    wanted = [(s.get("heading"), s.get("text")) for s in record.get("sections") or [] if isinstance(s, dict)]
    if sections != wanted:
        out.append(f"{url}: sections rows differ from the current record")
    if a["snapshot_sha256"] not in snaps:
        out.append(f"{url}: current snapshot missing")
    return out


def live_titles(db: Path) -> dict[str, Any]:
    """{url path: title} of live articles."""
    from urllib.parse import urlsplit
    return {urlsplit(u).path: t for u, t in query(db, "SELECT url, title FROM articles WHERE status = 'live'")}
