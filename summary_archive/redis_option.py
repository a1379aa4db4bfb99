"""The --redis option of `crawl` and `ingest`: a Redis URL checked before anything connects."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from summary_archive.errors import UsageProblem

_DB_PATH = re.compile(r"/?|/\d+/?")


def checked_redis_url(url: str) -> str:
    """The URL, or a one-line UsageProblem naming what is wrong with it. Hand-written: redis-py reads a
    path that is no number ('/abc', '/15/x') as database 0, where another archive's crawl may be open."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise UsageProblem(f"--redis: bad URL {url!r} ({exc})") from None
    if parts.scheme not in ("redis", "rediss", "unix"):
        raise UsageProblem(f"--redis wants a redis:// URL, got {url!r}")
    if parts.scheme == "unix":
        db = parse_qs(parts.query).get("db", ["0"])[0]
        if not parts.path or not db.isdigit():
            raise UsageProblem(f"--redis: bad URL {url!r} (unix:///path/to/redis.sock?db=N)")
    elif not parts.hostname or not _DB_PATH.fullmatch(parts.path) or port == 0:
        raise UsageProblem(f"--redis: bad URL {url!r} (redis://HOST:PORT/DB, DB a number)")
    return url
