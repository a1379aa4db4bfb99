"""Crawl rows: who runs them, and crawls whose process died become 'abandoned' instead of 'running' forever."""

from __future__ import annotations

import subprocess
import sys
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
