"""Bookkeeping of crawl runs: which crawls of a site are running now, and which articles a complete
crawl of a site may call gone. A site is a host and its port ("example.org", "127.0.0.1:8001"), as the
crawler's scope draws it."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

_DEFAULT_PORTS = {"http": 80, "https": 443}
_SITE = re.compile(r"^(\[[^\]]*\]|[^:]*)(?::\d+)?$")


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


def _host(site: str) -> str:
    """The host name of a site, as articles.host holds it (an IPv6 address without brackets)."""
    m = _SITE.match(site)
    return m.group(1).strip("[]") if m else site


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
    """(id, url) of live articles on `sites` ('host' or 'host:port') that crawl `crawl_id` did not see."""
    wanted = {site.lower() for site in sites}
    hosts = sorted({_host(site) for site in wanted})
    if not hosts:
        return []
    marks = ",".join("?" * len(hosts))
    rows = conn.execute(f"SELECT id, url FROM articles WHERE status = 'live' AND host IN ({marks})"
                        " AND (last_crawl_id IS NULL OR last_crawl_id != ?) ORDER BY id",
                        (*hosts, crawl_id)).fetchall()
    return [(article_id, url) for article_id, url in rows if site_of(url) in wanted]
