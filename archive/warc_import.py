"""Archive the summary pages found in WARC files made by any tool (wget, Heritrix, Browsertrix, ours)."""

from __future__ import annotations

import os
import zlib
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import urljoin

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeadersParserException

from archive.errors import ArchiveError
from archive.payload import Cut, decoded, read_payload
from archive.related import article_for_url
from archive.store import Archive
from archive.warc import NOT_MODIFIED_PROFILE, archive_time, parse_warc_date

ParseFn = Callable[..., dict]
STORED = ("new", "changed", "unchanged", "held", "gone")
BATCH = 64  # captures planned and parsed together
HTML_TYPES = ("text/html", "application/xhtml+xml")
GONE_STATUSES = (404, 410)
MOVED_STATUSES = (301, 308)  # a move for good, when its Location is there
# The body handed to the archive is decoded, so these no longer describe it.
_BODY_FRAMING = {"content-encoding", "transfer-encoding", "content-length"}


class WarcImportError(ArchiveError):
    """A WARC file that cannot be read (not a WARC, or compressed as one gzip stream)."""


@dataclass(frozen=True)
class Capture:
    """Where one response or revisit record is, and what its headers say (no body read yet)."""

    path: str
    offset: int
    order: int
    rec_type: str
    url: str
    date: str
    when: datetime
    status: int | None
    mime: str
    digest: str | None
    profile: str
    refers_uri: str | None
    refers_date: str | None
    location: str | None = None  # a redirect's Location

    def sort_key(self) -> tuple:
        """Capture time first (any WARC-Date precision), then file order."""
        return (self.when, self.order)


def _mime(http_headers: Any) -> str:
    value = http_headers.get_header("Content-Type") if http_headers else None
    return (value or "").split(";", 1)[0].strip().lower()


def _status(http_headers: Any) -> int | None:
    try:
        return int(http_headers.get_statuscode()) if http_headers else None
    except (TypeError, ValueError):
        return None


def _check_format(path: str | Path) -> None:
    """Refuse a file that does not start like a WARC (or ARC), before warcio guesses at it."""
    with open(path, "rb") as fh:
        head = fh.read(65536)
    if head[:2] == b"\x1f\x8b":
        try:
            head = zlib.decompressobj(wbits=31).decompress(head, 64)
        except zlib.error:
            head = b""
    if not head.startswith((b"WARC/", b"filedesc://")):
        raise WarcImportError(f"{path}: not a readable WARC (it does not start with a WARC/ record header)")


def scan(paths: Iterable[str | Path]) -> tuple[list[Capture], Counter, int]:
    """Index every record of the files: (response/revisit captures, skipped counts by kind, records read)."""
    captures: list[Capture] = []
    skipped: Counter = Counter()
    records = 0
    for path in paths:
        _check_format(path)
        try:
            with open(path, "rb") as fh:
                iterator = ArchiveIterator(fh, arc2warc=True)
                for record in iterator:
                    records += 1
                    headers = record.rec_headers
                    url = headers.get_header("WARC-Target-URI") or ""
                    if record.rec_type not in ("response", "revisit"):
                        skipped[record.rec_type] += 1
                        continue
                    if not url.startswith(("http:", "https:")):
                        skipped[f"{record.rec_type} (not HTTP)"] += 1  # e.g. Heritrix's dns: records
                        continue
                    date = headers.get_header("WARC-Date") or ""
                    when = parse_warc_date(date)
                    if when is None:
                        skipped[f"{record.rec_type} (no valid WARC-Date)"] += 1
                        continue
                    captures.append(Capture(
                        path=str(path), offset=iterator.get_record_offset(), order=len(captures),
                        rec_type=record.rec_type, url=url, date=date, when=when,
                        status=_status(record.http_headers), mime=_mime(record.http_headers),
                        digest=headers.get_header("WARC-Payload-Digest"),
                        profile=headers.get_header("WARC-Profile") or "",
                        refers_uri=headers.get_header("WARC-Refers-To-Target-URI"),
                        refers_date=headers.get_header("WARC-Refers-To-Date"),
                        location=record.http_headers.get_header("Location") if record.http_headers else None))
        except (ArchiveLoadFailed, StatusAndHeadersParserException, EOFError, zlib.error, ValueError) as exc:
            text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            reason = text.encode("ascii", "replace").decode()[:100]
            hint = ("; if it is one gzip stream, run `warcio recompress` on it first"
                    if "non-chunked gzip" in text else "")
            raise WarcImportError(f"{path}: not a readable WARC after {records} records ({reason}){hint}") from None
    return captures, skipped, records


