"""An archive built from the generated test site (two crawls), for the Datasette and browser tests."""

from __future__ import annotations

import contextlib
import re
import sqlite3
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from archive import Archive
from parsers import parse
from tests.fixtures.site import Site

BASE = "http://127.0.0.1:8000"
# The hostile article: scraped text that must stay text (title with a script, javascript: links).
HOSTILE_URL = BASE + "/summaries/hostile-page"
HOSTILE_TITLE = "Hostile <script>window.__pwned = 1</script> <img src=x onerror=\"window.__pwned=2\"> title"
HOSTILE_SOURCE = "javascript:window.__pwned=3"
HOSTILE_CARD = "javascript:window.__pwned=4"


@dataclass
class Built:
    """The archive file and the site truth it was built from."""

    path: Path
    site: Site
    epoch1: list[str]
    epoch2: list[str]
    edited: list[str]
    removed: list[str]
    added: list[str]
    outcomes: dict[int, dict[str, str]] = field(default_factory=dict)  # crawl -> {url: outcome}

    def url(self, path: str) -> str:
        """Absolute URL of a site path."""
        return BASE + path


BROKEN_URL = BASE + "/summaries/broken"  # fails in crawl 2 (a fetch_errors row)


def _crawl(archive: Archive, site: Site, epoch: int, paths: list[str], gone: list[str]) -> dict[str, str]:
    crawl = archive.start_crawl([BASE + "/"])
    outcomes: dict[str, str] = {}
    for path in paths:
        status, headers, body = site.render(path, epoch, base_url=BASE)
        url = BASE + path
        assert status == 200, (path, status)
        outcomes[url] = archive.store(crawl, url, parse(body, url, headers), body, headers, status)
    for path in gone:
        status, _, _ = site.render(path, epoch, base_url=BASE)
        outcomes[BASE + path] = archive.gone(crawl, BASE + path, status)
    if epoch == 2:
        archive.error(crawl, BROKEN_URL, 503, "HTTP 503 Service Unavailable after 2 retries")
    archive.finish_crawl(crawl)
    return outcomes


def _hostile(archive: Archive, site: Site) -> None:
    """Store the site's hostile page under our own URL with script-bearing title and bad links."""
    body = site.fault_page("hostile", base_url=BASE)
    record = parse(body, HOSTILE_URL, {"Content-Type": "text/html; charset=utf-8"})
    record["url"] = HOSTILE_URL
    record["title"] = HOSTILE_TITLE
    record["source"] = {**(record.get("source") or {}), "url": HOSTILE_SOURCE}
    record["related"] = [{"title": "Bad card <b>bold</b>", "url": HOSTILE_CARD, "date": "2026-01-01",
                          "excerpt": "<script>window.__pwned=5</script>", "excerpt_truncated": False}]
    crawl = archive.start_crawl([HOSTILE_URL])
    archive.store(crawl, HOSTILE_URL, record, body, {"Content-Type": "text/html"}, 200)
    archive.finish_crawl(crawl)


def build_archive(path: Path, pages: int = 60) -> Built:
    """Crawl epoch 1 then epoch 2 of Site(pages) into `path` (parse + Archive.store), plus the hostile page."""
    site = Site(pages=pages, seed=1)
    epoch1, epoch2 = sorted(site.summary_paths(1)), sorted(site.summary_paths(2))
    changes = site.changes(1, 2)
    built = Built(path=path, site=site, epoch1=epoch1, epoch2=epoch2, edited=sorted(changes["edited"]),
                  removed=sorted(changes["removed"]), added=sorted(changes["added"]))
    with Archive(path) as archive:
        built.outcomes[1] = _crawl(archive, site, 1, epoch1 + ["/summaries/"], [])
        built.outcomes[2] = _crawl(archive, site, 2, epoch2 + ["/summaries/"], built.removed)
        _hostile(archive, site)
    return built


@contextlib.contextmanager
def serving(db: Path, *extra: str, timeout: float = 60.0) -> Iterator[str]:
    """Run `summary-archive serve --db DB --port 0` in a subprocess; yield its base URL, then stop it."""
    cli = Path(sys.executable).parent / "summary-archive"
    proc = subprocess.Popen([str(cli), "serve", "--db", str(db), "--port", "0", *extra],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        url = _announced_url(proc, timeout)
        # Keep reading stderr so a chatty server never blocks on a full pipe.
        threading.Thread(target=proc.stderr.read, daemon=True).start()  # type: ignore[union-attr]
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _announced_url(proc: subprocess.Popen, timeout: float) -> str:
    """The http://127.0.0.1:PORT/ that `serve` prints once it listens."""
    deadline = time.monotonic() + timeout
    assert proc.stderr is not None
    seen = []
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        if not line:
            if proc.poll() is not None:
                raise RuntimeError(f"serve exited {proc.returncode}: {''.join(seen)}")
            continue
        seen.append(line)
        match = re.search(r"(http://[\d.]+:\d+/)", line)
        if match:
            return match.group(1)
    raise RuntimeError(f"serve did not announce its URL in {timeout} s: {''.join(seen)}")


def sql(built: Built, query: str, params: tuple = ()) -> list[tuple]:
    """Rows of a query on the built archive, read directly with sqlite3 (the truth tests compare to)."""
    conn = sqlite3.connect(built.path)
    try:
        return conn.execute(query, params).fetchall()
    finally:
        conn.close()


def copy_archive(source: Path, target: Path) -> Path:
    """A private copy of an archive (SQLite backup), for tests that write to it."""
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()
    return target
