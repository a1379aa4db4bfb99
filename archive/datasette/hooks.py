"""Datasette hooks of the archive: article page routes, safe link cells, month facet, read-only,
searches that stay fast on common words (see search).

Registered through `archive/datasette/plugins/summary_archive_plugin.py` (Datasette's
`--plugins-dir`), so `summary-archive serve` and a hand-run `datasette` load the same code.
"""

from __future__ import annotations

from typing import Any

import markupsafe
from datasette import hookimpl
from datasette.views.base import DatasetteError

from archive.datasette.article import DATABASE, article_by_url, article_page
from archive.datasette.feed import complete_feed
from archive.datasette.links import safe_href
from archive.datasette.month_facet import MonthFacet
from archive.datasette.search import facets_url, search_filter, search_wrapper

# Page cache per SQLite connection (Datasette keeps one per SQL thread, 3 by default), in KiB.
CACHE_KIB = 64 * 1024
# Columns holding a URL taken from a scraped page or a crawl: linked only when http(s).
URL_COLUMNS = {"url", "source_url", "card_url", "target_url", "from_url", "to_url", "page_url"}
# Columns holding an article id: linked to the article page.
ARTICLE_ID_COLUMNS = {"article_id", "target_id", "from_id", "to_id"}
# Columns holding an article title, and the id columns (of the same row) that say which article
# it is; in the articles table itself a title belongs to the row's id.
TITLE_COLUMNS = {"title": ("article_id",), "from_title": ("article_id", "from_id"),
                 "target_title": ("target_id", "to_id"), "to_title": ("to_id", "target_id")}


def _article_link(datasette: Any, article_id: Any, label: Any) -> markupsafe.Markup | None:
    try:
        number = int(article_id)
    except (TypeError, ValueError):
        return None
    href = datasette.urls.path(f"/-/article/{number}")
    text = label if label not in (None, "") else number
    return markupsafe.Markup('<a class="article-link" href="{}">{}</a>').format(href, text)


def _row_value(row: Any, names: tuple[str, ...]) -> Any:
    for name in names:
        try:
            value = row[name]
        except (IndexError, KeyError, TypeError):
            continue
        if isinstance(value, dict):  # an expanded foreign key
            value = value.get("value")
        if value is not None:
            return value
    return None


@hookimpl
def render_cell(row: Any, value: Any, column: str, table: str | None, database: str,
                datasette: Any) -> Any:
    """Scraped URLs link only when http(s); article ids and titles link to the article page."""
    if database != DATABASE:
        return None
    if column in URL_COLUMNS and isinstance(value, str) and value:
        href = safe_href(value)
        if href is None:
            # Returned as str, so Datasette escapes it: shown as inert text, never a link.
            return value
        return markupsafe.Markup('<a href="{}" rel="nofollow noopener">{}</a>').format(href, value)
    if column in ARTICLE_ID_COLUMNS and table not in ("articles",):
        if isinstance(value, dict):
            return _article_link(datasette, value.get("value"), value.get("label"))
        return _article_link(datasette, value, None) if value is not None else None
    if column == "crawl_id" and table is None and isinstance(value, int):
        # In query results a crawl leads to what it changed (tables link to the crawls row).
        href = datasette.urls.path(f"/{DATABASE}/crawl_changes?crawl={value}")
        return markupsafe.Markup('<a class="crawl-link" href="{}">{}</a>').format(href, value)
    if column in TITLE_COLUMNS and isinstance(value, str) and value:
        if column == "title" and table not in ("articles", None):
            return None  # a card's or a crawl's title, not an article's
        article_id = _row_value(row, ("id",) if table == "articles" else TITLE_COLUMNS[column])
        if article_id is not None:
            return _article_link(datasette, article_id, value)
    return None


@hookimpl
def register_routes() -> list[tuple[str, Any]]:
    """The article page, by id and by URL."""
    return [
        (r"^/-/article/(?P<id>[0-9]+)$", article_page),
        (r"^/-/article$", article_by_url),
    ]


@hookimpl
def register_facet_classes() -> list[type]:
    """Facet by calendar month (`_facet_month=first_seen`)."""
    return [MonthFacet]


@hookimpl
def prepare_connection(conn: Any, database: str, datasette: Any) -> None:
    """Every connection to the archive refuses writes, whatever a query or plugin tries; each
    keeps more pages in memory, so a search or facet reads rows from RAM, not through the OS."""
    if database == DATABASE:
        conn.execute("PRAGMA query_only = 1")
        conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")


@hookimpl
def handle_exception(datasette: Any, request: Any, exception: Exception) -> None:
    """A sort by a column the table lacks (?_sort=nosuch) is the request's mistake: 400, where Datasette
    0.65 answers 500 ("Cannot sort table by nosuch"); its own error page is kept."""
    if isinstance(exception, DatasetteError) and exception.status == 500 and \
            str(exception.message).startswith("Cannot sort table by "):
        exception.status = 400


@hookimpl
def asgi_wrapper(datasette: Any) -> Any:
    """Table pages searched with `_search`: our search filter, no default facets unless asked."""
    return lambda app: search_wrapper(app, DATABASE)


@hookimpl
def filters_from_request(request: Any, database: str, table: str, datasette: Any) -> Any:
    """The full-text match of a searched table page (`_fulltext`, set by the wrapper)."""
    if database != DATABASE:
        return None
    return search_filter(request, database, table, datasette)


@hookimpl
def extra_template_vars(view_name: str, request: Any, database: str) -> dict[str, Any]:
    """`search_facets_url`: on a search page whose facets were skipped, the link that counts them."""
    if view_name != "table" or database != DATABASE or request is None:
        return {}
    return {"search_facets_url": facets_url(request)}


@hookimpl
def startup(datasette: Any) -> None:
    """The `.atom` renderer (datasette-atom's) answers an empty feed too, as application/atom+xml."""
    if "atom" in datasette.renderers:
        render, can_render = datasette.renderers["atom"]
        datasette.renderers["atom"] = (complete_feed(render), can_render)


@hookimpl
def menu_links(datasette: Any) -> list[dict[str, str]]:
    """Links to the articles, recent changes and their Atom feed from every page's menu."""
    return [
        {"href": datasette.urls.table(DATABASE, "articles"), "label": "Articles"},
        {"href": datasette.urls.path(f"/{DATABASE}/recent_changes"), "label": "Recent changes"},
        {"href": datasette.urls.path(f"/{DATABASE}/recent_changes.atom"),
         "label": "Recent changes (Atom feed)"},
    ]

