"""The archive file under stress: bad files, full disk, read-only, migration, readers, SIGKILL."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import io
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from archive import (Archive, ArchiveFull, ArchiveMissing, ArchiveMoved, ArchiveReadOnly, NotAnArchive, SchemaTooNew,
                     history, stats)
from archive.content import content_hash
from archive.schema import SCHEMA_VERSION
from archive.snapshots import compress, decompress
from tests.archive_support import make_record, page_for

ROOT = Path(__file__).resolve().parent.parent
URL = "https://example.org/summaries/one"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_missing_file_is_not_created_when_told_not_to(tmp_path):
    with pytest.raises(ArchiveMissing, match="no archive at"):
        Archive(tmp_path / "absent.db", create=False)
    with pytest.raises(ArchiveMissing):
        stats(tmp_path / "absent.db")
    assert not (tmp_path / "absent.db").exists()


def test_not_sqlite_is_refused_and_left_as_it_was(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("these are my notes, not a database\n" * 50)
    before = digest(path)
    with pytest.raises(NotAnArchive, match="not a SQLite database") as info:
        Archive(path)
    assert "\n" not in str(info.value)
    with pytest.raises(NotAnArchive):
        stats(path)
    assert digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.db"]


def test_other_sqlite_database_is_left_alone(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE people (name TEXT)")
    conn.commit()
    conn.close()
    before = digest(path)
    with pytest.raises(NotAnArchive, match="not an archive"):
        Archive(path)
    assert digest(path) == before


def test_newer_schema_is_refused(tmp_path):
    path = tmp_path / "a.db"
    Archive(path).close()
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO schema_version VALUES (?, '2030-01-01T00:00:00Z')", (SCHEMA_VERSION + 1,))
    conn.commit()
    conn.close()
    with pytest.raises(SchemaTooNew, match=f"schema version {SCHEMA_VERSION + 1}"):
        Archive(path)


def test_full_disk_rolls_the_store_back(tmp_path):
    path = tmp_path / "a.db"
    with Archive(path) as archive:
        crawl = archive.start_crawl([URL])
        archive.store(crawl, URL, make_record(URL), page_for(make_record(URL)), {})
        pages = archive.conn.execute("PRAGMA page_count").fetchone()[0]
        # The connection may not grow the file any more: exactly what a full disk looks like to SQLite.
        archive.conn.execute(f"PRAGMA max_page_count = {pages}")
        big = make_record("https://example.org/summaries/two", title="x " * 20000)
        with pytest.raises(ArchiveFull, match="disk full") as info:
            archive.store(crawl, big["url"], big, os.urandom(200_000), {})
        assert "\n" not in str(info.value)
        assert archive.db["articles"].count == 1 and archive.db["versions"].count == 1
        assert archive.db["snapshots"].count == 1
        assert archive.crawl_counts(crawl)["fetched"] == 1
        assert archive.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        archive.conn.execute("PRAGMA max_page_count = 1073741823")
        assert archive.store(crawl, big["url"], big, b"<html>two</html>", {}) == "new"


@pytest.mark.parametrize("how", ["directory removed", "file replaced"])
def test_a_file_removed_or_replaced_while_open_refuses_writes(tmp_path, how):
    """SQLite goes on writing to an open file whose directory was removed: a crawl had finished 'fine'
    into a file nobody could read. Each write now says so, in one line."""
    folder = tmp_path / "archives"
    folder.mkdir()
    path = folder / "a.db"
    with Archive(path) as archive:
        crawl = archive.start_crawl([URL])
        archive.store(crawl, URL, make_record(URL), page_for(make_record(URL)), {})
        if how == "directory removed":
            for name in os.listdir(folder):
                os.unlink(folder / name)
            folder.rmdir()
        else:
            replacement = tmp_path / "other.db"
            with Archive(replacement):
                pass
            os.replace(replacement, path)
        other = "https://example.org/summaries/two"
        with pytest.raises(ArchiveMoved, match="removed or replaced") as info:
            archive.store(crawl, other, make_record(other), page_for(make_record(other)), {})
        assert "\n" not in str(info.value) and str(path) in str(info.value)


def _make_read_only(path: Path) -> None:
    """Make the file unwritable even for root (immutable attribute), or by mode for other users."""
    if os.geteuid() != 0:
        path.chmod(0o444)
        return
    done = subprocess.run(["chattr", "+i", str(path)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(reason=f"running as root and chattr +i is unavailable here: {done.stderr.strip()}")


def _make_writable(path: Path) -> None:
    if os.geteuid() == 0:
        subprocess.run(["chattr", "-i", str(path)], capture_output=True)
    path.chmod(0o644)


def test_read_only_file_reads_fine_and_refuses_writes_in_one_line(tmp_path):
    path = tmp_path / "a.db"
    with Archive(path) as archive:
        archive.store(archive.start_crawl([URL]), URL, make_record(URL), page_for(make_record(URL)), {})
    before = digest(path)
    _make_read_only(path)
    try:
        assert stats(path)["articles"] == 1
        assert [v["version"] for v in history(path, URL)] == [1]
        with pytest.raises(ArchiveReadOnly, match="read-only") as info:
            Archive(path)
        assert "\n" not in str(info.value)
    finally:
        _make_writable(path)
    assert digest(path) == before


V1_SCHEMA = """
CREATE TABLE crawls (id INTEGER PRIMARY KEY, started_at TEXT, finished_at TEXT, start_urls TEXT,
  status TEXT, fetched INTEGER DEFAULT 0, new INTEGER DEFAULT 0, changed INTEGER DEFAULT 0,
  unchanged INTEGER DEFAULT 0, gone INTEGER DEFAULT 0, errors INTEGER DEFAULT 0);
