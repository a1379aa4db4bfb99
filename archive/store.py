"""The Archive: one SQLite file holding every version of every record; each fetch is one transaction."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import sqlite3
import threading
from pathlib import Path
from typing import Any, Iterator, Mapping

from archive import crawls, page_links, snapshots
from archive.clock import normalise, to_epoch
from archive.connect import open_writable, translated
from archive.content import content_hash, host_of, lost_anything, related_hash, sections_lost
from archive.errors import ArchiveMoved, CrawlRunning, NotAnArchive, ParserTooOld, SchemaTooNew
from archive.related import article_for_url, resolve_targets, spellings, touch_cards, update_cards
from archive.schema import (OUTCOME_CODE, SCHEMA_VERSION, apply_step, current_version, foreign, not_an_archive,
                            pending, table_names)
from archive.versions import add_version, current_record, insert_version, prepare_version, version_columns

_HOST = socket.gethostname()


def _still_answers(http_status: int | None) -> bool:
    """The site answered for the page, only not with it (401, 403, 451, a redirect): not gone."""
    return http_status is not None and 300 <= http_status < 600 and http_status not in (404, 410)


def _alive(pid: int) -> bool:
    """True while a process with this id runs on this host (a reused id counts as alive: safe); a
    zombie does not (a killed crawler in a container whose init reaps no one stays one for good)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return True
    return not _zombie(pid)


def _zombie(pid: int) -> bool:
    """The process has exited and waits for its parent to reap it (Linux's /proc; elsewhere: False)."""
    # Hand-written: os and psutil-free Python has no process-state call; /proc/PID/stat's third field
    # is the state, after the command name in parentheses (which may itself hold spaces or ')').
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            return fh.read().rpartition(b")")[2].split()[0] == b"Z"
    except (OSError, IndexError):
        return False


COUNTERS = ("fetched", "new", "changed", "unchanged", "gone", "errors", "held")
_ARTICLE_STATE = ("id", "url", "status", "content_hash", "related_hash", "current_version",
                  "snapshot_sha256", "etag", "last_modified")


