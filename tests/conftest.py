"""Options for the whole suite (pytest reads options only from conftests it loads at start-up)."""

from __future__ import annotations

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    """`--reliability-full`: run tests/reliability at full size (20 kills, 100,000 fuzz inputs)."""
    parser.addoption("--reliability-full", action="store_true", default=False,
                     help="run the reliability suite at full size (20 kills, 100,000 fuzz inputs); "
                          "also RELIABILITY_FULL=1")
