"""End-to-end crawls of the generated test site: the CLI (and `scrapy crawl`) in a subprocess against
a real HTTP server on 127.0.0.1, the archive checked in its SQLite file, the server's log checked for
what the crawler asked."""

from __future__ import annotations

import collections
import gzip
import http.server
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.fixtures.site import Site, SiteServer
from tests.serve_fixture import copy_archive

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
# Fast but otherwise default settings: no politeness delay on loopback, short timeouts and backoff.
FAST = ["--delay", "0", "--concurrency", "4", "--timeout", "3", "--quiet",
        "--set", "ARCHIVE_RETRY_BACKOFF=0.05", "--set", "ARCHIVE_PARSE_WORKERS=2"]
PAGES = 80


def crawl(*args: str, timeout: float = 150) -> subprocess.CompletedProcess:
    """Run `summary-archive crawl ...` in a subprocess (a Twisted reactor runs once per process)."""
    return subprocess.run([str(BIN / "summary-archive"), "crawl", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout)


def query(db: Path, sql: str, *params: object) -> list[tuple]:
    """Rows from the archive, read-only."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def path_of(url: str) -> str:
    return urlsplit(url).path


def articles(db: Path) -> dict[str, dict]:
    """Articles by URL path: status, title, version_count."""
    rows = query(db, "SELECT url, status, title, version_count FROM articles")
    return {path_of(u): {"status": s, "title": t, "versions": v} for u, s, t, v in rows}


def summary_requests(requests: list[dict]) -> list[dict]:
    return [r for r in requests if r["path"].startswith("/summaries/") and "/page/" not in r["path"]]


def assert_polite_and_in_scope(requests: list[dict], server: SiteServer) -> None:
    """Nothing from /private/ or the other host; no URL asked twice (canonicalised: no query/slash
    variants); every request names the project in its User-Agent."""
    own = urlsplit(server.url).netloc
    assert requests, "the crawler asked nothing"
    assert {r["host"] for r in requests} == {own}
    assert not [r["path"] for r in requests if r["path"].startswith("/private")]
    # A redirect hop (/a/ -> /a) is one fetch: count the final answers.
    answered = collections.Counter(r["path"].rstrip("/") or "/" for r in requests
                                   if r["status"] not in (301, 302, 303, 307, 308))
    assert not [p for p, n in answered.items() if n > 1], "same URL requested twice"
    assert all(r["headers"].get("User-Agent", "").startswith("summary-archive/") for r in requests)


@pytest.fixture(scope="module")
def site() -> Site:
    return Site(pages=PAGES, seed=3)


@pytest.fixture(scope="module")
def epochs(site: Site, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Crawl epoch 1, then epoch 2, then epoch 2 again into one archive, keeping each run's
    process result and the server's request log."""
    db = tmp_path_factory.mktemp("epochs") / "archive.db"
    runs: dict = {"db": db}
    with SiteServer(site, epoch=1) as server:
        runs["server"] = server
        for name, epoch in (("e1", 1), ("e2", 2), ("e2again", 2)):
            server.set_epoch(epoch)
            server.clear_log()
            proc = crawl(server.url, "--db", str(db), *FAST)
            runs[name] = {"proc": proc, "requests": server.requests, "db": snapshot(db, name)}
    return runs


def snapshot(db: Path, name: str) -> Path:
    """A copy of the archive as this run left it, for the test of that run."""
    return copy_archive(db, db.with_name(f"{name}.db"))


def test_epoch1_archives_every_summary_and_nothing_out_of_scope(site: Site, epochs: dict) -> None:
    run = epochs["e1"]
    db = run["db"]
    assert run["proc"].returncode == 0, run["proc"].stderr
    got = articles(db)
    expected = set(site.summary_paths(1))
    assert site.hidden_paths(1), "the site should have sitemap-only summaries"
    assert set(site.hidden_paths(1)) <= set(got)
    assert expected == {p for p, a in got.items() if a["status"] == "live"}
    assert all(a["versions"] == 1 for a in got.values())
    for path in expected:
        assert got[path]["title"] == site.expected(path, 1)["title"]
    assert_polite_and_in_scope(run["requests"], epochs["server"])
    assert [r for r in run["requests"] if r["path"] == "/robots.txt"]
    (crawl_row,) = query(db, "SELECT status, fetched, new, changed, unchanged, gone, errors FROM crawls")
    assert crawl_row[0] == "finished" and crawl_row[2] == len(expected)
    # The summary on stderr names the crawl and its counts.
    assert f"new {len(expected)}" in run["proc"].stderr


def test_epoch2_records_edits_removals_and_additions(site: Site, epochs: dict) -> None:
    run = epochs["e2"]
    db = run["db"]
    assert run["proc"].returncode == 0, run["proc"].stderr
    changes = site.changes(1, 2)
    assert changes["edited"] and changes["removed"] and changes["added"]
    got = articles(db)
    for path in changes["edited"]:
        assert got[path]["versions"] == 2, path
        assert got[path]["title"] == site.expected(path, 2)["title"]
    for path in changes["unchanged"] + changes["cosmetic"]:
        assert got[path]["versions"] == 1, path
    for path in changes["removed"]:
        assert got[path]["status"] == "gone", path
    for path in changes["added"]:
        assert got[path]["status"] == "live" and got[path]["versions"] == 1, path
    crawl_id = query(db, "SELECT max(id) FROM crawls")[0][0]
    outcomes = dict(query(db, "SELECT url, outcome FROM fetches f JOIN crawls c ON c.id = f.crawl_id "
                              "WHERE crawl_id = ?", crawl_id)) if _fetches_has_url(db) else None
    rows = query(db, "SELECT a.url, v.changed FROM versions v JOIN articles a ON a.id = v.article_id "
                     "WHERE v.crawl_id = ? AND v.version = 2", crawl_id)
    changed = {path_of(u): json.loads(c) for u, c in rows}
    assert set(changed) == set(changes["edited"])
    assert all(changed[p] for p in changed), "every new version names what changed"
    if outcomes is not None:
        assert {path_of(u).rstrip("/") for u, o in outcomes.items() if o == "changed"} == set(changes["edited"])
    (status, new, changed_n, gone) = query(db, "SELECT status, new, changed, gone FROM crawls WHERE id = ?",
                                           crawl_id)[0]
    assert (status, new, changed_n, gone) == ("finished", len(changes["added"]), len(changes["edited"]),
                                              len(changes["removed"]))
    # Conditional requests: unchanged summaries answered 304.
    statuses = collections.Counter(r["status"] for r in summary_requests(run["requests"]))
    assert statuses[304] >= len(changes["unchanged"])
    assert_polite_and_in_scope(run["requests"], epochs["server"])


def _fetches_has_url(db: Path) -> bool:
    return "url" in {row[1] for row in query(db, "PRAGMA table_info(fetches)")}


def test_epoch2_again_adds_no_versions_and_is_mostly_304(site: Site, epochs: dict) -> None:
    run = epochs["e2again"]
    db = run["db"]
    assert run["proc"].returncode == 0, run["proc"].stderr
    total_versions = query(db, "SELECT count(*) FROM versions")[0][0]
    assert total_versions == len(site.summary_paths(1)) + len(site.changes(1, 2)["edited"]) + len(
        site.changes(1, 2)["added"])
    crawl_id = query(db, "SELECT max(id) FROM crawls")[0][0]
    assert query(db, "SELECT count(*) FROM versions WHERE crawl_id = ?", crawl_id)[0][0] == 0
    (new, changed, unchanged) = query(db, "SELECT new, changed, unchanged FROM crawls WHERE id = ?", crawl_id)[0]
    assert (new, changed, unchanged) == (0, 0, len(site.summary_paths(2)))
    live = [r for r in summary_requests(run["requests"]) if r["status"] in (200, 304)]
    assert sum(r["status"] == 304 for r in live) >= 0.9 * len(live)
    assert all(r["headers"].get("If-None-Match") or r["headers"].get("If-Modified-Since")
               for r in live if r["status"] == 304)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_interrupted_crawl_resumes_without_duplicates(tmp_path: Path, signum: int) -> None:
    site = Site(pages=100, seed=5)
    db, jobdir = tmp_path / "archive.db", tmp_path / "job"
    expected = set(site.summary_paths(1))
    with SiteServer(site, epoch=1, delay=0.03) as server:
        args = [str(BIN / "summary-archive"), "crawl", server.url, "--db", str(db), "--resume", str(jobdir),
                "--delay", "0", "--concurrency", "2", "--quiet", "--set", "ARCHIVE_PARSE_WORKERS=1"]
        proc = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 60
        while len(summary_requests(server.requests)) < 30 and time.monotonic() < deadline:
            time.sleep(0.05)
        proc.send_signal(signum)
        _, err = proc.communicate(timeout=60)
        assert proc.returncode != 0 and "interrupted" in err, err
        first = articles(db)
        assert 0 < len(first) < len(expected)
        assert query(db, "SELECT id, status FROM crawls") == [(1, "interrupted")]

        again = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert again.returncode == 0, again.stderr
        requests = server.requests
    got = articles(db)
    assert set(got) == expected
    assert all(a["versions"] == 1 for a in got.values())
    assert query(db, "SELECT count(*) FROM versions")[0][0] == len(expected)
    assert query(db, "SELECT id, status, new FROM crawls") == [(1, "finished", len(expected))]
    asked = collections.Counter(r["path"] for r in summary_requests(requests))
    assert not [p for p, n in asked.items() if n > 1], "a page fetched before the interruption was fetched again"
    # The finished crawl cleared its job state: the same --resume DIR starts the next crawl afresh.
    assert not (jobdir / "requests.seen").exists() and not (jobdir / "archive_crawl.json").exists()


def test_max_pages_holds_across_a_resume(tmp_path: Path) -> None:
    """Crawler round 11: the limit counted only the resumed run's pages (limit 80, 97 stored)."""
    site = Site(pages=100, seed=5)
    db, jobdir = tmp_path / "archive.db", tmp_path / "job"
    with SiteServer(site, epoch=1, delay=0.03) as server:
        args = [str(BIN / "summary-archive"), "crawl", server.url, "--db", str(db), "--resume", str(jobdir),
                "--max-pages", "40", "--delay", "0", "--concurrency", "2", "--quiet", "--set", "ARCHIVE_PARSE_WORKERS=1"]
        proc = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 60
        while len(summary_requests(server.requests)) < 20 and time.monotonic() < deadline:
            time.sleep(0.05)
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=60)
        assert 0 < len(articles(db)) < 40
        again = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert again.returncode == 0, again.stderr
    assert query(db, "SELECT status, new FROM crawls") == [("finished", 40)] and len(articles(db)) == 40


