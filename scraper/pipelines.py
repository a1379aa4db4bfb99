"""The archive's single writer: stores each outcome (page, 304, gone, error) of the crawl in its own
transaction. Pages arrive parsed (the spider parses them in scraper.parse_pool, off the reactor)."""

from __future__ import annotations

import logging
from typing import Any

from scrapy.crawler import Crawler
from scrapy.utils.defer import deferred_from_coro

from archive import ArchiveError
from scraper.canonical import canonical_above, canonical_url, query_dropped
from scraper.fetched import http_date, soft_404
from scraper.parse_pool import close_pool
from scraper.session import PAGE_OUTCOMES, CrawlSession, session_for

logger = logging.getLogger(__name__)


class ArchivePipeline:
    """Turns the spider's items into archive writes."""

    def __init__(self, crawler: Crawler, session: CrawlSession) -> None:
        self.crawler = crawler
        self.session = session
        self.closing = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchivePipeline:
        """The crawl's session (archive, profile, limits)."""
        return cls(crawler, session_for(crawler))

    def close_spider(self) -> None:
        """Stop the parser pool: the spider has no page in flight by now."""
        close_pool(self.crawler)

    async def process_item(self, item: dict[str, Any]) -> dict[str, Any]:
        """Record the item's outcome; returns a small summary item (no body) for Scrapy's log/stats."""
        kind = item.get("kind")
        self._note_start(item)
        if not self.session.parse or self.session.crawl_id is None:
            return {"url": item.get("url"), "outcome": "not archived"}
        try:
            outcome = await self._archive(item)
        except ArchiveError as exc:
            # The archive itself failed (disk full, read-only): stop the crawl, nothing half-written.
            self.session.failure = self.session.failure or f"archive: {exc}"
            if not self.closing:  # items in flight fail the same way: say it once
                logger.error("Archive write failed, stopping the crawl: %s", exc)
            self._close("archive_error")
            outcome = "failed"
        self.crawler.stats.inc_value(f"archive/outcome/{outcome}")
        if outcome in PAGE_OUTCOMES:
            self.session.archived += 1
            if self.session.limit_reached():
                self._close("max_pages")
        return {"url": item.get("url"), "kind": kind, "outcome": outcome}

    def _close(self, reason: str) -> None:
        """Ask the engine to close, without waiting: closing waits for this very item to finish."""
        if not self.closing:
            self.closing = True
            deferred_from_coro(self.crawler.engine.close_spider_async(reason=reason))

    def _note_start(self, item: dict[str, Any]) -> None:
        if item.get("kind") in ("page", "not_modified", "other"):
            self.session.pages_seen += 1
        if not item.get("start"):
            return
        status = item.get("status")
        if item["kind"] in ("page", "not_modified", "other") or (status is not None and status < 400):
            self.session.start_reached = True
        else:
            self.session.start_errors.append(f"{item['url']}: {item.get('error') or f'HTTP {status}'}")

    async def _archive(self, item: dict[str, Any]) -> str:
        archive, crawl_id, kind = self.session.archive, self.session.crawl_id, item["kind"]
        url, at = item["url"], item.get("fetched_at")
        if kind in ("not_modified", "gone") and self.session.limit_reached():
            return "skipped"
        if kind == "not_modified":
            outcome = archive.not_modified(crawl_id, url, item.get("headers") or {}, fetched_at=at)
            if outcome == "unchanged":  # an archived article, not a page followed for its links (home)
                self._moves(item, url, at)
            return outcome
        if kind == "gone":
            return archive.gone(crawl_id, url, item["status"], fetched_at=at)
        if kind == "moved":  # a revisited article redirecting for good to a page this crawl archived
            return self._moved(url, item["target"], item["status"], at)
        if kind == "error":
            transient = bool(item.get("transient"))
            self.session.transient_errors += transient
            archive.error(crawl_id, url, item.get("status"), item.get("error") or "error", fetched_at=at,
                          transient=transient or bool(item.get("seen")))
            return "error"
        if kind == "other":  # a non-HTML answer: no page to archive, but not silently dropped
            archive.error(crawl_id, url, item["status"], item["error"], fetched_at=at)
            return "error"
        if kind != "page":
            return "skipped"
        record = item.get("record")
        if record is None:
            archive.error(crawl_id, url, item["status"], (item.get("parse_error") or "not parsed")[:500],
                          fetched_at=at)
            return "error"
        self.crawler.stats.inc_value(f"archive/page_type/{record.get('page_type')}")
        if record.get("page_type") not in self.session.profile.page_types and (title := soft_404(record)):
            why = f"soft 404: HTTP {item['status']} page titled {title[:200]!r}"
            if archive.is_archived(url):  # the site says the article is not there: gone, as with a 404
                return archive.gone(crawl_id, url, item["status"], fetched_at=at, why=why)
            archive.error(crawl_id, url, item["status"], why, fetched_at=at)
            return "error"
        tracking = self.session.profile.tracking_params
        if (record.get("page_type") not in self.session.profile.page_types and record.get("url")
                and canonical_url(record["url"], tracking) != canonical_url(url, tracking)):
            # Not a summary: its canonical link (a redirect stub's, naming the page it sends readers
            # to) must not make it the next version of the article there.
            record = {**record, "url": canonical_url(url, tracking)}
        if not self._wanted(record, url):  # followed for its links only: remember them for a 304
            archive.remember_links(crawl_id, url, item.get("links") or [], item["headers"], fetched_at=at,
                                   canonical=record.get("url"))
            return "skipped"
        if self.session.limit_reached():  # checked after the await: items parse concurrently
            return "skipped"
        if self.session.since:
            modified = http_date(item["headers"].get("Last-Modified") or item["headers"].get("last-modified"))
            if modified and modified < self.session.since:
                return "skipped"
        named = record.get("url")
        # (the 404 may have come while the page waited here: the spider marked it before)
        missing = item.get("canonical_missing") or (named and self.session.missing.get(canonical_url(named, tracking)))
        record, claim = self._keyed(record, url, missing)
        if claim == "copy":
            # A copy of a page archived from its own URL (AMP, index.html, a syndicated copy): its URL and links
            # are kept, its content is the original's. (Until the original is archived the copy's content is:
            # the original may never answer.)
            self.crawler.stats.inc_value("archive/canonical_copies")
            archive.remember_links(crawl_id, url, item.get("links") or [], item["headers"], fetched_at=at,
                                   canonical=record["url"])
            return "skipped"
        outcome = archive.store(crawl_id, url, record, item["body"], item["headers"],
                                http_status=item["status"], fetched_at=at, links=item.get("links") or [])
        key = str(record.get("url") or url)
        if key != url and canonical_url(key, tracking) != canonical_url(url, tracking):
            # Served here under a new canonical URL (a renamed slug): the article archived here moved
            # (said by the fetch just counted: one fetch, not two).
            self._moved(url, key, item["status"], at, fetch_counted=True)
        elif missing and named:
            # The article filed under that URL from this page's text (before the URL was found missing)
            # is read here.
            self._moved(named, key, missing, at)
        self._moves(item, key, at)
        return outcome

    def _moves(self, item: dict[str, Any], target: str, at: str | None) -> None:
        """The archived URLs that redirected for good to the page now stored under `target` moved there
        (those on the way to this response, and those that did while it was on its way)."""
        tracking, pending = self.session.profile.tracking_params, self.session.pending_moves
        waiting = [move for key in dict.fromkeys((canonical_url(target, tracking), canonical_url(item["url"], tracking)))
                   for move in pending.pop(key, ())]
        for old, status in [*(item.get("moved_from") or ()), *waiting]:
            self._moved(old, target, status, at)

    def _moved(self, old: str, target: str, status: int, at: str | None, fetch_counted: bool = False) -> str:
        """Mark the article archived under `old` (as linked, or in its canonical form) moved to `target`."""
        outcome = "skipped"
        for each in dict.fromkeys((old, canonical_url(old, self.session.profile.tracking_params))):
            outcome = self.session.archive.moved(self.session.crawl_id, each, target, status, fetched_at=at,
                                                 fetch_counted=fetch_counted)
            if outcome != "skipped":
                break
        return outcome

    def _keyed(self, record: dict, url: str, missing: int | None = None) -> tuple[dict, str]:
        """The record with the URL to archive it under, and the archive's claim on it ('store', 'copy',
        'own'): its canonical link is followed unless it names a page above it, the page itself in another
        spelling (the archive's spelling kept), a URL that answered 404 or 410 (`missing`), or an article
        holding another text."""
        named, tracking = record.get("url"), self.session.profile.tracking_params
        if not named:
            return record, "store"
        if canonical_above(named, url, tracking):
            archive = self.session.archive
            if query_dropped(named, url, tracking) and archive.holds_text(named, record) \
                    and archive.canonical_claim(url, named, record) == "copy":
                return record, "copy"  # (the page itself, linked with a parameter: ?source=newsletter)
            # Every page of the site would be one article (its versions flipping between pages).
            return _own_url(record, canonical_url(url, tracking), f"canonical {named} is a page above: ignored"), "store"
        if not self.session.scope.allows(named):
            # Off the crawled site (a staging host, another site's original): no crawl of this site
            # would ever ask there again, so the article could never be found gone or moved.
            return _own_url(record, canonical_url(url, tracking), f"canonical {named} is off the crawled site: ignored"), \
                "store"
        if named != (spelling := self._key_spelling(named, url)):
            return {**record, "url": spelling}, "store"
        if canonical_url(named, tracking) == canonical_url(url, tracking):
            return record, "store"
        if missing:  # (a CMS's typo: the text stays where it is read)
            return _own_url(record, canonical_url(url, tracking), f"canonical {named} answered HTTP {missing}: ignored"), \
                "store"
        claim = self.session.archive.canonical_claim(url, named, record)
        if claim == "own":  # its text is not the article's there, or that article moved here: under its own URL
            return _own_url(record, canonical_url(url, tracking), f"canonical {named} is another article: ignored"), "store"
        return record, claim

    def _key_spelling(self, named: str, url: str) -> str:
        """The URL to archive a page under whose canonical link names this very page in another spelling
        (upper-case host, escapes, query order, a session id): the spelling the archive knows it by, else
        the crawl's canonical form, as without a canonical link (a page that gains or respells its
        canonical link between crawls must stay one article, not become a new one and leave the old gone)."""
        tracking = self.session.profile.tracking_params
        same = canonical_url(url, tracking)
        if named == same or canonical_url(named, tracking) != same:
            return named
        return next((each for each in dict.fromkeys((named, same, url)) if self.session.archive.is_archived(each)), same)

    def _wanted(self, record: dict, url: str) -> bool:
        """Archive summary pages (profile.page_types) and anything archived before, whatever it is now."""
        if record.get("page_type") in self.session.profile.page_types:
            return True
        archive = self.session.archive
        return archive.is_archived(record.get("url") or "") or archive.is_archived(url)


def _own_url(record: dict, url: str, warning: str) -> dict:
    """The record under the page's own URL, saying why its canonical link was not followed."""
    return {**record, "url": url, "warnings": [*record.get("warnings", []), warning]}
