"""Crawl rows: who runs them, and crawls whose process died become 'abandoned' instead of 'running' forever."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from archive import Archive, CrawlRunning

URL = "https://example.org/"


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def _status(a: Archive, crawl_id: int) -> str | None:
    return a.crawl_status(crawl_id)


def test_a_new_crawl_abandons_running_crawls_whose_process_is_gone(tmp_path: Path) -> None:
    with Archive(tmp_path / "a.db") as a:
        killed = a.start_crawl([URL])
        other_host = a.start_crawl([URL])
        alive = a.start_crawl(["https://other.example/"])  # (a live crawl of this site would refuse the new one)
        sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
        try:
            with a.transaction() as conn:
                conn.execute("UPDATE crawls SET pid = ? WHERE id = ?", (_dead_pid(), killed))
                conn.execute("UPDATE crawls SET pid = ?, host = 'elsewhere' WHERE id = ?", (_dead_pid(), other_host))
                conn.execute("UPDATE crawls SET pid = ? WHERE id = ?", (sleeper.pid, alive))
            new = a.start_crawl([URL])
            assert [_status(a, i) for i in (killed, other_host, alive, new)] == [
                "abandoned", "running", "running", "running"]
        finally:
            sleeper.kill()
            sleeper.wait()


def test_an_abandoned_crawl_can_be_resumed_by_this_process(tmp_path: Path) -> None:
    import os

    with Archive(tmp_path / "a.db") as a:
        crawl = a.start_crawl([URL])
        with a.transaction() as conn:
            conn.execute("UPDATE crawls SET pid = ? WHERE id = ?", (_dead_pid(), crawl))
        a.start_crawl([URL])
        assert _status(a, crawl) == "abandoned"
        a.resume_crawl(crawl)
        assert _status(a, crawl) == "running"
        assert a.conn.execute("SELECT pid FROM crawls WHERE id = ?", (crawl,)).fetchone()[0] == os.getpid()
        assert a.finish_crawl(crawl)["fetched"] == 0 and _status(a, crawl) == "finished"


def test_a_second_crawl_of_a_site_being_crawled_is_refused(tmp_path: Path) -> None:
    with Archive(tmp_path / "a.db") as a:
        earlier = a.start_crawl(["http://127.0.0.1:8001/"])
        a.finish_crawl(earlier, status="interrupted")
        running = a.start_crawl(["http://127.0.0.1:8001/"])
        sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
        try:
            with a.transaction() as conn:
                conn.execute("UPDATE crawls SET pid = ? WHERE id = ?", (sleeper.pid, running))
            with pytest.raises(CrawlRunning, match=f"crawl {running} of 127.0.0.1:8001 is still running"):
                a.start_crawl(["http://127.0.0.1:8001/summaries/"])
            with pytest.raises(CrawlRunning):
                a.resume_crawl(earlier)
            assert a.start_crawl(["http://127.0.0.1:8002/"])  # another site (its port): fine
        finally:
            sleeper.kill()
            sleeper.wait()
        a.start_crawl(["http://127.0.0.1:8001/"])  # its process gone: the old crawl is abandoned, this one runs
        assert _status(a, running) == "abandoned"


def test_a_crawl_whose_process_is_a_zombie_is_abandoned(tmp_path: Path) -> None:
    """A crawler killed with -9 stays a zombie where nothing reaps it (a container without an init):
    its crawl must not block every later crawl of the site as 'still running'."""
    zombie = subprocess.Popen([sys.executable, "-c", "pass"])
    deadline = time.monotonic() + 10
    while Path(f"/proc/{zombie.pid}/stat").read_bytes().rpartition(b")")[2].split()[0] != b"Z":
        assert time.monotonic() < deadline, "the child did not exit"
        time.sleep(0.05)
    try:
        with Archive(tmp_path / "a.db") as a:
            killed = a.start_crawl([URL])
            with a.transaction() as conn:
                conn.execute("UPDATE crawls SET pid = ? WHERE id = ?", (zombie.pid, killed))
            new = a.start_crawl([URL])  # (refused with CrawlRunning while the zombie counted as alive)
            assert (_status(a, killed), _status(a, new)) == ("abandoned", "running")
    finally:
        zombie.wait()


def test_a_page_fetched_twice_in_one_crawl_counts_once(tmp_path: Path) -> None:
    """A resumed crawl starts its requests over, and a move's target is followed again: the crawl's row
    counts each page once (it had said 'new 300, unchanged 170' for a site of 300 pages)."""
    page = "https://example.org/summaries/a"
    record = {"url": page, "title": "A", "page_type": "summary", "sections": [], "related": []}
    with Archive(tmp_path / "a.db") as a:
        first = a.start_crawl([URL])
        failed = "https://example.org/summaries/b"
        a.error(first, failed, 503, "HTTP 503", transient=True)
        for _ in range(2):
            a.store(first, page, record, b"<html><h1>A</h1></html>", {"ETag": '"1"'})
            a.store(first, failed, {**record, "url": failed}, b"<html><h1>B</h1></html>", {})
        counts = a.finish_crawl(first)
        assert (counts["new"], counts["unchanged"], counts["errors"], counts["fetched"]) == (2, 0, 1, 3)
        second = a.start_crawl([URL])
        for _ in range(2):
            a.not_modified(second, page, {"ETag": '"1"'})
        a.gone(second, failed, 410)
        a.gone(second, failed, 410)
        counts = a.finish_crawl(second)
        assert (counts["unchanged"], counts["gone"], counts["fetched"]) == (1, 1, 2)


def test_a_page_fetched_under_both_spellings_in_one_crawl_counts_once(tmp_path: Path) -> None:
    """A resumed crawl that started its requests over may fetch /a/ before the kill and /a after it:
    one page, counted once (it had counted new 1 and unchanged 1); another page still counts."""
    page = "https://example.org/summaries/a"
    record = {"url": page, "title": "A", "page_type": "summary", "sections": [], "related": []}
    with Archive(tmp_path / "a.db") as a:
        crawl = a.start_crawl([URL])
        a.store(crawl, page + "/", record, b"<html><h1>A</h1></html>", {"ETag": '"1"'})
        assert a.not_modified(crawl, page, {"ETag": '"1"'}) == "unchanged"
        other = "https://example.org/summaries/b"
        a.store(crawl, other, {**record, "url": other}, b"<html><h1>B</h1></html>", {})
        counts = a.finish_crawl(crawl)
        assert (counts["new"], counts["unchanged"], counts["fetched"]) == (2, 0, 2)