def test_a_killed_crawl_resumed_counts_each_failure_once(tmp_path: Path) -> None:
    """After SIGKILL the resumed crawl asks again for what was in flight: a page that failed before
    fails again, and the crawl's row counts it once, as an uninterrupted crawl's does."""
    site = Site(pages=60, seed=5)
    whole, db, jobdir = tmp_path / "whole.db", tmp_path / "archive.db", tmp_path / "job"
    with SiteServer(site, epoch=1, delay=0.03) as server:
        assert crawl(server.url, "--db", str(whole), *FAST).returncode == 0
        server.clear_log()
        args = [str(BIN / "summary-archive"), "crawl", server.url, "--db", str(db), "--resume", str(jobdir), *FAST]
        proc = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while not (query_or_none(db, "SELECT errors FROM crawls WHERE errors > 2") or time.monotonic() > deadline):
            time.sleep(0.05)
        proc.kill()  # (SIGKILL: no goodbye; the next run finds the crawl's process gone)
        proc.wait(10)
        again = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert again.returncode == 0, again.stderr
    counted = "SELECT fetched, new, errors FROM crawls"
    assert query(db, counted) == query(whole, counted)
    assert query(db, "SELECT count(DISTINCT url) FROM fetch_errors") == query(whole, "SELECT count(*) FROM fetch_errors")


