"""Golden pages (HTML + hand-written expected record) and the parser's behaviour on awkward input."""

from __future__ import annotations

import json
import pickle
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from parsers import DEFAULT_PROFILE, PARSER_VERSION, ProfileError, load_profile, parse
from parsers.dates import to_iso_date
from tests.test_parser_props import assert_valid_record

PAGES = Path(__file__).parent / "fixtures" / "pages"
GOLDEN = sorted(p.stem for p in PAGES.glob("*.json"))
SEED_MARKUPS = ["seed-div-soup", "seed-wordpress", "seed-semantic", "seed-legacy-table"]


def _golden(name: str) -> tuple[bytes, dict]:
    return (PAGES / f"{name}.html").read_bytes(), json.loads((PAGES / f"{name}.json").read_text(encoding="utf-8"))


def test_every_golden_json_has_its_page() -> None:
    assert len(GOLDEN) >= 20
    assert all((PAGES / f"{name}.html").exists() for name in GOLDEN)


@pytest.mark.parametrize("name", GOLDEN)
def test_golden_page_round_trips(name: str) -> None:
    body, expected = _golden(name)
    record = parse(body, expected["url"])
    assert_valid_record(record)
    assert record == expected


def _seed_paragraphs() -> dict[str, str]:
    """Heading -> paragraph, read straight from the seed page's text."""
    lines = [line.strip() for line in (PAGES / "seed-page.txt").read_text(encoding="utf-8").splitlines() if line.strip()]
    heads = ["Key Takeaway", "What They Found", "Who Should Care and Why", "Important Considerations"]
    return {h: lines[lines.index(h) + 1] for h in heads}


@pytest.mark.parametrize("name", SEED_MARKUPS)
def test_seed_text_comes_back_exactly_in_every_markup(name: str) -> None:
    body, expected = _golden(name)
    record = parse(body, expected["url"])
    assert {s["heading"]: s["text"] for s in record["sections"]} == _seed_paragraphs()
    assert record["title"] == "How Immune Changes Could Help Manage Headaches"
    assert [c["title"] for c in record["related"]][:1] == ["Gut Bacteria and MS: What You Need to Know"]
    assert len(record["related"]) == 6
    assert record["related"][0]["excerpt"].endswith("and daily li") and record["related"][0]["excerpt_truncated"]
    assert record["source"]["journal"].lower() == "annals of neurology"
    assert set(record["ratings"]) == {"credibility", "interest"}


def test_canonical_link_wins_over_given_url_and_tracking_params_go() -> None:
    body, _ = _golden("seed-wordpress")
    record = parse(body, "https://example.org/?p=4242&utm_source=feed#comments")
    assert record["url"] == "https://example.org/summaries/immune-changes-headaches/"
    assert all("#" not in c["url"] and "utm_" not in c["url"] for c in record["related"])


def test_given_url_loses_fragment_and_tracking_params_without_canonical() -> None:
    record = parse(b"<h1>x</h1>", "https://example.org/a?id=3&utm_medium=mail#top")
    assert record["url"] == "https://example.org/a?id=3"


def test_relative_links_resolve_against_base_tag() -> None:
    body = (b'<html><head><base href="https://cdn.example.net/s/"></head><body><h1>T</h1>'
            b'<h2>You May Also Like</h2><div><a href="one">First Card Title</a><p>An excerpt of the first card.</p></div>'
            b'<div><a href="two">Second Card Title</a><p>An excerpt of the second card.</p></div></body></html>')
    record = parse(body, "https://example.org/page")
    assert [c["url"] for c in record["related"]] == ["https://cdn.example.net/s/one", "https://cdn.example.net/s/two"]


CP1252_BODY = "<h1>Caf\u00e9 \u201cstudy\u201d \u2014 na\u00efve</h1><h2>Key Takeaway</h2><p>It\u2019s fine.</p>".encode("cp1252")


