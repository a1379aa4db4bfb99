"""What a crawl may conclude about a site, end to end on small real HTTP servers on 127.0.0.1: which
articles are gone (only on the crawled site and port, never after failures-for-now or a crawl that
reached no summary; unreached articles are asked for first, and a move for good is recorded),
robots.txt that answers 5xx, a sitemap given as the start URL, session ids in paths, a canonical link
pointing home, and a crawl stopped by two Ctrl-Cs."""

from __future__ import annotations

import http.server
import socket
import sqlite3
import subprocess
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import pytest

from tests.test_crawl import BIN, FAST, ROOT, crawl, ctrl_c_twice, path_of, query

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]

Answer = tuple[int, dict[str, str], str]


def summary(title: str, canonical: str | None = None, links: str = "") -> str:
    """A small summary page in the seed's shape."""
    head = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    return (f"<html><head><title>{title}</title>{head}</head><body><h1>{title}</h1><p>Credibility: 4/5</p>"
            f"<p>Interest: High</p><h2>Key Takeaway</h2><p>{title} in plain words.</p><h2>What They Found</h2>"
            f"<p>Findings of {title}.</p><h2>More Details</h2><p>Journal: Neurology</p>{links}</body></html>")


def home(paths: list[str]) -> str:
    return "<html><body><h1>Home</h1>" + "".join(f'<a href="{p}">{p}</a> ' for p in paths) + "</body></html>"


class Site:
    """Routes (path -> answer, or a callable giving one) served on 127.0.0.1; every request logged."""

    def __init__(self, routes: dict[str, Answer | Callable[[], Answer]], delay: float = 0.0) -> None:
        self.routes = routes
        self.delay = delay
        self.log: list[tuple[str, int]] = []
        self.heads: list[str] = []  # paths asked with HEAD (not in log)
        self.asked: list[tuple[str, dict[str, str]]] = []  # path, request headers
        self.times: list[tuple[str, float]] = []
        self.headers: dict[str, str] = {}  # the request being answered

    def answer(self, path: str) -> Answer:
        route = self.routes.get(path.split(";", 1)[0])
        if route is None:
            return 404, {}, "not found"
        return route() if callable(route) else route

    def conditional(self, body: str) -> Callable[[], Answer]:
        """An answer with an ETag: 200 with the body, 304 to a request that sends the ETag back."""
        tag = f'"{abs(hash(body))}"'
        return lambda: (304, {"ETag": tag}, "") if self.headers.get("If-None-Match") == tag else (200, {"ETag": tag}, body)

    @property
    def paths(self) -> list[str]:
        return [path for path, _status in self.log]


