"""`make demo`, run literally as the README shows it, reaches a serving archive with history and stops cleanly."""

from __future__ import annotations

import html
import json
import os
import re
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)


@pytest.mark.slow
def test_make_demo_serves_an_archive_with_history(tmp_path: Path) -> None:
    assert "make demo" in (ROOT / "README.md").read_text()
    port = free_port()
    env = {**os.environ, "DEMO_DB": str(tmp_path / "demo.db"), "DEMO_PORT": str(port), "DEMO_PAGES": "60"}
    proc = subprocess.Popen(
        ["make", "demo"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True, start_new_session=True,
    )
    output: list[str] = []
    base = None
    try:
        deadline = time.monotonic() + 400
        assert proc.stdout is not None
        for line in proc.stdout:
            output.append(line)
            found = re.search(r"Open the archive: (http://\S+?)/?$", line.strip())
            if found:
                base = found.group(1)
            if "Press Ctrl-C" in line or time.monotonic() > deadline:
                break
        assert base == f"http://127.0.0.1:{port}", "".join(output[-40:])
        articles = get_json(f"{base}/archive/articles.json?_shape=array&status=live")
        assert len(articles) > 10
        with_history = get_json(f"{base}/archive/articles.json?_shape=array&version_count__gt=1")
        assert with_history, "the demo's second crawl should give some article two versions"
        article_id = with_history[0]["id"]
        with urllib.request.urlopen(f"{base}/-/article/{article_id}", timeout=10) as response:
            # (unescaped: the first article with history depends on crawl order, and "Women's" is
            # written "Women&#39;s" in the page)
            assert with_history[0]["title"].split()[0] in html.unescape(response.read().decode())
    finally:
        os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
        try:
            proc.wait(timeout=30)
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
    rest = proc.stdout.read() if proc.stdout else ""
    assert "demo: stopped" in rest, rest[-2000:]
    with pytest.raises(OSError):
        urllib.request.urlopen(f"{base}/", timeout=2)
