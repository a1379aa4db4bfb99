"""The archive's tables, built and upgraded by a list of numbered migration steps."""

from __future__ import annotations

from typing import Any, Callable
from urllib.parse import urlsplit

from sqlite_utils import Database

from archive.clock import utc_now

# Outcome codes of `fetch_log.outcome`; the `fetches` view turns them back into words.
# "back": a gone article answering again with the content it had (counted as unchanged in `crawls`).
OUTCOMES = ("unchanged", "new", "changed", "gone", "error", "held", "back")
OUTCOME_CODE = {name: code for code, name in enumerate(OUTCOMES)}

FTS_COLUMNS = {
    "articles": ["title", "key_takeaway", "what_they_found", "who_should_care",
                 "important_considerations", "journal"],
    "sections": ["heading", "text"],
    "related": ["title", "excerpt"],
}

# A numeric column that keeps ints as ints and floats as floats ("as drawn"): NUMERIC affinity.
NUMBER = "ANY"


def _v1_core(db: Database) -> None:
    """Version 1: the ARCHIVE.md tables at their floor, plus the compact fetch log behind `fetches`."""
    db["crawls"].create({
        "id": int, "started_at": str, "finished_at": str, "start_urls": str, "status": str,
        "fetched": int, "new": int, "changed": int, "unchanged": int, "gone": int, "errors": int,
    }, pk="id", defaults={c: 0 for c in ("fetched", "new", "changed", "unchanged", "gone", "errors")})
    db["articles"].create({
        "id": int, "url": str, "page_type": str, "title": str,
        "credibility": NUMBER, "credibility_max": NUMBER, "credibility_label": str,
        "interest": NUMBER, "interest_max": NUMBER, "interest_label": str,
        "key_takeaway": str, "what_they_found": str, "who_should_care": str,
        "important_considerations": str, "journal": str, "source_url": str, "doi": str,
        "published": str, "status": str, "first_seen": str, "last_seen": str,
        "last_changed": str, "version_count": int,
    }, pk="id", not_null={"url"})
    db["articles"].create_index(["url"], unique=True)
    db["snapshots"].create({
        "sha256": str, "id": int, "url": str, "fetched_at": str, "http_status": int,
        "content_type": str, "headers": str, "encoding": str, "size": int, "body": bytes,
    }, pk="sha256", not_null={"id"})
    db["snapshots"].create_index(["id"], unique=True)
    db["versions"].create({
        "id": int, "article_id": int, "version": int, "crawl_id": int, "fetched_at": str,
        "cause": str, "snapshot_sha256": str, "content_hash": str, "changed": str,
        "record": str, "parser_version": str, "recorded_at": str,
    }, pk="id", not_null={"article_id", "version"}, foreign_keys=[
        ("article_id", "articles", "id"), ("crawl_id", "crawls", "id"),
        ("snapshot_sha256", "snapshots", "sha256"),
    ])
    db["versions"].create_index(["article_id", "version"], unique=True)
    db["sections"].create({
        "id": int, "article_id": int, "position": int, "heading": str, "text": str,
    }, pk="id", foreign_keys=[("article_id", "articles", "id")])
    db["related"].create({
        "id": int, "article_id": int, "position": int, "title": str, "url": str, "date": str,
        "excerpt": str, "excerpt_truncated": int, "target_id": int, "first_seen": str,
        "last_seen": str, "current": int,
    }, pk="id", foreign_keys=[("article_id", "articles", "id"), ("target_id", "articles", "id")])
    db["related"].create_index(["article_id", "url"], unique=True)
    db["fetch_errors"].create({
        "id": int, "crawl_id": int, "url": str, "http_status": int, "error": str, "at": str,
    }, pk="id", foreign_keys=[("crawl_id", "crawls", "id")])
    # Every request is logged, so each recrawl adds one row per page: rows hold small integers
    # only (URL, snapshot and outcome by reference, time as Unix seconds), clustered by crawl so
    # no separate index is needed; the `fetches` view presents them with the ARCHIVE.md columns.
    db["urls"].create({"id": int, "url": str, "article_id": int}, pk="id",
                      not_null={"url"}, foreign_keys=[("article_id", "articles", "id")])
    db["urls"].create_index(["url"], unique=True)
    # Hand-written: sqlite-utils cannot create WITHOUT ROWID tables.
    db.execute("""
        CREATE TABLE fetch_log (
          crawl_id INTEGER NOT NULL REFERENCES crawls(id),
          seq INTEGER NOT NULL,
          url_id INTEGER NOT NULL REFERENCES urls(id),
          at INTEGER NOT NULL,
          http_status INTEGER,
          snapshot_id INTEGER REFERENCES snapshots(id),
          outcome INTEGER NOT NULL,
          PRIMARY KEY (crawl_id, seq)
        ) WITHOUT ROWID
    """)
    _fetches_view(db)


