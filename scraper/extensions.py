"""Scrapy extensions: the crawl's `crawls` row from start to finish, progress on stderr, and
AutoThrottle that also obeys robots.txt's Crawl-delay."""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from pathlib import Path
from typing import Any, TextIO

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.extensions.throttle import AutoThrottle
from scrapy.http import Response
from scrapy.utils.httpobj import urlparse_cached

from archive import ArchiveError, CrawlRunning
from archive.crawls import site_of
from scraper.session import PAGE_OUTCOMES, CrawlSession, gone_not_judged, incomplete_reason, session_for

logger = logging.getLogger(__name__)

CRAWL_ID_FILE = "archive_crawl.json"
_COUNTERS = ("new", "changed", "unchanged", "gone", "errors")
# Close reasons after which the crawl ran to its (possibly limited) end.
_ENDED = ("finished", "max_pages")


def _returns(session: CrawlSession) -> int:
    """Gone articles this crawl found back (0 when the archive cannot say: the summary is told anyway)."""
    try:
        return session.archive.crawl_returns(session.crawl_id)
    except Exception:  # (the archive broke mid-crawl)
        return 0


def _rereads(session: CrawlSession) -> int:
    """Unchanged pages this crawl read otherwise (a new parser), 0 when the archive cannot say."""
    try:
        return session.archive.crawl_rereads(session.crawl_id)
    except Exception:  # (the archive broke mid-crawl, or a distributed worker's: the summary is told anyway)
        return 0


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


