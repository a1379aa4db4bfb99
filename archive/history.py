"""An article's versions, oldest first, with a word-level diff of what each one changed."""

from __future__ import annotations

import difflib
import json
import re
from pathlib import Path
from typing import Any

from archive.content import section_map
from archive.errors import ArchiveError
from archive.reading import reading
from archive.related import article_for_url


class UnknownArticle(ArchiveError):
    """No article is archived under the URL asked for."""


def _tokens(text: str) -> list[str]:
    return re.findall(r"\n\s*\n|\S+", text or "")


def _marked(tokens: list[str]) -> str:
    return " ".join("\u00b6" if t.startswith("\n") else t for t in tokens)


def word_diff(old: str, new: str) -> str:
    """`old` rewritten into `new` with [-removed-] and {+added+} around the words that differ."""
    a, b = _tokens(old), _tokens(new)
    parts: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            parts.extend(a[i1:i2])
            continue
        if i2 > i1:
            parts.append(f"[-{_marked(a[i1:i2])}-]")
        if j2 > j1:
            parts.append(f"{{+{_marked(b[j1:j2])}+}}")
    text = ""
    for part in parts:
        if part.startswith("\n"):
            text = text.rstrip(" ") + "\n\n"
        elif not text or text.endswith("\n"):
            text += part
        else:
            text += " " + part
    return text


def _rating_text(rating: Any) -> str:
    if not isinstance(rating, dict):
        return "" if rating is None else str(rating)
    value, top, label = rating.get("value"), rating.get("max"), rating.get("label")
    parts = []
    if value is not None:
        parts.append(f"{value}/{top}" if top is not None else str(value))
    if label:
        parts.append(str(label))
    return " ".join(parts)


def field_text(record: dict, field: str) -> str:
    """The text of one `changed` entry (title, sections.<heading>, ratings.<name>...) in a record."""
    head, _, rest = field.partition(".")
    value = record.get(head)
    if head == "sections":
        sections = section_map(value)
        if rest:
            return sections.get(rest, "")
        return "\n\n".join(f"{h}: {t}" for h, t in sections.items())
    if head == "ratings" and rest:
        return _rating_text((value or {}).get(rest) if isinstance(value, dict) else None)
    if head == "source" and rest:
        part = (value or {}).get(rest) if isinstance(value, dict) else None
        return "" if part is None else str(part)
    if head == "related" and isinstance(value, list):
        return "; ".join(str(c.get("title") or c.get("url")) for c in value if isinstance(c, dict))
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)


def version_diff(old: dict | None, new: dict, changed: list[str]) -> str:
    """One line (or paragraph) per changed field: `field: word diff`."""
    if old is None:
        return ""
    lines = []
    for field in changed:
        before, after = field_text(old, field), field_text(new, field)
        lines.append(f"{field}: {word_diff(before, after)}")
    return "\n".join(lines)


def history(source: "str | Path | object", url: str) -> list[dict]:
    """Every version of the article at `url`, oldest first, each with its diff from the one before."""
    with reading(source) as conn:
        article_id = article_for_url(conn, url)
        if article_id is None:
            raise UnknownArticle(f"no article archived for {url}")
        previous: dict | None = None
        result = []
        for row in conn.execute(
                "SELECT version, fetched_at, crawl_id, cause, changed, parser_version, snapshot_sha256,"
                " content_hash, record FROM versions WHERE article_id = ? ORDER BY version", (article_id,)):
            record = json.loads(row[8]) if row[8] else {}
            changed = json.loads(row[4]) if row[4] else []
            result.append({
                "version": row[0], "fetched_at": row[1], "crawl_id": row[2], "cause": row[3],
                "changed": changed, "parser_version": row[5], "snapshot_sha256": row[6],
                "content_hash": row[7], "diff": version_diff(previous, record, changed),
            })
            previous = record
    return result


def moves(source: "str | Path | object", url: str) -> dict[str, Any]:
    """Where the article at `url` stands and moved: its own URL, status, gone_at, moved_to, and
    moved_from (the archived URLs that moved here), since a move starts a new article's history at its new URL."""
    with reading(source) as conn:
        article_id = article_for_url(conn, url)
        if article_id is None:
            raise UnknownArticle(f"no article archived for {url}")
        own, status, gone_at, moved_to = conn.execute(
            "SELECT url, status, gone_at, moved_to FROM articles WHERE id = ?", (article_id,)).fetchone()
        moved_from = [row[0] for row in conn.execute(
            "SELECT url FROM articles WHERE moved_to = ? AND id != ? ORDER BY gone_at", (own, article_id))]
    return {"url": own, "status": status, "gone_at": gone_at, "moved_to": moved_to, "moved_from": moved_from}
