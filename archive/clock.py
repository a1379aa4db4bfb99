"""Times as the archive stores them: ISO 8601 UTC strings, and integer seconds for compact logs."""

from __future__ import annotations

from datetime import datetime, timezone

ISO_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def utc_now() -> str:
    """Now, as `2026-11-23T21:40:00Z`."""
    return datetime.now(timezone.utc).strftime(ISO_FORMAT)


def normalise(when: str | None) -> str:
    """Any ISO 8601 time (or None for now) as a UTC `...Z` string with second precision."""
    if when is None:
        return utc_now()
    return datetime.fromtimestamp(to_epoch(when), timezone.utc).strftime(ISO_FORMAT)


def to_epoch(when: str) -> int:
    """ISO 8601 string -> integer Unix seconds (naive times are taken as UTC)."""
    moment = datetime.fromisoformat(when.replace("Z", "+00:00").replace("z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return int(moment.timestamp())
