"""Tests of the generated test site and its server: the ground truth other tests rely on must be right."""

from __future__ import annotations

import http.client
import json
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import zlib
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import lxml.html
import pytest
from bs4 import BeautifulSoup

from tests.fixtures.site import Site, SiteServer
from tests.fixtures.site.content import MARKUPS
from tests.fixtures.site.faults import FLAKY_FAILURES

ROOT = Path(__file__).resolve().parent.parent
BASE = "http://127.0.0.1:8000"


@pytest.fixture(scope="module")
def site() -> Site:
    return Site(pages=300, seed=1)


@pytest.fixture()
def server(site: Site):
    with SiteServer(site, epoch=1, faults=True, hang_seconds=1.0) as srv:
        yield srv


def fetch(srv: SiteServer, path: str, headers: dict | None = None, host: str | None = None,
          method: str = "GET", timeout: float = 10) -> tuple[int, dict, bytes]:
    """One request over a fresh connection; returns status, headers (lower-case names), body."""
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=timeout)
    try:
        conn.putrequest(method, path, skip_host=host is not None, skip_accept_encoding=True)
        if host is not None:
            conn.putheader("Host", host)
        for name, value in (headers or {}).items():
            conn.putheader(name, value)
        conn.endheaders()
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


def visible_text(body: bytes) -> str:
    soup = BeautifulSoup(body, "lxml")
    for tag in soup(["script", "style", "svg"]):
        tag.decompose()
    for tag in soup(["em", "strong", "abbr"]):
        tag.unwrap()
    soup = BeautifulSoup(str(soup), "lxml")  # merge the text nodes unwrap left apart
    return " ".join(soup.get_text(" ").split())


def links(body: bytes, page_url: str) -> list[str]:
    return [urljoin(page_url, href) for href in lxml.html.fromstring(body).xpath("//a/@href")]


# --- determinism and content ------------------------------------------------------------------------
def test_same_seed_same_bytes_other_seed_other_site(site: Site) -> None:
    twin, other = Site(pages=300, seed=1), Site(pages=300, seed=2)
    for path in [site.summary_paths(1)[7], "/", "/summaries/page/3/", "/sitemaps/summaries-1.xml",
                 "/topics/imaging?page=2"]:
        assert twin.render(path, 1) == site.render(path, 1)
    assert other.summary_paths(1) != site.summary_paths(1)


def test_summaries_come_in_three_markups_with_the_same_visible_labels(site: Site) -> None:
    by_markup: dict[str, str] = {}
    for path in site.summary_paths(1):
        by_markup.setdefault(site.expected(path, 1)["markup"], path)
    assert set(by_markup) == set(MARKUPS) and len(MARKUPS) >= 3
    structure = set()
    for path in by_markup.values():
        body = site.render(path, 1)[2]
        text = visible_text(body)
        for label in ("Credibility", "Interest", "Key Takeaway", "What They Found", "Who Should Care and Why",
                      "Important Considerations", "More Details", "You May Also Like", "Understanding MS Research"):
            assert label in text, (path, label)
        soup = BeautifulSoup(body, "lxml")
        structure.add(tuple(sorted({t.name for t in soup.find_all(True)})))
        assert soup.find("link", rel="canonical")["href"] == BASE + path
    assert len(structure) == 3  # different element vocabularies, not just different class names


def test_expected_truth_is_what_the_page_shows(site: Site) -> None:
    paths = site.summary_paths(1)[:36]
    for path in paths:
        exp = site.expected(path, 1)
        body = site.render(path, 1)[2]
        text = visible_text(body)
        assert text.count(exp["title"]) >= 2, path  # the title is shown twice
        for heading, section in exp["sections"].items():
            assert heading in text
            for paragraph in section.split("\n\n"):
                assert paragraph in text, (path, heading, paragraph)
        assert f"medical journals like {exp['journal']} often" in text
        assert exp["journal"] in text.split("You May Also Like")[0]
        if exp["doi"]:  # shown, or in the study's /doi/ link
            assert exp["doi"] in text or exp["doi"] in (exp["source_url"] or ""), path
        if exp["source_url"]:
            assert f'href="{exp["source_url"]}"' in body.decode()
        assert len(exp["related"]) == 6
        for card in exp["related"]:
            year, month, day = card["date"].split("-")
            assert f"{int(month)}/{int(day)}/{year}" in text
            assert card["excerpt"] in text and card["title"] in text
            assert card["excerpt_truncated"] == (card["excerpt"][-1] not in ".?!")


