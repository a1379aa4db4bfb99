"""Opening an archive for the read commands (history, export, stats) without ever creating one."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path
from typing import Iterator

from archive.connect import open_readonly, translated
from archive.errors import ArchiveError, NotAnArchive, SchemaTooNew
from archive.schema import SCHEMA_VERSION, current_version, foreign, not_an_archive, table_names


@contextlib.contextmanager
def reading(source: "str | Path | object") -> Iterator[sqlite3.Connection]:
    """A connection to read from: an open Archive's own, or a read-only one on a path."""
    conn = getattr(source, "conn", None)
    if isinstance(conn, sqlite3.Connection):
        yield conn
        return
    path = Path(source)  # type: ignore[arg-type]
    db = open_readonly(path)
    try:
        with translated(path):
            names = table_names(db.conn)
            version = None if foreign(names) else current_version(db)
        if version is None:
            raise NotAnArchive(not_an_archive(path, names))
        if version > SCHEMA_VERSION:
            raise SchemaTooNew(f"{path} has schema version {version}; this code knows up to {SCHEMA_VERSION}")
        if version < SCHEMA_VERSION and os.access(path, os.W_OK):
            db.close()
            _upgrade(path)
            db = open_readonly(path)
        with translated(path):
            yield db.conn
    finally:
        db.close()


def _upgrade(path: Path) -> None:
    """Bring an older file up to date before reading it (when we may write it)."""
    from archive.store import Archive  # the writer is only needed for this rare case

    try:
        Archive(path, create=False).close()
    except ArchiveError:
        pass  # read it as it is