def _fetches_view(db: Database) -> None:
    """The `fetches` view: the compact fetch log with its URLs, times and outcomes in words."""
    outcome_case = " ".join(f"WHEN {code} THEN '{name}'" for name, code in OUTCOME_CODE.items())
    db.execute("DROP VIEW IF EXISTS fetches")
    db.create_view("fetches", f"""
        SELECT f.crawl_id, f.seq, u.url, strftime('%Y-%m-%dT%H:%M:%SZ', f.at, 'unixepoch') AS at,
               f.http_status, s.sha256 AS snapshot_sha256, CASE f.outcome {outcome_case} END AS outcome,
               u.article_id
        FROM fetch_log f JOIN urls u ON u.id = f.url_id LEFT JOIN snapshots s ON s.id = f.snapshot_id
    """)


def _v2_article_state(db: Database) -> None:
    """Version 2: what the crawler and the store keep per article (validators, hashes, host)."""
    articles = db["articles"]
    for name, kind in [
        ("ratings", str), ("source_published", str), ("current_version", int),
        ("snapshot_sha256", str), ("content_hash", str), ("related_hash", str),
        ("etag", str), ("last_modified", str), ("host", str), ("last_crawl_id", int),
        ("gone_at", str), ("parser_version", str),
    ]:
        if name not in articles.columns_dict:
            articles.add_column(name, kind)
    db["crawls"].add_column("held", int, not_null_default=0)
    # Fill the new columns of articles archived before this step from their latest version.
    db.execute("""
        UPDATE articles SET
          current_version = (SELECT max(version) FROM versions v WHERE v.article_id = articles.id),
          content_hash = (SELECT content_hash FROM versions v WHERE v.article_id = articles.id
                          ORDER BY version DESC LIMIT 1),
          snapshot_sha256 = (SELECT snapshot_sha256 FROM versions v WHERE v.article_id = articles.id
                             ORDER BY version DESC LIMIT 1),
          parser_version = (SELECT parser_version FROM versions v WHERE v.article_id = articles.id
                            ORDER BY version DESC LIMIT 1)
    """)
    rows = db.execute("SELECT id, url FROM articles").fetchall()
    db.conn.executemany("UPDATE articles SET host = ? WHERE id = ?",
                        [((urlsplit(url).hostname or "").lower(), aid) for aid, url in rows])


def _v3_full_text(db: Database) -> None:
    """Version 3: FTS5 on articles, sections and related, kept in step by triggers."""
    for table, columns in FTS_COLUMNS.items():
        db[table].enable_fts(columns, create_triggers=True, tokenize="porter")
        # sqlite-utils' update trigger fires on any column; the store moves `last_seen` on
        # every fetch, so the trigger is narrowed to the indexed columns to keep the index still.
        cols = ", ".join(f'"{c}"' for c in columns)
        old = ", ".join(f'old."{c}"' for c in columns)
        new = ", ".join(f'new."{c}"' for c in columns)
        db.execute(f'DROP TRIGGER IF EXISTS "{table}_au"')
        db.execute(f"""
            CREATE TRIGGER "{table}_au" AFTER UPDATE OF {cols} ON "{table}" BEGIN
              INSERT INTO "{table}_fts" ("{table}_fts", rowid, {cols}) VALUES('delete', old.rowid, {old});
              INSERT INTO "{table}_fts" (rowid, {cols}) VALUES (new.rowid, {new});
            END
        """)


def _v4_indexes(db: Database) -> None:
    """Version 4: indexes for the crawler's look-ups and for serving."""
    for table, columns in [
        ("related", ["target_id"]), ("related", ["url"]),
        ("articles", ["status"]), ("articles", ["last_changed"]), ("articles", ["host", "status"]),
        ("versions", ["crawl_id"]), ("versions", ["snapshot_sha256"]),
        ("sections", ["article_id", "position"]), ("fetch_errors", ["crawl_id"]),
        ("urls", ["article_id"]),
    ]:
        db[table].create_index(columns, if_not_exists=True, find_unique_name=True)


def _v5_facet_indexes(db: Database) -> None:
    """Version 5: indexes behind the default facets of the articles table page (fast at 100k rows)."""
    for columns in (["credibility"], ["interest"], ["journal"], ["page_type"]):
        db["articles"].create_index(columns, if_not_exists=True, find_unique_name=True)
    # The month facet groups by substr(first_seen, 1, 7); an expression index lets SQLite read it in order.
    db.execute("CREATE INDEX IF NOT EXISTS idx_articles_first_seen_month ON articles (substr(first_seen, 1, 7))")


