"""The archive commands: history, reparse, export, stats — output, exit codes, one-line errors."""

from __future__ import annotations

import csv
import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive import Archive
from summary_archive.cli import cli
from tests.archive_support import make_record, page_for

ROOT = Path(__file__).resolve().parent.parent
URL = "https://example.org/summaries/immune-changes-headaches"


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "archive.db"
    with Archive(path) as archive:
        crawl = archive.start_crawl([URL])
        first = make_record(URL, title="Immune changes could help manage headaches")
        archive.store(crawl, URL, first, page_for(first), {}, fetched_at="2026-11-20T10:00:00Z")
        second = make_record(URL, title="Immune changes may help manage migraine")
        second["sections"][0]["text"] = "The immune system shows clear differences in people with migraine."
        archive.store(crawl, URL, second, page_for(second), {}, fetched_at="2026-11-21T10:00:00Z")
        archive.finish_crawl(crawl)
    return path


def run(*args: str):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def test_history_prints_versions_with_word_diff(db):
    result = run("history", URL, "--db", db)
    assert result.exit_code == 0, result.output
    out = result.output
    assert "2 versions" in out and "v1  2026-11-20T10:00:00Z  crawl 1  created" in out
    assert "changed: title, sections.Key Takeaway" in out
    assert "title: Immune changes [-could-] {+may+} help manage [-headaches-] {+migraine+}" in out


def test_history_json_is_machine_readable(db):
    result = run("history", URL, "--db", db, "--json")
    versions = json.loads(result.output)
    assert [v["version"] for v in versions] == [1, 2]
    assert versions[1]["changed"] == ["title", "sections.Key Takeaway"] and versions[1]["crawl_id"] == 1


@pytest.mark.parametrize("spelling", [URL + "/", URL + "#what-they-found", URL + "?utm_source=newsletter",
                                      URL.replace("https://example.org", "HTTPS://Example.ORG")])
def test_history_finds_the_article_under_the_spellings_the_crawler_treats_as_one(db, spelling):
    result = run("history", spelling, "--db", db)
    assert result.exit_code == 0 and "2 versions" in result.output
    # The header names the URL as archived, and the spelling it was asked by.
    assert result.output.startswith(f"{URL} (asked as {spelling}): 2 versions")


def test_history_of_an_unknown_url_is_a_usage_error(db):
    result = CliRunner().invoke(cli, ["history", "https://example.org/nope", "--db", str(db)])
    assert result.exit_code == 2 and "no article archived for https://example.org/nope" in result.output


def test_stats_counts(db):
    data = json.loads(run("stats", "--db", db, "--json").output)
    assert (data["articles"], data["live"], data["gone"], data["versions"], data["snapshots"]) == (1, 1, 0, 2, 2)
    assert data["snapshot_bytes_raw"] > 0 and data["crawls"] == 1 and data["fetches"] == 2
    text = run("stats", "--db", db).output
    assert "articles   1 (1 live, 0 gone)" in text and "versions   2" in text


def test_export_to_a_file(db, tmp_path):
    out = tmp_path / "articles.csv"
    result = run("export", "--db", db, "--table", "articles", "--format", "csv", "-o", out)
    assert result.exit_code == 0
    with open(out, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["url"], r["version"], r["captured_at"]) for r in rows] == [(URL, "2", "2026-11-21T10:00:00Z")]


def test_a_failed_export_leaves_the_file_it_would_replace_whole(db, tmp_path):
    out = tmp_path / "keep.csv"
    out.write_text("yesterday's export\n")
    for bad in (["--where", "no_such_column = 1"], ["--table", "nope"]):
        args = ["export", "--db", db, "--table", "articles", "-o", out, *bad]
        assert CliRunner().invoke(cli, [str(a) for a in args]).exit_code != 0
    assert out.read_text() == "yesterday's export\n" and [p.name for p in tmp_path.iterdir()].count("keep.csv") == 1
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".partial")]
    assert run("export", "--db", db, "--table", "articles", "-o", out).exit_code == 0  # (control) a good one replaces it
    assert out.read_text(encoding="utf-8-sig").startswith("id,url")


