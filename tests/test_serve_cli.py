"""`summary-archive serve`: a real server on loopback, and the one-line refusals."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from archive import Archive
from tests.serve_fixture import serving

CLI = str(Path(sys.executable).parent / "summary-archive")


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([CLI, "serve", *args], capture_output=True, text=True, timeout=60)


@pytest.fixture
def small_archive(tmp_path: Path) -> Path:
    path = tmp_path / "small.db"
    with Archive(path) as archive:
        archive.finish_crawl(archive.start_crawl(["http://127.0.0.1:1/"]))
    return path


def test_serve_answers_on_loopback(small_archive: Path):
    with serving(small_archive) as url:
        assert url.startswith("http://127.0.0.1:")
        with urllib.request.urlopen(url + "archive/crawls.json?_shape=array", timeout=10) as response:
            rows = json.load(response)
        assert [r["id"] for r in rows] == [1]
        with urllib.request.urlopen(url + "-/dashboards/overview", timeout=10) as response:
            assert response.status == 200


def test_missing_database_is_a_one_line_error(tmp_path: Path):
    result = run("--db", str(tmp_path / "nope.db"))
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "nope.db" in result.stderr


def test_a_file_that_is_not_an_archive_is_refused(tmp_path: Path):
    bogus = tmp_path / "bogus.db"
    bogus.write_text("not sqlite")
    result = run("--db", str(bogus))
    assert result.returncode == 2 and result.stderr.strip().count("\n") == 0
    assert "not a SQLite database" in result.stderr


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.0.2.10"])
def test_non_loopback_host_needs_public(small_archive: Path, host: str):
    result = run("--db", str(small_archive), "--host", host)
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "--public" in result.stderr


def test_loopback_names_are_recognised():
    from summary_archive.serve_cmd import is_loopback
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert is_loopback("127.8.9.10")
    assert not is_loopback("0.0.0.0") and not is_loopback("10.0.0.1") and not is_loopback("::")


def test_a_port_in_use_is_a_one_line_error(small_archive: Path):
    import socket
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run("--db", str(small_archive), "--port", str(port))
    assert result.returncode == 1
    assert result.stderr.strip() == f"Error: cannot listen on 127.0.0.1:{port}: Address already in use"


@pytest.mark.parametrize(("host", "url"), [("127.0.0.1", "http://127.0.0.1:8001/"), ("::1", "http://[::1]:8001/"),
                                           ("[::1]", "http://[::1]:8001/")])
def test_the_url_served_puts_an_ipv6_address_in_one_pair_of_brackets(host: str, url: str):
    from summary_archive.serve_cmd import served_url
    assert served_url(host, 8001) == url