def _v6_crawl_owner(db: Database) -> None:
    """Version 6: the process that runs each crawl (pid, host), so a crawl whose process died can be told apart."""
    crawls = db["crawls"]
    for name, kind in [("pid", int), ("host", str)]:
        if name not in crawls.columns_dict:
            crawls.add_column(name, kind)


def _v7_page_links(db: Database) -> None:
    """Version 7: the links and validators of every page a crawl followed (archive.page_links)."""
    columns = {"url": str, "etag": str, "last_modified": str, "links": bytes, "link_count": int,
               "links_version": str, "judgement": str, "crawl_id": int, "seen_at": str}
    table = db["page_links"]
    if not table.exists():
        table.create(columns, pk="url", foreign_keys=[("crawl_id", "crawls", "id")])
    for name, kind in columns.items():  # a development build's table without its later columns
        if name not in table.columns_dict:
            table.add_column(name, kind)


def _v8_moved_to(db: Database) -> None:
    """Version 8: where a gone article moved to (the URL its old one now redirects to for good)."""
    if "moved_to" not in db["articles"].columns_dict:
        db["articles"].add_column("moved_to", str)


def _v9_url_last_crawl(db: Database) -> None:
    """Version 9: the last crawl that fetched each URL, so a page fetched twice in one crawl (a resumed
    crawl starting its requests over, a move's target followed again) is counted once in its row."""
    if "last_crawl_id" not in db["urls"].columns_dict:
        db["urls"].add_column("last_crawl_id", int)


def _v10_crawl_note(db: Database) -> None:
    """Version 10: why a finished crawl marked nothing gone, or why it failed (what its summary said)."""
    if "note" not in db["crawls"].columns_dict:
        db["crawls"].add_column("note", str)


def _v11_moved_from_index(db: Database) -> None:
    """Version 11: the articles that moved to a URL, found by an index (an article page names them)."""
    db.execute("CREATE INDEX IF NOT EXISTS idx_articles_moved_to ON articles (moved_to) WHERE moved_to IS NOT NULL")


def _v12_back_outcome(db: Database) -> None:
    """Version 12: the `fetches` view says 'back' for a gone article that answered again unchanged."""
    _fetches_view(db)


MIGRATIONS: list[tuple[int, Callable[[Database], None]]] = [
    (1, _v1_core),
    (2, _v2_article_state),
    (3, _v3_full_text),
    (4, _v4_indexes),
    (5, _v5_facet_indexes),
    (6, _v6_crawl_owner),
    (7, _v7_page_links),
    (8, _v8_moved_to),
    (9, _v9_url_last_crawl),
    (10, _v10_crawl_note),
    (11, _v11_moved_from_index),
    (12, _v12_back_outcome),
]
SCHEMA_VERSION = MIGRATIONS[-1][0]


# What every archive holds from its first schema on: a file with a schema_version table but not these
# is another program's database (many keep a table of that name) and is never migrated or read.
ARCHIVE_TABLES = frozenset({"schema_version", "crawls", "articles", "versions", "sections", "snapshots"})


def foreign(names: set[str]) -> bool:
    """A database holding tables (`names`) that are not an archive's: not empty, and not all of ours."""
    own = {name for name in names if not name.startswith("sqlite_")}
    return bool(own) and not ARCHIVE_TABLES <= own


def not_an_archive(path: object, names: set[str]) -> str:
    """The one line saying why the file at `path`, holding tables `names`, is no archive."""
    if "schema_version" not in names:
        return f"{path} is a SQLite database but not an archive (no schema_version)"
    missing = ", ".join(sorted(ARCHIVE_TABLES - names))
    return f"{path} is a SQLite database but not an archive (it has a schema_version table, but no {missing})"


def table_names(conn: Any) -> set[str]:
    """Names of the tables in a database (an sqlite3 connection)."""
    return {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def current_version(db: Database) -> int | None:
    """The schema version recorded in the file; None when the file has no archive schema."""
    if not db["schema_version"].exists():
        return None
    row = db.execute("SELECT max(version) FROM schema_version").fetchone()
    return row[0] or 0


def pending(version: int | None) -> list[tuple[int, Callable[[Database], None]]]:
    """Migration steps still to run on a file at `version`."""
    start = version or 0
    return [(n, step) for n, step in MIGRATIONS if n > start]


def apply_step(db: Database, number: int, step: Callable[[Database], None]) -> None:
    """Run one migration step and record it (the caller holds the transaction)."""
    if not db["schema_version"].exists():
        db["schema_version"].create({"version": int, "applied_at": str}, pk="version")
    step(db)
    db["schema_version"].insert({"version": number, "applied_at": utc_now()})
    db.execute(f"PRAGMA user_version = {int(number)}")
