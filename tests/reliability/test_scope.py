"""Scope: links and redirects to another host, to a non-HTTP scheme or (from a public start URL) to a
private or loopback address are never fetched; robots.txt is never bypassed."""

from __future__ import annotations

from pathlib import Path

import pytest

from scraper.scope import Scope, host_key
from tests.reliability.hostile_site import HOSTILE, REDIRECTS, hostile_site
from tests.reliability.support import crawl

PUBLIC_START = "https://research.example.org/summaries/"
OUTSIDE = [
    "http://127.0.0.1/", "http://127.0.0.1:8000/summaries/x", "http://localhost/", "http://[::1]/",
    "http://10.0.0.5/", "http://10.255.255.1/redirected-private", "http://172.16.0.1/", "http://192.168.1.1/",
    "http://169.254.169.254/latest/meta-data/", "http://0.0.0.0/", "http://2130706433/",
    "http://research.example.org.evil.test/", "http://example.org/", "https://research.example.org:8443/",
    "ftp://research.example.org/x", "file:///etc/passwd", "javascript:alert(1)", "data:text/html,x",
    "mailto:x@research.example.org", "gopher://research.example.org/", "//research.example.org/x",
    "http://user@10.0.0.1/", "http://research.example.org@127.0.0.1/",
]


@pytest.mark.parametrize("url", OUTSIDE)
def test_public_start_url_never_reaches_private_hosts_or_other_schemes(url: str) -> None:
    scope = Scope.build([PUBLIC_START])
    assert scope.allows("https://research.example.org/summaries/a")
    assert not scope.allows(url), url
    # A profile widening the scope to subdomains still does not reach addresses or other schemes.
    wide = Scope.build([PUBLIC_START], allowed_hosts=["*.example.org", "cdn.example.net"])
    assert wide.allows("https://images.example.org/a")
    key = host_key(url)
    if not (key and key[0].endswith(".example.org")):  # any port of a subdomain is what the profile asked
        assert not wide.allows(url), url


@pytest.mark.slow
@pytest.mark.timeout(180)
def test_crawl_never_leaves_scope_or_passes_robots(tmp_path: Path) -> None:
    db = tmp_path / "archive.db"
    with hostile_site() as site:
        proc = crawl(site.url, "--db", str(db), "--delay", "0", "--quiet", "--timeout", "3")
        requests = list(site.requests)
        own = f"127.0.0.1:{site.port}"
    assert proc.returncode == 0, proc.stderr
    paths = [path for path, _host in requests]
    assert {host for _path, host in requests} == {own}, "a request went to another host name"
    assert paths[0] == "/robots.txt"
    assert not [p for p in paths if p.startswith("/private")], "robots.txt was bypassed"
    assert not [p for p in paths if "redirected" in p or p.startswith("/linked-")], paths
    assert HOSTILE in paths and all(p in paths for p in REDIRECTS)  # the in-scope hops themselves were asked
