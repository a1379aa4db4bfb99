"""`export-warc` and `import-warc`: move captures between the archive and WARC files (ISO 28500)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

import click

from summary_archive.errors import RunFailure, UsageProblem


def _echo_progress(label: str, every: int) -> Callable[[int, int], None]:
    """A progress callback printing `label done/total` to stderr every `every` items."""
    def progress(done: int, total: int) -> None:
        if done == total or done % every == 0:
            click.echo(f"{label} {done}/{total}", err=True)
    return progress


@click.command("export-warc")
@click.option("--db", "db_path", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Archive file to read.")
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="WARC file to write (gzip per record when it ends in .gz); a .cdxj index is written beside it.")
@click.option("--since", default=None, metavar="DATE",
              help="Only captures fetched at or after this ISO 8601 date/time (UTC).")
@click.option("--no-revisits", is_flag=True,
              help="Only one response record per snapshot: no revisit records for later fetches, no 404/410s or moves.")
def export_warc_cmd(db_path: Path, output: Path, since: str | None, no_revisits: bool) -> None:
    """Write the archive's stored snapshots as a WARC: one response record per snapshot, at its fetch time."""
    from archive import ArchiveError, NotAnArchive
    from archive.clock import normalise
    from archive.cdx import cdxj_path
    from archive.warc import export_warc

    if not db_path.exists():
        raise UsageProblem(f"no archive at {db_path}")
    if since:
        try:
            normalise(since)
        except ValueError:
            raise UsageProblem(f"--since: not an ISO 8601 date: {since}") from None
    if not output.parent.is_dir():
        raise UsageProblem(f"-o: directory {output.parent} does not exist")
    try:
        counts = export_warc(db_path, output, since=since, revisits=not no_revisits,
                             progress=_echo_progress("exported", 1000))
    except NotAnArchive as exc:
        raise UsageProblem(str(exc)) from None
    except ArchiveError as exc:
        raise RunFailure(str(exc)) from None
    except OSError as exc:
        raise RunFailure(f"cannot write {output}: {exc.strerror or exc}") from None
    click.echo(f"wrote {output}: {counts['response']} response records (snapshots), {counts['revisit']} revisit "
               f"records (later fetches), {counts['gone']} gone (404/410, moves); index {cdxj_path(output).name}")


@click.command("import-warc")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--db", "db_path", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Archive file to write (created if missing).")
@click.option("--profile", "profile_path", default=None, type=click.Path(dir_okay=False, path_type=Path),
              help="Site profile (TOML) for the parser and the page types to archive.")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Parser processes (default: the CPU count; 1 parses in this process).")
def import_warc_cmd(files: tuple[Path, ...], db_path: Path, profile_path: Path | None,
                    workers: int | None) -> None:
    """Archive the summary pages in WARC files or directories (wget, Browsertrix...) at their capture times."""
    from archive import ArchiveError, NotAnArchive
    from archive.warc_import import WarcImportError, import_warc
    from parsers import PARSER_VERSION, ProfileError, load_profile, parse

    warcs: list[Path] = []
    for path in files:
        if path.is_dir():  # a crawl's --warc directory: all its files, in name (= time) order
            found = sorted(p for p in path.iterdir() if p.name.endswith((".warc", ".warc.gz")))
            if not found:
                raise UsageProblem(f"no .warc or .warc.gz files in {path}")
            warcs.extend(found)
        elif path.is_file():
            warcs.append(path)
        else:
            raise UsageProblem(f"WARC file not found: {path}")
    try:
        profile = load_profile(profile_path)
    except ProfileError as exc:
        raise UsageProblem(str(exc)) from None
    try:
        summary = import_warc(warcs, db_path, partial(parse, profile=profile),
                              page_types=profile.page_types, version_related=profile.version_related,
                              workers=workers, progress=_echo_progress("imported", 500), parser_version=PARSER_VERSION)
    except (WarcImportError, NotAnArchive) as exc:
        raise UsageProblem(str(exc)) from None
    except ArchiveError as exc:
        raise RunFailure(str(exc)) from None
    stored = summary["stored"]
    click.echo(f"read {summary['records']} records from {summary['files']} file(s) into crawl "
               f"{summary['crawl_id']}")
    click.echo("pages stored: " + ", ".join(f"{k} {v}" for k, v in stored.items()))
    skipped = summary["skipped"]
    click.echo(f"skipped {sum(skipped.values())}: "
               + (", ".join(f"{k} {v}" for k, v in skipped.items()) or "none"))


COMMANDS: list[click.Command] = [export_warc_cmd, import_warc_cmd]
