"""Reliability suite sizes: a fast CI size by default, the full (nightly) size with
`--reliability-full` or RELIABILITY_FULL=1."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass

import pytest


@dataclass(frozen=True)
class Size:
    """How hard the reliability tests push: kills, fuzz inputs, site pages."""

    name: str
    kills: int
    fuzz_inputs: int
    hypothesis_examples: int
    crash_pages: int


CI = Size("ci", kills=5, fuzz_inputs=1_600, hypothesis_examples=400, crash_pages=60)
FULL = Size("full", kills=20, fuzz_inputs=90_000, hypothesis_examples=10_000, crash_pages=200)


def full_size(config: pytest.Config) -> bool:
    """True when the full size was asked for by option or environment."""
    return bool(config.getoption("--reliability-full", default=False)) or os.environ.get("RELIABILITY_FULL", "") == "1"


@pytest.fixture(scope="session")
def size(pytestconfig: pytest.Config) -> Size:
    """The size this run uses."""
    return FULL if full_size(pytestconfig) else CI


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """The fuzzer's parse times at the end of the run (from this process: none under xdist's workers)."""
    fuzz = sys.modules.get("tests.reliability.test_fuzz")
    report = fuzz.parse_times_report() if fuzz is not None else None
    if report:
        terminalreporter.write_line(report)
