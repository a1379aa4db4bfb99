"""The project on a real Scrapyd (loopback, random port): `scrapyd-deploy` builds and uploads the egg,
`schedule.json` runs the `summaries` spider, and the job's pages end up in the archive."""

from __future__ import annotations

import json
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fixtures.site import Site, SiteServer
from tests.test_distributed import redis_url  # noqa: F401  (fixture: a private redis-server)

pytestmark = [pytest.mark.slow, pytest.mark.timeout(180)]

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
# What an egg needs; copied so that the egg build (build/, *.egg-info) stays out of the checkout.
PROJECT_FILES = ("scrapy.cfg", "pyproject.toml", "setup.py", "README.md", "parsers", "archive", "scraper",
                 "summary_archive")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def call(base: str, endpoint: str, data: list[tuple[str, str]] | None = None) -> dict:
    """GET (or POST with form data) a Scrapyd JSON endpoint."""
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    with urllib.request.urlopen(base + endpoint, data=body, timeout=10) as response:
        return json.loads(response.read())


@pytest.fixture(scope="module")
def scrapyd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A Scrapyd bound to 127.0.0.1 on a free port, its eggs/logs/dbs in a temporary directory."""
    home = tmp_path_factory.mktemp("scrapyd")
    port = free_port()
    (home / "scrapyd.conf").write_text(
        "[scrapyd]\nbind_address = 127.0.0.1\nhttp_port = %d\neggs_dir = %s\nlogs_dir = %s\n"
        "items_dir =\ndbs_dir = %s\nmax_proc = 2\npoll_interval = 0.5\n"
        % (port, home / "eggs", home / "logs", home / "dbs"))
    proc = subprocess.Popen([str(BIN / "scrapyd")], cwd=home, stdout=subprocess.DEVNULL,
                            stderr=open(home / "scrapyd.err", "wb"))
    base = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 30
    while True:
        try:
            assert call(base, "daemonstatus.json")["status"] == "ok"
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError("scrapyd did not start: " + (home / "scrapyd.err").read_text()[-500:])
            time.sleep(0.2)
    yield base
    proc.terminate()
    proc.wait(10)


@pytest.fixture(scope="module")
def deployed(scrapyd: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The project deployed with scrapyd-deploy to a target added to (a copy of) scrapy.cfg."""
    project = tmp_path_factory.mktemp("project")
    for name in PROJECT_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, project / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, project / name)
    with open(project / "scrapy.cfg", "a") as cfg:
        cfg.write(f"\n[deploy:test]\nurl = {scrapyd}\nproject = summary_archive\n")
    done = subprocess.run([str(BIN / "scrapyd-deploy"), "test"], cwd=project, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout.strip().splitlines()[-1])
    assert answer["status"] == "ok" and answer["spiders"] == 1, answer
    assert "summary_archive" in call(scrapyd, "listprojects.json")["projects"]
    return scrapyd


def wait_for_job(base: str, job: str, timeout: float = 90) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        jobs = call(base, "listjobs.json?project=summary_archive")
        finished = [j for j in jobs["finished"] if j["id"] == job]
        if finished:
            return finished[0]
        time.sleep(0.5)
    raise AssertionError(f"job {job} did not finish in {timeout} s")


def test_scheduled_job_archives_the_site(deployed: str, tmp_path: Path) -> None:
    site = Site(pages=40, seed=8)
    db = tmp_path / "scheduled.db"
    with SiteServer(site, epoch=1) as srv:
        reply = call(deployed, "schedule.json", [
            ("project", "summary_archive"), ("spider", "summaries"), ("start_urls", srv.url),
            ("setting", f"ARCHIVE_DB={db}"), ("setting", "DOWNLOAD_DELAY=0"),
            ("setting", "CONCURRENT_REQUESTS_PER_DOMAIN=4"), ("setting", "ARCHIVE_PARSE_WORKERS=1"),
        ])
        assert reply["status"] == "ok", reply
        job = wait_for_job(deployed, reply["jobid"])
    assert job["spider"] == "summaries"
    assert_archived_once(db, site)


@pytest.mark.redis
@pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs Debian's redis-server")
def test_scheduled_workers_of_a_distributed_crawl(deployed: str, redis_url: str, tmp_path: Path) -> None:
    """Two Scrapyd jobs as workers (ARCHIVE_REDIS_URL, no ARCHIVE_DB) and `summary-archive ingest` as
    the writer: the crawl is archived once, as by a local crawl."""
    site = Site(pages=30, seed=9)
    db = tmp_path / "distributed.db"
    redis_db = redis_url + "/5"
    with SiteServer(site, epoch=1) as srv:
        writer = subprocess.Popen([str(BIN / "summary-archive"), "ingest", srv.url, "--redis", redis_db,
                                   "--db", str(db), "--quiet"], cwd=ROOT, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True)
        jobs = [call(deployed, "schedule.json", [
            ("project", "summary_archive"), ("spider", "summaries"), ("start_urls", srv.url),
            ("setting", f"ARCHIVE_REDIS_URL={redis_db}"), ("setting", "DOWNLOAD_DELAY=0"),
            ("setting", "ARCHIVE_PARSE_WORKERS=1")])["jobid"] for _ in range(2)]
        for job in jobs:
            wait_for_job(deployed, job)
        out, err = writer.communicate(timeout=60)
    assert writer.returncode == 0, err
    assert "finished" in err
    assert_archived_once(db, site)


def assert_archived_once(db: Path, site: Site) -> None:
    """One finished crawl that archived exactly the site's epoch-1 summaries."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        crawls = conn.execute("SELECT status, new FROM crawls").fetchall()
        urls = {row[0].split("/", 3)[3] for row in conn.execute("SELECT url FROM articles")}
    finally:
        conn.close()
    expected = {p.lstrip("/") for p in site.summary_paths(1)}
    assert crawls == [("finished", len(expected))]
    assert urls == expected
