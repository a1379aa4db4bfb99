"""Facet and row counts remembered until the archive file changes.

Datasette 0.65 recounts every facet on every table page: the articles page's six default facets
each scan an index of the whole table (tens of milliseconds together at 100,000 articles), for
counts that change only when a crawl commits. Datasette has no facet cache, so this database
class keeps the answers of facet queries (recognised by the SQL shape Datasette's facets and the
month facet share) keyed by SQL and parameters, and drops them all when the file or its WAL
changes size or modification time, which every commit does. Row counts (`select count(*) from`,
such as a filtered page's) are kept the same way, and the row count of a page filtered only by a
full-text search is counted in the full-text index, so even the first search stays fast.
The first page of a sorted table gets the tie-breaker Datasette leaves out (archive.datasette.tie_break).
"""

from __future__ import annotations

import os
import re
import sqlite3
from pathlib import Path
from typing import Any

from datasette.database import Database

from archive.datasette.tie_break import page_table, tie_broken

# Every facet query (Datasette's column, array and date facets, archive.datasette.month_facet)
# selects `... as value, count(*) as count from (<the page's SQL>)`.
FACET_SHAPE = "as value, count(*) as count from ("
MAX_ENTRIES = 512
# Datasette's row count of a table page whose only filter is a full-text search
# (archive.datasette.search.search_filter): count(*) over every matching row of the table.
SEARCH_COUNT = re.compile(
    r"select count\(\*\) from (?P<table>\S+) where \+?(?:rowid|\[rowid\]) in "
    r"\((?P<matches>select rowid from (?P<fts>\S+) where (?P=fts) match "
    r"(?:escape_fts\(:fulltext\)|:fulltext))\)\s*")
# Counting the matches in the full-text index itself (whose triggers keep one row per table row)
# reads no table rows: a few milliseconds for a word in 90% of 100,000 articles, not 30-60.
MATCH_COUNT = "select count(*) from {fts} where {fts} match "


class FacetCachingDatabase(Database):
    """A Datasette Database whose facet queries are answered from memory while the file is unchanged."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._facets: dict[tuple, Any] = {}
        self._signature: tuple | None = None
        self._pks: dict[str, list[str] | None] = {}

    def connect(self, write: bool = False) -> sqlite3.Connection:
        """Datasette's connection, with the file's path written as a URI: Datasette puts the path into
        "file:PATH?mode=ro" as it is, so a "#", "?" or "%" in a file name opened another file."""
        if self.is_memory or self.memory_name or write:
            return super().connect(write)
        query = ("mode=ro" + ("&nolock=1" if self.ds.nolock else "")) if self.is_mutable else "immutable=1"
        conn = sqlite3.connect(f"{Path(self.path).resolve().as_uri()}?{query}", uri=True, check_same_thread=False)
        self._all_file_connections.append(conn)
        return conn

    def file_signature(self) -> tuple:
        """Size and modification time of the file and its WAL: any commit changes one of them."""
        parts = []
        for path in (Path(self.path), Path(f"{self.path}-wal")):
            try:
                stat = os.stat(path)
            except OSError:
                parts.append(None)
            else:
                parts.append((stat.st_size, stat.st_mtime_ns))
        return tuple(parts)

    async def execute(self, sql: str, params: Any = None, *args: Any, **kwargs: Any) -> Any:
        """Datasette's execute; facet queries and counts from the cache when the file has not changed."""
        if (table := page_table(sql)) is not None:
            if table not in self._pks:  # (a view pages by offset and has no key to break ties with)
                self._pks[table] = None if table in await self.view_names() else await self.primary_keys(table)
            if self._pks[table] is not None:
                sql = tie_broken(sql, self._pks[table])
        search_count = SEARCH_COUNT.fullmatch(sql)
        if search_count:
            fts = search_count["fts"]
            sql = MATCH_COUNT.format(fts=fts) + search_count["matches"].rsplit(" match ", 1)[1]
        if FACET_SHAPE not in sql and not sql.startswith("select count(*) from "):
            return await super().execute(sql, params, *args, **kwargs)
        signature = self.file_signature()
        if signature != self._signature:
            self._facets.clear()
            self._signature = signature
        bound = sorted(params.items()) if isinstance(params, dict) else list(params or ())
        key = (sql, tuple(bound), args, tuple(sorted(kwargs.items())))
        if key in self._facets:
            return self._facets[key]
        results = await super().execute(sql, params, *args, **kwargs)
        if len(self._facets) >= MAX_ENTRIES:
            self._facets.pop(next(iter(self._facets)))
        if self.file_signature() == signature:  # not written to meanwhile
            self._facets[key] = results
        return results
