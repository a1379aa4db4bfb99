"""Every benchmark the README lists runs end to end at a tiny size and prints each of its figures.

Not a speed test (figures at this size mean nothing, and no figure is asserted): a benchmark that
crashes, or stops printing a target's line, is a documented command that no longer works."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NUMBER = r"\d+(?:\.\d+)?"

# (script and tiny arguments, lines that must appear with their figure)
RUNS = {
    "bench_parse.py --rounds 1 --target-kb 20": [rf"ratio parse / bs4 soup = {NUMBER}"],
    "bench_crawl.py --pages 30 --repeat 1": [
        rf"full CPU/page <= 1\.25 x \(null \+ soup\): {NUMBER}",
        rf"full req/s >= 45% of null: {NUMBER}",
        rf"recrawl req/s >= 80% of null: {NUMBER}",
        rf"recrawl >= 5x faster than first crawl: {NUMBER}",
        rf"recrawl wall / Scrapy floor wall: {NUMBER}",
    ],
    "bench_archive.py --pages 40 --restores 1 --reparse-pages 20": [
        rf"unchanged re-store: .*\({NUMBER}x first store",
        rf"grew the file {NUMBER}%",
        rf"speed-up {NUMBER}x on \d+ cores",
    ],
    "bench_serve.py --articles 150 --requests 2": [
        rf"full-text search page +p50 +{NUMBER} ms +p95 +{NUMBER} ms",
        rf"article page, 5 versions +p50 +{NUMBER} ms",
        r"articles CSV, streamed",
    ],
    "bench_warc.py --pages 20": [rf"crawl --warc +wall +{NUMBER} s", rf"import-warc +wall +{NUMBER} s"],
    "bench_scale.py --pages 30 --delay 0.01 --memory-pages 60 --memory-minutes 0.1": [
        rf"speed-up 2 vs 1: {NUMBER}x", rf"peak RSS worker {NUMBER} MB",
    ],
}


@pytest.mark.slow
@pytest.mark.parametrize("command", [pytest.param(c, marks=pytest.mark.redis) if c.startswith("bench_scale") else c
                                     for c in RUNS])
def test_benchmark_runs_and_reports_every_figure(command: str) -> None:
    if command.startswith("bench_scale") and not shutil.which("redis-server"):
        pytest.fail("bench_scale needs redis-server (CI installs it: see .ci/run; make test-fast skips it)")
    script, *args = command.split()
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / script), *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, proc.stderr[-2000:]
    for pattern in RUNS[command]:
        assert re.search(pattern, proc.stdout), f"{script}: no line matching {pattern!r} in:\n{proc.stdout[-3000:]}"