def query_or_none(db: Path, sql: str) -> list[tuple] | None:
    """The rows, or None while the file or its tables are not there yet."""
    try:
        return query(db, sql)
    except sqlite3.Error:
        return None


def ctrl_c_twice(proc: subprocess.Popen, started: Callable[[], bool]) -> str:
    """Once `started()` holds (or after a minute), two Ctrl-Cs 0.3 s apart: Scrapy's forced shutdown.
    Returns the crawler's stderr once it has exited."""
    deadline = time.monotonic() + 60
    while not started() and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    time.sleep(0.3)
    proc.send_signal(signal.SIGINT)
    return proc.communicate(timeout=60)[1]


def test_a_crawl_stopped_by_two_ctrl_cs_resumes_and_misses_nothing(tmp_path: Path) -> None:
    """A second Ctrl-C stops Scrapy at once: no queue index is written and the requests it dropped in
    flight are in requests.seen. The resume had finished 'complete' with 25 of 80 articles missing."""
    site = Site(pages=60, seed=5)
    db, jobdir = tmp_path / "archive.db", tmp_path / "job"
    with SiteServer(site, epoch=1) as server:
        args = [str(BIN / "summary-archive"), "crawl", server.url, "--db", str(db), "--resume", str(jobdir),
                "--delay", "0.2", "--concurrency", "1", "--quiet", "--set", "ARCHIVE_PARSE_WORKERS=1"]
        proc = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        err = ctrl_c_twice(proc, lambda: len(server.requests) >= 12)
        assert proc.returncode == 1 and "forced shutdown" in err and "started over" in err, err
        resume = [a if a != "0.2" else "0" for a in args]  # (the rest at full speed)
        again = subprocess.run(resume, cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert again.returncode == 0, again.stderr
    assert set(articles(db)) == set(site.summary_paths(1))
    assert query(db, "SELECT id, status FROM crawls") == [(1, "finished")]


def test_a_crawl_that_failed_on_a_full_disk_resumes_and_misses_nothing(tmp_path: Path) -> None:
    """Writes fail part-way (a file size limit stands in for a full disk): the crawl fails with a
    one-line reason, and the same command run again asks for every page whose write failed. The
    resume had reported 'finished' with the failed pages (in requests.seen) never asked again."""
    import resource

    site = Site(pages=60, seed=5)
    whole, db, jobdir = tmp_path / "whole.db", tmp_path / "archive.db", tmp_path / "job"
    with SiteServer(site, epoch=1) as server:
        assert crawl(server.url, "--db", str(whole), *FAST).returncode == 0
        limit = whole.stat().st_size // 3

        def small_disk() -> None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

        args = [str(BIN / "summary-archive"), "crawl", server.url, "--db", str(db), "--resume", str(jobdir), *FAST]
        first = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=150, preexec_fn=small_disk)
        assert first.returncode == 1 and "Error:" in first.stderr, first.stderr[-2000:]
        # (The disk may be too full to record even the failure: the row stays 'running', its process gone,
        # and the next run finds a crawl that did not shut down cleanly. Either way it starts over.)
        [(status,)] = query(db, "SELECT status FROM crawls")
        assert status in ("failed", "running")
        stored = len(articles(db))
        assert 0 < stored < len(site.summary_paths(1))
        again = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=150)
        why = "failed" if status == "failed" else "did not shut down cleanly"
        assert again.returncode == 0 and f"{why}: continuing it with its requests started over" in again.stderr, \
            again.stderr[-2000:]
    assert set(articles(db)) == set(site.summary_paths(1))
    assert query(db, "SELECT id, status FROM crawls") == [(1, "finished")]
    assert query(db, "SELECT fetched, new FROM crawls") == query(whole, "SELECT fetched, new FROM crawls")


