"""The crawl's WARC writer (scraper/warc.py over archive/warc.py), driven with real Scrapy objects."""

from __future__ import annotations

import gzip
import shutil
import json
import subprocess
import sys
from pathlib import Path

import pytest
from scrapy import Request, Spider
from scrapy.exceptions import NotConfigured
from scrapy.http import HtmlResponse, Response
from scrapy.utils.test import get_crawler
from warcio.archiveiterator import ArchiveIterator

from archive.cdx import read_cdxj
from scraper.warc import WarcWriterMiddleware

WARCIO = str(Path(sys.executable).with_name("warcio"))


class SummarySpider(Spider):
    name = "summaries"
    start_urls = ["http://site.test/"]


def warcio_check(path: Path) -> None:
    """`warcio check` (the reference checker: digests, structure) must pass."""
    done = subprocess.run([WARCIO, "check", "-v", str(path)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "digest pass" in done.stdout


def records(path: Path) -> list[dict]:
    """Every record of a WARC, read back by warcio with its replayed (decoded) body."""
    out = []
    with open(path, "rb") as fh:
        for rec in ArchiveIterator(fh):
            out.append({
                "type": rec.rec_type,
                "headers": dict(rec.rec_headers.headers),
                "status": rec.http_headers.get_statuscode() if rec.http_headers else None,
                "http": rec.http_headers,
                "body": rec.content_stream().read(),
            })
    return out


def make_middleware(directory: Path, **settings: object) -> tuple[WarcWriterMiddleware, Spider]:
    crawler = get_crawler(SummarySpider, {"ARCHIVE_WARC_DIR": str(directory), **settings})
    crawler.stats.open_spider()
    mw = WarcWriterMiddleware.from_crawler(crawler)
    spider = SummarySpider()
    mw.spider_opened(spider)
    return mw, spider


def exchange(mw: WarcWriterMiddleware, spider: Spider, url: str, body: bytes = b"", status: int = 200,
             headers: dict | None = None, request_headers: dict | None = None, meta: dict | None = None) -> None:
    request = Request(url, headers={"User-Agent": "summary-archive-test", **(request_headers or {})},
                      meta=meta)
    cls = HtmlResponse if body else Response
    response = cls(url, status=status, body=body, request=request,
                   headers={"Content-Type": "text/html; charset=utf-8", **(headers or {})})
    assert mw.process_response(request, response, spider) is response


def page(n: int) -> bytes:
    return f"<html><head><title>Page {n}</title></head><body><p>{'text ' * 40}{n}</p></body></html>".encode()


def test_not_configured_without_directory() -> None:
    crawler = get_crawler(SummarySpider, {})
    with pytest.raises(NotConfigured):
        WarcWriterMiddleware.from_crawler(crawler)


def test_exchanges_become_valid_records_that_replay(tmp_path: Path) -> None:
    mw, spider = make_middleware(tmp_path)
    gzipped = gzip.compress(page(2))
    exchange(mw, spider, "http://site.test/a", page(1), headers={"Transfer-Encoding": "chunked", "ETag": '"v1"'})
    exchange(mw, spider, "http://site.test/b?x=1", gzipped, headers={"Content-Encoding": "gzip"})
    exchange(mw, spider, "http://site.test/c", page(1))  # same body as /a: revisit
    exchange(mw, spider, "http://site.test/a", status=304, request_headers={"If-None-Match": '"v1"'})
    exchange(mw, spider, "http://site.test/gone", b"<html>gone</html>", status=404)
    exchange(mw, spider, "http://site.test/never-seen", status=304)  # validators from an older crawl
    mw.spider_closed(spider)

    [warc] = sorted(tmp_path.glob("*.warc.gz"))
    assert not list(tmp_path.glob("*.open"))
    warcio_check(warc)
    recs = records(warc)
    assert [r["type"] for r in recs] == ["warcinfo"] + ["response", "request"] * 2 + ["revisit", "request"] * 2 \
        + ["response", "request", "revisit", "request"]
    info = recs[0]["body"].decode()
    assert "isPartOf: summaries" in info and "software: summary-archive/" in info

    a, _, b = recs[1], recs[2], recs[3]
    assert a["body"] == page(1)
    assert b["body"] == page(2)  # stored Content-Encoded as received, replays decoded
    assert b["http"].get_header("Content-Encoding") == "gzip"
    assert int(b["http"].get_header("Content-Length")) == len(gzipped)
    assert a["http"].get_header("Transfer-Encoding") is None  # the client de-chunked the body
    assert a["http"].get_header("ETag") == '"v1"'

    request = recs[2]
    assert request["headers"]["WARC-Concurrent-To"] == a["headers"]["WARC-Record-ID"]
    assert request["http"].protocol == "GET" and request["http"].statusline.startswith("/a ")
    assert request["http"].get_header("Host") == "site.test"
    assert recs[4]["http"].statusline.startswith("/b?x=1 ")

    revisit, not_modified = recs[5], recs[7]
    assert revisit["headers"]["WARC-Refers-To-Target-URI"] == "http://site.test/a"
    assert revisit["headers"]["WARC-Refers-To-Date"] == a["headers"]["WARC-Date"]
    assert revisit["headers"]["WARC-Payload-Digest"] == a["headers"]["WARC-Payload-Digest"]
    assert revisit["headers"]["WARC-Profile"].endswith("/identical-payload-digest")
    assert not_modified["status"] == "304"
    assert not_modified["headers"]["WARC-Profile"].endswith("/server-not-modified")
    assert not_modified["headers"]["WARC-Refers-To-Target-URI"] == "http://site.test/a"
    assert recs[9]["status"] == "404" and recs[9]["body"] == b"<html>gone</html>"
    assert recs[8]["http"].get_header("If-None-Match") == '"v1"'
    unknown = recs[11]
    assert unknown["status"] == "304" and "WARC-Refers-To-Target-URI" not in unknown["headers"]

    stats = mw.crawler.stats.get_stats()
    assert stats["warc/response_records"] == 3 and stats["warc/revisit_records"] == 3


def test_files_roll_at_size_limit_each_indexed(tmp_path: Path) -> None:
    mw, spider = make_middleware(tmp_path, ARCHIVE_WARC_MAX_BYTES=2500)
    for n in range(12):
        exchange(mw, spider, f"http://site.test/p{n}", page(n))
    mw.spider_closed(spider)

    warcs = sorted(tmp_path.glob("*.warc.gz"))
    assert len(warcs) >= 3
    urls = []
    for warc in warcs:
        assert warc.stat().st_size < 2500 + 2000  # rolled right after the record that crossed the limit
        warcio_check(warc)
        recs = records(warc)
        assert recs[0]["type"] == "warcinfo"
        assert recs[0]["headers"]["WARC-Filename"] == warc.name
        index = warc.with_name(warc.name.replace(".warc.gz", ".cdxj"))
        lines = list(read_cdxj(index))
        assert len(lines) == sum(r["type"] == "response" for r in recs)
        for urlkey, timestamp, fields in lines:
            assert urlkey.startswith("test,site)/p") and len(timestamp) == 14 and timestamp.isdigit()
            assert fields["filename"] == warc.name
            with open(warc, "rb") as fh:  # the offset points at the record
                fh.seek(int(fields["offset"]))
                rec = next(iter(ArchiveIterator(fh)))
                assert rec.rec_headers.get_header("WARC-Target-URI") == fields["url"]
            urls.append(fields["url"])
    assert sorted(urls) == sorted(f"http://site.test/p{n}" for n in range(12))


def test_cdxj_lines_are_surt_timestamp_json(tmp_path: Path) -> None:
    mw, spider = make_middleware(tmp_path)
    exchange(mw, spider, "http://Site.Test/Some/Path?b=2&a=1", page(1))
    mw.spider_closed(spider)
    [index] = tmp_path.glob("*.cdxj")
    [line] = index.read_text().splitlines()
    urlkey, timestamp, rest = line.split(" ", 2)
    assert urlkey == "test,site)/some/path?a=1&b=2"
    assert json.loads(rest)["status"] == "200"


def test_later_crawl_dedups_against_earlier_files(tmp_path: Path) -> None:
    mw, spider = make_middleware(tmp_path)
    exchange(mw, spider, "http://site.test/a", page(1))
    mw.spider_closed(spider)
    first = records(next(tmp_path.glob("*.warc.gz")))[1]

    mw, spider = make_middleware(tmp_path, ARCHIVE_WARC_PREFIX="second")
    exchange(mw, spider, "http://site.test/a", page(1))
    exchange(mw, spider, "http://site.test/a", status=304)
    mw.spider_closed(spider)
    [warc] = tmp_path.glob("second-*.warc.gz")
    warcio_check(warc)
    revisit, _, not_modified, _ = records(warc)[1:]
    assert revisit["type"] == not_modified["type"] == "revisit"
    for rec in (revisit, not_modified):
        assert rec["headers"]["WARC-Refers-To-Target-URI"] == "http://site.test/a"
        assert rec["headers"]["WARC-Payload-Digest"] == first["headers"]["WARC-Payload-Digest"]
        # CDXJ keeps seconds only; the reference still names the capture's second
        assert rec["headers"]["WARC-Refers-To-Date"][:19] == first["headers"]["WARC-Date"][:19]


def test_not_modified_under_another_spelling_refers_to_the_full_capture(tmp_path: Path) -> None:
    """Validators are kept under every spelling of an article's URL, so the next crawl may get its 304
    at `/a` for a body captured at `/a/`, or at a URL whose validators were borrowed (meta
    archive_validated_url): the revisit still names the capture and its payload digest."""
    mw, spider = make_middleware(tmp_path)
    exchange(mw, spider, "http://site.test/a/", page(1))
    exchange(mw, spider, "http://site.test/b?utm_source=x", page(2))
    exchange(mw, spider, "http://site.test/c", page(3))
    mw.spider_closed(spider)
    [first] = tmp_path.glob("*.warc.gz")
    digests = {r["headers"]["WARC-Target-URI"]: r["headers"]["WARC-Payload-Digest"]
               for r in records(first) if r["type"] == "response"}

    mw, spider = make_middleware(tmp_path, ARCHIVE_WARC_PREFIX="second")
    exchange(mw, spider, "http://site.test/a", status=304)
    exchange(mw, spider, "http://site.test/b", status=304)
    exchange(mw, spider, "http://site.test/c-moved", status=304, meta={"archive_validated_url": "http://site.test/c"})
    exchange(mw, spider, "http://site.test/d", status=304)  # nothing captured: a bare revisit
    mw.spider_closed(spider)
    [warc] = tmp_path.glob("second-*.warc.gz")
    warcio_check(warc)
    revisits = [r for r in records(warc) if r["type"] == "revisit"]
    refers = [(r["headers"].get("WARC-Refers-To-Target-URI"), r["headers"].get("WARC-Payload-Digest"))
              for r in revisits]
    assert refers == [("http://site.test/a/", digests["http://site.test/a/"]),
                      ("http://site.test/b?utm_source=x", digests["http://site.test/b?utm_source=x"]),
                      ("http://site.test/c", digests["http://site.test/c"]),
                      (None, None)]
    lines = list(read_cdxj(warc.with_name(warc.name.replace(".warc.gz", ".cdxj"))))
    assert sum("digest" in fields for _, _, fields in lines) == 3


def test_write_failure_stops_warcs_not_the_crawl(tmp_path: Path) -> None:
    directory = tmp_path / "warcs"
    mw, spider = make_middleware(directory, ARCHIVE_WARC_MAX_BYTES=100)
    exchange(mw, spider, "http://site.test/a", page(1))  # file rolled: it passed 100 bytes
    assert mw.writer is not None
    mw.writer.roller.wait_indexed()
    shutil.rmtree(directory)  # the volume went away
    exchange(mw, spider, "http://site.test/b", page(2))  # still returns the response
    assert mw.writer is None
    assert "http://site.test/b" in mw.crawler.stats.get_value("warc/error")
    exchange(mw, spider, "http://site.test/c", page(3))
    mw.spider_closed(spider)
    assert not directory.exists()


def test_bad_settings_fail_at_start(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    for settings in ({"ARCHIVE_WARC_DIR": str(tmp_path / "file" / "sub")},
                     {"ARCHIVE_WARC_DIR": str(tmp_path), "ARCHIVE_WARC_MAX_BYTES": 0}):
        with pytest.raises(ValueError, match="ARCHIVE_WARC"):
            WarcWriterMiddleware.from_crawler(get_crawler(SummarySpider, settings))
