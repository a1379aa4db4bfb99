"""`crawl`: archive whole sites with the Scrapy spider (scraper/), politely and incrementally."""

from __future__ import annotations

import os
import math

import click

from archive import Archive, ArchiveError, NotAnArchive
from parsers.profile import ProfileError, load_profile
from scraper.scope import host_key
from scraper.session import parse_since
from summary_archive.errors import RunFailure, UsageProblem
from summary_archive.redis_option import checked_redis_url


class Seconds(click.FloatRange):
    """A number of seconds in a range; unlike click.FloatRange, 'nan' and 'inf' are refused."""

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> float:
        number = super().convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number of seconds", param, ctx)
        return number


def _settings_pairs(pairs: tuple[str, ...]) -> dict[str, str]:
    """--set NAME=VALUE pairs; a value that cannot be what the setting's default is (a number, a
    true/false) is refused here, in one line, not by a traceback once the crawler reads it."""
    extra = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise UsageProblem(f"--set wants NAME=VALUE, got {pair!r}")
        name = name.strip()
        if (problem := _setting_problem(name, value)) is not None:
            raise UsageProblem(f"--set {name}={value}: {problem}")
        extra[name] = value
    return extra


# ARCHIVE_ settings read with a default of their own where they are used (scraper.settings has none):
# a value of each one's kind (tests/test_archive_cli.py checks that every one read is listed).
ARCHIVE_SETTING_KINDS: dict[str, object] = {
    "ARCHIVE_MAX_PAGES": 0, "ARCHIVE_CRAWL_ID": 0, "ARCHIVE_PARSE_WORKERS": 0, "ARCHIVE_WARC_MAX_BYTES": 0,
    "ARCHIVE_REDIS_MAX_BACKLOG": 0, "ARCHIVE_OBEY_CRAWL_DELAY": True, "ARCHIVE_REDIS_HEARTBEAT": 0.0,
    "ARCHIVE_REDIS_POLL": 0.0, "ARCHIVE_REDIS_WAIT": 0.0, "ARCHIVE_REDIS_WORKER_TIMEOUT": 0.0,
}


# ARCHIVE_ settings that take text (read with settings.get): with those above, every ARCHIVE_ name.
ARCHIVE_TEXT_SETTINGS = frozenset({"ARCHIVE_DB", "ARCHIVE_PROFILE", "ARCHIVE_START_URLS", "ARCHIVE_SINCE",
                                   "ARCHIVE_REDIS_URL", "ARCHIVE_WARC_DIR", "ARCHIVE_WARC_PREFIX", "ARCHIVE_CRAWL_NAME"})
# Numbers that count or measure (requests at once, seconds, bytes, times): none is below 0, and the
# first ones are at least 1 (0 requests at once is a crawl that never asks and never ends).
_AT_LEAST_ONE = frozenset({"CONCURRENT_REQUESTS", "CONCURRENT_REQUESTS_PER_DOMAIN", "CONCURRENT_ITEMS"})
_NOT_NEGATIVE = ("CONCURRENT_", "TIMEOUT", "DELAY", "SIZE", "_TIMES", "_MAX", "_LIMIT", "WORKERS", "PAGES",
                 "BACKOFF", "INTERVAL", "HEARTBEAT", "POLL", "WAIT", "BACKLOG", "_BYTES")
_LOG_LEVELS = ("CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG")


def _setting_problem(name: str, value: str) -> str | None:
    """Why `value` cannot be the setting `name` (typed like its default in Scrapy's or our settings,
    in range for a count or a duration, a date, a profile or a log level that exists)."""
    from scrapy.settings import default_settings

    from scraper import settings as ours

    default = getattr(ours, name, getattr(default_settings, name, ARCHIVE_SETTING_KINDS.get(name)))
    if name.startswith("ARCHIVE_") and default is None and name not in ARCHIVE_TEXT_SETTINGS:
        return "no such setting (the ARCHIVE_ settings are listed in scraper/settings.py)"
    if isinstance(default, bool):
        return None if value.strip() in ("True", "False", "true", "false", "1", "0") else "not true or false"
    if isinstance(default, (int, float)):
        return _number_problem(name, value, int if isinstance(default, int) else float)
    return _text_problem(name, value)


def _number_problem(name: str, value: str, kind: type) -> str | None:
    try:
        number = kind(value)
    except ValueError:
        return f"not {'a whole number' if kind is int else 'a number'}"
    if not math.isfinite(number):
        return "not a finite number"
    if name in _AT_LEAST_ONE and number < 1:
        return "must be at least 1"
    if name == "DOWNLOAD_TIMEOUT" and number <= 0:
        return "must be more than 0 seconds"
    if any(part in name for part in _NOT_NEGATIVE) and number < 0:
        return "must not be negative"
    return None


def _text_problem(name: str, value: str) -> str | None:
    if name == "ARCHIVE_SINCE":
        try:
            parse_since(value)
        except ValueError:
            return "wants a date like 2026-01-31"
    elif name == "ARCHIVE_PROFILE" and value.strip():
        try:
            load_profile(value)
        except ProfileError as exc:
            return str(exc)
    elif name == "LOG_LEVEL" and value.strip() not in _LOG_LEVELS:
        return f"not one of {', '.join(_LOG_LEVELS)}"
    return None


@click.command("crawl")
@click.argument("urls", nargs=-1)
@click.option("--db", type=click.Path(dir_okay=False),
              help="Archive file (SQLite), created if missing (required, except for a lone --redis worker).")