@contextmanager
def serve(site: Site, host: str = "127.0.0.1") -> Iterator[str]:
    """The site on a free port of `host` (127.0.0.1, or ::1 for IPv6): its base URL."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - stdlib name
            site.headers = dict(self.headers)  # (for a route that answers conditional requests)
            status, headers, body = site.answer(self.path)
            if site.delay:
                time.sleep(site.delay)
            site.log.append((self.path, status))
            site.asked.append((self.path, dict(self.headers)))
            site.times.append((self.path, time.monotonic()))
            data = body.encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", headers.get("Content-Type", "text/html; charset=utf-8"))
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers.items():
                if name != "Content-Type":
                    self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def do_HEAD(self) -> None:  # noqa: N802 - stdlib name
            site.headers = dict(self.headers)
            status, headers, body = site.answer(self.path)
            site.heads.append(self.path)
            self.send_response(status)
            self.send_header("Content-Type", headers.get("Content-Type", "text/html; charset=utf-8"))
            self.send_header("Content-Length", str(len(body.encode("utf-8"))))
            for name, value in headers.items():
                if name != "Content-Type":
                    self.send_header(name, value)
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
            pass

    class Server(http.server.ThreadingHTTPServer):
        address_family = socket.AF_INET6 if ":" in host else socket.AF_INET

        def handle_error(self, request: object, client_address: object) -> None:
            pass  # a crawler that hangs up mid-answer (the interrupted crawl) is no test failure

    server = Server((host, 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{'[' + host + ']' if ':' in host else host}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def statuses(db: Path) -> dict[str, str]:
    return {path_of(url): status for url, status in query(db, "SELECT url, status FROM articles")}


def ok(body: str) -> Answer:
    return 200, {}, body


def test_pages_failing_for_now_stay_live_and_such_a_crawl_marks_nothing_gone(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    site = Site({"/": ok(home(["/s/a", "/s/b", "/s/c"])), "/s/a": ok(summary("Alpha")),
                 "/s/b": ok(summary("Beta")), "/s/c": ok(summary("Gamma"))})
    with serve(site) as url:
        assert crawl(url, "--db", str(db), *FAST).returncode == 0
        site.routes["/s/a"] = (503, {}, "busy")  # failing for now, after retries
        site.routes["/"] = ok(home(["/s/a", "/s/b"]))  # Gamma no longer linked, and removed
        del site.routes["/s/c"]
        second = crawl(url, "--db", str(db), *FAST)
        assert second.returncode == 0, second.stderr
        assert statuses(db) == {"/s/a": "live", "/s/b": "live", "/s/c": "live"}
        assert "1 fetches failed for now" in second.stderr and "not marked gone" in second.stderr
        site.routes["/s/a"] = ok(summary("Alpha"))
        assert crawl(url, "--db", str(db), *FAST).returncode == 0  # a complete crawl: Gamma is gone now
    assert statuses(db) == {"/s/a": "live", "/s/b": "live", "/s/c": "gone"}
    # The crawls row says why the second crawl judged nothing gone, as its summary did.
    assert query(db, "SELECT gone, note FROM crawls ORDER BY id") == [
        (0, None), (0, "1 fetches failed for now (5xx, 429, timeouts): articles not seen were not marked gone"),
        (1, None)]


def test_a_complete_crawl_marks_gone_only_on_its_own_site_and_port(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    one = Site({"/": ok(home(["/s/a"])), "/s/a": ok(summary("Alpha"))})
    two = Site({"/": ok(home(["/s/b"])), "/s/b": ok(summary("Beta"))})
    with serve(one) as first, serve(two) as second:
        assert crawl(first, "--db", str(db), *FAST).returncode == 0
        assert crawl(second, "--db", str(db), *FAST).returncode == 0
    assert statuses(db) == {"/s/a": "live", "/s/b": "live"}


def test_a_crawl_that_reaches_no_summary_marks_nothing_gone(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    site = Site({"/": ok(home(["/s/a", "/s/b"])), "/s/a": ok(summary("Alpha")), "/s/b": ok(summary("Beta"))})
    with serve(site) as url:
        assert crawl(url, "--db", str(db), *FAST).returncode == 0
        site.routes.clear()
        site.routes["/"] = ok("<html><body><h1>Down for maintenance</h1><p>Back soon.</p></body></html>")
        down = crawl(url, "--db", str(db), *FAST)
    assert down.returncode == 0, down.stderr
    assert "no summary page reached" in down.stderr
    assert statuses(db) == {"/s/a": "live", "/s/b": "live"}


def test_robots_txt_answering_503_disallows_the_whole_site(tmp_path: Path) -> None:
    site = Site({"/robots.txt": (503, {"Content-Type": "text/plain"}, "busy"), "/": ok(home(["/s/a"])),
                 "/s/a": ok(summary("Alpha"))})
    with serve(site) as url:
        proc = crawl(url, "--db", str(tmp_path / "a.db"), *FAST)
    assert proc.returncode == 1
    assert "robots.txt" in proc.stderr and "HTTP 503" in proc.stderr, proc.stderr
    assert set(site.paths) == {"/robots.txt"}  # (retried, then nothing else asked)


def test_robots_txt_answering_404_allows_everything(tmp_path: Path) -> None:
    site = Site({"/robots.txt": (404, {}, "<html><body>Disallow: /</body></html>"), "/": ok(home(["/s/a"])),
                 "/s/a": ok(summary("Alpha"))})
    with serve(site) as url:
        assert crawl(url, "--db", str(tmp_path / "a.db"), *FAST).returncode == 0
    assert statuses(tmp_path / "a.db") == {"/s/a": "live"}


def test_a_sitemap_given_as_the_start_url_is_read_as_one(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    site = Site({"/": ok(home([])), "/s/a": ok(summary("Alpha")), "/s/b": ok(summary("Beta"))})
    with serve(site) as url:
        site.routes["/sitemap.xml"] = (200, {"Content-Type": "application/xml"}, (
            '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"<url><loc>{url}/s/a</loc></url><url><loc>{url}/s/b</loc></url></urlset>"))
        proc = crawl(f"{url}/sitemap.xml", "--db", str(db), *FAST)
    assert proc.returncode == 0, proc.stderr
    assert statuses(db) == {"/s/a": "live", "/s/b": "live"}


@pytest.mark.parametrize("spelling", [";jsessionid={}", "?PHPSESSID={}", "?ref=home&sessionid={}"])
def test_session_ids_in_paths_do_not_trap_the_crawl(tmp_path: Path, spelling: str) -> None:
    """(in the query: each link had been a new page, so a crawl never ended)"""
    def with_session(path: str) -> Callable[[], Answer]:
        def answer() -> Answer:  # a servlet that got no cookie writes a fresh session id into every link
            links = "".join(f'<a href="/s/{p}{spelling.format(uuid.uuid4().hex)}">{p}</a> ' for p in "abc")
            return ok(summary(f"Page {path}", links=links) if path else home([]) + links)
        return answer

    site = Site({"/": with_session(""), **{f"/s/{p}": with_session(p) for p in "abc"}})
    with serve(site) as url:
        proc = crawl(url, "--db", str(tmp_path / "a.db"), *FAST, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert sorted(statuses(tmp_path / "a.db")) == ["/s/a", "/s/b", "/s/c"]
    assert len([p for p in site.paths if p.startswith("/s/")]) == 3


def test_pages_whose_canonical_is_the_home_page_stay_apart(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    site = Site({"/": ok(home(["/s/a", "/s/b"]))})
    with serve(site) as url:
        site.routes["/s/a"] = ok(summary("Alpha", canonical=f"{url}/"))
        site.routes["/s/b"] = ok(summary("Beta", canonical=f"{url}/"))
        for _ in range(2):
            assert crawl(url, "--db", str(db), *FAST).returncode == 0
    assert query(db, "SELECT title, version_count FROM articles ORDER BY title") == [("Alpha", 1), ("Beta", 1)]
    assert statuses(db) == {"/s/a": "live", "/s/b": "live"}


def test_two_ctrl_cs_end_the_crawl_as_interrupted(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    pages = [f"/s/{n}" for n in range(40)]
    site = Site({"/": ok(home(pages)), **{p: ok(summary(f"Page {p}")) for p in pages}}, delay=0.2)
    with serve(site) as url:
        proc = subprocess.Popen([str(BIN / "summary-archive"), "crawl", url, "--db", str(db), *FAST], cwd=ROOT,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        err = ctrl_c_twice(proc, lambda: len(site.log) >= 6)
    assert proc.returncode == 1, err
    assert "interrupted" in err
    assert query(db, "SELECT status FROM crawls") == [("interrupted",)]


def test_a_retry_waits_as_long_as_retry_after_asks(tmp_path: Path) -> None:
    answers = iter([(429, {"Retry-After": "2"}, "slow down"), ok(summary("Alpha"))])
    site = Site({"/": ok(home(["/s/a"])), "/s/a": lambda: next(answers, ok(summary("Alpha")))})
    with serve(site) as url:
        assert crawl(url, "--db", str(tmp_path / "a.db"), *FAST).returncode == 0  # (backoff 0.05 s)
    asked = [at for path, at in site.times if path == "/s/a"]
    assert len(asked) == 2 and asked[1] - asked[0] >= 1.8
    assert statuses(tmp_path / "a.db") == {"/s/a": "live"}


def test_relative_sitemap_entries_and_html_served_as_text_are_archived(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    site = Site({"/": ok(home([])), "/robots.txt": (200, {"Content-Type": "text/plain"}, "Sitemap: /maps/index.xml\n"),
                 "/maps/index.xml": (200, {"Content-Type": "application/xml"}, (
                     '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                     "<sitemap><loc>pages.xml</loc></sitemap></sitemapindex>")),
                 "/maps/pages.xml": (200, {"Content-Type": "application/xml"}, (
                     '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                     "<url><loc>/s/a</loc></url><url><loc>/s/b</loc></url></urlset>")),
                 "/s/a": ok(summary("Alpha")),
                 "/s/b": (200, {"Content-Type": "text/plain"}, "<!DOCTYPE html>" + summary("Beta"))})
    with serve(site) as url:
        proc = crawl(url, "--db", str(db), *FAST)
    assert proc.returncode == 0, proc.stderr
    assert statuses(db) == {"/s/a": "live", "/s/b": "live"}


def test_a_resume_directory_of_another_sites_crawl_is_refused(tmp_path: Path) -> None:
    db, jobdir = tmp_path / "a.db", tmp_path / "job"
    one = Site({"/": ok(home(["/s/a"])), "/s/a": ok(summary("Alpha"))})
    two = Site({"/": ok(home(["/s/b"])), "/s/b": ok(summary("Beta"))})
    with serve(one) as first, serve(two) as second:
        assert crawl(first, "--db", str(db), "--resume", str(jobdir), *FAST).returncode == 0
        # As a crawl of the first site interrupted with Ctrl-C leaves it:
        (jobdir / "archive_crawl.json").write_text(f'{{"db": "{db.resolve()}", "crawl_id": 1}}')
        with closing(sqlite3.connect(db)) as conn, conn:
            conn.execute("UPDATE crawls SET status = 'interrupted'")
        proc = crawl(second, "--db", str(db), "--resume", str(jobdir), *FAST)
    assert proc.returncode == 1
    first_site = first.split("//", 1)[1]
    assert f"holds crawl 1 of {first_site}" in proc.stderr, proc.stderr
    assert statuses(db) == {"/s/a": "live"}


def _archived_yet(db: Path) -> int:
    """Articles in the archive so far; 0 while the file or its tables are still being made."""
    try:
        return query(db, "SELECT count(*) FROM articles")[0][0] if db.exists() else 0
    except sqlite3.OperationalError:  # (the file exists before its first migration has committed)
        return 0


def test_the_same_command_again_while_its_crawl_runs_leaves_that_crawl_alone(tmp_path: Path) -> None:
    """A nightly crawl outlasting its day: the next run of the same line (same --resume DIR) is refused
    before it touches the DIR, whose queue is the running crawl's (it had wiped it: pages were lost)."""
    db, jobdir = tmp_path / "a.db", tmp_path / "job"
    paths = [f"/s/{n}" for n in range(12)]
    site = Site({"/": ok(home(paths)), **{p: ok(summary(f"Study {p[3:]}")) for p in paths}}, delay=0.3)
    with serve(site) as url:
        args = [str(BIN / "summary-archive"), "crawl", url, "--db", str(db), "--resume", str(jobdir), *FAST,
                "--concurrency", "1"]
        first = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            deadline = time.monotonic() + 60
            while not _archived_yet(db):  # under way
                assert time.monotonic() < deadline and first.poll() is None, "the first crawl archived nothing"
                time.sleep(0.1)
            kept = {p.relative_to(jobdir) for p in jobdir.rglob("*")}
            second = crawl(url, "--db", str(db), "--resume", str(jobdir), *FAST)
            left = {p.relative_to(jobdir) for p in jobdir.rglob("*")}
        finally:
            _, first_err = first.communicate(timeout=120)
    assert second.returncode == 1 and "crawl 1 kept in" in second.stderr and "still running" in second.stderr
    assert "did not shut down cleanly" not in second.stderr and kept <= left and "requests.seen" in map(str, kept)
    assert first.returncode == 0 and "Traceback" not in first_err, first_err
    assert sorted(statuses(db)) == sorted(paths) and query(db, "SELECT id, status FROM crawls") == [(1, "finished")]


def moves(db: Path) -> dict[str, tuple[str, str | None]]:
    return {path_of(url): (status, moved_to and path_of(moved_to))
            for url, status, moved_to in query(db, "SELECT url, status, moved_to FROM articles")}