def test_ratings_are_drawn_as_the_truth_says(site: Site) -> None:
    styles = set()
    for path in site.summary_paths(1):
        exp = site.expected(path, 1)
        page = site.render(path, 1)[2].decode()
        for name, rating in exp["ratings"].items():
            style = exp["rating_styles"][name]
            styles.add(style)
            row = page[page.index(f">{name.capitalize()}<"):][:1500]
            value, top = rating["value"], rating["max"]
            shown = None if value is None else (str(int(value)) if float(value).is_integer() else str(value))
            if style == "word":
                assert rating["label"] in row and value is None
            elif style == "alt":
                assert f'alt="{shown} out of {top}"' in row
            elif style == "icons":
                widget = row.split(">", 2)[2]
                widget = widget[:min(i for i in (widget.find("</span>"), widget.find("</div>")) if i >= 0)]
                filled = len(re.findall(r'class="[^"]*(?:full|filled)"|star-on', widget))
                assert filled == value, (path, name, row[:300])
            elif style == "chars":
                assert "★" * int(value) + "☆" * (top - int(value)) in row
            elif style == "width":
                assert re.search(rf"width: {value / top * 100:g}%", row)
            elif style == "aria":
                assert f'aria-label="Rated {shown} out of {top}"' in row
            elif style == "text":
                assert f">{shown}/{top}<" in row
            else:
                assert f'value="{shown}"' in row and "<meter" in row
    assert len(styles) >= 7


def test_listing_truth_and_pagination(site: Site) -> None:
    count = site.listings.listing_count(2)
    assert count >= 10
    for page in (1, 2, count):
        path = "/summaries/" if page == 1 else f"/summaries/page/{page}/"
        exp = site.expected(path, 2)
        body = site.render(path, 2)[2]
        assert exp["page_type"] == "listing" and exp["related"]
        text = visible_text(body)
        assert exp["title"] in text and all(card["title"] in text for card in exp["related"])
        soup = BeautifulSoup(body, "lxml")
        assert bool(soup.find("a", rel="next")) == (page < count)
    assert site.render(f"/summaries/page/{count + 1}/", 2)[0] == 404
    assert site.render("/topics/imaging?page=2", 2)[0] == 200 and site.render("/topics/nope", 2)[0] == 404


def test_cheap_validators_match_the_rendered_headers(site: Site) -> None:
    for path in site.summary_paths(2)[:40]:
        status, headers, _ = site.render(path, 2, "http://localhost:9")
        assert site.validators(path, 2, "http://localhost:9") == headers
    assert site.validators("/", 2) is None


# --- epochs ----------------------------------------------------------------------------------------------
def test_epoch_two_edits_removes_adds_and_leaves_the_rest_byte_identical(site: Site) -> None:
    c = site.changes(1, 2)
    assert c["edited"] and c["removed"] and c["added"] and c["cosmetic"]
    assert len(c["unchanged"]) > 0.8 * site.pages
    for path in c["unchanged"]:
        assert site.render(path, 1) == site.render(path, 2)  # status, ETag, Last-Modified and body
    changed_kinds = set()
    for path in c["edited"]:
        before, after = site.render(path, 1), site.render(path, 2)
        assert before[2] != after[2] and before[1]["ETag"] != after[1]["ETag"]
        assert c["fields"][path], path
        changed_kinds.update(field.split(".")[0] for field in c["fields"][path])
        exp1, exp2 = site.expected(path, 1), site.expected(path, 2)
        assert exp1["url"] == exp2["url"]  # a title edit keeps the URL
        if "title" in c["fields"][path]:
            assert exp1["title"] != exp2["title"]
    assert changed_kinds == {"title", "ratings", "sections"}
    statuses = {site.render(path, 2)[0] for path in c["removed"]}
    assert statuses == {404, 410}
    for path in c["added"]:
        assert site.render(path, 1)[0] == 404 and site.render(path, 2)[0] == 200
    for path in c["cosmetic"]:
        exp1, exp2 = site.expected(path, 1), site.expected(path, 2)
        assert site.render(path, 1)[2] != site.render(path, 2)[2]
        assert exp1["related"] != exp2["related"]
        assert {k: v for k, v in exp1.items() if k != "related"} == {k: v for k, v in exp2.items() if k != "related"}
    assert set(site.summary_paths(2)) == (set(site.summary_paths(1)) - set(c["removed"])) | set(c["added"])


