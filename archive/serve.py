"""The one Datasette factory: the archive read-only, with the project's metadata, templates and plugin."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import yaml
from datasette.app import Datasette

from archive.datasette.facet_cache import FacetCachingDatabase
from archive.errors import ArchiveMissing, NotAnArchive, SchemaTooNew
from archive.schema import SCHEMA_VERSION, foreign, not_an_archive, table_names

HERE = Path(__file__).resolve().parent / "datasette"
METADATA = HERE / "metadata.yml"
TEMPLATES = HERE / "templates"
PLUGINS = HERE / "plugins"
# The database's name in every URL (/archive/articles), whatever the file is called, so links,
# canned queries and dashboards in metadata.yml work for demo.db as for archive.db.
DATABASE = "archive"

SETTINGS: dict[str, Any] = {
    # The slowest pages a researcher needs (the faceted articles page, a search over 100,000
    # articles: see archive/datasette/search.py) take under 100 ms; 3 s leaves room for
    # ad-hoc joins over versions while one runaway query cannot hold a SQLite thread for long.
    "sql_time_limit_ms": 3000,
    # Default facets run on every articles page (a search counts them only when asked), each
    # counted once per change of the file (facet_cache.py); each gets 500 ms before it is dropped.
    "facet_time_limit_ms": 500,
    # Suggesting facets costs a query per column on every table page; the useful facets are
    # configured in metadata.yml instead.
    "suggest_facets": False,
    # Whole-file download is off: the file holds every raw page (large); tables and queries
    # export as CSV/JSON, streamed in full with _stream=on.
    "allow_download": False,
    "allow_csv_stream": True,
    "truncate_cells_html": 240,
    "default_page_size": 50,
}
# Published on the open internet: a shorter leash on ad-hoc SQL.
PUBLIC_SETTINGS: dict[str, Any] = {"sql_time_limit_ms": 1000}


def load_metadata() -> dict[str, Any]:
    """metadata.yml as a dict (title, table and column descriptions, canned queries, dashboard)."""
    return yaml.safe_load(METADATA.read_text(encoding="utf-8"))


def check_archive(db_path: str | Path) -> Path:
    """The path, if it is a readable SQLite file with an articles table; else a named ArchiveError."""
    path = Path(db_path)
    if not path.exists():
        raise ArchiveMissing(f"no archive at {path}")
    if path.is_dir():
        raise NotAnArchive(f"{path} is a directory, not an archive file")
    try:
        conn = _open_ro(path, "immutable=1" if frozen(path) else "mode=ro")
        try:
            names = table_names(conn)
            version = None if foreign(names) else conn.execute(
                "SELECT max(version) FROM schema_version").fetchone()[0] if "schema_version" in names else None
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise NotAnArchive(f"{path} is not a SQLite database ({exc})") from exc
    if version is None:
        raise NotAnArchive(not_an_archive(path, names))
    if version > SCHEMA_VERSION:
        raise SchemaTooNew(f"{path} has schema version {version}; this code knows up to {SCHEMA_VERSION}"
                           " (upgrade summary-archive)")
    return path


def _open_ro(path: Path, mode: str) -> sqlite3.Connection:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?{mode}", uri=True)
    try:
        conn.execute("select count(*) from sqlite_master").fetchone()
    except sqlite3.Error:
        conn.close()
        raise
    return conn


def frozen(path: Path) -> bool:
    """True for an archive that SQLite cannot open with mode=ro because it may not create the -shm
    file a WAL file needs (read-only media, a published copy, a directory nobody here may write):
    with no -wal pending nothing can change it, so reading it as immutable is exact."""
    if Path(f"{path}-wal").exists():
        return False
    try:
        _open_ro(path, "mode=ro").close()
    except sqlite3.OperationalError as exc:
        return "unable to open" in str(exc)
    except sqlite3.Error:
        return False
    return False


def make_datasette(db_path: str | Path, *, public: bool = False,
                   settings: dict[str, Any] | None = None) -> Datasette:
    """Datasette serving the archive at `db_path` read-only, as `summary-archive serve` does.

    The file is opened with `mode=ro` (not `immutable`), so versions a running crawl commits
    show up on the next request; every connection also sets `PRAGMA query_only`.
    `settings` overrides single Datasette settings (tests, benchmarks).
    """
    path = check_archive(db_path)
    merged = {**SETTINGS, **(PUBLIC_SETTINGS if public else {}), **(settings or {})}
    ds = Datasette(
        [],
        metadata=load_metadata(),
        template_dir=str(TEMPLATES),
        plugins_dir=str(PLUGINS),
        settings=merged,
        cors=False,
    )
    # Facet counts are kept until the file changes (archive/datasette/facet_cache.py).
    ds.add_database(FacetCachingDatabase(ds, path=str(path.resolve()), is_mutable=not frozen(path)), name=DATABASE)
    # Datasette adds an in-memory scratch database when given no files; the archive is the only one.
    if "_memory" in ds.databases:
        ds.remove_database("_memory")
    return ds
