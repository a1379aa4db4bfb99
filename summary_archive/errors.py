"""How the CLI reports failures: one line on stderr, a distinct exit code."""

from __future__ import annotations

import click


class UsageProblem(click.ClickException):
    """Bad input from the user (missing file, bad option value): exit 2, one line."""

    exit_code = 2


class RunFailure(click.ClickException):
    """The command could not do its work (unwritable database, unreachable site): exit 1, one line."""

    exit_code = 1