def test_epoch_three_brings_some_removed_pages_back_unchanged(site: Site) -> None:
    c = site.changes(2, 3)
    assert c["restored"]
    for path in c["restored"]:
        assert site.render(path, 3) == site.render(path, 1)
    with pytest.raises(ValueError):
        site.render("/", 4)


# --- links, sitemap, robots ------------------------------------------------------------------------------
def crawl_links(site: Site, epoch: int) -> tuple[set[str], set[str]]:
    """Follow every same-host link from / (robots rules honoured): pages reached, and off-limits links seen."""
    seen, todo, tempting = {"/"}, ["/"], set()
    while todo:
        path = todo.pop()
        status, headers, body = site.render(path, epoch, BASE)
        if status in (301, 302):
            target = urlsplit(urljoin(BASE + path, headers["Location"]))
            if target.netloc != "127.0.0.1:8000":
                tempting.add(target.geturl())
                continue
            body, status = b"", 0
            nxt = target.path + (f"?{target.query}" if target.query else "")
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
        if status != 200 or "html" not in headers.get("Content-Type", ""):
            continue
        for url in links(body, BASE + path):
            parts = urlsplit(url)
            if parts.scheme != "http" or parts.netloc != "127.0.0.1:8000" or parts.path.startswith("/private/"):
                tempting.add(url)
                continue
            query = "&".join(q for q in parts.query.split("&") if q and not q.startswith(("utm_", "fbclid", "ref=")))
            nxt = (parts.path.rstrip("/") or "/") + (f"?{query}" if query else "")
            if nxt not in seen and not parts.path.startswith("/static/"):
                seen.add(nxt)
                todo.append(nxt)
    return seen, tempting


def test_links_reach_every_summary_but_the_sitemap_only_ones(site: Site) -> None:
    seen, tempting = crawl_links(site, 1)
    hidden = set(site.hidden_paths(1))
    assert hidden
    live = set(site.summary_paths(1))
    assert live - hidden <= seen
    assert not hidden & seen
    assert any(u.startswith("http://localhost:8000/") for u in tempting)  # the other host is linked
    assert any("/private/" in u for u in tempting)                       # so is the disallowed area
    assert any(re.search(r"/summaries/.+\?utm_source=", u) for u in links(site.render("/", 1)[2], BASE + "/"))
    assert any("#key-takeaway" in u for u in links(site.render("/", 1)[2], BASE + "/"))


def test_redirects_and_dead_links(site: Site) -> None:
    home = site.render("/", 1)[2].decode()
    old = re.findall(r'href="(/\?p=\d+|/article/\d+|/go/\d+)"', home)
    assert len(old) >= 3
    status, headers, _ = site.render(old[0], 1)
    assert status == 301 and site.render(headers["Location"], 1)[0] == 200
    status, headers, _ = site.render("/out/partner", 1, BASE)
    assert status == 301 and headers["Location"].startswith("http://localhost:8000/")
    assert site.render("/summaries/retracted-study", 1)[0] == 404
    assert '<a href="/privacy">' in home and site.render("/privacy", 1)[0] == 404


