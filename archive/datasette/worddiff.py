"""Word-level differences between two versions of a record, for the article page's timeline.

difflib gives the matching blocks; this module only splits text into words and groups the
result by record part (title, ratings, sections, source), which no library does for our records.
"""

from __future__ import annotations

import difflib
import re
from typing import Any

from archive.content import section_map

# Words keep their trailing whitespace, so joining the pieces gives back the text exactly.
_WORD = re.compile(r"\S+\s*|\s+")
# Above this many words per side, SequenceMatcher's quadratic worst case is not worth it:
# the part is shown as removed + inserted whole.
MAX_WORDS = 5000

Segment = tuple[str, str]  # (op, text): op is "equal", "insert" or "delete"


def words(text: str) -> list[str]:
    """Split text into words, each with the whitespace that follows it."""
    return _WORD.findall(text or "")


def word_diff(old: str | None, new: str | None) -> list[Segment]:
    """The segments turning `old` into `new`, word by word (replacements as delete + insert)."""
    a, b = words(old or ""), words(new or "")
    if len(a) > MAX_WORDS or len(b) > MAX_WORDS:
        return [s for s in (("delete", old or ""), ("insert", new or "")) if s[1]]
    segments: list[Segment] = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            _append(segments, "equal", "".join(b[j1:j2]))
        else:
            _append(segments, "delete", "".join(a[i1:i2]))
            _append(segments, "insert", "".join(b[j1:j2]))
    return segments


def _append(segments: list[Segment], op: str, text: str) -> None:
    if not text:
        return
    if segments and segments[-1][0] == op:
        segments[-1] = (op, segments[-1][1] + text)
    else:
        segments.append((op, text))


def rating_text(rating: Any) -> str:
    """A rating of the record as one short line: '4 / 5', 'High', or '4 / 5 (High)'."""
    if not isinstance(rating, dict):
        return "" if rating is None else str(rating)
    value, top, label = rating.get("value"), rating.get("max"), rating.get("label")
    number = ""
    if value is not None:
        number = f"{_number(value)} / {_number(top)}" if top is not None else _number(value)
    if number and label:
        return f"{number} ({label})"
    return number or (label or "") or (rating.get("raw") or "")


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def record_changes(old: dict | None, new: dict) -> list[dict[str, Any]]:
    """What differs between two records, part by part, each with its word diff.

    Each item: {"part": "title" | "ratings.<name>" | "sections.<heading>" | "source.<field>" |
    "published" | "page_type", "kind": "changed" | "added" | "removed", "segments": [...]}.
    """
    old = old or {}
    parts: list[tuple[str, Any, Any]] = [
        ("page_type", old.get("page_type"), new.get("page_type")),
        ("title", old.get("title"), new.get("title")),
    ]
    old_ratings, new_ratings = _dict(old.get("ratings")), _dict(new.get("ratings"))
    for name in list(old_ratings) + [n for n in new_ratings if n not in old_ratings]:
        parts.append((f"ratings.{name}", rating_text(old_ratings.get(name)) or None,
                      rating_text(new_ratings.get(name)) or None))
    old_sections, new_sections = section_map(old.get("sections")), section_map(new.get("sections"))
    for heading in list(new_sections) + [h for h in old_sections if h not in new_sections]:
        parts.append((f"sections.{heading}", old_sections.get(heading), new_sections.get(heading)))
    old_source, new_source = _dict(old.get("source")), _dict(new.get("source"))
    for field in list(new_source) + [f for f in old_source if f not in new_source]:
        parts.append((f"source.{field}", old_source.get(field), new_source.get(field)))
    parts.append(("published", old.get("published"), new.get("published")))

    changes = []
    for part, before, after in parts:
        before = None if before in (None, "") else str(before)
        after = None if after in (None, "") else str(after)
        if before == after:
            continue
        kind = "added" if before is None else "removed" if after is None else "changed"
        changes.append({"part": part, "kind": kind, "segments": word_diff(before, after)})
    return changes