class _Bodies:
    """Reads one record's decoded HTTP body and headers by file offset, keeping files open."""

    def __init__(self) -> None:
        self._files: dict[str, BinaryIO] = {}

    def read(self, capture: Capture) -> tuple[bytes, dict[str, str]]:
        fh = self._files.get(capture.path)
        if fh is None:
            fh = self._files[capture.path] = open(capture.path, "rb")
        fh.seek(capture.offset)
        record = next(iter(ArchiveIterator(fh, arc2warc=True)))
        if truncated := record.rec_headers.get_header("WARC-Truncated"):
            raise Cut(f"WARC-Truncated: {truncated}")
        http = record.http_headers
        chunked = bool(http) and "chunked" in (http.get_header("Transfer-Encoding") or "").lower()
        body = decoded(read_payload(record.raw_stream, chunked), http.get_header("Content-Encoding") if http else None)
        headers = {k: v for k, v in (http.headers if http else []) if k.lower() not in _BODY_FRAMING}
        return body, headers

    def close(self) -> None:
        for fh in self._files.values():
            fh.close()


def _looks_html(mime: str, body: bytes) -> bool:
    if mime:
        return mime in HTML_TYPES
    head = body[:1024].lstrip().lower()
    return head.startswith(b"<!doctype html") or head.startswith(b"<html")


class _Resolver:
    """Finds the capture holding a revisit's payload: by Refers-To URI and date, else by payload digest."""

    def __init__(self, captures: list[Capture]) -> None:
        self.by_uri_date: dict[tuple[str, str], Capture] = {}
        self.by_digest: dict[str, Capture] = {}
        for c in captures:
            if c.rec_type == "response":
                self.by_uri_date.setdefault((c.url, archive_time(c.date)), c)
                if c.digest:
                    self.by_digest.setdefault(c.digest, c)

    def original(self, revisit: Capture) -> Capture | None:
        """The response record a revisit points at, if it is in the files being imported."""
        if revisit.refers_uri and parse_warc_date(revisit.refers_date):
            found = self.by_uri_date.get((revisit.refers_uri, archive_time(revisit.refers_date or "")))
            if found:
                return found
        return self.by_digest.get(revisit.digest or "")


@dataclass
class _Step:
    """What to do with one capture: decided without the archive, then parsed (maybe in a pool), then applied."""

    capture: Capture
    kind: str  # "page", "gone", "not_modified", or the reason it is skipped
    source: Capture | None = None  # the record holding the payload (the capture, or a revisit's original)
    not_modified: bool = False  # a 304 revisit: an unchanged fetch if the URL is archived by then
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    record: dict | None = None
    error: str | None = None


def _plan(capture: Capture, resolver: _Resolver) -> _Step:
    """Classify a capture by its headers alone (revisits resolved to their original)."""
    source, not_modified = capture, False
    if capture.rec_type == "revisit":
        not_modified = capture.status == 304 or capture.profile == NOT_MODIFIED_PROFILE \
            or capture.profile.endswith("/server-not-modified")
        original = resolver.original(capture)
        if original is None:
            return _Step(capture, "not_modified" if not_modified else "revisit (original not in these files)",
                         not_modified=not_modified)
        source = original
    if source.status in GONE_STATUSES:
        return _Step(capture, "gone", source)
    if source.status in MOVED_STATUSES and source.location:
        return _Step(capture, "moved", source)
    if source.status != 200:
        return _Step(capture, f"response {source.status}")
    if source.mime and source.mime not in HTML_TYPES:
        return _Step(capture, "response (not HTML)")
    return _Step(capture, "page", source, not_modified)


def _safe_parse(parse_fn: ParseFn, body: bytes, url: str,
                headers: dict[str, str]) -> tuple[dict | None, str | None]:
    """parse_fn in a worker: (record, None), or (None, error) so one parser bug cannot stop the import."""
    try:
        return parse_fn(body, url, headers), None
    except Exception as exc:
        return None, f"parse failed: {type(exc).__name__}: {exc}"


def _parse_batch(steps: list[_Step], archive: Archive, bodies: _Bodies, parse_fn: ParseFn,
                 pool: ProcessPoolExecutor | None) -> None:
    """Read and parse the batch's pages (in order; in the pool when there is one)."""
    jobs = []
    for step in steps:
        if step.kind != "page":
            continue
        if step.not_modified and archive.is_archived(step.capture.url):
            step.kind = "not_modified"  # archived already: stays so, no need to parse
            continue
        assert step.source is not None
        try:
            step.body, step.headers = bodies.read(step.source)
        except Cut:  # (as the crawler holds back a cut download: it would be a version the page never had)
            step.kind = "payload cut short (not archived)"
            continue
        except (ArchiveLoadFailed, StatusAndHeadersParserException, EOFError, zlib.error, ValueError,
                StopIteration):
            step.kind = "unreadable record (truncated file?)"
            continue
        if not _looks_html(step.source.mime, step.body):
            step.kind = "response (not HTML)"
            continue
        jobs.append(step)
    args = ([parse_fn] * len(jobs), [s.body for s in jobs], [s.capture.url for s in jobs],
            [s.headers for s in jobs])
    results = pool.map(_safe_parse, *args) if pool and len(jobs) > 1 else map(_safe_parse, *args)
    for step, (record, error) in zip(jobs, results):
        step.record, step.error = record, error


