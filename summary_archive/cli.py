"""`summary-archive`: one thin click group; each command lives in its own module."""

from __future__ import annotations

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
    cli()
