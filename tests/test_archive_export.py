"""Export: CSV/JSON lines/JSON that re-read equal to the table, citation columns, constant memory."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import tracemalloc

import pytest

from archive import Archive, export_rows
from archive.export import ExportProblem
from tests.archive_support import card, make_record, page_for


@pytest.fixture
def archive_path(tmp_path):
    path = tmp_path / "a.db"
    with Archive(path) as archive:
        crawl = archive.start_crawl(["https://example.org/"])
        for i in range(12):
            url = f"https://example.org/summaries/s{i}"
            record = make_record(url, related=[card(f"https://example.org/summaries/s{i + 1}")])
            if i % 3 == 0:  # text that trips naive CSV: quotes, commas, newlines, non-ASCII
                record["title"] = 'Ünïcode, "quoted"\nand multi-line — ✓'
            archive.store(crawl, url, record, page_for(record), {}, fetched_at=f"2026-11-2{i % 9}T10:00:00Z")
        record = make_record("https://example.org/summaries/s0", title="Second version")
        archive.store(crawl, record["url"], record, page_for(record), {}, fetched_at="2026-11-29T10:00:00Z")
    return path


def _table(path, sql):
    conn = sqlite3.connect(path)
    cursor = conn.execute(sql)
    names = [d[0] for d in cursor.description]
    rows = [dict(zip(names, row)) for row in cursor]
    conn.close()
    return names, rows


@pytest.mark.parametrize("table", ["articles", "versions", "related", "crawls", "fetches", "sections"])
def test_csv_round_trip_equals_the_table(archive_path, table):
    out = io.StringIO(newline="")
    count = export_rows(archive_path, table, "csv", out=out)
    text = out.getvalue()
    assert text.startswith("\ufeff")
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    exported = list(reader)
    names, rows = _table(archive_path, f"SELECT * FROM {table}")
    assert count == len(rows) == len(exported) and count > 0
    for got, want in zip(exported, rows):
        for name in names:
            assert got[name] == ("" if want[name] is None else str(want[name])), (table, name)


def test_articles_and_versions_carry_citation_columns(archive_path):
    out = io.StringIO()
    export_rows(archive_path, "articles", "jsonl", where="url LIKE '%/s0'", out=out)
    (row,) = [json.loads(line) for line in out.getvalue().splitlines()]
    assert (row["version"], row["captured_at"]) == (2, "2026-11-29T10:00:00Z")
    assert len(row["snapshot_sha256"]) == 64 and row["title"] == "Second version"
    assert isinstance(row["ratings"], str) and json.loads(row["ratings"])["credibility"]["value"] == 4
    out = io.StringIO()
    export_rows(archive_path, "versions", "json", where="url LIKE '%/s0'", out=out)
    versions = json.loads(out.getvalue())
    assert [(v["version"], v["captured_at"], v["url"]) for v in versions] == [
        (1, "2026-11-20T10:00:00Z", "https://example.org/summaries/s0"),
        (2, "2026-11-29T10:00:00Z", "https://example.org/summaries/s0")]
    assert all(len(v["snapshot_sha256"]) == 64 and isinstance(v["record"], str) for v in versions)


def test_empty_result_is_valid_json(archive_path):
    out = io.StringIO()
    assert export_rows(archive_path, "articles", "json", where="1 = 0", out=out) == 0
    assert json.loads(out.getvalue()) == []


def test_snapshot_bodies_export_as_base64(archive_path):
    out = io.StringIO()
    export_rows(archive_path, "snapshots", "jsonl", where="id = 1", out=out)
    import base64
    import zstandard
    row = json.loads(out.getvalue())
    assert zstandard.ZstdDecompressor().decompress(base64.b64decode(row["body"])).startswith(b"<html>")


def test_bad_requests_are_one_line_errors(archive_path):
    for args, message in [(("nope", "csv"), "no table named 'nope'"),
                          (("articles", "xml"), "unknown format"),
                          (("articles", "csv", "no_such_column = 1"), "bad --where")]:
        with pytest.raises(ExportProblem, match=message) as info:
            export_rows(archive_path, *args, out=io.StringIO())
        assert "\n" not in str(info.value)


def test_where_cannot_write(archive_path):
    with pytest.raises(ExportProblem):
        export_rows(archive_path, "articles", "csv", where="1; DELETE FROM articles", out=io.StringIO())
    assert _table(archive_path, "SELECT count(*) AS n FROM articles")[1][0]["n"] == 12


class _CountingSink(io.TextIOBase):
    """Discards what it is given, counting characters, so only the exporter's own memory is measured."""

    def __init__(self) -> None:
        self.chars = 0

    def write(self, text: str) -> int:
        self.chars += len(text)
        return len(text)


