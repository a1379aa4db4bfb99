"""The shared frontier of a distributed crawl in Redis: scrapy-redis's queue and seen-set, made reliable.

scrapy-redis pops a request and forgets it, so a worker killed mid-request would lose it. Here a pop
moves the request atomically into the worker's in-flight hash; the worker deletes it once Scrapy has
fully handled it (its links queued, its item pushed to the ingest stream). A worker whose heartbeat
key expires is dead: any worker (or the writer) moves its in-flight requests back to the queue.
Re-queueing beats a final sweep through the sitemap: it finishes exactly the lost pages, also those
only reachable by links, and costs no request in a crawl where nobody died.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import redis
from scrapy import Request
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import FifoQueue

SPIDER = "summaries"

# Lua runs atomically in Redis: a request is always in the queue or in exactly one in-flight hash.
_POP = """
local raw = redis.call('RPOP', KEYS[1])
if raw then redis.call('HSET', KEYS[2], ARGV[1], raw) end
return raw
"""
# RPUSH: back at the end the queue pops from, so recovered requests are retried first.
_REQUEUE = """
local values = redis.call('HVALS', KEYS[1])
for _, raw in ipairs(values) do redis.call('RPUSH', KEYS[2], raw) end
redis.call('DEL', KEYS[1])
redis.call('SREM', KEYS[3], ARGV[1])
redis.call('SREM', KEYS[4], ARGV[1])
return #values
"""
# Done: nothing queued, no worker still reading its start requests, nothing in flight anywhere.
_DONE = """
if redis.call('LLEN', KEYS[1]) > 0 then return 0 end
if redis.call('SCARD', KEYS[3]) > 0 then return 0 end
for _, worker in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  if redis.call('HLEN', ARGV[1] .. worker) > 0 then return 0 end
end
return 1
"""


@dataclass(frozen=True)
class Keys:
    """Redis key names of one crawl namespace (scrapy-redis's defaults for the queue and seen-set)."""

    spider: str = SPIDER

    @property
    def queue(self) -> str:
        return f"{self.spider}:requests"

    @property
    def dupefilter(self) -> str:
        return f"{self.spider}:dupefilter"

    def _own(self, name: str) -> str:
        return f"{self.spider}:archive:{name}"

    @property
    def crawl(self) -> str:
        """Hash: id, state (running|done), db, start_urls (JSON), limited."""
        return self._own("crawl")

    @property
    def workers(self) -> str:
        return self._own("workers")

    @property
    def starting(self) -> str:
        """Set of workers still reading their start requests."""
        return self._own("starting")

    def alive(self, worker: str) -> str:
        return self._own(f"alive:{worker}")

    @property
    def inflight_prefix(self) -> str:
        return self._own("inflight:")

    def inflight(self, worker: str) -> str:
        return self.inflight_prefix + worker

    @property
    def stream(self) -> str:
        """Stream of fetched pages and events for the single archive writer."""
        return self._own("pages")

    @property
    def validators(self) -> str:
        """Hash: URL -> JSON [etag, last_modified] of every archived URL (published by the writer)."""
        return self._own("validators")

    @property
    def page_links(self) -> str:
        """Hash: URL -> validators and remembered links of a followed page (see pack_page_links)."""
        return self._own("page_links")

    def ingested(self, crawl_id: int) -> str:
        """Set of URLs the writer stored in this crawl (drops a re-fetched duplicate)."""
        return self._own(f"ingested:{crawl_id}")

    @property
    def counts(self) -> str:
        return self._own("counts")


def pack_page_links(etag: str | None, last_modified: str | None, blob: bytes) -> bytes:
    """One page_links row for Redis: its validators as a JSON line, then its compressed links."""
    return json.dumps([etag, last_modified]).encode() + b"\n" + blob


def unpack_page_links(raw: bytes) -> tuple[str | None, str | None, bytes]:
    """(ETag, Last-Modified, compressed links) of a value written by pack_page_links."""
    head, _, blob = raw.partition(b"\n")
    etag, last_modified = json.loads(head)
    return etag or None, last_modified or None, blob


class Frontier:
    """The operations on the shared frontier that need more than one Redis command."""

    def __init__(self, server: redis.Redis, keys: Keys = Keys()) -> None:
        self.server = server
        self.keys = keys
        self._pop = server.register_script(_POP)
        self._requeue = server.register_script(_REQUEUE)
        self._done = server.register_script(_DONE)

    def pop(self, worker: str, token: str) -> bytes | None:
        """Take the next request, recording it in the worker's in-flight hash under token."""
        return self._pop(keys=[self.keys.queue, self.keys.inflight(worker)], args=[token])

    def requeue(self, worker: str) -> int:
        """Put a worker's in-flight requests back in the queue and forget the worker; returns how many."""
        k = self.keys
        return int(self._requeue(keys=[k.inflight(worker), k.queue, k.workers, k.starting], args=[worker]))

    def recover_dead(self) -> int:
        """Re-queue the in-flight requests of every worker whose heartbeat expired; returns how many."""
        recovered = 0
        for raw in self.server.smembers(self.keys.workers):
            worker = raw.decode() if isinstance(raw, bytes) else raw
            if not self.server.exists(self.keys.alive(worker)):
                recovered += self.requeue(worker)
        return recovered

    def done(self) -> bool:
        """True when no request is queued, starting or in flight, atomically (see _DONE)."""
        k = self.keys
        return bool(self._done(keys=[k.queue, k.workers, k.starting], args=[k.inflight_prefix]))

    def reset(self) -> None:
        """Forget the previous crawl's frontier (queue, seen-set, workers, in-flight requests)."""
        k = self.keys
        stale = [k.queue, k.dupefilter, k.workers, k.starting, k.counts]
        stale += list(self.server.scan_iter(match=k.inflight_prefix + "*"))
        stale += list(self.server.scan_iter(match=k.alive("*")))
        self.server.delete(*stale)


class ReliableQueue(FifoQueue):
    """scrapy-redis's FIFO queue (breadth-first), whose pop records the request as in flight."""

    def pop(self, timeout: int = 0) -> Request | None:
        """The next request, tagged with its in-flight token (meta "archive_token")."""
        from scraper.redis_worker import worker_for  # the worker owns the token bookkeeping

        worker = worker_for(self.spider.crawler)
        token = worker.next_token()
        data = worker.frontier.pop(worker.id, token)
        if data is None:
            return None
        request = self._decode_request(data)
        request.meta["archive_token"] = token
        worker.popped.add(token)
        return request


class CanonicalRedisDupeFilter(RFPDupeFilter):
    """scrapy-redis's seen-set, keyed by the crawler's REQUEST_FINGERPRINTER (the project's canonical
    URL) instead of scrapy-redis's own fingerprint, and letting a same-canonical redirect hop through
    like scraper.canonical.CanonicalDupeFilter."""

    fingerprinter: Any = None

    @classmethod
    def from_spider(cls, spider: Any) -> CanonicalRedisDupeFilter:
        """scrapy-redis builds its dupefilter here; keep the crawler's fingerprinter."""
        dupefilter = super().from_spider(spider)
        dupefilter.fingerprinter = spider.crawler.request_fingerprinter
        return dupefilter

    def request_fingerprint(self, request: Request) -> str:
        """The project's canonical fingerprint, hex."""
        return self.fingerprinter.fingerprint(request).hex()

    def request_seen(self, request: Request) -> bool:
        """Seen before, unless it is a redirect hop to the same canonical URL (/a/ -> /a)."""
        hops = request.meta.get("redirect_urls")
        if hops and self.request_fingerprint(request.replace(url=hops[-1])) == self.request_fingerprint(request):
            return False
        return super().request_seen(request)