@click.option("--profile", type=click.Path(dir_okay=False), help="Site profile (TOML).")
@click.option("--delay", type=Seconds(min=0, max=86400), help="Seconds between requests to a host (default 1, or the profile's).")
@click.option("--concurrency", type=click.IntRange(min=1), help="Parallel requests per host (default 2, or the profile's).")
@click.option("--max-pages", type=click.IntRange(min=1), help="Stop after archiving this many summary pages.")
@click.option("--depth", type=click.IntRange(min=1), help="Follow links at most this many hops from the start URLs.")
@click.option("--since", help="Only archive pages changed since this date (YYYY-MM-DD or ISO 8601, UTC).")
@click.option("--resume", type=click.Path(file_okay=False), help="Job directory: an interrupted crawl started with it continues.")
@click.option("--timeout", type=Seconds(min=0.1, max=86400), help="Seconds before a request times out (default 30).")
@click.option("--log-file", type=click.Path(dir_okay=False), help="Write Scrapy's log (INFO) to this file.")
@click.option("--warc", "warc_dir", type=click.Path(file_okay=False),
              help="Also write every request and response as WARC files (with .cdxj indexes) into this directory.")
@click.option("--set", "set_", multiple=True, metavar="NAME=VALUE", help="Any Scrapy or ARCHIVE_ setting.")
@click.option("--quiet", is_flag=True, help="No progress lines (the final summary is still printed).")
@click.option("--redis", "redis_url", metavar="URL",
              help="Distributed crawl: frontier and seen-set in this Redis (redis://HOST:PORT/DB); see --workers.")
@click.option("--workers", type=click.IntRange(min=0), default=0, show_default=True,
              help="With --redis: start N worker processes here and write the archive at --db for them; "
                   "0: this process is one worker of a crawl whose writer (`summary-archive ingest`) runs elsewhere.")
def crawl(urls: tuple[str, ...], db: str, profile: str | None, delay: float | None, concurrency: int | None,
          max_pages: int | None, depth: int | None, since: str | None, resume: str | None,
          timeout: float | None, log_file: str | None, warc_dir: str | None, set_: tuple[str, ...],
          quiet: bool, redis_url: str | None, workers: int) -> None:
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
    if since is not None:  # (an empty --since is a mistake, not "no --since": it would judge gone pages)
        try:
            if not since.strip():
                raise ValueError
            parse_since(since)
        except ValueError:
            raise UsageProblem(f"--since wants a date like 2026-01-31, got {since!r}") from None
    extra = _settings_pairs(set_)
    for name, option in (("ARCHIVE_DB", db), ("ARCHIVE_PROFILE", profile), ("ARCHIVE_SINCE", since),
                         ("ARCHIVE_MAX_PAGES", max_pages)):
        if name in extra and option is not None:  # (--set would win silently: which did the user mean?)
            raise UsageProblem(f"--set {name} and its option both given: give one")
    if log_file and not os.path.isdir(os.path.dirname(os.path.abspath(log_file))):
        raise UsageProblem(f"--log-file {log_file}: directory {os.path.dirname(os.path.abspath(log_file))} does not exist")
    if warc_dir:
        extra.setdefault("ARCHIVE_WARC_DIR", warc_dir)
    _check_distributed(db, resume, redis_url, workers, max_pages)
    if db:
        try:
            Archive(db, version_related=site.version_related).close()
        except NotAnArchive as exc:
            raise UsageProblem(str(exc)) from None
        except ArchiveError as exc:
            raise RunFailure(str(exc)) from None
    options = CrawlOptions(
        start_urls=start_urls, db=db, profile=profile, delay=delay, concurrency=concurrency,
        max_pages=max_pages, depth=depth, since=since, resume=resume, timeout=timeout, quiet=quiet,
        log_file=log_file, extra=extra)
    if redis_url:
        from scraper.redis_run import run_distributed, run_worker

        result = run_distributed(options, redis_url, workers) if workers else run_worker(options, redis_url)
        if result.status == "interrupted" and not result.failure:
            raise RunFailure(f"crawl {result.crawl_id} interrupted; run the same command again to continue")
    else:
        result = run_crawl(options)
    if result.failure:
        raise RunFailure(f"crawl failed: {result.failure}")
    if result.status == "interrupted":
        hint = f"; continue with --resume {resume}" if resume else ""
        raise RunFailure(f"crawl {result.crawl_id} interrupted{hint}")


def _check_distributed(db: str | None, resume: str | None, redis_url: str | None, workers: int,
                       max_pages: int | None) -> None:
    """--redis/--workers/--db/--resume make sense together only in some ways; say which."""
    if not redis_url:
        if workers:
            raise UsageProblem("--workers needs --redis URL (the shared frontier)")
        if not db:
            raise UsageProblem("missing option --db PATH")
        return
    checked_redis_url(redis_url)
    if max_pages:
        raise UsageProblem("--max-pages is for single-process crawls: workers of a distributed crawl "
                           "do not count each other's pages")
    if resume:
        raise UsageProblem("--resume is for single-process crawls: a distributed crawl keeps its frontier in "
                           "Redis (run the same command again to continue)")
    if workers and not db:
        raise UsageProblem("--workers needs --db PATH: this process writes the archive for its workers")
    if not workers and db:
        raise UsageProblem("a lone --redis worker does not write the archive: drop --db and run "
                           "`summary-archive ingest URL... --redis URL --db PATH` where the archive is, "
                           "or give --workers N")


COMMANDS: list[click.Command] = [crawl]
