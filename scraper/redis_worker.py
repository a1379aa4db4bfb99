"""One worker of a distributed crawl (ARCHIVE_REDIS_URL set): frontier in Redis, pages to the writer.

The `RedisMode` add-on (scraper.redis_addon) switches a normal crawl to scrapy-redis's Scheduler with the reliable queue and
canonical seen-set of scraper.redis_frontier, and installs the crawl session with `RedisArchive` in
place of the SQLite archive: the pipeline, the conditional-request middleware and the crawl recorder
then work unchanged, their writes going to the ingest stream and their look-ups to the writer's
validators hash. `RedisWorker` keeps the worker registered (heartbeat), frees finished in-flight
requests, recovers dead workers, holds the spider open until the whole crawl is done, and pauses
downloading while the writer is behind.
"""

from __future__ import annotations

import itertools
import json
import logging
import os
import socket
import time
import uuid
import weakref
from collections.abc import AsyncIterator, Mapping
from typing import Any

import redis
from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider, DontCloseSpider, NotConfigured

from archive import ArchiveError, page_links
from parsers.profile import load_profile
from scraper.redis_frontier import Frontier, Keys, unpack_page_links
from scraper.scope import Scope
from scraper.session import _SESSIONS, CrawlSession, parse_since, start_urls_of

logger = logging.getLogger(__name__)

_WORKERS: weakref.WeakKeyDictionary[Crawler, Worker] = weakref.WeakKeyDictionary()


def connect(url: str) -> redis.Redis:
    """A Redis client (bytes replies) for a redis:// URL."""
    return redis.Redis.from_url(url, socket_timeout=30, socket_connect_timeout=10, retry_on_timeout=True)


class RedisUnreachable(Exception):
    """ARCHIVE_REDIS_URL does not answer."""


