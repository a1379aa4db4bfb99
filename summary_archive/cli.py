"""`summary-archive`: one thin click group; each command lives in its own module."""

from __future__ import annotations

import os
import sys

import click

from summary_archive import archive_cmds, crawl_cmd, ingest_cmd, parse_cmd, serve_cmd, warc_cmds


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="summary-archive")
def cli() -> None:
    """Crawl lay research summaries into a versioned SQLite archive and serve it."""


for module in (parse_cmd, archive_cmds, crawl_cmd, ingest_cmd, serve_cmd, warc_cmds):
    for command in module.COMMANDS:
        cli.add_command(command)


def main() -> None:
    """Console-script entry point."""
    try:
        cli()
    except BrokenPipeError:
        # The reader went away (`summary-archive export ... | head`): stop quietly, as Unix tools do.
        # Python's own advice: point stdout at devnull so the interpreter's final flush cannot fail too.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
