"""The article page: an archived article as a person reads it, with its version timeline."""

from __future__ import annotations

import json
from typing import Any

from datasette.utils.asgi import NotFound, Request, Response

from archive.datasette.links import safe_href
from archive.datasette.worddiff import rating_text, record_changes

DATABASE = "archive"
# The largest integer SQLite stores (an id past it is no article, not an error).
MAX_ID = 2**63 - 1
# Ratings on a scale up to this many points are drawn as stars, larger scales as a bar.
MAX_STARS = 10
# Word diffs are drawn for this many of an article's newest versions (a page stays fast however
# often an article changed).
MAX_DIFFED = 50


async def _dicts(db: Any, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    return [dict(row) for row in (await db.execute(sql, params)).rows]


def _json(text: Any, default: Any) -> Any:
    if not isinstance(text, str):
        return default
    try:
        return json.loads(text)
    except ValueError:
        return default


def _number(value: Any) -> float | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def rating_view(name: str, rating: Any) -> dict[str, Any]:
    """How one rating is drawn: stars or a bar when it has a number and a scale, else its label."""
    rating = rating if isinstance(rating, dict) else {"label": rating}
    value, top = _number(rating.get("value")), _number(rating.get("max"))
    view: dict[str, Any] = {"name": name.replace("_", " ").capitalize(), "text": rating_text(rating),
                            "style": "text", "label": rating.get("label")}
    if value is not None and top and top > 0:
        share = max(0.0, min(1.0, value / top))
        view["percent"] = round(share * 100, 1)
        if top <= MAX_STARS and float(top).is_integer():
            view.update(style="stars", count=int(top))  # a filled row clipped over an empty one
        else:
            view["style"] = "bar"
    return view


def ratings_of(article: dict) -> list[dict[str, Any]]:
    """Every rating of the article (the `ratings` JSON, else the credibility/interest columns)."""
    ratings = _json(article.get("ratings"), None)
    if not isinstance(ratings, dict) or not ratings:
        ratings = {
            name: {"value": article.get(name), "max": article.get(f"{name}_max"),
                   "label": article.get(f"{name}_label")}
            for name in ("credibility", "interest")
            if any(article.get(k) is not None for k in (name, f"{name}_max", f"{name}_label"))
        }
    return [rating_view(name, rating) for name, rating in ratings.items()]


def timeline(rows: list[dict]) -> list[dict[str, Any]]:
    """Versions newest first, each with what changed against the one before as word diffs
    (the newest MAX_DIFFED only; older ones list the names of what changed)."""
    out: list[dict[str, Any]] = []
    previous: dict | None = None
    first_diffed = len(rows) - MAX_DIFFED
    for index, row in enumerate(rows):
        record = _json(row.get("record"), {})
        record = record if isinstance(record, dict) else {}
        changed = _json(row.get("changed"), [])
        out.append({
            **{k: row.get(k) for k in ("version", "crawl_id", "fetched_at", "cause",
                                       "parser_version", "snapshot_sha256")},
            "changed": changed if isinstance(changed, list) else [str(changed)],
            "changes": (record_changes(previous, record)
                        if previous is not None and index >= first_diffed else []),
        })
        previous = record
    return list(reversed(out))


async def article_context(datasette: Any, article_id: int) -> dict[str, Any] | None:
    """Everything the article page shows, or None when no article has this id."""
    db = datasette.get_database(DATABASE)
    rows = await _dicts(db, "select * from articles where id = ?", [article_id])
    if not rows:
        return None
    article = rows[0]
    sections = await _dicts(
        db, "select position, heading, text from sections where article_id = ? order by position",
        [article_id])
    cards = await _dicts(db, """
        select r.position, r.title, r.url, r.date, r.excerpt, r.excerpt_truncated, r.target_id,
               r.first_seen, r.last_seen, t.title as target_title, t.status as target_status,
               m.id as moved_id
        from related r left join articles t on t.id = r.target_id
        left join articles m on m.url = t.moved_to
        where r.article_id = ? and r.current = 1 order by r.position""", [article_id])
    former = (await db.execute(
        "select count(*) from related where article_id = ? and coalesce(current, 0) = 0",
        [article_id])).first()[0]
    linked_from = await _dicts(db, """
        select distinct a.id, a.title, a.url from related r join articles a on a.id = r.article_id
        where r.target_id = ? and r.current = 1 order by a.title limit 50""", [article_id])
    versions = await _dicts(db, """
        select version, crawl_id, fetched_at, cause, changed, record, parser_version, snapshot_sha256
        from versions where article_id = ? order by version""", [article_id])
    moved = (await _dicts(db, "select id, title from articles where url = ?", [article["moved_to"]])
             if article.get("moved_to") else [])
    moved_from = await _dicts(db, "select id, url from articles where moved_to = ? and id != ? order by gone_at limit 20",
                              [article["url"], article_id])
    for card in cards:
        card["href"] = safe_href(card["url"])
    return {
        "article": article,
        "source_href": safe_href(article.get("source_url")),
        "page_href": safe_href(article.get("url")),
        "doi_href": safe_href(f"https://doi.org/{article['doi']}") if article.get("doi") else None,
        "ratings": ratings_of(article),
        "sections": sections,
        "cards": cards,
        "former_cards": former,
        "linked_from": linked_from,
        "moved": moved[0] if moved else None,
        "moved_from": moved_from,
        "versions": timeline(versions),
    }


async def article_page(request: Request, datasette: Any) -> Response:
    """GET /-/article/{id}: the article page (404 for an unknown id)."""
    try:
        article_id = int(request.url_vars["id"])
    except (KeyError, ValueError):
        raise NotFound("No such article")
    if article_id > MAX_ID:  # SQLite could not even look it up
        raise NotFound(f"No article with id {article_id}")
    context = await article_context(datasette, article_id)
    if context is None:
        raise NotFound(f"No article with id {article_id}")
    return Response.html(await datasette.render_template("article.html", context, request=request))


async def article_by_url(request: Request, datasette: Any) -> Response:
    """GET /-/article?url=URL: redirect to the article page of that URL (404 when not archived)."""
    url = request.args.get("url", "")
    db = datasette.get_database(DATABASE)
    row = (await db.execute("select id from articles where url = ?", [url])).first()
    if row is None:
        raise NotFound("That URL is not archived")
    return Response.redirect(datasette.urls.path(f"/-/article/{row[0]}"))
