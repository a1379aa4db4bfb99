"""export-warc / import-warc against real archives built from the test site, and WARCs made by wget."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from io import BytesIO
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archive import Archive
from archive.cdx import read_cdxj
from archive.warc import archive_time
from parsers import parse
from summary_archive.warc_cmds import export_warc_cmd, import_warc_cmd
from tests.fixtures.site import Site, SiteServer

WARCIO = str(Path(sys.executable).with_name("warcio"))
BASE = "http://127.0.0.1:8000"
EPOCH_TIMES = {1: "2026-01-10T08:00:00Z", 2: "2026-02-10T08:00:00Z", 3: "2026-03-10T08:00:00Z"}


def build_archive(db: Path, site: Site) -> None:
    """Archive every summary of the site at each epoch, as a crawler would (304 for unchanged bytes at epoch 3)."""
    paths = sorted({p for e in EPOCH_TIMES for p in site.summary_paths(e)})
    bodies: dict[str, bytes] = {}
    with Archive(db) as archive:
        for epoch, at in EPOCH_TIMES.items():
            crawl = archive.start_crawl([BASE + "/"], started_at=at)
            for path in paths:
                url = BASE + path
                status, headers, body = site.render(path, epoch, BASE)
                if status == 200 and epoch == 3 and bodies.get(url) == body:
                    archive.not_modified(crawl, url, headers, fetched_at=at)
                elif status == 200:
                    archive.store(crawl, url, parse(body, url, headers), body, headers, fetched_at=at)
                elif status in (404, 410) and archive.is_archived(url):
                    archive.gone(crawl, url, status, fetched_at=at)
                bodies[url] = body
            archive.finish_crawl(crawl, finished_at=at)


def versions(db: Path) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(
            "SELECT a.url, v.version, v.content_hash, v.fetched_at, v.snapshot_sha256 FROM versions v"
            " JOIN articles a ON a.id = v.article_id ORDER BY a.url, v.version").fetchall()


def rows(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


def check(path: Path) -> str:
    done = subprocess.run([WARCIO, "check", "-v", str(path)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_export_then_import_gives_same_articles_and_versions(tmp_path: Path) -> None:
    site = Site(pages=14, seed=5)
    source, copy, warc = tmp_path / "source.db", tmp_path / "copy.db", tmp_path / "export.warc.gz"
    build_archive(source, site)
    original = versions(source)
    assert len({v[0] for v in original}) < len(original)  # some article has several versions

    runner = CliRunner()
    done = runner.invoke(export_warc_cmd, ["--db", str(source), "-o", str(warc)])
    assert done.exit_code == 0, done.output
    n_snapshots = rows(source, "SELECT count(*) FROM snapshots")[0][0]
    assert f"{n_snapshots} response records" in done.output
    check(warc)
    with open(warc, "rb") as fh:
        responses = [r for r in ArchiveIterator(fh)
                 if r.rec_type == "response" and r.http_headers.get_statuscode() == "200"]
    assert len(responses) == n_snapshots
    index = list(read_cdxj(tmp_path / "export.cdxj"))
    assert {f["url"] for _, _, f in index} == {r[0] for r in rows(source, "SELECT url FROM snapshots")}

    done = runner.invoke(import_warc_cmd, [str(warc), "--db", str(copy)])
    assert done.exit_code == 0, done.output
    assert "pages stored: new" in done.output and "skipped 1: warcinfo 1" in done.output

    assert versions(copy) == original
    article_cols = ("SELECT url, title, status, version_count, first_seen, last_seen, last_changed FROM articles"
                    " ORDER BY url")
    assert rows(copy, article_cols) == rows(source, article_cols)
    assert rows(source, "SELECT count(*) FROM articles WHERE status = 'gone'")[0][0] > 0
    fetch_cols = "SELECT url, at, http_status, outcome FROM fetches ORDER BY at, url"
    assert rows(copy, fetch_cols) == rows(source, fetch_cols)
    [(start_urls, new, changed, unchanged)] = rows(copy, "SELECT start_urls, new, changed, unchanged FROM crawls")
    assert "export.warc.gz" in start_urls
    # One row for captures made over time: each capture counts (as the summary line), not each page once.
    assert f"pages stored: new {new}, changed {changed}, unchanged {unchanged}" in done.output
    assert (changed, new + changed) == (len(original) - new, len(original))

    # Importing again (an interrupted import re-run) adds no history: older captures are refused.
    done = runner.invoke(import_warc_cmd, [str(warc), "--db", str(copy)])
    assert done.exit_code == 0, done.output
    assert "older than the archive's history" in done.output and "changed 0" in done.output
    assert versions(copy) == original
    assert rows(copy, article_cols) == rows(source, article_cols)


def test_export_since_filters_by_fetch_time(tmp_path: Path) -> None:
    site = Site(pages=12, seed=6)
    source, warc = tmp_path / "source.db", tmp_path / "late.warc.gz"
    build_archive(source, site)
    done = CliRunner().invoke(export_warc_cmd, ["--db", str(source), "-o", str(warc), "--since", "2026-02-01"])
    assert done.exit_code == 0, done.output
    with open(warc, "rb") as fh:
        captures = [(r.rec_type, r.http_headers.get_statuscode(), archive_time(r.rec_headers.get_header("WARC-Date")))
                    for r in ArchiveIterator(fh) if r.rec_type in ("response", "revisit")]
    assert min(date for _, _, date in captures) >= "2026-02-01"
    expected = rows(source, "SELECT count(*) FROM snapshots WHERE fetched_at >= '2026-02-01'")[0][0]
    assert 0 < expected < rows(source, "SELECT count(*) FROM snapshots")[0][0]
    assert sum(kind == "response" and status == "200" for kind, status, _ in captures) == expected
    gone = rows(source, "SELECT count(*) FROM fetches WHERE outcome = 'gone' AND at >= '2026-02-01'")[0][0]
    assert sum(status in ("404", "410") for _, status, _ in captures) == gone > 0
    assert any(kind == "revisit" for kind, _, _ in captures)  # unchanged pages of epochs 2 and 3


def test_bad_input_is_one_line_usage_error(tmp_path: Path) -> None:
    runner = CliRunner()
    done = runner.invoke(import_warc_cmd, [str(tmp_path / "missing.warc.gz"), "--db", str(tmp_path / "a.db")])
    assert done.exit_code == 2 and "missing.warc.gz" in done.output
    junk = tmp_path / "junk.warc.gz"
    junk.write_bytes(b"this is not a warc file\n" * 10)
    done = runner.invoke(import_warc_cmd, [str(junk), "--db", str(tmp_path / "a.db")])
    assert done.exit_code == 2 and "junk.warc.gz" in done.output and "not a readable WARC" in done.output
    done = runner.invoke(export_warc_cmd, ["--db", str(tmp_path / "none.db"), "-o", str(tmp_path / "x.warc.gz")])
    assert done.exit_code == 2 and "none.db" in done.output
    assert not (tmp_path / "x.warc.gz").exists()
    not_db = tmp_path / "notes.txt"
    not_db.write_text("not a database, but precious\n" * 100)
    done = runner.invoke(export_warc_cmd, ["--db", str(not_db), "-o", str(tmp_path / "x.warc.gz")])
    assert done.exit_code == 2 and "notes.txt" in done.output
    Archive(tmp_path / "empty.db").close()
    warc = tmp_path / "empty.warc.gz"
    assert runner.invoke(export_warc_cmd, ["--db", str(tmp_path / "empty.db"), "-o", str(warc)]).exit_code == 0
    done = runner.invoke(import_warc_cmd, [str(warc), "--db", str(not_db)])
    assert done.exit_code == 2 and "notes.txt" in done.output
    assert not_db.read_text() == "not a database, but precious\n" * 100  # untouched
    done = runner.invoke(import_warc_cmd, [str(junk), "--db", str(tmp_path / "a.db"), "--profile",
                                           str(tmp_path / "nope.toml")])
    assert done.exit_code == 2 and "nope.toml" in done.output


@pytest.mark.skipif(shutil.which("wget") is None, reason="needs Debian's wget for --warc-file")
def test_wget_warc_imports_every_summary_page(tmp_path: Path) -> None:
    site = Site(pages=20, seed=7)
    with SiteServer(site, epoch=1) as srv:
        done = subprocess.run(
            ["wget", f"--warc-file={tmp_path / 'wget'}", "--recursive", "--level=1", "--no-verbose",
             "-e", "robots=off", "--tries=1", "--timeout=10", "--no-host-directories",
             f"--directory-prefix={tmp_path / 'mirror'}", srv.url + "summaries"],
            capture_output=True, text=True, timeout=120)
        assert done.returncode in (0, 8), done.stderr[-2000:]  # 8: some links answered 404/410
        base = srv.url.rstrip("/")
        fetched = {urlsplit(r["path"]).path.rstrip("/") for r in srv.requests if r["status"] == 200}
    warc = tmp_path / "wget.warc.gz"
    check(warc)
    live = set(site.summary_paths(1))
    summaries = fetched & live
    assert len(summaries) >= 5

    db = tmp_path / "wget.db"
    result = CliRunner().invoke(import_warc_cmd, [str(warc), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "request" in result.output and "warcinfo" in result.output  # skipped and counted by kind

    articles = {urlsplit(url).path: (title, first, last) for url, title, first, last in
                rows(db, "SELECT url, title, first_seen, last_seen FROM articles")}
    assert set(articles) == summaries
    capture_times: dict[str, list[str]] = {}
    with open(warc, "rb") as fh:
        for rec in ArchiveIterator(fh):
            if rec.rec_type == "response" and rec.http_headers.get_statuscode() == "200":
                # wget also fetched variants (`/x/`, `/x?ref=card`) whose canonical link is the article
                path = urlsplit(rec.rec_headers.get_header("WARC-Target-URI")).path.rstrip("/")
                capture_times.setdefault(path, []).append(archive_time(rec.rec_headers.get_header("WARC-Date")))
    for path, (title, first_seen, last_seen) in articles.items():
        assert title == site.expected(path, 1, base)["title"]
        assert (first_seen, last_seen) == (min(capture_times[path]), max(capture_times[path]))


def test_revisits_resolve_by_digest_and_other_records_are_counted(tmp_path: Path) -> None:
    """A hand-written WARC like other tools make: wget-style revisits name only the payload digest."""
    site = Site(pages=10, seed=9)
    path = site.summary_paths(1)[0]
    url = BASE + path
    status, headers, body = site.render(path, 1, BASE)
    warc = tmp_path / "other-tool.warc"  # uncompressed, as some tools write
    with open(warc, "wb") as fh:
        writer = WARCWriter(fh, gzip=False)
        http = StatusAndHeaders("200 OK", list(headers.items()), protocol="HTTP/1.1")
        first = writer.create_warc_record(url, "response", payload=BytesIO(body), length=len(body),
                                          http_headers=http,
                                          warc_headers_dict={"WARC-Date": "2026-01-01T00:00:00Z"})
        digest = first.rec_headers.get_header("WARC-Payload-Digest")
        revisit = writer.create_warc_record(url, "revisit", http_headers=http,
                                            warc_headers_dict={"WARC-Date": "2026-01-02T00:00:00Z",
                                                               "WARC-Payload-Digest": digest})
        not_modified = writer.create_warc_record(
            url, "revisit", http_headers=StatusAndHeaders("304 Not Modified", [], protocol="HTTP/1.1"),
            warc_headers_dict={"WARC-Date": "2026-01-03T00:00:00Z"})
        image = writer.create_warc_record(
            BASE + "/logo.png", "response", payload=BytesIO(b"\x89PNG..."), length=7,
            http_headers=StatusAndHeaders("200 OK", [("Content-Type", "image/png")], protocol="HTTP/1.1"),
            warc_headers_dict={"WARC-Date": "2026-01-01T00:00:01Z"})
        moved = writer.create_warc_record(
            BASE + "/old", "response", payload=BytesIO(b""), length=0,
            http_headers=StatusAndHeaders("301 Moved Permanently", [("Location", path)], protocol="HTTP/1.1"),
            warc_headers_dict={"WARC-Date": "2026-01-01T00:00:02Z"})
        log = writer.create_warc_record("urn:x-tool:log", "resource", payload=BytesIO(b"log"), length=3,
                                        warc_content_type="text/plain")
        # written out of time order: the import sorts by capture time
        for record in (not_modified, image, revisit, moved, first, log):
            writer.write_record(record)

    db = tmp_path / "a.db"
    done = CliRunner().invoke(import_warc_cmd, [str(warc), "--db", str(db)])
    assert done.exit_code == 0, done.output
    assert "new 1, changed 0, unchanged 2" in done.output
    for kind in ("response (not HTML) 1", "response 301 (not archived) 1", "resource 1"):
        assert kind in done.output
    assert rows(db, "SELECT title, version_count, first_seen, last_seen FROM articles") == [
        (site.expected(path, 1)["title"], 1, "2026-01-01T00:00:00Z", "2026-01-03T00:00:00Z")]
    assert rows(db, "SELECT at, http_status, outcome FROM fetches ORDER BY at") == [
        ("2026-01-01T00:00:00Z", 200, "new"), ("2026-01-02T00:00:00Z", 200, "unchanged"),
        ("2026-01-03T00:00:00Z", 304, "unchanged")]


def test_commands_are_on_the_cli() -> None:
    for command in ("export-warc", "import-warc"):
        done = subprocess.run([str(Path(sys.executable).with_name("summary-archive")), command, "--help"],
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        assert "--db" in done.stdout


def test_a_move_for_good_goes_through_export_and_import(tmp_path: Path) -> None:
    """A 301/308 of an archived page is written with its Location, and imported as the crawler records it."""
    source, copy, warc = tmp_path / "source.db", tmp_path / "copy.db", tmp_path / "export.warc.gz"
    page = "<html><body><h1>Moving Study</h1><p>Credibility: 4/5</p><h2>Key Takeaway</h2><p>Kept.</p></body></html>"
    old, new = "https://example.org/s/old", "https://example.org/s/new"
    with Archive(source) as archive:
        first = archive.start_crawl(["https://example.org/"])
        archive.store(first, old, parse(page, old), page, {}, fetched_at="2026-01-01T00:00:00Z")
        second = archive.start_crawl(["https://example.org/"])
        archive.store(second, new, parse(page, new), page, {}, fetched_at="2026-02-01T00:00:00Z")
        assert archive.moved(second, old, new, 308, fetched_at="2026-02-01T00:00:01Z") == "gone"
    runner = CliRunner()
    assert runner.invoke(export_warc_cmd, ["--db", str(source), "-o", str(warc)]).exit_code == 0
    with open(warc, "rb") as fh:
        moved = [r.http_headers.get_header("Location") for r in ArchiveIterator(fh)
                 if r.rec_type == "response" and r.http_headers.get_statuscode() == "308"]
    assert moved == [new]
    done = runner.invoke(import_warc_cmd, [str(warc), "--db", str(copy)])
    assert done.exit_code == 0, done.output
    moves = "SELECT url, status, moved_to FROM articles ORDER BY url"
    assert rows(copy, moves) == rows(source, moves) == [(new, "live", None), (old, "gone", new)]


def test_importing_the_same_warc_twice_adds_nothing(tmp_path: Path) -> None:
    """A page, then its 404: the second import had logged both fetches again (a false 'back', a 'gone')."""
    site = Site(pages=10, seed=9)
    path = site.summary_paths(1)[0]
    _status, headers, body = site.render(path, 1, BASE)
    warc = tmp_path / "twice.warc.gz"
    with open(warc, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for date, status, payload in (("2026-01-01T00:00:00Z", "200 OK", body), ("2026-02-01T00:00:00Z", "404 Not Found", b"gone")):
            http = StatusAndHeaders(status, [("Content-Type", "text/html")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(BASE + path, "response", payload=BytesIO(payload),
                                                          length=len(payload), http_headers=http,
                                                          warc_headers_dict={"WARC-Date": date}))
    db = tmp_path / "a.db"
    for _ in range(2):
        done = CliRunner().invoke(import_warc_cmd, [str(warc), "--db", str(db)])
        assert done.exit_code == 0, done.output
    assert rows(db, "SELECT at, http_status, outcome FROM fetches ORDER BY at") == [
        ("2026-01-01T00:00:00Z", 200, "new"), ("2026-02-01T00:00:00Z", 404, "gone")]
    assert rows(db, "SELECT status, version_count FROM articles") == [("gone", 1)]


def _one_capture(path: Path, body: bytes, headers: list[tuple[str, str]], warc_headers: dict | None = None,
                 cut: int = 0) -> None:
    """An uncompressed WARC holding one response (its file then cut `cut` bytes short)."""
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=False)
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html"), *headers], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(
            BASE + "/summaries/encoded", "response", payload=BytesIO(body), length=len(body), http_headers=http,
            warc_headers_dict={"WARC-Date": "2026-01-01T00:00:00Z", **(warc_headers or {})}))
    if cut:
        path.write_bytes(path.read_bytes()[:-cut])


def _encoded(body: bytes, coding: str) -> bytes:
    import gzip
    import zlib

    import brotli
    import zstandard
    return {"gzip": gzip.compress, "deflate": zlib.compress, "br": brotli.compress,
            "zstd": zstandard.ZstdCompressor().compress}[coding](body)


@pytest.mark.parametrize("coding", ["gzip", "deflate", "br", "zstd", "gzip+chunked"])
def test_payloads_in_every_coding_the_crawler_accepts_are_imported(tmp_path: Path, coding: str) -> None:
    """br had been a traceback (warcio's reader expects another brotli module), zstd a page of bytes ('other')."""
    site = Site(pages=10, seed=9)
    body = site.render(site.summary_paths(1)[0], 1, BASE)[2]
    data = _encoded(body, coding.split("+")[0])
    headers = [("Content-Encoding", coding.split("+")[0])]
    if coding.endswith("chunked"):
        data = b"".join(b"%x\r\n%s\r\n" % (len(part), part) for part in (data[:100], data[100:])) + b"0\r\n\r\n"
        headers.append(("Transfer-Encoding", "chunked"))
    _one_capture(tmp_path / "a.warc", data, headers)
    done = CliRunner().invoke(import_warc_cmd, [str(tmp_path / "a.warc"), "--db", str(tmp_path / "a.db")])
    assert done.exit_code == 0 and "new 1" in done.output, done.output
    assert rows(tmp_path / "a.db", "SELECT title FROM articles") == [(site.expected(site.summary_paths(1)[0], 1)["title"],)]


@pytest.mark.parametrize("how", ["gzip stream cut", "record shorter than its Content-Length", "WARC-Truncated"])
def test_a_cut_payload_is_not_archived(tmp_path: Path, how: str) -> None:
    """Each had been archived as a version holding part of the page (rc 0, nothing said)."""
    site = Site(pages=10, seed=9)
    body = site.render(site.summary_paths(1)[0], 1, BASE)[2]
    if how == "gzip stream cut":
        data = _encoded(body, "gzip")
        _one_capture(tmp_path / "a.warc", data[: len(data) // 2], [("Content-Encoding", "gzip")])
    elif how == "WARC-Truncated":
        _one_capture(tmp_path / "a.warc", body[: len(body) // 2], [], {"WARC-Truncated": "length"})
    else:
        _one_capture(tmp_path / "a.warc", body, [], cut=len(body) // 2 + 4)  # (+ the record's closing CRLFs)
    done = CliRunner().invoke(import_warc_cmd, [str(tmp_path / "a.warc"), "--db", str(tmp_path / "a.db")])
    assert done.exit_code == 0 and "payload cut short (not archived) 1" in done.output, done.output
    assert rows(tmp_path / "a.db", "SELECT count(*) FROM versions") == [(0,)]
    # (control) the whole payload is archived
    _one_capture(tmp_path / "b.warc", body, [])
    CliRunner().invoke(import_warc_cmd, [str(tmp_path / "b.warc"), "--db", str(tmp_path / "b.db")])
    assert rows(tmp_path / "b.db", "SELECT count(*) FROM versions") == [(1,)]