CREATE TABLE articles (id INTEGER PRIMARY KEY, url TEXT NOT NULL, page_type TEXT, title TEXT,
  credibility ANY, credibility_max ANY, credibility_label TEXT, interest ANY, interest_max ANY,
  interest_label TEXT, key_takeaway TEXT, what_they_found TEXT, who_should_care TEXT,
  important_considerations TEXT, journal TEXT, source_url TEXT, doi TEXT, published TEXT, status TEXT,
  first_seen TEXT, last_seen TEXT, last_changed TEXT, version_count INTEGER);
CREATE UNIQUE INDEX idx_articles_url ON articles (url);
CREATE TABLE snapshots (sha256 TEXT PRIMARY KEY, id INTEGER NOT NULL, url TEXT, fetched_at TEXT,
  http_status INTEGER, content_type TEXT, headers TEXT, encoding TEXT, size INTEGER, body BLOB);
CREATE UNIQUE INDEX idx_snapshots_id ON snapshots (id);
CREATE TABLE versions (id INTEGER PRIMARY KEY, article_id INTEGER NOT NULL REFERENCES articles(id),
  version INTEGER NOT NULL, crawl_id INTEGER REFERENCES crawls(id), fetched_at TEXT, cause TEXT,
  snapshot_sha256 TEXT REFERENCES snapshots(sha256), content_hash TEXT, changed TEXT, record TEXT,
  parser_version TEXT, recorded_at TEXT);
CREATE UNIQUE INDEX idx_versions_article_id_version ON versions (article_id, version);
CREATE TABLE sections (id INTEGER PRIMARY KEY, article_id INTEGER REFERENCES articles(id),
  position INTEGER, heading TEXT, text TEXT);
CREATE TABLE related (id INTEGER PRIMARY KEY, article_id INTEGER REFERENCES articles(id), position INTEGER,
  title TEXT, url TEXT, date TEXT, excerpt TEXT, excerpt_truncated INTEGER,
  target_id INTEGER REFERENCES articles(id), first_seen TEXT, last_seen TEXT, current INTEGER);
CREATE UNIQUE INDEX idx_related_article_id_url ON related (article_id, url);
CREATE TABLE fetch_errors (id INTEGER PRIMARY KEY, crawl_id INTEGER REFERENCES crawls(id), url TEXT,
  http_status INTEGER, error TEXT, at TEXT);
CREATE TABLE urls (id INTEGER PRIMARY KEY, url TEXT NOT NULL, article_id INTEGER REFERENCES articles(id));
CREATE UNIQUE INDEX idx_urls_url ON urls (url);
CREATE TABLE fetch_log (crawl_id INTEGER NOT NULL REFERENCES crawls(id), seq INTEGER NOT NULL,
  url_id INTEGER NOT NULL REFERENCES urls(id), at INTEGER NOT NULL, http_status INTEGER,
  snapshot_id INTEGER REFERENCES snapshots(id), outcome INTEGER NOT NULL, PRIMARY KEY (crawl_id, seq))
  WITHOUT ROWID;
