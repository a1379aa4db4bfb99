"""Summaries in other languages and scripts, with a profile naming the site's labels (parser round 29:
0 of 12 pages came out whole): dates with month names or 年月日, "4,5 von 5" ratings, full-width
colons, study fields named in the page's language, excerpts that end in 。 or ؟."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from parsers import load_profile, parse
from parsers.dates import find_date_text, to_iso_date

URL = "https://example.org/summaries/page"


@pytest.mark.parametrize("written, iso", [
    ("12. März 2026", "2026-03-12"), ("1er mars 2026", "2026-03-01"), ("5 de marzo de 2025", "2025-03-05"),
    ("12 de março de 2026", "2026-03-12"), ("12 maggio 2026", "2026-05-12"), ("12 mei 2026", "2026-05-12"),
    ("12 marca 2026", "2026-03-12"), ("12 марта 2026 г.", "2026-03-12"), ("12 Mart 2026", "2026-03-12"),
    ("12 Μαρτίου 2026", "2026-03-12"), ("١٢ مارس ٢٠٢٦", "2026-03-12"), ("12 במרץ 2026", "2026-03-12"),
    ("2026年3月12日", "2026-03-12"), ("２０２６年３月１２日", "2026-03-12"), ("2026년 3월 12일", "2026-03-12"),
    ("Publié le 3 févr. 2026", "2026-02-03"),
])
def test_dates_written_in_other_languages_are_iso_days(written: str, iso: str) -> None:
    assert to_iso_date(written) == iso


def test_a_number_before_a_word_and_a_year_is_no_date_unless_the_word_is_a_month() -> None:
    assert find_date_text("12 patients 2024") is None
    assert find_date_text("12 patients in 2024, then 3 March 2025") == "3 March 2025"


def _page(lang: str, labels: dict[str, str], details: str, card_date: str, excerpt: str, ratings: str) -> str:
    return (f'<html lang="{lang}"><body><main><h1>Titel</h1>{ratings}'
            f'<h2>{labels["take"]}</h2><p>Eins.</p><h2>{labels["found"]}</h2><p>Zwei.</p>'
            f'<h2>{labels["details"]}</h2><p>{details}<br><a href="https://doi.org/10.1212/x.1">DOI</a></p>'
            f'<h2>{labels["related"]}</h2><article><h3><a href="/s/b">Karte</a></h3><time>{card_date}</time>'
            f"<p>{excerpt}</p></article><article><h3><a href=\"/s/c\">Karte C</a></h3><time>{card_date}</time>"
            f"<p>{excerpt}</p></article></main></body></html>")


def _profile(tmp_path: Path, labels: dict[str, str], ratings: list[str]):
    path = tmp_path / "profile.toml"
    quoted = json.dumps  # a JSON string is a TOML basic string
    path.write_text(f"[labels]\nsections = [{quoted(labels['take'])}, {quoted(labels['found'])}]\n"
                    f"ratings = {json.dumps(ratings, ensure_ascii=False)}\nrelated = [{quoted(labels['related'])}]\n"
                    f"details = [{quoted(labels['details'])}]\n", encoding="utf-8")
    return load_profile(path)


CASES = {
    "German": ("de", {"take": "Das Wichtigste", "found": "Ergebnisse", "details": "Weitere Details",
                      "related": "Auch interessant"},
               "Zeitschrift: Neurology<br>Veröffentlicht: 12. März 2025", "3. Februar 2026", "Schlaf und MS.",
               "<p>Glaubwürdigkeit: 4,5 von 5</p><p>Interesse: Hoch</p>", ["Glaubwürdigkeit", "Interesse"],
               {"glaubwürdigkeit": (4.5, 5, None), "interesse": (None, None, "Hoch")}),
    "French": ("fr", {"take": "L'essentiel", "found": "Résultats", "details": "Plus de détails",
                      "related": "À lire aussi"},
               "Revue : Neurology<br>Date de publication : 12/03/2025", "3 février 2026", "Le sommeil et la SEP.",
               "<p>Crédibilité : 4 sur 5</p><p>Intérêt : Élevé</p>", ["Crédibilité", "Intérêt"],
               {"crédibilité": (4, 5, None), "intérêt": (None, None, "Élevé")}),
    "Japanese": ("ja", {"take": "要点", "found": "研究結果", "details": "詳細", "related": "関連記事"},
                 "掲載誌：Neurology<br>発表日：2025年3月12日", "2026年2月3日", "睡眠とMSの関係。",
                 "<p>信頼性：４／５</p><p>関心度：高い</p>", ["信頼性", "関心度"],
                 {"信頼性": (4, 5, None), "関心度": (None, None, "高い")}),
    "Arabic": ("ar", {"take": "الخلاصة", "found": "النتائج", "details": "مزيد من التفاصيل", "related": "مقالات ذات صلة"},
               "مجلة: Neurology<br>تاريخ النشر: ١٢ مارس ٢٠٢٥", "٣ فبراير ٢٠٢٦", "هل النوم مهم؟",
               "<p>المصداقية: ٤ من ٥</p><p>الأهمية: عالية</p>", ["المصداقية", "الأهمية"],
               {"المصداقية": (4, 5, None), "الأهمية": (None, None, "عالية")}),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_summary_in_another_language_reads_whole_with_its_profile(case: str, tmp_path: Path) -> None:
    lang, labels, details, card_date, excerpt, ratings, names, want = CASES[case]
    record = parse(_page(lang, labels, details, card_date, excerpt, ratings), URL,
                   profile=_profile(tmp_path, labels, names))
    assert {k: (r["value"], r["max"], r["label"]) for k, r in record["ratings"].items()} == want
    assert [s["heading"] for s in record["sections"]] == [labels["take"], labels["found"]]
    assert (record["source"]["journal"], record["source"]["published"]) == ("Neurology", "2025-03-12")
    assert [(c["date"], c["excerpt_truncated"]) for c in record["related"]] == [("2026-02-03", False)] * 2


def test_a_rating_name_written_with_its_translation_is_read() -> None:
    page = ("<html><body><h1>Title</h1><p>Credibility / Crédibilité: 4/5</p><p>Interest / Intérêt: High</p>"
            "<h2>Key Takeaway / L'essentiel</h2><p>Text.</p></body></html>")
    ratings = parse(page, URL)["ratings"]
    assert {k: (r["value"], r["max"], r["label"]) for k, r in ratings.items()} == {
        "credibility": (4, 5, None), "interest": (None, None, "High")}


@pytest.mark.parametrize("value, want", [
    ("4 out of 5 / 4 sur 5", (4, 5, "4 out of 5")),
    ("4 von 5 / 4 of 5", (4, 5, "4 von 5")),
    ("4/5", (4, 5, "4/5")),
    ("11/2/2024", (None, None, None)),  # a date, not "11 of 2"
    ("4 / 5 / 2026", (None, None, None)),
])
def test_a_rating_value_written_with_its_translation_is_read(value: str, want: tuple) -> None:
    page = (f"<html><body><h1>Title</h1><p>Credibility / Crédibilité: {value}</p>"
            "<h2>Key Takeaway</h2><p>Text.</p></body></html>")
    rating = parse(page, URL)["ratings"].get("credibility") or {}
    assert (rating.get("value"), rating.get("max"), rating.get("raw") if rating.get("value") else None) == want