def test_sitemap_index_lists_every_summary_including_sitemap_only_ones(server: SiteServer, site: Site) -> None:
    status, _, robots = fetch(server, "/robots.txt")
    assert status == 200
    lines = robots.decode().splitlines()
    assert "Disallow: /private/" in lines
    sitemap = next(line.split(": ", 1)[1] for line in lines if line.startswith("Sitemap: "))
    assert sitemap == server.url + "sitemap.xml"
    _, _, index = fetch(server, urlsplit(sitemap).path)
    children = re.findall(r"<loc>([^<]+)</loc>", index.decode())
    locs = []
    for child in children:
        status, headers, body = fetch(server, urlsplit(child).path)
        assert status == 200 and "xml" in headers["content-type"]
        urls = re.findall(r"<loc>([^<]+)</loc>", body.decode())
        assert len(urls) <= 1000
        locs += urls
    summaries = {urlsplit(u).path for u in locs if re.search(r"/summaries/.*-\d+$", u)}
    assert summaries == set(site.summary_paths(1))
    assert set(site.hidden_paths(1)) <= summaries


def test_big_sitemaps_split_at_1000_urls() -> None:
    big = Site(pages=2500, seed=3)
    index = big.render("/sitemap.xml", 2)[2].decode()
    files = re.findall(r"/sitemaps/summaries-\d+\.xml", index)
    assert len(files) == 3
    counts = [big.render(f, 2)[2].count(b"<url>") for f in files]
    assert all(n <= 1000 for n in counts) and sum(counts) == len(big.summary_paths(2))


# --- the server ----------------------------------------------------------------------------------------------
def test_conditional_requests_get_304(server: SiteServer, site: Site) -> None:
    path = site.changes(1, 2)["edited"][0]
    status, headers, body = fetch(server, path)
    assert status == 200 and body and headers["etag"] and headers["last-modified"]
    assert fetch(server, path, {"If-None-Match": headers["etag"]})[:3:2] == (304, b"")
    assert fetch(server, path, {"If-None-Match": f'W/{headers["etag"]}, "other"'})[0] == 304
    assert fetch(server, path, {"If-Modified-Since": headers["last-modified"]})[0] == 304
    assert fetch(server, path, {"If-None-Match": '"stale"'})[0] == 200
    assert fetch(server, path, {"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"})[0] == 200
    server.set_epoch(2)
    status, new_headers, _ = fetch(server, path, {"If-None-Match": headers["etag"]})
    assert status == 200 and new_headers["etag"] != headers["etag"]


def test_keep_alive_connection_carries_200_304_head_and_404(server: SiteServer, site: Site) -> None:
    path = site.summary_paths(1)[0]
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    try:
        conn.request("GET", path)
        first = conn.getresponse()
        body, etag = first.read(), first.getheader("ETag")
        conn.request("GET", path, headers={"If-None-Match": etag})
        second = conn.getresponse()
        assert (second.status, second.read()) == (304, b"")
        conn.request("HEAD", path)
        head = conn.getresponse()
        assert head.read() == b"" and int(head.getheader("Content-Length")) == len(body)
        conn.request("GET", "/missing")
        assert conn.getresponse().status == 404
    finally:
        conn.close()
    assert len({r["headers"].get("Host") for r in server.requests}) == 1