CREATE VIEW fetches AS SELECT f.crawl_id, f.seq, u.url,
  strftime('%Y-%m-%dT%H:%M:%SZ', f.at, 'unixepoch') AS at, f.http_status, s.sha256 AS snapshot_sha256,
  CASE f.outcome WHEN 0 THEN 'unchanged' WHEN 1 THEN 'new' WHEN 2 THEN 'changed' WHEN 3 THEN 'gone'
  WHEN 4 THEN 'error' WHEN 5 THEN 'held' END AS outcome, u.article_id
  FROM fetch_log f JOIN urls u ON u.id = f.url_id LEFT JOIN snapshots s ON s.id = f.snapshot_id;
CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at TEXT);
INSERT INTO schema_version VALUES (1, '2026-10-01T00:00:00Z');
"""


def _hand_made_v1(path: Path) -> dict:
    """A version-1 archive written with plain SQL, holding one article (as an older release left it)."""
    record = make_record(URL, title="Old migraine study")
    body = page_for(record)
    sha = hashlib.sha256(body).hexdigest()
    conn = sqlite3.connect(path)
    conn.executescript(V1_SCHEMA)
    conn.execute("INSERT INTO crawls (id, started_at, status, fetched, new) VALUES (1, '2026-10-01T00:00:00Z', 'finished', 1, 1)")
    conn.execute("INSERT INTO snapshots VALUES (?, 1, ?, '2026-10-01T00:00:00Z', 200, 'text/html', '{}', 'zstd', ?, ?)",
                 (sha, URL, len(body), compress(body)))
    conn.execute("INSERT INTO articles (id, url, page_type, title, status, first_seen, last_seen, last_changed,"
                 " version_count) VALUES (1, ?, 'summary', ?, 'live', '2026-10-01T00:00:00Z',"
                 " '2026-10-01T00:00:00Z', '2026-10-01T00:00:00Z', 1)", (URL, record["title"]))
    conn.execute("INSERT INTO versions VALUES (1, 1, 1, 1, '2026-10-01T00:00:00Z', 'created', ?, ?, '[\"created\"]', ?, '1', '2026-10-01T00:00:00Z')",
                 (sha, content_hash(record), json.dumps(record)))
    conn.executemany("INSERT INTO sections (article_id, position, heading, text) VALUES (1, ?, ?, ?)",
                     [(i, s["heading"], s["text"]) for i, s in enumerate(record["sections"])])
    conn.execute("INSERT INTO urls VALUES (1, ?, 1)", (URL,))
    conn.execute("INSERT INTO fetch_log VALUES (1, 1, 1, 1790000000, 200, 1, 1)")
    conn.commit()
    conn.close()
    return record


def test_older_schema_is_upgraded_in_place(tmp_path):
    path = tmp_path / "old.db"
    record = _hand_made_v1(path)
    with Archive(path) as archive:
        assert archive.schema_version() == SCHEMA_VERSION
        applied = [r[0] for r in archive.conn.execute("SELECT version FROM schema_version ORDER BY version")]
        assert applied == list(range(1, SCHEMA_VERSION + 1))
        art = archive.db["articles"].get(1)
        assert (art["host"], art["current_version"], art["content_hash"]) == (
            "example.org", 1, content_hash(record))
        # full text now covers rows written before FTS existed
        assert archive.conn.execute(
            "SELECT rowid FROM articles_fts WHERE articles_fts MATCH 'migraine'").fetchall() == [(1,)]
        assert archive.conn.execute("SELECT count(*) FROM sections_fts").fetchone()[0] == 4
        fresh = Archive(tmp_path / "fresh.db")
        for table in ("articles", "versions", "related", "crawls", "fetch_log", "snapshots"):
            assert archive.db[table].columns_dict == fresh.db[table].columns_dict, table
        fresh_indexes = {i.name for t in fresh.db.tables for i in t.indexes}
        old_indexes = {i.name for t in archive.db.tables for i in t.indexes}
        assert fresh_indexes <= old_indexes
        fresh.close()
        crawl = archive.start_crawl([URL])
        assert archive.store(crawl, URL, record, page_for(record), {}) == "unchanged"
        changed = make_record(URL, title="New migraine study")
        assert archive.store(crawl, URL, changed, page_for(changed), {}) == "changed"
    assert [v["changed"] for v in history(path, URL)] == [["created"], ["title"]]


def _wait_for_lines(proc: subprocess.Popen, n: int, timeout: float) -> list[str]:
    lines: list[str] = []
    deadline = time.monotonic() + timeout
    while len(lines) < n and time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line.rstrip("\n"))
    return lines


def _writer(path: Path, count: int) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "tests.archive_support", str(path), str(count)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_reader_querying_during_writes_never_fails(tmp_path):
    path = tmp_path / "a.db"
    Archive(path).close()
    writer = _writer(path, 300)
    reads, seen = 0, []
    try:
        reader = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
        while writer.poll() is None or reads == 0:
            versions = reader.execute("SELECT count(*) FROM versions").fetchone()[0]
            reader.execute("SELECT a.title, v.version FROM articles a JOIN versions v"
                           " ON v.article_id = a.id AND v.version = a.current_version").fetchall()
            reader.execute("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'revision'").fetchone()
            reader.execute("SELECT outcome, count(*) FROM fetches GROUP BY outcome").fetchall()
            seen.append(versions)
            reads += 1
        reader.close()
    finally:
        writer.kill()
        writer.wait()
    assert writer.returncode == 0, writer.stderr.read()
    assert reads > 10 and seen == sorted(seen) and seen[-1] > seen[0]


def test_sigkill_mid_write_leaves_every_committed_version(tmp_path):
    path = tmp_path / "a.db"
    writer = _writer(path, 100_000)
    lines = _wait_for_lines(writer, 120, timeout=120)
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait()
    assert writer.returncode == -signal.SIGKILL and len(lines) == 120
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    titles = {json.loads(r[0])["title"] for r in conn.execute("SELECT record FROM versions")}
    for line in lines:
        url, outcome, title = line.split(" ", 2)
        assert outcome in ("new", "changed")
        assert title in titles, line
    for sha, blob, encoding, size in conn.execute("SELECT sha256, body, encoding, size FROM snapshots"):
        body = decompress(blob, encoding)
        assert len(body) == size and hashlib.sha256(body).hexdigest() == sha
    conn.close()
    with Archive(path) as archive:  # and it opens, and takes writes, as usual
        record = make_record(URL)
        assert archive.store(None, URL, record, page_for(record), {}) == "new"


def test_read_commands_upgrade_an_older_file_first(tmp_path):
    path = tmp_path / "old.db"
    _hand_made_v1(path)
    data = stats(path)
    assert (data["schema_version"], data["articles"], data["versions"], data["fetches"]) == (SCHEMA_VERSION, 1, 1, 1)


@pytest.mark.parametrize("tables", [("CREATE TABLE articles (id INTEGER PRIMARY KEY, url TEXT, title TEXT)",),
                                    ("CREATE TABLE schema_version (version INTEGER, applied_at TEXT)",
                                     "INSERT INTO schema_version VALUES (3, 'x')", "CREATE TABLE articles (id INTEGER)")])
def test_another_programs_database_is_neither_read_nor_changed(tmp_path, tables):
    """Many programs keep an articles or a schema_version table of their own: the read commands had
    switched such a file to WAL and "upgraded" it, serve had answered 500s, a crawl would add our tables."""
    from archive import export_rows, stats
    from archive.serve import make_datasette

    path = tmp_path / "blog.db"
    conn = sqlite3.connect(path)
    for sql in tables:
        conn.execute(sql)
    conn.commit()
    conn.close()
    before = digest(path)
    for attempt in (lambda: Archive(path), lambda: stats(path), lambda: export_rows(path, "articles", "csv", out=io.StringIO()),
                    lambda: make_datasette(path)):
        with pytest.raises(NotAnArchive, match="not an archive"):
            attempt()
    assert digest(path) == before and sorted(p.name for p in tmp_path.iterdir()) == ["blog.db"]
