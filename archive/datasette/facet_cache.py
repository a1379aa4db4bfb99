"""Facet counts remembered until the archive file changes.

Datasette 0.65 recounts every facet on every table page: the articles page's six default facets
each scan an index of the whole table (tens of milliseconds together at 100,000 articles), for
counts that change only when a crawl commits. Datasette has no facet cache, so this database
class keeps the answers of facet queries (recognised by the SQL shape Datasette's facets and the
month facet share) keyed by SQL and parameters, and drops them all when the file or its WAL
changes size or modification time, which every commit does.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from datasette.database import Database

# Every facet query (Datasette's column, array and date facets, archive.datasette.month_facet)
# selects `... as value, count(*) as count from (<the page's SQL>)`.
FACET_SHAPE = "as value, count(*) as count from ("
MAX_ENTRIES = 512


class FacetCachingDatabase(Database):
    """A Datasette Database whose facet queries are answered from memory while the file is unchanged."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._facets: dict[tuple, Any] = {}
        self._signature: tuple | None = None

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
        """Datasette's execute; facet queries from the cache when the file has not changed."""
        if FACET_SHAPE not in sql:
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
