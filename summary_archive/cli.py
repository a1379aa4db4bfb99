"""`summary-archive`: one thin click group; each command lives in its own module."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from typing import Any

import click

from summary_archive import archive_cmds, crawl_cmd, ingest_cmd, parse_cmd, serve_cmd, warc_cmds
from summary_archive.errors import UsageProblem

# click >= 8.2 shows the help for a group run with no arguments by raising this UsageError.
_SHOWS_HELP = getattr(click.exceptions, "NoArgsIsHelpError", ())


@contextlib.contextmanager
def _one_line_usage_errors() -> Iterator[None]:
    """Turn click's usage error (usage block, hint and error over four lines) into one line that
    names what was wrong and where the help is, like every other error of the CLI."""
    try:
        yield
    except click.UsageError as exc:
        if isinstance(exc, _SHOWS_HELP):
            raise
        where = exc.ctx.command_path if exc.ctx is not None else "summary-archive"
        raise UsageProblem(f"{exc.format_message()} (see '{where} --help')") from exc


class OneLineErrorGroup(click.Group):
    """The CLI group: a bad option or argument of any command is a one-line error, exit 2."""

    def make_context(self, *args: Any, **kwargs: Any) -> click.Context:
        with _one_line_usage_errors():
            return super().make_context(*args, **kwargs)

    def invoke(self, ctx: click.Context) -> Any:
        with _one_line_usage_errors():
            return super().invoke(ctx)


@click.group(cls=OneLineErrorGroup, context_settings={"help_option_names": ["-h", "--help"]})
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