class CrawlRecorder:
    """Opens (or, with JOBDIR or ARCHIVE_CRAWL_ID, resumes) the crawls row and closes it with its
    status; marks unseen articles gone only after a complete, unlimited crawl; prints the summary."""

    def __init__(self, crawler: Crawler, session: CrawlSession, out: TextIO = sys.stderr) -> None:
        self.crawler = crawler
        self.session = session
        self.out = out
        jobdir = crawler.settings.get("JOBDIR")
        self.id_file = Path(jobdir) / CRAWL_ID_FILE if jobdir else None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlRecorder:
        """Connects to spider_opened / spider_closed."""
        recorder = cls(crawler, session_for(crawler))
        recorder.drop_dead_queue()
        crawler.signals.connect(recorder.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(recorder.spider_closed, signal=signals.spider_closed)
        return recorder

    def _kept_crawl_id(self) -> int | None:
        """The crawl id a previous run of this JOBDIR saved for this same database, if any."""
        if self.id_file is None or not self.id_file.exists():
            return None
        try:
            kept = json.loads(self.id_file.read_text())
        except (OSError, ValueError):
            return None
        if kept.get("db") != os.path.abspath(self.crawler.settings.get("ARCHIVE_DB")):
            return None
        return int(kept["crawl_id"])

    def _other_sites(self, crawl_id: int) -> str | None:
        """The sites of the kept crawl when this run was started on others (a JOBDIR reused for another
        site would continue that crawl and drop this one's pages as off-site)."""
        kept = self.session.archive.crawl_start_urls(crawl_id)
        theirs = {site_of(url) for url in kept}
        if not kept or theirs & {site_of(url) for url in self.session.start_urls}:
            return None
        return ", ".join(sorted(theirs))

    def drop_dead_queue(self) -> None:
        """Before Scrapy opens the JOBDIR: if the crawl kept there is still 'running' (or 'abandoned', as
        a later crawl found it), its crawler died without shutting down (SIGKILL, OOM, power cut).
        Scrapy writes the disk queue's index only on a clean close, while requests.seen lists every
        request ever queued, so resuming that state would skip every page still queued. The crawl
        continues under its id with its requests started over: archived pages answer 304 and add no
        versions. So too for a crawl that 'failed' (a full disk, a write lock held too long): the pages
        whose writes failed are in requests.seen, and the queue may not have been saved."""
        crawl_id = self._kept_crawl_id()
        status = self.session.archive.crawl_status(crawl_id) if crawl_id is not None else None
        if status not in ("running", "abandoned", "failed"):
            return
        if status != "failed" and self.session.archive.crawl_running(crawl_id):
            # The same command run again while the first still runs (a nightly crawl outlasting its
            # day): refused before Scrapy opens the JOBDIR, whose queue is that crawl's.
            raise CrawlRunning(f"crawl {crawl_id} kept in {self.id_file.parent} is still running: let it finish "
                               "or stop it first")
        from scraper.run import clear_job_state  # late: run imports the crawler machinery

        assert self.id_file is not None
        clear_job_state(self.id_file.parent, keep_crawl_id=True)
        why = "failed" if status == "failed" else "did not shut down cleanly"
        print(f"crawl {crawl_id} {why}: continuing it with its requests started over", file=self.out, flush=True)

    def spider_opened(self, spider: Spider) -> None:
        """Start or resume the crawls row before the first request."""
        archive = self.session.archive
        given = self.crawler.settings.getint("ARCHIVE_CRAWL_ID", 0)  # a distributed crawl's worker
        crawl_id = given or self._kept_crawl_id()
        if crawl_id and not given and self.id_file and (other := self._other_sites(crawl_id)):
            self.session.failure = (f"--resume {self.id_file.parent} holds crawl {crawl_id} of {other}: "
                                    "give it that crawl's start URLs, or another directory")
            return
        try:
            if crawl_id:
                archive.resume_crawl(crawl_id)
                logger.info("Resuming crawl %s", crawl_id)
                if not given:  # (--max-pages counts the pages the interrupted run archived too)
                    counts = archive.crawl_counts(crawl_id)
                    self.session.archived = sum(counts.get(name, 0) for name in PAGE_OUTCOMES)
            else:
                crawl_id = archive.start_crawl(self.session.start_urls)
        except ArchiveError as exc:  # disk full, read-only: the spider then starts no request
            self.session.failure = f"archive: {exc}"
            return
        self.session.crawl_id = crawl_id
        self.crawler.stats.set_value("archive/crawl_id", crawl_id)
        if self.id_file is not None:
            self.id_file.parent.mkdir(parents=True, exist_ok=True)
            db = os.path.abspath(self.crawler.settings.get("ARCHIVE_DB"))
            self.id_file.write_text(json.dumps({"db": db, "crawl_id": crawl_id}))

    def _status(self, reason: str) -> str:
        session = self.session
        if (session.failure is None and session.start_errors and not session.start_reached
                and not session.pages_seen):
            session.failure = "could not reach the start URL " + "; ".join(session.start_errors[:3])
        if session.failure:
            return "failed"
        return "finished" if reason in _ENDED or reason.startswith("closespider_") else "interrupted"

    def spider_closed(self, spider: Spider, reason: str) -> None:
        """Finish the crawls row, publish the outcome in the stats and print the summary."""
        session = self.session
        if session.crawl_id is None:
            self.crawler.stats.set_value("archive/failure", session.failure)
            return
        status = self._status(reason)
        complete = status == "finished" and reason == "finished" and _incomplete(session) is None
        note = session.failure if status == "failed" else (
            gone_not_judged(_incomplete(session) or reason) if status == "finished" and not complete else None)
        try:
            counts = session.archive.finish_crawl(
                session.crawl_id, status=status, complete_hosts=session.scope.hosts if complete else None, note=note)
        except Exception as exc:  # the archive broke mid-crawl; the summary must still be told
            logger.error("Could not finish crawl %s: %s", session.crawl_id, exc)
            session.failure = session.failure or f"archive: {exc}"
            counts = {}
        stats = self.crawler.stats
        stats.set_value("archive/status", status)
        stats.set_value("archive/counts", counts)
        stats.set_value("archive/failure", session.failure)
        stats.set_value("archive/complete", complete)
        if status == "finished" and self.id_file is not None:
            # Done: the next crawl with this JOBDIR is a new crawl, not this one continued.
            self.id_file.unlink(missing_ok=True)
        self._print_summary(status, reason, counts, complete)
        session.archive.close()

    def _print_summary(self, status: str, reason: str, counts: dict[str, Any], complete: bool) -> None:
        session = self.session
        elapsed = time.monotonic() - session.started
        responses = self.crawler.stats.get_value("response_received_count", 0)
        rate = responses / elapsed if elapsed > 0 else 0.0
        lines = [
            f"crawl {session.crawl_id} {status}{'' if status == 'failed' else f' ({reason})'} after {_duration(elapsed)}: "
            f"{responses} responses this run ({rate:.1f}/s)",
            "  " + ", ".join(f"{name} {counts.get(name, 0)}" for name in ("fetched", *_COUNTERS)),
        ]
        if self.crawler.settings.get("ARCHIVE_REDIS_URL"):
            # A worker of a distributed crawl: the crawl's counts, and whether it marks anything gone, are
            # the writer's to tell (it stores every worker's pages).
            lines[1:] = [f"  this worker's part of crawl {session.crawl_id}; the writer (summary-archive ingest, or crawl"
                         " --workers) prints the crawl's summary"]
            if session.failure:
                lines.append(f"  failed: {session.failure}")
            print("\n".join(lines), file=self.out, flush=True)
            return
        if asked := len(session.revisited or ()) - session.revisits_forbidden:
            lines.append(f"  asked again, before calling them gone: {asked} archived pages this crawl did not reach"
                         " or got no answer from")
        if session.revisits_forbidden:
            lines.append(f"  not asked again, robots.txt disallows them (they stay live): {session.revisits_forbidden}")
        if counts.get("unchanged") and (back := _returns(session)):
            lines.append(f"  back: {back} gone articles answered again, unchanged (live again; counted as unchanged)")
        if counts.get("unchanged") and (reread := _rereads(session)):
            lines.append(f"  read anew: {reread} unchanged pages read otherwise by this parser (versions with cause"
                         " 'reparse'; counted as unchanged)")
        if counts.get("held"):
            lines.append(f"  held back as truncated downloads (see fetch_errors): {counts['held']}")
        if counts.get("errors"):
            lines.append(f"  errors are in the fetch_errors table: crawl_id = {session.crawl_id}")
        if status == "interrupted":
            lines.append("  interrupted: run again with the same --resume DIR to continue"
                         if self.crawler.settings.get("JOBDIR") else
                         "  interrupted: run again to crawl the rest (with --resume DIR a crawl continues where it stopped)")
        elif status == "finished" and not complete:
            lines.append(f"  {gone_not_judged(_incomplete(session) or reason)}")
        if session.failure:
            lines.append(f"  failed: {session.failure}")
        elif hint := self._no_summary_hint(counts):
            lines.append(hint)
        print("\n".join(lines), file=self.out, flush=True)

    def _no_summary_hint(self, counts: dict[str, Any]) -> str | None:
        """When pages were read but none as a summary: the likeliest cause (labels the profile does not
        know: another language, another site's wording) and what to do about it."""
        if any(counts.get(name) for name in ("new", "changed", "unchanged")):
            return None
        stats, wanted = self.crawler.stats, self.session.profile.page_types
        read = {kind: stats.get_value(f"archive/page_type/{kind}", 0) for kind in ("summary", "listing", "other")}
        if any(read[kind] for kind in wanted if kind in read) or not any(read.values()):
            return None  # (summaries read but not stored: skipped by --since, or over --max-pages)
        seen = read
        listings, others = seen["listing"], seen["other"]
        return (f"  no page read as a summary ({listings} listing{'s' * (listings != 1)}, {others} other "
                f"page{'s' * (others != 1)}): if this "
                "site's summaries name their parts differently, give their labels with --profile (try it first "
                "with `summary-archive parse PAGE.html --url URL --profile FILE`)")


def _incomplete(session: CrawlSession) -> str | None:
    """Why a finished crawl proves nothing about the pages it did not see (None: it does)."""
    return incomplete_reason(session.limited, session.transient_errors, session.archived)


class ProgressReporter:
    """Every ARCHIVE_PROGRESS_INTERVAL seconds, one line on stderr: pages, rate, outcomes, queue."""

    def __init__(self, crawler: Crawler, session: CrawlSession, interval: float,
                 out: TextIO = sys.stderr) -> None:
        self.crawler = crawler
        self.session = session
        self.interval = interval
        self.out = out
        self.task: Any = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ProgressReporter:
        """Off when ARCHIVE_PROGRESS_INTERVAL is 0."""
        interval = crawler.settings.getfloat("ARCHIVE_PROGRESS_INTERVAL", 5.0)
        if interval <= 0:
            raise NotConfigured("progress is off")
        reporter = cls(crawler, session_for(crawler), interval)
        crawler.signals.connect(reporter.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(reporter.spider_closed, signal=signals.spider_closed)
        return reporter

    def spider_opened(self, spider: Spider) -> None:
        """Start the periodic report."""
        from twisted.internet.task import LoopingCall

        self.task = LoopingCall(self.report)
        self.task.start(self.interval, now=False)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        """Stop the periodic report."""
        if self.task is not None and self.task.running:
            self.task.stop()

    def report(self) -> None:
        """Write one progress line."""
        session, stats = self.session, self.crawler.stats
        if session.crawl_id is None:
            return
        counts = session.archive.crawl_counts(session.crawl_id)
        elapsed = time.monotonic() - session.started
        responses = stats.get_value("response_received_count", 0)
        queued = stats.get_value("scheduler/enqueued", 0) - stats.get_value("scheduler/dequeued", 0)
        outcomes = " ".join(f"{name} {counts.get(name, 0)}" for name in _COUNTERS)
        print(f"[{_duration(elapsed)}] {responses} pages ({responses / max(elapsed, 1e-9):.1f}/s), "
              f"{queued} queued | {outcomes}", file=self.out, flush=True)


class RobotsThrottle(AutoThrottle):
    """Scrapy's AutoThrottle that never goes below a host's robots.txt Crawl-delay.

    Scrapy parses Crawl-delay but does not apply it, and AutoThrottle would overwrite a slot delay
    set once; so the floor is kept per host and reapplied after every adjustment. Crawl-delays above
    AUTOTHROTTLE_MAX_DELAY are capped there; ARCHIVE_OBEY_CRAWL_DELAY=False ignores them."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.floors: dict[str, float] = {}
        if crawler.settings.getbool("ARCHIVE_OBEY_CRAWL_DELAY", True):
            crawler.signals.connect(self._robots_parsed, signal=signals.robots_parsed)

    def _robots_parsed(self, robotparser: Any, request: Request) -> None:
        agent = self.crawler.settings.get("ROBOTSTXT_USER_AGENT") or self.crawler.settings.get("USER_AGENT")
        delay = robotparser.crawl_delay(agent)
        host = urlparse_cached(request).hostname
        if delay and host:
            floor = min(float(delay), self.crawler.settings.getfloat("AUTOTHROTTLE_MAX_DELAY"))
            self.floors[host] = floor
            slot = self.crawler.engine.downloader.slots.get(host)
            if slot is not None:
                _floor(slot, floor)

    def _response_downloaded(self, response: Response, request: Request, spider: Spider) -> None:
        super()._response_downloaded(response, request, spider)
        key, slot = self._get_slot(request, spider)
        if slot is not None and key in self.floors:
            _floor(slot, self.floors[key])


def _floor(slot: Any, floor: float) -> None:
    """Keep the slot's delay at least `floor`, without Scrapy's random 0.5-1.5x jitter (which would
    make a Crawl-delay an average, half of it at times)."""
    slot.delay = max(slot.delay, floor)
    slot.jitter = 0.0