def test_charset_from_http_header_only() -> None:
    record = parse(CP1252_BODY, "https://e.org/x", headers={"Content-Type": "text/html; charset=windows-1252"})
    assert record["title"] == "Caf\u00e9 \u201cstudy\u201d \u2014 na\u00efve"
    assert record["sections"][0]["text"] == "It\u2019s fine."


def test_latin1_label_means_windows_1252_and_bytes_headers_work() -> None:
    record = parse(CP1252_BODY, "https://e.org/x", headers={b"Content-Type": [b"text/html; charset=ISO-8859-1"]})
    assert record["title"] == "Caf\u00e9 \u201cstudy\u201d \u2014 na\u00efve"


def test_undeclared_windows_1252_is_detected() -> None:
    record = parse(CP1252_BODY, "https://e.org/x")
    assert record["sections"][0]["text"] == "It\u2019s fine."
    assert record["title"] == "Caf\u00e9 \u201cstudy\u201d \u2014 na\u00efve"  # not windows-1250's "na\u010fve"


@pytest.mark.parametrize("text, encoding", [
    ("L'\u00e9t\u00e9 dernier, les chercheurs ont \u00e9tudi\u00e9 \u00e0 Paris o\u00f9 il fait tr\u00e8s chaud.", "cp1252"),
    ("Ein sch\u00f6ner Tag f\u00fcr die Forschung, sagte der Arzt \u00fcber \u00c4rzte.", "cp1252"),
    ("\u041f\u0440\u0438\u0432\u0435\u0442, \u044d\u0442\u043e \u0438\u0441\u0441\u043b\u0435\u0434\u043e\u0432\u0430\u043d\u0438\u0435 \u043e "
     "\u0437\u0434\u043e\u0440\u043e\u0432\u044c\u0435 \u0438 \u043c\u043e\u0437\u0433\u0435 \u0447\u0435\u043b\u043e\u0432\u0435\u043a\u0430.", "cp1251"),
    ("\u0397 \u03bc\u03b5\u03bb\u03ad\u03c4\u03b7 \u03b2\u03c1\u03ae\u03ba\u03b5 \u03cc\u03c4\u03b9 \u03bf\u03b9 \u03b1\u03c3\u03b8\u03b5\u03bd\u03b5\u03af\u03c2 "
     "\u03ad\u03c7\u03bf\u03c5\u03bd \u03bb\u03b9\u03b3\u03cc\u03c4\u03b5\u03c1\u03b1 \u03c3\u03c5\u03bc\u03c0\u03c4\u03ce\u03bc\u03b1\u03c4\u03b1.", "cp1253"),
], ids=["french", "german", "russian", "greek"])
def test_undeclared_legacy_encodings(text: str, encoding: str) -> None:
    """Latin-script pages read as windows-1252; other scripts' code pages are still detected."""
    body = f"<html><body><h1>{text[:30]}</h1><h2>Key Takeaway</h2><p>{text}</p></body></html>" * 3
    record = parse(body.encode(encoding), "https://e.org/x")
    assert record["sections"][0]["text"].startswith(text)


def test_utf8_bom_beats_a_wrong_meta_charset() -> None:
    body = b"\xef\xbb\xbf<meta charset='windows-1252'><h1>" + "na\u00efve \u2014 caf\u00e9".encode("utf-8") + b"</h1>"
    assert parse(body, "https://e.org/x")["title"] == "na\u00efve \u2014 caf\u00e9"


def test_str_and_bytes_give_the_same_record() -> None:
    body, expected = _golden("seed-semantic")
    assert parse(body.decode("utf-8"), expected["url"]) == parse(body, expected["url"])


