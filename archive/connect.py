"""Opening the SQLite file: pragmas, read-only access, and SQLite errors turned into ArchiveError."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path
from typing import Iterator

from sqlite_utils import Database

from archive.errors import ArchiveError, ArchiveFull, ArchiveMissing, ArchiveReadOnly, NotAnArchive
from archive.schema import foreign, not_an_archive, table_names

BUSY_TIMEOUT_S = 30.0
WAL_CHECKPOINT_PAGES = 10_000  # about 40 MiB of WAL at 4 KiB pages


def describe(exc: sqlite3.Error, path: str | Path) -> ArchiveError:
    """Map a sqlite3 error to the named ArchiveError with a one-line message."""
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    lowered = text.lower()
    if "not a database" in lowered or "malformed" in lowered:
        return NotAnArchive(f"{path} is not a SQLite database ({text})")
    if "readonly" in lowered or "read-only" in lowered:
        return ArchiveReadOnly(f"{path} is read-only ({text})")
    if "disk is full" in lowered or "database or disk is full" in lowered:
        return ArchiveFull(f"{path}: disk full, nothing written ({text})")
    if "unable to open" in lowered:
        return ArchiveReadOnly(f"cannot open {path} ({text})")
    return ArchiveError(f"{path}: {text}")


@contextlib.contextmanager
def translated(path: str | Path) -> Iterator[None]:
    """Re-raise sqlite3 errors inside the block as ArchiveError (one line)."""
    try:
        yield
    except sqlite3.Error as exc:
        raise describe(exc, path) from exc
    except BrokenPipeError:
        raise  # the reader of what we write went away: not the archive's fault
    except OSError as exc:
        raise ArchiveError(f"{path}: {exc.strerror or exc}") from exc


def open_writable(path: str | Path, create: bool) -> Database:
    """A read-write sqlite-utils Database with WAL, busy timeout and foreign keys on."""
    path = Path(path)
    if not path.exists():
        if not create:
            raise ArchiveMissing(f"no archive at {path}")
        if not path.parent.is_dir():
            raise ArchiveError(f"cannot create {path}: directory {path.parent} does not exist")
        if not os.access(path.parent, os.W_OK):
            raise ArchiveReadOnly(f"cannot create {path}: directory {path.parent} is read-only")
    elif path.is_dir():
        raise NotAnArchive(f"{path} is a directory, not an archive file")
    elif not os.access(path, os.W_OK):
        raise ArchiveReadOnly(f"{path} is read-only")
    with translated(path):
        # isolation_level=None: we issue BEGIN IMMEDIATE / COMMIT ourselves, so one store is
        # exactly one transaction and nothing opens an implicit one behind our back.
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S, isolation_level=None,
                               check_same_thread=False)
        try:
            # Any read fails here, before we write a byte, when the file is not SQLite; and a
            # SQLite file holding other tables is left alone (no WAL switch, no schema).
            names = table_names(conn)
            if foreign(names):
                raise NotAnArchive(not_an_archive(path, names))
            conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            conn.execute("PRAGMA foreign_keys = ON")
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if mode.lower() != "wal":
                raise ArchiveReadOnly(f"{path}: cannot switch to WAL journal (got {mode})")
            # NORMAL in WAL mode: commits are atomic and survive a crash of this process;
            # only a power cut can lose the last few, never corrupt the file.
            conn.execute("PRAGMA synchronous = NORMAL")
            # A page's transaction rewrites ~90 pages (B-tree leaves, FTS segments), mostly the
            # same hot ones each time: checkpointing every WAL_CHECKPOINT_PAGES instead of SQLite's
            # 1,000 copies each hot page to the file once, not every 11 stores (-16% store CPU).
            conn.execute(f"PRAGMA wal_autocheckpoint = {WAL_CHECKPOINT_PAGES}")
        except BaseException:
            conn.close()
            raise
    return Database(conn)


def open_readonly(path: str | Path) -> Database:
    """A read-only Database for the read commands; never creates or changes the file."""
    path = Path(path)
    if not path.exists():
        raise ArchiveMissing(f"no archive at {path}")
    if path.is_dir():
        raise NotAnArchive(f"{path} is a directory, not an archive file")
    uri = path.resolve().as_uri()
    with translated(path):
        try:
            conn = _connect_ro(f"{uri}?mode=ro")
        except sqlite3.OperationalError:
            # A WAL file read by a user who cannot create its -shm: with no -wal pending,
            # reading it as immutable is exact.
            if Path(f"{path}-wal").exists():
                raise
            conn = _connect_ro(f"{uri}?immutable=1")
    return Database(conn)


def _connect_ro(uri: str) -> sqlite3.Connection:
    conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S, isolation_level=None,
                           check_same_thread=False)
    try:
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except BaseException:
        conn.close()
        raise
    return conn
