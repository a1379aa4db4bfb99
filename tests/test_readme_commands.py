"""Runs the README's commands as written, against the local test site, so the README cannot drift.

Substitutions only point the examples at this machine: example.org becomes the test site on
127.0.0.1, files land in a temporary directory, and crawls run without the polite 1 s delay.
Commands that need other services (Redis, Scrapyd hosts) are run by tests/test_distributed.py
and tests/test_scrapyd.py.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.fixtures.site import Site, SiteServer

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
EXAMPLE_ARTICLE = "https://example.org/summaries/immune-changes-headaches"
NEEDS_OTHER_SERVICES = ("redis://",)


def readme_commands() -> list[str]:
    """The README's shell commands for this project, in order, continuation lines joined."""
    commands = []
    for block in re.findall(r"```bash\n(.*?)```", README, flags=re.S):
        for line in block.replace("\\\n", " ").splitlines():
            line = line.split(" #")[0].strip()
            if line.startswith(("summary-archive ", "scrapy crawl", "datasette serve")):
                if not any(marker in line for marker in NEEDS_OTHER_SERVICES):
                    commands.append(line)
    return commands


def localise(command: str, site_url: str, article_url: str, work: Path) -> list[str]:
    """Point one README command at the local site and the temporary directory."""
    command = command.replace(EXAMPLE_ARTICLE, article_url).replace("https://example.org/", site_url)
    words = shlex.split(command)
    words = [str(ROOT / w) if w.startswith(("tests/", "archive/datasette")) else w for w in words]
    words = [w.replace("ARCHIVE_DB=archive.db", f"ARCHIVE_DB={work / 'archive.db'}") for w in words]
    if words[0] == "scrapy":
        words += ["-s", f"ARCHIVE_PROFILE={work / 'profile.toml'}"]
    elif words[1] == "crawl" and "--profile" not in words:
        words += ["--delay", "0", "--concurrency", "8"]
    if words[0] == "summary-archive":
        words[0] = str(BIN / "summary-archive")
    else:
        words[0] = str(BIN / words[0])
    return words


def serve_until_answering(words: list[str], cwd: Path) -> None:
    """Start a server command, check the archive answers on 127.0.0.1:8001, stop it."""
    proc = subprocess.Popen(words, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen("http://127.0.0.1:8001/archive/articles.json", timeout=5) as r:
                    assert r.status == 200
                    return
            except OSError:
                assert proc.poll() is None, f"{words[0]} exited: {proc.stderr.read() if proc.stderr else ''}"
                assert time.monotonic() < deadline, "nothing answered on 127.0.0.1:8001"
                time.sleep(0.3)
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@pytest.mark.slow
def test_readme_commands_run_as_written(tmp_path: Path) -> None:
    commands = readme_commands()
    assert len(commands) >= 10, commands
    (tmp_path / "profile.toml").write_text("[crawl]\ndelay = 0.0\nconcurrency = 8\n")
    site = Site(pages=20, seed=3)
    with SiteServer(site, epoch=1) as server:
        article_url = server.url.rstrip("/") + site.summary_paths(1)[0]
        ran = []
        for command in commands:
            words = localise(command, server.url, article_url, tmp_path)
            if "serve" in words[1:2] or words[0].endswith("datasette"):
                serve_until_answering(words, tmp_path)
            else:
                cwd = ROOT if words[0].endswith("scrapy") else tmp_path
                if "import-warc" in words:
                    words = [w if w != "capture.warc.gz" else "archive.warc.gz" for w in words]
                done = subprocess.run(words, cwd=cwd, capture_output=True, text=True, timeout=300)
                assert done.returncode == 0, f"README command failed: {command}\n{done.stderr[-3000:]}"
            ran.append(command)
    assert (tmp_path / "articles.csv").read_text(encoding="utf-8-sig").count("\n") > 10
    assert (tmp_path / "archive.warc.gz").stat().st_size > 0
    assert any("history" in c for c in ran) and any(c.startswith("scrapy crawl") for c in ran)
