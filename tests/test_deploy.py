"""The deploy examples (profile, cron, systemd) stay valid against the code."""

from __future__ import annotations

import shlex
from pathlib import Path

from parsers import DEFAULT_PROFILE, load_profile
from summary_archive.cli import cli

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"


def test_example_profile_lists_every_option_with_its_default() -> None:
    assert load_profile(DEPLOY / "profile.example.toml") == DEFAULT_PROFILE


def scheduled_crawl_args(line: str) -> list[str]:
    words = shlex.split(line)
    return words[words.index("crawl"):]


def test_cron_and_systemd_run_a_valid_crawl_command() -> None:
    cron = [l for l in (DEPLOY / "cron" / "summary-archive.cron").read_text().splitlines() if l and l[0].isdigit()]
    service = [l for l in (DEPLOY / "systemd" / "summary-archive-crawl.service").read_text().splitlines()
               if l.startswith("ExecStart=")]
    assert cron and service
    for line in cron + service:
        args = scheduled_crawl_args(line.split(">>")[0])
        command = cli.commands[args[0]]
        declared = {opt for param in command.params for opt in param.opts}
        options = [word for word in args[1:] if word.startswith("--")]
        assert options and set(options) <= declared, f"unknown option in {line!r}"