class Archive:
    """Read-write access to an archive file (created or upgraded in place on open)."""

    def __init__(self, path: str | Path, *, version_related: bool = False, create: bool = True,
                 links_version: str | None = None, judgement: str | None = None,
                 count_each_fetch: bool = False, parser_version: str | None = None) -> None:
        self.path = Path(path)
        self.version_related = version_related
        # A crawl's row counts each page once (a resumed crawl fetches some twice); an import of
        # captures made over time (import-warc, one row) counts every capture.
        self.count_each_fetch = count_each_fetch
        # The crawler's link extraction version, and how it judges which pages to archive (parser
        # version, page types): links and validators remembered under others are not trusted.
        self.links_version = links_version
        self.judgement = judgement
        self._lock = threading.RLock()
        self._adhoc_crawl: int | None = None
        self._failed: dict[int, set[str]] = {}  # crawl id -> URLs whose failure its row counted
        self.db = open_writable(self.path, create)
        self.conn: sqlite3.Connection = self.db.conn
        self._identity = _file_identity(self.path)
        try:
            self._migrate()
            if parser_version is not None:
                self._refuse_older_parser(parser_version)
        except BaseException:
            self.conn.close()
            raise

    # -- plumbing -----------------------------------------------------------------------------

    def __enter__(self) -> "Archive":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection (committed work is already on disk)."""
        with self._lock:
            self.conn.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT, rolled back whole on any error (errors become ArchiveError)."""
        if _file_identity(self.path) != self._identity:
            # SQLite goes on writing to an open file that was deleted (its directory removed) or
            # replaced, and says so only in a log line: every later write would be lost.
            raise ArchiveMoved(f"{self.path} was removed or replaced while open: nothing more can be written to it")
        with self._lock, translated(self.path):
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
                self.conn.execute("COMMIT")
            except BaseException:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise

    def _migrate(self) -> None:
        with translated(self.path):
            names = table_names(self.conn)
            if foreign(names):
                raise NotAnArchive(not_an_archive(self.path, names))
            version = current_version(self.db)
        if version is not None and version > SCHEMA_VERSION:
            raise SchemaTooNew(f"{self.path} has schema version {version}; this code knows up to "
                               f"{SCHEMA_VERSION} (upgrade summary-archive)")
        for number, step in pending(version):
            with self.transaction():
                # Another process may have migrated while we waited for the write lock.
                if (current_version(self.db) or 0) < number:
                    apply_step(self.db, number, step)

    def _refuse_older_parser(self, parser_version: str) -> None:
        """ParserTooOld when records were read by a newer parser than `parser_version` (an old install
        beside a new one would store its readings over the newer ones, and the newer back, at every crawl)."""
        with translated(self.path):
            newest = self.conn.execute("SELECT max(CAST(parser_version AS INTEGER)) FROM articles").fetchone()[0]
        if parser_version.isdigit() and newest is not None and newest > int(parser_version):
            raise ParserTooOld(f"{self.path} holds records read by parser {newest}; this summary-archive's parser is "
                               f"{parser_version} (older): upgrade it")

    def schema_version(self) -> int:
        """The schema version of the open file."""
        return current_version(self.db) or 0

    # -- crawls -------------------------------------------------------------------------------

    def start_crawl(self, start_urls: list[str], started_at: str | None = None) -> int:
        """A new crawls row with status 'running', owned by this process; returns its id.

        Crawls of this host left 'running' by a process that no longer exists (SIGKILL, OOM, power
        cut) become 'abandoned' first, so 'running' means running."""
        with self.transaction() as conn:
            self._abandon_dead_crawls(conn)
            self._refuse_overlap(conn, start_urls)
            cur = conn.execute("INSERT INTO crawls (started_at, start_urls, status, pid, host)"
                               " VALUES (?,?,'running',?,?)",
                               (normalise(started_at), json.dumps(list(start_urls)), os.getpid(), _HOST))
            return int(cur.lastrowid)

    def resume_crawl(self, crawl_id: int) -> None:
        """Set an interrupted (or abandoned) crawl running again, owned by this process."""
        with self.transaction() as conn:
            self._abandon_dead_crawls(conn)
            row = conn.execute("SELECT start_urls FROM crawls WHERE id = ?", (crawl_id,)).fetchone()
            self._refuse_overlap(conn, json.loads(row[0] or "[]") if row else [])
            conn.execute("UPDATE crawls SET status = 'running', finished_at = NULL, pid = ?, host = ?"
                         " WHERE id = ?", (os.getpid(), _HOST, crawl_id))

    @staticmethod
    def _abandon_dead_crawls(conn: sqlite3.Connection) -> None:
        rows = conn.execute("SELECT id, pid FROM crawls WHERE status = 'running' AND host = ? AND pid IS NOT NULL",
                            (_HOST,)).fetchall()
        dead = [crawl_id for crawl_id, pid in rows if not _alive(pid)]
        conn.executemany("UPDATE crawls SET status = 'abandoned' WHERE id = ?", [(i,) for i in dead])

    @staticmethod
    def _refuse_overlap(conn: sqlite3.Connection, start_urls: list[str]) -> None:
        if found := crawls.running_overlap(conn, start_urls, _HOST, os.getpid(), _alive):
            crawl_id, pid, site = found
            raise CrawlRunning(f"crawl {crawl_id} of {site} is still running (process {pid}): let it finish "
                               "or stop it first; two crawls of one site would mark each other's pages gone")

    def finish_crawl(self, crawl_id: int, status: str = "finished",
                     complete_hosts: list[str] | None = None, finished_at: str | None = None,
                     note: str | None = None) -> dict:
        """Close a crawl; with complete_hosts (sites: 'host' or 'host:port'), live articles there that it
        did not see become gone. `note`: why it marked nothing gone, or why it failed."""
        at = normalise(finished_at)
        with self.transaction() as conn:
            if complete_hosts:
                gone = crawls.unseen_live(conn, complete_hosts, crawl_id)
                conn.executemany("UPDATE articles SET status = 'gone', gone_at = ? WHERE id = ?",
                                 [(at, article_id) for article_id in gone])
                conn.execute("UPDATE crawls SET gone = gone + ? WHERE id = ?", (len(gone), crawl_id))
            # A move recorded under another spelling of its target than the one archived (/n/a/ for the
            # article /n/a, after a chain of redirects): named as the article is, so moved_to joins it.
            conn.execute(
                "UPDATE articles SET moved_to = (SELECT t.url FROM urls u JOIN articles t ON t.id = u.article_id"
                " WHERE u.url = articles.moved_to) WHERE moved_to IS NOT NULL AND moved_to NOT IN (SELECT url FROM articles)"
                " AND EXISTS (SELECT 1 FROM urls u JOIN articles t ON t.id = u.article_id WHERE u.url = articles.moved_to)")
            conn.execute("UPDATE crawls SET status = ?, finished_at = ?, note = ? WHERE id = ?",
                         (status, at, note, crawl_id))
        return self.crawl_counts(crawl_id)

    def crawl_running(self, crawl_id: int) -> bool:
        """The crawl is 'running' and its process still runs (on another machine: assumed to)."""
        with self._lock, translated(self.path):
            row = self.conn.execute("SELECT status, pid, host FROM crawls WHERE id = ?", (crawl_id,)).fetchone()
        if row is None or row[0] != "running":
            return False
        return row[1] is None or row[2] != _HOST or (row[1] != os.getpid() and _alive(row[1]))

    def crawl_status(self, crawl_id: int) -> str | None:
        """The crawl's status ('running' after a crawler that died without closing it), None if unknown."""
        with self._lock, translated(self.path):
            row = self.conn.execute("SELECT status FROM crawls WHERE id = ?", (crawl_id,)).fetchone()
        return row[0] if row else None

    def crawl_start_urls(self, crawl_id: int) -> list[str]:
        """The start URLs a crawl was begun with ([] if unknown)."""
        with self._lock, translated(self.path):
            row = self.conn.execute("SELECT start_urls FROM crawls WHERE id = ?", (crawl_id,)).fetchone()
        try:
            return [url for url in json.loads(row[0] or "[]") if isinstance(url, str)] if row else []
        except ValueError:
            return []

    def error_statuses(self, crawl_id: int) -> list[int | None]:
        """The HTTP status of each failed fetch of the crawl (None: no answer)."""
        with self._lock, translated(self.path):
            return [row[0] for row in self.conn.execute(
                "SELECT http_status FROM fetch_errors WHERE crawl_id = ?", (crawl_id,))]

    def crawl_counts(self, crawl_id: int) -> dict:
        """The crawl's counters: fetched, new, changed, unchanged, gone, errors (and held)."""
        with self._lock, translated(self.path):
            row = self.conn.execute(f"SELECT {', '.join(COUNTERS)} FROM crawls WHERE id = ?",
                                    (crawl_id,)).fetchone()
        return dict(zip(COUNTERS, row)) if row else {name: 0 for name in COUNTERS}

    def crawl_returns(self, crawl_id: int) -> int:
        """Gone articles the crawl found answering again with the text they had (among its unchanged: no
        counter of crawls holds them, the fetch log does)."""
        with self._lock, translated(self.path):
            return self.conn.execute(
                "SELECT count(DISTINCT u.article_id) FROM fetch_log f JOIN urls u ON u.id = f.url_id"
                " WHERE f.crawl_id = ? AND f.outcome = ?", (crawl_id, OUTCOME_CODE["back"])).fetchone()[0]

    def crawl_rereads(self, crawl_id: int) -> int:
        """Versions the crawl made of pages that had not changed but read otherwise (a new parser; among
        its unchanged)."""
        with self._lock, translated(self.path):
            return self.conn.execute("SELECT count(*) FROM versions WHERE crawl_id = ? AND cause = 'reparse'",
                                     (crawl_id,)).fetchone()[0]

    # -- look-ups for the crawler -------------------------------------------------------------

    def _state(self, url: str) -> dict[str, Any] | None:
        article_id = article_for_url(self.conn, url)
        if article_id is None:
            return None
        row = self.conn.execute(f"SELECT {', '.join(_ARTICLE_STATE)} FROM articles WHERE id = ?",
                                (article_id,)).fetchone()
        return dict(zip(_ARTICLE_STATE, row))

    def is_archived(self, url: str) -> bool:
        """True when an article exists for this URL (canonical, or requested earlier)."""
        with self._lock, translated(self.path):
            return article_for_url(self.conn, url) is not None

    def canonical_claim(self, url: str, canonical: str, record: dict) -> str:
        """How to archive a page fetched at `url` whose canonical link names another page, `canonical`:
        'store' as that page's article; 'copy' (only its URL: an AMP page, /a/index.html, a syndicated copy
        of an article archived from its own URL, whose text would otherwise flip that article's versions
        at every crawl); or 'own' (under its own URL: its text differs from what the article there holds,
        which came from another URL — an archived article of its own that started naming another, two
        pages naming one off-site original — or the article there moved for good to this very page: a
        template still naming the old URL)."""
        own, here = spellings(canonical), spellings(url)
        with self._lock, translated(self.path):
            moved = self.conn.execute(
                f"SELECT moved_to FROM articles WHERE url IN ({', '.join('?' * len(own))}) AND status = 'gone'"
                " AND moved_to IS NOT NULL", own).fetchone()
            if moved is not None and moved[0] in here:
                return "own"
            row = self.conn.execute(
                "SELECT s.url, a.content_hash FROM articles a JOIN snapshots s ON s.sha256 = a.snapshot_sha256"
                f" WHERE a.url IN ({', '.join('?' * len(own))})", own).fetchone()
            if row is None or row[0] in here:
                return "store"  # (nothing archived there yet, or its text came from this very URL)
            source, held = row
            same = content_hash(record, self.version_related) == held
            is_article = self.conn.execute(f"SELECT 1 FROM articles WHERE url IN ({', '.join('?' * len(here))})",
                                           here).fetchone() is not None
        if source in own:  # the original, archived from its own URL
            return ("store" if same else "own") if is_article else "copy"
        return "copy" if same and not is_article else "own" if not same else "store"

    def holds_text(self, url: str, record: dict) -> bool:
        """The article archived for `url` holds this record's text (content hash)."""
        with self._lock, translated(self.path):
            article_id = article_for_url(self.conn, url)
            held = None if article_id is None else self.conn.execute(
                "SELECT content_hash FROM articles WHERE id = ?", (article_id,)).fetchone()[0]
        return held is not None and held == content_hash(record, self.version_related)

    def read_at(self, url: str) -> str | None:
        """Where the article archived for `url` was last read, when that is another URL (its text came from
        a copy naming `url` as canonical, or from the other trailing-slash spelling); None otherwise."""
        with self._lock, translated(self.path):
            article_id = article_for_url(self.conn, url)
            read = None if article_id is None else _read_from(self.conn, article_id)
        return read if read != url else None

    def validators(self, url: str) -> tuple[str | None, str | None]:
        """(ETag, Last-Modified) for a conditional GET of this URL: only for a page whose links are
        remembered (see archive.page_links) and whose content the archive holds."""
        with self._lock, translated(self.path):
            return page_links.validators(self.conn, url, self.links_version, self.judgement)

    def links(self, url: str) -> list[str] | None:
        """The links remembered for this URL when it was last fetched in full (None if unknown)."""
        with self._lock, translated(self.path):
            return page_links.links(self.conn, url, self.links_version, self.judgement)

    def remember_links(self, crawl_id: int | None, url: str, links: list[str], headers: Mapping | None,
                       fetched_at: str | None = None, canonical: str | None = None) -> None:
        """A page followed but not archived (home, listing, topic page): its links and validators,
        under the URL fetched and the page's canonical one (the next crawl may link either)."""
        hdrs = snapshots.normalise_headers(headers)
        with self.transaction() as conn:
            for each in dict.fromkeys(filter(None, (url, canonical))):
                page_links.remember(conn, each, links, hdrs.get("etag"), hdrs.get("last-modified"),
                                    version=self.links_version, judgement=self.judgement, crawl_id=crawl_id,
                                    at=normalise(fetched_at))

    # -- writes, one transaction each -----------------------------------------------------------

    def store(self, crawl_id: int | None, url: str, record: dict, body: bytes | str,
              headers: Mapping | None, http_status: int = 200, fetched_at: str | None = None,
              cause: str = "source", links: list[str] | None = None) -> str:
        """Archive one fetched page (with its links, when given, for the next crawl's conditional
        request); returns 'new' | 'changed' | 'unchanged' | 'held'."""
        crawl_id = self._crawl(crawl_id)
        at = normalise(fetched_at)
        hdrs = snapshots.normalise_headers(headers)
        raw = body.encode("utf-8") if isinstance(body, str) else bytes(body)
        digest = snapshots.sha256(raw)
        key = str(record.get("url") or url)
        chash = content_hash(record, self.version_related)
        rhash = related_hash(record)
        with self._lock, translated(self.path):
            stored = snapshots.snapshot_id(self.conn, digest) is not None
        compressed = None if stored else snapshots.compress(raw)
        with self.transaction() as conn:
            if compressed is None and snapshots.snapshot_id(conn, digest) is None:
                compressed = snapshots.compress(raw)
            snap_id = snapshots.insert(conn, digest, compressed or b"", len(raw), url, at,
                                       http_status, hdrs)
            state = self._state(key)
            if state is None:
                article_id = self._create(conn, crawl_id, key, url, record, digest, chash, rhash, at, hdrs)
                outcome = "new"
            else:
                article_id = state["id"]
                outcome = self._update(conn, crawl_id, url, state, record, raw, digest, chash, rhash,
                                       at, hdrs, http_status, cause)
            url_id, repeat = self._url_id(conn, url, article_id, crawl_id)
            if key != url:  # (the record's own URL, not fetched: no crawl fetched it)
                self._url_id(conn, key, article_id, None)
            back = outcome == "unchanged" and state is not None and state["status"] == "gone"
            self._log(conn, crawl_id, url_id, at, http_status, snap_id, "back" if back else outcome)
            if self.count_each_fetch or not repeat:
                self._count(conn, crawl_id, outcome)
            if links is not None:
                kept = outcome != "held"  # a held page is asked for in full again
                # The next crawl may link either spelling; a copy's validators are not its original's (the
                # original asked with them answers 304 and its own text is never read).
                for each in dict.fromkeys(u for u in (url, key) if u in spellings(url)):
                    page_links.remember(conn, each, links, hdrs.get("etag") if kept else None,
                                        hdrs.get("last-modified") if kept else None,
                                        version=self.links_version, judgement=None, crawl_id=crawl_id, at=at)
        return outcome

    def _create(self, conn: sqlite3.Connection, crawl_id: int | None, key: str, url: str, record: dict,
                digest: str, chash: str, rhash: str, at: str, hdrs: dict[str, str]) -> int:
        # One INSERT with the version's columns (not INSERT then UPDATE): the full-text index of
        # articles is written once per new article.
        prepared = prepare_version(record, None, self.version_related)
        columns = {"url": key, "status": "live", "first_seen": at, "last_seen": at, "host": host_of(key),
                   "etag": hdrs.get("etag"), "last_modified": hdrs.get("last-modified"),
                   "last_crawl_id": crawl_id, "related_hash": rhash,
                   **version_columns(prepared, version=1, chash=chash, fetched_at=at, snapshot_sha256=digest)}
        names = ", ".join(f'"{name}"' for name in columns)
        cur = conn.execute(f"INSERT INTO articles ({names}) VALUES ({', '.join('?' * len(columns))})",
                           list(columns.values()))
        article_id = int(cur.lastrowid)
        insert_version(conn, article_id, prepared, version=1, crawl_id=crawl_id, fetched_at=at,
                       cause="created", snapshot_sha256=digest, chash=chash, sections_stored=False)
        update_cards(conn, article_id, record, at)
        resolve_targets(conn, article_id, [key, url])
        return article_id

    def _update(self, conn: sqlite3.Connection, crawl_id: int | None, url: str, state: dict,
                record: dict, raw: bytes, digest: str, chash: str, rhash: str, at: str, hdrs: dict[str, str],
                http_status: int, cause: str) -> str:
        article_id = state["id"]
        unchanged = chash == state["content_hash"]
        old = None if unchanged else current_record(conn, article_id)
        reason = None if unchanged else self._looks_truncated(conn, old, record, state["snapshot_sha256"], raw)
        if reason and not self._held_before(conn, article_id, digest, crawl_id):
            # The site answered for the page (not gone), but not with it: nothing of the article was seen.
            conn.execute("UPDATE articles SET last_crawl_id = ? WHERE id = ?", (crawl_id, article_id))
            self._fetch_error(conn, crawl_id, url, http_status, f"held: {reason}", at)
            return "held"
        conn.execute(
            "UPDATE articles SET last_seen = ?, status = 'live', gone_at = NULL, moved_to = NULL,"
            " last_crawl_id = ?, etag = ?, last_modified = ? WHERE id = ?",
            (at, crawl_id, hdrs.get("etag"), hdrs.get("last-modified"), article_id))
        if unchanged:
            if digest != state["snapshot_sha256"]:
                conn.execute("UPDATE articles SET snapshot_sha256 = ? WHERE id = ?", (digest, article_id))
            self._cards(conn, article_id, record, rhash, state, at)
            return "unchanged"
        # The very bytes of the last fetch read otherwise: the parser changed, not the page (a new release).
        reread = cause == "source" and digest == state["snapshot_sha256"]
        add_version(conn, article_id, record, old=old, version=(state["current_version"] or 0) + 1,
                    crawl_id=crawl_id, fetched_at=at, cause="reparse" if reread else cause, snapshot_sha256=digest,
                    chash=chash, version_related=self.version_related)
        self._cards(conn, article_id, record, rhash, state, at)
        return "unchanged" if reread else "changed"

    @staticmethod
    def _looks_truncated(conn: sqlite3.Connection, old: dict, record: dict, old_digest: str | None,
                         raw: bytes) -> str | None:
        """Why this page looks like a download cut short rather than an edit, or None: it lost most
        of its sections, or it lost some part and, unlike the page before, ends before </html>."""
        lost, before = sections_lost(old, record)
        if lost * 2 > before:
            return f"record lost {lost} of {before} sections (truncated page?)"
        if snapshots.closes(raw) or not old_digest or not lost_anything(old, record):
            return None
        previous = snapshots.body(conn, old_digest)
        if previous is not None and snapshots.closes(previous):
            return "page ends before its closing </html> and lost parts the last version had (truncated page?)"
        return None

    @staticmethod
    def _held_before(conn: sqlite3.Connection, article_id: int, digest: str, crawl_id: int | None) -> bool:
        """The article's last fetch before this crawl held back this very page: a truncated download is
        rarely the same twice, so a page that lost its sections the same way again is the page now (a
        withdrawn summary). Not when the whole page came back in between: the same maintenance page or
        login wall on and off is a glitch each time."""
        last = conn.execute(
            "SELECT f.outcome, s.sha256 FROM fetch_log f JOIN urls u ON u.id = f.url_id"
            " LEFT JOIN snapshots s ON s.id = f.snapshot_id"
            " WHERE u.article_id = ? AND f.crawl_id IS NOT ? AND f.outcome IN (?, ?, ?, ?)"
            " ORDER BY f.crawl_id DESC, f.seq DESC LIMIT 1",
            (article_id, crawl_id, *(OUTCOME_CODE[k] for k in ("new", "changed", "unchanged", "held")))).fetchone()
        return last is not None and last == (OUTCOME_CODE["held"], digest)

    def _cards(self, conn: sqlite3.Connection, article_id: int, record: dict, rhash: str,
               state: dict, at: str) -> None:
        if rhash == state["related_hash"]:
            touch_cards(conn, article_id, at)
        else:
            update_cards(conn, article_id, record, at)
            conn.execute("UPDATE articles SET related_hash = ? WHERE id = ?", (rhash, article_id))

    def not_modified(self, crawl_id: int | None, url: str, headers: Mapping | None = None,
                     fetched_at: str | None = None) -> str:
        """A 304 answer: last_seen moves and the fetch is logged; returns 'unchanged' ('skipped' for a
        page followed only for its links, 'error' if the URL is unknown)."""
        crawl_id = self._crawl(crawl_id)
        at = normalise(fetched_at)
        hdrs = snapshots.normalise_headers(headers)
        with self.transaction() as conn:
            state = self._state(url)
            moving = state is not None and state["status"] == "gone" and _answered_with_the_move(conn, state["id"], url)
            followed = page_links.touch(conn, url, hdrs.get("etag"), hdrs.get("last-modified"),
                                        crawl_id=crawl_id, at=at)
            if state is None and followed:
                return "skipped"
            if state is None:
                self._fetch_error(conn, crawl_id, url, 304, "304 Not Modified for a URL not in the archive", at)
                self._count(conn, crawl_id, "errors")
                return "error"
            conn.execute(
                "UPDATE articles SET last_seen = ?, last_crawl_id = ?, etag = coalesce(?, etag),"
                " last_modified = coalesce(?, last_modified) WHERE id = ?",
                (at, crawl_id, hdrs.get("etag"), hdrs.get("last-modified"), state["id"]))
            # (Apart, and only when it changes anything: SQLite rewrites the index entries of every
            # column an UPDATE sets, and three indexes hold these.)
            if not moving:
                conn.execute("UPDATE articles SET status = 'live', gone_at = NULL, moved_to = NULL WHERE id = ?"
                             " AND (status != 'live' OR gone_at IS NOT NULL OR moved_to IS NOT NULL)", (state["id"],))
                touch_cards(conn, state["id"], at)
            snap_id = snapshots.snapshot_id(conn, state["snapshot_sha256"]) if state["snapshot_sha256"] else None
            url_id, repeat = self._url_id(conn, url, state["id"], crawl_id)
            back = state["status"] == "gone" and not moving
            self._log(conn, crawl_id, url_id, at, 304, snap_id, "back" if back else "unchanged")
            if self.count_each_fetch or not repeat:
                self._count(conn, crawl_id, "unchanged")
        return "unchanged"

    def gone(self, crawl_id: int | None, url: str, http_status: int, fetched_at: str | None = None,
             why: str | None = None) -> str:
        """A 404/410: the article (if archived) becomes gone, keeping its versions; returns 'gone' or 'error'.
        `why`: the answer said so only in its words (a "Page not found" page served with 200), an
        error too, kept in fetch_errors to say why."""
        crawl_id = self._crawl(crawl_id)
        at = normalise(fetched_at)
        with self.transaction() as conn:
            state = self._state(url)
            if state is None:
                counted = self._failed_before(conn, crawl_id, url)
                self._fetch_error(conn, crawl_id, url, http_status, why or f"HTTP {http_status}", at)
                if self.count_each_fetch or not counted:
                    self._count(conn, crawl_id, "errors")
                return "error"
            conn.execute("UPDATE articles SET status = 'gone', gone_at = coalesce(gone_at, ?) WHERE id = ?",
                         (at, state["id"]))
            url_id, repeat = self._url_id(conn, url, state["id"], crawl_id)
            self._log(conn, crawl_id, url_id, at, http_status, None, "gone")
            if why:
                self._fetch_error(conn, crawl_id, url, http_status, why, at)
            if self.count_each_fetch or not repeat:
                self._count(conn, crawl_id, "gone", error=bool(why))
        return "gone"

    def moved(self, crawl_id: int | None, url: str, target: str, http_status: int,
              fetched_at: str | None = None, fetch_counted: bool = False) -> str:
        """A permanent redirect (301/308) of an archived URL to another URL: the article becomes gone
        with `moved_to` = target, keeping its versions (the target is archived as a page of its own);
        returns 'gone', or 'skipped' when the URL is not an archived article's. `fetch_counted`: the
        fetch that said so was counted already (the page itself, served under the target's URL)."""
        crawl_id = self._crawl(crawl_id)
        at = normalise(fetched_at)
        with self.transaction() as conn:
            article_id = article_for_url(conn, url)
            if article_id is None or article_for_url(conn, target) == article_id:
                return "skipped"
            read = _read_from(conn, article_id)
            if read is not None and read not in spellings(url) and read not in spellings(target):
                return "skipped"  # its text is read at another URL (a copy naming this one): that one says where it is
            was_live = conn.execute("SELECT status = 'live' FROM articles WHERE id = ?", (article_id,)).fetchone()[0]
            conn.execute("UPDATE articles SET status = 'gone', gone_at = coalesce(gone_at, ?), moved_to = ?"
                         " WHERE id = ?", (at, target, article_id))
            self._log(conn, crawl_id, self._url_id(conn, url, article_id, crawl_id)[0], at, http_status, None, "gone")
            if was_live:
                self._count(conn, crawl_id, "gone", fetched=not fetch_counted)
        return "gone"

    def fetched_article(self, crawl_id: int, *urls: str) -> str | None:
        """The URL of the article crawl `crawl_id` fetched at one of these spellings of a URL, if it did."""
        with self._lock, translated(self.path):
            for url in dict.fromkeys(urls):
                row = self.conn.execute("SELECT a.url FROM urls u JOIN articles a ON a.id = u.article_id"
                                        " WHERE u.url = ? AND u.last_crawl_id = ?", (url, crawl_id)).fetchone()
                if row:
                    return str(row[0])
        return None

    def unseen_urls(self, crawl_id: int, sites: list[str]) -> list[str]:
        """URLs of live articles on `sites` ('host' or 'host:port') that crawl `crawl_id` has not seen
        (yet): those a complete crawl would mark gone."""
        with self._lock, translated(self.path):
            return [url for _, url in crawls.unseen_live_urls(self.conn, sites, crawl_id)]

    def error(self, crawl_id: int | None, url: str, http_status: int | None, error: str,
              fetched_at: str | None = None, transient: bool = False) -> None:
        """A failed fetch: a fetch_errors row (and a fetches row if the URL is archived). An archived
        page that failed for now (`transient`: 5xx, 429, a timeout) or that the site refused (401, 403,
        451, a temporary redirect...) counts as seen: the site still answers for it, so it does not
        become gone (only 404/410 or a move for good say that)."""
        crawl_id = self._crawl(crawl_id)
        at = normalise(fetched_at)
        with self.transaction() as conn:
            counted = self._failed_before(conn, crawl_id, url)
            self._fetch_error(conn, crawl_id, url, http_status, error, at)
            article_id = article_for_url(conn, url)
            if article_id is not None:
                self._log(conn, crawl_id, self._url_id(conn, url, article_id, None)[0], at, http_status, None, "error")
                if transient or _still_answers(http_status):
                    conn.execute("UPDATE articles SET last_crawl_id = ? WHERE id = ?", (crawl_id, article_id))
            if self.count_each_fetch or not counted:
                self._count(conn, crawl_id, "errors")

    # -- small writers --------------------------------------------------------------------------

    @staticmethod
    def _url_id(conn: sqlite3.Connection, url: str, article_id: int | None,
                crawl_id: int | None) -> tuple[int, bool]:
        """The URL's row (created if new), now naming its article and, given `crawl_id`, the crawl that
        fetched it last (not for an error: the page may still be fetched and counted in this crawl);
        and whether that crawl had fetched it already (a resumed crawl that started its requests over,
        a move's target followed again, also under another spelling: /a/ before a kill, /a after), so
        that the crawl's row counts each page once."""
        row = conn.execute("SELECT id, article_id, last_crawl_id FROM urls WHERE url = ?", (url,)).fetchone()
        # (Its other spelling only: another page whose text the article holds, a copy or a page that
        # moved onto it, is a fetch of its own.)
        other = crawl_id is not None and article_id is not None and any(conn.execute(
            "SELECT 1 FROM urls WHERE url = ? AND article_id = ? AND last_crawl_id = ?",
            (twin, article_id, crawl_id)).fetchone() for twin in spellings(url)[1:])
        if row is None:
            return int(conn.execute("INSERT INTO urls (url, article_id, last_crawl_id) VALUES (?, ?, ?)",
                                    (url, article_id, crawl_id)).lastrowid), other
        if article_id is not None and row[1] != article_id:
            conn.execute("UPDATE urls SET article_id = ? WHERE id = ?", (article_id, row[0]))
        if crawl_id is not None and row[2] != crawl_id:  # (apart: article_id is indexed, last_crawl_id not)
            conn.execute("UPDATE urls SET last_crawl_id = ? WHERE id = ?", (crawl_id, row[0]))
        return int(row[0]), (crawl_id is not None and row[2] == crawl_id) or other

    @staticmethod
    def _log(conn: sqlite3.Connection, crawl_id: int, url_id: int, at: str,
             http_status: int | None, snap_id: int | None, outcome: str) -> None:
        seq = conn.execute("SELECT coalesce(max(seq), 0) + 1 FROM fetch_log WHERE crawl_id = ?",
                           (crawl_id,)).fetchone()[0]
        conn.execute("INSERT INTO fetch_log (crawl_id, seq, url_id, at, http_status, snapshot_id, outcome)"
                     " VALUES (?,?,?,?,?,?,?)",
                     (crawl_id, seq, url_id, to_epoch(at), http_status, snap_id, OUTCOME_CODE[outcome]))

    def _crawl(self, crawl_id: int | None) -> int:
        """The crawl a fetch belongs to; fetches reported outside any crawl share one ad-hoc crawl."""
        if crawl_id is not None:
            return crawl_id
        if self._adhoc_crawl is None:
            with self.transaction() as conn:
                at = normalise(None)
                self._adhoc_crawl = int(conn.execute(
                    "INSERT INTO crawls (started_at, finished_at, start_urls, status)"
                    " VALUES (?, ?, '[]', 'finished')", (at, at)).lastrowid)
        return self._adhoc_crawl

    def _failed_before(self, conn: sqlite3.Connection, crawl_id: int, url: str) -> bool:
        """The crawl's row counted a failure of this URL already (a resumed crawl asks again for what
        it had not finished: the row counts each page once), and now it has."""
        failed = self._failed.get(crawl_id)
        if failed is None:  # (read once a crawl: a resumed crawl's earlier failures)
            failed = self._failed[crawl_id] = {row[0] for row in conn.execute(
                "SELECT url FROM fetch_errors WHERE crawl_id = ?", (crawl_id,))}
        before = url in failed
        failed.add(url)
        return before

    @staticmethod
    def _fetch_error(conn: sqlite3.Connection, crawl_id: int | None, url: str,
                     http_status: int | None, error: str, at: str) -> None:
        conn.execute("INSERT INTO fetch_errors (crawl_id, url, http_status, error, at) VALUES (?,?,?,?,?)",
                     (crawl_id, url, http_status, " ".join(str(error).split()), at))

    @staticmethod
    def _count(conn: sqlite3.Connection, crawl_id: int | None, outcome: str, fetched: bool = True,
               error: bool = False) -> None:
        if crawl_id is None:
            return
        extra = ", errors = errors + 1" if outcome == "held" or error else ""
        conn.execute(f"UPDATE crawls SET {'fetched = fetched + 1, ' if fetched else ''}{outcome} = {outcome} + 1{extra}"
                     " WHERE id = ?", (crawl_id,))


def _file_identity(path: Path) -> tuple[int, int] | None:
    """(device, inode) of the file at `path`, None when nothing is there."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def _answered_with_the_move(conn: sqlite3.Connection, article_id: int, url: str) -> bool:
    """The article moved (its page came to name another as canonical) and the validators a 304 for `url`
    confirms are those of that very answer: the page still names the other one, so it stays moved."""
    row = conn.execute("SELECT a.moved_to IS NOT NULL AND p.seen_at >= a.gone_at FROM articles a, page_links p"
                       " WHERE a.id = ? AND p.url = ?", (article_id, url)).fetchone()
    return bool(row and row[0])


def _read_from(conn: sqlite3.Connection, article_id: int) -> str | None:
    """The URL the article's current text was fetched from (its snapshot's)."""
    row = conn.execute("SELECT s.url FROM articles a JOIN snapshots s ON s.sha256 = a.snapshot_sha256 WHERE a.id = ?",
                       (article_id,)).fetchone()
    return row[0] if row else None