def test_an_archive_removed_mid_crawl_fails_the_crawl_in_one_line(tmp_path: Path) -> None:
    """SQLite writes on into a file whose directory was removed: the crawl had said 'finished' and
    exited 0 with no archive left anywhere."""
    import shutil

    site = Site(pages=60, seed=5)
    folder = tmp_path / "archives"
    folder.mkdir()
    db = folder / "archive.db"
    with SiteServer(site, epoch=1, delay=0.03) as server:
        args = [str(BIN / "summary-archive"), "crawl", server.url, "--db", str(db), *FAST]
        proc = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 60
        while not (query_or_none(db, "SELECT 1 FROM articles LIMIT 1") or time.monotonic() > deadline):
            time.sleep(0.05)
        shutil.rmtree(folder)
        _, err = proc.communicate(timeout=120)
    assert proc.returncode == 1, err[-2000:]
    last = err.strip().splitlines()[-1]
    assert last.startswith("Error:") and "removed or replaced" in last, err[-2000:]


def test_a_killed_crawl_is_marked_abandoned_by_the_next_one(tmp_path: Path) -> None:
    site = Site(pages=60, seed=5)
    db = tmp_path / "archive.db"
    with SiteServer(site, epoch=1, delay=0.03) as server:
        args = [str(BIN / "summary-archive"), "crawl", server.url, "--db", str(db), *FAST]
        proc = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while len(summary_requests(server.requests)) < 10 and time.monotonic() < deadline:
            time.sleep(0.05)
        proc.kill()  # SIGKILL: no chance to close its crawls row
        proc.wait(30)
        assert query(db, "SELECT id, status FROM crawls") == [(1, "running")]
        again = crawl(server.url, "--db", str(db), *FAST)
        assert again.returncode == 0, again.stderr
    assert query(db, "SELECT id, status FROM crawls") == [(1, "abandoned"), (2, "finished")]
    assert set(articles(db)) == set(site.summary_paths(1))


