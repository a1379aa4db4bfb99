"""`summary-archive parse` run as the installed console script, the way a user runs it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

PAGES = Path(__file__).parent / "fixtures" / "pages"
SCRIPT = str(Path(sys.executable).with_name("summary-archive"))


def _run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([SCRIPT, "parse", *args], input=stdin, capture_output=True, timeout=60)


def test_parse_file_prints_the_record() -> None:
    expected = json.loads((PAGES / "seed-semantic.json").read_text(encoding="utf-8"))
    done = _run(str(PAGES / "seed-semantic.html"), "--url", expected["url"])
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == expected
    text = done.stdout.decode("utf-8")
    assert "\u2605\u2605\u2605\u2605\u2606" in text  # ensure_ascii=False
    assert text.startswith('{\n  "url"')  # indent 2


def test_parse_stdin_with_dash() -> None:
    body = (PAGES / "cp1252.html").read_bytes()
    done = _run("-", "--url", "https://example.org/summaries/gbs-vaccines", stdin=body)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["title"] == "Guillain\u2013Barr\u00e9 Syndrome After Vaccines: What\u2019s Known"


def test_garbage_input_still_exits_zero() -> None:
    done = _run("-", "--url", "https://e.org/x", stdin=b"\x00\xff\xfe garbage <<<")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["page_type"] == "other"


def test_missing_file_is_a_one_line_usage_error(tmp_path: Path) -> None:
    missing = tmp_path / "nope.html"
    done = _run(str(missing), "--url", "https://e.org/x")
    assert done.returncode == 2
    err = done.stderr.decode().strip()
    assert "\n" not in err and str(missing) in err and "Traceback" not in err
    assert done.stdout == b""


def test_directory_is_a_usage_error(tmp_path: Path) -> None:
    done = _run(str(tmp_path), "--url", "https://e.org/x")
    assert done.returncode == 2 and "Traceback" not in done.stderr.decode()


def test_missing_url_option_is_a_usage_error() -> None:
    done = _run(str(PAGES / "listing.html"))
    assert done.returncode == 2 and b"--url" in done.stderr


@pytest.mark.parametrize("url", ["example.org/summaries/x", "/summaries/x", "ftp://example.org/x", "https://"])
def test_a_url_that_is_not_an_absolute_web_address_is_a_usage_error(url: str) -> None:
    """The record's URLs are absolute: a --url without a scheme had given a relative record URL and lost every card."""
    done = _run(str(PAGES / "seed-semantic.html"), "--url", url)
    err = done.stderr.decode().strip()
    assert done.returncode == 2 and done.stdout == b"" and "\n" not in err and repr(url) in err, err
    assert _run(str(PAGES / "seed-semantic.html"), "--url", " https://example.org/x").returncode == 0  # (control)


def test_profile_file_changes_the_labels(tmp_path: Path) -> None:
    profile = tmp_path / "p.toml"
    profile.write_text('[labels]\nsections = ["Bottom Line"]\nratings = ["Grade"]\n', encoding="utf-8")
    page = tmp_path / "page.html"
    page.write_text("<h1>T</h1><p>Grade: 3/4</p><h2>Bottom Line</h2><p>Fine.</p>", encoding="utf-8")
    done = _run(str(page), "--url", "https://e.org/x", "--profile", str(profile))
    record = json.loads(done.stdout)
    assert record["ratings"] == {"grade": {"value": 3, "max": 4, "label": None, "raw": "3/4"}}
    assert record["sections"] == [{"heading": "Bottom Line", "text": "Fine."}]


def test_bad_profile_is_a_one_line_usage_error(tmp_path: Path) -> None:
    profile = tmp_path / "p.toml"
    profile.write_text("[labels]\nunknown_thing = 1\n", encoding="utf-8")
    done = _run(str(PAGES / "listing.html"), "--url", "https://e.org/x", "--profile", str(profile))
    assert done.returncode == 2
    err = done.stderr.decode().strip()
    assert "unknown_thing" in err and "\n" not in err
    done = _run(str(PAGES / "listing.html"), "--url", "https://e.org/x", "--profile", str(tmp_path / "none.toml"))
    assert done.returncode == 2 and b"profile not found" in done.stderr


def test_a_page_with_no_known_parts_says_so_on_stderr(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text("<h1>Iron Helps</h1><h2>The Bottom Line</h2><p>Iron helped.</p>", encoding="utf-8")
    done = _run(str(page), "--url", "https://e.org/x")
    assert done.returncode == 0 and json.loads(done.stdout)["page_type"] == "other"
    assert b"--profile" in done.stderr and done.stderr.count(b"\n") == 1
    summary = _run(str(PAGES / "seed-semantic.html"), "--url", "https://e.org/x")
    assert summary.stderr == b""


def test_a_rating_scale_of_zero_is_refused(tmp_path: Path) -> None:
    profile = tmp_path / "p.toml"
    profile.write_text("[labels]\nrating_scale = 0\n", encoding="utf-8")
    done = _run(str(PAGES / "listing.html"), "--url", "https://e.org/x", "--profile", str(profile))
    # (naming the file: a crawl's profile error had said what, not where)
    assert done.returncode == 2 and done.stderr.decode().strip() == f"Error: profile {profile}: rating_scale must be greater than 0"


def test_a_summary_in_another_language_read_without_its_profile_gets_a_hint() -> None:
    """Without its labels such a page is its related cards only: a 'listing' of a few cards."""
    cards = "".join(f'<article><h3><a href="/summaries/s{n}">Studie {n} über Schlaf</a></h3>'
                    f"<time>3/{n}/2026</time><p>Forschende fanden heraus, dass Schlaf hilft …</p></article>"
                    for n in (1, 2, 3))
    page = ("<html><body><h1>Neue Therapie senkt Schübe</h1><p>Glaubwürdigkeit: 4/5</p><h2>Das Wichtigste</h2>"
            "<p>Eine neue Therapie senkte die Zahl der Schübe um ein Drittel.</p>"
            f"<h2>Verwandte Artikel</h2>{cards}</body></html>").encode()
    done = _run("-", "--url", "https://example.org/summaries/neu", stdin=page)
    record = json.loads(done.stdout)
    assert done.returncode == 0 and record["page_type"] == "listing" and len(record["related"]) == 3
    assert "read as a listing of only 3 card(s)" in done.stderr.decode() and "--profile" in done.stderr.decode()


def test_a_real_listing_gets_no_hint() -> None:
    done = _run(str(PAGES / "listing.html"), "--url", "https://example.org/summaries/")
    assert done.returncode == 0 and json.loads(done.stdout)["page_type"] == "listing"
    assert done.stderr == b""
