"""The README documents every command and option, and every command it shows is a real one."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import click
import pytest

from summary_archive.cli import cli

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def readme_command_lines() -> list[str]:
    """Every `summary-archive ...` line inside the README's fenced code blocks."""
    lines = []
    for block in re.findall(r"```[a-z]*\n(.*?)```", README, flags=re.S):
        for line in block.splitlines():
            line = line.strip()
            if line.startswith("summary-archive "):
                lines.append(line.split("#")[0].strip())
    return lines


COMMANDS = sorted(cli.commands.items())


@pytest.mark.parametrize("name", [name for name, _ in COMMANDS])
def test_every_command_is_documented(name: str) -> None:
    assert f"summary-archive {name}" in README, f"README never shows `summary-archive {name}`"


@pytest.mark.parametrize(
    "name,option",
    [
        (name, opt)
        for name, command in COMMANDS
        for param in command.params
        if isinstance(param, click.Option)
        for opt in param.opts
        if opt.startswith("--")
    ],
)
def test_every_option_is_documented(name: str, option: str) -> None:
    assert re.search(rf"summary-archive {name}\b[^\n]*{re.escape(option)}\b", README) or re.search(
        rf"`{re.escape(option)}\b", README
    ), f"README never documents `{option}` of `summary-archive {name}`"


@pytest.mark.parametrize("line", readme_command_lines())
def test_readme_commands_exist(line: str) -> None:
    words = shlex.split(line)
    assert words[1] in cli.commands, f"README shows an unknown command: {line}"
    command = cli.commands[words[1]]
    declared = {opt for param in command.params for opt in param.opts + param.secondary_opts}
    for word in words[2:]:
        if word.startswith("-") and word != "-":
            assert word.split("=")[0] in declared, f"`{word}` is not an option of `{words[1]}`: {line}"


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in ci and "make test" in README


@pytest.mark.parametrize("name", ["RECORD.md", "ARCHIVE.md"])
def test_spec_copies_match_the_shared_contract(name: str) -> None:
    shared = ROOT.parent / "shared" / "spec" / name
    if not shared.exists():
        pytest.skip(reason=f"no shared/spec/{name} beside this checkout to compare with")
    assert (ROOT / "docs" / name).read_text() == shared.read_text(), f"docs/{name} drifted from the contract"