def test_faulty_server_crawl_completes_with_errors_recorded(tmp_path: Path) -> None:
    site = Site(pages=40, seed=7)
    db = tmp_path / "archive.db"
    with SiteServer(site, epoch=1, faults=True, hang_seconds=4) as server:
        proc = crawl(server.url, "--db", str(db), "--delay", "0", "--concurrency", "4", "--timeout", "1.5",
                     "--quiet", "--set", "ARCHIVE_RETRY_BACKOFF=0.05", "--set", "ARCHIVE_RETRY_AFTER_MAX=1")
        requests = server.requests
    assert proc.returncode == 0, proc.stderr
    assert query(db, "SELECT status FROM crawls") == [("finished",)]
    errors = {path_of(u): e for u, e in query(db, "SELECT url, error FROM fetch_errors")}
    for fault in ("reset", "hang", "truncated", "huge", "unavailable", "gzip-bomb"):
        assert f"/faults/{fault}" in errors, fault
    assert "timeout" in errors["/faults/hang"].lower() or "took longer" in errors["/faults/hang"]
    assert all(error.split(":", 1)[-1].strip() for error in errors.values()), errors  # each says what failed
    # Retried with backoff until the flaky page answered; then archived like any other summary.
    assert len([r for r in requests if r["path"] == "/faults/flaky"]) > 1
    got = articles(db)
    assert "/faults/flaky" in got and "/faults/flaky" not in errors
    assert set(site.summary_paths(1)) <= set(got)


def test_scrapy_crawl_builds_the_same_archive(site: Site, tmp_path: Path) -> None:
    cli_db, scrapy_db = tmp_path / "cli.db", tmp_path / "scrapy.db"
    with SiteServer(site, epoch=1) as server:
        cli = crawl(server.url, "--db", str(cli_db), *FAST)
        server.clear_log()
        # From the repository root, scrapy.cfg names the settings module.
        scrapy = subprocess.run(
            [str(BIN / "scrapy"), "crawl", "summaries", "-a", f"start_urls={server.url}",
             "-s", f"ARCHIVE_DB={scrapy_db}", "-s", "DOWNLOAD_DELAY=0", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=4",
             "-s", "ARCHIVE_PROGRESS_INTERVAL=0", "-s", "LOG_LEVEL=WARNING"],
            cwd=ROOT, capture_output=True, text=True, timeout=150)
        assert_polite_and_in_scope(server.requests, server)
    assert cli.returncode == 0, cli.stderr
    assert scrapy.returncode == 0, scrapy.stderr
    assert "DeprecationWarning" not in scrapy.stderr  # (the project's settings use today's names: TWISTED_DNS_RESOLVER)

    def content(db: Path) -> set[tuple]:
        return set(query(db, "SELECT a.url, a.status, a.title, a.version_count, v.version, v.content_hash, "
                             "v.record FROM articles a JOIN versions v ON v.article_id = a.id"))

    assert content(cli_db) == content(scrapy_db)
    assert len(content(cli_db)) == len(site.summary_paths(1))


def test_unreachable_start_url_fails_with_one_line(tmp_path: Path) -> None:
    with SiteServer(Site(pages=5, seed=1)) as server:
        url = server.url  # the port is free again once the server stops
    proc = crawl(url, "--db", str(tmp_path / "a.db"), *FAST)
    assert proc.returncode == 1
    lines = [line for line in proc.stderr.splitlines() if line.startswith("Error:")]
    assert len(lines) == 1 and "could not reach" in lines[0] and url in lines[0], proc.stderr
    assert "Traceback" not in proc.stderr and len(proc.stderr.splitlines()) <= 6, proc.stderr  # (robots.txt too)
    assert "crawl 1 failed after" in proc.stderr, proc.stderr  # (not "failed (finished)": the failed line says why)
    [(status, note)] = query(tmp_path / "a.db", "SELECT status, note FROM crawls")
    assert status == "failed" and note.startswith("could not reach the start URL") and url in note


