"""The Atom feed of recent changes: datasette-atom's renderer, made whole for a feed with no entries.

datasette-atom 0.9 takes the feed's `updated` as the newest entry's (`max()` of no rows: HTTP 500
for a new archive, or a `since` later than every change) and serves every feed as
`application/xml`. `complete_feed` wraps its renderer: an empty feed is a valid feed (an id, a
title, the time it was asked for and an author, as RFC 4287 asks), and every feed is served as
`application/atom+xml`, so feed readers and validators know what they got; its root carries
`xml:base`, the server it came from, against which the entries' links resolve.
"""

from __future__ import annotations

from datetime import datetime, timezone
from html import escape
from typing import Any, Callable

from datasette.utils.asgi import Response
from feedgen.feed import FeedGenerator

ATOM_TYPE = "application/atom+xml; charset=utf-8"
AUTHOR = "summary-archive"


def _title(datasette: Any, database: str, query_name: str | None, sql: str | None) -> str:
    """The canned query's title (as datasette-atom names a feed), else its SQL."""
    try:
        return datasette.metadata(database=database)["queries"][query_name]["title"]
    except (KeyError, TypeError):
        return sql or "Atom feed"


def empty_feed(datasette: Any, request: Any, database: str, query_name: str | None, sql: str | None) -> bytes:
    """A valid Atom feed with no entries."""
    feed = FeedGenerator()
    feed.id(request.url)
    feed.link(href=request.url, rel="self")
    feed.title(_title(datasette, database, query_name, sql))
    feed.author({"name": AUTHOR})
    feed.updated(datetime.now(timezone.utc))
    return feed.atom_str(pretty=True)


def _with_base(body: Any, base: str) -> Any:
    """The feed with xml:base on its root: entries link the archive's pages as /-/article/ID, which a
    feed reader resolves against the server the feed came from."""
    text = body.decode("utf-8") if isinstance(body, bytes) else body
    if not isinstance(text, str) or "xml:base=" in text[:1000]:
        return body
    return text.replace("<feed ", f'<feed xml:base="{escape(base, quote=True)}" ', 1).encode("utf-8")


def complete_feed(render: Callable[..., Any]) -> Callable[..., Any]:
    """datasette-atom's `render` with an empty feed for no rows and the Atom content type."""

    def render_feed(datasette: Any, request: Any, sql: str, columns: list[str], rows: list[Any], database: str,
                    table: str | None, query_name: str | None, view_name: str, data: dict) -> Response:
        if rows:
            response = render(datasette=datasette, request=request, sql=sql, columns=columns, rows=rows,
                              database=database, table=table, query_name=query_name, view_name=view_name, data=data)
        else:
            response = Response(empty_feed(datasette, request, database, query_name, sql))
        response.body = _with_base(response.body, f"{request.scheme}://{request.host}/")
        response.content_type = ATOM_TYPE
        return response

    return render_feed
