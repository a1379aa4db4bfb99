"""`history`, `reparse`, `export`, `stats`: thin commands over the archive library."""

from __future__ import annotations

import contextlib
import functools
import json
import sys
from pathlib import Path
from typing import Callable, Iterator, TypeVar

import click

from archive import ArchiveError, ArchiveMissing, NotAnArchive
from archive import export_rows, export_to_file, history, reparse, stats
from archive.export import FORMATS, ExportProblem
from archive.history import UnknownArticle, moves
from summary_archive.errors import RunFailure, UsageProblem

T = TypeVar("T")
DB_OPTION = click.option("--db", "db", required=True, type=click.Path(dir_okay=False),
                         help="Archive file (SQLite).")


@contextlib.contextmanager
def _reported() -> Iterator[None]:
    """Library errors -> one line: bad input exits 2, anything else that stopped the work exits 1."""
    try:
        yield
    except (ArchiveMissing, NotAnArchive, UnknownArticle, ExportProblem) as exc:
        raise UsageProblem(str(exc)) from None
    except ArchiveError as exc:
        raise RunFailure(str(exc)) from None


def _require(db: str) -> None:
    """Fail before doing anything (opening an output file, loading the parser) when there is no archive."""
    if not Path(db).exists():
        raise UsageProblem(f"no archive at {db}")


def _history_of_any_spelling(db: str, url: str) -> tuple[str, list[dict]]:
    """history() of the URL as given, else as the crawler spells it (no fragment, tracking parameters
    or trailing slash; lower-case scheme and host): the URL a reader copied from a browser. Returns
    the spelling found and the versions."""
    from scraper.canonical import canonical_url, clean_url  # (imports Scrapy: only when asked for)

    for spelling in dict.fromkeys((url, clean_url(url), canonical_url(url))):
        try:
            return spelling, history(db, spelling)
        except UnknownArticle:
            continue
    raise UnknownArticle(f"no article archived for {url}")


@click.command("history")
@click.argument("url")
@DB_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print the versions as JSON.")
def history_cmd(url: str, db: str, as_json: bool) -> None:
    """Every version of the article at URL, with a word-level diff of what changed."""
    with _reported():
        found, versions = _history_of_any_spelling(db, url)
        fate = moves(db, found)
    if as_json:
        click.echo(json.dumps(versions, indent=2, ensure_ascii=False))
        return
    asked = "" if fate["url"] == url else f" (asked as {url})"
    click.echo(f"{fate['url']}{asked}: {len(versions)} version{'s' * (len(versions) != 1)}")
    for old in fate["moved_from"]:
        click.echo(f"moved here from {old} (whose versions are its own history)")
    if fate["status"] == "gone":
        click.echo(f"gone since {fate['gone_at']}" + (f", moved to {fate['moved_to']}" if fate["moved_to"] else ""))
    for v in versions:
        crawl = f"crawl {v['crawl_id']}" if v["crawl_id"] is not None else "no crawl"
        click.echo(f"\nv{v['version']}  {v['fetched_at']}  {crawl}  {v['cause']}"
                   f"  parser {v['parser_version']}  changed: {', '.join(v['changed'])}")
        for line in (v["diff"] or "").splitlines():
            click.echo(f"    {line}")


def _parser_version() -> str:
    """This release's parser version (imported late: the read commands never load the parser)."""
    from parsers import PARSER_VERSION

    return PARSER_VERSION


def _parse_function(profile_path: str | None) -> tuple[Callable[..., dict], bool, list[str]]:
    """parsers.parse bound to the site profile (picklable), whether cards are versioned, and the sites
    the profile names (its start URLs')."""
    import parsers  # the CLI ties parser and archive together; archive itself never imports it
    from archive.crawls import site_of

    try:
        profile = parsers.load_profile(profile_path)
    except parsers.ProfileError as exc:
        raise UsageProblem(str(exc)) from None
    sites = sorted({site_of(url) for url in profile.start_urls} - {""})
    return functools.partial(parsers.parse, profile=profile), bool(profile.version_related), sites