def test_no_remote_code_execution_server_and_no_job_files(tmp_path: Path) -> None:
    """Scrapy's RemoteControl (on by default in 2.19) stays off unless asked for."""
    env = {**os.environ, "XDG_STATE_HOME": str(tmp_path / "state")}
    jobs = tmp_path / "state" / "scrapy" / "job_files"
    with SiteServer(Site(pages=5, seed=1)) as server:
        for extra, expected in (((), False), (("--set", "REMOTE_CONTROL_ENABLED=true"), True)):
            proc = subprocess.run([str(BIN / "summary-archive"), "crawl", server.url, "--db",
                                   str(tmp_path / "a.db"), *FAST, *extra], cwd=ROOT, capture_output=True,
                                  text=True, timeout=120, env=env)
            assert proc.returncode == 0, proc.stderr
            assert jobs.exists() is expected, extra


def test_unusable_database_fails_before_crawling(tmp_path: Path) -> None:
    not_sqlite = tmp_path / "notes.txt"
    not_sqlite.write_text("this is not a database\n" * 100)
    locked_dir = tmp_path / "ro"
    locked_dir.mkdir()
    locked_dir.chmod(0o500)
    # root writes anywhere on a normal file system, but not under /proc.
    unwritable_db = "/proc/summary-archive-test.db" if os.geteuid() == 0 else str(locked_dir / "a.db")
    try:
        with SiteServer(Site(pages=5, seed=1)) as server:
            bad = crawl(server.url, "--db", str(not_sqlite), *FAST)
            unwritable = crawl(server.url, "--db", unwritable_db, *FAST)
            requests = server.requests
    finally:
        locked_dir.chmod(0o700)
    for proc in (bad, unwritable):
        assert proc.returncode != 0
        assert proc.stderr.startswith("Error:") and proc.stderr.strip().count("\n") == 0, proc.stderr
    assert not_sqlite.read_text().startswith("this is not a database")
    assert requests == [], "nothing is fetched when the archive cannot be written"


def test_limits_leave_unseen_articles_alone_and_progress_is_shown(tmp_path: Path) -> None:
    site = Site(pages=40, seed=11)
    db = tmp_path / "archive.db"
    with SiteServer(site, epoch=1, delay=0.01) as server:
        full = crawl(server.url, "--db", str(db), *FAST)
        assert full.returncode == 0, full.stderr
        # --max-pages: exactly that many summaries, and a limited crawl marks nothing gone.
        limited = crawl(server.url, "--db", str(db), *FAST, "--max-pages", "5")
        assert limited.returncode == 0, limited.stderr
        assert "limited crawl" in limited.stderr
        assert query(db, "SELECT status, new + unchanged + changed, gone FROM crawls WHERE id = 2") == [
            ("finished", 5, 0)]
        assert query(db, "SELECT count(*) FROM articles WHERE status = 'gone'") == [(0,)]
        # --since after every page's Last-Modified and sitemap lastmod: nothing archived, and the
        # sitemap-only summaries are not even requested.
        server.clear_log()
        since_db = tmp_path / "since.db"
        since = crawl(server.url, "--db", str(since_db), *FAST, "--since", "2100-01-01")
        assert since.returncode == 0, since.stderr
        assert query(since_db, "SELECT count(*) FROM articles") == [(0,)]
        asked = {r["path"] for r in server.requests}
        assert site.hidden_paths(1) and not asked & set(site.hidden_paths(1))
        # --depth 1: the start page's links, not the whole site.
        shallow_db = tmp_path / "shallow.db"
        shallow = crawl(server.url, "--db", str(shallow_db), *FAST, "--depth", "1")
        assert shallow.returncode == 0, shallow.stderr
        assert 0 < query(shallow_db, "SELECT count(*) FROM articles")[0][0] < len(site.summary_paths(1))
        # Progress lines on stderr while it runs, then the summary.
        loud = crawl(server.url, "--db", str(tmp_path / "loud.db"), "--delay", "0", "--concurrency", "1",
                     "--set", "ARCHIVE_PROGRESS_INTERVAL=0.2", "--set", "ARCHIVE_PARSE_WORKERS=1")
    assert loud.returncode == 0, loud.stderr
    progress = [line for line in loud.stderr.splitlines() if line.startswith("[0:")]
    assert progress and all(" pages (" in line and "new " in line and "errors " in line for line in progress)
    assert "crawl 1 finished" in loud.stderr


