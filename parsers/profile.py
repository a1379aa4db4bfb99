"""Site profile: the visible labels a site uses, plus crawl and archive options, loaded from TOML."""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any


class ProfileError(ValueError):
    """A profile file that cannot be read or names an unknown option."""


@dataclass(frozen=True)
class Profile:
    """Everything that differs between summary sites; defaults fit the seed site."""

    name: str = "default"
    # [labels]: what a reader sees on the page; matched case-insensitively.
    sections: tuple[str, ...] = (
        "Key Takeaway",
        "What They Found",
        "Who Should Care and Why",
        "Important Considerations",
    )
    ratings: tuple[str, ...] = ("Credibility", "Interest")
    related: tuple[str, ...] = ("You May Also Like", "You Might Also Like", "Related Articles", "Related Summaries",
                                "Related Posts", "Related", "More like this", "Read Next", "Keep Reading",
                                "More Summaries", "You Might Also Enjoy", "Recommended for You", "Recommended Reading",
                                "More to Read", "More to Explore", "Also Read")
    details: tuple[str, ...] = ("More Details", "Original Study", "Study Details")
    boilerplate: tuple[str, ...] = ("Understanding MS Research",)
    # Regex with a (?P<journal>...) group: the journal the boilerplate names, a fallback for source.journal.
    journal_pattern: str = (
        r"journals?\s+(?:like|such as|including)\s+(?P<journal>(?:[^.,;:()]|:(?=\s+[A-Z]))+?)"
        # Not "and": "Multiple Sclerosis and Related Disorders" is one journal.
        r"(?=\s+(?:often|usually|typically|are|is|was|were|which|that|to|can|may|have|has|range|ranges|vary"
        r"|varies|span|spans|cover|covers|include|includes|publish|publishes|report|reports|show|shows)\b"
        r"|[.,;()]|:(?!\s+[A-Z])|$)"
    )
    rating_scale: float = 5.0  # what a full bar (width: 100%) is worth
    # [archive]
    version_related: bool = False
    page_types: tuple[str, ...] = ("summary",)
    # [crawl]
    allowed_hosts: tuple[str, ...] = ()
    start_urls: tuple[str, ...] = ()
    contact_url: str = "https://github.com/summary-archive/summary-archive"
    user_agent: str = ""
    delay: float = 1.0
    concurrency: int = 2
    max_page_bytes: int = 10 * 1024 * 1024
    tracking_params: tuple[str, ...] = (
        "utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content",
        "utm_id", "gclid", "gclsrc", "dclid", "fbclid", "msclkid", "yclid", "twclid", "igshid", "mc_cid", "mc_eid",
        "mkt_tok", "_hsenc", "_hsmi", "_ga", "_gl", "ref",
        # session ids in the query: a server that gets no cookie writes a fresh one into every link
        "PHPSESSID", "phpsessid", "JSESSIONID", "jsessionid", "sessionid", "SESSIONID", "session_id", "osCsid",
        "zenid", "CFID", "CFTOKEN",
    )


_TABLES = {
    "labels": ("sections", "ratings", "related", "details", "boilerplate", "journal_pattern", "rating_scale"),
    "archive": ("version_related", "page_types"),
    "crawl": (
        "allowed_hosts", "start_urls", "contact_url", "user_agent", "delay",
        "concurrency", "max_page_bytes", "tracking_params",
    ),
}

DEFAULT_PROFILE = Profile()


PAGE_TYPES = ("summary", "listing", "other")  # the record's page_type values (RECORD.md)
# A scale, a concurrency or a size of 0 makes no sense (a bar worth 0, a crawl that never fetches).
_POSITIVE = frozenset({"rating_scale", "concurrency", "max_page_bytes"})

def profile_from_dict(data: dict[str, Any], base: Profile = DEFAULT_PROFILE) -> Profile:
    """Overlay a parsed TOML document on `base`; unknown keys are an error, not ignored."""
    changes: dict[str, Any] = {}
    for key, value in data.items():
        if key in _TABLES:
            if not isinstance(value, dict):
                raise ProfileError(f"[{key}] must be a table")
            for sub, subvalue in value.items():
                if sub not in _TABLES[key]:
                    raise ProfileError(f"unknown option {key}.{sub}")
                changes[sub] = subvalue
        elif key == "name":
            changes["name"] = str(value)
        else:
            raise ProfileError(f"unknown option {key}")
    for key, value in list(changes.items()):
        default = getattr(base, key)
        if isinstance(default, tuple):
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ProfileError(f"{key} must be a list of strings")
            changes[key] = tuple(value)
        elif isinstance(default, bool):
            if not isinstance(value, bool):
                raise ProfileError(f"{key} must be true or false")
        elif isinstance(default, (int, float)) and not isinstance(default, bool):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
                raise ProfileError(f"{key} must be a non-negative number")
            if key in _POSITIVE and value <= 0:
                raise ProfileError(f"{key} must be greater than 0")
            changes[key] = type(default)(value)
        elif not isinstance(value, str):
            raise ProfileError(f"{key} must be a string")
    if unknown := [kind for kind in changes.get("page_types", ()) if kind not in PAGE_TYPES]:
        raise ProfileError(f"page_types: unknown page type {unknown[0]!r} (known: {', '.join(PAGE_TYPES)})")
    if "journal_pattern" in changes:
        try:
            if "journal" not in re.compile(changes["journal_pattern"]).groupindex:
                raise ProfileError("journal_pattern needs a (?P<journal>...) group")
        except re.error as exc:
            raise ProfileError(f"journal_pattern is not a valid regex: {exc}") from None
    return replace(base, **changes)


def load_profile(path: str | Path | None) -> Profile:
    """Read a TOML profile file; None gives the default profile."""
    if path is None:
        return DEFAULT_PROFILE
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        raise ProfileError(f"profile not found: {path}") from None
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ProfileError(f"cannot read profile {path}: {exc}") from None
    try:
        return profile_from_dict(data)
    except ProfileError as exc:  # (a crawl's one-line error names the file to fix)
        raise ProfileError(f"profile {path}: {exc}") from None