class RedisArchive:
    """What the crawl components call on the archive, for a worker that cannot open it: writes go to
    the ingest stream (returning 'queued'), look-ups to the validators hash the writer publishes."""

    def __init__(self, server: redis.Redis, keys: Keys = Keys()) -> None:
        self.server = server
        self.keys = keys
        self.crawl_id: int | None = None  # resolved by RedisWorker.spider_opened

    def _crawl_id(self) -> int:
        if self.crawl_id is None:
            raise ArchiveError("no distributed crawl is running in Redis (start `summary-archive ingest`)")
        return self.crawl_id

    def start_crawl(self, start_urls: list[str]) -> int:
        """The running crawl this worker joined (the writer or coordinator created its row)."""
        return self._crawl_id()

    def resume_crawl(self, crawl_id: int) -> None:
        """Nothing to do: the running crawl was checked against ARCHIVE_CRAWL_ID on joining."""
        self._crawl_id()

    def finish_crawl(self, crawl_id: int, status: str = "finished",
                     complete_hosts: list[str] | None = None, note: str | None = None) -> dict:
        """The writer finishes the crawls row (and its note); a worker only reports the counts so far."""
        return self.crawl_counts(crawl_id)

    def crawl_status(self, crawl_id: int) -> str | None:
        """'running' for the crawl this worker joined (the writer owns the real status)."""
        return "running" if crawl_id == self.crawl_id else None

    def crawl_counts(self, crawl_id: int) -> dict:
        """The counters the writer last published."""
        raw = self.server.hgetall(self.keys.counts)
        return {k.decode(): int(v) for k, v in raw.items()}

    def validators(self, url: str) -> tuple[str | None, str | None]:
        """(ETag, Last-Modified) of a followed page whose links are remembered, from the writer's hash."""
        raw = self.server.hget(self.keys.page_links, url)
        return unpack_page_links(raw)[:2] if raw is not None else (None, None)

    def links(self, url: str) -> list[str] | None:
        """The links the writer remembered for a followed page."""
        raw = self.server.hget(self.keys.page_links, url)
        return page_links.decode(unpack_page_links(raw)[2]) if raw is not None else None

    def is_archived(self, url: str) -> bool:
        """True when the writer published this URL as archived."""
        return bool(self.server.hexists(self.keys.validators, url))

    def read_at(self, url: str) -> str | None:
        """None: a worker cannot tell (a 404 there is the writer's to judge)."""
        return None

    def holds_text(self, url: str, record: dict) -> bool:
        """False: a worker cannot tell (a page linked with a parameter stays under its own URL)."""
        return False

    def canonical_claim(self, url: str, canonical: str, record: dict) -> str:
        """'store': a worker cannot tell; the writer asks the archive before storing (see redis_ingest)."""
        return "store"

    def _push(self, **fields: Any) -> str:
        entry = {name: value if isinstance(value, (bytes, str)) else json.dumps(value)
                 for name, value in fields.items() if value is not None}
        self.server.xadd(self.keys.stream, entry)
        return "queued"

    def store(self, crawl_id: int, url: str, record: dict, body: bytes | str, headers: Mapping[str, str],
              http_status: int = 200, fetched_at: str | None = None, cause: str = "source",
              links: list[str] | None = None) -> str:
        """Queue a fetched page (record, body, headers, links) for the writer."""
        return self._push(kind="page", crawl_id=crawl_id, url=url, record=record, body=body,
                          headers=dict(headers or {}), status=http_status, fetched_at=fetched_at, links=links)

    def remember_links(self, crawl_id: int, url: str, links: list[str], headers: Mapping[str, str] | None,
                       fetched_at: str | None = None, canonical: str | None = None) -> None:
        """Queue the links of a page followed but not archived."""
        self._push(kind="links", crawl_id=crawl_id, url=url, links=links, headers=dict(headers or {}),
                   status=200, fetched_at=fetched_at, canonical=canonical)

    def not_modified(self, crawl_id: int, url: str, headers: Mapping[str, str] | None = None,
                     fetched_at: str | None = None) -> str:
        """Queue a 304."""
        return self._push(kind="not_modified", crawl_id=crawl_id, url=url, headers=dict(headers or {}),
                          status=304, fetched_at=fetched_at)

    def gone(self, crawl_id: int, url: str, http_status: int, fetched_at: str | None = None,
             why: str | None = None) -> str:
        """Queue a 404/410 (or a page saying "not found", `why`)."""
        return self._push(kind="gone", crawl_id=crawl_id, url=url, status=http_status, fetched_at=fetched_at,
                          error=why)

    def moved(self, crawl_id: int, url: str, target: str, http_status: int, fetched_at: str | None = None,
              fetch_counted: bool = False) -> str:
        """Queue a move for good of the article at `url` to `target`."""
        return self._push(kind="moved", crawl_id=crawl_id, url=url, target=target, status=http_status,
                          fetched_at=fetched_at, fetch_counted=fetch_counted)

    def error(self, crawl_id: int, url: str, http_status: int | None, error: str,
              fetched_at: str | None = None, transient: bool = False) -> None:
        """Queue a failed fetch."""
        self._push(kind="error", crawl_id=crawl_id, url=url, status=http_status, error=error,
                   fetched_at=fetched_at, transient=transient)

    def close(self) -> None:
        """Close the Redis connection."""
        self.server.close()


class Worker:
    """This process's identity in the crawl and the tokens of the requests it holds in flight."""

    def __init__(self, server: redis.Redis, keys: Keys = Keys()) -> None:
        self.id = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.server = server
        self.keys = keys
        self.frontier = Frontier(server, keys)
        self.popped: set[str] = set()
        self._tokens = itertools.count()

    def next_token(self) -> str:
        """A token for the next popped request, unique across workers."""
        return f"{self.id}:{next(self._tokens)}"


def worker_for(crawler: Crawler) -> Worker:
    """The crawler's Worker, made on first use from ARCHIVE_REDIS_URL."""
    worker = _WORKERS.get(crawler)
    if worker is None:
        worker = Worker(connect(crawler.settings["ARCHIVE_REDIS_URL"]))
        _WORKERS[crawler] = worker
    return worker