class _MiniSite(http.server.BaseHTTPRequestHandler):
    """A few fixed paths: robots.txt naming a sitemap index (and keeping the crawler off everything
    else), a gzipped urlset, one summary reachable only from that sitemap, and a home page with a
    tracking-parameter link to it."""

    routes: dict[str, tuple[str, bytes]] = {}
    log: list[dict] = []

    def do_GET(self) -> None:  # noqa: N802 - stdlib name
        self.log.append({"path": self.path, "at": time.monotonic(), "headers": dict(self.headers)})
        ctype, body = self.routes.get(self.path, ("text/html", b""))
        self.send_response(200 if self.path in self.routes else 404)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def test_robots_sitemaps_profile_and_politeness(tmp_path: Path) -> None:
    site = Site(pages=10, seed=2)
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _MiniSite)
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    summary = site.render(site.summary_paths(1)[0], 1, base_url=base)[2]
    urlset = (f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
              f"<url><loc>{base}/hidden/one</loc><lastmod>2026-01-02</lastmod></url></urlset>").encode()
    _MiniSite.routes = {
        "/robots.txt": ("text/plain", (f"User-agent: *\nAllow: /$\nAllow: /hidden/\nAllow: /maps/\nDisallow: /\n"
                                       f"Crawl-delay: 0.8\n"
                                       f"Sitemap: {base}/maps/index.xml\n").encode()),
        "/maps/index.xml": ("application/xml", (
            f'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"<sitemap><loc>{base}/maps/a.xml.gz</loc></sitemap></sitemapindex>").encode()),
        "/maps/a.xml.gz": ("application/gzip", gzip.compress(urlset)),
        "/": ("text/html", (f'<html><body><a href="/hidden/one?utm_source=x#top">x</a>'
                            f'<a href="/private/x">staff</a><a href="mailto:a@b.c">mail</a>'
                            f'<a href="{base}/?campaign=9">self</a></body></html>').encode()),
        "/hidden/one": ("text/html; charset=utf-8", summary),
    }
    _MiniSite.log = []
    profile = tmp_path / "site.toml"
    profile.write_text('[crawl]\ncontact_url = "https://example.org/archive-contact"\n'
                       'tracking_params = ["utm_source", "campaign"]\ndelay = 0.4\nconcurrency = 1\n')
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        proc = crawl(base + "/", "--db", str(tmp_path / "a.db"), "--profile", str(profile), "--quiet",
                     "--set", "ARCHIVE_PARSE_WORKERS=1")
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert proc.returncode == 0, proc.stderr
    paths = [r["path"] for r in _MiniSite.log]
    assert "/maps/index.xml" in paths and "/maps/a.xml.gz" in paths
    assert paths.count("/hidden/one") == 1 and paths.count("/robots.txt") == 1 and paths.count("/") == 1
    assert not [p for p in paths if p.startswith("/private") or "utm_source" in p or "campaign" in p]
    # Archived once (under the canonical URL the page declares), though linked with a tracking
    # parameter and listed in the sitemap that only robots.txt names.
    title = site.expected(site.summary_paths(1)[0], 1)["title"]
    assert query(tmp_path / "a.db", "SELECT title FROM articles") == [(title,)]
    agents = {r["headers"].get("User-Agent") for r in _MiniSite.log}
    assert len(agents) == 1 and agents.pop().endswith("(+https://example.org/archive-contact)")
    # The profile's delay holds between requests to the host (Scrapy randomises it 0.5-1.5x), and once
    # robots.txt is read its larger Crawl-delay does, never less.
    starts = [r["at"] for r in _MiniSite.log]
    gaps = [b - a for a, b in zip(starts, starts[1:])]
    assert min(gaps) >= 0.4 * 0.5 - 0.02
    assert min(gaps[2:]) >= 0.8 - 0.02
