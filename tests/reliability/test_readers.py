"""Readers during writes: Datasette (the project's make_datasette) answers every query while a crawl
writes, none failing and none waiting a second or more on the writer's locks (WAL readers never block)."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from archive import Archive
from archive.serve import make_datasette
from tests.fixtures.site import Site, SiteServer
from tests.reliability.support import FAST, archive_problems, query, start_crawl

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]

# What researchers read: JSON of tables (with facets and full-text search), an ad-hoc SQL join, the
# canned "recent changes" query, an article page.
PATHS = [
    "/archive/articles.json?_shape=array&_size=50",
    "/archive/articles.json?_search=study&_facet=journal",
    "/archive/versions.json?_sort_desc=id&_size=20",
    "/archive/fetches.json?_size=20",
    "/archive.json?sql=select+count(*)+from+versions+v+join+articles+a+on+a.id+%3D+v.article_id",
    "/archive/recent_changes.json",
    "/-/article/1",
    "/archive/articles",
]
LIMIT_S = 1.0


async def _read_while(proc, ds) -> tuple[list[float], list[str]]:
    latencies: list[float] = []
    failures: list[str] = []
    while proc.poll() is None:
        for path in PATHS:
            started = time.perf_counter()
            response = await ds.client.get(path)
            latencies.append(time.perf_counter() - started)
            # The article page 404s until the first article is committed; anything else must be 200.
            if response.status_code != 200 and not (path == "/-/article/1" and response.status_code == 404):
                failures.append(f"{path}: HTTP {response.status_code} {response.text[:200]}")
    return latencies, failures


async def test_datasette_reads_never_fail_or_wait_while_a_crawl_writes(tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    Archive(db).close()  # the empty archive Datasette opens before the crawl's first write
    ds = make_datasette(db)
    with SiteServer(Site(pages=60, seed=29), epoch=1) as server:
        proc = start_crawl([server.url, "--db", str(db), *FAST], tmp_path / "crawl.log")
        try:
            latencies, failures = await asyncio.wait_for(_read_while(proc, ds), timeout=240)
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.wait()
    assert proc.returncode == 0, (tmp_path / "crawl.log").read_text()[-2000:]
    assert not failures, failures[:5]
    written = query(db, "SELECT count(*) FROM versions")[0][0]
    assert written >= 60 and len(latencies) > 3 * len(PATHS), (written, len(latencies))
    assert not archive_problems(db)
    print(f"\nreliability: {len(latencies)} Datasette reads during a crawl writing {written} versions, "
          f"max {max(latencies):.3f} s")
    assert max(latencies) < LIMIT_S, f"a read waited {max(latencies):.2f} s"
