"""Streaming a table out as CSV, JSON lines or a JSON array, one row at a time (constant memory)."""

from __future__ import annotations

import base64
import csv
import json
import os
import re
import sys
import tempfile
from pathlib import Path
from typing import IO, Any, Iterator

from archive.errors import ArchiveError
from archive.reading import reading

FORMATS = ("csv", "jsonl", "json")

# Rows of these tables carry what a citation needs: capture time, snapshot SHA-256, version.
_CITED = {
    "articles": (
        "SELECT a.*, v.fetched_at AS captured_at, a.current_version AS version"
        " FROM articles a LEFT JOIN versions v ON v.article_id = a.id AND v.version = a.current_version"
    ),
    "versions": (
        "SELECT v.*, a.url AS url, v.fetched_at AS captured_at"
        " FROM versions v JOIN articles a ON a.id = v.article_id"
    ),
}


class ExportProblem(ArchiveError):
    """Bad export request: unknown table or format, or a WHERE clause SQLite rejects."""


_ROWID = re.compile(r"\b(?:_rowid_|rowid|oid)\b", re.I)
_QUOTED = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"")  # SQL string literals (and quoted names)
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # what spreadsheets read as a formula (OWASP's list)


def _formula_safe(value: Any) -> Any:
    """Text a spreadsheet would run as a formula (a page titled =HYPERLINK(...)) as plain text, behind an
    apostrophe; numbers and other text unchanged."""
    return "'" + value if isinstance(value, str) and value.startswith(_FORMULA_STARTS) else value


def _plain(value: Any) -> Any:
    # Snapshot bodies are bytes; text formats carry them as base64.
    if isinstance(value, (bytes, memoryview)):
        return base64.b64encode(bytes(value)).decode("ascii")
    return value


def _rows(conn: Any, table: str, where: str | None) -> tuple[list[str], Iterator[tuple]]:
    kinds = dict(conn.execute("SELECT name, type FROM sqlite_master WHERE type IN ('table', 'view')"))
    names = set(kinds)
    if table not in names:
        shown = sorted(n for n in names if "_fts" not in n)
        raise ExportProblem(f"no table named {table!r} (have: {', '.join(shown)})")
    quoted = '"{}"'.format(table.replace('"', '""'))
    if (table in _CITED or kinds[table] == "view") and where and _ROWID.search(_QUOTED.sub("''", where)):
        # (SQLite gives a subquery's or a view's rows no rowid: the condition would be NULL and export nothing.)
        hint = "use id instead of rowid (the same number here)" if table in _CITED else "a view's rows have no rowid"
        raise ExportProblem(f"bad --where for {table}: {hint}")
    sql = (f"SELECT * FROM ({_CITED[table]})" if table in _CITED else f"SELECT * FROM {quoted}") + (
        f" WHERE {where}" if where else "")
    try:
        cursor = conn.execute(sql)
    except Exception as exc:  # sqlite3.Error from a user's WHERE clause
        raise ExportProblem(f"bad --where for {table}: {str(exc).splitlines()[0]}") from exc
    return [d[0] for d in cursor.description], cursor


def export_rows(source: "str | Path | object", table: str, fmt: str, where: str | None = None,
                out: IO[str] | None = None, escape_formulas: bool = False) -> int:
    """Write every row of `table` (optionally filtered by a SQL WHERE clause) to `out`; return the count.
    `escape_formulas` (CSV only): text cells a spreadsheet would run as formulas start with an apostrophe."""
    if fmt not in FORMATS:
        raise ExportProblem(f"unknown format {fmt!r} (use {', '.join(FORMATS)})")
    if escape_formulas and fmt != "csv":
        raise ExportProblem(f"--escape-formulas is for CSV opened in a spreadsheet, not {fmt}")
    cell = _formula_safe if escape_formulas else (lambda value: value)
    out = out or sys.stdout
    count = 0
    with reading(source) as conn:
        columns, rows = _rows(conn, table, where)
        if fmt == "csv":
            out.write("\ufeff")  # BOM: Excel then reads the file as UTF-8 (pandas skips it; csv needs utf-8-sig)
            writer = csv.writer(out)
            writer.writerow(columns)
            for row in rows:
                writer.writerow(["" if v is None else cell(_plain(v)) for v in row])
                count += 1
        elif fmt == "jsonl":
            for row in rows:
                line = json.dumps(dict(zip(columns, map(_plain, row))), ensure_ascii=False)
                # (U+2028/U+2029 are line breaks to readers that split on every one, as str.splitlines does.)
                out.write(line.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029") + "\n")
                count += 1
        else:
            out.write("[")
            for row in rows:
                out.write(",\n" if count else "\n")
                out.write(json.dumps(dict(zip(columns, map(_plain, row))), ensure_ascii=False))
                count += 1
            out.write("\n]\n" if count else "]\n")
    return count


_ARCHIVE_FILES = ("", "-wal", "-shm", "-journal")


def export_to_file(db: str | Path, table: str, fmt: str, path: str | Path, where: str | None = None,
                   escape_formulas: bool = False) -> int:
    """export_rows into the file at `path`, which is replaced only once every row is written: a failed
    export leaves an older file whole, and the archive's own files are never the output."""
    target = Path(path)
    for suffix in _ARCHIVE_FILES:
        own = Path(f"{db}{suffix}")
        same = own.exists() and target.exists() and os.path.samefile(own, target)
        if same or os.path.abspath(own) == os.path.abspath(target):
            raise ExportProblem(f"{path} is the archive's own file{' (' + suffix[1:] + ')' if suffix else ''}:"
                                " write the export elsewhere")
    fd, partial = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent or ".")
    try:
        with open(fd, "w", encoding="utf-8", newline="") as out:
            count = export_rows(db, table, fmt, where=where, out=out, escape_formulas=escape_formulas)
        if target.exists():
            os.chmod(partial, target.stat().st_mode & 0o7777)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(partial, 0o666 & ~umask)  # (mkstemp makes 0600: an export is an ordinary file)
        os.replace(partial, target)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise
    return count
