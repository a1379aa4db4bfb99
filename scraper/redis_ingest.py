"""The single archive writer of a distributed crawl: reads the workers' stream, stores, acknowledges.

Each stream entry (a fetched page with its record, or a 304/gone/error event) is stored in its own
Archive transaction and acknowledged (XACK, then deleted) only after that commit, through a Redis
Stream consumer group: a writer killed between the two gets the entry again from its pending list on
restart. A URL is stored at most once per crawl (a set of stored URLs in Redis, and for re-delivered
entries a look in the archive itself), so a re-delivered entry or a page re-fetched after its worker
died does not count twice. The writer also publishes what the workers cannot read from SQLite: every
archived URL's validators (for conditional requests) and the crawl's counters.
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from collections.abc import Callable
from typing import TextIO

import redis

from archive import Archive
from scraper.redis_frontier import Frontier, Keys, pack_page_links

OUTAGE_S = 60.0  # how long the writer waits for Redis to answer again (a restart) before it stops


class RedisGone(Exception):
    """Redis stopped answering mid-crawl and did not come back in time."""

GROUP = "ingest"
_RECORD_KINDS = ("page", "not_modified")
_FOLLOWED_KINDS = ("page", "not_modified", "links")


class IngestError(Exception):
    """The Redis side of the crawl is not usable (another archive's crawl, no crawl to join)."""


def _text(value: bytes | str | None) -> str | None:
    return value.decode() if isinstance(value, bytes) else value


class Ingest:
    """Consumes the ingest stream into one Archive; see the module docstring."""

    def __init__(self, server: redis.Redis, archive: Archive, keys: Keys = Keys(), consumer: str = "writer",
                 batch: int = 100, claim_idle_ms: int = 60_000) -> None:
        self.server = server
        self.archive = archive
        self.keys = keys
        self.consumer = consumer
        self.batch = batch
        self.claim_idle_ms = claim_idle_ms
        self.frontier = Frontier(server, keys)
        self.outcomes: Counter[str] = Counter()
        self.crawl_id: int | None = None
        self.outage_s = OUTAGE_S
        self.outage_poll_s = 0.5
        self._backlog = True  # first read this consumer's pending entries (a previous run's)
        try:
            server.xgroup_create(keys.stream, GROUP, id="0", mkstream=True)
        except redis.ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise

    # -- the crawl ------------------------------------------------------------------------------

    def crawl_state(self) -> dict[str, str]:
        """The crawl hash in Redis (empty when no crawl is open)."""
        return {_text(k): _text(v) for k, v in self.server.hgetall(self.keys.crawl).items()}  # type: ignore[misc]

    def open_crawl(self, start_urls: list[str]) -> tuple[int, bool]:
        """Open a new crawl (fresh frontier) or continue the unfinished one of this archive; returns
        (crawl id, resumed). IngestError if Redis holds an unfinished crawl of another archive."""
        db = str(self.archive.path.resolve())
        state = self.crawl_state()
        if state:
            if state.get("db") != db:
                raise IngestError(f"Redis holds unfinished crawl {state.get('id')} of another archive "
                                  f"({state.get('db')}); use another Redis database")
            crawl_id, resumed = int(state["id"]), True
            self.archive.resume_crawl(crawl_id)
        else:
            crawl_id, resumed = self.archive.start_crawl(start_urls), False
            self.frontier.reset()
        self.publish_validators()
        if not resumed:
            self.server.hset(self.keys.crawl, mapping={"id": crawl_id, "state": "running", "db": db,
                                                       "start_urls": json.dumps(start_urls)})
        self.crawl_id = crawl_id
        self.publish_counts()
        return crawl_id, resumed

    def join_crawl(self) -> int | None:
        """The crawl open in Redis, if it belongs to this archive (IngestError if another's)."""
        state = self.crawl_state()
        if not state:
            return None
        if state.get("db") != str(self.archive.path.resolve()):
            raise IngestError(f"Redis holds crawl {state.get('id')} of another archive ({state.get('db')})")
        self.crawl_id = int(state["id"])
        self.publish_validators()
        return self.crawl_id

    def finish_crawl(self, status: str, complete_hosts: list[str] | None, note: str | None = None) -> dict:
        """Close the crawls row (marking unseen articles gone when complete, else saying why not in its
        note) and the Redis crawl."""
        assert self.crawl_id is not None
        counts = self.archive.finish_crawl(self.crawl_id, status=status, complete_hosts=complete_hosts, note=note)
        self.server.delete(self.keys.crawl, self.keys.ingested(self.crawl_id))
        self.publish_counts()
        return counts

    def publish_validators(self) -> int:
        """Every archived URL (article URLs and the URLs requested for them: the workers' is_archived),
        then every followed page's validators and links."""
        rows = self.archive.conn.execute(
            "SELECT url, etag, last_modified FROM articles UNION ALL"
            " SELECT u.url, a.etag, a.last_modified FROM urls u JOIN articles a ON a.id = u.article_id")
        count = 0
        with self.server.pipeline(transaction=False) as pipe:
            for url, etag, modified in rows:
                pipe.hset(self.keys.validators, url, json.dumps([etag, modified]))
                count += 1
                if count % 5000 == 0:
                    pipe.execute()
            pipe.execute()
        return count + self.publish_page_links()

    def publish_page_links(self, url: str | None = None) -> int:
        """Validators and remembered links of every followed page (or of `url` only), for the workers'
        conditional requests and for following an unchanged page's links."""
        conn, version, judgement = self.archive.conn, self.archive.links_version, self.archive.judgement
        sql = ("SELECT url, etag, last_modified, links FROM page_links WHERE (? IS NULL OR links_version = ?)"
               " AND (judgement IS NULL OR judgement IS ?) AND (etag IS NOT NULL OR last_modified IS NOT NULL)")
        params: tuple = (version, version, judgement)
        if url is not None:
            sql, params = sql + " AND url = ?", (*params, url)
        count = 0
        with self.server.pipeline(transaction=False) as pipe:
            # Rows whose validators were dropped since (a held page) must not be offered any more.
            if url is None:
                pipe.delete(self.keys.page_links)
            else:
                pipe.hdel(self.keys.page_links, url)
            for each, etag, modified, blob in conn.execute(sql, params):
                pipe.hset(self.keys.page_links, each, pack_page_links(etag, modified, blob))
                count += 1
                if count % 5000 == 0:
                    pipe.execute()
            pipe.execute()
        return count

    def publish_counts(self) -> None:
        """The crawl's counters, for the workers' progress lines."""
        if self.crawl_id is not None:
            self.server.hset(self.keys.counts, mapping=self.archive.crawl_counts(self.crawl_id))

    # -- the stream ----------------------------------------------------------------------------

    def backlog(self) -> int:
        """Entries not yet stored (acknowledged entries are deleted)."""
        return int(self.server.xlen(self.keys.stream))

    def _read(self, block_ms: int) -> tuple[list[tuple[bytes, dict]], bool]:
        if self._backlog:
            reply = self.server.xreadgroup(GROUP, self.consumer, {self.keys.stream: "0"}, count=self.batch)
            entries = reply[0][1] if reply else []
            if entries:
                return entries, True
            self._backlog = False
            # Entries another (dead) writer took and never acknowledged.
            claimed = self.server.xautoclaim(self.keys.stream, GROUP, self.consumer,
                                             min_idle_time=self.claim_idle_ms, count=self.batch)
            if claimed[1]:
                return claimed[1], True
        reply = self.server.xreadgroup(GROUP, self.consumer, {self.keys.stream: ">"}, count=self.batch,
                                       block=block_ms)
        return (reply[0][1] if reply else []), False

    def step(self, block_ms: int = 500) -> int:
        """Store one batch of entries (waiting up to block_ms for some); returns how many."""
        entries, redelivered = self._read(block_ms)
        for entry_id, fields in entries:
            if not fields:  # deleted while pending: nothing to store
                self.server.xack(self.keys.stream, GROUP, entry_id)
                continue
            self.outcomes[self._store(entry_id, fields, redelivered)] += 1
        return len(entries)

    def _store(self, entry_id: bytes, fields: dict[bytes, bytes], redelivered: bool) -> str:
        value = {_text(k): v for k, v in fields.items()}
        kind, url = _text(value["kind"]), _text(value["url"])
        crawl_id = int(value["crawl_id"])
        status = json.loads(value["status"]) if "status" in value else None
        at = _text(value.get("fetched_at"))
        ingested = self.keys.ingested(crawl_id)
        # A move follows the fetch that said so, under the same URL (a page served under another's
        # canonical URL): it is its own entry, and applying it twice changes nothing.
        member = f"moved\t{url}" if kind == "moved" else url
        if self.server.sismember(ingested, member) or (redelivered and kind != "moved" and self._stored(crawl_id, url)):
            outcome = "duplicate"
        elif kind == "moved":
            outcome = self.archive.moved(crawl_id, url, _text(value["target"]) or "", status or 301, fetched_at=at,
                                         fetch_counted=bool(json.loads(value.get("fetch_counted") or "false")))
        elif kind == "page":
            record = json.loads(value["record"])
            links = json.loads(value["links"]) if "links" in value else None
            claim = self.archive.canonical_claim(url, record["url"], record) if record.get("url") not in (None, url) else "store"
            if claim == "own":  # (see ArchivePipeline)
                record = {**record, "url": url}
            if claim == "copy":
                self.archive.remember_links(crawl_id, url, links or [], json.loads(value["headers"]), fetched_at=at,
                                            canonical=record["url"])
                outcome = "skipped"
            else:
                outcome = self.archive.store(crawl_id, url, record, value["body"], json.loads(value["headers"]),
                                             http_status=status or 200, fetched_at=at, links=links)
        elif kind == "links":
            canonical = _text(value.get("canonical"))
            self.archive.remember_links(crawl_id, url, json.loads(value["links"]), json.loads(value["headers"]),
                                        fetched_at=at, canonical=canonical)
            outcome = "skipped"
        elif kind == "not_modified":
            outcome = self.archive.not_modified(crawl_id, url, json.loads(value["headers"]), fetched_at=at)
        elif kind == "gone":
            outcome = self.archive.gone(crawl_id, url, status, fetched_at=at, why=_text(value.get("error")))
        else:
            self.archive.error(crawl_id, url, status, _text(value.get("error")) or "error", fetched_at=at,
                               transient=bool(json.loads(value.get("transient") or "false")))
            outcome = "error"
        with self.server.pipeline() as pipe:
            if outcome != "duplicate":
                pipe.sadd(ingested, member)
                if kind in _RECORD_KINDS:
                    urls = {url, json.loads(value["record"]).get("url") if kind == "page" else url}
                    for each in filter(None, urls):
                        pipe.hset(self.keys.validators, each, json.dumps(list(self.archive.validators(each))))
            pipe.xack(self.keys.stream, GROUP, entry_id)
            pipe.xdel(self.keys.stream, entry_id)
            pipe.execute()
        if outcome != "duplicate" and kind in _FOLLOWED_KINDS:
            self.publish_page_links(url)
            canonical = json.loads(value["record"]).get("url") if kind == "page" else _text(value.get("canonical"))
            if canonical and canonical != url:
                self.publish_page_links(canonical)
        return outcome

    def _stored(self, crawl_id: int, url: str) -> bool:
        """True when this crawl already logged a fetch or an error for url (a re-delivered entry)."""
        conn = self.archive.conn
        return bool(conn.execute(
            "SELECT 1 FROM fetch_log f JOIN urls u ON u.id = f.url_id WHERE f.crawl_id = ? AND u.url = ?"
            " UNION ALL SELECT 1 FROM fetch_errors WHERE crawl_id = ? AND url = ? LIMIT 1",
            (crawl_id, url, crawl_id, url)).fetchone())

    # -- running -------------------------------------------------------------------------------

    def run(self, until: Callable[[], bool], progress: TextIO | None = sys.stderr,
            interval: float = 5.0, stop: Callable[[], bool] = lambda: False) -> None:
        """Store entries until `until()` is true with nothing left in the stream (or at once after the
        batch in hand when `stop()` is); progress every `interval` seconds; dead workers' requests
        are re-queued on the way."""
        started = last = time.monotonic()
        while not stop():
            try:
                stored = self.step()
                now = time.monotonic()
                if now - last >= 1.0 or not stored:
                    self.publish_counts()
                    self.frontier.recover_dead()
                if progress is not None and interval > 0 and now - last >= interval:
                    last = now
                    self.report(progress, now - started)
                if not stored and until() and self.backlog() == 0:
                    return
            except (redis.ConnectionError, redis.TimeoutError) as exc:
                self._ride_out(exc, progress, stop)

    def _ride_out(self, exc: Exception, progress: TextIO | None, stop: Callable[[], bool]) -> None:
        """Wait up to `outage_s` for Redis to answer again (a restart); then the crawl goes on, marked so
        that it marks nothing gone (requests a restart lost are not asked: the next crawl finds their
        pages). RedisGone if it does not come back: the crawl stays open for the same command."""
        if progress is not None:
            print(f"Redis went away ({exc}); waiting up to {self.outage_s:.0f} s for it", file=progress, flush=True)
        deadline = time.monotonic() + self.outage_s
        while time.monotonic() < deadline and not stop():
            time.sleep(self.outage_poll_s)
            try:
                self.server.ping()
                if self.server.exists(self.keys.crawl):  # (a Redis restarted empty has no crawl to mark)
                    self.server.hset(self.keys.crawl, "unsure", 1)
            except (redis.ConnectionError, redis.TimeoutError):
                continue
            if progress is not None:
                print("Redis answers again; this crawl will mark nothing gone (requests may have been lost)",
                      file=progress, flush=True)
            return
        raise RedisGone(f"Redis went away and did not answer for {self.outage_s:.0f} s ({exc}): the crawl stays open, "
                        "run the same command again when Redis is back")

    def report(self, out: TextIO, elapsed: float) -> None:
        """One progress line."""
        counts = self.archive.crawl_counts(self.crawl_id) if self.crawl_id else {}
        total = sum(n for k, n in self.outcomes.items() if k != "duplicate")
        workers = self.server.scard(self.keys.workers)
        queued = self.server.llen(self.keys.queue)
        outcomes = " ".join(f"{name} {counts.get(name, 0)}" for name in ("new", "changed", "unchanged", "gone", "errors"))
        print(f"[{int(elapsed) // 60}:{int(elapsed) % 60:02d}] {total} stored ({total / max(elapsed, 1e-9):.1f}/s),"
              f" {queued} queued, {workers} workers, backlog {self.backlog()} | {outcomes}", file=out, flush=True)
