"""`summary-archive parse PATH --url URL`: print the record of one saved page as JSON."""

from __future__ import annotations

import json
import sys
from urllib.parse import urlsplit

import click

from parsers import ProfileError, load_profile, parse
from summary_archive.errors import UsageProblem

# Fewer cards than this make a "listing" worth a second look: listings show a page of cards.
FEW_CARDS = 4


def _read(path: str) -> bytes:
    """The page bytes from a file, or standard input for '-'."""
    if path == "-":
        return sys.stdin.buffer.read()
    try:
        with open(path, "rb") as fh:
            return fh.read()
    except FileNotFoundError:
        raise UsageProblem(f"no such file: {path}") from None
    except IsADirectoryError:
        raise UsageProblem(f"is a directory, not a page: {path}") from None
    except OSError as exc:
        raise UsageProblem(f"cannot read {path}: {exc.strerror or exc}") from None


@click.command("parse")
@click.argument("path")
@click.option("--url", required=True, help="The page's URL (used for relative links; a canonical link wins).")
@click.option("--profile", "profile_path", default=None, help="Site profile TOML file (labels); default fits the seed site.")
def parse_command(path: str, url: str, profile_path: str | None) -> None:
    """Parse a saved HTML page (PATH, or - for stdin) and print its record as JSON."""
    try:
        profile = load_profile(profile_path)
    except ProfileError as exc:
        raise UsageProblem(str(exc)) from None
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        # (the record's URLs are absolute: relative links are read against this one)
        raise UsageProblem(f"--url must be an absolute http(s) URL such as https://example.org/s/page, not {url!r}")
    record = parse(_read(path), url.strip(), profile=profile)
    click.echo(json.dumps(record, ensure_ascii=False, indent=2))
    if record["page_type"] == "other":
        # Not an error (an About page is "other"), but a new site's summary with labels the profile
        # does not know looks the same: say so where a person reads it, not in the record.
        click.echo("note: no summary or listing found on this page (page_type other); if its site names "
                   "its parts differently, give their labels with --profile", err=True)
    elif record["page_type"] == "listing" and len(record["related"]) < FEW_CARDS:
        # A summary in another language, read without its profile, is its related cards and nothing else.
        click.echo(f"note: read as a listing of only {len(record['related'])} card(s); if this is a summary "
                   "whose site names its parts differently, give their labels with --profile", err=True)


COMMANDS: list[click.Command] = [parse_command]
