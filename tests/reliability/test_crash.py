"""SIGKILL the crawler at random moments: the archive stays whole and a re-run finishes the crawl."""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest

from tests.fixtures.site import Site, SiteServer
from tests.reliability.conftest import Size
from tests.reliability.support import (FAST, archive_problems, committed_versions, crawl, live_titles, query,
                                       reap_group, start_crawl)

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1800)]


def _kill_once(args: list[str], db: Path, log: Path, wait: float) -> dict:
    """Start the crawl, SIGKILL it after `wait` s; what was committed just before the kill, and leftovers."""
    proc = start_crawl(args, log)
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    before = committed_versions(db)
    finished_first = proc.poll() is not None
    if not finished_first:
        proc.kill()
    leftovers = reap_group(proc)
    return {"before": before, "leftovers": leftovers, "finished_first": finished_first}


def test_sigkill_at_random_moments_loses_nothing(size: Size, tmp_path: Path) -> None:
    site = Site(pages=size.crash_pages, seed=21)
    rng = random.Random(7)
    db, jobdir, log = tmp_path / "archive.db", tmp_path / "job", tmp_path / "crawl.log"
    kills = {1: (size.kills + 1) // 2, 2: size.kills // 2}
    survived, orphans = 0, 0
    with SiteServer(site, epoch=1, delay=0.03) as server:
        args = [server.url, "--db", str(db), "--resume", str(jobdir), *FAST]
        for epoch in (1, 2):
            server.set_epoch(epoch)
            for n in range(kills[epoch]):
                run = _kill_once(args, db, log, rng.uniform(0.2, 3.5))
                orphans += run["leftovers"]
                problems = archive_problems(db) if db.exists() else []
                assert not problems, f"after kill {n + 1} (epoch {epoch}): {problems[:10]}"
                lost = run["before"] - committed_versions(db)
                assert not lost, f"versions committed before kill {n + 1} vanished: {sorted(lost)[:3]}"
                survived += not run["finished_first"]
            # Resume the interrupted crawl with the same job directory; it must finish the crawl.
            done = crawl(*args)
            assert done.returncode == 0, done.stderr + log.read_text(errors="replace")[-3000:]
            assert not archive_problems(db)
            titles = live_titles(db)
            expected = site.summary_paths(epoch)
            missing = sorted(set(expected) - set(titles))
            assert not missing, f"epoch {epoch}: not archived after resuming: {missing[:10]}"
            wrong = [p for p in expected if titles[p] != site.expected(p, epoch)["title"]]
            assert not wrong, f"epoch {epoch}: stale titles {wrong[:5]}"
            assert set(titles) == set(expected), sorted(set(titles) - set(expected))[:10]
    statuses = query(db, "SELECT status FROM crawls")
    assert all(s == "finished" for (s,) in statuses[-1:]), statuses
    print(f"\nreliability: {survived} SIGKILLs survived ({size.kills} tried), 0 versions lost")
    assert orphans == 0, f"{orphans} kills left parser workers running after the crawler died"
