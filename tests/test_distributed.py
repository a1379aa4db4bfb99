"""Distributed crawls on scrapy-redis against a real redis-server (started here on 127.0.0.1, random
port, temporary directory): workers share the frontier, one writer stores, nothing is lost when a
worker or the writer dies."""

from __future__ import annotations

import collections
import inspect
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from archive import Archive
from parsers import parse
from scraper.redis_frontier import Keys
from scraper.redis_ingest import GROUP, Ingest, RedisGone
from scraper.redis_worker import RedisArchive
from tests.fixtures.site import Site, SiteServer

pytestmark = [pytest.mark.redis, pytest.mark.slow, pytest.mark.timeout(240),
              pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs Debian's redis-server")]

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
FAST = ["--delay", "0", "--concurrency", "4", "--timeout", "5", "--quiet",
        "--set", "ARCHIVE_RETRY_BACKOFF=0.05", "--set", "ARCHIVE_PARSE_WORKERS=1",
        "--set", "ARCHIVE_REDIS_WORKER_TIMEOUT=2"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A private redis-server, no persistence, stopped after the module."""
    workdir = tmp_path_factory.mktemp("redis")
    port = free_port()
    proc = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--dir", str(workdir),
                             "--save", "", "--appendonly", "no"], stdout=subprocess.DEVNULL)
    client = redis.Redis(port=port)
    deadline = time.monotonic() + 10
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                raise RuntimeError("redis-server did not start")
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(10)


def crawl(*args: str, timeout: float = 150) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "summary-archive"), "crawl", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout)


def rows(db: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def archive_state(db: Path, fetched_extra: int = 0) -> dict[str, object]:
    """What must not depend on how many processes crawled: articles, versions, each crawl's counters
    (`fetched_extra` added to the last crawl's fetches)."""
    crawls = rows(db, "SELECT id, status, fetched, new, changed, unchanged, gone, errors FROM crawls ORDER BY id")
    crawls[-1] = (*crawls[-1][:2], crawls[-1][2] + fetched_extra, *crawls[-1][3:])
    return {
        "articles": sorted(rows(db, "SELECT url, title, status, content_hash, version_count FROM articles")),
        "versions": sorted(rows(db, "SELECT a.url, v.version, v.content_hash, v.changed, v.cause, v.crawl_id"
                                    " FROM versions v JOIN articles a ON a.id = v.article_id")),
        "crawls": crawls,
    }


def answered_paths(requests: list[dict]) -> collections.Counter:
    """Final answers per path (a redirect hop /a/ -> /a is one fetch), robots.txt aside (each worker
    reads it once, as any crawler must)."""
    return collections.Counter(r["path"].rstrip("/") or "/" for r in requests
                               if r["status"] not in (301, 302, 303, 307, 308) and r["path"] != "/robots.txt")


def test_three_workers_archive_what_one_process_does(tmp_path: Path, redis_url: str) -> None:
    site = Site(pages=60, seed=5)
    single, dist = tmp_path / "single.db", tmp_path / "dist.db"
    # 100 ms a response, as over a network: the site lasts long enough for every worker to join.
    with SiteServer(site, epoch=1, delay=0.1) as srv:
        for epoch in (1, 2):
            srv.set_epoch(epoch)
            one = crawl(srv.url, "--db", str(single), *FAST)
            assert one.returncode == 0, one.stderr
            srv.clear_log()
            many = crawl(srv.url, "--db", str(dist), "--redis", redis_url + "/1", "--workers", "3", *FAST)
            assert many.returncode == 0, many.stderr
            assert "exited" not in many.stderr and "Error" not in many.stderr, many.stderr  # (every worker too)
            requests = srv.requests
            asked = answered_paths(requests)
            assert asked and not [p for p, n in asked.items() if n > 1], "a page was requested twice"
            # Each worker reads robots.txt before its first page: more than one process crawled (a
            # worker that starts after the others finished the site has nothing left to fetch).
            assert 2 <= sum(1 for r in requests if r["path"] == "/robots.txt") <= 3
            # One process asks once more for the articles no link led to (the site's removed pages,
            # answering 404/410) before marking them gone; workers mark them gone unasked: same archive.
            asked_again = int(re.search(r"asked again, before calling them gone: (\d+)", one.stderr)[1]) if epoch == 2 else 0
            assert asked_again == (len(site.changes(1, 2)["removed"]) if epoch == 2 else 0)
            assert archive_state(dist, fetched_extra=asked_again) == archive_state(single)
            if epoch == 2:
                # Conditional requests from the writer's published validators: unchanged summaries
                # cost a 304 (and so do unchanged listings, whose remembered links are followed).
                unchanged = {"/" + p.lstrip("/") for p in site.changes(1, 2)["unchanged"]}
                not_modified = {r["path"] for r in requests if r["status"] == 304}
                assert not_modified & {"/" + p.lstrip("/") for p in site.summary_paths(2)} == unchanged
                assert not_modified - unchanged, "no listing page answered 304"
    state = archive_state(dist)
    assert [c[1] for c in state["crawls"]] == ["finished", "finished"]
    assert {path for (url, *_rest) in state["articles"] for path in [url.split("/", 3)[3]]} >= {
        p.lstrip("/") for p in site.summary_paths(1)}


def _children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout
    return [int(x) for x in out.split()]


def test_killed_worker_loses_nothing(tmp_path: Path, redis_url: str) -> None:
    site = Site(pages=120, seed=6)
    db = tmp_path / "dist.db"
    with SiteServer(site, epoch=1, delay=0.1) as srv:
        proc = subprocess.Popen([str(BIN / "summary-archive"), "crawl", srv.url, "--db", str(db),
                                 "--redis", redis_url + "/2", "--workers", "3", *FAST], cwd=ROOT,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 60
        # Kill a worker once the crawl is well under way (its requests are in flight most of the time).
        while sum(1 for r in srv.requests if r["path"].startswith("/summaries/")) < 25:
            assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
            time.sleep(0.05)
        workers = _children(proc.pid)
        assert len(workers) == 3
        os.kill(workers[0], signal.SIGKILL)
        out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert re.search(r"worker \d exited -9", err), err
    archived = {url.split("/", 3)[3] for (url,) in rows(db, "SELECT url FROM articles")}
    assert {p.lstrip("/") for p in site.summary_paths(1)} <= archived
    crawls = rows(db, "SELECT status, new, changed FROM crawls")
    assert crawls == [("finished", len(site.summary_paths(1)), 0)]
    # Stored once each even if the dead worker's last page was fetched again by another.
    assert rows(db, "SELECT max(version_count) FROM articles") == [(1,)]


def test_writer_restart_stores_each_entry_once(tmp_path: Path, redis_url: str) -> None:
    """Entries a writer took but never acknowledged are re-delivered to the next one; the one it had
    already committed is recognised and not stored twice."""
    site = Site(pages=20, seed=7)
    server = redis.Redis.from_url(redis_url + "/3")
    keys = Keys()
    db = tmp_path / "a.db"
    archive = Archive(db)
    ingest = Ingest(server, archive)
    crawl_id, resumed = ingest.open_crawl(["http://127.0.0.1:1/"])
    assert not resumed
    sender = RedisArchive(redis.Redis.from_url(redis_url + "/3"))
    paths = site.summary_paths(1)[:6]
    for path in paths:
        status, headers, body = site.render(path, 1, "http://127.0.0.1:1")
        url = "http://127.0.0.1:1" + path
        links = [f"http://127.0.0.1:1/list?from={path}", "http://127.0.0.1:1/"]
        assert sender.store(crawl_id, url, parse(body, url, headers), body, headers, links=links) == "queued"
    # A writer reads everything, commits the first entry, then dies before acknowledging anything.
    taken = server.xreadgroup(GROUP, "writer", {keys.stream: ">"}, count=100)[0][1]
    assert len(taken) == len(paths)
    first = {k.decode(): v for k, v in taken[0][1].items()}
    archive.store(crawl_id, first["url"].decode(), json.loads(first["record"]), first["body"],
                  json.loads(first["headers"]), links=json.loads(first["links"]))
    # The next writer (same consumer name) gets the pending entries first.
    again = Ingest(server, archive)
    again.join_crawl()
    while again.backlog():
        again.step(block_ms=100)
    assert again.outcomes == {"duplicate": 1, "new": len(paths) - 1}
    assert archive.crawl_counts(crawl_id)["new"] == len(paths)
    assert archive.crawl_counts(crawl_id)["fetched"] == len(paths)
    # The workers' view: every stored URL published with its validators.
    assert all(sender.is_archived("http://127.0.0.1:1" + p) for p in paths)
    # And every stored page's validators and links, for conditional requests and following a 304.
    for path in paths:
        url = "http://127.0.0.1:1" + path
        assert sender.validators(url) == archive.validators(url) != (None, None)
        assert sender.links(url) == [f"http://127.0.0.1:1/list?from={path}", "http://127.0.0.1:1/"]
    archive.close()


def test_the_workers_archive_takes_what_the_archive_takes() -> None:
    """The crawler calls either with the same arguments (a worker had failed on finish_crawl(note=...))."""
    from archive import Archive
    from scraper.redis_worker import RedisArchive

    archive_only = {"started_at", "finished_at"}  # (imports and tests date a crawl; the crawler never does)
    shared = [name for name in vars(RedisArchive) if not name.startswith("_") and hasattr(Archive, name)]
    assert {"finish_crawl", "store", "not_modified", "gone", "error", "remember_links"} <= set(shared)
    for name in shared:
        theirs = inspect.signature(getattr(Archive, name)).parameters
        ours = inspect.signature(getattr(RedisArchive, name)).parameters
        assert set(theirs) - set(ours) <= archive_only, (name, set(theirs) - set(ours))


def _writer(db: Path, redis_db_url: str) -> tuple[Archive, Ingest, int]:
    """An archive, its Redis writer and the distributed crawl it opened (workers send to 127.0.0.1:1)."""
    archive = Archive(db)
    ingest = Ingest(redis.Redis.from_url(redis_db_url), archive)
    return archive, ingest, ingest.open_crawl(["http://127.0.0.1:1/"])[0]


def test_a_move_a_worker_reports_after_the_fetch_that_said_so_is_stored(tmp_path: Path, redis_url: str) -> None:
    """A page served under another article's canonical URL: the worker queues the store and then the
    move, both under the URL fetched; the writer takes both (a worker had no moved() at all)."""
    site = Site(pages=10, seed=3)
    db = tmp_path / "a.db"
    archive, ingest, crawl_id = _writer(db, redis_url + "/4")
    first, second = ("http://127.0.0.1:1" + p for p in site.summary_paths(1)[:2])
    for url in (first, second):
        body = site.render(url[len("http://127.0.0.1:1"):], 1, "http://127.0.0.1:1")[2]
        archive.store(crawl_id, url, parse(body, url), body, {})
    sender = RedisArchive(redis.Redis.from_url(redis_url + "/4"))
    body = site.render(first[len("http://127.0.0.1:1"):], 1, "http://127.0.0.1:1")[2]
    assert sender.store(crawl_id, second, parse(body, first), body, {}) == "queued"  # /second shows first's page
    assert sender.moved(crawl_id, second, first, 200, fetch_counted=True) == "queued"
    while ingest.backlog():
        ingest.step(block_ms=100)
    assert rows(db, "SELECT status, moved_to FROM articles WHERE url = ?".replace("?", f"'{second}'")) == [
        ("gone", first)]
    assert archive.crawl_counts(crawl_id)["gone"] == 1
    archive.close()


def test_the_writer_keeps_a_copys_text_out_of_the_article_it_names(tmp_path: Path, redis_url: str) -> None:
    """A copy (an AMP page, a syndicated one) naming a page archived from its own URL as canonical adds no
    version there: the writer asks the archive, as the one-process pipeline does (workers cannot)."""
    site = Site(pages=10, seed=4)
    db = tmp_path / "a.db"
    archive, ingest, crawl_id = _writer(db, redis_url + "/5")
    original, copy = "http://127.0.0.1:1" + site.summary_paths(1)[0], "http://127.0.0.1:1/amp/copy"
    body = site.render(original[len("http://127.0.0.1:1"):], 1, "http://127.0.0.1:1")[2]
    archive.store(crawl_id, original, parse(body, original), body, {})
    other = site.render(site.summary_paths(1)[1], 1, "http://127.0.0.1:1")[2]  # (different text, same canonical)
    sender = RedisArchive(redis.Redis.from_url(redis_url + "/5"))
    assert sender.store(crawl_id, copy, {**parse(other, copy), "url": original}, other, {}) == "queued"
    while ingest.backlog():
        ingest.step(block_ms=100)
    assert ingest.outcomes == {"skipped": 1}
    assert rows(db, f"SELECT version_count FROM articles WHERE url = '{original}'") == [(1,)]
    archive.close()


@pytest.mark.parametrize("bad", ["redis://127.0.0.1:6379/abc", "redis://127.0.0.1:6379/15/x", "redis://127.0.0.1:notaport/0",
                                 "http://127.0.0.1:6379/0"])
@pytest.mark.parametrize("command", ["crawl", "ingest"])
def test_a_redis_url_that_names_no_database_is_a_one_line_usage_error(bad: str, command: str) -> None:
    """'/abc' and '/15/x' had been database 0 (where another archive's crawl may be open); a bad port a traceback."""
    args = ["--redis", bad, *(["--workers", "1", "--db", "x.db"] if command == "crawl" else ["--db", "x.db"])]
    done = subprocess.run([str(BIN / "summary-archive"), command, "http://127.0.0.1:9/", *args],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and repr(bad) in done.stderr, done.stderr


def test_a_workers_forced_stop_touches_no_archive() -> None:
    """A second Ctrl-C in a worker (it has no --db) had raised TypeError opening an archive at None."""
    from scrapy.settings import Settings
    from scrapy.statscollectors import MemoryStatsCollector

    from scraper.run import CrawlOptions, _close_forced

    class Crawler:
        settings = Settings()

    stats = MemoryStatsCollector(Crawler())  # type: ignore[arg-type]
    stats.set_value("archive/crawl_id", 3)
    _close_forced(CrawlOptions(start_urls=["http://127.0.0.1:9/"], db=None), stats)  # type: ignore[arg-type]
    assert stats.get_value("archive/status") == "interrupted" and stats.get_value("archive/failure") is None


def test_a_worker_given_another_spelling_of_the_site_crawls_the_one_the_crawl_was_opened_for(
        tmp_path: Path, redis_url: str) -> None:
    """ingest opened the crawl for 127.0.0.1, the worker was given localhost: it had archived localhost's
    pages, and the writer (marking gone on 127.0.0.1) had marked every article there gone."""
    site = Site(pages=10, seed=8)
    db = tmp_path / "a.db"
    with SiteServer(site, epoch=1) as srv:
        assert crawl(srv.url, "--db", str(db), *FAST).returncode == 0
        live = rows(db, "SELECT count(*) FROM articles WHERE status = 'live'")
        writer = subprocess.Popen([str(BIN / "summary-archive"), "ingest", srv.url, "--redis", redis_url + "/6",
                                   "--db", str(db), "--quiet"], cwd=ROOT, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True)
        worker = crawl(srv.url.replace("127.0.0.1", "localhost"), "--redis", redis_url + "/6", *FAST)
        out, err = writer.communicate(timeout=120)
    assert worker.returncode == 0 and writer.returncode == 0, (worker.stderr, err)
    assert rows(db, "SELECT count(*) FROM articles WHERE status = 'live'") == live
    assert rows(db, "SELECT count(*) FROM articles WHERE url LIKE '%localhost%'") == [(0,)]
    assert rows(db, "SELECT status, gone FROM crawls ORDER BY id DESC LIMIT 1") == [("finished", 0)]
    # The worker leaves the crawl's summary to the writer (it had printed its own, saying nothing was marked gone).
    assert "the writer" in worker.stderr and "fetched" not in worker.stderr and "marked gone" not in worker.stderr
    assert "fetched" in out + err  # (control) the writer's summary


def _redis_server(workdir: Path, port: int) -> subprocess.Popen:
    """redis-server with an append-only file in `workdir` (a restart reloads it), once it answers."""
    proc = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--dir", str(workdir),
                             "--save", "", "--appendonly", "yes", "--appendfsync", "always"], stdout=subprocess.DEVNULL)
    client, deadline = redis.Redis(port=port), time.monotonic() + 10
    while True:
        try:
            client.ping()
            return proc
        except redis.ConnectionError:
            assert time.monotonic() < deadline and proc.poll() is None, "redis-server did not start"
            time.sleep(0.05)


def test_the_writer_rides_out_a_redis_restart_and_such_a_crawl_marks_nothing_gone(tmp_path: Path) -> None:
    """A Redis restart mid-crawl had killed the writer with a traceback (its workers left running); now it
    waits for Redis, and the crawl, whose frontier the restart may have cut, marks nothing gone."""
    import threading

    from scraper.redis_run import _incomplete

    port = free_port()
    server = _redis_server(tmp_path, port)
    try:
        archive, ingest, crawl_id = _writer(tmp_path / "a.db", f"redis://127.0.0.1:{port}/0")
        ingest.outage_s, ingest.outage_poll_s = 20, 0.1
        done, errors = threading.Event(), []

        def write() -> None:
            try:
                ingest.run(until=done.is_set, progress=None, interval=0)
            except Exception as exc:  # (the failure the test is about)
                errors.append(exc)

        thread = threading.Thread(target=write)
        thread.start()
        time.sleep(0.5)
        redis.Redis(port=port).shutdown()
        server.wait(10)
        time.sleep(1)
        server = _redis_server(tmp_path, port)
        time.sleep(0.5)
        done.set()
        thread.join(30)
        assert not thread.is_alive() and errors == []
        assert ingest.crawl_state().get("unsure") == "1"
        assert "Redis went away" in (_incomplete(archive, crawl_id, False, True) or "")
        # Redis that does not come back: one line, the crawl left open
        ingest.outage_s = 1
        redis.Redis(port=port).shutdown()
        server.wait(10)
        with pytest.raises(RedisGone, match="run the same command again"):
            ingest.run(until=lambda: False, progress=None)
        archive.close()
    finally:
        if server.poll() is None:
            server.kill()