def _older_than_history(archive: Archive, at: str, *urls: str) -> bool:
    """True when an article reached by one of `urls` was last seen (or went) at `at` or after.

    History is a sequence in time: storing an older capture after newer ones would make it the
    current version. So an import only adds captures newer than what the archive holds (which
    also makes re-running an interrupted import harmless).
    """
    for url in urls:
        article_id = article_for_url(archive.conn, url) if url else None
        if article_id is not None:
            # (a capture at the time the archive last heard of it is that one, imported before: a gone
            # article was last heard of when it went)
            newest = archive.conn.execute("SELECT max(coalesce(last_seen, ''), coalesce(gone_at, '')) FROM articles"
                                          " WHERE id = ?", (article_id,)).fetchone()[0]
            if newest and at <= newest:
                return True
    return False


def _apply(archive: Archive, crawl_id: int, step: _Step, wanted: set[str] | None) -> str:
    """Archive one planned capture, in capture-time order; returns its outcome or why it was skipped."""
    url, at = step.capture.url, archive_time(step.capture.date)
    record_url = str((step.record or {}).get("url") or "")
    if step.kind in ("page", "gone", "moved", "not_modified") and _older_than_history(archive, at, url, record_url):
        return "older than the archive's history"
    if step.not_modified and archive.is_archived(url):
        return archive.not_modified(crawl_id, url, None, fetched_at=at)
    if step.kind == "not_modified":
        return "revisit (original not in these files)"
    if step.kind == "gone":
        assert step.source is not None
        if not archive.is_archived(url):
            return f"response {step.source.status} (not archived)"
        return archive.gone(crawl_id, url, step.source.status or 404, fetched_at=at)
    if step.kind == "moved":  # as the crawler records a move for good (one hop: a WARC holds no chain)
        assert step.source is not None and step.source.location
        if not archive.is_archived(url):
            return f"response {step.source.status} (not archived)"
        target = urljoin(url, step.source.location.strip())
        return archive.moved(crawl_id, url, target, step.source.status or 301, fetched_at=at)
    if step.kind != "page":
        return step.kind
    if step.record is None:
        archive.error(crawl_id, url, 200, step.error or "parse failed", fetched_at=at)
        return "parse failed"
    record = step.record
    # As the crawler does: summary pages, and anything archived before whatever it is now.
    if wanted is not None and record.get("page_type") not in wanted \
            and not archive.is_archived(record_url) and not archive.is_archived(url):
        return f"page_type {record.get('page_type')}"
    return archive.store(crawl_id, url, record, step.body, step.headers, 200, fetched_at=at)


def import_warc(paths: list[str | Path], db: str | Path, parse_fn: ParseFn, *,
                page_types: Iterable[str] | None = ("summary",), version_related: bool = False,
                workers: int | None = None, progress: Callable[[int, int], None] | None = None,
                parser_version: str | None = None) -> dict[str, Any]:
    """Archive the HTML pages of WARC files at their capture times, oldest first, as one crawls row.

    `parse_fn(body, url, headers)` returns the record (a picklable function: with `workers` > 1,
    the default being the CPU count, batches of pages are parsed in a process pool while stores stay
    in capture order). Pages whose page_type is not in `page_types` (None: all) are skipped unless
    archived before. Returns the summary: records read, outcomes, skipped counts by kind.
    """
    captures, skipped, records = scan(paths)
    captures.sort(key=Capture.sort_key)
    resolver = _Resolver(captures)
    wanted = set(page_types) if page_types is not None else None
    workers = workers or os.cpu_count() or 1
    outcomes: Counter = Counter()
    bodies = _Bodies()
    archive = Archive(db, version_related=version_related, count_each_fetch=True, parser_version=parser_version)
    crawl_id = archive.start_crawl([Path(p).name for p in paths])
    pool = ProcessPoolExecutor(max_workers=workers) if workers > 1 and len(captures) > BATCH else None
    status, done = "failed", 0
    try:
        for start in range(0, len(captures), BATCH):  # bounded: memory stays flat on any WARC size
            steps = [_plan(c, resolver) for c in captures[start:start + BATCH]]
            _parse_batch(steps, archive, bodies, parse_fn, pool)
            for step in steps:
                kind = _apply(archive, crawl_id, step, wanted)
                (outcomes if kind in STORED else skipped)[kind] += 1
                done += 1
                if progress:
                    progress(done, len(captures))
        status = "finished"
    except KeyboardInterrupt:
        status = "interrupted"
        raise
    finally:
        if pool is not None:
            pool.shutdown(wait=status == "finished", cancel_futures=True)
        bodies.close()
        archive.finish_crawl(crawl_id, status=status)
        archive.close()
    return {"crawl_id": crawl_id, "files": len(paths), "records": records,
            "stored": {k: outcomes.get(k, 0) for k in STORED}, "skipped": dict(sorted(skipped.items()))}