@pytest.mark.parametrize("suffix", ["", "-wal"])
def test_an_export_onto_the_archives_own_file_is_refused(db, suffix):
    before = Path(db).read_bytes()
    result = CliRunner().invoke(cli, ["export", "--db", str(db), "--table", "crawls", "-o", f"{db}{suffix}"])
    assert result.exit_code != 0 and "the archive's own file" in result.output
    assert Path(db).read_bytes() == before and run("stats", "--db", db).exit_code == 0


def test_export_to_dash_is_standard_output(db):
    result = run("export", "--db", db, "--table", "crawls", "-o", "-")
    assert result.stdout.lstrip("\ufeff").startswith("id,") and not Path("-").exists()


def test_export_jsonl_with_where_to_stdout(db):
    result = run("export", "--db", db, "--table", "versions", "--format", "jsonl", "--where", "version = 1")
    lines = [json.loads(x) for x in result.stdout.splitlines()]
    assert [(r["version"], r["cause"]) for r in lines] == [(1, "created")]


@pytest.mark.parametrize("command", [["stats"], ["history", URL], ["export", "--table", "articles"],
                                     ["reparse", "--workers", "1"]])
def test_missing_database_is_a_one_line_usage_error_and_not_created(tmp_path, command):
    path = tmp_path / "absent.db"
    done = subprocess.run([sys.executable, "-c", "from summary_archive.cli import main; main()",
                           *command, "--db", str(path)], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.strip() == f"Error: no archive at {path}"
    assert not path.exists()


def test_not_sqlite_is_a_one_line_error_and_the_file_is_untouched(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("not a database\n" * 100)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    for command in (["stats"], ["export", "--table", "articles"], ["reparse", "--workers", "1"]):
        result = CliRunner().invoke(cli, [*command, "--db", str(path)])
        assert result.exit_code == 2, command
        assert "is not a SQLite database" in result.output and len(result.output.strip().splitlines()) == 1
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_reparse_with_todays_parser(tmp_path):
    parsers = pytest.importorskip("parsers", reason="the parser package is needed for the reparse command")
    path = tmp_path / "archive.db"
    page = page_for(make_record(URL))
    today = parsers.parse(page, URL)
    old = json.loads(json.dumps(today))
    old["title"] = "What an older parser read"
    old["parser_version"] = "0"
    with Archive(path) as archive:
        archive.store(archive.start_crawl([URL]), URL, old, page, {"Content-Type": "text/html"})
    result = run("reparse", "--db", path, "--workers", "2")
    assert result.exit_code == 0, result.output
    assert "reparsed 1 articles: 1 changed (new versions), 0 unchanged, 0 failed" in result.stdout
    assert "reparsing" in result.stderr
    versions = json.loads(run("history", URL, "--db", path, "--json").output)
    assert [(v["cause"], v["parser_version"]) for v in versions] == [("created", "0"),
                                                                     ("reparse", parsers.PARSER_VERSION)]
    assert "title" in versions[1]["changed"]
    again = run("reparse", "--db", path)
    assert "0 changed" in again.stdout


def test_export_into_a_reader_that_stops_early_ends_quietly(tmp_path):
    # `summary-archive export ... | head`: the archive is fine, so no error line blames it.
    path = tmp_path / "big.db"
    with Archive(path) as archive:
        crawl = archive.start_crawl([URL])
        for i in range(400):
            url = f"{URL}-{i}"
            record = make_record(url, title=f"Summary number {i} " + "word " * 40)
            archive.store(crawl, url, record, page_for(record), {})
        archive.finish_crawl(crawl)
    exe = Path(sys.executable).parent / "summary-archive"
    proc = subprocess.Popen([str(exe), "export", "--db", str(path), "--table", "articles"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout.readline().lstrip(b"\xef\xbb\xbf").startswith(b"id,url,")
    proc.stdout.close()  # the reader goes away after one line
    stderr = proc.stderr.read().decode()
    proc.wait(timeout=60)
    assert "Error" not in stderr and "Traceback" not in stderr, stderr
    assert proc.returncode in (0, 1)


@pytest.mark.parametrize("option", [["--delay", "inf"], ["--delay", "nan"], ["--delay", "1e309"],
                                    ["--timeout", "nan"], ["--delay", "-1"]])
def test_crawl_refuses_seconds_that_are_not_a_finite_number(tmp_path, option):
    """An endless delay would make a crawl that never ends (and whose graceful stop waits forever)."""
    result = CliRunner().invoke(cli, ["crawl", "http://127.0.0.1:9/", "--db", str(tmp_path / "a.db"), *option])
    assert result.exit_code == 2 and f"Invalid value for '{option[0]}'" in result.output
    assert not (tmp_path / "a.db").exists()


@pytest.mark.parametrize("args, names", [
    (["stats", "--db", "{tmp}"], "Invalid value for '--db'"),
    (["export", "--db", "{tmp}/a.db"], "Missing option '--table'"),
    (["crawl", "http://127.0.0.1:9/", "--db", "{tmp}/a.db", "--max-pages", "many"], "'--max-pages'"),
    (["stats", "--db", "{tmp}/a.db", "--colour"], "No such option '--colour'"),
    (["stat", "--db", "{tmp}/a.db"], "No such command 'stat'"),
])
def test_a_usage_error_is_one_line_naming_the_problem_and_the_help(tmp_path, args, names):
    """Click prints usage, hint and error over four lines; ours is one line like every other error."""
    result = CliRunner().invoke(cli, [a.format(tmp=tmp_path) for a in args])
    assert result.exit_code == 2
    assert len(result.output.strip().splitlines()) == 1, result.output
    assert result.output.startswith("Error: ") and names in result.output and "--help'" in result.output
    assert not (tmp_path / "a.db").exists()


def test_help_still_shows_the_usage(tmp_path):
    result = CliRunner().invoke(cli, ["crawl", "--help"])
    assert result.exit_code == 0 and result.output.startswith("Usage: ")


@pytest.mark.parametrize("setting, message", [
    ("DOWNLOAD_DELAY=abc", "not a number"), ("CONCURRENT_REQUESTS=1.5", "not a whole number"),
    ("ARCHIVE_MAX_PAGES=abc", "not a whole number"), ("ARCHIVE_PARSE=yes", "not true or false"),
    ("ARCHIVE_RETRY_BACKOFF=soon", "not a number"),
    # Crawler round 11: values of the right kind but no sense (a crawl that never asks and never ends,
    # an assertion named as an unreachable start URL, tracebacks), and a misspelt name.
    ("CONCURRENT_REQUESTS_PER_DOMAIN=0", "must be at least 1"), ("DOWNLOAD_TIMEOUT=-5", "more than 0 seconds"),
    ("DOWNLOAD_DELAY=-1", "must not be negative"), ("DOWNLOAD_DELAY=nan", "not a finite number"),
    ("ARCHIVE_SINCE=yesterday", "wants a date"), ("LOG_LEVEL=NOISY", "not one of CRITICAL"),
    ("ARCHIVE_PROFILE=/nonexistent.toml", "profile not found"), ("ARCHIVE_MAXPAGES=5", "no such setting"),
])
def test_a_set_value_of_the_wrong_kind_is_a_one_line_usage_error(tmp_path, setting, message):
    """It had been a traceback (or 'crawl failed: ValueError'), exit 1, once the crawler read it."""
    result = CliRunner().invoke(cli, ["crawl", "http://127.0.0.1:9/", "--db", str(tmp_path / "a.db"), "--set", setting])
    assert result.exit_code == 2 and len(result.output.strip().splitlines()) == 1
    assert message in result.output and not (tmp_path / "a.db").exists()


def test_every_archive_setting_read_as_a_number_or_flag_has_a_known_kind():
    import re as regex

    from scraper import settings as defaults
    from summary_archive.crawl_cmd import ARCHIVE_SETTING_KINDS

    read = {m for path in (Path(__file__).resolve().parents[1] / "scraper").rglob("*.py")
            for m in regex.findall(r'get(?:int|float|bool)\("(ARCHIVE_[A-Z_]+)"', path.read_text())}
    assert read and read <= set(ARCHIVE_SETTING_KINDS) | set(vars(defaults))


def test_a_log_file_in_a_missing_directory_is_a_one_line_usage_error(tmp_path):
    result = CliRunner().invoke(cli, ["crawl", "http://127.0.0.1:9/", "--db", str(tmp_path / "a.db"),
                                      "--log-file", str(tmp_path / "no" / "x.log")])
    assert result.exit_code == 2 and "does not exist" in result.output and len(result.output.strip().splitlines()) == 1


@pytest.mark.parametrize("since", ["", "  ", "yesterday"])
def test_a_since_that_is_no_date_is_a_usage_error(tmp_path, since):
    """An empty --since had been taken as none: a full crawl that may mark pages gone."""
    result = CliRunner().invoke(cli, ["crawl", "http://127.0.0.1:9/", "--db", str(tmp_path / "a.db"), "--since", since])
    assert result.exit_code == 2 and "--since wants a date" in result.output
    assert not (tmp_path / "a.db").exists()


def test_every_archive_setting_read_has_a_known_name():
    """A misspelt ARCHIVE_ name is refused: each one the crawler reads must be known to --set."""
    import re as regex

    from scraper import settings as defaults
    from summary_archive.crawl_cmd import ARCHIVE_SETTING_KINDS, ARCHIVE_TEXT_SETTINGS

    read = {m for path in (Path(__file__).resolve().parents[1] / "scraper").rglob("*.py")
            for m in regex.findall(r'"(ARCHIVE_[A-Z_]+)"', path.read_text())}
    assert read and read <= set(ARCHIVE_SETTING_KINDS) | set(vars(defaults)) | ARCHIVE_TEXT_SETTINGS


@pytest.mark.parametrize("setting", ["RETRY_PRIORITY_ADJUST=-3", "DEPTH_PRIORITY=-1", "LOG_LEVEL=INFO"])
def test_a_set_value_that_makes_sense_passes(setting):
    from summary_archive.crawl_cmd import _settings_pairs

    name, value = setting.split("=")
    assert _settings_pairs((setting,)) == {name: value}


def test_a_setting_given_by_both_set_and_its_option_is_refused(tmp_path):
    """--set ARCHIVE_DB=b.db had won over --db a.db silently (a.db created empty, the crawl in b.db)."""
    result = CliRunner().invoke(cli, ["crawl", "http://127.0.0.1:9/", "--db", str(tmp_path / "a.db"),
                                      "--set", f"ARCHIVE_DB={tmp_path / 'b.db'}"])
    assert result.exit_code == 2 and "--set ARCHIVE_DB and its option both given" in result.output
    assert not (tmp_path / "a.db").exists() and not (tmp_path / "b.db").exists()


def test_a_release_with_an_older_parser_refuses_to_write_over_newer_readings(db, tmp_path):
    """An old install beside a new one had stored its parser's readings over the newer ones (and the newer
    back) at every crawl, each a 'source' version; crawl, reparse and import-warc now refuse in one line."""
    from io import BytesIO

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    warc = tmp_path / "x.warc"
    with open(warc, "wb") as fh:
        writer, body = WARCWriter(fh, gzip=False), page_for(make_record(URL))
        writer.write_record(writer.create_warc_record(
            URL, "response", payload=BytesIO(body), length=len(body),
            http_headers=StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")))
    assert run("reparse", "--db", db).exit_code == 0  # (control) readings of an older parser: it writes
    with Archive(db) as archive:
        newer = make_record(URL, parser_version="999")
        archive.store(archive.start_crawl([URL]), URL, newer, page_for(newer), {}, fetched_at="2026-12-22T10:00:00Z")
        before = archive.db.execute("SELECT current_version FROM articles").fetchall()
    bin_ = Path(sys.executable).with_name("summary-archive")
    for args in (["crawl", "http://127.0.0.1:9/", "--db", db, "--quiet"], ["reparse", "--db", db],
                 ["import-warc", warc, "--db", db]):
        done = subprocess.run([str(bin_), *map(str, args)], capture_output=True, text=True, timeout=120)
        assert done.returncode != 0 and "parser 999" in done.stderr and "upgrade" in done.stderr, (args, done.stderr)
        assert "Traceback" not in done.stderr
    with Archive(db) as archive:  # (nothing written)
        assert archive.db.execute("SELECT current_version FROM articles").fetchall() == before
