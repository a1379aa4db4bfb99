"""`ingest`: the single archive writer of a distributed crawl (workers anywhere, archive here)."""

from __future__ import annotations

import click

from archive import ArchiveError, NotAnArchive
from parsers.profile import ProfileError, load_profile
from scraper.scope import host_key
from summary_archive.errors import RunFailure, UsageProblem
from summary_archive.redis_option import checked_redis_url


@click.command("ingest")
@click.argument("urls", nargs=-1)
@click.option("--redis", "redis_url", required=True, metavar="URL", help="Redis of the crawl, e.g. redis://host:6379/0.")
@click.option("--db", required=True, type=click.Path(dir_okay=False), help="Archive file (SQLite), created if missing.")
@click.option("--profile", type=click.Path(dir_okay=False), help="Site profile (TOML): which hosts a complete crawl covers.")
@click.option("--quiet", is_flag=True, help="No progress lines (the final summary is still printed).")
def ingest(urls: tuple[str, ...], redis_url: str, db: str, profile: str | None, quiet: bool) -> None:
    """Store what the workers of a distributed crawl send (URL...: open a new crawl of those start URLs,
    or continue this archive's unfinished one; none: rejoin the open crawl), until the crawl is done."""
    from scraper.redis_run import run_writer

    try:
        load_profile(profile)
    except ProfileError as exc:
        raise UsageProblem(str(exc)) from None
    checked_redis_url(redis_url)
    for url in urls:
        if host_key(url) is None:
            raise UsageProblem(f"not an http(s) URL: {url}")
    try:
        result = run_writer(redis_url, db, list(urls), profile, quiet=quiet)
    except NotAnArchive as exc:
        raise UsageProblem(str(exc)) from None
    except ArchiveError as exc:
        raise RunFailure(str(exc)) from None
    if result.failure:
        raise RunFailure(f"ingest failed: {result.failure}")


COMMANDS: list[click.Command] = [ingest]