def test_a_complete_crawl_asks_for_the_articles_it_did_not_reach_before_marking_them_gone(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    site = Site({"/": ok(home(["/s/a", "/s/b", "/s/c", "/s/d"])), "/s/a": ok(summary("Alpha")),
                 "/s/b": ok(summary("Beta")), "/s/c": ok(summary("Gamma")), "/s/d": ok(summary("Delta"))})
    with serve(site) as url:
        assert crawl(url, "--db", str(db), *FAST).returncode == 0
        site.routes["/"] = ok(home(["/s/a", "/s/c2"]))  # Beta unlinked but there; Gamma moved; Delta removed
        site.routes["/s/c"] = (301, {"Location": "/s/c2"}, "")
        site.routes["/s/c2"] = ok(summary("Gamma"))
        del site.routes["/s/d"]
        site.log.clear()
        second = crawl(url, "--db", str(db), *FAST)
        assert second.returncode == 0, second.stderr
        assert "asked again, before calling them gone: 3 archived pages" in second.stderr
        assert sorted(site.paths).count("/s/b") == 1 and site.paths.count("/s/c") == 1
        site.log.clear()
        del site.routes["/s/b"]
        limited = crawl(url, "--db", str(db), "--max-pages", "5", *FAST)  # a limited crawl asks for none
        assert limited.returncode == 0 and "/s/b" not in site.paths
    assert moves(db) == {"/s/a": ("live", None), "/s/b": ("live", None), "/s/c": ("gone", "/s/c2"),
                         "/s/c2": ("live", None), "/s/d": ("gone", None)}
    assert query(db, "SELECT http_status, outcome FROM fetches WHERE crawl_id = 2 AND url LIKE '%/s/c'") == [
        (301, "gone")]


def test_an_old_url_still_linked_that_redirects_for_good_marks_its_article_moved(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    site = Site({"/": ok(home(["/s/a", "/s/b"])), "/s/a": ok(summary("Alpha")), "/s/b": ok(summary("Beta"))})
    with serve(site) as url:
        assert crawl(url, "--db", str(db), *FAST).returncode == 0
        site.routes["/s/b"] = (308, {"Location": "/new/b"}, "")  # the home page still links the old URL
        site.routes["/new/b"] = ok(summary("Beta"))
        assert crawl(url, "--db", str(db), *FAST).returncode == 0
        moved = moves(db)
        old_history, new_history = (subprocess.run(
            [str(BIN / "summary-archive"), "history", f"{url}{path}", "--db", str(db)],
            capture_output=True, text=True, check=True).stdout.splitlines()[:2] for path in ("/s/b", "/new/b"))
        site.routes["/s/b"] = ok(summary("Beta"))  # moved back: live again, no longer moved
        site.routes["/"] = ok(home(["/s/a", "/s/b", "/new/b"]))
        assert crawl(url, "--db", str(db), *FAST).returncode == 0
        back = moves(db)
    assert moved == {"/s/a": ("live", None), "/s/b": ("gone", "/new/b"), "/new/b": ("live", None)}
    # A move starts a new history at the new URL: each history says where the other one is.
    assert old_history[1].startswith("gone since 20") and old_history[1].endswith(f", moved to {url}/new/b")
    assert new_history[1] == f"moved here from {url}/s/b (whose versions are its own history)"
    assert back == {"/s/a": ("live", None), "/s/b": ("live", None), "/new/b": ("live", None)}
    assert query(db, "SELECT gone FROM crawls ORDER BY id") == [(0,), (1,), (0,)]


def test_a_page_the_site_refuses_is_not_gone(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    site = Site({"/": ok(home(["/s/a", "/list"])), "/s/a": ok(summary("Alpha")),
                 "/list": ok(home(["/s/b", "/s/c", "/s/d"])), "/s/b": ok(summary("Beta")),
                 "/s/c": ok(summary("Gamma")), "/s/d": ok(summary("Delta"))})
    with serve(site) as url:
        assert crawl(url, "--db", str(db), *FAST).returncode == 0
        site.routes.update({"/list": (403, {}, "no"), "/s/b": (403, {}, "no"), "/s/c": (451, {}, "legal"),
                            "/s/d": (302, {"Location": "/login"}, ""), "/login": ok("<h1>Log in</h1>")})
        second = crawl(url, "--db", str(db), *FAST)
    assert second.returncode == 0, second.stderr
    assert statuses(db) == {"/s/a": "live", "/s/b": "live", "/s/c": "live", "/s/d": "live"}
    errors = query(db, "SELECT url, http_status, error FROM fetch_errors WHERE crawl_id = 2 ORDER BY url")
    assert [(path_of(u), status) for u, status, _ in errors] == [
        ("/list", 403), ("/s/b", 403), ("/s/c", 451), ("/s/d", 302)]
    assert errors[-1][2].endswith("/login")


def test_validators_only_when_they_mean_something(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    site = Site({"/": ok(home(["/s/a", "/s/b", "/s/c"])),
                 "/s/a": (200, {"Last-Modified": "yesterday-ish, 99 Foo 20x6"}, summary("Alpha")),
                 "/s/b": (200, {"Last-Modified": "Fri, 01 Jan 2100 00:00:00 GMT"}, summary("Beta")),
                 "/s/c": ok(summary("Gamma"))})
    with serve(site) as url:
        assert crawl(url, "--db", str(db), *FAST).returncode == 0
        site.routes["/s/c"] = (304, {}, "")  # a server that answers 304 to anything
        site.asked.clear()
        assert crawl(url, "--db", str(db), *FAST).returncode == 0
    sent = {path: headers for path, headers in site.asked}
    # An unreadable date, or one in the future (a date-comparing server would say 304 for ever), is not sent back.
    assert "If-Modified-Since" not in sent["/s/a"] and "If-Modified-Since" not in sent["/s/b"]
    assert query(db, "SELECT url, error FROM fetch_errors WHERE crawl_id = 2") == [
        (f"{url}/s/c", "HTTP 304 to a request without validators (says nothing of the page)")]
    assert statuses(db)["/s/c"] == "live"
    assert query(db, "SELECT outcome FROM fetches WHERE crawl_id = 2 AND url LIKE '%/s/c'") == [("error",)]


def test_a_stub_that_refreshes_at_once_to_the_new_url_is_a_move(tmp_path: Path) -> None:
    """Static hosts move pages with a stub (Jekyll's redirect_from): an immediate meta refresh to the
    new URL, whose canonical link names it too. The stub is neither a version of the new article
    nor of the old one."""
    db = tmp_path / "a.db"
    site = Site({"/": ok(home(["/s/a", "/s/old"])), "/s/a": ok(summary("Alpha")), "/s/old": ok(summary("Beta"))})
    with serve(site) as url:
        assert crawl(url, "--db", str(db), *FAST).returncode == 0
        stub = (f'<html><head><meta http-equiv="refresh" content="0; url=/s/new"><link rel="canonical" '
                f'href="{url}/s/new"><title>Redirecting</title></head><body><a href="/s/new">Click here</a></body></html>')
        site.routes.update({"/": ok(home(["/s/a", "/s/new"])), "/s/old": ok(stub), "/s/new": ok(summary("Beta"))})
        for _ in range(2):  # twice: a stub held back once would become a version the second time
            assert crawl(url, "--db", str(db), *FAST).returncode == 0
        site.routes["/"] = ok(home(["/s/a", "/s/old"]))  # the old URL linked again: followed to the new one
        assert crawl(url, "--db", str(db), *FAST).returncode == 0
    assert moves(db) == {"/s/a": ("live", None), "/s/old": ("gone", "/s/new"), "/s/new": ("live", None)}
    assert query(db, "SELECT count(*) FROM versions") == [(3,)]
    assert query(db, "SELECT count(*) FROM fetch_errors WHERE error LIKE 'held%'") == [(0,)]


def test_a_page_that_refreshes_later_is_read_first_and_its_target_followed(tmp_path: Path) -> None:
    """A refresh after 30 s leaves a page to read (a listing, a summary): archived as it is, its target a link."""
    db = tmp_path / "a.db"
    later = '<meta http-equiv="refresh" content="30; url=/s/b">'
    site = Site({"/": ok(home(["/s/a"])), "/s/a": ok(summary("Alpha").replace("<head>", f"<head>{later}")),
                 "/s/b": ok(summary("Beta"))})
    with serve(site) as url:
        for _ in range(2):
            assert crawl(url, "--db", str(db), *FAST).returncode == 0
    assert moves(db) == {"/s/a": ("live", None), "/s/b": ("live", None)}


def test_a_move_is_recorded_where_its_redirects_end_and_never_for_a_loop(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    paths = ["/s/a", "/s/chain", "/s/loop", "/s/slug"]
    site = Site({"/": ok(home(paths)), **{p: ok(summary(p[3:].title())) for p in paths}})
    with serve(site) as url:
        assert crawl(url, "--db", str(db), *FAST).returncode == 0
        site.routes.update({
            "/": ok(home(["/s/a", "/s/loop", "/s/slug"])),
            "/s/chain": (301, {"Location": "/s/chain1"}, ""), "/s/chain1": (301, {"Location": "/s/chain2"}, ""),
            "/s/chain2": ok(summary("Chain")),  # old CMS -> interim -> new
            "/s/loop": (301, {"Location": "/s/loop-x"}, ""), "/s/loop-x": (301, {"Location": "/s/loop"}, ""),
            "/s/slug": ok(summary("Slug", canonical=f"{url}/s/slug-renamed")),  # still served, renamed
            "/s/slug-renamed": ok(summary("Slug", canonical=f"{url}/s/slug-renamed")),  # (a URL that 404s is no rename)
        })
        assert crawl(url, "--db", str(db), *FAST).returncode == 0
    assert moves(db) == {"/s/a": ("live", None), "/s/chain": ("gone", "/s/chain2"), "/s/chain2": ("live", None),
                         "/s/loop": ("live", None), "/s/slug": ("gone", "/s/slug-renamed"),
                         "/s/slug-renamed": ("live", None)}
    assert any("redirect loop" in error for (error,) in query(
        db, "SELECT error FROM fetch_errors WHERE crawl_id = 2 AND url LIKE '%/s/loop'"))


def test_a_site_on_an_ipv6_address_is_crawled(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    site = Site({"/": ok(home(["/s/a", "/s/b"])), "/s/a": ok(summary("Alpha")), "/s/b": ok(summary("Beta"))})
    with serve(site, host="::1") as url:
        first = crawl(url, "--db", str(db), *FAST)
        del site.routes["/s/b"]
        second = crawl(url, "--db", str(db), *FAST)
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    assert statuses(db) == {"/s/a": "live", "/s/b": "gone"}  # (and its gone-marking found the bracketed host)
    assert query(db, "SELECT url FROM articles WHERE url LIKE '%/s/a'") == [(f"{url}/s/a",)]


def test_a_sitemap_over_the_page_size_limit_is_read_and_a_page_over_it_is_no_failure_for_now(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    pad = "<!-- " + "x" * 150_000 + " -->"  # sitemaps.org allows 50 MB; the page limit here is 100 kB
    site = Site({"/": ok(home(["/s/a", "/s/big"])), "/s/a": ok(summary("Alpha")),
                 "/s/big": ok(summary("Big", links=pad)), "/s/only": ok(summary("Only In The Sitemap"))})
    with serve(site) as url:
        site.routes["/sitemap.xml"] = (200, {"Content-Type": "application/xml"},
                                       '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                                       f"{pad}<url><loc>{url}/s/only</loc></url></urlset>")
        small = ["--set", "DOWNLOAD_MAXSIZE=100000"]
        first = crawl(url, "--db", str(db), *FAST, *small)
        del site.routes["/s/only"]
        second = crawl(url, "--db", str(db), *FAST, *small)
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    # The over-large page is an error, but not one that may pass tomorrow: the crawl is complete.
    assert statuses(db) == {"/s/a": "live", "/s/only": "gone"}
    assert "failed for now" not in second.stderr
    assert query(db, "SELECT count(*) FROM fetch_errors WHERE url LIKE '%/s/big' AND error LIKE '%max size%'") == [(2,)]


def test_articles_robots_txt_now_disallows_are_not_marked_gone(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    site = Site({"/": ok(home(["/s/a", "/s/b", "/s/c"])), "/s/a": ok(summary("Alpha")),
                 "/s/b": ok(summary("Beta")), "/s/c": ok(summary("Gamma"))})
    with serve(site) as url:
        assert crawl(url, "--db", str(db), *FAST).returncode == 0
        site.routes["/robots.txt"] = (200, {"Content-Type": "text/plain"}, "User-agent: *\nDisallow: /s/b\nDisallow: /s/c\n")
        site.routes["/"] = ok(home(["/s/a", "/s/b"]))  # Beta still linked, Gamma not: neither may be looked at
        site.log.clear()
        second = crawl(url, "--db", str(db), *FAST)
        assert second.returncode == 0
    assert statuses(db) == {"/s/a": "live", "/s/b": "live", "/s/c": "live"}
    assert "/s/b" not in site.paths and "/s/c" not in site.paths
    # The summary does not count them as asked again.
    assert "robots.txt disallows them (they stay live): 2" in second.stderr and "asked again, before" not in second.stderr
    assert len(query(db, "SELECT url FROM fetch_errors WHERE crawl_id = 2 AND error LIKE 'not asked again%'")) == 2


def test_a_redirect_for_good_to_a_page_that_is_no_summary_is_no_move(tmp_path: Path) -> None:
    """A removed article that redirects to the home page (a common soft delete) is gone, not moved
    there, also when the home page answers 304 (the recrawl had recorded moved_to = the home page)."""
    db = tmp_path / "a.db"
    site = Site({"/": (200, {"ETag": '"home1"'}, home(["/s/a", "/s/b"])), "/s/a": ok(summary("Alpha")),
                 "/s/b": ok(summary("Beta"))})
    with serve(site) as url:
        assert crawl(url, "--db", str(db), *FAST).returncode == 0
        site.routes["/"] = (304, {"ETag": '"home1"'}, "")  # unchanged: its remembered links still lead to /s/b
        site.routes["/s/b"] = (301, {"Location": "/"}, "")
        second = crawl(url, "--db", str(db), *FAST)
        assert second.returncode == 0, second.stderr
    assert moves(db) == {"/s/a": ("live", None), "/s/b": ("gone", None)}


def _zusammenfassung(title: str) -> str:
    return (f"<html><body><h1>{title}</h1><p>Glaubwürdigkeit: 4/5</p><h2>Das Wichtigste</h2>"
            f"<p>{title}: eine neue Therapie senkte die Zahl der Schübe.</p><h2>Was sie fanden</h2>"
            "<p>Weniger Schübe nach zwei Jahren.</p><h2>Weitere Details</h2><p>Zeitschrift: Neurology</p>"
            "</body></html>")


def test_a_site_whose_summaries_have_unknown_labels_gets_the_profile_hint(tmp_path: Path) -> None:
    """Read without its labels no page is a summary: the crawl says so and what to do, once it is
    given a profile it archives them and says nothing of the kind."""
    paths = [f"/artikel/{n}" for n in range(3)]

    site = Site({"/": ok(home(paths))})
    site.routes.update({p: site.conditional(_zusammenfassung(f"Studie {p[-1]}")) for p in paths})  # (as the probe's site did)
    profile = tmp_path / "de.toml"
    profile.write_text('[labels]\nsections = ["Das Wichtigste", "Was sie fanden"]\nratings = ["Glaubwürdigkeit"]\n'
                       'details = ["Weitere Details"]\n', encoding="utf-8")
    with serve(site) as base:
        plain = crawl(base + "/", "--db", str(tmp_path / "plain.db"), *FAST)
        assert query(tmp_path / "plain.db", "SELECT count(*) FROM articles") == [(0,)]
        labelled = crawl(base + "/", "--db", str(tmp_path / "de.db"), "--profile", str(profile), *FAST)
        # Following the hint on the same archive: the pages are read again with the labels, not
        # answered 304 as the pages that were no summaries under the default labels.
        followed = crawl(base + "/", "--db", str(tmp_path / "plain.db"), "--profile", str(profile), *FAST)
    assert plain.returncode == 0, plain.stderr
    assert "no page read as a summary (1 listing, 3 other pages)" in plain.stderr, plain.stderr
    assert "give their labels with --profile" in plain.stderr
    assert labelled.returncode == 0, labelled.stderr
    assert "no page read as a summary" not in labelled.stderr
    assert query(tmp_path / "de.db", "SELECT count(*) FROM articles WHERE page_type = 'summary'") == [(3,)]
    assert followed.returncode == 0, followed.stderr
    assert query(tmp_path / "plain.db", "SELECT count(*) FROM articles WHERE page_type = 'summary'") == [(3,)]


# -- crawler round 7: the end-of-crawl question is asked where the page was found ---------------------

@pytest.mark.parametrize("spelling", ["another host", "https", "trailing slash"])
def test_an_unlinked_article_is_asked_for_where_it_was_fetched_not_at_its_canonical_url(
        tmp_path: Path, spelling: str) -> None:
    """A page whose canonical link names another spelling of its URL (localhost for 127.0.0.1, https for
    an http site, /s/a for /s/a/) is asked for again at the URL it was fetched from: there it is still
    there (live) or gone (404); its canonical URL may never have been served."""
    db = tmp_path / "a.db"
    site = Site({})
    with serve(site) as url:
        port = url.rstrip("/").rsplit(":", 1)[1]
        page = {"another host": "/s/b", "https": "/s/b", "trailing slash": "/s/b/"}[spelling]
        canonical = {"another host": f"http://localhost:{port}/s/b", "https": f"https://127.0.0.1:{port}/s/b",
                     "trailing slash": None}[spelling]
        site.routes.update({"/": ok(home(["/s/a", "/s/c", page])), "/s/a": ok(summary("Alpha")),
                            page: ok(summary("Beta", canonical)), "/s/c": ok(summary("Gamma", canonical and
                                                                                    canonical.replace("/s/b", "/s/c")))})
        assert crawl(url, "--db", str(db), *FAST).returncode == 0
        site.routes["/"] = ok(home(["/s/a"]))  # neither linked now: Beta still served, Gamma removed
        del site.routes["/s/c"]
        site.log.clear()
        assert crawl(url, "--db", str(db), *FAST).returncode == 0
    assert page in site.paths and "/s/c" in site.paths
    assert sorted(statuses(db).values()) == ["gone", "live", "live"]
    assert query(db, "SELECT count(*) FROM fetch_errors WHERE crawl_id = 2")[0][0] == 0
    gone = query(db, "SELECT url FROM articles WHERE status = 'gone'")[0][0]
    assert gone.endswith("/s/c")


def test_a_move_for_good_that_ends_in_a_temporary_redirect_to_a_login_page_is_no_move(tmp_path: Path) -> None:
    """301 to /members/e, then 302 to a login page: the site sends readers there for now, as a direct
    302 would; the article stays live and an error says why (it had been marked gone)."""
    db = tmp_path / "a.db"
    site = Site({"/": ok(home(["/s/e", "/s/f"])), "/s/e": ok(summary("Echo")), "/s/f": ok(summary("Foxtrot"))})
    with serve(site) as url:
        assert crawl(url, "--db", str(db), *FAST).returncode == 0
        site.routes.update({"/": ok(home(["/s/f"])), "/s/e": (301, {"Location": "/members/e"}, ""),
                            "/members/e": (302, {"Location": "/login?next=/members/e"}, ""),
                            "/login?next=/members/e": ok("<html><body><h1>Sign in</h1><form><input></form></body></html>")})
        assert crawl(url, "--db", str(db), *FAST).returncode == 0
    assert moves(db) == {"/s/e": ("live", None), "/s/f": ("live", None)}
    errors = query(db, "SELECT url, error FROM fetch_errors WHERE crawl_id = 2")
    assert [(path_of(u), "for now (HTTP 302)" in e) for u, e in errors] == [("/s/e", True)]


def test_a_start_url_redirecting_off_site_is_named_as_given(tmp_path: Path) -> None:
    """localhost/start 301s to 127.0.0.1 (as example.org to www.example.org): out of the start URL's
    scope, a one-line failure naming the start URL as given and the redirect's target as off-site."""
    site = Site({})
    with serve(site) as url:
        start = url.replace("127.0.0.1", "localhost").rstrip("/") + "/start"
        site.routes["/start"] = (301, {"Location": url}, "")
        result = crawl(start, "--db", str(tmp_path / "a.db"), *FAST)
    assert result.returncode != 0
    assert f"could not reach the start URL {start}: OffsiteRequest: off-site: {url}" in result.stderr


# -- crawler round 8: a site migrating between crawls ------------------------------------------------

def test_a_move_for_good_to_a_page_robots_txt_disallows_is_no_move_and_says_so(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    site = Site({"/": ok(home(["/s/a", "/s/b"])), "/s/a": ok(summary("Alpha")), "/s/b": ok(summary("Beta"))})
    with serve(site) as url:
        assert crawl(url, "--db", str(db), *FAST).returncode == 0
        site.routes.update({"/": ok(home(["/s/b"])), "/s/a": (301, {"Location": "/s/a-new"}, ""),
                            "/s/a-new": ok(summary("Alpha")),
                            "/robots.txt": (200, {"Content-Type": "text/plain"}, "User-agent: *\nDisallow: /s/a-new\n")})
        assert crawl(url, "--db", str(db), *FAST).returncode == 0
    assert "/s/a-new" not in site.paths
    assert moves(db) == {"/s/a": ("live", None), "/s/b": ("live", None)}
    errors = query(db, "SELECT url, error FROM fetch_errors WHERE crawl_id = 2")
    assert [(path_of(u), "not followed" in e and "robots.txt" in e) for u, e in errors] == [("/s/a", True)]


def test_a_move_to_a_page_this_crawl_archived_is_recorded_without_asking_for_it_again(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    site = Site({"/": ok(home(["/s/a", "/s/b"])), "/s/a": ok(summary("Alpha")), "/s/b": ok(summary("Beta"))})
    with serve(site) as url:
        assert crawl(url, "--db", str(db), *FAST).returncode == 0
        site.routes.update({"/": ok(home(["/n/a", "/s/b"])), "/s/a": (301, {"Location": "/n/a"}, ""),
                            "/n/a": ok(summary("Alpha"))})
        site.log.clear()
        assert crawl(url, "--db", str(db), *FAST).returncode == 0
    assert site.paths.count("/n/a") == 1 and site.paths.count("/s/a") == 1
    assert moves(db)["/s/a"] == ("gone", "/n/a") and moves(db)["/n/a"] == ("live", None)


def test_canonical_links_gaining_a_trailing_slash_keep_each_article_one(tmp_path: Path) -> None:
    """The CMS now ends every URL (and canonical link) with a slash, 301 from the old spellings: the
    same articles, unchanged (it had archived each again and called the first ones moved)."""
    db = tmp_path / "a.db"
    site = Site({})
    with serve(site) as url:
        base = url.rstrip("/")
        site.routes.update({"/": ok(home(["/s/a", "/s/b"])), "/s/a": ok(summary("Alpha", f"{base}/s/a")),
                            "/s/b": ok(summary("Beta", f"{base}/s/b"))})
        assert crawl(url, "--db", str(db), *FAST).returncode == 0
        site.routes = {"/": ok(home(["/s/a/", "/s/b/"])), "/s/a": (301, {"Location": "/s/a/"}, ""),
                       "/s/b": (301, {"Location": "/s/b/"}, ""), "/s/a/": ok(summary("Alpha", f"{base}/s/a/")),
                       "/s/b/": ok(summary("Beta", f"{base}/s/b/"))}
        assert crawl(url, "--db", str(db), *FAST).returncode == 0
    assert moves(db) == {"/s/a": ("live", None), "/s/b": ("live", None)}
    assert query(db, "SELECT new, changed, unchanged, gone FROM crawls WHERE id = 2") == [(0, 0, 2, 0)]


def test_a_move_into_a_page_already_asked_for_is_recorded_in_an_incomplete_crawl(tmp_path: Path) -> None:
    """Crawler round 10: the 301's next hop was dropped by the duplicate filter (the target asked for
    already), and only a complete crawl's last question found the move; a 5xx elsewhere hid it."""
    db = tmp_path / "a.db"
    site = Site({"/": ok(home(["/s/a", "/s/b", "/s/c"])), "/s/a": ok(summary("Alpha")),
                 "/s/b": ok(summary("Beta")), "/s/c": ok(summary("Gamma"))})
    with serve(site) as url:
        assert crawl(url, "--db", str(db), *FAST).returncode == 0
        # /s/b now lives at /s/a's page's side: home links the target first, then the old URL.
        site.routes.update({"/": ok(home(["/s/n", "/s/a", "/s/b", "/s/c"])), "/s/n": ok(summary("Beta")),
                            "/s/b": (301, {"Location": "/s/n"}, ""), "/s/c": (503, {}, "busy")})
        site.log.clear()
        second = crawl(url, "--db", str(db), *FAST)
        assert second.returncode == 0, second.stderr
    assert "not marked gone" in second.stderr  # (an incomplete crawl: no end-of-crawl question)
    assert moves(db)["/s/b"] == ("gone", "/s/n") and site.paths.count("/s/n") == 1
    assert query(db, "SELECT http_status, outcome FROM fetches WHERE crawl_id = 2 AND url LIKE '%/s/b'") == [
        (301, "gone")]


def test_a_page_served_under_another_articles_canonical_url_is_one_fetch(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    site = Site({"/": ok(home(["/s/a", "/s/b"])), "/s/a": ok(summary("Alpha")), "/s/b": ok(summary("Beta"))})
    with serve(site) as url:
        assert crawl(url, "--db", str(db), *FAST).returncode == 0
        site.routes["/s/b"] = ok(summary("Alpha", canonical=f"{url.rstrip('/')}/s/a"))  # /s/b now shows Alpha
        assert crawl(url, "--db", str(db), *FAST).returncode == 0
    assert moves(db)["/s/b"] == ("gone", "/s/a")
    (fetched, gone), = query(db, "SELECT fetched, gone FROM crawls WHERE id = 2")
    asked = len(query(db, "SELECT DISTINCT url FROM fetches WHERE crawl_id = 2"))
    assert (fetched, gone) == (asked, 1)  # one fetch each: /s/b's is not counted twice


def test_an_archived_page_now_saying_not_found_with_200_is_gone_at_once(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    site = Site({"/": ok(home(["/s/a", "/s/b"])), "/s/a": ok(summary("Alpha")), "/s/b": ok(summary("Beta"))})
    with serve(site) as url:
        assert crawl(url, "--db", str(db), *FAST).returncode == 0
        site.routes["/s/b"] = ok("<html><head><title>Page not found</title></head><body><h1>Page not found</h1>"
                                 "<p>Sorry, we could not find that page.</p></body></html>")
        site.log.clear()
        second = crawl(url, "--db", str(db), *FAST)
        assert second.returncode == 0, second.stderr
    assert statuses(db)["/s/b"] == "gone" and site.paths.count("/s/b") == 1  # (not asked twice)
    assert query(db, "SELECT gone, errors FROM crawls WHERE id = 2") == [(1, 1)]
    assert [e for (e,) in query(db, "SELECT error FROM fetch_errors WHERE crawl_id = 2")] == [
        "soft 404: HTTP 200 page titled 'Page not found'"]
    assert "asked again" not in second.stderr


def test_one_article_whatever_its_copies_and_spellings_and_different_articles_apart(tmp_path: Path) -> None:
    """Round 13 of the crawler probes: a page's index.html and AMP copies, a syndicated copy, posts addressed
    by query whose canonical link names the bare path, a canonical link that respells the page between
    crawls, a query with a repeated key, a broken "/t/x/" linked before a working "/t/x"."""
    db = tmp_path / "a.db"
    site = Site({"/": ok(home(["/s/a/index.html", "/s/a/amp", "/s/a", "/?p=1", "/?p=2", "/e/copy", "/e/orig", "/t/x/",
                               "/q?topic=ms&topic=diet", "/q?topic=ms&topic=sleep", "/h/1?a=1&b=2", "/s/b"]))})
    with serve(site) as url:
        site.routes.update({
            "/s/a": ok(summary("Alpha")), "/s/a/index.html": ok(summary("Alpha", canonical=f"{url}/s/a")),
            "/s/a/amp": ok(summary("Alpha", canonical=f"{url}/s/a")),  # (an AMP copy: the same text)
            "/?p=1": ok(summary("Post 1", canonical=f"{url}/")), "/?p=2": ok(summary("Post 2", canonical=f"{url}/")),
            "/e/orig": ok(summary("Original")), "/e/copy": ok(summary("Copy", canonical=f"{url}/e/orig")),
            "/t/x": ok(summary("Twin")), "/s/b": ok(summary("Beta", links='<a href="/t/x">x</a>')),
            "/q?topic=ms&topic=diet": ok(summary("MS and diet")), "/q?topic=ms&topic=sleep": ok(summary("MS and sleep")),
            "/h/1?a=1&b=2": ok(summary("Respelt")),
        })
        assert crawl(url, "--db", str(db), *FAST).returncode == 0
        site.routes["/h/1?a=1&b=2"] = ok(summary("Respelt", canonical=f"{url}/h/%31?b=2&a=1"))  # (itself, spelt anew)
        first = query(db, "SELECT count(*) FROM versions")
        for _ in range(2):
            assert crawl(url, "--db", str(db), *FAST).returncode == 0
    assert {"/" + u.split("/", 3)[3]: t for u, t in query(db, "SELECT url, title FROM articles")} == {
        "/s/a": "Alpha", "/?p=1": "Post 1", "/?p=2": "Post 2", "/e/orig": "Original", "/t/x": "Twin", "/s/b": "Beta",
        "/q?topic=diet&topic=ms": "MS and diet", "/q?topic=ms&topic=sleep": "MS and sleep", "/h/1?a=1&b=2": "Respelt"}  # (queries sorted)
    # (The first crawl may store a copy's text before the original's: the original may never answer.)
    assert query(db, "SELECT count(*) FROM versions") == first  # then no copy made a version, nor flipped one
    assert query(db, "SELECT url, status, moved_to FROM articles WHERE status != 'live'") == []


def test_canonical_links_between_readable_pages_lose_no_text_and_add_no_noise(tmp_path: Path) -> None:
    """Round 15 of the crawler probes: an archived article that starts naming another as canonical; a copy
    archived first under its original's URL, with Last-Modified only; copies naming a URL that answers 404,
    that redirects to another summary, or an off-site one; an archived page whose other trailing-slash
    spelling, alone linked now, answers 404. Every text a reader can read stays archived and live, and
    an unchanged site adds no version."""
    db = tmp_path / "a.db"
    stamp = "Tue, 14 Nov 2023 22:13:20 GMT"

    def dated(body: str) -> Callable[[], Answer]:
        return lambda: (304, {}, "") if site.headers.get("If-Modified-Since") == stamp else (200, {"Last-Modified": stamp}, body)

    site = Site({"/": ok(home(["/a", "/c", "/amp/o", "/b1", "/b2", "/c2", "/b3", "/b4", "/t5", "/gone404", "/redir"]))})
    with serve(site) as url:
        site.routes.update({
            "/a": ok(summary("Article A")), "/c": ok(summary("Article C")),
            "/o": dated(summary("Original O")), "/amp/o": dated(summary("Original O AMP", canonical=f"{url}/o")),
            "/b1": ok(summary("B1", canonical=f"{url}/gone404")),
            "/b2": ok(summary("B2", canonical=f"{url}/redir")), "/redir": (301, {"Location": "/c2"}, ""),
            "/c2": ok(summary("C2")),
            "/b3": ok(summary("B3", canonical="http://offsite.example/x")),
            "/b4": ok(summary("B4", canonical="http://offsite.example/x")),
            "/t5": ok(summary("T5")),
        })
        assert crawl(url, "--db", str(db), *FAST).returncode == 0
        site.routes["/a"] = ok(summary("Article A", canonical=f"{url}/c"))  # (a reader still reads A there)
        site.routes["/"] = ok(home(["/a", "/c", "/amp/o", "/o", "/b1", "/b2", "/c2", "/b3", "/b4", "/t5/", "/gone404", "/redir"]))
        assert crawl(url, "--db", str(db), *FAST).returncode == 0
        settled = query(db, "SELECT count(*) FROM versions")
        assert crawl(url, "--db", str(db), *FAST).returncode == 0
    titles = {t for (t,) in query(db, "SELECT title FROM articles WHERE status = 'live'")}
    assert {"Article A", "Article C", "Original O", "B1", "B2", "C2", "B3", "B4", "T5"} <= titles
    assert query(db, "SELECT title FROM articles WHERE url LIKE '%/c'") == [("Article C",)]
    assert query(db, "SELECT count(*) FROM versions") == settled  # the unchanged site added nothing


# -- crawler round 18: months of scheduled crawls ------------------------------------------------------

def test_a_page_moved_by_its_canonical_link_stays_moved_when_it_answers_304(tmp_path: Path) -> None:
    """The page at /s/a came to name /s/b as canonical: /s/a is gone, moved to /s/b. A later crawl's
    conditional request for /s/a gets 304 (the same page, still naming /s/b): it had become live again,
    moved_to cleared, then gone again at the next 200, flipping with the status code."""
    db = tmp_path / "a.db"

    site = Site({"/": ok(home(["/s/a"]))})
    site.routes["/s/a"] = site.conditional(summary("Alpha"))
    with serve(site) as url:
        assert crawl(url, "--db", str(db), *FAST).returncode == 0
        site.routes["/"] = ok(home(["/s/a", "/s/b"]))
        site.routes["/s/a"] = site.conditional(summary("Alpha", canonical="/s/b"))
        site.routes["/s/b"] = site.conditional(summary("Alpha", canonical="/s/b"))
        assert crawl(url, "--db", str(db), *FAST).returncode == 0
        moved = query(db, "SELECT status, moved_to, gone_at FROM articles WHERE url LIKE '%/s/a'")
        site.log.clear()
        third = crawl(url, "--db", str(db), *FAST)
        assert third.returncode == 0, third.stderr
        assert (("/s/a", 304) in site.log) and moved[0][:2] == ("gone", f"{url}/s/b")
        assert query(db, "SELECT status, moved_to, gone_at FROM articles WHERE url LIKE '%/s/a'") == moved
        assert query(db, "SELECT gone FROM crawls WHERE id = 3") == [(0,)]
    assert moves(db) == {"/s/a": ("gone", "/s/b"), "/s/b": ("live", None)}


def test_the_summary_says_how_many_gone_articles_came_back(tmp_path: Path) -> None:
    """A gone article answering again with its text is counted as unchanged: the summary had not said
    that anything came back."""
    db = tmp_path / "a.db"
    site = Site({"/": ok(home(["/s/a", "/s/b"])), "/s/a": ok(summary("Alpha")), "/s/b": ok(summary("Beta"))})
    with serve(site) as url:
        assert crawl(url, "--db", str(db), *FAST).returncode == 0
        gone = site.routes.pop("/s/a")
        assert "back:" not in (second := crawl(url, "--db", str(db), *FAST)).stderr, second.stderr
        site.routes["/s/a"] = gone
        third = crawl(url, "--db", str(db), *FAST)
    assert third.returncode == 0 and "  back: 1 gone articles answered again" in third.stderr, third.stderr
    assert moves(db) == {"/s/a": ("live", None), "/s/b": ("live", None)}


# -- crawler round 19: the site moves house --------------------------------------------------------------

def test_a_canonical_link_naming_another_host_is_not_followed(tmp_path: Path) -> None:
    """A staging mistake for one crawl (every canonical naming http://staging.invalid/...): every article
    had moved there ('new 2, gone 2'), and the staging copies stayed live for good, never asked again."""
    db = tmp_path / "a.db"
    site = Site({"/": ok(home(["/s/a", "/s/b"])), "/s/a": ok(summary("Alpha")), "/s/b": ok(summary("Beta"))})
    with serve(site) as url:
        assert crawl(url, "--db", str(db), *FAST).returncode == 0
        for path, title in (("/s/a", "Alpha"), ("/s/b", "Beta")):
            site.routes[path] = ok(summary(title, canonical=f"http://staging.invalid{path}"))
        staged = crawl(url, "--db", str(db), *FAST)
        for path, title in (("/s/a", "Alpha"), ("/s/b", "Beta")):
            site.routes[path] = ok(summary(title))
        assert crawl(url, "--db", str(db), *FAST).returncode == 0
    assert staged.returncode == 0 and "gone 0" in staged.stderr and "new 0" in staged.stderr, staged.stderr
    assert moves(db) == {"/s/a": ("live", None), "/s/b": ("live", None)}
    assert query(db, "SELECT count(*) FROM versions") == [(2,)]
    warnings = query(db, "SELECT record FROM versions")
    assert all("off the crawled site" not in w for (w,) in warnings)  # (a warning is no content: no version)


def test_a_canonical_link_naming_the_url_that_moved_here_is_not_followed(tmp_path: Path) -> None:
    """After a recorded move (/s/a 301 to /n/a), one crawl whose pages still name the old URL as canonical
    had flipped the pair (the old article live again, the new gone), and the move was lost for good."""
    db = tmp_path / "a.db"
    site = Site({"/": ok(home(["/s/a"])), "/s/a": ok(summary("Alpha"))})
    with serve(site) as url:
        assert crawl(url, "--db", str(db), *FAST).returncode == 0
        site.routes.update({"/": ok(home(["/n/a"])), "/s/a": (301, {"Location": "/n/a"}, ""), "/n/a": ok(summary("Alpha"))})
        assert crawl(url, "--db", str(db), *FAST).returncode == 0
        moved = moves(db)
        site.routes["/n/a"] = ok(summary("Alpha", canonical=f"{url}/s/a"))  # a template writing the old scheme
        assert crawl(url, "--db", str(db), *FAST).returncode == 0
        assert moves(db) == moved
        site.routes["/n/a"] = ok(summary("Alpha"))
        assert crawl(url, "--db", str(db), *FAST).returncode == 0
    assert moved == moves(db) == {"/s/a": ("gone", "/n/a"), "/n/a": ("live", None)}


def test_a_move_through_a_trailing_slash_redirect_names_the_article_as_archived(tmp_path: Path) -> None:
    """/s/a 301 to /s/a/ 301 to /n/a/ (a slash rule run before the migration's): moved_to had kept the
    slash while the article is archived as /n/a, so nothing joined the two."""
    db = tmp_path / "a.db"

    site = Site({"/": ok(home(["/s/a"])), "/s/a": ok(summary("Alpha"))})
    with serve(site) as url:
        assert crawl(url, "--db", str(db), *FAST).returncode == 0
        site.routes.update({"/": ok(home(["/n/a/"])), "/s/a": (301, {"Location": "/s/a/"}, ""),
                            "/s/a/": (301, {"Location": "/n/a/"}, ""),
                            "/n/a/": site.conditional(summary("Alpha", canonical=f"{url}/n/a"))})
        assert crawl(url, "--db", str(db), *FAST).returncode == 0
    [(moved_to,)] = query(db, "SELECT moved_to FROM articles WHERE status = 'gone'")
    assert query(db, "SELECT count(*) FROM articles WHERE url = ? AND status = 'live'".replace("?", f"'{moved_to}'")) == [(1,)]


def test_a_page_of_the_end_of_crawl_sweep_linking_another_does_not_ask_for_it_twice(tmp_path: Path) -> None:
    """Old URLs no link leads to any more, still served with a canonical link to their new URLs and linking
    each other: the sweep asked for each, and each again through the other's link (200, then 304)."""
    db = tmp_path / "a.db"
    site = Site({"/": ok(home(["/s/a", "/s/b"])), "/s/a": ok(summary("Alpha", links="<a href='/s/b'>Beta</a>")),
                 "/s/b": ok(summary("Beta", links="<a href='/s/a'>Alpha</a>"))})
    with serve(site) as url:
        assert crawl(url, "--db", str(db), *FAST).returncode == 0
        site.routes.update({"/": ok(home(["/n/a", "/n/b"])), "/n/a": ok(summary("Alpha")), "/n/b": ok(summary("Beta")),
                            "/s/a": ok(summary("Alpha", canonical=f"{url}/n/a", links="<a href='/s/b'>Beta</a>")),
                            "/s/b": ok(summary("Beta", canonical=f"{url}/n/b", links="<a href='/s/a'>Alpha</a>"))})
        site.log.clear()
        second = crawl(url, "--db", str(db), *FAST)
    assert second.returncode == 0 and "asked again, before calling them gone: 2" in second.stderr, second.stderr
    assert (site.paths.count("/s/a"), site.paths.count("/s/b")) == (1, 1), site.log
    assert moves(db) == {"/s/a": ("gone", "/n/a"), "/s/b": ("gone", "/n/b"), "/n/a": ("live", None), "/n/b": ("live", None)}


# -- session 15: a canonical link naming a URL that does not exist ----------------------------------------

@pytest.mark.parametrize("linked", [False, True])
def test_a_canonical_link_naming_a_url_that_answers_404_leaves_the_article_where_it_is_read(
        tmp_path: Path, linked: bool) -> None:
    """A CMS's typo: /s/a, read at every crawl, starts naming /s/a-typo (404) as canonical. The text had
    been filed under the dead URL as a live article and the readable page marked gone, moved there; the
    typo URL was never even asked for unless linked. Now it is asked for once (linked, and on its way when
    /s/a is read, the page waits for its answer), and the link ignored."""
    db = tmp_path / "a.db"
    site = Site({"/": ok(home(["/s/a", "/s/b"])), "/s/a": ok(summary("Alpha")), "/s/b": ok(summary("Beta"))})
    with serve(site) as url:
        assert crawl(url, "--db", str(db), *FAST).returncode == 0
        site.routes.update({"/": ok(home(["/s/a", "/s/b", *(["/s/a-typo"] if linked else [])])),
                            "/s/a": ok(summary("Alpha", canonical=f"{url}/s/a-typo"))})
        for _ in range(2):
            site.log.clear(), site.heads.clear()
            assert crawl(url, "--db", str(db), *FAST).returncode == 0
            assert moves(db) == {"/s/a": ("live", None), "/s/b": ("live", None)}
            asked = site.paths.count("/s/a-typo") + site.heads.count("/s/a-typo")  # (unlinked: a HEAD request)
            assert (site.paths.count("/s/a"), asked) == (1, 1), (site.log, site.heads)
    assert query(db, "SELECT count(*) FROM versions") == [(2,)]
    errors = query(db, "SELECT url, http_status FROM fetch_errors WHERE crawl_id = 3")
    assert [(path_of(u), s) for u, s in errors] == [("/s/a-typo", 404)]


def test_an_article_filed_under_a_canonical_url_that_is_deleted_is_read_where_it_is_served_again(tmp_path: Path) -> None:
    """/s/a names /s/b as canonical while /s/b serves the same text (so the article is /s/b, /s/a moved
    there); then /s/b is deleted (404) and /s/a still serves the text naming it. The article had stayed
    filed under the dead URL, read at /s/a, with /s/a gone; now /s/a is live and /s/b gone."""
    db = tmp_path / "a.db"
    site = Site({"/": ok(home(["/s/a"])), "/s/a": ok(summary("Alpha"))})
    with serve(site) as url:
        assert crawl(url, "--db", str(db), *FAST).returncode == 0
        site.routes.update({"/": ok(home(["/s/a", "/s/b"])), "/s/a": ok(summary("Alpha", canonical=f"{url}/s/b")),
                            "/s/b": ok(summary("Alpha", canonical=f"{url}/s/b"))})
        assert crawl(url, "--db", str(db), *FAST).returncode == 0
        assert moves(db) == {"/s/a": ("gone", "/s/b"), "/s/b": ("live", None)}
        del site.routes["/s/b"]
        for _ in range(2):
            assert crawl(url, "--db", str(db), *FAST).returncode == 0
            state = moves(db)
            assert state["/s/a"] == ("live", None) and state["/s/b"][0] == "gone", state


def test_with_a_depth_limit_a_page_whose_print_view_names_it_is_fetched_once(tmp_path: Path) -> None:
    """A summary linking its print view (canonical: the summary) and itself: with --depth, the link back to
    it had counted as a request on its way that the dupefilter then dropped, so the print view waited for
    it and the summary was asked for again when the crawl ran dry."""
    site = Site({"/": ok(home(["/s/a"]))})
    with serve(site) as url:
        page = ok(summary("Alpha", canonical=f"{url}/s/a", links="<a href='?print=1'>Print</a> <a href='/s/a'>Back</a>"))
        site.routes.update({"/s/a": page, "/s/a?print=1": page})
        for depth in ([], ["--depth", "5"]):
            site.log.clear()
            assert crawl(url, "--db", str(tmp_path / f"a{len(depth)}.db"), *FAST, *depth).returncode == 0
            assert site.paths.count("/s/a") == 1, (depth, site.log)


def test_links_on_a_page_not_found_answered_with_200_are_not_followed(tmp_path: Path) -> None:
    """A catch-all answering any URL with a 200 "Page not found" page linking 'help/' (relative): each answer
    had been followed, /x/help/help/help/... until URLs grew too long (thousands of requests)."""

    class CatchAll(Site):
        def answer(self, path: str) -> Answer:
            if path in self.routes:
                return super().answer(path)
            return ok("<html><head><title>Page not found</title></head><body><h1>Page not found</h1>"
                      "<a href='help/'>Help</a> <a href='/'>Home</a></body></html>")

    site = CatchAll({"/": ok(home(["/s/a", "/s/missing"])), "/s/a": ok(summary("Alpha"))})
    with serve(site) as url:
        assert crawl(url, "--db", str(tmp_path / "a.db"), *FAST).returncode == 0
    assert "/s/missing" in site.paths and len(site.log) < 10, site.log
    assert statuses(tmp_path / "a.db") == {"/s/a": "live"}


def test_robots_txt_giving_no_answer_disallows_the_whole_site(tmp_path: Path) -> None:
    """A robots.txt that times out is a network error, which RFC 9309 reads as a server error (it had
    allowed everything)."""
    def slow() -> Answer:
        time.sleep(3)
        return 200, {"Content-Type": "text/plain"}, "User-agent: *\nDisallow:\n"

    site = Site({"/robots.txt": slow, "/": ok(home(["/s/a"])), "/s/a": ok(summary("Alpha"))})
    with serve(site) as url:
        proc = crawl(url, "--db", str(tmp_path / "a.db"), *FAST, "--timeout", "1", "--set", "RETRY_TIMES=0")
    assert proc.returncode == 1 and "robots.txt: it gave no answer" in proc.stderr, proc.stderr
    assert set(site.paths) <= {"/robots.txt"}


def test_robots_txt_redirecting_to_another_host_is_read_there(tmp_path: Path) -> None:
    """RFC 9309: a robots.txt redirect is followed, across hosts too (it had been refused as off-site and the
    site's rules ignored)."""
    site = Site({"/": ok(home(["/s/a", "/s/b"])), "/s/a": ok(summary("Alpha")), "/s/b": ok(summary("Beta")),
                 "/real-robots.txt": (200, {"Content-Type": "text/plain"}, "User-agent: *\nDisallow: /s/b\n")})
    with serve(site) as url:
        site.routes["/robots.txt"] = (301, {"Location": url.replace("127.0.0.1", "localhost") + "/real-robots.txt"}, "")
        assert crawl(url, "--db", str(tmp_path / "a.db"), *FAST).returncode == 0
    assert "/real-robots.txt" in site.paths and "/s/b" not in site.paths and "/s/a" in site.paths
    # (control) links to that host are still off the crawl's site
    assert statuses(tmp_path / "a.db") == {"/s/a": "live"}


def test_a_summary_linked_with_a_parameter_and_naming_its_own_path_is_one_article(tmp_path: Path) -> None:
    """/s/a?source=newsletter naming /s/a, which serves the same summary: one article (each spelling had
    been an article of its own, read as the '/?p=12 naming /' mistake)."""
    db = tmp_path / "a.db"
    site = Site({"/": ok(home(["/s/a?source=newsletter", "/s/a?from=home"]))})
    with serve(site) as url:
        page = ok(summary("Alpha", canonical=f"{url}/s/a", links="<a href='/s/a?sid=0f3c'>Share</a>"))
        site.routes.update({"/s/a": page, "/s/a?source=newsletter": page, "/s/a?from=home": page, "/s/a?sid=0f3c": page})
        for _ in range(2):
            assert crawl(url, "--db", str(db), *FAST).returncode == 0
            assert query(db, "SELECT url, status FROM articles") == [(f"{url}/s/a", "live")]


def test_pages_addressed_by_a_query_naming_their_script_stay_apart(tmp_path: Path) -> None:
    """(control) /s.php?id=1 and ?id=2 naming /s.php, which serves something else: each its own article."""
    db = tmp_path / "a.db"
    site = Site({"/": ok(home(["/s.php?id=1", "/s.php?id=2"])), "/s.php": ok(home(["/s.php?id=1"]))})
    with serve(site) as url:
        site.routes.update({"/s.php?id=1": ok(summary("Alpha", canonical=f"{url}/s.php")),
                            "/s.php?id=2": ok(summary("Beta", canonical=f"{url}/s.php"))})
        for _ in range(2):
            assert crawl(url, "--db", str(db), *FAST).returncode == 0
    assert query(db, "SELECT title, version_count FROM articles ORDER BY title") == [("Alpha", 1), ("Beta", 1)]


def test_a_listing_whose_title_says_not_found_has_its_links_followed(tmp_path: Path) -> None:
    """A topic page titled "Why some cancers are not found early" (a listing, not an error page) had its links
    dropped with the soft-404 pages', and its summaries were never archived."""
    cards = "".join(f"<div><h3><a href='/s/{p}'>Card {p}</a></h3><p>1/2/2026</p><p>An excerpt of {p} that is cut mi</p></div>"
                    for p in "abcd")
    site = Site({"/": ok(home(["/topics/early"])),
                 "/topics/early": ok(f"<html><head><title>Why some cancers are not found early</title></head><body>"
                                     f"<h1>Why some cancers are not found early</h1>{cards}</body></html>"),
                 **{f"/s/{p}": ok(summary(f"Card {p}")) for p in "abcd"}})
    with serve(site) as url:
        assert crawl(url, "--db", str(tmp_path / "a.db"), *FAST).returncode == 0
    assert sorted(statuses(tmp_path / "a.db")) == ["/s/a", "/s/b", "/s/c", "/s/d"]


def test_pages_addressed_by_a_query_naming_their_path_with_other_summaries_stay_apart(tmp_path: Path) -> None:
    """/view?id=1 and ?id=2 naming /view, which serves another summary (the latest): each had been dropped
    as a copy of /view."""
    db = tmp_path / "a.db"
    site = Site({"/": ok(home(["/view", "/view?id=1", "/view?id=2"]))})
    with serve(site) as url:
        site.routes.update({"/view": ok(summary("Latest", canonical=f"{url}/view")),
                            "/view?id=1": ok(summary("Alpha", canonical=f"{url}/view")),
                            "/view?id=2": ok(summary("Beta", canonical=f"{url}/view"))})
        assert crawl(url, "--db", str(db), *FAST).returncode == 0
    assert query(db, "SELECT title FROM articles ORDER BY title") == [("Alpha",), ("Beta",), ("Latest",)]


def test_asking_whether_a_canonical_url_is_there_archives_nothing_from_it(tmp_path: Path) -> None:
    """The question is a HEAD request: a GET had archived what the URL served (a second article where its
    301 led), and a canonical URL on another scheme had been asked there, failed, and left every crawl
    incomplete (nothing marked gone)."""
    db = tmp_path / "a.db"
    site = Site({"/": ok(home(["/c/amp", "/d/amp", "/x"])), "/x": ok(summary("Xray")),
                 "/c": (301, {"Location": "/c-new"}, ""), "/c-new": ok(summary("Gamma"))})
    with serve(site) as url:
        site.routes["/c/amp"] = ok(summary("Gamma", canonical=f"{url}/c"))
        site.routes["/d/amp"] = ok(summary("Delta", canonical=url.replace("http:", "https:") + "/d"))
        assert crawl(url, "--db", str(db), *FAST).returncode == 0
        site.routes["/"] = ok(home(["/c/amp", "/d/amp"]))
        del site.routes["/x"]
        assert crawl(url, "--db", str(db), *FAST).returncode == 0
    assert "/c-new" not in site.paths and "/c" in site.heads
    assert query(db, "SELECT count(*) FROM articles WHERE title = 'Gamma'") == [(1,)]
    assert statuses(db)["/x"] == "gone"  # (the second crawl was complete)
