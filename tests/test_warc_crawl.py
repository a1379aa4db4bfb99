"""End to end: `summary-archive crawl --warc DIR` (in a subprocess) against the test site, then the WARCs."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner
from warcio.archiveiterator import ArchiveIterator

from archive.cdx import cdxj_path, read_cdxj
from summary_archive.warc_cmds import import_warc_cmd
from tests.fixtures.site import Site, SiteServer

pytestmark = pytest.mark.slow
BIN = Path(sys.executable).parent


def crawl(url: str, db: Path, warc_dir: Path) -> None:
    done = subprocess.run(
        [str(BIN / "summary-archive"), "crawl", url, "--db", str(db), "--warc", str(warc_dir),
         "--delay", "0", "--concurrency", "4", "--quiet"],
        capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]


def read_all(path: Path) -> list[dict]:
    with open(path, "rb") as fh:
        return [{"type": r.rec_type, "warc": dict(r.rec_headers.headers),
                 "status": int(r.http_headers.get_statuscode()) if r.http_headers and r.rec_type != "request"
                 else None,
                 "body": r.content_stream().read()} for r in ArchiveIterator(fh)]


def table(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


def test_crawl_writes_valid_warcs_that_replay_and_reimport(tmp_path: Path) -> None:
    site = Site(pages=16, seed=8)
    db, warc_dir = tmp_path / "crawl.db", tmp_path / "warc"
    with SiteServer(site, epoch=1) as srv:
        base = srv.url.rstrip("/")
        crawl(srv.url, db, warc_dir)
        srv.set_epoch(2)
        crawl(srv.url, db, warc_dir)

    files = sorted(warc_dir.glob("*.warc.gz"))
    assert len(files) == 2 and not list(warc_dir.glob("*.open"))  # one per crawl, under the 1 GB limit
    full: set[tuple[str, str]] = set()  # (url, WARC-Date) of each response record
    payloads: dict[str, bytes] = {}  # payload digest -> body, for revisits
    for epoch, path in enumerate(files, 1):
        check = subprocess.run([str(BIN / "warcio"), "check", str(path)], capture_output=True, text=True,
                               timeout=60)
        assert check.returncode == 0, check.stdout + check.stderr
        records = read_all(path)
        assert records[0]["type"] == "warcinfo" and f"crawl {epoch} of crawl.db".encode() in records[0]["body"]
        types = [r["type"] for r in records[1:]]
        assert types.count("request") == len(types) // 2  # one request per response/revisit

        seen = set()
        for rec in records:
            url, digest = rec["warc"].get("WARC-Target-URI", ""), rec["warc"].get("WARC-Payload-Digest")
            if rec["type"] == "response":
                full.add((url, rec["warc"]["WARC-Date"][:19]))
                payloads.setdefault(digest, rec["body"])
            if rec["type"] == "revisit" and "WARC-Refers-To-Target-URI" in rec["warc"]:
                refers = (rec["warc"]["WARC-Refers-To-Target-URI"], rec["warc"]["WARC-Refers-To-Date"][:19])
                assert refers in full  # an earlier response record of this crawl or the previous one
            route = urlsplit(url).path.rstrip("/")
            if rec["status"] == 200 and route in site.summary_paths(epoch):
                body = rec["body"] if rec["type"] == "response" else payloads[digest]
                assert body == site.render(route, epoch, base)[2]  # replays to the exact bytes served
                seen.add(route)
        if epoch == 1:
            assert seen == set(site.summary_paths(1))
        else:  # the second crawl re-fetched unchanged pages: 304s and same bodies became revisits
            assert any(r["type"] == "revisit" and r["status"] == 304 for r in records)

        index = list(read_cdxj(cdxj_path(path)))
        indexed = sum(r["type"] in ("response", "revisit") for r in records)
        assert len(index) == indexed
        for urlkey, timestamp, fields in index:
            assert ")/" in urlkey and timestamp.isdigit() and len(timestamp) == 14
            assert {"url", "digest", "offset", "length", "filename"} <= set(fields)

    copy = tmp_path / "from-warc.db"
    done = CliRunner().invoke(import_warc_cmd, [str(warc_dir), "--db", str(copy)])
    assert done.exit_code == 0, done.output
    versions = ("SELECT a.url, v.version, v.content_hash FROM versions v JOIN articles a ON a.id = v.article_id"
                " ORDER BY 1, 2")
    assert table(copy, versions) == table(db, versions)
    assert len(table(db, versions)) > len(site.summary_paths(1))  # epoch 2 edited or added pages
    articles = "SELECT url, version_count, first_seen <= last_seen FROM articles ORDER BY url"
    assert table(copy, articles) == table(db, articles)
    # A 404/410 in the WARC makes the article gone; pages the crawl marked gone only because a
    # complete crawl no longer linked them left no record in the WARC, so they stay live in the copy.
    gone = "SELECT url FROM articles WHERE status = 'gone' ORDER BY url"
    assert set(table(copy, gone)) <= set(table(db, gone))
