"""Bookkeeping of crawl runs: which crawls of a site are running now, and which articles a complete
crawl of a site may call gone. A site is a host and its port ("example.org", "127.0.0.1:8001"), as the
crawler's scope draws it."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

_DEFAULT_PORTS = {"http": 80, "https": 443}


def site_of(url: str) -> str:
    """'host' or 'host:port' (a scheme's default port left out); '' for a URL without a host."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return ""
    host = (parts.hostname or "").lower().rstrip(".")
    if not host:
        return ""
    host = f"[{host}]" if ":" in host else host  # an IPv6 address, bracketed as in a URL
    return host if port is None or port == _DEFAULT_PORTS.get(parts.scheme.lower()) else f"{host}:{port}"


def running_overlap(conn: sqlite3.Connection, start_urls: Iterable[str], machine: str, pid: int,
                    alive: Callable[[int], bool]) -> tuple[int, int, str] | None:
    """(crawl id, process id, site) of another process's crawl still running on this machine over one of
    the sites of `start_urls`: two crawls of one site would each call gone what the other saw."""
    mine = {site_of(url) for url in start_urls} - {""}
    rows = conn.execute("SELECT id, pid, start_urls FROM crawls WHERE status = 'running' AND host = ?"
                        " AND pid IS NOT NULL AND pid != ?", (machine, pid)).fetchall()
    for crawl_id, other_pid, urls in rows:
        try:
            theirs = {site_of(url) for url in json.loads(urls or "[]") if isinstance(url, str)}
        except ValueError:
            continue
        if (shared := mine & theirs) and alive(other_pid):
            return int(crawl_id), int(other_pid), sorted(shared)[0]
    return None


def unseen_live(conn: sqlite3.Connection, sites: Iterable[str], crawl_id: int) -> list[int]:
    """Ids of live articles on `sites` ('host' or 'host:port') that crawl `crawl_id` did not see."""
    return [article_id for article_id, _ in unseen_live_urls(conn, sites, crawl_id)]


def unseen_live_urls(conn: sqlite3.Connection, sites: Iterable[str], crawl_id: int) -> list[tuple[int, str]]:
    """(id, URL to ask) of live articles on `sites` ('host' or 'host:port') that crawl `crawl_id` did
    not see: the URL it was last fetched from on one of those sites, else its own. (A page whose
    canonical link names another host, scheme or spelling, /s/a/ archived as /s/a, is asked for
    where it was found: its canonical URL may never have been served.)"""
    wanted = {site.lower() for site in sites}
    if not wanted:
        return []
    rows = conn.execute("SELECT a.id, a.url, u.url FROM articles a LEFT JOIN urls u ON u.article_id = a.id"
                        " WHERE a.status = 'live' AND (a.last_crawl_id IS NULL OR a.last_crawl_id != ?)"
                        " ORDER BY a.id, u.last_crawl_id DESC, u.id", (crawl_id,)).fetchall()
    fetched_from: dict[int, str] = {}  # (each article's latest fetched spelling on the sites)
    own_url: dict[int, str] = {}
    for article_id, own, fetched in rows:
        own_url[article_id] = own
        if fetched and site_of(fetched) in wanted:
            fetched_from.setdefault(article_id, fetched)
    return [(article_id, fetched_from.get(article_id, own))
            for article_id, own in own_url.items() if article_id in fetched_from or site_of(own) in wanted]