@pytest.mark.parametrize(
    "body",
    [b"", b"   \n", b"\x00\x01\x02\xff" * 100, "\ud800 lone surrogate <p>x".encode("utf-8", "surrogatepass"),
     b"<" * 5000, b"<html>", b"<!DOCTYPE html>", b"<?xml version='1.0' encoding='utf-8'?><r/>"],
    ids=["empty", "blank", "binary", "surrogate", "angles", "open-html", "doctype", "xml"],
)
def test_junk_input_gives_a_valid_record_with_warnings_not_an_exception(body: bytes) -> None:
    record = parse(body, "https://e.org/x")
    assert_valid_record(record)
    assert record["page_type"] == "other"
    assert record["warnings"] and not any(w.startswith("parser error") for w in record["warnings"])


def test_str_with_lone_surrogate_does_not_raise() -> None:
    record = parse("<h1>A \ud800 B</h1>", "https://e.org/x")
    assert_valid_record(record)
    assert record["title"].startswith("A ")


def test_deep_nesting_does_not_raise() -> None:
    body = "<div>" * 100_000 + "<h1>Deep</h1><h2>Key Takeaway</h2><p>Text.</p>" + "</div>" * 100_000
    record = parse(body, "https://e.org/x")
    assert_valid_record(record)
    assert not any(w.startswith("parser error") for w in record["warnings"])


def test_huge_page_is_parsed_whole() -> None:
    filler = "<p>" + "word " * 200 + "</p>\n"
    body = "<h1>Big</h1><h2>Key Takeaway</h2>" + filler * 2000 + "<h2>What They Found</h2><p>The end.</p>"
    record = parse(body.encode(), "https://e.org/x")
    assert len(body) > 2_000_000
    assert record["sections"][-1] == {"heading": "What They Found", "text": "The end."}
    assert record["sections"][0]["text"].count("\n\n") == 1999


def test_paragraphs_join_with_blank_line_and_br_is_a_space() -> None:
    body = ("<h1>T</h1><h2>Key Takeaway</h2><p>One<br>two\n\t three&nbsp; &amp; four</p><p> </p>"
            "<ul><li>Item a</li><li>Item <b>b</b></li></ul><p>Last.</p>")
    record = parse(body, "https://e.org/x")
    assert record["sections"] == [{"heading": "Key Takeaway", "text": "One two three & four\n\nItem a\n\nItem b\n\nLast."}]


def test_inline_bold_label_opens_a_section() -> None:
    body = "<h1>T</h1><p><strong>Key Takeaway:</strong> Short answer here.</p><p><b>What They Found</b></p><p>More.</p>"
    record = parse(body, "https://e.org/x")
    assert record["sections"] == [
        {"heading": "Key Takeaway", "text": "Short answer here."},
        {"heading": "What They Found", "text": "More."},
    ]


def test_unknown_headings_are_sections_but_chrome_is_not() -> None:
    body = ("<nav><h2>Menu</h2><p>Home and more</p></nav><h1>T</h1><h2>Key Takeaway</h2><p>A.</p>"
            "<h2>Why It Matters</h2><p>B.</p><aside><h3>Newsletter</h3><p>Sign up today.</p></aside>"
            "<footer><h2>Contact</h2><p>Call us.</p></footer>")
    record = parse(body, "https://e.org/x")
    assert [s["heading"] for s in record["sections"]] == ["Key Takeaway", "Why It Matters"]


def test_rating_from_another_profile_and_labels_by_configuration(tmp_path: Path) -> None:
    profile_file = tmp_path / "other-site.toml"
    profile_file.write_text(
        'name = "other"\n[labels]\nsections = ["Bottom Line", "The Evidence"]\nratings = ["Evidence Grade"]\n'
        'related = ["Further Reading"]\nrating_scale = 10\n',
        encoding="utf-8",
    )
    profile = load_profile(profile_file)
    body = ('<h1>Coffee and MS</h1><div><span>Evidence Grade</span><div class="bar"><div style="width:70%"></div></div></div>'
            "<h3>Bottom Line</h3><p>Coffee is fine.</p><h3>The Evidence</h3><p>Two cohorts.</p>")
    record = parse(body, "https://other.example/c", profile=profile)
    assert record["page_type"] == "summary"
    assert record["ratings"] == {"evidence grade": {"value": 7, "max": 10, "label": None, "raw": "width: 70%"}}
    assert [s["heading"] for s in record["sections"]] == ["Bottom Line", "The Evidence"]
    assert parse(body, "https://other.example/c")["page_type"] == "other"