def test_request_log_records_every_request(site: Site, tmp_path: Path) -> None:
    log_file = tmp_path / "requests.jsonl"
    with SiteServer(site, log_path=log_file) as srv:
        path = site.summary_paths(1)[3]
        fetch(srv, path + "?utm_source=x", {"User-Agent": "test-agent/1"})
        fetch(srv, path, host=f"localhost:{srv.port}")
        fetch(srv, "/nope")
        # A response reaches the client a moment before its server thread notes the duration.
        deadline = time.monotonic() + 5
        while any(r["duration"] is None for r in srv.requests) and time.monotonic() < deadline:
            time.sleep(0.01)
        log = srv.requests
        assert [(r["method"], r["path"], r["status"]) for r in log] == [
            ("GET", path + "?utm_source=x", 200), ("GET", path, 200), ("GET", "/nope", 404)]
        assert log[0]["headers"]["User-Agent"] == "test-agent/1"
        assert log[0]["host"] == f"127.0.0.1:{srv.port}" and log[1]["host"] == f"localhost:{srv.port}"
        assert all(r["at"].endswith("Z") and r["duration"] is not None for r in log)
        status, _, body = fetch(srv, "/__site/log")
        assert status == 200 and [r["path"] for r in json.loads(body)] == [r["path"] for r in log]
        assert fetch(srv, "/__site/clear")[0] == 200 and srv.requests == []
    # The file gets each request when it is done (so with its duration): in the order they finished.
    lines = [json.loads(line) for line in log_file.read_text().splitlines()]
    assert [r["path"] for r in sorted(lines, key=lambda r: r["t"])] == [r["path"] for r in log]


def test_other_host_pages_name_the_other_host(server: SiteServer, site: Site) -> None:
    _, _, body = fetch(server, site.summary_paths(1)[0], host=f"localhost:{server.port}")
    assert f'href="http://localhost:{server.port}{site.summary_paths(1)[0]}"' in body.decode()
    assert f"http://127.0.0.1:{server.port}/partners/ms-society" in body.decode()


def test_epoch_switch_over_http(server: SiteServer, site: Site) -> None:
    removed = site.changes(1, 2)["removed"]
    assert fetch(server, removed[0])[0] == 200
    status, _, body = fetch(server, "/__site/epoch/2")
    assert (status, body) == (200, b"epoch 2\n") and server.epoch == 2
    assert {fetch(server, p)[0] for p in removed} == {404, 410}
    assert fetch(server, "/__site/epoch/9")[0] == 400 and server.epoch == 2


def test_delay_is_applied(site: Site) -> None:
    with SiteServer(site, delay=0.3) as srv:
        started = time.monotonic()
        assert fetch(srv, "/robots.txt")[0] == 200
        assert time.monotonic() - started >= 0.3


# --- faults -------------------------------------------------------------------------------------------------
def test_fault_paths_are_linked_only_with_faults(site: Site) -> None:
    assert b"/faults/" in site.render("/", 1, faults=True)[2]
    assert b"/faults/" not in site.render("/", 1)[2]
    with SiteServer(site) as srv:
        assert fetch(srv, "/faults/flaky")[0] == 404


def test_burst_of_500s_then_ok(server: SiteServer, site: Site) -> None:
    statuses = [fetch(server, "/faults/flaky")[0] for _ in range(FLAKY_FAILURES + 2)]
    assert statuses == [500] * FLAKY_FAILURES + [200, 200]
    body = fetch(server, "/faults/flaky")[2]
    assert site.expected("/faults/flaky", 1)["title"] in visible_text(body)
    assert fetch(server, "/faults/unavailable")[0] == 503


def test_reset_truncated_and_hang(server: SiteServer) -> None:
    with pytest.raises((ConnectionError, http.client.RemoteDisconnected, socket.error)):
        fetch(server, "/faults/reset")
    with pytest.raises(http.client.IncompleteRead):
        fetch(server, "/faults/truncated")
    started = time.monotonic()
    assert fetch(server, "/faults/hang")[0] == 200  # hang_seconds=1 in this fixture
    assert time.monotonic() - started >= 1.0
    with pytest.raises(TimeoutError):
        fetch(server, "/faults/hang", timeout=0.3)


def test_a_hanging_request_does_not_delay_shutdown(site: Site) -> None:
    srv = SiteServer(site, faults=True, hang_seconds=30).start()
    errors: list[BaseException] = []
    worker = threading.Thread(target=lambda: _catch(errors, fetch, srv, "/faults/hang", timeout=40))
    worker.start()
    time.sleep(0.3)
    started = time.monotonic()
    srv.stop()
    worker.join(10)
    assert not worker.is_alive() and time.monotonic() - started < 5
    assert errors  # the client saw the connection end instead of a response


