"""WARC (ISO 28500) output: rolling per-record-gzip files with revisit dedup and CDXJ indexes."""

from __future__ import annotations

import json
import os
import socket
from concurrent.futures import Future, ThreadPoolExecutor
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timezone
from http import HTTPStatus
from importlib.metadata import PackageNotFoundError, version
from io import BytesIO
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import urlsplit

from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import timestamp_to_iso_date
from warcio.utils import Digester
from warcio.warcwriter import WARCWriter

from archive import snapshots
from archive.cdx import read_cdxj, write_cdxj
from archive.clock import normalise
from archive.reading import reading

WARC_VERSION = "1.1"
NOT_MODIFIED_PROFILE = "http://netpreserve.org/warc/1.1/revisit/server-not-modified"
DEFAULT_MAX_BYTES = 1_000_000_000
# Hop-by-hop framing that no longer describes the body once the HTTP client has de-chunked it.
_FRAMING_HEADERS = ("transfer-encoding",)


def _dist_version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "unknown"


def software() -> str:
    """The `software` value of warcinfo records: this project and the libraries that wrote the bytes."""
    return (f"summary-archive/{_dist_version('summary-archive')} "
            f"(warcio/{_dist_version('warcio')}; +https://github.com/summary-archive/summary-archive)")


def warc_date(when: str | datetime | None = None) -> str:
    """A WARC 1.1 date (UTC, `Z`, microseconds kept when present) from an archive time, a datetime or now."""
    if when is None:
        moment = datetime.now(timezone.utc)
    elif isinstance(when, datetime):
        moment = when if when.tzinfo else when.replace(tzinfo=timezone.utc)
    else:
        parsed = parse_warc_date(when)
        if parsed is None:
            raise ValueError(f"not an ISO 8601 time: {when!r}")
        moment = parsed
    moment = moment.astimezone(timezone.utc)
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    if moment.microsecond:
        text += f".{moment.microsecond:06d}"
    return text + "Z"