def test_export_memory_does_not_grow_with_the_table(tmp_path):
    path = tmp_path / "big.db"
    with Archive(path) as archive:
        crawl = archive.start_crawl(["https://example.org/"])
        for i in range(20):
            archive.error(crawl, f"https://example.org/missing/{i}", 500, "x" * 1000)

    def peak(rows: int) -> int:
        conn = sqlite3.connect(path)
        conn.execute("DELETE FROM fetch_errors")
        conn.executemany("INSERT INTO fetch_errors (crawl_id, url, http_status, error, at) VALUES (1, ?, 500, ?, 'x')",
                         ((f"https://example.org/missing/{i}", "y" * 1000) for i in range(rows)))
        conn.commit()
        conn.close()
        sink = _CountingSink()
        tracemalloc.start()
        export_rows(path, "fetch_errors", "csv", out=sink)
        _, top = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert sink.chars > rows * 1000
        return top

    small, large = peak(1_000), peak(20_000)
    # 20x the rows (20 MB of text) must not need 20x the memory: a fetchall would.
    assert large < small * 3 and large < 5_000_000


def test_escape_formulas_makes_formula_text_plain_in_csv_only(tmp_path):
    """A page titled like a spreadsheet formula: with --escape-formulas the cell starts with an apostrophe;
    numbers and ordinary text are unchanged, and without the option the text is exported as archived."""
    path = tmp_path / "a.db"
    titles = ['=HYPERLINK("http://evil.example/","Click")', "+1 trick", "-2 dB", "@SUM(A1)", "\tTab", "Plain"]
    with Archive(path) as archive:
        crawl = archive.start_crawl(["https://example.org/"])
        for i, title in enumerate(titles):
            record = make_record(f"https://example.org/summaries/f{i}", title=title)
            archive.store(crawl, record["url"], record, page_for(record), {})

    def exported(**options):
        out = io.StringIO(newline="")
        export_rows(path, "articles", "csv", out=out, **options)
        rows = list(csv.DictReader(io.StringIO(out.getvalue().lstrip("\ufeff"), newline="")))
        return [row["title"] for row in rows], [row["version_count"] for row in rows]

    assert exported() == (titles, ["1"] * 6)
    assert exported(escape_formulas=True) == ([f"'{t}" for t in titles[:5]] + ["Plain"], ["1"] * 6)
    with pytest.raises(ExportProblem, match="for CSV"):
        export_rows(path, "articles", "jsonl", out=io.StringIO(), escape_formulas=True)


@pytest.mark.parametrize("table", ["related", "crawls", "urls"])
def test_where_on_rowid_filters_a_plain_table(archive_path, table):
    """rowid had been NULL in the subquery the export read from: 'rowid < 5' exported nothing."""
    out = io.StringIO()
    export_rows(archive_path, table, "jsonl", where="rowid <= 2", out=out)
    want = _table(archive_path, f"SELECT count(*) AS n FROM {table} WHERE rowid <= 2")[1][0]["n"]
    assert want > 0 and len(out.getvalue().splitlines()) == want


def test_where_on_rowid_of_a_cited_table_says_to_use_id(archive_path):
    with pytest.raises(ExportProblem, match="use id instead of rowid"):
        export_rows(archive_path, "articles", "csv", where="rowid < 5", out=io.StringIO())


def test_the_rowid_check_ignores_the_word_inside_quoted_text_and_covers_views(archive_path):
    export_rows(archive_path, "articles", "csv", where="title = 'oid' or title like '%rowid%'", out=io.StringIO())
    with pytest.raises(ExportProblem, match="a view's rows have no rowid"):
        export_rows(archive_path, "fetches", "csv", where="rowid < 3", out=io.StringIO())


def test_jsonl_lines_survive_a_reader_that_splits_on_every_line_break(tmp_path):
    """U+2028 and U+2029 are line breaks to str.splitlines: written raw, one row became two lines."""
    path = tmp_path / "a.db"
    with Archive(path) as archive:
        record = make_record("https://example.org/summaries/sep", title="Line\u2028and paragraph\u2029separators")
        archive.store(archive.start_crawl(["https://example.org/"]), record["url"], record, page_for(record), {})
    out = io.StringIO()
    export_rows(path, "articles", "jsonl", out=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 1 and json.loads(lines[0])["title"] == "Line\u2028and paragraph\u2029separators"
