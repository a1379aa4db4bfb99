"""`crawl`: archive whole sites with the Scrapy spider (scraper/), politely and incrementally."""

from __future__ import annotations

import click

from archive import Archive, ArchiveError, NotAnArchive
from parsers.profile import ProfileError, load_profile
from scraper.scope import host_key
from scraper.session import parse_since
from summary_archive.errors import RunFailure, UsageProblem


def _settings_pairs(pairs: tuple[str, ...]) -> dict[str, str]:
    extra = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise UsageProblem(f"--set wants NAME=VALUE, got {pair!r}")
        extra[name.strip()] = value
    return extra


@click.command("crawl")
@click.argument("urls", nargs=-1)
@click.option("--db", required=True, type=click.Path(dir_okay=False), help="Archive file (SQLite), created if missing.")
@click.option("--profile", type=click.Path(dir_okay=False), help="Site profile (TOML).")
@click.option("--delay", type=click.FloatRange(min=0), help="Seconds between requests to a host (default 1, or the profile's).")
@click.option("--concurrency", type=click.IntRange(min=1), help="Parallel requests per host (default 2, or the profile's).")
@click.option("--max-pages", type=click.IntRange(min=1), help="Stop after archiving this many summary pages.")
@click.option("--depth", type=click.IntRange(min=1), help="Follow links at most this many hops from the start URLs.")
@click.option("--since", help="Only archive pages changed since this date (YYYY-MM-DD or ISO 8601, UTC).")
@click.option("--resume", type=click.Path(file_okay=False), help="Job directory: an interrupted crawl started with it continues.")
@click.option("--timeout", type=click.FloatRange(min=0.1), help="Seconds before a request times out (default 30).")
@click.option("--log-file", type=click.Path(dir_okay=False), help="Write Scrapy's log (INFO) to this file.")
@click.option("--warc", "warc_dir", type=click.Path(file_okay=False),
              help="Also write every request and response as WARC files (with .cdxj indexes) into this directory.")
@click.option("--set", "set_", multiple=True, metavar="NAME=VALUE", help="Any Scrapy or ARCHIVE_ setting.")
@click.option("--quiet", is_flag=True, help="No progress lines (the final summary is still printed).")
def crawl(urls: tuple[str, ...], db: str, profile: str | None, delay: float | None, concurrency: int | None,
          max_pages: int | None, depth: int | None, since: str | None, resume: str | None,
          timeout: float | None, log_file: str | None, warc_dir: str | None, set_: tuple[str, ...],
          quiet: bool) -> None:
    """Crawl URL... (or the profile's start_urls) into the archive at --db."""
    from scraper.run import CrawlOptions, run_crawl

    try:
        site = load_profile(profile)
    except ProfileError as exc:
        raise UsageProblem(str(exc)) from None
    start_urls = list(urls) or list(site.start_urls)
    if not start_urls:
        raise UsageProblem("no start URL: give URL... or start_urls in the profile")
    for url in start_urls:
        if host_key(url) is None:
            raise UsageProblem(f"not an http(s) URL: {url}")
    if since:
        try:
            parse_since(since)
        except ValueError:
            raise UsageProblem(f"--since wants a date like 2026-01-31, got {since!r}") from None
    extra = _settings_pairs(set_)
    if warc_dir:
        extra.setdefault("ARCHIVE_WARC_DIR", warc_dir)
    try:
        Archive(db, version_related=site.version_related).close()
    except NotAnArchive as exc:
        raise UsageProblem(str(exc)) from None
    except ArchiveError as exc:
        raise RunFailure(str(exc)) from None
    result = run_crawl(CrawlOptions(
        start_urls=start_urls, db=db, profile=profile, delay=delay, concurrency=concurrency,
        max_pages=max_pages, depth=depth, since=since, resume=resume, timeout=timeout, quiet=quiet,
        log_file=log_file, extra=extra))
    if result.failure:
        raise RunFailure(f"crawl failed: {result.failure}")
    if result.status == "interrupted":
        hint = f"; continue with --resume {resume}" if resume else ""
        raise RunFailure(f"crawl {result.crawl_id} interrupted{hint}")


COMMANDS: list[click.Command] = [crawl]