def parse_warc_date(date: str | None) -> datetime | None:
    """A WARC-Date (any precision, `Z` or an offset) as an aware UTC datetime; None if unreadable."""
    if not date:
        return None
    try:
        moment = datetime.fromisoformat(date.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def archive_time(date: str) -> str:
    """An archive time (`YYYY-MM-DDTHH:MM:SSZ`) from a WARC-Date of any precision."""
    moment = parse_warc_date(date)
    if moment is None:
        raise ValueError(f"not a WARC date: {date!r}")
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def payload_digest(body: bytes) -> str:
    """The WARC-Payload-Digest warcio would write for `body` (sha1, base32)."""
    digester = Digester("sha1")
    digester.update(body)
    return str(digester)


def http_status_line(status: int, reason: str | None = None) -> str:
    """`200 OK`-style status line text (warcio adds the protocol)."""
    if reason is None:
        try:
            reason = HTTPStatus(status).phrase
        except ValueError:
            reason = ""
    return f"{status} {reason}".rstrip()


def replayable_headers(headers: Iterable[tuple[str, str]], body_length: int,
                       drop: Iterable[str] = ()) -> list[tuple[str, str]]:
    """HTTP headers that describe `body` as stored: framing headers (and `drop`) removed, Content-Length fixed."""
    dropped = {name.lower() for name in drop} | set(_FRAMING_HEADERS) | {"content-length"}
    kept = [(k, v) for k, v in headers if k.lower() not in dropped]
    kept.append(("Content-Length", str(body_length)))
    return kept


class CaptureIndex:
    """What has been captured already (this run, and earlier runs' CDXJ files), for revisit records."""

    def __init__(self, key: Callable[[str], str] | None = None) -> None:
        # payload digest -> (url, date) of the full record holding that payload
        self.by_digest: dict[str, tuple[str, str]] = {}
        # url -> (url, date, digest) of the full record holding the url's latest 200 payload
        self.by_url: dict[str, tuple[str, str, str]] = {}
        # The same by `key(url)`, the crawler's canonical form: a 304 may answer a URL spelt otherwise
        # (`/a` for `/a/`) than the capture its validators came from.
        self.key = key
        self.by_key: dict[str, tuple[str, str, str]] = {}

    def add(self, url: str, date: str, digest: str | None, status: int | None) -> None:
        """Remember a capture of `url` at `date` (a revisit counts toward `by_url` via its original)."""
        if not digest:
            return
        if digest not in self.by_digest:
            self.by_digest[digest] = (url, date)
        if status == 200:
            self.by_url[url] = (*self.by_digest[digest], digest)
            if self.key is not None:
                self.by_key[self.key(url)] = self.by_url[url]

    def latest(self, *urls: str | None) -> tuple[str, str, str] | None:
        """(url, date, digest) of the latest 200 capture of the first of `urls` that has one, by exact
        URL first, then by the canonical form."""
        for url in filter(None, urls):
            if url in self.by_url:
                return self.by_url[url]
        for url in filter(None, urls) if self.key is not None else ():
            found = self.by_key.get(self.key(url))  # type: ignore[misc]
            if found:
                return found
        return None

    def load_directory(self, directory: Path) -> None:
        """Read the CDXJ indexes in `directory`: full captures first (oldest first), then revisits."""
        full, revisits = [], []
        for index in sorted(directory.glob("*.cdxj")):
            for _key, timestamp, fields in read_cdxj(index):
                if fields.get("url") and fields.get("digest"):
                    status = int(fields["status"]) if str(fields.get("status", "")).isdigit() else None
                    entry = (timestamp, fields["url"], fields["digest"], status)
                    (revisits if fields.get("mime") == "warc/revisit" else full).append(entry)
        for timestamp, url, digest, status in sorted(full):
            self.add(url, timestamp_to_iso_date(timestamp), digest, status)
        for timestamp, url, digest, status in sorted(revisits):
            if digest in self.by_digest:  # a revisit only points at a payload stored elsewhere
                self.add(url, timestamp_to_iso_date(timestamp), digest, status)


class WarcRoller:
    """Writes gzip-per-record WARC files into a directory, rolling at `max_bytes`, each with a warcinfo record.

    A file is written as `NAME.warc.gz.open` and renamed when closed, then indexed to `NAME.cdxj`, so
    a reader never mistakes a file still being written for a finished one.
    """

    def __init__(self, directory: str | Path, *, prefix: str = "summary-archive",
                 max_bytes: int = DEFAULT_MAX_BYTES,
                 info: Mapping[str, Any] | Callable[[], Mapping[str, Any]] | None = None,
                 index: bool = True) -> None:
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.prefix = prefix
        self.max_bytes = max_bytes
        self.info = info  # warcinfo fields, or a function giving them when each file is opened
        self.index = index
        self.builder = WARCWriter(None, gzip=True, warc_version=WARC_VERSION)
        self.files: list[Path] = []
        self.records = 0
        self._fh: BinaryIO | None = None
        self._writer: WARCWriter | None = None
        self._path: Path | None = None
        self._serial = 0
        self._stamp = datetime.now(timezone.utc).strftime("%Y%m%d%H%M%S%f")
        # Indexing a full 1 GB file takes seconds: done off the caller's thread (Scrapy's reactor).
        self._indexer: ThreadPoolExecutor | None = None
        self._pending: list[Future] = []

    def _open(self) -> None:
        name = f"{self.prefix}-{self._stamp}-{self._serial:05d}-{os.getpid()}.warc.gz"
        self._serial += 1
        self._path = self.directory / name
        self._fh = open(self._path.with_name(name + ".open"), "xb")
        self._writer = WARCWriter(self._fh, gzip=True, warc_version=WARC_VERSION)
        info = {"software": software(), "format": "WARC File Format 1.1",
                "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
                "hostname": socket.gethostname(),
                **((self.info() if callable(self.info) else self.info) or {})}
        self._writer.write_record(self._writer.create_warcinfo_record(name, info))
        self.records += 1

    def write(self, *records: ArcWarcRecord) -> None:
        """Write records together into the current file (never split across files), then roll if full."""
        if self._fh is None:
            self._open()
        assert self._writer is not None and self._fh is not None
        for record in records:
            self._writer.write_record(record)
            self.records += 1
        if self._fh.tell() >= self.max_bytes:
            self.roll()

    def roll(self) -> None:
        """Close the current file (if any), rename it to its final name and start writing its CDXJ index."""
        if self._fh is None or self._path is None:
            return
        self._fh.close()
        self._fh = self._writer = None
        os.replace(self._path.with_name(self._path.name + ".open"), self._path)
        self.files.append(self._path)
        if self.index:
            if self._indexer is None:
                self._indexer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cdxj")
            self._pending.append(self._indexer.submit(write_cdxj, self._path))

    def wait_indexed(self) -> None:
        """Block until the CDXJ index of every closed file is written (re-raising an indexing error)."""
        pending, self._pending = self._pending, []
        for future in pending:
            future.result()

    def close(self) -> None:
        """Close the current file and wait until every file's CDXJ index is written."""
        self.roll()
        self.wait_indexed()
        if self._indexer is not None:
            self._indexer.shutdown(wait=True)
            self._indexer = None


class CaptureWriter:
    """Turns HTTP exchanges into request + response/revisit records in a `WarcRoller`."""

    def __init__(self, roller: WarcRoller, *, dedup: bool = True, key: Callable[[str], str] | None = None
                 ) -> None:
        self.roller = roller
        self.dedup = dedup
        self.seen = CaptureIndex(key)
        if dedup:
            self.seen.load_directory(roller.directory)
        self.counts = {"response": 0, "revisit": 0, "request": 0}

    def capture(self, *, url: str, method: str, request_headers: Iterable[tuple[str, str]],
                status: int, response_headers: Iterable[tuple[str, str]], body: bytes,
                request_body: bytes = b"", protocol: str = "HTTP/1.1", reason: str | None = None,
                date: str | None = None, ip_address: str | None = None,
                truncated: str | None = None, drop_headers: Iterable[str] = (),
                validated_url: str | None = None) -> str:
        """Write one exchange; returns the type of the response-side record ('response' or 'revisit').
        `validated_url`: the URL whose validators a conditional request sent, when not `url` itself."""
        builder = self.roller.builder
        date = date or warc_date()
        extra = {"WARC-Date": date}
        if ip_address:
            extra["WARC-IP-Address"] = ip_address
        http_headers = StatusAndHeaders(http_status_line(status, reason),
                                        replayable_headers(response_headers, len(body), drop_headers),
                                        protocol=protocol)
        digest = payload_digest(body)
        earlier = self.seen.by_digest.get(digest) if self.dedup and body else None
        if status == 304:
            record = self._not_modified(url, http_headers, extra, validated_url)
        elif earlier:
            record = builder.create_revisit_record(url, digest, earlier[0], earlier[1],
                                                   http_headers=http_headers, warc_headers_dict=extra)
            self.seen.add(url, date, digest, status)
        else:
            if truncated:
                extra["WARC-Truncated"] = truncated
            record = builder.create_warc_record(url, "response", payload=BytesIO(body), length=len(body),
                                                http_headers=http_headers, warc_headers_dict=extra)
            self.seen.add(url, date, digest, status)
        request = self._request(url, method, request_headers, request_body, protocol, extra)
        request.rec_headers.add_header("WARC-Concurrent-To", record.rec_headers.get_header("WARC-Record-ID"))
        self.roller.write(record, request)
        self.counts[record.rec_type] += 1
        self.counts["request"] += 1
        return record.rec_type

    def _not_modified(self, url: str, http_headers: StatusAndHeaders, extra: dict,
                      validated_url: str | None = None) -> ArcWarcRecord:
        """A server-not-modified revisit; refers to the last full capture of this URL (or of the URL
        whose validators were sent, or of another spelling of either) when one is known."""
        record = self.roller.builder.create_warc_record(url, "revisit", http_headers=http_headers,
                                                        warc_headers_dict=extra)
        record.rec_headers.add_header("WARC-Profile", NOT_MODIFIED_PROFILE)
        earlier = self.seen.latest(url, validated_url)
        if earlier:
            record.rec_headers.add_header("WARC-Refers-To-Target-URI", earlier[0])
            record.rec_headers.add_header("WARC-Refers-To-Date", earlier[1])
            record.rec_headers.add_header("WARC-Payload-Digest", earlier[2])
        return record

    def _request(self, url: str, method: str, headers: Iterable[tuple[str, str]], body: bytes,
                 protocol: str, extra: dict) -> ArcWarcRecord:
        parts = urlsplit(url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        header_list = list(headers)
        if not any(k.lower() == "host" for k, _ in header_list):
            # Scrapy's HTTP client adds Host on the wire, after every middleware has run.
            header_list.insert(0, ("Host", parts.netloc))
        http_headers = StatusAndHeaders(f"{method} {target} {protocol}", header_list, is_http_request=True)
        return self.roller.builder.create_warc_record(url, "request", payload=BytesIO(body), length=len(body),
                                                      http_headers=http_headers,
                                                      warc_headers_dict={"WARC-Date": extra["WARC-Date"]})

    def close(self) -> None:
        """Close the open file; returns once every file written is indexed."""
        self.roller.close()


_SNAPSHOTS = """SELECT 0 AS kind, fetched_at AS at, url, http_status, sha256, headers, encoding, body
  FROM snapshots WHERE fetched_at >= :since"""
# Later fetches of a stored body (unchanged pages, 304s): revisit records.
_REFETCHES = """SELECT 1, f.at, f.url, f.http_status, f.snapshot_sha256, NULL, NULL, NULL
  FROM fetches f JOIN snapshots s ON s.sha256 = f.snapshot_sha256
 WHERE f.at >= :since AND (f.at > s.fetched_at OR f.url != s.url)"""
# 404/410 answers and moves for good, whose bodies the archive does not keep: status-only, truncated
# response records (a 301/308 with its Location: where the article moved). A move the page itself
# told (a meta refresh, a renamed canonical URL) was an ordinary 200 page: its snapshot says it.
_GONE = """SELECT 2, f.at, f.url, f.http_status, NULL,
       CASE WHEN f.http_status IN (301, 308) THEN a.moved_to END, NULL, NULL
  FROM fetches f LEFT JOIN articles a ON a.id = f.article_id
 WHERE f.outcome = 'gone' AND f.http_status IN (301, 308, 404, 410) AND f.at >= :since"""


def export_warc(db: str | Path | object, out_path: str | Path, *, since: str | None = None,
                revisits: bool = True, progress: Callable[[int, int], None] | None = None) -> dict[str, int]:
    """Write the archive's stored snapshots to one WARC file (and its CDXJ); returns record counts.

    Each snapshot becomes a `response` record dated when it was first fetched, with the headers
    stored for it. With `revisits`, the rest of the fetch history goes too, so importing the file
    replays it: every later fetch that found a stored body (unchanged page, 304) becomes a `revisit`
    record pointing at it, and every 404/410 (and 301/308 move, with its Location) a status-only
    `response` marked `WARC-Truncated`.
    """
    out_path = Path(out_path)
    since_at = normalise(since) if since else ""
    query = " UNION ALL ".join([_SNAPSHOTS, _REFETCHES, _GONE] if revisits else [_SNAPSHOTS]) + " ORDER BY at, kind"
    counts = {"response": 0, "revisit": 0, "gone": 0}
    written: dict[str, tuple[str, str, str]] = {}  # sha256 -> (url, WARC date, sha1 payload digest)
    tmp = out_path.with_name(out_path.name + ".part")
    with reading(db) as conn, open(tmp, "wb") as fh:
        total = conn.execute(f"SELECT count(*) FROM ({query})", {"since": since_at}).fetchone()[0]
        writer = WARCWriter(fh, gzip=out_path.name.endswith(".gz"), warc_version=WARC_VERSION)
        writer.write_record(writer.create_warcinfo_record(out_path.name, {
            "software": software(), "format": "WARC File Format 1.1",
            "description": f"summary-archive export of {Path(str(getattr(db, 'path', db))).name}"
                           + (f" since {since_at}" if since_at else ""),
        }))
        for done, (kind, at, url, status, sha, headers, encoding, blob) in enumerate(
                conn.execute(query, {"since": since_at}), 1):
            date = warc_date(at)
            if kind == 0:
                body = snapshots.decompress(blob, encoding)
                record = _export_response(writer, url, date, status or 200, json.loads(headers or "{}"), body)
                written[sha] = (url, date, record.rec_headers.get_header("WARC-Payload-Digest"))
                counts["response"] += 1
            elif kind == 1:
                original = written.get(sha) or _snapshot_origin(conn, sha)
                written.setdefault(sha, original)
                record = _export_revisit(writer, url, date, status, original)
                counts["revisit"] += 1
            else:  # (the headers column holds a move's target)
                record = _export_response(writer, url, date, status, {"Location": headers} if headers else {}, b"")
                record.rec_headers.add_header("WARC-Truncated", "unspecified")  # body not kept
                counts["gone"] += 1
            writer.write_record(record)
            if progress:
                progress(done, total)
    tmp.replace(out_path)
    write_cdxj(out_path)
    return counts


def _export_response(writer: WARCWriter, url: str, date: str, status: int, headers: Mapping[str, str],
                     body: bytes) -> ArcWarcRecord:
    """A response record for a stored body (decoded: Content-Encoding dropped, Content-Length fixed)."""
    http = StatusAndHeaders(http_status_line(status),
                            replayable_headers(list(headers.items()), len(body), drop=("content-encoding",)),
                            protocol="HTTP/1.1")
    return writer.create_warc_record(url, "response", payload=BytesIO(body), length=len(body),
                                     http_headers=http, warc_headers_dict={"WARC-Date": date})


def _snapshot_origin(conn: Any, sha: str) -> tuple[str, str, str]:
    """(url, WARC date, payload digest) of a snapshot not written in this export (before --since)."""
    url, at, encoding, blob = conn.execute(
        "SELECT url, fetched_at, encoding, body FROM snapshots WHERE sha256 = ?", (sha,)).fetchone()
    return url, warc_date(at), payload_digest(snapshots.decompress(blob, encoding))


def _export_revisit(writer: WARCWriter, url: str, date: str, status: int | None,
                    original: tuple[str, str, str]) -> ArcWarcRecord:
    """A revisit for a later fetch of a stored body: server-not-modified for a 304, else identical payload."""
    not_modified = status == 304
    http = StatusAndHeaders(http_status_line(304 if not_modified else 200), [], protocol="HTTP/1.1")
    record = writer.create_revisit_record(url, original[2], original[0], original[1], http_headers=http,
                                          warc_headers_dict={"WARC-Date": date})
    if not_modified:
        record.rec_headers.replace_header("WARC-Profile", NOT_MODIFIED_PROFILE)
    return record