def _catch(errors: list, fn, *args, **kwargs) -> None:
    try:
        fn(*args, **kwargs)
    except Exception as exc:  # noqa: BLE001 - the test inspects it
        errors.append(exc)


def test_body_faults(server: SiteServer, site: Site) -> None:
    status, headers, body = fetch(server, "/faults/gzip-bomb")
    assert status == 200 and headers["content-encoding"] == "gzip" and len(body) < 1_000_000
    inflater, inflated = zlib.decompressobj(31), 0
    for start in range(0, len(body), 65536):
        inflated += len(inflater.decompress(body[start:start + 65536]))
    assert inflated >= 100 * 1024 * 1024
    status, headers, _ = fetch(server, "/faults/huge", method="HEAD")
    assert status == 200 and int(headers["content-length"]) >= 20 * 1024 * 1024
    status, headers, _ = fetch(server, "/faults/redirect-loop")
    assert status == 302
    status, headers, _ = fetch(server, headers["location"])
    assert status == 302 and headers["location"] == "/faults/redirect-loop"
    status, _, body = fetch(server, "/faults/bad-utf8")
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    assert fetch(server, "/faults/empty")[:3:2] == (200, b"")
    status, _, body = fetch(server, "/faults/soft-404")
    assert status == 200 and b"Page Not Found" in body
    assert "content-type" not in fetch(server, "/faults/no-content-type")[1]
    assert fetch(server, "/faults/wrong-content-type")[1]["content-type"] == "image/png"
    status, headers, body = fetch(server, "/faults/windows-1252")
    assert "charset" not in headers["content-type"] and b'charset="windows-1252"' in body
    assert site.expected("/faults/windows-1252", 1)["title"] in body.decode("cp1252")


def test_cut_page_after_a_good_one(server: SiteServer, site: Site) -> None:
    exp = site.expected("/faults/cut-after-first", 1)
    first = visible_text(fetch(server, "/faults/cut-after-first")[2])
    later = visible_text(fetch(server, "/faults/cut-after-first")[2])
    assert exp["sections"]["Important Considerations"] in first
    assert exp["sections"]["Key Takeaway"] in later and "Important Considerations" not in later


def test_hostile_page_holds_its_attack_strings_as_text(server: SiteServer, site: Site) -> None:
    exp = site.expected("/faults/hostile", 1)
    _, _, body = fetch(server, "/faults/hostile")
    soup = BeautifulSoup(body, "lxml")
    assert soup.h1.get_text() == exp["title"] and "<script>" in exp["title"]
    assert exp["sections"]["Key Takeaway"] in visible_text(body)
    assert soup.find("a", href=re.compile("^javascript:"))


# --- scale and the command line -----------------------------------------------------------------------------
def test_100000_pages_render_one_at_a_time_without_building_the_site() -> None:
    big = Site(pages=100_000, seed=5)
    path = big.content.path(99_990)
    status, headers, body = big.render(path, 1)
    assert status == 200 and big.expected(path, 1)["title"].encode() in body
    assert big.render("/summaries/page/4000/", 1)[0] == 200
    assert big.render("/sitemaps/summaries-100.xml", 1)[2].count(b"<url>") > 900
    # Only the pages asked for (and their cards) were computed: the lifecycle cache stays tiny.
    assert big.timeline.history.cache_info().currsize < 1500


def test_cli_serves_and_stops_on_sigterm(tmp_path: Path) -> None:
    proc = subprocess.Popen([sys.executable, "-m", "tests.fixtures.site", "serve", "--port", "0", "--pages", "40",
                             "--epoch", "2", "--log", str(tmp_path / "log.jsonl")],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        match = re.match(r"serving (http://127\.0\.0\.1:(\d+)/) \(epoch 2, 40 pages\)", line)
        assert match, line
        conn = http.client.HTTPConnection("127.0.0.1", int(match.group(2)), timeout=5)
        conn.request("GET", "/__site/epoch")
        assert conn.getresponse().read() == b"2\n"
        conn.close()
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
