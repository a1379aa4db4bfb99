"""A tie-breaker for the first page of a sorted table, which Datasette 0.65 leaves out.

Datasette pages a sorted table by keyset: the next page asks for rows after the last one shown,
`(sort < :v or (sort = :v and id > :last))` ordered `sort desc, id`. Its first page, though, is
ordered by the sort column alone, so rows that tie (every article a crawl records in the same
second has the same `last_changed`) come in whatever order SQLite reads them; through a column's
index read backwards that is newest id first, and the next page then repeats some rows and never
shows others (a 60-article table paged as 49 rows, 25 of them distinct; `_stream=on` CSV too).
Datasette has no hook for a table page's ORDER BY, so `tie_broken` appends the primary key to the
first page's sort, the order every later page already assumes.
"""

from __future__ import annotations

import re

_NAME = r"\[[^\]]+\]|[A-Za-z_][A-Za-z0-9_]*"
# The SQL of a table page (datasette.views.table): "select COLS from TABLE [where ... ]order by
# SORT[ desc] limit N[ offset K]"; a sort already followed by its tie-breaker has a comma.
_TABLE_PAGE = re.compile(rf"(?P<head>select .+ from (?P<table>{_NAME}) (?:where .* )?order by (?P<sort>{_NAME})"
                         rf"(?: desc)?)(?P<tail> limit \d+(?: offset \d+)?)", re.S)


def page_table(sql: str) -> str | None:
    """The table a first-page table query reads, None for any other SQL."""
    m = _TABLE_PAGE.fullmatch(sql)
    return m["table"].strip("[]") if m else None


def tie_broken(sql: str, pks: list[str]) -> str:
    """`sql` with the primary key (or rowid) after its sort column, when it is a table page's SQL."""
    m = _TABLE_PAGE.fullmatch(sql)
    if m is None:
        return sql
    keys = pks or ["rowid"]
    if m["sort"].strip("[]") in keys[:1] and len(keys) == 1:
        return sql  # sorted by the key itself: no ties
    return f"{m['head']}, {', '.join(f'[{k}]' for k in keys)}{m['tail']}"