def test_bad_profiles_raise_profile_error(tmp_path: Path) -> None:
    with pytest.raises(ProfileError):
        load_profile(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text('[labels]\njournal_pattern = "no group"\n', encoding="utf-8")
    with pytest.raises(ProfileError, match="journal"):
        load_profile(bad)
    bad.write_text('[archive]\npage_types = ["summary", "listng"]\n', encoding="utf-8")  # nothing would match
    with pytest.raises(ProfileError, match="unknown page type 'listng'"):
        load_profile(bad)
    bad.write_text("[crawl]\ndelay = nan\n", encoding="utf-8")
    with pytest.raises(ProfileError, match="delay"):
        load_profile(bad)


def test_parse_is_picklable_for_process_pools() -> None:
    body, expected = _golden("listing")
    assert pickle.loads(pickle.dumps(parse)) is parse
    with ProcessPoolExecutor(max_workers=1) as pool:
        assert pool.submit(parse, body, expected["url"]).result() == expected


def test_version_is_in_every_record() -> None:
    assert parse(b"", "x")["parser_version"] == PARSER_VERSION == "22"
    assert DEFAULT_PROFILE.ratings == ("Credibility", "Interest")


@pytest.mark.parametrize(
    ("text", "iso"),
    [("12/31/2026", "2026-12-31"), ("5/1/2026", "2026-05-01"), ("31/12/2026", "2026-12-31"), ("2026-03-04T10:00:00Z", "2026-03-04"),
     ("March 3, 2026", "2026-03-03"), ("3 Mar 2026", "2026-03-03"), ("Sept. 9th, 2025", "2025-09-09"),
     ("Tue, 03 Feb 2026 10:00:00 GMT", "2026-02-03"), ("May 2025", "2025-05"), ("13/13/2026", None), ("soon", None), ("", None),
     ("12-Jan-2026", "2026-01-12"), ("14.02.2026", "2026-02-14")],
)
def test_dates_become_iso(text: str, iso: str | None) -> None:
    assert to_iso_date(text) == iso


def test_a_header_naming_the_wrong_charset_gives_way_to_the_pages_own() -> None:
    page = '<html><head><meta charset="windows-1252"></head><body><h1>Se\u00f1ora caf\u00e9</h1></body></html>'
    record = parse(page.encode("cp1252"), "https://e.org/x", {"Content-Type": "text/html; charset=utf-8"})
    assert record["title"] == "Se\u00f1ora caf\u00e9"
    mixed = "<html><body><h1>caf\u00e9</h1></body></html>".encode() + b"\xff"  # utf-8 with one stray byte
    assert parse(mixed, "https://e.org/x", {"Content-Type": "text/html; charset=utf-8"})["title"] == "caf\u00e9"


@pytest.mark.parametrize("charset", ["us-ascii", "iso-8859-1", "utf-16", "UTF-16LE"])
def test_a_header_charset_the_utf8_bytes_cannot_be_in_gives_way(charset: str) -> None:
    """A server's default latin-1 or ascii over a page that is (and says it is) UTF-8; UTF-16 over
    bytes with no NUL: the page read as UTF-8, not as mojibake or as nothing at all."""
    page = '<html><head><meta charset="utf-8"></head><body><h1>Se\u00f1ora caf\u00e9</h1></body></html>'
    record = parse(page.encode("utf-8"), "https://e.org/x", {"Content-Type": f"text/html; charset={charset}"})
    assert record["title"] == "Se\u00f1ora caf\u00e9"
    latin = parse(page.replace("utf-8", "iso-8859-1").encode("cp1252"), "https://e.org/x",
                  {"Content-Type": "text/html; charset=iso-8859-1"})
    assert latin["title"] == "Se\u00f1ora caf\u00e9"  # (a page that is what the header says stays so)


def test_a_page_that_writes_its_days_first_is_read_day_first() -> None:
    def dates(lang: str, extra: str = "") -> tuple:
        page = (f'<html lang="{lang}"><body><h1>T</h1><p>Published 03/04/2026</p>{extra}<h2>Key Takeaway</h2><p>x.</p>'
                "<h2>More Details</h2><p>Journal: Neurology</p><p>Published: 05/06/2025</p></body></html>")
        record = parse(page, "https://e.org/x")
        return record["published"], record["source"]["published"]

    assert dates("en") == dates("en-US") == ("2026-03-04", "2025-05-06")  # the seed site's M/D/YYYY
    assert dates("en-GB") == dates("fr") == ("2026-04-03", "2025-06-05")
    assert dates("en", "<p>Updated 13/02/2026</p>") == ("2026-04-03", "2025-06-05")  # its own dates settle it
    assert dates("en-GB", "<p>Updated 2/13/2026</p>") == ("2026-03-04", "2025-05-06")
    assert to_iso_date("03/04/2026") == "2026-03-04"  # (outside a parse: month first, as RECORD.md writes)


def test_ratings_the_profile_does_not_name_are_kept_and_neighbours_never_leak() -> None:
    body = ("<h1>T</h1><div class='r'><div><span>Credibility</span><span>4/5</span></div>"
            "<div><span>Interest</span><span>High</span></div>"
            "<div><span>Relevance</span><span>&#9733;&#9733;&#9734;</span></div>"
            "<div><span>Rigor</span><meter value='2' max='5'></meter></div></div>"
            "<h2>Key Takeaway</h2><p>x.</p>")
    ratings = parse(body, "https://e.org/x")["ratings"]
    assert ratings["interest"] == {"value": None, "max": None, "label": "High", "raw": "High"}
    assert ratings["relevance"] == {"value": 2, "max": 3, "label": None, "raw": "\u2605\u2605\u2606"}
    assert ratings["rigor"] == {"value": 2, "max": 5, "label": None, "raw": "2/5"}
    assert list(ratings) == ["credibility", "interest", "relevance", "rigor"]


def test_site_header_logo_h1_is_not_the_title() -> None:
    body = ("<header><h1 class='logo'><a href='/'>Site Name</a></h1><nav><a href='/a'>A</a></nav></header>"
            "<main><h2>Real Summary Title</h2><h3>Key Takeaway</h3><p>Text.</p></main>")
    record = parse(body, "https://e.org/x")
    assert record["title"] == "Real Summary Title"
    assert record["sections"] == [{"heading": "Key Takeaway", "text": "Text."}]


def test_labels_in_menus_and_links_are_not_blocks() -> None:
    body = ("<nav><ul><li><a href='/related'>Related</a></li><li><a href='/a'>About us</a></li>"
            "<li><a href='/b'>Blog posts</a></li></ul></nav><h1>T</h1><h2>Key Takeaway</h2><p>Text.</p>"
            "<p><a href='/more-details'>More Details</a></p>")
    record = parse(body, "https://e.org/x")
    assert record["related"] == [] and "no related" in record["warnings"]
    assert record["source"] == {"journal": None, "url": None, "doi": None, "published": None}


def test_study_date_in_details_is_not_the_summary_date() -> None:
    body = ("<h1>T</h1><h2>Key Takeaway</h2><p>Text.</p><section><h2>More Details</h2>"
            "<p>Published: <time datetime='2024-05-06'>May 6, 2024</time></p></section>")
    record = parse(body, "https://e.org/x")
    assert record["source"]["published"] == "2024-05-06"
    assert record["published"] is None


def test_cards_showing_ratings_are_still_all_cards() -> None:
    card = ("<div class='card'><h3><a href='/s/{0}'>Card number {0}</a></h3><p>Credibility <span>3/5</span></p>"
            "<p>An excerpt that ends cleanly {0}.</p></div>")
    body = ("<h1>T</h1><div><span>Credibility</span> <span>4/5</span></div><h2>Key Takeaway</h2><p>Text.</p>"
            "<h2>You May Also Like</h2>" + "".join(card.format(i) for i in range(3)))
    record = parse(body, "https://e.org/x")
    assert [c["title"] for c in record["related"]] == ["Card number 0", "Card number 1", "Card number 2"]
    assert record["ratings"]["credibility"]["value"] == 4


def test_unlabelled_cards_after_the_last_section_do_not_join_it() -> None:
    body = ("<h1>T</h1><h2>Key Takeaway</h2><p>Own text.</p>"
            "<div class='grid'><div><h3><a href='/s/1'>Other summary one</a></h3><p>Its excerpt.</p></div>"
            "<div><h3><a href='/s/2'>Other summary two</a></h3><p>Its excerpt.</p></div></div>"
            "<h2><a href='#why'>Why It Matters</a></h2><p>Anchored heading text.</p>")
    record = parse(body, "https://e.org/x")
    assert record["sections"] == [
        {"heading": "Key Takeaway", "text": "Own text."},
        {"heading": "Why It Matters", "text": "Anchored heading text."},
    ]


def test_dates_and_prose_after_a_short_heading_never_become_ratings() -> None:
    body = ("<h1>T</h1><div><h3>Credibility</h3><p>4/5</p><h3>Interest</h3><p>High</p>"
            "<h3>Reviewed</h3><p>11/2/2024</p><h3>Results</h3><p>Symptoms improved in 2 of 3 patients.</p>"
            "<h3>Rigor</h3><p>3 of 5 stars</p><h3>Relevance</h3><p>Moderate</p><h3>Funding</h3><p>None declared</p>"
            "<h2>What They Found</h2><p>2 of 3</p><h2>More Details</h2><p>Published 11/2/2024</p></div>")
    ratings = parse(body, "https://e.org/x")["ratings"]
    assert list(ratings) == ["credibility", "interest", "rigor", "relevance"]
    assert ratings["rigor"] == {"value": 3, "max": 5, "label": None, "raw": "3 of 5 stars"}
    assert ratings["relevance"] == {"value": None, "max": None, "label": "Moderate", "raw": "Moderate"}


def test_a_date_is_never_a_named_rating_value() -> None:
    body = ("<h1>T</h1><div><span>Credibility</span> <span>reviewed 11/2/2024</span></div>"
            "<div><span>Interest</span> <span>High</span></div><h2>Key Takeaway</h2><p>x.</p>")
    record = parse(body, "https://e.org/x")
    assert "credibility" not in record["ratings"] and "unreadable credibility rating" in record["warnings"]


def test_raw_stops_before_the_next_rating_name() -> None:
    star = "<svg viewBox='0 0 24 24' fill='{}'></svg>"
    body = ("<h1>T</h1><div><span>Credibility</span> 4/5 <span>Interest</span> 3/5 (above average) <span>Relevance</span> "
            + star.format("#f59e0b") * 2 + star.format("#e5e7eb") * 3 + "</div><h2>Key Takeaway</h2><p>x.</p>")
    ratings = parse(body, "https://e.org/x")["ratings"]
    assert ratings["interest"] == {"value": 3, "max": 5, "label": None, "raw": "3/5"}
    assert ratings["relevance"] == {"value": 2, "max": 5, "label": None, "raw": "2 of 5 icons filled"}


def test_svg_stars_painted_by_their_inner_shapes() -> None:
    star = "<svg viewBox='0 0 24 24'><path fill='{}' d='M0 0h9v9z'/></svg>"
    body = ("<h1>T</h1><div><p><span>Credibility</span> <meter value='4' max='5'></meter></p><p><span>Relevance</span>"
            + star.format("currentColor") * 2 + star.format("none") + "</p><p><span>Interest</span> 3/5</p></div>"
            "<h2>Key Takeaway</h2><p>x.</p>")
    relevance = parse(body, "https://e.org/x")["ratings"].get("relevance")
    assert relevance == {"value": 2, "max": 3, "label": None, "raw": "2 of 3 icons filled"}


def test_dialogs_and_form_labels_never_name_a_rating() -> None:
    body = ("<dialog open><h2>Interest</h2><p>1/5</p></dialog>"
            "<div role='alertdialog'><span>Credibility</span> 1/5</div>"
            "<p><label for='ads'>Credibility</label><input id='ads' type='checkbox'></p>"
            "<h1>T</h1><p>Interest-based advertising keeps this site free.</p>"
            "<div><label for='c'>Credibility</label> <meter id='c' value='4' max='5'></meter></div>"
            "<div>Interest <span>&#9733;&#9733;&#9733;&#9734;&#9734;</span></div><h2>Key Takeaway</h2><p>x.</p>")
    ratings = parse(body, "https://e.org/x")["ratings"]
    assert ratings == {"credibility": {"value": 4, "max": 5, "label": None, "raw": "4/5"},
                       "interest": {"value": 3, "max": 5, "label": None, "raw": "\u2605\u2605\u2605\u2606\u2606"}}


@pytest.mark.parametrize(("markup", "rating"), [
    ("<p>Credibility rating: 4/5</p>", {"value": 4, "max": 5, "label": None, "raw": "4/5"}),
    ("<dl><dt>Credibility score</dt><dd>&#9733;&#9733;&#9734;</dd></dl>", {"value": 2, "max": 3, "label": None, "raw": "\u2605\u2605\u2606"}),
    ("<p>Credibility grade - A-</p>", {"value": None, "max": None, "label": "A-", "raw": "A-"}),
    ("<p>Credibility-4/5</p>", {"value": 4, "max": 5, "label": None, "raw": "4/5"}),
])
def test_a_filler_word_after_the_rating_name_is_not_the_value(markup: str, rating: dict) -> None:
    assert parse(f"<h1>T</h1>{markup}<h2>Key Takeaway</h2><p>x.</p>", "https://e.org/x")["ratings"] == {"credibility": rating}


@pytest.mark.parametrize(("markup", "rating"), [
    ("<progress value='0.6'></progress>", {"value": 0.6, "max": 1, "label": None, "raw": "0.6"}),
    ("<progress max='5'></progress> High", {"value": None, "max": None, "label": "High", "raw": "High"}),
    ("<span aria-label='75%' class='bar'></span>", {"value": 75, "max": 100, "label": None, "raw": "75%"}),
    ("<span>(60 %)</span>", {"value": 60, "max": 100, "label": None, "raw": "60 %"}),
])
def test_progress_elements_and_stated_percentages_are_read(markup: str, rating: dict) -> None:
    body = f"<h1>T</h1><div><span>Interest</span> {markup}</div><h2>Key Takeaway</h2><p>x.</p>"
    assert parse(body, "https://e.org/x")["ratings"] == {"interest": rating}


@pytest.mark.parametrize("markup", [
    "<p>About 40% of the people in the trial dropped out early.</p>",
    "<span>120%</span>",
])
def test_a_percentage_in_prose_or_past_100_is_no_rating(markup: str) -> None:
    body = f"<h1>T</h1><div><span>Credibility</span> {markup}</div><h2>Key Takeaway</h2><p>x.</p>"
    assert parse(body, "https://e.org/x")["ratings"] == {}


@pytest.mark.parametrize("written, published, warned", [
    ("Early view", None, True),
    ("n.d.", None, True),
    ("Spring 2025", "2025", False),  # a journal issue named by its season
    ("March 2025", "2025-03", False),
    ("", None, False),  # an empty field is a missing date, not an unreadable one
])
def test_a_labelled_study_date_that_reads_as_no_date_is_warned(written: str, published: str | None,
                                                              warned: bool) -> None:
    page = ("<html><body><h1>Title</h1><p>Credibility: 4/5</p><h2>Key Takeaway</h2><p>Text.</p>"
            f"<h2>More Details</h2><p>Journal: Neurology</p><p>Published: {written}</p></body></html>")
    record = parse(page, "https://example.org/summaries/a")
    assert record["source"]["published"] == published
    assert ("unreadable study date" in record["warnings"]) is warned


_CRED_4_5 = {"value": 4, "max": 5, "label": None}


@pytest.mark.parametrize(("markup", "credibility", "interest"), [
    # The next rating's name in the tail of this one's value element.
    ("<p>Credibility: <strong>High</strong> &nbsp; Interest: <strong>Medium</strong></p>",
     {"value": None, "max": None, "label": "High"}, {"value": None, "max": None, "label": "Medium"}),
    ("<p>Credibility <span>&#9733;&#9733;&#9733;&#9733;&#9734;</span> &middot; Interest <span>&#9733;&#9733;&#9733;&#9734;&#9734;</span></p>",
     _CRED_4_5, {"value": 3, "max": 5, "label": None}),
    ("<p>Credibility <span title='4 out of 5'>&#9733;&#9733;&#9733;&#9733;&#9734;</span> | Interest "
     "<span title='5 out of 5'>&#9733;&#9733;&#9733;&#9733;&#9733;</span></p>", _CRED_4_5, {"value": 5, "max": 5, "label": None}),
    # ... after the rest of this one's value: "/5 · Interest:".
    ("<p>Credibility: <b>4</b>/5 &middot; Interest: <b>3</b>/5</p>", _CRED_4_5, {"value": 3, "max": 5, "label": None}),
    # Two ratings in one run of text, with no colon.
    ("<p>Credibility 4/5 Interest 3/5</p>", _CRED_4_5, {"value": 3, "max": 5, "label": None}),
    # A line of facts that opens with something else.
    ("<p>April 4, 2025 &middot; Credibility: 4/5 &middot; Interest: High</p>", _CRED_4_5,
     {"value": None, "max": None, "label": "High"}),
    # One first-person sentence naming both.
    ("<p>We rate its credibility 4 out of 5 and its interest 3 out of 5.</p>", _CRED_4_5, {"value": 3, "max": 5, "label": None}),
    ("<p>We rated the credibility of this study 4 out of 5 and its interest 3 out of 5.</p>", _CRED_4_5,
     {"value": 3, "max": 5, "label": None}),
])
def test_two_ratings_on_one_line_written_as_people_write_them(markup: str, credibility: dict, interest: dict) -> None:
    ratings = parse(f"<h1>T</h1>{markup}<h2>Key Takeaway</h2><p>x.</p>", "https://e.org/x")["ratings"]
    assert {name: {k: v for k, v in r.items() if k != "raw"} for name, r in ratings.items()} == {
        "credibility": credibility, "interest": interest}


@pytest.mark.parametrize("line", [
    "<p>Tags: Sleep &middot; Interest rates rose</p>",
    "<p>The survey &mdash; interest in which has grown &mdash; ran for years.</p>",
])
def test_a_rating_name_after_a_separator_without_a_rating_shaped_value_is_no_rating(line: str) -> None:
    page = f"<h1>T</h1><p>Credibility: 4/5</p><h2>Key Takeaway</h2><p>x.</p>{line}"
    assert set(parse(page, "https://e.org/x")["ratings"]) == {"credibility"}


@pytest.mark.parametrize("ref", ["&#8;", "&#8", "&#x1F;", "&#11;"])
def test_a_character_reference_to_a_control_character_is_a_space(ref: str) -> None:
    # lxml puts the control character in the tree and refuses it in any text set after (found by the fuzz test).
    record = parse(f"<h1>T</h1><h2>Key Takeaway</h2><p>Line one<br>Line{ref}two</p>", "https://e.org/x")
    assert not any(w.startswith("parser error") for w in record["warnings"])
    assert record["sections"] == [{"heading": "Key Takeaway", "text": "Line one Line two"}]