def _install_session(crawler: Crawler, archive: RedisArchive) -> CrawlSession:
    """The crawl session of scraper.session, with the Redis archive (a worker has no ARCHIVE_DB)."""
    settings = crawler.settings
    profile = load_profile(settings.get("ARCHIVE_PROFILE") or None)
    start_urls = start_urls_of(getattr(crawler.spider, "start_urls", None)) or start_urls_of(
        settings.get("ARCHIVE_START_URLS")) or list(profile.start_urls)
    session = CrawlSession(
        archive=archive,  # type: ignore[arg-type]  # duck-typed: the methods the crawl calls
        profile=profile, start_urls=start_urls, scope=Scope.build(start_urls, profile.allowed_hosts),
        since=parse_since(settings.get("ARCHIVE_SINCE")), max_pages=settings.getint("ARCHIVE_MAX_PAGES", 0),
        depth=settings.getint("DEPTH_LIMIT", 0), parse=settings.getbool("ARCHIVE_PARSE", True))
    _SESSIONS[crawler] = session
    return session


class RedisWorker:
    """Extension (installed by RedisMode, before CrawlRecorder): joins the running crawl, heartbeats,
    frees finished in-flight requests, recovers dead workers, keeps the spider open until the crawl is
    done, and pauses while the ingest stream is over ARCHIVE_REDIS_MAX_BACKLOG entries."""

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.worker = worker_for(crawler)
        self.keys = self.worker.keys
        self.server = self.worker.server
        try:
            self.server.ping()
        except redis.RedisError as exc:
            raise RedisUnreachable(f"cannot reach Redis at {settings['ARCHIVE_REDIS_URL']}: {exc}") from None
        self.archive = RedisArchive(connect(settings["ARCHIVE_REDIS_URL"]), self.keys)
        self.session = _install_session(crawler, self.archive)
        self.wait = settings.getfloat("ARCHIVE_REDIS_WAIT", 60.0)
        self.beat = settings.getfloat("ARCHIVE_REDIS_HEARTBEAT", 1.0)
        self.timeout = max(settings.getfloat("ARCHIVE_REDIS_WORKER_TIMEOUT", 10.0), 2 * self.beat)
        self.poll = settings.getfloat("ARCHIVE_REDIS_POLL", 0.5)
        self.max_backlog = settings.getint("ARCHIVE_REDIS_MAX_BACKLOG", 2000)
        self.task: Any = None
        self.paused = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RedisWorker:
        """Only with ARCHIVE_REDIS_URL."""
        if not crawler.settings.get("ARCHIVE_REDIS_URL"):
            raise NotConfigured("not a distributed crawl")
        extension = cls(crawler)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def _running_crawl(self) -> int | None:
        crawl = {k.decode(): v.decode() for k, v in self.server.hgetall(self.keys.crawl).items()}
        return int(crawl["id"]) if crawl.get("state") == "running" else None

    def spider_opened(self, spider: Spider) -> None:
        """Join the running crawl (waiting up to ARCHIVE_REDIS_WAIT s for the writer to open one) and
        register this worker before the first request is popped."""
        wanted = self.crawler.settings.getint("ARCHIVE_CRAWL_ID", 0)
        deadline = time.monotonic() + self.wait
        # Blocking is fine here: the engine starts requesting only after spider_opened.
        crawl_id = self._running_crawl()
        while crawl_id is None and time.monotonic() < deadline:
            time.sleep(0.5)
            crawl_id = self._running_crawl()
        if crawl_id is None or (wanted and wanted != crawl_id):
            found = f"crawl {crawl_id} is running" if crawl_id else "no crawl is running"
            self.session.failure = (f"{found} in Redis, wanted {wanted or 'one'}: open it with "
                                    f"`summary-archive ingest --redis URL --db PATH --start URL`")
            raise CloseSpider("no_crawl")
        self.archive.crawl_id = crawl_id
        self._take_start_urls(crawl_id)
        worker, keys = self.worker.id, self.keys
        with self.server.pipeline() as pipe:
            pipe.set(keys.alive(worker), 1, ex=int(self.timeout + 0.999))
            pipe.sadd(keys.workers, worker)
            pipe.sadd(keys.starting, worker)
            if self.session.limited:
                pipe.hset(keys.crawl, "limited", 1)
            pipe.execute()
        # The engine re-checks an idle spider every 5 s; a worker waiting for work shared by the others
        # should notice it sooner. (No setting exists for this interval.)
        self.crawler.engine._SLOT_HEARTBEAT_INTERVAL = self.poll
        from twisted.internet.task import LoopingCall

        self.task = LoopingCall(self.heartbeat)
        self.task.start(self.beat, now=False)
        logger.info("Worker %s joined crawl %s", worker, crawl_id)

    def _take_start_urls(self, crawl_id: int) -> None:
        """Crawl the start URLs the writer opened the crawl with: it marks gone on their hosts, so a worker
        given another spelling of the site (localhost for 127.0.0.1) would have the whole site marked gone."""
        opened = json.loads(self.server.hget(self.keys.crawl, "start_urls") or "[]")
        if not opened or opened == self.session.start_urls:
            return
        if self.session.start_urls:
            logger.warning("Crawl %s was opened for %s: this worker crawls those, not %s", crawl_id,
                           " ".join(opened), " ".join(self.session.start_urls))
        self.session.start_urls = opened
        self.session.scope = Scope.build(opened, self.session.profile.allowed_hosts)

    def started(self) -> None:
        """All start requests are in the shared queue."""
        self.server.srem(self.keys.starting, self.worker.id)

    def prune(self) -> None:
        """Delete from the in-flight hash the requests Scrapy has finished with."""
        slot = getattr(self.crawler.engine, "_slot", None)  # private: the requests Scrapy still handles
        active = {request.meta.get("archive_token") for request in slot.inprogress} if slot else set()
        finished = self.worker.popped - active
        if finished:
            self.server.hdel(self.keys.inflight(self.worker.id), *finished)
            self.worker.popped -= finished

    def heartbeat(self) -> None:
        """Stay alive, free finished requests, recover the dead, pause while the writer is behind."""
        try:
            with self.server.pipeline() as pipe:
                pipe.set(self.keys.alive(self.worker.id), 1, ex=int(self.timeout + 0.999))
                # Back in the set if a stall outlived the timeout and another process re-queued our requests.
                pipe.sadd(self.keys.workers, self.worker.id)
                pipe.execute()
            self.prune()
            recovered = self.worker.frontier.recover_dead()
            if recovered:
                logger.warning("Re-queued %d requests of dead workers", recovered)
            backlog = self.server.xlen(self.keys.stream)
        except redis.RedisError as exc:
            logger.error("Redis: %s", exc)
            return
        engine = self.crawler.engine
        if not self.paused and backlog > self.max_backlog:
            self.paused = True
            engine.pause()
        elif self.paused and backlog <= self.max_backlog // 2:
            self.paused = False
            engine.unpause()

    def spider_idle(self, spider: Spider) -> None:
        """Close only when the whole crawl is done (nothing queued or in flight on any worker)."""
        self.prune()
        if self._crawl_done():
            return
        raise DontCloseSpider

    def _crawl_done(self) -> bool:
        frontier = self.worker.frontier
        if self._running_crawl() != self.archive.crawl_id:
            return True  # finished (or replaced) by the writer
        frontier.recover_dead()
        if frontier.done():
            self.server.hset(self.keys.crawl, "state", "done")
            return True
        return False

    def spider_closed(self, spider: Spider, reason: str) -> None:
        """Leave the crawl; requests cut short by a shutdown go back to the queue for the others."""
        if self.task is not None and self.task.running:
            self.task.stop()
        if self.archive.crawl_id is None:
            return
        try:
            self.prune()
            left = self.worker.frontier.requeue(self.worker.id)
            self.server.delete(self.keys.alive(self.worker.id))
        except redis.RedisError as exc:
            logger.error("Redis: %s", exc)
            return
        if left:
            logger.warning("Put %d unfinished requests back in the queue", left)


class StartMarker:
    """Spider middleware: tells the crawl when this worker's start requests are all queued, so an idle
    worker does not take the crawl for done before they are."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StartMarker:
        """Only with ARCHIVE_REDIS_URL."""
        if not crawler.settings.get("ARCHIVE_REDIS_URL"):
            raise NotConfigured("not a distributed crawl")
        return cls(crawler)

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        """Pass the start requests through, then mark this worker started."""
        async for item_or_request in start:
            yield item_or_request
        extension = self.crawler.get_extension(RedisWorker)
        if extension is not None:
            extension.started()
