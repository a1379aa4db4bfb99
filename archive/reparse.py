"""Today's parser over the stored snapshots: a record that comes out different becomes a new version."""

from __future__ import annotations

import json
import os
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from archive import snapshots
from archive.clock import normalise
from archive.content import content_hash, related_hash
from archive.crawls import site_of
from archive.related import update_cards
from archive.store import Archive
from archive.versions import prepare_version, write_version

ParseFn = Callable[..., dict]
BATCH = 32

# What a worker sends back for one article.
UNCHANGED, CHANGED, CARDS_ONLY, FAILED = "unchanged", "changed", "cards", "failed"


def _parse_one(parse_fn: ParseFn, version_related: bool, item: tuple) -> tuple:
    article_id, url, blob, encoding, headers, old_json, old_hash, old_related = item
    body = snapshots.decompress(blob, encoding)
    record = parse_fn(body, url, json.loads(headers) if headers else {})
    chash, rhash = content_hash(record, version_related), related_hash(record)
    cards = record if rhash != old_related else None
    if chash == old_hash:
        return (article_id, CARDS_ONLY if cards else UNCHANGED, chash, rhash, cards, None)
    old = json.loads(old_json) if old_json else {}
    return (article_id, CHANGED, chash, rhash, cards, prepare_version(record, old, version_related))


def _parse_batch(parse_fn: ParseFn, version_related: bool, items: list[tuple]) -> list[tuple]:
    """Worker: decompress, parse, hash, diff and serialise a batch, so the writer only writes."""
    out = []
    for item in items:
        try:
            out.append(_parse_one(parse_fn, version_related, item))
        except Exception as exc:  # a parser that raises must not stop the whole reparse
            out.append((item[0], FAILED, None, None, None, f"{type(exc).__name__}: {exc}"))
    return out


def _site_filter(archive: Archive, sites: Iterable[str] | None) -> tuple[str, list[str]]:
    """SQL condition (and its parameters) for articles on `sites` ('host' or 'host:port'); all when None."""
    if sites is None:
        return "1", []
    archive.conn.create_function("site_of", 1, site_of, deterministic=True)
    wanted = sorted({site.lower() for site in sites})
    return f"site_of(a.url) IN ({', '.join('?' * len(wanted))})", wanted


def _batches(archive: Archive, size: int, where: tuple[str, list[str]]) -> Iterator[list[tuple]]:
    """Articles with a stored snapshot, in id order, `size` at a time (keyset paging: no fetchall)."""
    last = 0
    condition, params = where
    while True:
        rows = archive.conn.execute(
            "SELECT a.id, a.url, s.body, s.encoding, s.headers, v.record, a.content_hash, a.related_hash"
            " FROM articles a JOIN snapshots s ON s.sha256 = a.snapshot_sha256"
            " LEFT JOIN versions v ON v.article_id = a.id AND v.version = a.current_version"
            f" WHERE a.id > ? AND {condition} ORDER BY a.id LIMIT ?", (last, *params, size)).fetchall()
        if not rows:
            return
        last = rows[-1][0]
        yield rows


def _apply(archive: Archive, results: list[tuple], totals: dict[str, int]) -> None:
    """One transaction per batch: new versions (cause 'reparse') for records whose content changed."""
    with archive.transaction() as conn:
        for article_id, outcome, chash, rhash, cards, prepared in results:
            if outcome == FAILED:
                totals["failed"] += 1
                continue
            # (the capture re-read: its bytes were first stored at s.fetched_at, but a page that went A, B, A
            # was captured again at the current version's time, which the re-reading must not go back before)
            state = conn.execute(
                "SELECT a.content_hash, a.current_version, a.snapshot_sha256, a.last_seen,"
                " max(coalesce(s.fetched_at, ''), coalesce(v.fetched_at, '')) FROM articles a"
                " LEFT JOIN snapshots s ON s.sha256 = a.snapshot_sha256"
                " LEFT JOIN versions v ON v.article_id = a.id AND v.version = a.current_version WHERE a.id = ?",
                (article_id,)).fetchone()
            if state is None:
                continue
            old_hash, version, sha, last_seen, captured = state
            seen_at = last_seen or normalise(None)
            if cards is not None:
                update_cards(conn, article_id, cards, seen_at)
                conn.execute("UPDATE articles SET related_hash = ? WHERE id = ?", (rhash, article_id))
            if outcome != CHANGED or chash == old_hash:
                totals["unchanged"] += 1
                continue
            write_version(conn, article_id, prepared, version=(version or 0) + 1, crawl_id=None,
                          fetched_at=captured or seen_at, cause="reparse", snapshot_sha256=sha, chash=chash)
            totals["changed"] += 1


def reparse(path: str | Path, parse_fn: ParseFn, *, workers: int | None = None,
            progress: Callable[[int, int], None] | None = None, version_related: bool = False,
            batch_size: int = BATCH, sites: Iterable[str] | None = None, parser_version: str | None = None) -> dict:
    """Re-run `parse_fn(body, url, headers)` over every article's latest snapshot (only those on
    `sites`, 'host' or 'host:port', when given: a profile fits one site); returns counts.

    Parsing runs in a process pool (workers=1 parses in this process); this process is the one
    writer. Each batch commits on its own, so an interrupted run keeps what it finished and a
    re-run finds those articles unchanged.
    """
    workers = workers or os.cpu_count() or 1
    totals = {"articles": 0, "changed": 0, "unchanged": 0, "failed": 0}
    with Archive(path, create=False, version_related=version_related, parser_version=parser_version) as archive:
        where = _site_filter(archive, sites)
        total = archive.conn.execute(
            f"SELECT count(*) FROM articles a JOIN snapshots s ON s.sha256 = a.snapshot_sha256 WHERE {where[0]}",
            where[1]).fetchone()[0]
        if progress:
            progress(0, total)

        def done(results: list[tuple]) -> None:
            _apply(archive, results, totals)
            totals["articles"] += len(results)
            if progress:
                progress(totals["articles"], total)

        if workers == 1:
            for batch in _batches(archive, batch_size, where):
                done(_parse_batch(parse_fn, version_related, batch))
            return totals
        pool = ProcessPoolExecutor(max_workers=workers)
        pending: set[Future[Any]] = set()
        try:
            for batch in _batches(archive, batch_size, where):
                pending.add(pool.submit(_parse_batch, parse_fn, version_related, batch))
                if len(pending) >= workers * 2:  # bounded: memory stays flat on any archive size
                    finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                    for future in finished:
                        done(future.result())
            while pending:
                finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    done(future.result())
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
    return totals