@click.command("reparse")
@DB_OPTION
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Parser processes (default: every core).")
@click.option("--profile", "profile_path", type=click.Path(dir_okay=False), default=None,
              help="Site profile TOML (labels, version_related).")
@click.option("--site", "sites", multiple=True, metavar="HOST[:PORT]",
              help="Only this site's articles (repeatable; default: the profile's start URLs' sites, else all).")
def reparse_cmd(db: str, workers: int | None, profile_path: str | None, sites: tuple[str, ...]) -> None:
    """Run today's parser over the stored snapshots; changed records become new versions."""
    _require(db)
    parse_fn, version_related, profile_sites = _parse_function(profile_path)
    chosen = list(sites) or profile_sites or None
    if chosen:
        click.echo(f"reparsing the articles of {', '.join(chosen)}", err=True)
    with contextlib.ExitStack() as stack:
        bars: list = []

        def progress(done: int, total: int) -> None:
            # The bar starts only once the archive has opened, so a bad --db prints just the error.
            if not bars:
                bars.append(stack.enter_context(click.progressbar(
                    length=total, label="reparsing", file=sys.stderr, show_pos=True)))
            bars[0].update(done - bars[0].pos)

        with _reported():
            totals = reparse(db, parse_fn, workers=workers, progress=progress,
                             version_related=version_related, sites=chosen, parser_version=_parser_version())
    if chosen and not totals["articles"]:  # (a mistyped --site had reparsed nothing and said nothing)
        raise UsageProblem(f"no archived article is on {', '.join(chosen)}: nothing reparsed")
    click.echo(f"reparsed {totals['articles']} articles: {totals['changed']} changed (new versions), "
               f"{totals['unchanged']} unchanged, {totals['failed']} failed")


@click.command("export")
@DB_OPTION
@click.option("--table", required=True, help="Table or view to export (articles, versions, ...).")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="csv", show_default=True)
@click.option("--where", default=None, help="SQL WHERE clause to filter rows.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write to this file (replaced once the export is complete) instead of standard output (-).")
@click.option("--escape-formulas", is_flag=True,
              help="CSV for a spreadsheet: text starting with = + - @ gets a leading apostrophe.")
def export_cmd(db: str, table: str, fmt: str, where: str | None, output: str | None,
               escape_formulas: bool) -> None:
    """Stream a table as CSV, JSON lines or JSON (constant memory)."""
    _require(db)
    with _reported():
        if output is None or output == "-":
            count = export_rows(db, table, fmt, where=where, out=sys.stdout, escape_formulas=escape_formulas)
        else:
            try:
                count = export_to_file(db, table, fmt, output, where=where, escape_formulas=escape_formulas)
            except OSError as exc:
                raise RunFailure(f"cannot write {output}: {exc.strerror or exc}") from None
    click.echo(f"exported {count} row{'' if count == 1 else 's'} from {table}", err=True)


@click.command("stats")
@DB_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
def stats_cmd(db: str, as_json: bool) -> None:
    """Counts of articles (live/gone), versions, snapshots and their bytes, crawls."""
    with _reported():
        counts = stats(db)
    if as_json:
        click.echo(json.dumps(counts, indent=2))
        return
    ratio = counts["compression_ratio"]
    lines = [
        f"articles   {counts['articles']} ({counts['live']} live, {counts['gone']} gone)",
        f"versions   {counts['versions']} ({counts['reparsed_versions']} from reparse)",
        f"snapshots  {counts['snapshots']}: {counts['snapshot_bytes_compressed']:,} bytes stored, "
        f"{counts['snapshot_bytes_raw']:,} raw" + (f" ({ratio}x)" if ratio else ""),
        f"related    {counts['related_cards']} cards",
        f"fetches    {counts['fetches']} ({counts['fetch_errors']} errors logged)",
        f"crawls     {counts['crawls']} ({counts['crawls_running']} running)",
        f"file       {counts['file_bytes']:,} bytes, schema version {counts['schema_version']}",
    ]
    click.echo("\n".join(lines))


COMMANDS: list[click.Command] = [history_cmd, reparse_cmd, export_cmd, stats_cmd]
