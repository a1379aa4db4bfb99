"""Full-text search on table pages that stays fast when a word is in most of the archive.

Datasette 0.65 searches a table with `rowid in (select rowid from FTS where FTS match ...)`.
SQLite guesses that such a list is short, so it fetches every matching row and sorts them all:
for a word in 90% of 100,000 articles the page takes hundreds of milliseconds, its row count as
long again, and each facet (computed with the same SQL) once more. Two changes, made by an ASGI
wrapper on the archive's table pages because Datasette has no hook to alter its own search:

- `_search=WORDS` is handed to Datasette as `_fulltext=WORDS`, which `search_filter` turns into
  the same match, written `+rowid in (...)` when the word is common (counted in the full-text
  index first): the `+` keeps SQLite from driving the query from the list, so it walks the
  table's sort index and tests each row against the matches (the first page after a few rows;
  the row count one pass over a small index). Same rows, same order.
  Links on the page carry `_fulltext`, which is accepted as input too. The page's row count,
  when the search is its only filter, is counted in the full-text index instead
  (archive/datasette/facet_cache.py).
- A search that names no facet gets Datasette's own `_nofacet`, valued `search` so it is removed
  again once no search is left (Datasette's forms and links copy `_nofacet` along).
  `_withfacets=1`, or naming a facet (`_facet=journal`), counts the facets of a search as before.
"""

from __future__ import annotations

import re
import sqlite3
from typing import Any, Awaitable, Callable
from urllib.parse import parse_qsl, urlencode

from datasette.database import QueryInterrupted
from datasette.filters import FilterArguments
from datasette.utils import escape_sqlite

SEARCH = "_search"
FULLTEXT = "_fulltext"  # the simple search as Datasette sees it, so its own filter stays out
MARK = "search"  # the value of the `_nofacet` added here; a person's `_nofacet=1` is left alone
OPT_IN = "_withfacets"
# From this many matches on, the match is written `+rowid in (...)`; below, as Datasette writes it.
COMMON = 5000

Asgi = Callable[[dict, Callable, Callable], Awaitable[None]]
Pairs = list[tuple[str, str]]


def _is_search(key: str) -> bool:
    return key == FULLTEXT or (key.startswith(SEARCH) and key != "_searchmode")


def _asks_for_facets(pairs: Pairs) -> bool:
    return any((key.startswith("_facet") and key != "_facet_size") or key in ("_nofacet", OPT_IN)
               for key, _ in pairs)


def rewrite_query(query: str) -> str | None:
    """The query string as Datasette should see it, or None when unchanged.

    `_search` becomes `_fulltext` (a new `_search` replaces a `_fulltext` copied along by a form);
    a blank search (a search box submitted empty, or only quotes and marks: an error in Datasette's
    full-text query) is dropped; a search that
    names no facet gets `_nofacet=search`, and that mark goes once no search is left.
    """
    pairs = parse_qsl(query, keep_blank_values=True)
    searched_anew = any(key == SEARCH for key, _ in pairs)
    kept: Pairs = []
    for key, value in pairs:
        if (_is_search(key) and not any(ch.isalnum() for ch in value)) or (key == FULLTEXT and searched_anew):
            continue
        kept.append((FULLTEXT if key == SEARCH else key, value))
    if any(_is_search(key) for key, _ in kept):
        if not _asks_for_facets(kept):
            kept.append(("_nofacet", MARK))
    else:
        kept = [pair for pair in kept if pair != ("_nofacet", MARK)]
    return None if kept == pairs else urlencode(kept)


def search_wrapper(app: Asgi, database: str) -> Asgi:
    """ASGI wrapper applying `rewrite_query` to the table pages of `database` (/DB/TABLE[.ext])."""
    table_path = re.compile(rf"^/{re.escape(database)}/[^/-][^/]*$")

    async def wrapped(scope: dict, receive: Callable, send: Callable) -> None:
        if scope.get("type") == "http" and table_path.match(scope.get("path", "")):
            rewritten = rewrite_query(scope.get("query_string", b"").decode("latin-1"))
            if rewritten is not None:
                scope = {**scope, "query_string": rewritten.encode("latin-1")}
                await app(scope, receive, _public_redirects(send))
                return
        await app(scope, receive, send)

    return wrapped


def public_query(query: str) -> str:
    """A query string as people write it: `_search` again, without the `_nofacet` added here."""
    pairs = parse_qsl(query, keep_blank_values=True)
    return urlencode([(SEARCH if key == FULLTEXT else key, value) for key, value in pairs
                      if (key, value) != ("_nofacet", MARK)])


def _public_redirects(send: Callable) -> Callable:
    """`send` with the Location of Datasette's redirects (the filter form's) in `public_query` form."""

    async def sending(message: dict) -> None:
        if message.get("type") == "http.response.start" and 300 <= message.get("status", 0) < 400:
            headers = []
            for name, value in message.get("headers", []):
                if name.lower() == b"location" and b"?" in value:
                    path, query = value.decode("latin-1").split("?", 1)
                    public = public_query(query)
                    value = (f"{path}?{public}" if public else path).encode("latin-1")
                headers.append((name, value))
            message = {**message, "headers": headers}
        await send(message)

    return sending


async def search_filter(request: Any, database: str, table: str, datasette: Any) -> FilterArguments | None:
    """The where clause of `_fulltext`: Datasette's `_search` clause, with a `+` for common words."""
    search = request.args.get(FULLTEXT)
    if not search:
        return None
    table_metadata = datasette.table_metadata(database, table)
    fts_table = table_metadata.get("fts_table") or await datasette.get_database(database).fts_table(table)
    if not fts_table:
        return None  # no full-text index: Datasette ignores a search here too
    fts_pk = table_metadata.get("fts_pk", "rowid")
    raw = request.args.get("_searchmode", "raw" if table_metadata.get("searchmode") == "raw" else "")
    match = ":fulltext" if raw == "raw" else "escape_fts(:fulltext)"
    fts = escape_sqlite(fts_table)
    subquery = f"select rowid from {fts} where {fts} match {match}"
    try:
        # Counting matches inside the full-text index reads no rows (a few ms even for 90,000).
        found = (await datasette.get_database(database).execute(
            f"select count(*) from {fts} where {fts} match {match}", {"fulltext": search})).first()[0]
    except (sqlite3.Error, QueryInterrupted):
        found = COMMON  # a malformed raw query: the page's own query reports it
    # Few matches: fetching them by rowid (Datasette's plan) is quickest; many: the `+`.
    plus = "+" if found >= COMMON else ""
    return FilterArguments(
        [f"{plus}{escape_sqlite(fts_pk)} in ({subquery})"],
        {"fulltext": search},
        [f'search matches "{search}"'],
        {"search": search},
    )


def facets_url(request: Any) -> str | None:
    """For a search page whose facets were skipped: the same page with its facets counted."""
    pairs = parse_qsl(request.query_string, keep_blank_values=True)
    if ("_nofacet", MARK) not in pairs:
        return None
    kept = [pair for pair in pairs if pair != ("_nofacet", MARK)] + [(OPT_IN, "1")]
    return f"{request.path}?{urlencode(kept)}"
