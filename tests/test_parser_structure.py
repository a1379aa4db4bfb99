"""Structure the parser reads without labels it knows: unnamed related blocks, footers, titles and
study details written as prose or links (pages unlike the golden ones)."""

from __future__ import annotations

from pathlib import Path

import pytest

from parsers import load_profile, parse
from parsers.urls import absolute

URL = "https://example.org/summaries/x"
SUMMARY = ("<h1>Title</h1><p>Credibility: 4/5</p><h2>Key Takeaway</h2><p>Text one.</p>"
           "<h2>What They Found</h2><p>Text two.</p>")


def _card(slug: str, date: str | None) -> str:
    when = f"<p>{date}</p>" if date else ""
    return f'<div><h4><a href="/s/{slug}">Card {slug}</a></h4>{when}<p>Excerpt for {slug} cut mid-wo</p></div>'


def test_a_heading_over_dated_cards_is_the_related_block_whatever_its_name() -> None:
    record = parse(SUMMARY + "<h3>Keep reading</h3>" + _card("a", "1/2/2026") + _card("b", "1/3/2026"), URL)
    assert [c["title"] for c in record["related"]] == ["Card a", "Card b"]
    assert record["sections"][-1] == {"heading": "What They Found", "text": "Text two."}


def test_links_without_dates_under_an_unknown_heading_stay_section_text() -> None:
    page = SUMMARY + '<h2>Further Reading</h2><p><a href="/a">Fact sheet</a> and <a href="/b">FAQ</a>.</p>'
    record = parse(page, URL)
    assert record["related"] == []
    assert record["sections"][-1] == {"heading": "Further Reading", "text": "Fact sheet and FAQ."}


def test_a_copyright_footer_is_not_a_card() -> None:
    page = (SUMMARY + "<h2>You May Also Like</h2>" + _card("a", "2/14/2025")
            + '<div class="site-bottom">NeuroLay &copy; 2025 &middot; <a href="/contact">Contact</a></div>')
    assert [c["title"] for c in parse(page, URL)["related"]] == ["Card a"]


def test_a_sub_label_inside_more_details_does_not_end_it() -> None:
    page = (SUMMARY + "<h2>More Details</h2><dl><dt>Original study</dt>"
            '<dd><a href="https://doi.org/10.1177/1352458525">link</a></dd><dt>Published</dt><dd>March 3, 2025</dd></dl>')
    record = parse(page, URL)
    assert [s["heading"] for s in record["sections"]] == ["Key Takeaway", "What They Found"]
    assert (record["source"]["doi"], record["source"]["published"]) == ("10.1177/1352458525", "2025-03-03")


def test_a_publishers_doi_address_gives_the_doi_and_other_addresses_do_not() -> None:
    def source(href: str) -> dict:
        return parse(SUMMARY + f'<h2>More Details</h2><p>Link: <a href="{href}">article</a></p>', URL)["source"]

    assert source("https://www.neurology.org/doi/10.1212/NXI.0000000000200345")["doi"] == "10.1212/NXI.0000000000200345"
    assert source("https://onlinelibrary.wiley.com/doi/full/10.1002/ana.27001")["doi"] == "10.1002/ana.27001"
    assert source("https://pubmed.ncbi.nlm.nih.gov/38012345/")["doi"] is None


def test_study_details_in_prose() -> None:
    page = (SUMMARY + '<h2>More Details</h2><p><a href="https://pmc.example.org/articles/PMC1/">Read the study</a>'
            " in <i>Multiple Sclerosis and Related Disorders</i>, published 11/2/2024.</p>")
    source = parse(page, URL)["source"]
    assert (source["journal"], source["published"]) == ("Multiple Sclerosis and Related Disorders", "2024-11-02")
    labelled = parse(SUMMARY + "<h2>More Details</h2><p>Journal: Neurology (2025)</p><p>Year: 2025</p>", URL)
    assert (labelled["source"]["journal"], labelled["source"]["published"]) == ("Neurology", "2025")


def test_titles_without_heading_tags() -> None:
    aria = parse('<title>Outcomes | Site</title><div role="heading" aria-level="1">Ten-Year Outcomes</div>'
                 "<div>Updated 2/9/2026</div><h2>Key Takeaway</h2><p>Text.</p>", URL)
    assert (aria["title"], aria["published"]) == ("Ten-Year Outcomes", "2026-02-09")
    assert [s["heading"] for s in aria["sections"]] == ["Key Takeaway"]
    bold = parse("<title>Summary: Cooling Vests</title><p><font size='+2'><b>Cooling Vests</b></font><br>"
                 "Posted November 20, 2024</p><b>Key Takeaway</b><p>Text one.</p>", URL)
    assert (bold["title"], bold["published"]) == ("Cooling Vests", "2024-11-20")


def test_tab_and_accordion_panels_hold_the_text_even_when_hidden() -> None:
    tabs = parse('<h1>T</h1><div role="tablist"><button role="tab" aria-controls="p1">Key Takeaway</button>'
                 '<button role="tab" aria-controls="p2">What They Found</button></div>'
                 '<div role="tabpanel" id="p1"><p>Alpha text.</p></div>'
                 '<div role="tabpanel" id="p2" hidden><p>Beta text.</p></div>', URL)
    assert tabs["sections"] == [{"heading": "Key Takeaway", "text": "Alpha text."},
                                {"heading": "What They Found", "text": "Beta text."}]
    accordion = parse('<h1>T</h1><h3><button aria-expanded="true">Key Takeaway</button></h3><div><p>Alpha.</p></div>'
                      '<h3><button aria-expanded="false">What They Found</button></h3><div hidden><p>Beta.</p></div>'
                      '<h3><button aria-expanded="false">Important Considerations</button></h3>'
                      '<div style="display:none"><p>Gamma.</p></div><p>After the accordion.</p>'
                      '<div hidden><p>A hidden template, not a panel.</p></div>', URL)
    assert [s["text"] for s in accordion["sections"]] == ["Alpha.", "Beta.", "Gamma."]


def test_a_table_of_contents_is_not_a_section() -> None:
    record = parse('<h1>T</h1><ol><li><a href="#kt">Key Takeaway</a></li></ol><h2 id="kt">Key Takeaway</h2>'
                   "<p>Alpha text.</p>", URL)
    assert record["sections"] == [{"heading": "Key Takeaway", "text": "Alpha text."}]
    assert not [w for w in record["warnings"] if w.startswith("empty section")]


def test_comments_sharing_and_tags_are_not_the_summary() -> None:
    record = parse('<h1>T</h1><h2>Key Takeaway</h2><p>Alpha text.</p><div><h3>Share this:</h3>'
                   '<ul><li><a href="https://twitter.com/share">Twitter</a></li></ul></div>'
                   '<div>Tags: <a href="/tag/a">ocrelizumab</a>, <a href="/tag/b">infusions</a></div>'
                   '<section><h2>Comments (1)</h2><div><h3>MaryK</h3><time datetime="2026-02-01">February 1, 2026</time>'
                   "<p>Pacing really helped me.</p></div></section>", URL)
    assert record["sections"] == [{"heading": "Key Takeaway", "text": "Alpha text."}]
    assert record["published"] is None


def test_the_sites_logo_heading_is_not_the_title() -> None:
    record = parse('<title>MS Research Digest</title><header><h1><a href="/">MS Research Digest</a></h1></header>'
                   "<main><h1>Tai Chi Improves Balance</h1><h2>Key Takeaway</h2><p>Alpha.</p></main>", URL)
    assert record["title"] == "Tai Chi Improves Balance"


def test_card_dates_glued_to_text_and_bracketed_ellipses() -> None:
    record = parse(SUMMARY + "<h2>You May Also Like</h2>"
                   '<div><a href="/s/a"><span>Card A</span></a><span>Jan 5, 2026</span><span>Excerpt a, cut [...]</span></div>'
                   '<div><a href="/s/b"><span>Card B</span></a><span>Dec 18, 2025</span><span>Whole sentence.</span></div>', URL)
    assert [(c["date"], c["excerpt"], c["excerpt_truncated"]) for c in record["related"]] == [
        ("2026-01-05", "Excerpt a, cut [...]", True), ("2025-12-18", "Whole sentence.", False)]


def test_an_error_page_with_popular_links_is_not_a_listing() -> None:
    cards = "".join(f'<li><a href="/s/{c}">Card {c}</a> <span>5/1/2025</span></li>' for c in "abc")
    record = parse(f"<title>Page not found</title><h1>Page not found</h1><h2>Popular summaries</h2><ul>{cards}</ul>", URL)
    assert record["page_type"] == "other"
    listing = parse(f"<title>Latest summaries</title><h1>Latest summaries</h1><ul>{cards}</ul>", URL)
    assert listing["page_type"] == "listing"


def test_the_byline_date_is_the_publication_not_the_update() -> None:
    record = parse("<h1>T</h1><p>Updated: 2 Feb 2026 \u00b7 Published: 15 Jan 2026</p><h2>Key Takeaway</h2><p>A.</p>", URL)
    assert record["published"] == "2026-01-15"


def test_rating_names_after_the_sections_stay_out_of_their_text() -> None:
    record = parse('<h1>T</h1><h2>Key Takeaway</h2><p>Alpha text.</p><div><label>Credibility</label> '
                   '<progress value="4" max="5"></progress> <label>Interest</label> <progress value="3" max="5"></progress></div>', URL)
    assert record["sections"] == [{"heading": "Key Takeaway", "text": "Alpha text."}]
    assert {k: (r["value"], r["max"]) for k, r in record["ratings"].items()} == {"credibility": (4, 5), "interest": (3, 5)}


def test_citations_give_the_year_and_a_written_out_address() -> None:
    apa = parse(SUMMARY + "<h2>More Details</h2><p>Bsteh G. (2025). Retinal thinning. <i>Neurology</i>, 104(6). "
                "https://doi.org/10.1212/WNL.0000000000210123</p>", URL)["source"]
    assert apa == {"journal": "Neurology", "url": "https://doi.org/10.1212/WNL.0000000000210123",
                   "doi": "10.1212/WNL.0000000000210123", "published": "2025"}
    vancouver = parse(SUMMARY + "<h2>Original Study</h2><p>Nguyen T, et al. Serum NfL. <i>Multiple Sclerosis Journal</i>. "
                      "2025;31(4):455-467. doi:10.1177/13524585251111111</p>", URL)["source"]
    assert (vancouver["journal"], vancouver["published"], vancouver["doi"]) == (
        "Multiple Sclerosis Journal", "2025", "10.1177/13524585251111111")


def test_html5_pages_without_a_body_tag() -> None:
    """Minifiers drop the optional <html>, <head> and <body> tags; libxml2 alone would file the page under <head>."""
    record = parse("<!doctype html><meta charset=utf-8><title>Tai Chi | Site</title><section><h1>Tai Chi</h1>"
                   "<p>Credibility: 4/5</p><h2>Key Takeaway</h2><p>Balance improved.</p></section>", URL)
    assert (record["page_type"], record["title"]) == ("summary", "Tai Chi")
    assert record["sections"] == [{"heading": "Key Takeaway", "text": "Balance improved."}]


def test_cards_with_their_own_footer_and_the_sites_footer() -> None:
    cards = "".join(f'<article><h3><a href="/s/{c}">Card {c}</a></h3><p>Excerpt {c} cut mid-wo</p>'
                    f'<footer><time datetime="2026-01-0{i}">Jan {i}, 2026</time></footer></article>'
                    for i, c in enumerate("abc", 1))
    record = parse(SUMMARY + "<h2>You May Also Like</h2>" + cards
                   + '<footer>NeuroNotes <a href="/contact">Contact</a></footer>', URL)
    assert [(c["title"], c["date"]) for c in record["related"]] == [
        ("Card a", "2026-01-01"), ("Card b", "2026-01-02"), ("Card c", "2026-01-03")]


def test_a_field_name_of_two_words_after_a_br() -> None:
    source = parse(SUMMARY + "<h2>More Details</h2><p>Journal: Neurology<br>Study date: 9/15/2025</p>", URL)["source"]
    assert (source["journal"], source["published"]) == ("Neurology", "2025-09-15")


def _post(slug: str, day: int, extra: str) -> str:
    return (f'<article><h2><a href="/{slug}/">Post {slug}</a></h2><time datetime="2026-01-{day:02d}">Jan {day}, 2026</time>'
            f' by <a href="/author/editor/">Editor</a> {extra}<p>Excerpt of {slug} that the site cut mid-wo</p></article>')


def test_author_and_tag_links_inside_cards() -> None:
    archive = parse("<title>Category: Relapses</title><h1>Category: Relapses</h1>"
                    + "".join(_post(s, d, f'in <a href="/tag/{s}/">tag {s}</a>') for s, d in (("a", 3), ("b", 2), ("c", 1))), URL)
    assert archive["page_type"] == "listing"
    assert [(c["title"], c["date"]) for c in archive["related"]] == [
        ("Post a", "2026-01-03"), ("Post b", "2026-01-02"), ("Post c", "2026-01-01")]
    related = parse(SUMMARY + "<h2>You May Also Like</h2>" + _post("d", 4, "") + _post("e", 5, ""), URL)["related"]
    assert [(c["title"], c["excerpt"]) for c in related] == [
        ("Post d", "Excerpt of d that the site cut mid-wo"), ("Post e", "Excerpt of e that the site cut mid-wo")]


def test_two_cards_and_a_load_more_button_are_a_listing() -> None:
    record = parse("<h1>All Summaries</h1>" + _post("a", 3, "") + _post("b", 2, "") + "<button>Load more</button>", URL)
    assert (record["page_type"], len(record["related"]), record["published"]) == ("listing", 2, None)


def test_the_site_boilerplate_without_a_heading() -> None:
    boiler = ("<div><p>Whether you have recently been diagnosed or want to understand the disease better, the latest "
              "research can feel overwhelming. Studies published in respected medical journals like Multiple Sclerosis "
              "and Related Disorders often range from early-stage work to advanced trials.</p></div>")
    record = parse(SUMMARY + boiler + '<h2>More Details</h2><p><a href="https://pubmed.ncbi.nlm.nih.gov/1/">PubMed</a></p>', URL)
    assert record["sections"][-1] == {"heading": "What They Found", "text": "Text two."}
    assert record["source"]["journal"] == "Multiple Sclerosis and Related Disorders"


def test_a_source_line_gives_the_journal_alone() -> None:
    source = parse(SUMMARY + "<h2>More Details</h2><p>Source: <em>Archives of Physical Medicine and Rehabilitation</em>, "
                   'published 10/14/2025. <a href="https://doi.org/10.1016/j.apmr.2025.06.012">link</a></p>', URL)["source"]
    assert (source["journal"], source["published"]) == ("Archives of Physical Medicine and Rehabilitation", "2025-10-14")
    plain = parse(SUMMARY + "<h2>More Details</h2><p>Journal: N. Engl. J. Med.</p>", URL)["source"]
    assert plain["journal"] == "N. Engl. J. Med."


def test_more_details_collapsed_in_details_with_a_definition_list() -> None:
    record = parse(SUMMARY + "<details><summary>More Details</summary><dl><dt>Journal</dt><dd>Brain</dd>"
                   "<dt>Authors</dt><dd>van Doorn PA, et al.</dd><dt>Published</dt><dd>8/15/2025</dd></dl></details>", URL)
    assert [s["heading"] for s in record["sections"]] == ["Key Takeaway", "What They Found"]
    assert (record["source"]["journal"], record["source"]["published"]) == ("Brain", "2025-08-15")


def test_headings_inside_card_links_and_carousel_buttons() -> None:
    cards = "".join(f'<div><a href="/s/{c}"><h2>Card {c}</h2><h3>Excerpt {c}, cut mid-wo</h3></a><span>Dec {d}, 2025</span></div>'
                    for c, d in (("a", 2), ("b", 5)))
    unnamed = parse(SUMMARY + "<h2>More from Dana Whitfield</h2>" + cards, URL)
    assert [s["heading"] for s in unnamed["sections"]] == ["Key Takeaway", "What They Found"]
    assert [(c["title"], c["date"]) for c in unnamed["related"]] == [("Card a", "2025-12-02"), ("Card b", "2025-12-05")]
    carousel = parse(SUMMARY + "<h2>You May Also Like</h2><button>Previous</button><button>Next</button>" + cards, URL)
    assert len(carousel["related"]) == 2


def test_widgets_between_sections_and_an_articles_own_footer() -> None:
    record = parse("<article><h1>T</h1><h2>Key Takeaway</h2><p>Alpha.</p><div><h4>Was this helpful?</h4>"
                   "<button>Yes</button><button>No</button></div><h2>What They Found</h2><p>Beta.</p>"
                   "<p><strong>Was this summary helpful?</strong></p>"
                   '<footer>Submitted by Ana on <time datetime="2026-02-09">9 Feb 2026</time></footer></article>', URL)
    assert [s["text"] for s in record["sections"]] == ["Alpha.", "Beta."]
    assert record["published"] == "2026-02-09"


def test_star_alt_text_and_study_fields_between_dots() -> None:
    record = parse('<h1>T</h1><p>Credibility <img src="s.png" alt="5 stars out of 5"></p><h2>Key Takeaway</h2><p>A.</p>'
                   "<h2>More Details</h2><p>Journal: Annals of Neurology \u00b7 Published: 2025-12 \u00b7 "
                   'DOI <a href="https://doi.org/10.1002/ana.27123">10.1002/ana.27123</a></p>', URL)
    assert (record["ratings"]["credibility"]["value"], record["ratings"]["credibility"]["max"]) == (5, 5)
    assert (record["source"]["journal"], record["source"]["published"]) == ("Annals of Neurology", "2025-12")


def test_a_subtitle_inside_the_h1() -> None:
    record = parse("<title>Poor Sleep and Memory | Site</title><meta property='og:title' content='Poor Sleep and Memory | Site'>"
                   "<h1>Poor Sleep and Memory <span>What a five-year study found</span></h1>"
                   "<h2>Key Takeaway</h2><p>A.</p>", URL)
    assert record["title"] == "Poor Sleep and Memory"
    assert [s["heading"] for s in record["sections"]] == ["Key Takeaway"]


def test_ordinary_headings_and_prose_that_resemble_site_furniture() -> None:
    """What the heuristics for comments, boilerplate and unnamed card blocks must leave alone."""
    record = parse("<h1>T</h1><h2>Key Takeaway</h2><p>Alpha.</p><h2>Responses Varied</h2><p>Some improved.</p>"
                   "<h2>Comments From the Researchers</h2><p>The authors were cautious.</p>"
                   "<h2>What They Found</h2><p>Trials in journals like Neurology often report bigger effects.</p>"
                   "<p>Small trials reported effects twice as large.</p>"
                   '<h2>Trial Timeline</h2><ul><li><a href="/t/1">Enrolment opened</a> 1/5/2024</li>'
                   '<li><a href="/t/2">First results</a> 6/1/2025</li><li><a href="/t/3">Final report</a> 1/9/2026</li></ul>'
                   '<div><h3>Upcoming events</h3><p><a href="/e/1">MS walk</a> 4/12/2026</p>'
                   '<p><a href="/e/2">Webinar on sleep</a> 5/3/2026</p></div>', URL)
    assert [s["heading"] for s in record["sections"]] == [
        "Key Takeaway", "Responses Varied", "Comments From the Researchers", "What They Found", "Trial Timeline"]
    assert record["sections"][3]["text"].endswith("twice as large.")
    assert record["related"] == [] and record["source"]["journal"] is None


def test_two_ratings_on_one_line() -> None:
    for line in ("Credibility: 3/5 &nbsp; Interest: 4/5", "Credibility: 3 out of 5 | Interest: High"):
        ratings = parse(f"<h1>T</h1><p>{line}</p><h2>Key Takeaway</h2><p>A.</p>", URL)["ratings"]
        assert set(ratings) == {"credibility", "interest"} and ratings["credibility"]["value"] == 3, line


def test_labels_drawn_as_images() -> None:
    record = parse('<h1>T</h1><p><img src="c.png" alt="Credibility"> <img src="s4.png" alt="4 out of 5"></p>'
                   '<p><img src="k.png" alt="Key Takeaway"></p><p>A blood test ruled out bleeding.</p>'
                   '<p><img src="w.png" alt="What They Found"></p><p>It found 97% of bleeds.</p>', URL)
    assert record["page_type"] == "summary"
    assert [s["heading"] for s in record["sections"]] == ["Key Takeaway", "What They Found"]
    assert (record["ratings"]["credibility"]["value"], record["ratings"]["credibility"]["max"]) == (4, 5)


def test_journal_names_end_where_the_line_moves_on() -> None:
    def journal(line: str) -> str | None:
        return parse(SUMMARY + f"<h2>More Details</h2><p>{line}</p>", URL)["source"]["journal"]

    assert journal('Journal: Cephalalgia. <a href="https://doi.org/10.1/x">Read the study</a>') == "Cephalalgia"
    assert journal("Journal: Multiple Sclerosis Journal. DOI: 10.1177/135") == "Multiple Sclerosis Journal"
    assert journal("Journal: Stroke. DOI: 10.1161/STROKEAHA.125.054321") == "Stroke"
    printed = parse(SUMMARY + "<h2>More Details</h2><p>Journal: Stroke.</p><p>Printed from https://example.org/summaries/x "
                    "on 3/4/2026</p>", URL)["source"]
    assert printed["url"] is None


def test_a_single_related_card_stays_a_card() -> None:
    """With one card and no other link, the card must not grow into the article around it."""
    record = parse("<main><article><h1>Exercise and MS Fatigue Study</h1><p>Credibility: 4/5</p><p>Interest: 3/5</p>"
                   "<h2>Key Takeaway</h2><p>Exercise helped fatigue.</p><h2>More Details</h2><p>Journal: Epilepsia</p>"
                   '<section><h2>You May Also Like</h2><div><img src="a.jpg" alt="Exercise and MS Fatigue">'
                   '<h3><a href="/summaries/y">Exercise and MS Fatigue</a></h3><p>2025/03/04</p>'
                   "<p>A short trial tested exercise.</p></div></section></article></main>", URL)
    assert record["sections"] == [{"heading": "Key Takeaway", "text": "Exercise helped fatigue."}]
    assert set(record["ratings"]) == {"credibility", "interest"} and record["source"]["journal"] == "Epilepsia"
    assert [(c["title"], c["date"]) for c in record["related"]] == [("Exercise and MS Fatigue", "2025-03-04")]


def test_a_rating_with_the_unicode_fraction_slash() -> None:
    ratings = parse("<h1>T</h1><p>Credibility: 4\u20445</p><h2>Key Takeaway</h2><p>A.</p>", URL)["ratings"]
    assert (ratings["credibility"]["value"], ratings["credibility"]["max"]) == (4, 5)


def test_a_star_symbol_beside_a_number_and_a_vancouver_citation() -> None:
    record = parse("<h1>T</h1><div>Interest <span>\u2605 4.5</span></div><h2>Key Takeaway</h2><p>A.</p>"
                   "<h2>More Details</h2><p>Lee C. Seizures in sleep. Epilepsia. 2025 Mar;66(3):455-67.</p>", URL)
    assert record["ratings"]["interest"]["value"] == 4.5
    assert (record["source"]["journal"], record["source"]["published"]) == ("Epilepsia", "2025-03")
    drawn = parse("<h1>T</h1><div>Interest <span>\u2605\u2605\u2605\u2605\u2606</span></div><h2>Key Takeaway</h2><p>A.</p>", URL)
    assert (drawn["ratings"]["interest"]["value"], drawn["ratings"]["interest"]["max"]) == (4, 5)


def test_a_journal_named_only_in_prose() -> None:
    cases = {
        "Published in The New England Journal of Medicine, doi: 10.1056/NEJMoa2412345":
            ("The New England Journal of Medicine", None),
        "This study was published in Neurology: Clinical Practice on March 12, 2025.":
            ("Neurology: Clinical Practice", "2025-03-12"),
        "Published online in Frontiers in Neurology on 3 February 2025.": ("Frontiers in Neurology", "2025-02-03"),
        "The paper was published in the journal Brain in March 2024.": ("Brain", "2024-03"),
        "The results were published in a peer-reviewed journal.": (None, None),
    }
    for prose, (journal, published) in cases.items():
        source = parse(SUMMARY + f"<h2>More Details</h2><p>{prose}</p>", URL)["source"]
        assert (source["journal"], source["published"]) == (journal, published), prose


def test_a_header_row_of_rating_names_over_a_row_of_values() -> None:
    def icons(on: int) -> str:
        return "".join(f'<i class="dot{" on" if i < on else ""}"></i>' for i in range(5))

    table = ("<h1>Title</h1><table><thead><tr><th>Credibility</th><th>Interest</th></tr></thead>"
             f"<tbody><tr><td>{icons(4)}</td><td>{icons(2)}</td></tr></tbody></table>"
             "<h2>Key Takeaway</h2><p>Text one.</p>")
    ratings = parse(table, URL)["ratings"]
    assert {name: (r["value"], r["max"]) for name, r in ratings.items()} == {"credibility": (4, 5), "interest": (2, 5)}
    rows = ("<h1>Title</h1><table><tr><td>Credibility</td><td>4/5</td></tr><tr><td>Interest</td><td>High</td></tr>"
            "</table><h2>Key Takeaway</h2><p>Text one.</p>")
    ratings = parse(rows, URL)["ratings"]
    assert (ratings["credibility"]["value"], ratings["interest"]["label"]) == (4, "High")


def test_a_rating_value_followed_by_its_explanation() -> None:
    page = ("<h1>Title</h1><p>Credibility 9 out of 10</p>"
            "<p>Interest: 6/10 &ndash; relevant to families of children with migraine</p>"
            "<h2>Key Takeaway</h2><p>Interest in new treatments has grown among many families and doctors.</p>")
    record = parse(page, URL)
    assert record["ratings"]["interest"]["value"] == 6 and record["ratings"]["interest"]["max"] == 10
    assert record["sections"][0]["text"].startswith("Interest in new treatments")


FOUR = ("<h2>Key Takeaway</h2><p>Aspirin helped.</p><h2>What They Found</h2><p>Fewer strokes.</p>"
        "<h2>Who Should Care and Why</h2><p>Patients.</p><h2>Important Considerations</h2><p>Small study.</p>")


def test_invisible_characters_in_a_heading_do_not_hide_its_label() -> None:
    page = ('<h1>T</h1><p>Credibility: 4/5</p><h3>Key Takeaway<button aria-label="Link">&#8203;</button></h3>'
            "<p>Aspirin helped.</p><h3>More&#8203; Details</h3><p>Journal: Stroke</p>")
    record = parse(page, URL)
    assert [s["heading"] for s in record["sections"]] == ["Key Takeaway"]
    assert record["source"]["journal"] == "Stroke"


def test_star_images_whose_files_differ_by_state_are_one_row() -> None:
    def stars(on: int) -> str:
        return "".join(f'<img class="star star--{"on" if i < on else "off"}" src="/i/{"a" if i < on else "b"}.svg" alt="">'
                       for i in range(5))
    page = f"<h1>T</h1><div><span>Credibility</span><span>{stars(3)}</span></div>{FOUR}"
    rating = parse(page, URL)["ratings"]["credibility"]
    assert (rating["value"], rating["max"]) == (3, 5)


def test_the_boilerplate_journal_ends_before_its_verb() -> None:
    page = (f"<h1>T</h1><p>Credibility: 4/5</p>{FOUR}<h2>Understanding MS Research</h2><p>Studies in journals "
            "like Nature range from early exploratory work to large trials. Review the original source via More "
            "Details above and talk with your health care provider.</p>")
    assert parse(page, URL)["source"]["journal"] == "Nature"


def test_cards_written_flat_as_lines_after_their_title_link() -> None:
    paragraphs = ('<h2>You May Also Like</h2><p><a href="/s/sun">Sun Protection and Lupus</a></p><p>1/19/2026</p>'
                  '<p>Daily sunscreen use was linked to fewer fla</p><p><a href="/s/walk">Walking for Fatigue</a></p>'
                  "<p>12/3/2025</p><p>Walking reduced tiredness.</p><p>Subscribe to our newsletter for more.</p>"
                  "<p>We never share your address with anyone else.</p><p>Unsubscribe at any time.</p>")
    lines = ('<div><b>You May Also Like</b><br><br><a href="/s/sun">Sun Protection and Lupus</a><br>1/19/2026<br>'
             'Daily sunscreen use was linked to fewer fla<br><a href="/s/sun">Read More</a><br><br>'
             '<a href="/s/walk">Walking for Fatigue</a><br>12/3/2025<br>Walking reduced tiredness.<br>'
             '<a href="/s/walk">Read More</a><br><br></div>')
    for block in (paragraphs, lines):
        cards = parse(f"<h1>T</h1><p>Credibility: 4/5</p>{FOUR}{block}", URL)["related"]
        assert [(c["date"], c["excerpt"]) for c in cards] == [
            ("2026-01-19", "Daily sunscreen use was linked to fewer fla"), ("2025-12-03", "Walking reduced tiredness.")]


def test_a_date_in_brackets_is_a_card_date_not_its_excerpt() -> None:
    block = ('<h3>You May Also Like</h3><ul><li><p><a href="/p/a">Melatonin for Older Adults</a> (2/10/2026)</p></li>'
             '<li><p><a href="/p/b">Sleep Apps</a> (1/20/2026)</p></li></ul>')
    cards = parse(f"<h1>T</h1><p>Credibility: 4/5</p>{FOUR}{block}", URL)["related"]
    assert [(c["date"], c["excerpt"]) for c in cards] == [("2026-02-10", None), ("2026-01-20", None)]


def test_an_off_site_link_after_the_cards_is_not_one() -> None:
    block = ('<h2>You May Also Like</h2><p><a href="/s/sun">Sun Protection</a></p><p><a href="/s/walk">Walking</a></p>'
             '<div id="footer"><a href="https://docs.google.com/document/d/X/pub">Report abuse</a></div>')
    cards = parse(f"<h1>T</h1><p>Credibility: 4/5</p>{FOUR}{block}", URL)["related"]
    assert [c["title"] for c in cards] == ["Sun Protection", "Walking"]


def test_a_subtitle_and_byline_under_the_title_are_not_a_section() -> None:
    page = ('<div><h1>Iron Helps Restless Legs</h1><h3>A randomised trial finds iron infusions ease leg discomfort</h3>'
            '<div><a href="/@pn">Dr. Priya Nair</a></div><div>Mar 03, 2026</div></div>'
            f"<p>Credibility: 4/5</p>{FOUR}")
    record = parse(page, URL)
    assert record["sections"][0]["heading"] == "Key Takeaway" and len(record["sections"]) == 4
    assert record["published"] == "2026-03-03"
    section = parse("<h1>Title</h1><h2>Background</h2><p>Restless legs affect one in five pregnant women, "
                    f"often in the last three months.</p>{FOUR}", URL)["sections"][0]
    assert section["heading"] == "Background"


def test_labels_on_lines_of_their_own_in_one_block() -> None:
    page = ("<html><head><title>Epilepsy Research - Fish Oil and Seizures</title></head><body><div>"
            "<font size=5><b>Fish Oil and Seizures: A Second Look</b></font><br><font size=1>Added 11/4/2025</font><br>"
            "<br>Credibility: 2 out of 5<br><br>Key Takeaway<br>Low-dose fish oil reduced seizures.<br><br>"
            "What They Found<br>Seizures dropped by a third.<br>Most had fewer.<br><br>More Details<br>Journal: Neurology<br>"
            '<hr>You May Also Like<br><br><a href="k.html">Ketogenic Diet</a><br>10/2/2025<br><br>'
            '<a href="s.html">Sleep Loss</a><br>8/15/2025<br></div></body></html>')
    record = parse(page, URL)
    assert (record["title"], record["published"]) == ("Fish Oil and Seizures: A Second Look", "2025-11-04")
    assert record["sections"] == [{"heading": "Key Takeaway", "text": "Low-dose fish oil reduced seizures."},
                                  {"heading": "What They Found", "text": "Seizures dropped by a third. Most had fewer."}]
    assert record["ratings"]["credibility"]["value"] == 2 and record["source"]["journal"] == "Neurology"
    assert [(c["title"], c["date"]) for c in record["related"]] == [("Ketogenic Diet", "2025-10-02"),
                                                                   ("Sleep Loss", "2025-08-15")]


def test_labels_written_with_their_translation() -> None:
    page = ("<h1>T</h1><p>Interest | High</p><h2>Key Takeaway / Point clé</h2><p>Vaccines helped.</p>"
            "<h2>More Details / Plus de détails</h2><p>Journal / Revue : Nature<br>Published / Publié : 4/2/2025</p>"
            "<h2>You May Also Like / Vous aimerez aussi</h2>" + _card("a", "2/1/2026") + _card("b", "1/3/2026"))
    record = parse(page, URL)
    assert [s["heading"] for s in record["sections"]] == ["Key Takeaway / Point clé"]
    assert (record["source"]["journal"], record["source"]["published"]) == ("Nature", "2025-04-02")
    assert [c["title"] for c in record["related"]] == ["Card a", "Card b"]
    assert record["ratings"]["interest"]["label"] == "High"


def _dated_cards(n: int) -> str:
    return "".join(f'<div><h3><a href="/news/n{i}/">News item {i}</a></h3><p>2/{i + 1}/2026</p>'
                   f"<p>What happened in item {i}, in short.</p></div>" for i in range(n))


def test_an_article_with_a_box_of_cards_is_not_a_listing() -> None:
    prose = "".join(f"<p>Paragraph {i} of the news story, long enough to be prose and not a caption here.</p>"
                    for i in range(4))
    article = f"<h1>Steps and dementia</h1><p>By <a href='/author/jp/'>Jane Porter</a></p>{prose}"
    record = parse(f"<article>{article}</article><section><h2>More in Health</h2>{_dated_cards(3)}</section>", URL)
    assert (record["page_type"], record["related"]) == ("other", [])
    listing = parse(f"<h1>Health</h1><p>The latest health news.</p>{_dated_cards(3)}", URL)
    assert listing["page_type"] == "listing" and len(listing["related"]) == 3


def test_cards_that_show_their_own_rating_make_a_listing() -> None:
    cards = "".join(f'<article><h2><a href="/s/{i}">Summary {i}</a></h2><p>Credibility <span aria-label='
                    f'"Credibility: {i + 2} out of 5">*</span></p><p>1/{i + 1}/2026</p><p>Excerpt {i} cut mid-wo</p></article>'
                    for i in range(3))
    record = parse(f"<h1>Sleep</h1>{cards}", URL)
    assert (record["page_type"], record["ratings"], len(record["related"])) == ("listing", {}, 3)


def test_a_not_found_page_and_its_home_link() -> None:
    page = ("<div><h1>Sorry, we can\u2019t find that page</h1><p>It may have moved.</p>"
            '<p><a href="/">Back to the home page</a></p></div>' + _dated_cards(3))
    record = parse(page, URL)
    assert (record["page_type"], record["related"]) == ("other", [])


def test_a_rating_scale_explained_is_no_rating() -> None:
    page = ("<h1>How We Rate Research</h1><h2>Credibility</h2><p>Credibility reflects how much weight a study bears.</p>"
            '<p><span role="img" aria-label="5 out of 5">*****</span> Large randomized trials</p>'
            '<p><span role="img" aria-label="1 out of 5">*</span> Laboratory studies</p>'
            "<h2>Interest</h2><p>Interest: <span>High</span> <span>Medium</span> <span>Low</span></p>")
    record = parse(page, URL)
    assert (record["page_type"], record["ratings"]) == ("other", {})


def test_the_study_named_in_json_ld() -> None:
    ld = ('{"@type": "Article", "headline": "Coffee and Parkinson", "isBasedOn": {"@type": "ScholarlyArticle", '
          '"datePublished": "2025-11-05", "isPartOf": {"@type": "Periodical", "name": "Neurology"}, '
          '"sameAs": "https://doi.org/10.1212/WNL.0000000000214455"}}')
    page = f'<html><head><script type="application/ld+json">{ld}</script></head><body>{SUMMARY}</body></html>'
    assert parse(page, URL)["source"] == {"journal": "Neurology", "url": None, "doi": "10.1212/WNL.0000000000214455",
                                          "published": "2025-11-05"}


def test_a_heading_with_nothing_under_it_ends_no_section_text() -> None:
    page = (f"<h1>T</h1>{FOUR}<div><h5>How we rated this study</h5><p>Credibility</p><p>2/5</p></div>")
    record = parse(page, URL)
    assert record["sections"][-1] == {"heading": "Important Considerations", "text": "Small study."}
    assert record["ratings"]["credibility"]["value"] == 2


def test_a_byline_in_a_title_meta_box_is_no_heading() -> None:
    page = ('<h1>Statins and Muscle Aches</h1><p class="et_pb_title_meta_container">by Dana Lee | Jan 20, 2026</p>'
            f"<p>Credibility: 4/5</p>{FOUR}")
    assert parse(page, URL)["published"] == "2026-01-20"


def _slide(slug: str, hidden: bool) -> str:
    return (f'<div class="slide" aria-hidden="{"true" if hidden else "false"}"><div><h4><a href="/s/{slug}/">Card {slug}</a>'
            f"</h4><span>1/{len(slug)}/2026</span><p>Excerpt of {slug}: people who took the drug slept better than "
            "those who took the dummy pill, cut mid-wo</p></div></div>")


def test_a_carousel_with_clones_and_off_screen_slides() -> None:
    # Slick: a hidden clone of the last slide first, then the slides (the last off-screen), then a clone of the first.
    track = _slide("dddd", True) + _slide("a", False) + _slide("bb", False) + _slide("ccc", False) \
        + _slide("dddd", True) + _slide("a", True)
    record = parse(f"<h1>T</h1><p>Credibility: 4/5</p>{FOUR}<h2>You May Also Like</h2><div>{track}</div>", URL)
    assert [c["title"] for c in record["related"]] == ["Card a", "Card bb", "Card ccc", "Card dddd"]
    assert all(c["date"] and c["excerpt"] for c in record["related"])


def test_a_listing_carousel_with_duplicate_slides_is_a_listing() -> None:
    slides = "".join(_slide(s, False) for s in ("bb", "ccc", "a", "bb", "ccc", "a", "bb"))
    record = parse(f"<h1>Fatigue</h1><div>{slides}</div>", URL)
    assert record["page_type"] == "listing"
    assert sorted(c["title"] for c in record["related"]) == ["Card a", "Card bb", "Card ccc"]


def test_published_rather_than_updated() -> None:
    byline = ('<p><span>Updated <time datetime="2026-02-02">Feb 2, 2026</time></span> \u00b7 '
              '<span>Published <time datetime="2026-01-05">Jan 5, 2026</time></span></p>')
    card = ('<div><h3><a href="/s/{0}">Card {0}</a></h3><p>Updated Feb 2, 2026 \u00b7 Published Jan 5, 2026</p>'
            "<p>Homes with gas cooking had higher levels of nitrogen dioxide.</p></div>")
    page = f"<h1>T</h1>{byline}<p>Credibility: 4/5</p>{FOUR}<h2>You Might Also Like</h2>{card.format('a')}{card.format('b')}"
    record = parse(page, URL)
    assert record["published"] == "2026-01-05"
    assert [(c["date"], c["excerpt"]) for c in record["related"]] == [
        ("2026-01-05", "Homes with gas cooking had higher levels of nitrogen dioxide.")] * 2


def test_a_web_component_rating_states_value_and_max() -> None:
    page = ('<h1>T</h1><study-rating value="4" max="5"><span slot="label">Credibility</span></study-rating>'
            f'<ol><li value="3">Interest</li></ol>{FOUR}')
    ratings = parse(page, URL)["ratings"]
    assert (ratings["credibility"]["value"], ratings["credibility"]["max"]) == (4, 5)
    assert "interest" not in ratings or ratings["interest"]["max"] is None


def test_a_stray_end_tag_that_closes_main_early() -> None:
    page = ('<div id="primary"><main><article><h1>T</h1><p>Credibility: 4/5</p><h2>Key Takeaway</h2><p>Aspirin helped.</p>'
            "</div></div><h2>What They Found</h2><p>Fewer strokes.</p><h2>More Details</h2><p>Journal: Neurology</p>")
    record = parse(page, URL)
    assert [s["heading"] for s in record["sections"]] == ["Key Takeaway", "What They Found"]
    assert record["source"]["journal"] == "Neurology"


def test_content_after_the_end_of_the_document() -> None:
    page = (f"<html><body><h1>T</h1><p>Credibility: 4/5</p>{FOUR}</body></html>"
            "<h2>You May Also Like</h2>" + _card("a", "1/2/2026") + _card("b", "1/3/2026"))
    assert [c["title"] for c in parse(page, URL)["related"]] == ["Card a", "Card b"]


def test_a_card_left_unclosed_around_the_next_one() -> None:
    cards = ('<div><div><a href="/s/a"><img src="a.jpg" alt="Card a"></a></div><h3><a href="/s/a">Card a</a></h3>'
             "<span>1/2/2026</span><p>Excerpt a.</p>"  # no </div>: card b nests inside card a
             '<div><h3><a href="/s/b">Card b</a></h3><span>1/3/2026</span><p>Excerpt b.</p></div></div>')
    record = parse(f"<h1>T</h1><p>Credibility: 4/5</p>{FOUR}<h2>You May Also Like</h2>{cards}", URL)
    assert [(c["title"], c["date"], c["excerpt"]) for c in record["related"]] == [
        ("Card a", "2026-01-02", "Excerpt a."), ("Card b", "2026-01-03", "Excerpt b.")]


def test_a_blog_date_header_over_the_post_title() -> None:
    page = ("<html><head><title>MS Research in Plain Words: Twelve Weeks of Yoga</title></head><body>"
            "<h2>Tuesday, February 3, 2026</h2><h3>Twelve Weeks of Yoga</h3>"
            f"<p>Credibility: 4/5</p>{FOUR}</body></html>")
    record = parse(page, URL)
    assert (record["title"], record["published"]) == ("Twelve Weeks of Yoga", "2026-02-03")


def test_a_heading_inside_an_in_page_anchor_is_a_section() -> None:
    page = ('<h1>T</h1><p>Credibility: 4/5</p><h2>Key Takeaway</h2><p>Aspirin helped.</p>'
            '<a href="#found"><h2 id="found">What They Found</h2></a><p>Fewer strokes.</p>')
    assert [s["heading"] for s in parse(page, URL)["sections"]] == ["Key Takeaway", "What They Found"]


def test_form_feeds_and_feed_links() -> None:
    page = ("<h1>T</h1><p>Credibility: 4/5</p><h2>Key Takeaway</h2><p>Yoga eased\x0ctiredness by\x0ba fifth.</p>"
            "<h2>You May Also Like</h2>" + _card("a", "1/2/2026") + _card("b", "1/3/2026")
            + '<div>Subscribe to: <a href="/feeds/1/comments/default">Post Comments (Atom)</a></div>')
    record = parse(page, URL)
    assert record["sections"][0]["text"] == "Yoga eased tiredness by a fifth."
    assert [c["title"] for c in record["related"]] == ["Card a", "Card b"]


def test_the_journal_of_in_prose_and_a_share_box_after_the_last_section() -> None:
    page = (f"<h1>T</h1><p>Credibility: 4/5</p>{FOUR}<div><h4>Share this brief</h4><a href='https://fb.com/x'>Facebook</a> "
            "<a href='https://x.com/y'>X</a></div><h2>More Details</h2>"
            "<p>This study was published in the Journal of Neurology on 9 January 2026.</p>")
    record = parse(page, URL)
    assert record["sections"][-1] == {"heading": "Important Considerations", "text": "Small study."}
    assert (record["source"]["journal"], record["source"]["published"]) == ("Journal of Neurology", "2026-01-09")


def test_the_boilerplate_journal_in_an_aside(tmp_path: Path) -> None:
    profile_file = tmp_path / "site.toml"
    profile_file.write_text('[labels]\nsections = ["In a Nutshell"]\nboilerplate = ["Reading Research Responsibly"]\n'
                            r"journal_pattern = 'first appeared in the peer-reviewed journal (?P<journal>.+?)\.(?:\s|$)'",
                            encoding="utf-8")
    page = ("<main><h1>T</h1><h3>In a Nutshell</h3><p>Mindfulness lowered anxiety.</p><aside><h3>Reading Research "
            "Responsibly</h3><p>The findings summarised here first appeared in the peer-reviewed journal Neurology. "
            "Results need confirming.</p></aside></main>")
    assert parse(page, URL, profile=load_profile(profile_file))["source"]["journal"] == "Neurology"


def test_a_topic_page_with_an_introduction_is_a_listing() -> None:
    intro = "".join(f"<p>Introduction paragraph {i} about fatigue in MS and the research summarised below here.</p>"
                    for i in range(3))
    record = parse(f"<main><h1>Fatigue</h1>{intro}{_dated_cards(3)}</main>", URL)
    assert record["page_type"] == "listing" and len(record["related"]) == 3


def test_study_fields_on_lines_and_after_the_journal() -> None:
    lines = parse(SUMMARY + "<h2>More Details</h2><p>Journal: Multiple Sclerosis Journal<br>Published: November 20, 2025</p>",
                  URL)["source"]
    assert (lines["journal"], lines["published"]) == ("Multiple Sclerosis Journal", "2025-11-20")
    for details, published in (("Original study: <em>Neurology</em>, December 2, 2025.", "2025-12-02"),
                               ("Published in JAMA Neurology, 2025.", "2025"),
                               ("<em>JAMA Neurology</em>, December 2025. DOI: 10.1001/jamaneurol.2025.4410", "2025-12")):
        assert parse(SUMMARY + f"<h2>More Details</h2><p>{details}</p>", URL)["source"]["published"] == published, details
    printed = parse(SUMMARY + "<h2>More Details</h2><p>Journal: Stroke.</p><p>Printed from https://e.org/x on 3/4/2026</p>",
                    URL)["source"]
    assert printed["published"] is None


def test_a_bold_rating_name_then_its_colon_and_a_journal_with_a_subtitle() -> None:
    page = (f"<h1>T</h1><p><b>Interest</b>: High</p>{FOUR}<h2>Understanding MS Research</h2><p>Studies published in "
            "journals like Neurology: Neuroimmunology &amp; Neuroinflammation often range from early work to trials, "
            "and every one of them has limits worth reading about before you act.</p>")
    record = parse(page, URL)
    assert record["ratings"]["interest"]["label"] == "High"
    assert record["source"]["journal"] == "Neurology: Neuroimmunology & Neuroinflammation"


def test_an_abstract_page_links_are_no_cards() -> None:
    sections = "".join(f"<h3>Part {i}</h3><p>Paragraph {i} of the abstract with enough words to be prose of its own.</p>"
                       for i in range(4))
    page = (f'<h1>A Randomized Clinical Trial</h1><div><a href="/article/x/pdf">PDF</a> <a href="#cite">Cite</a></div>'
            f'<div><h2>Abstract</h2>{sections}<p>Trial registration: <a href="https://clinicaltrials.gov/study/NCT1">NCT1</a></p>'
            f'<h2>Introduction</h2><p>More prose of the article, which links <a href="/article/x/fulltext">the full '
            "text</a> for the rest of it and goes on for a while.</p></div>")
    record = parse(page, URL)
    assert (record["page_type"], record["related"]) == ("other", [])


def test_a_card_date_set_as_a_heading_and_a_rating_word_drawn_as_an_image() -> None:
    card = ('<div class="card"><img alt="Card {0}" src="{0}.jpg"><h5><a href="/s/{0}">Card {0}</a></h5>'
            "<h6><small>12/3{1}/2026</small></h6><p>Excerpt {0} cut mid-wo</p></div>")
    page = (f'<h1>T</h1><p>Credibility</p><img alt="4 out of 5 stars" src="c.png"><p>Interest</p><img alt="High" src="h.png">'
            f"{FOUR}<h2>You May Also Like</h2>{card.format('a', 0)}{card.format('b', 1)}")
    record = parse(page, URL)
    assert [(c["title"], c["date"]) for c in record["related"]] == [("Card a", "2026-12-30"), ("Card b", "2026-12-31")]
    assert record["ratings"]["interest"]["label"] == "High" and record["ratings"]["credibility"]["value"] == 4


def test_heading_permalinks_edit_links_and_hidden_text_are_not_the_heading() -> None:
    page = ('<h1>T<a class="anchor" href="#t">¶</a></h1><p>Credibility: 4/5</p>'
            '<h2 id="kt">Key Takeaway<a hidden class="anchor" href="#kt">#</a></h2><p>Aspirin helped.</p>'
            '<h2><span class="mw-headline">What They Found</span><span class="mw-editsection">[<a href="/w?action=edit">'
            "edit</a>]</span></h2><p>Fewer strokes.</p>"
            '<h2>Who Should Care <a href="#why" aria-label="link">🔗</a> and Why</h2><p>Patients.</p>'
            '<h2>You May Also Like<a href="#more">#</a></h2>' + _card("a", "1/2/2026"))
    record = parse(page, URL)
    assert record["title"] == "T"
    assert [s["heading"] for s in record["sections"]] == ["Key Takeaway", "What They Found", "Who Should Care and Why"]
    assert [c["title"] for c in record["related"]] == ["Card a"]
    # A heading that is a link to its own anchor keeps its words.
    assert parse(SUMMARY.replace("<h2>Key Takeaway</h2>", '<h2><a href="#k">Key Takeaway</a></h2>'), URL)[
        "sections"][0]["heading"] == "Key Takeaway"


def test_noscript_content_is_read_in_place_of_its_lazy_placeholder() -> None:
    page = ('<noscript><p>Please enable JavaScript to use this site.</p></noscript><h1>T</h1>'
            '<p>Credibility</p><img class="lazyload" data-src="s4.svg" alt=""><noscript><img src="s4.svg" alt="4 out of 5">'
            '</noscript><noscript><img height="1" width="1" src="https://px.example.com/tr?id=1"></noscript>'
            "<h2>Key Takeaway</h2><div><noscript><p>Aspirin helped.</p></noscript></div>"
            "<h2>What They Found</h2><p>Fewer strokes.</p>")
    record = parse(page, URL)
    assert record["ratings"]["credibility"]["value"] == 4 and record["ratings"]["credibility"]["max"] == 5
    assert [(s["heading"], s["text"]) for s in record["sections"]] == [("Key Takeaway", "Aspirin helped."),
                                                                        ("What They Found", "Fewer strokes.")]
    # Five lazy stars, each with its <noscript> copy: five stars, not ten.
    star = '<img class="lazy" data-src="{0}.svg" src="data:image/gif;base64,R0lGOD"><noscript><img src="{0}.svg" class="{0}"></noscript>'
    stars = star.format("on") * 4 + star.format("off")
    counted = parse(f"<h1>T</h1><p>Credibility</p><div>{stars}</div>{FOUR}", URL)["ratings"]["credibility"]
    assert (counted["value"], counted["max"]) == (4, 5)


def test_card_text_around_its_date_and_a_printed_address_after_its_title() -> None:
    item = ('<li><a href="/s/{0}">Card {0}</a> <span>(1/{1}/2026)</span> – <span>Excerpt {0} cut mid-wo</span></li>')
    record = parse(f"{SUMMARY}<h2>You May Also Like</h2><ul>{item.format('a', 2)}{item.format('b', 3)}</ul>", URL)
    assert [(c["date"], c["excerpt"]) for c in record["related"]] == [("2026-01-02", "Excerpt a cut mid-wo"),
                                                                       ("2026-01-03", "Excerpt b cut mid-wo")]
    card = ('<div><h3><a href="/s/{0}">Card {0}</a> <span>(https://example.org/s/{0})</span></h3><p>1/2/2026</p>'
            "<p>Excerpt {0} cut mid-wo</p></div>")
    printed = parse(f"{SUMMARY}<h2>You May Also Like</h2>{card.format('a')}{card.format('b')}", URL)
    assert [c["title"] for c in printed["related"]] == ["Card a", "Card b"]


def test_a_heading_like_the_related_label_ends_the_related_block() -> None:
    page = (SUMMARY + "<h2>You May Also Like</h2>" + _card("a", "1/2/2026") + "<h2>References</h2><ol><li>Lund N (2025). "
            'doi:<a href="https://doi.org/10.1002/ana.27190">10.1002/ana.27190</a></li></ol>')
    assert [c["title"] for c in parse(page, URL)["related"]] == ["Card a"]
    # Cards titled with headings as big as the label (each holding its link) stay in the block.
    big = SUMMARY + "<h3>Related Articles</h3>" + "".join(
        f'<div><h3><a href="/s/{s}">Card {s}</a></h3><p>1/2/2026</p><p>Excerpt {s} cut mid-wo</p></div>' for s in "ab")
    assert [c["title"] for c in parse(big, URL)["related"]] == ["Card a", "Card b"]


def test_a_comment_after_the_summary_gives_no_published_date_but_the_articles_own_footer_does() -> None:
    comments = ('<section id="comments"><h2>2 Comments</h2><article><footer><span>Ann</span> '
                "<time>1/12/2026</time></footer><p>Thank you!</p></article></section>")
    assert parse(SUMMARY + comments, URL)["published"] is None
    own = f"<article>{SUMMARY}<footer>Submitted by Ed on <time>1/10/2026</time></footer></article>{comments}"
    assert parse(own, URL)["published"] == "2026-01-10"


def test_a_web_archive_capture_keeps_its_study_link() -> None:
    capture = "https://web.archive.org/web/20260115000000/"
    page = (f'<html><head><link rel="canonical" href="{capture}https://example.org/summaries/x"></head><body>'
            f'{SUMMARY}<h2>More Details</h2><p><a href="{capture}https://pubmed.ncbi.nlm.nih.gov/399/">Original study</a>'
            f'</p><p><a href="{capture}https://example.org/about">About us</a></p></body></html>')
    assert parse(page, URL)["source"]["url"] == f"{capture}https://pubmed.ncbi.nlm.nih.gov/399/"
    ph = page.replace(capture + "https://example.org/summaries/x", "https://archive.ph/AbCdE").replace(capture, "https://archive.ph/o/AbCdE/")
    assert parse(ph, URL)["source"]["url"] == "https://archive.ph/o/AbCdE/https://pubmed.ncbi.nlm.nih.gov/399/"


def test_a_word_rating_ends_where_the_next_named_rating_begins() -> None:
    for ratings in ("<p>Credibility: 4/5</p><p>Interest: High.</p><p>Relevance: 3/5</p>",
                    "<ul><li>Credibility: <span>4/5</span></li><li>Interest: <span>High</span></li>"
                    "<li>Relevance: <span>3/5</span></li></ul>",
                    "<ul><li>Credibility: 4/5</li><li>Interest: High</li><li>Relevance: 3/5</li></ul>"):
        got = parse(f"<h1>T</h1><div class='box'>{ratings}</div>{FOUR}", URL)["ratings"]
        assert {k: (v["value"], v["max"], v["label"]) for k, v in got.items()} == {
            "credibility": (4, 5, None), "interest": (None, None, "High"), "relevance": (3, 5, None)}, ratings
    # "Rating:" is the scale's word, not another rating's name.
    scaled = parse(f"<h1>T</h1><div><p>Credibility</p><p>Rating: 4 out of 5</p></div>{FOUR}", URL)["ratings"]
    assert (scaled["credibility"]["value"], scaled["credibility"]["max"]) == (4, 5)


def test_a_word_rating_said_only_to_screen_readers() -> None:
    page = ('<h1>T</h1><div role="img" aria-label="Credibility: 4 out of 5"><span>Credibility</span></div>'
            f'<div role="img" aria-label="Interest: High"><span>Interest</span></div>{FOUR}')
    interest = parse(page, URL)["ratings"]["interest"]
    assert (interest["label"], interest["raw"]) == ("High", "Interest: High")
    inline = parse(f'<h1>T</h1><p>Interest <span role="img" aria-label="Moderate"></span></p>{FOUR}', URL)
    assert inline["ratings"]["interest"]["label"] == "Moderate"


def test_an_accordion_header_button_names_its_block() -> None:
    page = (f'<h1>T</h1><p>Credibility: 4/5</p>{FOUR}<h2 class="accordion-header"><button type="button" '
            'aria-expanded="true">More Details</button></h2><div class="accordion-collapse show"><p>Journal: Sleep Medicine</p>'
            '<p><a href="https://www.sciencedirect.com/science/article/pii/S1">Read the study</a></p></div>')
    source = parse(page, URL)["source"]
    assert (source["journal"], source["url"]) == ("Sleep Medicine", "https://www.sciencedirect.com/science/article/pii/S1")


def test_a_citation_date_written_year_month_day() -> None:
    cited = parse(SUMMARY + "<h2>More Details</h2><p>Original study: Chen Y. Sleep in NMOSD. Sleep Med. "
                  "2025 Jan 14;125:88-95.</p>", URL)["source"]
    assert (cited["journal"], cited["published"]) == ("Sleep Med", "2025-01-14")
    month = parse(SUMMARY + "<h2>More Details</h2><p>Chen Y. Sleep in NMOSD. Sleep Med. 2025 Jan;125:88-95.</p>", URL)
    assert month["source"]["published"] == "2025-01"
    labelled = parse(SUMMARY + "<h2>More Details</h2><p>Journal: Sleep Medicine</p><p>Published: 2025 Jan 14</p>", URL)
    assert labelled["source"]["published"] == "2025-01-14"


def test_click_through_redirects_give_their_target() -> None:
    google = "https://www.google.com/url?q={0}&sa=D&source=editors&usg=AOvVaw1"
    page = (SUMMARY + '<h2>More Details</h2><p><a href="' + google.format("https://doi.org/10.1002/art.43210")
            + '">Original study</a></p><h2>You May Also Like</h2>'
            + "".join(f'<div><h4><a href="{google.format(f"https://example.org/s/{s}%3Futm_source%3Ddocs")}">Card {s}</a></h4>'
                      f"<p>1/2/2026</p><p>Excerpt {s} cut mid-wo</p></div>" for s in "ab"))
    record = parse(page, URL)
    assert record["source"]["url"] == "https://doi.org/10.1002/art.43210"
    assert [c["url"] for c in record["related"]] == ["https://example.org/s/a", "https://example.org/s/b"]
    # A search results link is no redirect.
    assert absolute("https://www.google.com/search?q=ms", URL).startswith("https://www.google.com/search")
    # Other sites' click-through redirects: a redirect-like path naming the target in a parameter.
    linkedin = "https://www.linkedin.com/redir/redirect?url=https%3A%2F%2Fdoi%2Eorg%2F10%2E1002%2Fana%2E27140&urlhash=X"
    assert absolute(linkedin, URL) == "https://doi.org/10.1002/ana.27140"
    assert absolute("https://forum.example.net/out?url=https://doi.org/10.1/x", URL) == "https://doi.org/10.1/x"
    login = "https://example.org/login?redirect=https://example.org/s/a"  # a login page, not a redirect
    assert absolute(login, URL) == login
    # Tumblr's wraps every outbound link, naming the post too; a redirect path's one URL parameter.
    tumblr = ("https://t.umblr.com/redirect?z=https%3A%2F%2Fdoi.org%2F10.1%2Fx&t=ZmM4&"
              "p=https%3A%2F%2Fa.tumblr.com%2Fpost%2F1&m=1")
    assert absolute(tumblr, URL) == "https://doi.org/10.1/x"
    assert absolute("https://go.example.net/away?r=https%3A%2F%2Fdoi.org%2F10.1%2Fy", URL) == "https://doi.org/10.1/y"


def test_a_card_date_given_only_as_microdata() -> None:
    card = ('<div class="card" itemscope itemtype="https://schema.org/Article"><h3><a href="/s/{0}" itemprop="url">'
            '<span itemprop="name">Card {0}</span></a></h3><meta itemprop="datePublished" content="2026-01-0{1}">'
            '<p itemprop="description">Excerpt {0} cut mid-wo</p></div>')
    record = parse(f"{SUMMARY}<h2>You May Also Like</h2>{card.format('a', 5)}{card.format('b', 6)}", URL)
    assert [(c["title"], c["date"]) for c in record["related"]] == [("Card a", "2026-01-05"), ("Card b", "2026-01-06")]


def test_a_lone_card_written_flat_reads_its_date_and_excerpt() -> None:
    page = (f"{SUMMARY}<div><h2>Read next</h2><h3><a href=\"/s/a\">Card a</a></h3><p>1/5/2026</p><p>Excerpt a cut mid-wo</p>"
            "</div><footer><p>About us</p><p>Contact</p></footer>")
    assert [(c["date"], c["excerpt"]) for c in parse(page, URL)["related"]] == [("2026-01-05", "Excerpt a cut mid-wo")]


def test_cards_titled_as_big_as_their_blocks_heading() -> None:
    cards = "".join(f'<article><h2><a href="/s/{s}">Card {s}</a></h2><time datetime="2026-01-0{i}"></time>'
                    f"<p>Excerpt {s} cut mid-wo</p></article>" for i, s in enumerate("abc", 1))
    record = parse(f"{SUMMARY}<section><h2>More on this topic</h2>{cards}</section><h2>Comments</h2><p>None yet.</p>", URL)
    assert [c["title"] for c in record["related"]] == ["Card a", "Card b", "Card c"]


def test_an_excerpt_that_ends_in_read_more_text() -> None:
    cards = ('<div><h3><a href="/s/a">Card a</a></h3><p>Excerpt a goes on... Read more</p></div>'
             '<div><h3><a href="/s/b">Card b</a></h3><p>Excerpt b is whole. Continue reading &raquo;</p></div>')
    record = parse(f"{SUMMARY}<h2>You May Also Like</h2>{cards}", URL)
    assert [(c["excerpt"], c["excerpt_truncated"]) for c in record["related"]] == [
        ("Excerpt a goes on...", True), ("Excerpt b is whole.", False)]


def test_icon_stars_whose_state_sits_on_a_wrapper_or_a_data_attribute() -> None:
    layouts = {  # each icon drawn with {state}: "filled" for the first four, "empty" for the fifth
        "svg in a classed span": '<span class="star {state}"><svg style="width:100%"><path d="M0"/></svg></span>',
        "builder layer names": '<div class="fr-{state}9a1" data-framer-name="Star {state}" style="width:100%">'
                               '<div class="svgContainer" style="width:100%"><svg style="width:100%"></svg></div></div>',
        "text stars coloured by class": '<span class="star {state}">★</span>',
        "widget buttons": '<button type="button" class="v-icon mdi-star mdi-{state}"></button>',
        "lazy images": '<img data-original="/img/star-{state}.svg" alt="">',
    }
    for name, icon in layouts.items():
        row = "".join(icon.format(state="filled" if i < 4 else "empty") for i in range(5))
        got = parse(f'<h1>T</h1><div class="ratings"><p>Credibility</p><div>{row}</div></div>{FOUR}', URL)["ratings"]
        assert (got.get("credibility") or {}).get("value") == 4 and got["credibility"]["max"] == 5, (name, got)
    # A star widget labels each of its stars "Rating N of 5": not a legend of five values.
    labelled = "".join(f'<button aria-label="Rating {i} of 5" class="mdi mdi-star{"" if i <= 3 else "-outline"}"></button>'
                       for i in range(1, 6))
    got = parse(f"<h1>T</h1><div><p>Credibility</p><div>{labelled}</div></div>{FOUR}", URL)["ratings"]["credibility"]
    assert (got["value"], got["max"]) == (3, 5)


def test_a_word_rating_then_another_property_row() -> None:
    row = '<div class="prop"><div><span>{0}</span></div><div><span>{1}</span></div></div>'
    page = (f"<h1>T</h1><div>{row.format('Credibility', '4/5')}{row.format('Interest', 'High')}"
            f"{row.format('Tags', 'Headache Immunology')}</div>{FOUR}")
    assert parse(page, URL)["ratings"]["interest"]["label"] == "High"
    legend = parse("<h1>How We Rate</h1><h2>Interest</h2><p>Interest: <span>High</span> <span>Medium</span> "
                   "<span>Low</span></p>", URL)
    assert legend["ratings"] == {}


def test_a_whole_card_link_titled_by_its_first_line() -> None:
    card = ('<a class="card" href="/s/{0}"><div class="icon"><div></div>Card {0}</div><div>1/{1}/2026</div>'
            "<div>Excerpt {0} cut mid-wo</div><div>Read More</div></a>")
    record = parse(f"{SUMMARY}<h2>You May Also Like</h2>{card.format('a', 2)}{card.format('b', 3)}", URL)
    assert [(c["title"], c["date"], c["excerpt"]) for c in record["related"]] == [
        ("Card a", "2026-01-02", "Excerpt a cut mid-wo"), ("Card b", "2026-01-03", "Excerpt b cut mid-wo")]


def test_an_accordion_button_with_aria_controls_names_its_block() -> None:
    page = (f'<h1>T</h1><p>Credibility: 4/5</p>{FOUR}<button type="button" aria-controls="p1" aria-expanded="false">'
            'More Details</button><div id="p1">Journal: Neurology<br>Published: 11/20/2025<br>'
            '<a href="https://doi.org/10.1002/ana.27140">View original study</a></div>'
            '<button type="button">Subscribe</button><div><p>Get our newsletter every week in your inbox.</p></div>')
    record = parse(page, URL)
    assert (record["source"]["journal"], record["source"]["published"]) == ("Neurology", "2025-11-20")
    assert record["sections"][-1] == {"heading": "Important Considerations", "text": "Small study."}


def test_a_date_glued_to_the_text_before_it() -> None:
    card = ('<div><h3><a href="/s/{0}">Card {0}</a></h3><div><span>Editorial Team</span><span>12/3{1}/2026</span></div>'
            "<p>Excerpt {0} cut mid-wo</p></div>")
    record = parse(f"{SUMMARY}<h2>You May Also Like</h2>{card.format('a', 0)}{card.format('b', 1)}", URL)
    assert [c["date"] for c in record["related"]] == ["2026-12-30", "2026-12-31"]


def test_a_lone_weak_part_is_no_summary() -> None:
    product = parse("<h1>Rollator Review</h1><p>Our verdict after a month of use.</p><h2>More Details</h2>"
                    "<p>Weight 5.9 kg</p>", URL)
    hotel = parse("<h1>Seaside Hotel</h1><ul><li>Interest: <strong>High</strong></li><li>Wi-Fi: free</li></ul>", URL)
    assert (product["page_type"], product["source"], hotel["page_type"], hotel["ratings"]) == (
        "other", {"journal": None, "url": None, "doi": None, "published": None}, "other", {})
    # One part that only a summary has still makes one (its other parts are missing, and say so).
    assert parse("<h1>T</h1><h2>Key Takeaway</h2><p>Aspirin helped.</p>", URL)["page_type"] == "summary"
    study = parse("<h1>T</h1><h2>More Details</h2><p>Journal: Neurology</p><p>Published: 1/14/2025</p>", URL)
    assert (study["page_type"], study["source"]["journal"], study["warnings"][:2]) == (
        "summary", "Neurology", ["no ratings", "no sections"])
    rated = parse("<h1>T</h1><p>Credibility: 4/5</p>", URL)
    assert (rated["page_type"], rated["warnings"][:2]) == ("summary", ["no interest rating", "no sections"])


def test_a_rating_scales_legend_in_a_list_is_no_rating() -> None:
    legend = ("<dl><dt>Credibility: 5 out of 5</dt><dd>A large randomized trial.</dd><dt>Credibility: 3 out of 5</dt>"
              "<dd>An observational study.</dd><dt>Credibility: 1 out of 5</dt><dd>A case report.</dd></dl>")
    assert parse(f"<h1>How We Rate Research</h1><p>Our scales explained.</p>{legend}", URL)["ratings"] == {}
    # The page's own rating beside a legend of the scale in a sidebar list is still read.
    page = parse(f"<h1>T</h1><p>Credibility: 4/5</p>{FOUR}<aside>{legend}</aside>", URL)
    assert page["ratings"]["credibility"]["value"] == 4


def test_study_details_fields_in_one_line_a_header_row_and_an_apa_volume() -> None:
    def source(details: str, head: str = "") -> dict:
        return parse(f"<html><head>{head}</head><body>{SUMMARY}<h2>More Details</h2>{details}</body></html>", URL)["source"]

    assert source("<p>Journal: Neurology &mdash; Published: January 14, 2025</p>")["journal"] == "Neurology"
    assert source("<p>Journal: Multiple Sclerosis Journal &ndash; Experimental, Translational and Clinical</p>")[
        "journal"] == "Multiple Sclerosis Journal \u2013 Experimental, Translational and Clinical"
    table = source("<table><tr><th>Journal</th><th>Published</th></tr><tr><td>JAMA Neurology</td><td>June 2, 2025</td>"
                   "</tr></table>")
    assert (table["journal"], table["published"]) == ("JAMA Neurology", "2025-06-02")
    apa = source("<p>Smith, J. (2025). A study. <em>Multiple Sclerosis Journal, 31</em>(3), 345&ndash;356.</p>")
    assert (apa["journal"], apa["published"]) == ("Multiple Sclerosis Journal", "2025")
    assert source("<p>Server: medRxiv</p><p>Posted: February 3, 2026</p>")["published"] == "2026-02-03"
    ld = ('<script type="application/ld+json">{"@type": "Article", "citation": {"@type": "ScholarlyArticle", '
          '"url": "https://doi.org/10.1093/brain/awaf123", "isPartOf": {"@type": "Periodical", "name": "Brain"}}}</script>')
    assert source("", head=ld)["url"] == "https://doi.org/10.1093/brain/awaf123"


def test_a_byline_box_under_the_title_read_as_chrome() -> None:
    page = (f'<article><h1>T</h1><footer class="entry-meta"><p>By Dr. Ann Lee | March 3, 2026</p></footer>'
            f"{FOUR}</article>")
    assert parse(page, URL)["published"] == "2026-03-03"


def _listing(cards: str) -> dict:
    return parse(f"<h1>Summaries</h1>{cards}", "https://example.org/summaries/")


def test_a_card_headings_badge_date_or_reading_time_is_not_its_title() -> None:
    card = ('<div class="card"><h3><a href="/s/{0}">Card {0}</a> {1}</h3><p>Excerpt {0} cut mid-wo</p>'
            '<a href="/s/{0}">Read More</a></div>')
    record = _listing(card.format("a", '<span class="badge">New</span>') + card.format("b", "<small>3/3/2026</small>")
                      + card.format("c", '<span class="rt">4 min read</span>'))
    assert [(c["title"], c["date"]) for c in record["related"]] == [
        ("Card a", None), ("Card b", "2026-03-03"), ("Card c", None)]
    # Words that go on the title's sentence are the title's, even in an element of their own.
    linked = _listing("".join(f'<div><h3><a href="/s/{s}">Card {s}</a> <span>in MS</span></h3><p>1/2/2026</p></div>'
                              for s in "abc"))
    assert [c["title"] for c in linked["related"]] == ["Card a in MS", "Card b in MS", "Card c in MS"]


def test_card_dates_from_hatom_and_calendar_badges_not_from_the_excerpts_prose() -> None:
    hatom = '<div><h3><a href="/s/{0}">Card {0}</a></h3><abbr class="published" title="2026-03-0{1}T09:00:00+00:00">2 days ago</abbr><p>Excerpt {0} cut mid-wo</p></div>'
    assert [c["date"] for c in _listing("".join(hatom.format(s, i) for i, s in enumerate("abc", 1)))["related"]] == [
        "2026-03-01", "2026-03-02", "2026-03-03"]
    badge = ('<div><div class="date"><div>0{1}</div><div>Mar</div><div>2026</div></div><h3><a href="/s/{0}">Card {0}</a></h3>'
             "<p>Excerpt {0} cut mid-wo</p></div>")
    assert [c["date"] for c in _listing("".join(badge.format(s, i) for i, s in enumerate("abc", 1)))["related"]] == [
        "2026-03-01", "2026-03-02", "2026-03-03"]
    prose = ('<div><h3><a href="/s/{0}">Card {0}</a></h3><p>In a study published January 14, 2025, researchers found '
             'fewer relapses in the group.</p>{1}</div>')
    dated = _listing("".join(prose.format(s, f"<span>3/{i}/2026</span>") for i, s in enumerate("abc", 1)))
    assert [c["date"] for c in dated["related"]] == ["2026-03-01", "2026-03-02", "2026-03-03"]
    undated = _listing("".join(prose.format(s, "") for s in "abc"))
    assert [c["date"] for c in undated["related"]] == [None, None, None]


def test_a_snippet_cut_at_its_start_is_truncated() -> None:
    card = '<div><h3><a href="/s/{0}">Card {0}</a></h3><p>1/2/2026</p><p>\u2026which also eased fatigue in a trial.</p></div>'
    assert [c["excerpt_truncated"] for c in _listing("".join(card.format(s) for s in "abc"))["related"]] == [True] * 3


def test_a_web_archive_capture_of_a_page_without_headings() -> None:
    head = ('<meta property="og:title" content="Aspirin and Strokes \u2013 MS Digest">'
            '<meta property="article:published_time" content="2026-11-24T07:07:19Z">'
            "<title>Aspirin and Strokes \u2013 MS Digest</title>")
    body = ('<table><tr><td style="font-weight:bold">All snapshots</td><td>from host example.org</td></tr></table>'
            '<div style="font-weight:bold">MS Digest</div>'
            '<div style="font-size:40px;font-weight:800">Aspirin and Strokes</div>'
            "<div>Published on January 12, 2026 by Editorial Team</div>"
            '<div style="font-weight:700">Key Takeaway</div><div>Aspirin helped.</div>'
            '<div style="font-weight:700">More Details</div><div>Journal: Neurology</div>')
    record = parse(f"<html><head>{head}</head><body>{body}</body></html>", URL)
    assert (record["title"], record["published"]) == ("Aspirin and Strokes", "2026-01-12")
    assert [s["heading"] for s in record["sections"]] == ["Key Takeaway"]


def test_the_page_metadata_dates_a_summary_only_when_it_shows_no_date() -> None:
    meta = '<html><head><meta property="article:published_time" content="2026-02-25T10:00:00Z"></head><body>'
    assert parse(f"{meta}<h1>T</h1><p>By Ann Lee | March 3, 2026</p>{FOUR}</body></html>", URL)["published"] == "2026-03-03"
    assert parse(f"{meta}<h1>T</h1>{FOUR}</body></html>", URL)["published"] == "2026-02-25"
    assert parse(f"{meta}<h1>T</h1><p>Updated <time>3/10/2026</time></p>{FOUR}</body></html>", URL)["published"] == "2026-02-25"


def test_a_page_wrapped_in_one_webforms_form_is_read_but_a_search_form_is_chrome() -> None:
    page = (f'<form method="post" action="/x" id="form"><input type="hidden" name="__VIEWSTATE" value="x">'
            f"<h1>T</h1><p>Credibility: 4/5</p>{FOUR}</form>")
    record = parse(page, URL)
    assert (record["page_type"], record["title"], len(record["sections"])) == ("summary", "T", 4)
    search = parse(f'<h1>T</h1><p>Credibility: 4/5</p>{FOUR}<form role="search"><h2>Search</h2><input name="q"></form>', URL)
    assert [s["heading"] for s in search["sections"]][-1] == "Important Considerations"


def test_icon_widgets_of_drupal_mui_and_a_read_more_link_with_the_title_inside() -> None:
    fivestar = ('<div class="fivestar"><div class="star star-1"><span class="on">4</span></div>'
                + "".join(f'<div class="star star-{i}"><span class="on"></span></div>' for i in (2, 3, 4))
                + '<div class="star star-5"><span class="off"></span></div></div>')
    mui = ('<span class="MuiRating-root" role="img">' + '<span class="MuiRating-icon MuiRating-iconFilled"></span>' * 4
           + '<span class="MuiRating-icon MuiRating-iconEmpty"></span></span>')
    for widget in (fivestar, mui):
        got = parse(f"<h1>T</h1><div><p>Credibility</p>{widget}</div>{FOUR}", URL)["ratings"]["credibility"]
        assert (got["value"], got["max"]) == (4, 5), widget[:40]
    card = ('<li><a href="/s/{0}">Card {0} with a longer title</a><time>1/2/2026</time><div>Excerpt {0} cut mid-wo '
            '<a href="/s/{0}">Read More<span class="screen-reader-text">: Card {0} with a longer title</span></a></div></li>')
    record = parse(f"{SUMMARY}<h2>You May Also Like</h2><ul>{card.format('a')}{card.format('b')}</ul>", URL)
    assert [c["title"] for c in record["related"]] == ["Card a with a longer title", "Card b with a longer title"]


def test_more_details_in_an_aside_inside_a_wrapper() -> None:
    page = (f'{SUMMARY}<div class="block-study_details"><aside class="study-details"><h2>More Details</h2>'
            "<p>Journal: Neurology</p><p>Published: 11/20/2025</p></aside></div>")
    source = parse(page, URL)["source"]
    assert (source["journal"], source["published"]) == ("Neurology", "2025-11-20")


def test_an_authors_profile_link_beside_more_details_is_not_the_study() -> None:
    page = (f'{SUMMARY}<div class="post"><div class="post-body"><h2>More Details</h2><div>Journal: Neurology</div>'
            '<div><a href="https://doi.org/10.1002/ana.27140">Read the study</a></div></div>'
            '<div class="post-footer">Posted by <a href="https://www.blogger.com/profile/0123">Editor</a></div></div>')
    assert parse(page, URL)["source"]["url"] == "https://doi.org/10.1002/ana.27140"


# Round 24: furniture a site sets inside the article.
def test_ads_a_disclaimer_and_read_also_pointers_are_not_section_text() -> None:
    page = ("<h1>Title</h1><h2>Key Takeaway</h2><p>Text one.</p><div><span>Advertisement</span></div>"
            "<div><div>Loading ad\u2026</div><div>Story continues below advertisement</div></div>"
            '<h2>What They Found</h2><p>Text two.</p><p><strong>Read also:</strong> <a href="/s/other">Another '
            "summary</a></p><p>Text three.</p><div role=note><p><strong>Medical disclaimer.</strong> This summary is "
            "not medical advice. Always talk to your doctor.</p></div><h2>More Details</h2><p>Journal: Neurology</p>")
    assert parse(page, URL)["sections"] == [{"heading": "Key Takeaway", "text": "Text one."},
                                            {"heading": "What They Found", "text": "Text two.\n\nText three."}]


# Crawler round 4: a rotating ad between two sections made a new version on every crawl.
AD_SLOTS = {
    "label and text in a box": '<div class="x1"><p>Advertisement</p><p>Try our new tracker app today!</p></div>',
    "label over a linked image": ('<div><div class="lbl"><span>Sponsored</span></div><a href="https://ads.example/c?1">'
                                  '<img src="/a.png" alt="Tracker"></a><p>Try our new tracker app today!</p></div>'),
    "label and ad on one line": '<div>Sponsored content: Try our new tracker app today!</div>',
    "a heading as the label": '<aside><h4>Anzeige</h4><p>Try our new tracker app today!</p></aside>',
    "a line of counters": "<p>1,234 views \u00b7 12 comments</p>",
    "trending links": '<div><strong>Trending now:</strong> <a href="/s/n1">Gut bacteria</a> \u00b7 <a href="/s/n2">Sleep</a></div>',
}


@pytest.mark.parametrize("slot", list(AD_SLOTS), ids=list(AD_SLOTS))
def test_an_ad_slot_between_sections_is_not_section_text(slot: str) -> None:
    page = (f"<h1>Title</h1><h2>Key Takeaway</h2><p>Text one.</p>{AD_SLOTS[slot]}<h2>What They Found</h2>"
            "<p>Text two.</p><h2>More Details</h2><p>Journal: Neurology</p>")
    assert parse(page, URL)["sections"] == [{"heading": "Key Takeaway", "text": "Text one."},
                                            {"heading": "What They Found", "text": "Text two."}]


def test_ad_words_in_a_list_or_a_long_box_are_text() -> None:
    """A list whose items say "Ads", "Sponsored content" (kinds of posts a study showed people), and a box
    that opens with "Sponsored" but holds a paragraph of the summary, are the summary's words."""
    long = "The sponsors had no role in the design of the study, the analysis or the writing of the paper. " * 5
    page = ("<h1>Title</h1><h2>Key Takeaway</h2><p>Sponsored-research trials: 3 of 12.</p>"
            "<p>People saw three kinds of posts:</p><ul><li>Ads</li>"
            f"<li>Sponsored content</li><li>Posts from patient groups</li></ul><div><b>Sponsored</b><p>{long}</p></div>"
            "<h2>More Details</h2><p>Journal: Neurology</p>")
    text = parse(page, URL)["sections"][0]["text"]
    assert text.startswith("Sponsored-research trials: 3 of 12.\n\nPeople saw three kinds of posts:\n\nAds\n\n"
                           "Sponsored content\n\nPosts from patient groups")
    assert text.endswith(long.strip())


def test_a_sentence_that_mentions_advice_or_reading_stays() -> None:
    page = ("<h1>Title</h1><h2>Key Takeaway</h2><p>Read also the patient leaflet: it is not medical advice either.</p>"
            "<p>Advertisement of results is rare.</p><h2>More Details</h2><p>Journal: Neurology</p>")
    assert parse(page, URL)["sections"][0]["text"] == ("Read also the patient leaflet: it is not medical advice either."
                                                       "\n\nAdvertisement of results is rare.")


def test_sign_up_boxes_an_author_bio_and_an_audio_player_are_not_sections() -> None:
    # (A box is known by its heading and its control, or by the e-mail field its short pitch sits around.)
    page = ('<h1>Title</h1><div class="player"><button aria-label="Play">\u25b6</button><div class="audio-title">Listen '
            'to this article</div><div>0:00 / 4:12</div></div><h2>Key Takeaway</h2><p>Text one.</p><div class="box">'
            "<h3>Get our weekly digest</h3><p>One email every Friday.</p><a href='/subscribe'>Subscribe</a></div><h2>What They Found</h2><p>Text two.</p>"
            '<div class="cta"><p>Research news in your inbox, free.</p><form><input type="email">'
            '<input type="submit" value="Subscribe"></form></div>'
            "<h2>More Details</h2><p>Journal: Neurology</p><h2>About the author</h2><p>Jane Doe is a writer.</p>")
    assert parse(page, URL)["sections"] == [{"heading": "Key Takeaway", "text": "Text one."},
                                            {"heading": "What They Found", "text": "Text two."}]


def test_an_aside_between_two_paragraphs_does_not_end_the_section() -> None:
    page = ("<h1>Title</h1><h2>What They Found</h2><p>Text one.</p><aside><p>Key terms: cytokine.</p></aside>"
            "<p>Text two.</p><aside><p>Sidebar: popular posts</p></aside><h2>More Details</h2><p>Journal: Neurology</p>")
    assert parse(page, URL)["sections"] == [{"heading": "What They Found", "text": "Text one.\n\nText two."}]


def test_cards_titled_as_big_as_the_related_heading_without_a_link() -> None:
    card = ('<article><header><h2>{0}</h2></header><footer><span>12/31/2026</span></footer><div><p>Excerpt for {0} cut '
            'mid-wo</p></div><a href="/s/{0}">Read More</a></article>')
    page = (SUMMARY + "<section><h2>You May Also Like</h2>" + card.format("alpha") + card.format("beta") + "</section>"
            "<section><h2>References</h2><ol><li><a href='https://a.example/1'>One</a></li>"
            "<li><a href='https://b.example/2'>Two</a></li></ol></section>")
    related = parse(page, URL)["related"]
    assert [(c["title"], c["date"]) for c in related] == [("alpha", "2026-12-31"), ("beta", "2026-12-31")]


def test_share_links_hidden_and_relative_links_are_never_the_study() -> None:
    def url(after: str) -> str | None:
        page = (SUMMARY + '<h2>More Details</h2><ul><li>Journal: Neurology</li><li>DOI: <a href="https://doi.org/'
                '10.1002/ana.27140">10.1002/ana.27140</a></li></ul>' + after)
        return parse(page, URL)["source"]["url"]

    assert url('<p>Share: <a href="https://twitter.com/intent/tweet?url=x">Twitter</a></p>') == "https://doi.org/10.1002/ana.27140"
    assert url('<a class="u-url" href="/summaries/x.html" hidden></a><p><a href="/tag/ms">MS</a></p>') \
        == "https://doi.org/10.1002/ana.27140"
    assert url('<h3>Was this summary helpful?</h3><p>Yes / No</p><a href="https://example.net/about/">About us</a>') \
        == "https://doi.org/10.1002/ana.27140"
    assert url('<p>Full text: <a href="https://pubmed.ncbi.nlm.nih.gov/1/">PubMed</a></p>') == "https://pubmed.ncbi.nlm.nih.gov/1/"


def test_bylines_in_a_joomla_details_list_and_in_the_articles_own_footer() -> None:
    joomla = ('<h1>Title</h1><div><a href="?print=1">Print</a> <a href="/mail">Email</a></div><dl><dt>Details</dt>'
              "<dd>Written by Editorial Team</dd><dd>Published: 12 January 2026</dd></dl><h2>Key Takeaway</h2><p>Text.</p>")
    drupal = ('<div class="block"><h1>Title</h1></div><div><a href="https://share.example/x">Share on Facebook</a></div>'
              "<article><footer><div>Submitted by editorial on Mon, 01/12/2026 - 09:00</div></footer>"
              "<h2>Key Takeaway</h2><p>Text.</p></article>")
    for page in (joomla, drupal):
        record = parse(page, URL)
        assert (record["published"], [s["heading"] for s in record["sections"]]) == ("2026-01-12", ["Key Takeaway"])


def test_a_section_holding_ratings_and_details_under_the_title_is_no_byline() -> None:
    page = ("<header><h1>Title</h1></header><section><div>Credibility \u2605\u2605\u2606\u2606\u2606</div>"
            "<div><h4>More Details</h4><p>Published: January 14, 2025</p></div></section>")
    assert parse(page, URL)["published"] is None


def test_stars_clipped_to_a_width_count_that_share() -> None:
    def rating(stars: str) -> tuple:
        page = f"<h1>Title</h1><div><span>Credibility</span> <span>{stars}</span></div><h2>Key Takeaway</h2><p>Text.</p>"
        r = parse(page, URL)["ratings"]["credibility"]
        return r["value"], r["max"]

    fill = '<span style="width:80%">\u2605\u2605\u2605\u2605\u2605</span>'
    assert rating('<span>\u2606\u2606\u2606\u2606\u2606</span>' + fill) == (4, 5)
    assert rating(fill) == (4, 5)
    assert rating('<span style="width:70%">\u2605\u2605\u2605\u2605\u2605</span>') == (3.5, 5)


def test_a_rating_in_a_short_sentence_of_the_sites_own() -> None:
    page = ("<h1>Title</h1><p>We rate this study\u2019s credibility 3 out of 5.</p><p>Our interest rating: High.</p>"
            "<h2>Key Takeaway</h2><p>Text one.</p><h2>What They Found</h2><p>Text two.</p>"
            "<p>Our credibility rating is 4/5 because the trial was large and well run over many years.</p>")
    record = parse(page, URL)
    assert {k: (r["value"], r["max"], r["label"]) for k, r in record["ratings"].items()} == {
        "credibility": (3, 5, None), "interest": (None, None, "High")}
    assert record["sections"][-1]["text"].endswith("well run over many years.")  # (a longer sentence is prose)


def test_a_rating_line_between_two_paragraphs_leaves_the_section_whole() -> None:
    page = ("<h1>Title</h1><h2>Key Takeaway</h2><p>Text one.</p><p>Credibility: 4/5</p><p>Text two.</p>"
            "<h2>What They Found</h2><p>Text three.</p>")
    record = parse(page, URL)
    assert record["ratings"]["credibility"]["value"] == 4
    assert record["sections"][0] == {"heading": "Key Takeaway", "text": "Text one.\n\nText two."}


def test_a_short_first_section_under_an_unknown_heading_is_no_subtitle() -> None:
    def sections(after_h2: str) -> list[str]:
        page = (f"<h1>Title</h1><h2>Background</h2>{after_h2}<h2>Key Takeaway</h2><p>Text one.</p>"
                "<h2>More Details</h2><p>Journal: Neurology</p>")
        return [s["heading"] for s in parse(page, URL)["sections"]]

    assert sections("<p>Vitamin D is made in skin.</p>") == ["Background", "Key Takeaway"]
    assert sections("<p>By Jane Doe</p>") == ["Key Takeaway"]  # a dek and its byline
    assert sections("<p>Written by: Team</p><p>Category: Summaries</p><p>Hits: 412</p>") == ["Key Takeaway"]


# Round 25: genuine content that looks like furniture.
def test_words_of_furniture_in_a_summarys_own_text_stay() -> None:
    page = ("<h1>Title</h1><h2>Key Takeaway</h2><p>Monthly newsletters kept people exercising.</p>"
            "<h2>What They Found</h2><p>Reminders came three ways:</p><ul><li>Email</li><li>Ads</li>"
            "<li>Sponsored content</li></ul><p>Sign up was faster online.</p><p>3:58</p><p>was the average time.</p>"
            "<h2>Sign Up for Trials</h2><p>Trials need volunteers.</p><h2>Stay Informed About Your Options</h2>"
            "<p>Ask your neurologist.</p><h2>More Details</h2><p>Journal: Neurology</p>")
    assert [(s["heading"], s["text"]) for s in parse(page, URL)["sections"]] == [
        ("Key Takeaway", "Monthly newsletters kept people exercising."),
        ("What They Found", "Reminders came three ways:\n\nEmail\n\nAds\n\nSponsored content\n\nSign up was faster "
                            "online.\n\n3:58\n\nwas the average time."),
        ("Sign Up for Trials", "Trials need volunteers."),
        ("Stay Informed About Your Options", "Ask your neurologist.")]


def test_an_inline_sign_up_form_leaves_its_sections_paragraph() -> None:
    page = ("<h1>Title</h1><h2>Key Takeaway</h2><div><p>Text one.</p><form><input type='email' placeholder='Your email'>"
            "<button>Subscribe</button></form></div><h2>What They Found</h2><p>Text two.</p>")
    assert parse(page, URL)["sections"][0] == {"heading": "Key Takeaway", "text": "Text one."}


def test_a_sign_up_box_among_the_cards_does_not_end_them() -> None:
    page = (SUMMARY + "<section><h2>You May Also Like</h2>" + _card("a", "1/2/2026")
            + "<div><h3>Get our weekly digest</h3><form><input type='email'><button>Subscribe</button></form></div>"
            + _card("b", "1/3/2026") + "</section>")
    assert [c["title"] for c in parse(page, URL)["related"]] == ["Card a", "Card b"]


def test_a_dated_standfirst_is_not_the_byline() -> None:
    page = ("<h1>Title</h1><p>Researchers reported on December 3, 2025 that immune cells behave differently.</p>"
            "<div>January 12, 2026 &middot; Editorial Team</div><h2>Key Takeaway</h2><p>Text.</p>")
    assert parse(page, URL)["published"] == "2026-01-12"


def test_an_icon_box_at_full_width_beside_a_word_rating_is_no_bar() -> None:
    page = ('<h1>Title</h1><p>Interest: <span style="width:100%"><img src="/flame.svg" alt=""></span> High</p>'
            "<h2>Key Takeaway</h2><p>Text.</p>")
    rating = parse(page, URL)["ratings"]["interest"]
    assert (rating["value"], rating["label"]) == (None, "High")


def test_a_cards_excerpt_set_as_a_link() -> None:
    card = ('<div><a href="/p/{0}"><h3>Card {0}</h3></a><div>12/31/2026</div><a href="/p/{0}">Study finds immune '
            'cells that can enter the bra</a> <a href="/p/{0}">Read More</a></div>')
    related = parse(SUMMARY + "<h2>You May Also Like</h2>" + card.format("a") + card.format("b"), URL)["related"]
    assert [(c["title"], c["excerpt"]) for c in related] == [
        ("Card a", "Study finds immune cells that can enter the bra"), ("Card b", "Study finds immune cells that can enter the bra")]


def test_a_byline_after_the_last_section_dates_the_summary_and_is_not_its_text() -> None:
    def read(line: str) -> tuple:
        page = (f"<h1>Title</h1><p>Credibility: 4/5</p><h2>Key Takeaway</h2><p>Text one.</p>{line}"
                "<h2>More Details</h2><p>Journal: Neurology</p><p>Published: March 3, 2025</p>")
        record = parse(page, URL)
        return record["sections"][0]["text"], record["published"], record["source"]["published"]

    assert read("<p>Published January 12, 2026 by Editorial Team</p>") == ("Text one.", "2026-01-12", "2025-03-03")
    assert read("<p>By Editorial Team &middot; January 12, 2026</p>") == ("Text one.", "2026-01-12", "2025-03-03")
    assert read("<p>Published in 2025, the study followed 300 people.</p>") == (
        "Text one.\n\nPublished in 2025, the study followed 300 people.", None, "2025-03-03")


# Round 26: the summary as office tools and exporters write it.
def test_labels_split_over_runs_or_wrapped_in_formatting() -> None:
    page = ("<h1>Title</h1><p><b><span>Credib</span></b><b><span>ility:</span></b><span>&nbsp;4/5</span></p>"
            '<p><font face="Sans"><b>Interest</b></font>: High</p><h2>Key Takeaway</h2><p>Text.</p>'
            '<p><i class="fa fa-star"></i><i class="fa fa-star"></i></p>')
    ratings = parse(page, URL)["ratings"]
    assert {k: (r["value"], r["max"], r["label"]) for k, r in ratings.items()} == {
        "credibility": (4, 5, None), "interest": (None, None, "High")}


def test_bookmarks_in_headings_and_bullets_before_fields() -> None:
    card = '<div><h3><a href="/s/{0}">Card {0}</a></h3><p>1/2/2026</p><p>Excerpt for {0} cut mid-wo</p></div>'
    page = (SUMMARY + '<h2><a name="_Toc5"></a>More Details</h2><p>\u00b7&nbsp;&nbsp; Journal: Neurology</p>'
            '<p>\u2022 DOI: <a href="https://doi.org/10.1002/ana.27140">10.1002/ana.27140</a></p>'
            '<h2><a name="_Toc6">You May Also Like</a></h2>' + card.format("a") + card.format("b"))
    record = parse(page, URL)
    assert (record["source"]["journal"], record["source"]["doi"]) == ("Neurology", "10.1002/ana.27140")
    assert [c["title"] for c in record["related"]] == ["Card a", "Card b"]


def test_a_title_set_big_without_a_heading() -> None:
    body = '<p style="font-size:36pt">Immune Changes</p><h2>Key Takeaway</h2><p>Text.</p>'
    assert parse(f"<title>MS Digest - Immune Changes</title>{body}", URL)["title"] == "Immune Changes"
    assert parse(body, URL)["title"] == "Immune Changes"
    assert parse('<p style="font-size:12pt">Small words</p><h2>Key Takeaway</h2><p>Text.</p>', URL)["title"] is None


def test_comments_after_dated_cards_with_no_heading_between_are_not_cards() -> None:
    cards = "".join(f'<li><a href="https://example.org/s/{s}">Card {s} title</a> (1/{i}/2026)<br>Excerpt {s} cut mid-wo</li>'
                    for i, s in enumerate("abc", 1))
    comments = "".join(f'<div><a href="https://forum.example.net/u/{u}">{u.title()} K.</a> <span>2w</span><p>Great share!</p></div>'
                       for u in ("tom", "priya"))
    page = SUMMARY + f"<h2>You May Also Like</h2><ul>{cards}</ul><div>{comments}</div>"
    for url in (URL, "https://forum.example.net/t/9120"):  # also when the page is on the commenters' site
        assert [c["title"] for c in parse(page, url)["related"]] == ["Card a title", "Card b title", "Card c title"]
    undated = page.replace(" (1/3/2026)", "")  # an undated card inside the series stays a card
    assert [c["title"] for c in parse(undated, URL)["related"]][:3] == ["Card a title", "Card b title", "Card c title"]


def test_a_known_section_again_starts_another_summary_whose_sections_are_not_this_ones() -> None:
    """The next article appended by infinite scroll, a comparison's second column, an older version in a
    collapsed <details>: a second "Key Takeaway" is not a section of this summary."""
    second = ("<article><h1>Migraine and Sleep</h1><p>Credibility: 2/5</p><h2>Key Takeaway</h2><p>Poor sleep.</p>"
              "<h2>What They Found</h2><p>Sleep data.</p></article>")
    older = "<details><summary>Previous version</summary><h2>Key Takeaway</h2><p>Older words.</p></details>"
    for extra in (second, older):
        record = parse(f"<article>{SUMMARY}</article>{extra}", URL)
        assert [s["heading"] for s in record["sections"]] == ["Key Takeaway", "What They Found"], extra
        assert record["sections"][0]["text"] == "Text one." and "Sleep" not in record["sections"][1]["text"]


def test_a_sidebar_badge_ahead_of_the_article_does_not_give_its_rating() -> None:
    sidebar = ('<aside><h2>Most read</h2><ol><li><a href="/s/ex">Exercise and Fatigue</a> '
               '<span class="badge">Credibility: 5/5</span></li></ol></aside>')
    record = parse(f"<body>{sidebar}<main>{SUMMARY}</main></body>", URL)
    assert record["ratings"]["credibility"]["value"] == 4


_STUDY_FIELDS = ("<dl><dt>Journal</dt><dd>The New England Journal of Medicine</dd><dt>Published</dt><dd>4/8/2025</dd>"
                 '<dt>DOI</dt><dd><a href="https://doi.org/10.1056/NEJMoa2415988">10.1056/NEJMoa2415988</a></dd></dl>')


@pytest.mark.parametrize("details", [
    f"<details><summary>More Details</summary><h3>Study 1</h3>{_STUDY_FIELDS}</details>",
    f'<button aria-expanded="false" aria-controls="md">More Details</button><div id="md" hidden><h3>Study</h3>'
    f"{_STUDY_FIELDS}</div>",
    f"<p><strong>More Details</strong></p><h3>About the study</h3>{_STUDY_FIELDS}",
    "<p><strong>More Details</strong></p><h4>Primary study</h4><p>Journal: The New England Journal of Medicine</p>"
    "<p>Published: 4/8/2025</p>",
    f"<details><summary>More Details</summary><h3>Study 1</h3>{_STUDY_FIELDS}<h3>Study 2</h3>{_STUDY_FIELDS}</details>",
    f"<details><summary>More Details</summary>{_STUDY_FIELDS}</details>",  # (controls: no sub-heading,
    f"<h2>More Details</h2><h3>Study 1</h3>{_STUDY_FIELDS}",               # a real heading over it)
])
def test_a_study_subheading_under_a_more_details_label_keeps_the_fields_in_the_source(details: str) -> None:
    """A More Details label that is no h1-h6 (a <summary>, an accordion button, a bold line) over an h3
    "Study 1": the study's fields are the source, not sections named "Journal" and "Published"."""
    page = ("<html><body><article><h1>Smoking Speeds Up MS Progression</h1><p>Credibility: 4/5</p>"
            "<h2>Key Takeaway</h2><p>People who kept smoking got worse faster.</p>"
            f"<h2>What They Found</h2><p>Every extra year of smoking sped up progression.</p>{details}"
            "</article></body></html>")
    record = parse(page, URL)
    assert [s["heading"] for s in record["sections"]] == ["Key Takeaway", "What They Found"]
    assert (record["source"]["journal"], record["source"]["published"]) == (
        "The New England Journal of Medicine", "2025-04-08")


def test_an_unknown_heading_after_more_details_that_holds_prose_is_still_a_section() -> None:
    """Only a heading over study fields joins More Details: one over sentences is the page's own."""
    page = ("<html><body><h1>T</h1><p>Credibility: 4/5</p><h2>Key Takeaway</h2><p>Text.</p>"
            f"<p><strong>More Details</strong></p>{_STUDY_FIELDS}<h3>What the experts said</h3>"
            "<p>Two neurologists said the result fits what they see in clinic.</p></body></html>")
    record = parse(page, URL)
    assert [s["heading"] for s in record["sections"]] == ["Key Takeaway", "What the experts said"]
    assert record["source"]["journal"] == "The New England Journal of Medicine"


_PAGE_TOP = ("<html><body><main><article><h1>Exercise and Brain Shrinkage in MS</h1><p>Credibility: 4 out of 5</p>"
             "<section><h2>Key Takeaway</h2><p>Exercise was linked to slower brain shrinkage.</p></section>")
_GLOSSARY = "<aside><h3>Glossary</h3><p>Placebo means a dummy pill.</p></aside>"


@pytest.mark.parametrize("found", [
    f"<h2>What They Found</h2>{_GLOSSARY}<p>Liver problems were more common.</p>",
    f'<h2>What They Found</h2><p>First paragraph.</p><figure><img src="a.jpg"></figure>{_GLOSSARY}'
    "<p>Liver problems were more common.</p>",
    f"<h2>What They Found</h2><p>First paragraph.</p>{_GLOSSARY}<p>Liver problems were more common.</p>",
])
def test_a_glossary_box_opening_a_section_or_after_its_figure_leaves_the_section_whole(found: str) -> None:
    """An <aside> had ended the section unless it stood between two paragraphs."""
    record = parse(f"{_PAGE_TOP}<section>{found}</section><section><h2>Who Should Care and Why</h2>"
                   "<p>People with MS.</p></section></article></main></body></html>", URL)
    text = {s["heading"]: s["text"] for s in record["sections"]}["What They Found"]
    assert text.endswith("Liver problems were more common.") and "Placebo" not in text


def test_a_box_after_a_section_element_is_not_its_text() -> None:
    """<section><h2>..</h2><p>..</p></section><div role="note">Editor's note: ...</div>: the heading's
    text ends where its <section> does."""
    record = parse(f"{_PAGE_TOP}<section><h2>Important Considerations</h2><p>The study was small.</p></section>"
                   "<div role=\"note\"><p><strong>Editor's note:</strong> A 2021 follow-up agreed.</p></div>"
                   "<h2>More Details</h2><p>Journal: Brain</p></article></main></body></html>", URL)
    assert record["sections"][-1] == {"heading": "Important Considerations", "text": "The study was small."}
    assert record["source"]["journal"] == "Brain"


def test_a_section_element_around_its_heading_alone_does_not_end_its_text() -> None:
    record = parse(f"{_PAGE_TOP}<section><h2>What They Found</h2></section><p>Fewer relapses.</p>"
                   "<h2>Important Considerations</h2><p>Small.</p></article></main></body></html>", URL)
    assert {s["heading"]: s["text"] for s in record["sections"]}["What They Found"] == "Fewer relapses."


@pytest.mark.parametrize("sentence", ["We rated the credibility of this study 3 out of 5.",
                                      "We rated the credibility of the study as 3/5.",
                                      "We rate this study's credibility 3 out of 5."])
def test_a_rating_given_in_a_sentence_of_the_site_is_read(sentence: str) -> None:
    record = parse(f"<html><body><h1>T</h1><p>{sentence}</p><h2>Key Takeaway</h2><p>Text.</p></body></html>", URL)
    assert (record["ratings"]["credibility"]["value"], record["ratings"]["credibility"]["max"]) == (3, 5)


def test_a_bold_topic_badge_on_a_card_is_not_its_title() -> None:
    cards = "".join(f'<li><a href="/r/{n}"><img src="{n}.jpg" alt="{title}"><div><strong>{badge}</strong>'
                    f"<h3>{title}</h3><p>12/31/2024</p><p>Learn how gut bacteria can worsen MS symptoms and dai</p>"
                    "</div></a></li>" for n, (badge, title) in enumerate([("Immunology", "Gut Bacteria and MS"),
                                                                         ("Lifestyle", "Smoking and MS")]))
    record = parse(f"{_PAGE_TOP}<section><h2>You May Also Like</h2><ul>{cards}</ul></section>"
                   "</article></main></body></html>", URL)
    assert [c["title"] for c in record["related"]] == ["Gut Bacteria and MS", "Smoking and MS"]


_ALTERNATES = ('<link rel="alternate" hreflang="en" href="https://example.org/en/s">'
               '<link rel="alternate" hreflang="fr" href="https://example.org/fr/s">'
               '<link rel="alternate" hreflang="x-default" href="https://example.org/en/s">')


@pytest.mark.parametrize("fetched, canonical, alternates, want", [
    # A translation whose canonical names the original (both listed as hreflang alternates): its own URL.
    ("https://example.org/fr/s", "https://example.org/en/s", _ALTERNATES, "https://example.org/fr/s"),
    ("https://example.org/en/s", "https://example.org/en/s", _ALTERNATES, "https://example.org/en/s"),
    # Without alternates that say so, the canonical stands (a renamed slug, a tracking-free URL).
    ("https://example.org/fr/s", "https://example.org/en/s", "", "https://example.org/en/s"),
    ("https://example.org/en/old-slug", "https://example.org/en/s", _ALTERNATES, "https://example.org/en/s"),
])
def test_a_translation_pointing_its_canonical_at_the_original_stays_its_own_article(
        fetched: str, canonical: str, alternates: str, want: str) -> None:
    page = (f'<html><head><link rel="canonical" href="{canonical}">{alternates}</head><body><h1>T</h1>'
            "<p>Credibility: 4/5</p><h2>Key Takeaway</h2><p>Text.</p></body></html>")
    assert parse(page, fetched)["url"] == want


_RATED = ("<html><body><h1>Mindfulness Eases Anxiety</h1><p>Credibility: 3 out of 5</p><p>Interest: 4 out of 5</p>"
          "<h2>Key Takeaway</h2><p>Mindfulness eased anxiety.</p>")
_CARD = ('<div><h3><a href="/s/yoga">Yoga and Fatigue</a></h3><p>5/5/2025</p>'
         "<p>Weekly yoga sessions reduced fatigue sco</p></div>")


@pytest.mark.parametrize("heading", ["📄 More Details", "5. More Details", "More Details — about the original study",
                                     "More Details <small>(from the journal)</small>", "More Details"])
def test_a_decorated_more_details_heading_is_still_the_study_block(heading: str) -> None:
    """An emoji, a number or a subtitle around a label had made the study block a section and left source empty."""
    record = parse(f"{_RATED}<h2>{heading}</h2><dl><dt>Journal</dt><dd>Mindfulness</dd><dt>Published</dt>"
                   "<dd>6/30/2025</dd></dl></body></html>", URL)
    assert [s["heading"] for s in record["sections"]] == ["Key Takeaway"]
    assert (record["source"]["journal"], record["source"]["published"]) == ("Mindfulness", "2025-06-30")


@pytest.mark.parametrize("line", ["⭐ Credibility: 3 out of 5", "Credibility: 3 out of 5"])
def test_a_rating_line_with_an_emoji_before_its_name_is_read(line: str) -> None:
    record = parse(f"<html><body><h1>T</h1><p>{line}</p><h2>Key Takeaway</h2><p>Text.</p></body></html>", URL)
    assert record["ratings"]["credibility"]["value"] == 3


def test_a_quote_before_a_rating_name_is_no_decoration() -> None:
    """Code on a page ('"Interest" ], "value": [ "4/5"') names no rating."""
    record = parse('<html><body><h1>T</h1><p>Credibility: 4/5</p><h2>Key Takeaway</h2><p>Text.</p>'
                   '<pre>"Interest" ], "value" : [ "4/5"</pre></body></html>', URL)
    assert "interest" not in record["ratings"]


@pytest.mark.parametrize("heading", ["📚 You May Also Like", "3. You May Also Like", "You May Also Like — more summaries"])
def test_one_card_under_a_decorated_related_heading_is_read(heading: str) -> None:
    record = parse(f"{_RATED}<h2>{heading}</h2>{_CARD}</body></html>", URL)
    assert [c["title"] for c in record["related"]] == ["Yoga and Fatigue"]


def test_cards_under_an_unknown_heading_of_a_rated_summary_with_no_known_section_are_read() -> None:
    page = ("<html><body><h1>Mindfulness Eases Anxiety</h1><p>Credibility: 3 out of 5</p><h2>In Short</h2>"
            "<p>Mindfulness eased anxiety.</p><h2>More From Us</h2>" + _CARD
            + _CARD.replace("yoga", "cbt").replace("Yoga and Fatigue", "CBT for Insomnia") + "</body></html>")
    record = parse(page, URL)
    assert [c["title"] for c in record["related"]] == ["Yoga and Fatigue", "CBT for Insomnia"]
    assert [s["heading"] for s in record["sections"]] == ["In Short"]


def test_disclosure_sections_with_headings_no_profile_names_are_sections() -> None:
    """<details><summary>Findings</summary>...: the summary element is the section's heading."""
    record = parse("<html><body><h1>T</h1><p>Credibility: 3 out of 5</p>"
                   "<details open><summary>Key Takeaways</summary><p>Mindfulness eased anxiety.</p></details>"
                   "<details><summary>Findings</summary><p>Anxiety scores fell by a third.</p></details>"
                   "<details><summary>Table of Contents</summary><ul><li>Rating</li><li>Score</li></ul></details>"
                   "</body></html>", URL)
    assert record["sections"] == [{"heading": "Key Takeaways", "text": "Mindfulness eased anxiety."},
                                  {"heading": "Findings", "text": "Anxiety scores fell by a third."}]


def test_a_paragraph_giving_a_linked_doi_stays_in_its_section() -> None:
    record = parse(f"{_RATED}<h2>Important Considerations</h2><p>The sample was small.</p>"
                   '<p>See <a href="https://doi.org/10.1007/s12671-025-02500-1">10.1007/s12671-025-02500-1</a></p>'
                   '<p><a href="/share">Share this summary</a></p></body></html>', URL)
    assert record["sections"][-1]["text"] == "The sample was small.\n\nSee 10.1007/s12671-025-02500-1"


def test_a_class_placing_an_item_after_a_heading_makes_no_heading() -> None:
    """Medium marks the list item after an h4 "graf-after--h4": a list item, not an h4."""
    record = parse(f"{_RATED}<h4>More Details</h4><ul><li class=\"graf graf--li graf-after--h4\">Journal: Annals of "
                   'neurology</li><li class="graf graf--li">DOI: <a href="https://doi.org/10.1002/ana.27140">'
                   "10.1002/ana.27140</a></li></ul></body></html>", URL)
    assert [s["heading"] for s in record["sections"]] == ["Key Takeaway"]
    assert (record["source"]["journal"], record["source"]["doi"]) == ("Annals of neurology", "10.1002/ana.27140")


def _cards_page(excerpt_html: str) -> str:
    return ("<html><body><h1>Gut Study Title</h1><p>Credibility: 4/5</p><h2>Key Takeaway</h2><p>Text.</p>"
            "<h2>You May Also Like</h2>"
            f'<article><h3><a href="/s/a">Gut Bacteria and MS</a></h3><time>12/31/2026</time><p>{excerpt_html}</p>'
            '<a href="/s/a">Read More</a></article>'
            '<article><h3><a href="/s/b">Second Card</a></h3><time>5/1/2026</time><p>Study finds CD29 marks blood'
            ' B cells that can enter the brain and become</p><a href="/s/b">Read More</a></article></body></html>')


@pytest.mark.parametrize("excerpt_html, excerpt, truncated", [
    ("Learn how certain gut bacteria can worsen MS<br>symptoms and what this means for daily li",
     "Learn how certain gut bacteria can worsen MS symptoms and what this means for daily li", True),
    ("Learn how certain gut bacteria can worsen MS symptoms<br>in adults.",
     "Learn how certain gut bacteria can worsen MS symptoms in adults.", False),
    ('Learn how certain gut <a href="/g">bacteria</a> can worsen MS symptoms and what this means for daily li',
     "Learn how certain gut bacteria can worsen MS symptoms and what this means for daily li", True),
    ("Learn how gut bacteria worsen.", "Learn how gut bacteria worsen.", False),
    ("Learn how certain gut <b>bacteria</b> can worsen MS.", "Learn how certain gut bacteria can worsen MS.", False),
])
def test_a_cards_excerpt_reads_its_paragraph_whole(excerpt_html: str, excerpt: str, truncated: bool) -> None:
    """A <br> in the excerpt's paragraph is whitespace and a link among its words is one of them (either had
    cut the excerpt to one piece); a sentence opening with "Learn how" is no Read More button."""
    card = parse(_cards_page(excerpt_html), URL)["related"][0]
    assert (card["title"], card["excerpt"], card["excerpt_truncated"]) == ("Gut Bacteria and MS", excerpt, truncated)


def test_a_br_inside_a_heading_keeps_the_words_apart() -> None:
    page = ("<html><body><h1>Gut Study<br>Title</h1><p>Credibility: 4/5</p><h2>Key<br>Takeaway</h2><p>Text.</p>"
            '<h2>You May Also Like</h2><div><h3><a href="/s/a">Gut Bacteria<br>and MS</a></h3><p>12/31/2026</p>'
            "<p>An excerpt that was cut</p></div></body></html>")
    record = parse(page, URL)
    assert record["title"] == "Gut Study Title"
    assert [s["heading"] for s in record["sections"]] == ["Key Takeaway"]
    assert record["related"][0]["title"] == "Gut Bacteria and MS"


def test_a_doi_link_with_a_query_string_gives_the_doi_alone() -> None:
    page = ('<html><body><h1>T</h1><p>Credibility: 4/5</p><h2>Key Takeaway</h2><p>Text.</p><h2>More Details</h2>'
            '<p>Journal: Annals of Neurology</p><p><a href="https://doi.org/10.1002/ana.27001?utm_source=x">'
            "The study</a></p></body></html>")
    assert parse(page, URL)["source"]["doi"] == "10.1002/ana.27001"


@pytest.mark.parametrize("ratings_heading", ['<h2 class="visually-hidden">Ratings</h2>', "<h2>Our ratings</h2>"])
def test_a_heading_over_the_ratings_box_is_not_the_title(ratings_heading: str) -> None:
    """No h1: the <title> names the page, not the ratings block's heading."""
    page = ("<html><head><title>Gut Study Title</title></head><body><main><article>"
            f"<section>{ratings_heading}<dl><dt>Credibility</dt><dd>4/5</dd><dt>Interest</dt><dd>High</dd></dl></section>"
            "<section><h2>Key Takeaway</h2><p>The immune system differs.</p></section></article></main></body></html>")
    assert parse(page, URL)["title"] == "Gut Study Title"


@pytest.mark.parametrize("line", ["<p>Multiple Sclerosis Journal</p>", "<p><em>The Journal of Pain</em></p>",
                                  "<p>Published 3/1/2025</p>"])
def test_a_journal_name_on_its_own_line_is_no_field_label(line: str) -> None:
    """A short line holding a field word ("Journal") had been read as a label, and the next line (a
    link's text, "Read the study") as the journal."""
    page = (f"{_RATED}<h2>More Details</h2>{line}"
            '<p><a href="https://doi.org/10.1177/13524585241234567">Read the study</a></p></body></html>')
    source = parse(page, URL)["source"]
    assert source["journal"] != "Read the study" and source["doi"] == "10.1177/13524585241234567"


@pytest.mark.parametrize("label", ["Journal", "Original publication date", "Link to the study", "Journal name"])
def test_a_field_name_on_its_own_line_still_names_the_next(label: str) -> None:
    value = "June 2, 2025" if "date" in label else "https://journals.example.net/paper" if "Link" in label else "Neurology"
    page = f"{_RATED}<h2>More Details</h2><p>{label}</p><p>{value}</p></body></html>"
    source = parse(page, URL)["source"]
    assert value in (source["journal"], source["url"]) or source["published"] == "2025-06-02", source


# -- round 35/36: markups whose structure says what a label or value belongs to ---------------------

_TAB_PAGE = ("<h1>Title</h1><p>Credibility: 4/5</p>{tabs}"
             '<div class="tab-content"><div class="tab-pane active" id="p0" {labelled0}><p>Text one.</p></div>'
             '<div class="tab-pane" id="p1" {labelled1}><p>Text two.</p></div></div>')


@pytest.mark.parametrize("tabs, labelled", [
    # Bootstrap 3/4 with no ARIA: a nav list of data-toggle="tab" links naming the panels by href
    ('<ul class="nav nav-tabs"><li><a href="#p0" data-toggle="tab">Key Takeaway</a></li>'
     '<li><a href="#p1" data-toggle="tab">What They Found</a></li></ul>', ("", "")),
    # ARIA tabs that name nothing, the panels naming their tabs
    ('<div role="tablist"><button role="tab" id="t0">Key Takeaway</button>'
     '<button role="tab" id="t1">What They Found</button></div>',
     ('role="tabpanel" aria-labelledby="t0"', 'role="tabpanel" aria-labelledby="t1" hidden')),
])
def test_tabs_linked_to_their_panels_by_href_or_by_the_panel_are_the_sections(tabs: str, labelled: tuple[str, str]) -> None:
    page = _TAB_PAGE.format(tabs=tabs, labelled0=labelled[0], labelled1=labelled[1])
    assert parse(page, URL)["sections"] == [{"heading": "Key Takeaway", "text": "Text one."},
                                           {"heading": "What They Found", "text": "Text two."}]


def test_a_section_labelled_by_a_heading_elsewhere_takes_that_heading() -> None:
    page = ('<h1>Title</h1><p>Credibility: 4/5</p><ol><li><h2 id="a">Key Takeaway</h2></li>'
            '<li><h2 id="b">What They Found</h2></li></ol><section aria-labelledby="a"><p>Text one.</p></section>'
            '<section aria-labelledby="b"><p>Text two.</p></section>')
    record = parse(page, URL)
    assert record["sections"] == [{"heading": "Key Takeaway", "text": "Text one."},
                                  {"heading": "What They Found", "text": "Text two."}]
    assert not any(w.startswith("empty section") for w in record["warnings"])


def test_a_section_labelled_by_its_own_heading_reads_as_before() -> None:
    page = ('<h1>Title</h1><p>Credibility: 4/5</p><section aria-labelledby="a"><h2 id="a">Key Takeaway</h2>'
            '<p>Text one.</p></section><section aria-labelledby="b"><h2 id="b">What They Found</h2><p>Text two.</p></section>')
    assert parse(page, URL)["sections"] == [{"heading": "Key Takeaway", "text": "Text one."},
                                           {"heading": "What They Found", "text": "Text two."}]


def test_web_components_standing_alone_are_blocks_and_one_in_a_sentence_is_a_word() -> None:
    page = ("<h1>Title</h1><x-ratings><x-rating><x-label>Credibility</x-label><x-value>4 out of 5</x-value></x-rating>"
            "<x-rating><x-label>Interest</x-label><x-value>High</x-value></x-rating></x-ratings>"
            "<x-section><x-title>Key Takeaway</x-title><p>The <x-term>immune</x-term> system differs.</p></x-section>"
            "<x-details><x-title>More Details</x-title><x-row><x-label>Journal</x-label>"
            "<x-value>Annals of neurology</x-value></x-row></x-details>")
    record = parse(page, URL)
    assert record["sections"] == [{"heading": "Key Takeaway", "text": "The immune system differs."}]
    assert record["ratings"]["interest"]["label"] == "High"
    assert record["source"]["journal"] == "Annals of neurology"


def test_a_rating_image_captioned_below_is_read_from_its_own_figure() -> None:
    page = ('<h1>Title</h1><figure><img src="/3.png" alt="3 out of 5 stars"><figcaption>Credibility</figcaption></figure>'
            '<figure><img src="/5.png" alt="5 out of 5 stars"><figcaption>Interest</figcaption></figure>'
            "<h2>Key Takeaway</h2><p>Text one.</p>")
    ratings = parse(page, URL)["ratings"]
    assert {name: (r["value"], r["max"]) for name, r in ratings.items()} == {"credibility": (3, 5), "interest": (5, 5)}


def test_unlit_stars_in_wrappers_like_the_lit_ones_count_in_the_row() -> None:
    star = '<span class="{}star"><svg viewBox="0 0 24 24"><path d="M1 1"/></svg></span>'
    page = ("<h1>Title</h1><p>Credibility</p><div>" + star.format("star-active ") * 4 + star.format("")
            + "</div><h2>Key Takeaway</h2><p>Text one.</p>")
    credibility = parse(page, URL)["ratings"]["credibility"]
    assert (credibility["value"], credibility["max"]) == (4, 5)


def test_a_word_said_to_screen_readers_is_the_label_beside_the_lit_bars() -> None:
    page = ('<h1>Title</h1><p>Credibility: 4/5</p><div><span>Interest</span><div role="img" aria-label="High">'
            '<span class="bar on"></span><span class="bar on"></span><span class="bar on"></span></div></div>'
            "<h2>Key Takeaway</h2><p>Text one.</p>")
    assert parse(page, URL)["ratings"]["interest"]["label"] == "High"


def test_a_category_link_in_every_card_is_no_card_and_keeps_the_first() -> None:
    card = ('<div><div><a href="/blog/{0}"><img src="/{0}.jpg" alt="Card {0}"></a></div><div>'
            '<div><a href="/blog?category=Research">Research</a></div><div><a href="/blog/{0}">Card {0}</a></div>'
            "<time>5/1/2026</time><p>An excerpt cut mid-wo</p><a href=\"/blog/{0}\">Read More</a></div></div>")
    page = SUMMARY + "<h2>You May Also Like</h2>" + "".join(card.format(slug) for slug in "abc")
    assert [c["title"] for c in parse(page, URL)["related"]] == ["Card a", "Card b", "Card c"]


def test_a_byline_box_of_field_rows_is_no_section_and_gives_the_date() -> None:
    page = ("<h1>Title</h1><div><div><h3>Author</h3><div><p>Priya Raman</p></div></div>"
            '<div><h3>Published</h3><div><p class="date">September 2, 2025</p></div></div></div>'
            "<p>Credibility: 4/5</p><h2>Key Takeaway</h2><p>Text one.</p>")
    record = parse(page, URL)
    assert [s["heading"] for s in record["sections"]] == ["Key Takeaway"]
    assert record["published"] == "2025-09-02"


def test_a_published_row_past_the_summary_parts_is_not_dropped_as_a_byline() -> None:
    # (a study's fields under a heading no label names: read as the study's details since round 43)
    page = SUMMARY + "<h2>About the Study</h2><h3>Journal</h3><p>Neurology</p><h3>Published</h3><p>3/3/2025</p>"
    record = parse(page, URL)
    assert (record["source"]["journal"], record["source"]["published"]) == ("Neurology", "2025-03-03")
    assert record["published"] is None


# -- round 37: the text a reader sees ----------------------------------------------------------------

def test_text_for_screen_readers_only_is_not_the_page_text_but_a_rating_drawn_beside_it_is() -> None:
    new_tab = '<span class="screen-reader-text">(opens in a new tab)</span>'
    page = ('<h1>Title</h1><p>Credibility: <span aria-hidden="true">★★★★☆</span><span class="sr-only">4 out of 5</span></p>'
            f'<h2><span class="visually-hidden">Section: </span>Key Takeaway</h2><p>A study in <a href="/n">Neurology{new_tab}</a>.</p>'
            '<h2>You May Also Like</h2>'
            + "".join(f'<div><h3><a href="/s/{s}">Card {s}{new_tab}</a></h3><p>1/2/2026</p><p>Cooler on hot days.</p>'
                      f'<a href="/s/{s}">Continue reading<span class="screen-reader-text"> Card {s}</span></a></div>'
                      for s in "ab"))
    record = parse(page, URL)
    assert record["sections"] == [{"heading": "Key Takeaway", "text": "A study in Neurology."}]
    assert [(c["title"], c["excerpt"], c["excerpt_truncated"]) for c in record["related"]] == [
        ("Card a", "Cooler on hot days.", False), ("Card b", "Cooler on hot days.", False)]
    assert (record["ratings"]["credibility"]["value"], record["ratings"]["credibility"]["max"]) == (4, 5)


def test_struck_out_text_and_a_formula_source_are_not_read() -> None:
    page = ("<h1>Title</h1><p>Credibility: 4/5</p><h2>Key Takeaway</h2><p>It rose in <del>84</del><ins>86</ins> people.</p>"
            '<p>The model was <math><semantics><mi>x</mi><annotation encoding="application/x-tex">\\alpha</annotation>'
            "</semantics></math>.</p>")
    assert parse(page, URL)["sections"][0]["text"] == "It rose in 86 people.\n\nThe model was x."


# -- round 38: tabs and accordions as page builders write them ----------------------------------------

_STUDY = ('<p>Journal: NEJM Evidence</p><p>Published: March 2025</p>'
          '<p>DOI: <a href="https://doi.org/10.1056/EVIDoa2400123">10.1056/EVIDoa2400123</a></p>')
_TAKEAWAY = "<p>Pacing eased fatigue.</p>"


@pytest.mark.parametrize("markup", [
    # More Details as a tab (the tablist apart from its panels), or a plain button opening a tab panel
    ('<ul role="tablist"><li role="tab" aria-controls="c0">Key Takeaway</li><li role="tab" aria-controls="c1">'
     'More Details</li></ul><div id="c0" role="tabpanel">{0}</div><div id="c1" role="tabpanel">{1}</div>'),
    ('<ul><li><button aria-controls="c0">Key Takeaway</button></li><li><button aria-controls="c1">More Details'
     '</button></li></ul><div id="c0" role="tabpanel">{0}</div><div id="c1" role="tabpanel" hidden>{1}</div>'),
    # Elementor's accordion: each tab over its panel, all inside one role="tablist"
    ('<div role="tablist"><div role="tab" aria-controls="c0" aria-expanded="true">Key Takeaway</div>'
     '<div id="c0" role="tabpanel">{0}</div><div role="tab" aria-controls="c1" aria-expanded="false">More Details'
     '</div><div id="c1" role="tabpanel" hidden>{1}</div></div>'),
    # an accordion header written as a link that goes nowhere
    ('<h2>Key Takeaway</h2>{0}<div class="accordion-item"><div><a class="accordion-link" tabindex="0">More Details'
     '</a></div><div class="accordion-content">{1}</div></div>'),
])
def test_more_details_and_sections_in_tabs_and_accordions(markup: str) -> None:
    record = parse("<h1>Pacing and Fatigue</h1><p>Credibility: 3 out of 5</p>" + markup.format(_TAKEAWAY, _STUDY), URL)
    assert record["sections"] == [{"heading": "Key Takeaway", "text": "Pacing eased fatigue."}]
    assert record["source"] == {"journal": "NEJM Evidence", "url": "https://doi.org/10.1056/EVIDoa2400123",
                                "doi": "10.1056/EVIDoa2400123", "published": "2025-03"}


def test_a_study_field_named_in_bold_above_its_value() -> None:
    page = (SUMMARY + "<h2>More Details</h2><p><strong>Journal</strong><br>NEJM Evidence</p>"
            "<p><strong>Published</strong><br>March 2025</p>")
    source = parse(page, URL)["source"]
    assert (source["journal"], source["published"]) == ("NEJM Evidence", "2025-03")


# -- round 39: parts written twice ---------------------------------------------------------------------

def test_a_hidden_copy_of_the_ratings_gives_way_to_the_shown_one() -> None:
    page = ('<h1>Title</h1><div hidden><p>Credibility: 3 out of 5</p><p>Interest: Medium</p></div>'
            '<p>Credibility: 4 out of 5</p><p>Interest: High</p><h2>Key Takeaway</h2><p>Text one.</p>')
    ratings = parse(page, URL)["ratings"]
    assert (ratings["credibility"]["value"], ratings["interest"]["label"]) == (4, "High")
    alone = parse('<h1>Title</h1><div hidden><p>Credibility: 3 out of 5</p></div><h2>Key Takeaway</h2><p>x</p>', URL)
    assert alone["ratings"]["credibility"]["value"] == 3  # (the only copy is read, hidden or not)


def test_amp_images_draw_stars_as_images_do() -> None:
    star = '<amp-img src="/img/star-{0}.svg" width="20" height="20" alt="{1} star"></amp-img>'
    page = ("<h1>Title</h1><p><span>Credibility</span><span>" + star.format("full", "Filled") * 4
            + star.format("empty", "Empty") + "</span></p><h2>Key Takeaway</h2><p>Text one.</p>")
    credibility = parse(page, URL)["ratings"]["credibility"]
    assert (credibility["value"], credibility["max"]) == (4, 5)


def test_a_teaser_repeating_the_key_takeaway_above_the_article_keeps_the_sections_after_it() -> None:
    page = ('<h1>Title</h1><div class="callout"><h2>Key Takeaway</h2><p>Text one.</p></div><p>Credibility: 4/5</p>'
            "<h2>Key Takeaway</h2><p>Text one.</p><h2>What They Found</h2><p>Text two.</p>")
    assert parse(page, URL)["sections"] == [{"heading": "Key Takeaway", "text": "Text one."},
                                           {"heading": "What They Found", "text": "Text two."}]


@pytest.mark.parametrize("clone, shown, hidden", [
    ('class="slick-slide slick-cloned" aria-hidden="true"', 'class="slick-slide" aria-hidden="false"',
     'class="slick-slide" aria-hidden="true"'),  # Slick: every slide off screen is aria-hidden too
    ('class="swiper-slide swiper-slide-duplicate"', 'class="swiper-slide"', 'class="swiper-slide"'),
])
def test_a_carousels_clone_of_its_last_slide_placed_first_does_not_make_that_card_first(
        clone: str, shown: str, hidden: str) -> None:
    slide = '<div {0}><h4><a href="/s/{1}">Card {1}</a></h4><p>1/2/2026</p><p>Excerpt {1} cut mid-wo</p></div>'
    track = (slide.format(clone, "c") + slide.format(shown, "a") + slide.format(hidden, "b") + slide.format(hidden, "c")
             + slide.format(clone, "a"))
    page = SUMMARY + f"<h2>You May Also Like</h2><div>{track}</div>"
    assert [c["title"] for c in parse(page, URL)["related"]] == ["Card a", "Card b", "Card c"]


def test_a_title_only_copy_of_the_cards_before_the_full_cards_gives_way_to_them() -> None:
    # A responsive theme: a list of titles for phones, then the full cards for wider screens.
    slugs = ("a", "b", "c")
    phones = "<ul>" + "".join(f'<li><a href="/s/{s}">Card {s}</a></li>' for s in slugs) + "</ul>"
    page = SUMMARY + f"<h2>Related Articles</h2>{phones}<div>{''.join(_card(s, '1/2/2026') for s in slugs)}</div>"
    related = parse(page, URL)["related"]
    assert [(c["title"], c["date"], c["excerpt"]) for c in related] == [
        (f"Card {s}", "2026-01-02", f"Excerpt for {s} cut mid-wo") for s in slugs]


def test_a_cards_read_more_link_apart_from_its_title_is_no_copy_of_the_card() -> None:
    # Flat cards: the title link, then a line with the date and "Read more" to the same page.
    cards = "".join(f'<p><a href="/s/{s}">Card {s}</a></p><p>January {d}, 2026 · <a href="/s/{s}">Read more</a></p>'
                    for s, d in (("a", 5), ("b", 6), ("c", 7)))
    related = parse(SUMMARY + f"<h2>Related Articles</h2>{cards}", URL)["related"]
    assert [(c["title"], c["date"]) for c in related] == [("Card a", "2026-01-05"), ("Card b", "2026-01-06"),
                                                          ("Card c", "2026-01-07")]


def test_study_fields_as_a_name_and_a_value_side_by_side_with_nothing_between() -> None:
    # A page builder's field rows (Elementor's "detail-row"): the layout alone sets name and value apart.
    rows = "".join(f'<div class="detail-row"><span>{key}</span><span>{value}</span></div>' for key, value in (
        ("Journal", "Sleep Medicine"), ("Published", "March 3, 2025"), ("DOI", "10.1016/j.sleep.2025.01.001")))
    source = parse(SUMMARY + f"<h2>More Details</h2><div>{rows}</div>", URL)["source"]
    assert (source["journal"], source["published"], source["doi"]) == (
        "Sleep Medicine", "2025-03-03", "10.1016/j.sleep.2025.01.001")


def test_a_line_of_prose_beginning_with_a_fields_name_glued_to_a_word_is_no_field() -> None:
    details = ("<h2>More Details</h2><p>SourceForge hosts the study's analysis code for anyone to run.</p>"
               "<p>Journal: Sleep Medicine</p>")
    assert parse(SUMMARY + details, URL)["source"]["journal"] == "Sleep Medicine"
    assert parse(SUMMARY + "<h2>More Details</h2><p>SourceForge hosts the code.</p>", URL)["source"]["journal"] is None


@pytest.mark.parametrize("details, journal, published", [
    # A citation line in plain type opening with the journal.
    ("<h2>More Details</h2><p>Annals of Neurology, published 3 March 2025.</p>", "Annals of Neurology", "2025-03-03"),
    ("<h2>More Details</h2><p>Annals of Neurology (March 3, 2025).</p>", "Annals of Neurology", "2025-03-03"),
    ("<p><b>More Details:</b> Annals of Neurology (March 3, 2025). https://doi.org/10.1002/ana.1</p>",
     "Annals of Neurology", "2025-03-03"),
    # Fields written with a dash for a colon.
    ("<h2>More Details</h2><ul><li>Journal &mdash; Annals of Neurology</li><li>Published &mdash; 3 Mar 2025</li></ul>",
     "Annals of Neurology", "2025-03-03"),
    # Controls: an author-year citation, a byline, a journal whose own name runs on after a dash.
    ("<h2>More Details</h2><p>Smith et al. (2025) followed 4,000 adults.</p>", None, "2025"),
    ("<h2>More Details</h2><p>By Jane Doe, March 3, 2025</p>", None, None),
    ("<h2>More Details</h2><p>Journal: Multiple Sclerosis Journal &ndash; Experimental, Translational and Clinical</p>",
     "Multiple Sclerosis Journal \u2013 Experimental, Translational and Clinical", None),
])
def test_a_journal_opening_a_citation_line_and_fields_after_a_dash(details: str, journal: str | None,
                                                                  published: str | None) -> None:
    source = parse(SUMMARY + details, URL)["source"]
    assert (source["journal"], source["published"]) == (journal, published)


def test_a_card_date_in_brackets_then_a_colon_before_the_excerpt() -> None:
    cards = "".join(f'<li><a href="/s/{s}">Card {s}</a> (12/31/2026): Learn how {s} works in daily li...</li>'
                    for s in ("a", "b"))
    related = parse(SUMMARY + f"<h2>You May Also Like</h2><ul>{cards}</ul>", URL)["related"]
    assert [(c["date"], c["excerpt"]) for c in related] == [
        ("2026-12-31", "Learn how a works in daily li..."), ("2026-12-31", "Learn how b works in daily li...")]


# Round 41: changes a reader cannot see (the page looks and reads the same) must not change the record.

def test_a_data_attribute_on_every_icon_does_not_split_the_row() -> None:
    dots = "".join(f'<b {"class=on " if i < 2 else ""}data-testid="dot"></b>' for i in range(5))
    ratings = parse(f"<h1>T</h1><div>Interest</div><div>{dots}</div><h2>Key Takeaway</h2><p>x.</p>", URL)["ratings"]
    assert (ratings["interest"]["value"], ratings["interest"]["max"]) == (2, 5)


def test_cards_in_an_aside_straight_under_their_label() -> None:
    cards = "".join(_card(s, "1/2/2026") for s in ("a", "b", "c"))
    for block in (f"<h2>You May Also Like</h2><aside>{cards}</aside>",
                  f"<h2>You May Also Like</h2><div></div><aside>{cards}</aside>"):  # (an empty spacer between)
        assert [c["title"] for c in parse(SUMMARY + block, URL)["related"]] == ["Card a", "Card b", "Card c"]


def test_a_section_whose_text_is_a_div_ends_at_its_end() -> None:
    page = ("<h1>T</h1><section><h2>Key Takeaway</h2><div>Text one.</div></section><section><h2>Important "
            "Considerations</h2><div>A small study.</div></section><div role='note'><p>Editor's note: updated.</p></div>")
    assert parse(page, URL)["sections"][-1] == {"heading": "Important Considerations", "text": "A small study."}


def test_a_sections_text_going_on_after_a_section_holding_a_box_of_paragraphs() -> None:
    # Drupal: a field's <section> holds its heading and a box of paragraphs; the text goes on in the next field.
    page = ("<h1>T</h1><div><section><h2>Key Takeaway</h2><div class='field__item'><p>Text one.</p></div></section></div>"
            "<div class='field'><p>Text one, continued.</p></div><h2>What They Found</h2><p>Text two.</p>")
    assert parse(page, URL)["sections"][0] == {"heading": "Key Takeaway", "text": "Text one.\n\nText one, continued."}


@pytest.mark.parametrize("line", [
    "<p><span>We rate its credibility 4</span><span> out of 5 and </span><span>its interest 3 out of 5.</span></p>",
    "<p><span>Credib</span><span>ility: 4/5</span></p><p><span>Inter</span><span>est: 3/5</span></p>",
    "<p><b>Credib</b><b id='r2'>ility:</b> 4/5</p><p><b class='x'>Interest:</b> 3/5</p>",
])
def test_rating_names_split_over_formatting_runs(line: str) -> None:
    ratings = parse(f"<h1>T</h1>{line}<h2>Key Takeaway</h2><p>x.</p>", URL)["ratings"]
    assert {name: (r["value"], r["max"]) for name, r in ratings.items()} == {"credibility": (4, 5), "interest": (3, 5)}


@pytest.mark.parametrize("spacer", ["", "<div></div>", "<p></p>"])
def test_an_empty_block_after_the_title_does_not_hide_the_byline(spacer: str) -> None:
    page = (f"<main><div class='title-block'><h1>T</h1>{spacer}</div><article><footer><div>Submitted by "
            "<span>editorial</span> on <span>Mon, 01/12/2026 - 09:00</span></div></footer>"
            "<h2>Key Takeaway</h2><p>Text one.</p></article></main>")
    assert parse(page, URL)["published"] == "2026-01-12"


# Round 42: more changes a reader cannot see.

@pytest.mark.parametrize("heading", ["You May <span>Also Like</span>", "<em>You May</em> Also Like",
                                     "<span class='a'>You</span> <span class='b'>May Also Like</span>"])
def test_a_label_set_partly_in_inline_runs(heading: str) -> None:
    cards = "".join(_card(s, "1/2/2026") for s in ("a", "b"))
    page = f"<h1>T</h1><p>Credibility: 4/5</p><h2>Key <span>Takeaway</span></h2><p>Text one.</p><h2>{heading}</h2>{cards}"
    record = parse(page, URL)
    assert [c["title"] for c in record["related"]] == ["Card a", "Card b"]
    assert record["sections"] == [{"heading": "Key Takeaway", "text": "Text one."}]


@pytest.mark.parametrize(("line", "ratings"), [
    ("<ul><li>Credibility: 3 out of 5</li><li>Interest <span>level: High</span></li></ul>",
     {"credibility": (3, 5, None), "interest": (None, None, "High")}),
    ("<p>We rate its credibility 4 out of <span>5 and its interest 3 out of 5.</span></p>",
     {"credibility": (4, 5, None), "interest": (3, 5, None)}),
])
def test_a_rating_line_going_on_in_a_run(line: str, ratings: dict) -> None:
    found = parse(f"<h1>T</h1>{line}<h2>Key Takeaway</h2><p>x.</p>", URL)["ratings"]
    assert {name: (r["value"], r["max"], r["label"]) for name, r in found.items()} == ratings


def test_a_section_headed_by_an_aria_heading_ends_at_its_end() -> None:
    page = ("<h1>T</h1><section><div role='heading' aria-level='2'>Key Takeaway</div><p>Text one.</p></section>"
            "<div role='note'><p>Editor's note: updated.</p></div>")
    assert parse(page, URL)["sections"] == [{"heading": "Key Takeaway", "text": "Text one."}]


def test_a_cards_time_element_is_not_the_summarys_date_under_bold_line_headings() -> None:
    page = ("<h1>T</h1><p>By Editorial Team | January 12, 2026</p><p><b>Key Takeaway</b></p><p>Text one.</p>"
            "<p><b>You May Also Like</b></p><p><a href='/s/a'>Card a</a></p><p><time datetime='2026-12-31'>12/31/2026</time></p>"
            "<p><a href='/s/b'>Card b</a></p><p>5/1/2026</p>")
    assert parse(page, URL)["published"] == "2026-01-12"


def test_a_date_whose_year_is_set_apart_is_no_rating() -> None:
    page = ("<main><article><h1>T</h1><p>Credibility: 4 out of 5</p><p>Interest: High</p><h2>Key Takeaway</h2>"
            "<p>x.</p><details><summary>More Details</summary><p>Journal: Neurology</p>"
            "<p>Published: 3/3/<span>2025</span></p></details></article></main>")
    record = parse(page, URL)
    assert set(record["ratings"]) == {"credibility", "interest"} and record["source"]["published"] == "2025-03-03"


def test_a_blank_line_outside_a_paragraph_parts_paragraphs_and_inside_one_is_space() -> None:
    page = ("<h1>T</h1><h2>Key Takeaway</h2><div>Coffee drinkers had a lower risk.<br><br>Caffeine explained it.</div>"
            "<h2>What They Found</h2><p>One line.<br><br>Same paragraph.</p>")
    assert [s["text"] for s in parse(page, URL)["sections"]] == [
        "Coffee drinkers had a lower risk.\n\nCaffeine explained it.", "One line. Same paragraph."]


# Round 43: the same page, its labels, dates and ratings typed a little differently.

_FIELD_LABEL_PAGE = ("<title>Bladder Training</title><div class='headline'><b>Bladder Training</b></div><p>Credibility: 4/5</p>"
                     "<div class='field__label'>{0}</div><div class='para'>Text one.</div>"
                     "<div class='field__label'>What They Found</div><div class='para'>Text two.</div>"
                     "<div class='field__label'>{1}</div><div class='para'>Text three.</div>")


@pytest.mark.parametrize(("first", "third"), [
    ("Key Takeaways", "Who Should Care and Why"),
    ("Key Takeaway", "Who Should Care &amp; Why"),
    ("Key Takeaway", "Who Should Care, and Why?"),
    ("KEY TAKEAWAY", "Who Should Care + Why"),
])
def test_labels_retyped_are_labels_where_only_labels_mark_the_sections(first: str, third: str) -> None:
    record = parse(_FIELD_LABEL_PAGE.format(first, third), URL)
    assert [s["text"] for s in record["sections"]] == ["Text one.", "Text two.", "Text three."]
    assert record["title"] == "Bladder Training"


def test_a_word_that_only_looks_like_a_retyped_label_is_none() -> None:
    # "Interests" names no rating (rating names are matched as written), nor is "Key Take" a section.
    record = parse(_FIELD_LABEL_PAGE.format("Key Take", "Interests"), URL)
    assert "interest" not in record["ratings"] and "Key Take" not in [s["heading"] for s in record["sections"]]


@pytest.mark.parametrize("written", ["Thursday, December 18, 2025", "Posted 12/18/2025", "Published on Dec 18, 2025",
                                     "Date: 12/18/2025"])
def test_a_card_date_after_a_weekday_or_a_word_that_introduces_it(written: str) -> None:
    cards = (f"<div><a href='/s/a'><span>Card a</span></a><span>{written}</span><span>People with MS kept working "
             "longer than those who di</span></div>" + _card("b", "1/5/2026"))
    record = parse(f"{SUMMARY}<h2>You May Also Like</h2>{cards}", URL)
    assert (record["related"][0]["date"], record["related"][0]["excerpt"]) == (
        "2025-12-18", "People with MS kept working longer than those who di")


def test_prose_opening_with_on_and_a_date_stays_the_excerpt() -> None:
    cards = ("<div><a href='/s/a'>Card a</a><p>On December 18, 2025, researchers in Oslo reported that people "
             "with MS kept working longer.</p></div>" + _card("b", "1/5/2026"))
    card = parse(f"{SUMMARY}<h2>You May Also Like</h2>{cards}", URL)["related"][0]
    assert card["excerpt"].startswith("On December 18, 2025, researchers")


@pytest.mark.parametrize(("line", "rating"), [
    ("Credibility: Four out of five", (4, 5, None, "Four out of five")),
    ("Credibility: three of five stars", (3, 5, None, "three of five stars")),
    ("Credibility: (4/5)", (4, 5, None, "(4/5)")),
    ("4/5 Credibility", (4, 5, None, "4/5")),
    ("4 out of 5 Credibility score", (4, 5, None, "4 out of 5")),
    ("Credibility: one of the two trials was small", None),
])
def test_ratings_written_in_words_in_brackets_or_before_their_name(line: str, rating: tuple | None) -> None:
    found = parse(f"<h1>T</h1><ul><li>{line}</li><li>Interest: High</li></ul><h2>Key Takeaway</h2><p>x.</p>",
                  URL)["ratings"].get("credibility")
    got = (found["value"], found["max"], found["label"], found["raw"]) if found else None
    assert got == rating if rating else got is None or got[0] is None


_STUDY_UNDER = ("<h1>T</h1><p>Credibility: 4/5</p><h2>Key Takeaway</h2><p>Text one.</p><h2>What They Found</h2>"
                "<p>Text two.</p><h2>{0}</h2>{1}")


@pytest.mark.parametrize(("heading", "block"), [
    ("About the Study", "<dl><dt>Journal</dt><dd>Neurology</dd><dt>Published</dt><dd>October 15, 2025</dd>"
                        "<dt>DOI</dt><dd>10.1212/WNL.0000000000214455</dd></dl>"),
    ("About the Study", "<p>Journal: Neurology</p><p>Published: October 15, 2025</p><p>DOI: 10.1212/WNL.0000000000214455</p>"),
    ("Study information", "<p>Journal: Neurology<br>Published: October 15, 2025<br>DOI: 10.1212/WNL.0000000000214455</p>"),
    ("Original Research", "<p>Journal</p><p>Neurology</p><p>DOI</p><p>10.1212/WNL.0000000000214455</p>"),
])
def test_study_details_under_a_name_the_profile_does_not_know(heading: str, block: str) -> None:
    record = parse(_STUDY_UNDER.format(heading, block), URL)
    assert [s["heading"] for s in record["sections"]] == ["Key Takeaway", "What They Found"]
    assert (record["source"]["journal"], record["source"]["doi"]) == ("Neurology", "10.1212/WNL.0000000000214455")


def test_a_section_of_facts_that_names_no_journal_or_doi_stays_a_section() -> None:
    block = "<p>Study design: a randomised trial.</p><p>Participants: 40 adults.</p><p>Duration: one day.</p>"
    record = parse(_STUDY_UNDER.format("How the Study Worked", block), URL)
    assert record["sections"][-1]["heading"] == "How the Study Worked"


@pytest.mark.parametrize("heading", ["Recommended for You", "More to Read", "You May Also Like\u2026", "Recommended reading:"])
def test_more_names_sites_give_their_related_block(heading: str) -> None:
    cards = "".join(_card(s, "1/2/2026") for s in ("a", "b"))
    record = parse(f"{SUMMARY}<aside><h2>{heading}</h2>{cards}</aside>", URL)
    assert [c["title"] for c in record["related"]] == ["Card a", "Card b"]


def test_a_footnotes_doi_before_the_details_label_is_not_the_studys_link() -> None:
    # Every section heading unknown: nothing stops the details block's climb to the box holding the summary.
    page = ("<h1>T</h1><p>Credibility: 4/5</p><div class='post'><h2>The Bottom Line</h2><p>Text one.<sup>"
            "<a href='#fn1'>1</a></sup></p><ol class='footnotes'><li id='fn1'>See <a href='https://doi.org/10.1177/0333'>"
            "https://doi.org/10.1177/0333</a>.</li></ol><h2>More Details</h2><ul><li>Journal: Neurology</li>"
            "<li>DOI: <a href='https://doi.org/10.1002/ana.27140'>10.1002/ana.27140</a></li></ul></div>")
    source = parse(page, URL)["source"]
    assert (source["url"], source["doi"]) == ("https://doi.org/10.1002/ana.27140", "10.1002/ana.27140")


# Round 44: site furniture added around the summary, its parts moved.

@pytest.mark.parametrize("own", ["<section><h2>{0}</h2><p>Text {1}.</p></section>", "<p><b>{0}</b></p><p>Text {1}.</p>",
                                 "<div class='field__label'>{0}</div><div>Text {1}.</div>"])
def test_tab_panels_that_head_themselves_with_their_tabs_names(own: str) -> None:
    tabs = "".join(f"<button role='tab' aria-controls='t{i}'>{h}</button>" for i, h in enumerate(("Key Takeaway", "What They Found")))
    panels = "".join(f"<div role='tabpanel' id='t{i}'>{own.format(h, i)}</div>" for i, h in enumerate(("Key Takeaway", "What They Found")))
    record = parse(f"<h1>T</h1><p>Credibility: 4/5</p><div role='tablist'>{tabs}</div>{panels}", URL)
    assert record["sections"] == [{"heading": "Key Takeaway", "text": "Text 0."}, {"heading": "What They Found", "text": "Text 1."}]


_LEGACY = ("<title>Summary: Iron Helps Restless Legs</title><table><tr><td><p><font size='+2'><b>Iron Helps Restless Legs"
           "</b></font><br>Posted February 9, 2026</p><p><b>Credibility:</b> 4/5</p>{0}<p><b>Key Takeaway</b></p><p>Text one."
           "</p><p><b>More Details</b></p><p>In <i>Sleep Medicine</i>, <a href='https://doi.org/10.1016/j.sleep.2025.01.002'>"
           "read the study</a>.</p>{1}</td></tr></table>")
_TOC = "<div><h2>Contents</h2><ul><li><a href='#kt'>Key Takeaway</a></li></ul></div>"
_AD = ("<div class='sidebar'><div><span>Sponsored</span><a href='https://ads.example.com/c?id=9'><img src='/a.png'>"
       "<h3>Track your MS symptoms with one app</h3></a><p>Download free today.</p></div></div>")


@pytest.mark.parametrize(("before", "after"), [(_TOC, ""), ("", _AD)], ids=["table-of-contents", "sponsored-box"])
def test_a_heading_among_the_summarys_parts_is_not_the_title_of_a_page_titled_by_a_bold_line(before: str, after: str) -> None:
    record = parse(_LEGACY.format(before, after), URL)
    assert (record["title"], record["published"]) == ("Iron Helps Restless Legs", "2026-02-09")
    assert record["source"]["url"] == "https://doi.org/10.1016/j.sleep.2025.01.002"
    assert [s["heading"] for s in record["sections"]] == ["Key Takeaway"]


def test_a_sponsored_box_with_a_linked_headline_is_an_ad_not_section_text() -> None:
    page = SUMMARY.replace("<h2>What They Found</h2>", _AD + "<h2>What They Found</h2>")
    assert parse(page, URL)["sections"] == [{"heading": "Key Takeaway", "text": "Text one."},
                                            {"heading": "What They Found", "text": "Text two."}]


_TRENDING = ("<div class='widget'><h4>Trending</h4><ol>" + "".join(
    f"<li><a href='/news/{n}'>News story {n}</a> <span>{d}</span></li>" for n, d in (("a", "2/14/2026"), ("b", "1/9/2026")))
    + "</ol></div>")


def test_a_list_of_dated_links_under_an_unknown_heading_is_no_section() -> None:
    record = parse(SUMMARY.replace("<h2>Key Takeaway</h2>", _TRENDING + "<h2>Key Takeaway</h2>"), URL)
    assert [s["heading"] for s in record["sections"]] == ["Key Takeaway", "What They Found"]


def test_the_related_block_ends_with_the_box_holding_its_cards() -> None:
    cards = "".join(_card(s, "1/2/2026") for s in ("a", "b"))
    record = parse(f"{SUMMARY}<aside class='related'><h2>You May Also Like</h2>{cards}</aside>{_TRENDING}", URL)
    assert [c["title"] for c in record["related"]] == ["Card a", "Card b"]


def test_a_table_of_contents_after_a_drawn_rating_is_not_its_value() -> None:
    page = ("<h1>T</h1><div><h3>Credibility</h3><p>4/5</p><h3>Interest</h3><p>3/5</p><h3>Relevance</h3><div><i class='pip is-lit'></i>"
            "<i class='pip is-lit'></i><i class='pip'></i></div><nav aria-label='Table of contents'><p>In this article</p>"
            "<ol><li><a href='#kt'>Key Takeaway</a></li></ol></nav><h2>Key Takeaway</h2><p>Text one.</p></div>")
    assert parse(page, URL)["ratings"]["relevance"]["value"] == 2


@pytest.mark.parametrize("after_meta", [
    "<div><div><span class='blog-author-title'>Jordan Lee</span></div><div><time datetime='2026-02-09'>"
    "February 9, 2026</time></div></div>",
    "<h3 class='subtitle'>A trial finds iron eases leg discomfort</h3><p>Published <time datetime='2026-02-09'>"
    "February 9, 2026</time></p>",
])
def test_a_reading_time_line_between_the_title_and_its_byline(after_meta: str) -> None:
    page = (f"<h1>T</h1><p><span>4 min read</span> &middot; <span>1,204 views</span></p>{after_meta}"
            "<p>Credibility: 4/5</p><h2>Key Takeaway</h2><p>Text one.</p>")
    record = parse(page, URL)
    assert (record["published"], [s["heading"] for s in record["sections"]]) == ("2026-02-09", ["Key Takeaway"])


def test_a_heading_after_the_summarys_parts_is_no_title_on_a_page_without_one() -> None:
    page = ("<title>Fish Oil and Seizures | Digest</title><p>Credibility: 4/5</p><p><b>Key Takeaway</b></p><p>Text one.</p>"
            "<section><h2>Latest news</h2><div><a href='/n/a'>News a</a> 1/2/2026</div></section>")
    assert parse(page, URL)["title"] == "Fish Oil and Seizures"


# Round 45: the page as design systems mark it up.

def test_related_links_in_a_nav_straight_under_their_label() -> None:
    cards = "".join(f"<li><h3><a href='/s/{s}'>Card {s}</a></h3><p>1/2/2026</p></li>" for s in ("a", "b"))
    page = f"{SUMMARY}<aside role='complementary'><h2 id='rel'>You May Also Like</h2><nav aria-labelledby='rel'><ul>{cards}</ul></nav></aside>"
    assert [c["title"] for c in parse(page, URL)["related"]] == ["Card a", "Card b"]


def test_a_card_whose_only_link_is_in_its_own_footer() -> None:
    cards = "".join(f"<div class='card'><div class='card-content'><p class='title'>Card {s}</p><p>1/2/2026</p><div>Excerpt "
                    f"of {s}.</div></div><footer class='card-footer'><a href='/s/{s}'>Read More</a></footer></div>"
                    for s in ("a", "b"))
    record = parse(f"{SUMMARY}<h2>You May Also Like</h2><div class='columns'>{cards}</div><footer>&copy; Site</footer>", URL)
    assert [(c["title"], c["url"]) for c in record["related"]] == [("Card a", "https://example.org/s/a"),
                                                                    ("Card b", "https://example.org/s/b")]


@pytest.mark.parametrize(("icons", "value"), [("star star star star_half star_border", 3.5),
                                              ("star star star_border star_border star_border", 2)])
def test_stars_drawn_by_an_icon_fonts_ligatures(icons: str, value: float) -> None:
    stars = "".join(f"<mat-icon aria-hidden='true' class='material-icons'>{w}</mat-icon>" for w in icons.split())
    page = f"<h1>T</h1><div><span>Credibility</span><span>{stars}</span></div><h2>Key Takeaway</h2><p>x.</p>"
    assert (lambda r: (r["value"], r["max"]))(parse(page, URL)["ratings"]["credibility"]) == (value, 5)


def test_a_box_in_the_column_beside_the_article_is_no_section() -> None:
    page = ("<main><div class='row'><div class='col-8'><article><h1>T</h1><p>Credibility: 4/5</p><h2>Key Takeaway</h2>"
            "<p>Text one.</p><h2>What They Found</h2><p>Text two.</p><div class='accordion'><h2><button aria-expanded='false'"
            " aria-controls='d'>More Details</button></h2><div id='d' class='collapse'><dl><dt>Journal</dt><dd>Cephalalgia"
            "</dd></dl></div></div></article></div><div class='col-4'><div><h4>About</h4><p>This site explains new studies in plain English. Papers"
            " in journals such as Cephalalgia vary in quality.</p></div></div></div></main>")
    assert [s["heading"] for s in parse(page, URL)["sections"]] == ["Key Takeaway", "What They Found"]


# Round 46: more design systems.

@pytest.mark.parametrize(("widget", "value"), [
    ("".join(f"<input type='radio' name='c' value='{i}' aria-label='{i}'{' checked' if i == 3 else ''}>" for i in range(1, 6)), 3),
    ("".join(f"<span role='radio' aria-label='{i} stars' aria-checked='{str(i == 4).lower()}'></span>" for i in range(1, 6)), 4),
    ("<input type='radio' class='rating-hidden'>" + "".join(
        f"<input type='radio' class='mask mask-half-{1 + i % 2}' aria-label='{(i + 1) / 2} star'{' checked' if i == 6 else ''}>"
        for i in range(10)), 3.5),
    ("".join(f"<li class='ant-rate-star ant-rate-star-{state}'><div role='radio' aria-checked='{str(state == 'full').lower()}'>"
             "<span aria-label='star'>*</span><span aria-label='star'>*</span></div></li>"
             for state in ("full", "full", "full", "half", "zero")), 3.5),
])
def test_a_rating_drawn_as_options_one_chosen(widget: str, value: float) -> None:
    page = f"<h1>T</h1><p>Credibility</p><div>{widget}</div><h2>Key Takeaway</h2><p>x.</p>"
    found = parse(page, URL)["ratings"]["credibility"]
    assert (found["value"], found["max"]) == (value, 5)


def test_a_yes_no_choice_after_a_rating_is_not_its_value() -> None:
    page = ("<h1>T</h1><p>Credibility: High</p><p>Was this helpful? <input type='radio' name='h' checked> Yes "
            "<input type='radio' name='h'> No</p><h2>Key Takeaway</h2><p>x.</p>")
    assert parse(page, URL)["ratings"]["credibility"]["label"] == "High"


def test_more_details_in_the_articles_own_footer() -> None:
    page = ("<main><article><h1>T</h1><p>Credibility: 4/5</p><h2>Key Takeaway</h2><p>Text one.</p><footer><h3>More Details"
            "</h3><dl><dt>Journal</dt><dd>Diabetes Care</dd><dt>Original study</dt><dd><a href='https://www.cochranelibrary"
            ".com/cdsr/doi/10.1002/14651858.CD004659.pub4/full'>Read it</a></dd></dl></footer></article></main>"
            "<footer><p>&copy; Site</p></footer>")
    source = parse(page, URL)["source"]
    assert (source["journal"], source["doi"]) == ("Diabetes Care", "10.1002/14651858.CD004659.pub4")


def test_a_sub_header_inside_the_title_heading_is_not_the_title() -> None:
    page = ("<h1 class='ui header'>Walking After Meals<div class='sub header'>Updated 10/14/2026</div></h1>"
            "<p>Credibility: 4/5</p><h2>Key Takeaway</h2><p>Text one.</p>")
    record = parse(page, URL)
    assert record["title"] == "Walking After Meals" and [s["heading"] for s in record["sections"]] == ["Key Takeaway"]


# Round 47: publishers' article templates.

def test_a_permalink_button_inside_a_heading_is_no_part_of_it() -> None:
    page = ("<h1>T</h1><p>Credibility: 4/5</p><h2>Key Takeaway<div><div><button aria-label='Link'>&#128279;</button></div>"
            "</div></h2><p>Text one.</p>")
    assert parse(page, URL)["sections"] == [{"heading": "Key Takeaway", "text": "Text one."}]


def test_a_footnote_mark_linking_within_the_page_is_not_text_but_a_superscript_is() -> None:
    page = ("<h1>T</h1><p>Credibility: 4/5</p><h2>Key Takeaway</h2><p>The effect was modest.<sup><a href='#fn1'>1</a></sup>"
            " It held in 10<sup>6</sup> cells and 4 m<sup>2</sup> plots.<a href='#fn2'><sup>[2]</sup></a></p>")
    assert parse(page, URL)["sections"][0]["text"] == "The effect was modest. It held in 106 cells and 4 m2 plots."


def test_a_show_or_hide_control_under_a_text_is_not_its_words() -> None:
    page = ("<h1>T</h1><p>Credibility: 4/5</p><h2>Key Takeaway</h2><div class='spoiler'><div><p>Text one.</p></div>"
            "<button type='button' aria-expanded='true'>Hide</button></div><h2>What They Found</h2><p>Text two.</p>")
    assert [s["text"] for s in parse(page, URL)["sections"]] == ["Text one.", "Text two."]


# Round 48: CMSs, page builders and static-site generators.

def test_related_cards_in_a_box_after_the_article_with_no_heading() -> None:
    cards = "".join(f"<article><a href='/s/{s}'><h2>Card {s}</h2><div>Excerpt for {s} cut mid-wo</div></a><footer>"
                    f"<time datetime='2026-01-0{n}'>Jan {n}, 2026</time></footer></article>" for n, s in ((1, "a"), (2, "b")))
    page = f"<article>{SUMMARY}</article><aside>{cards}</aside><footer><p>&copy; Site</p></footer>"
    record = parse(page, URL)
    assert [(c["title"], c["date"]) for c in record["related"]] == [("Card a", "2026-01-01"), ("Card b", "2026-01-02")]
    assert record["sections"][-1] == {"heading": "What They Found", "text": "Text two."}
    # (control) a box of plain links after the article is no related block
    links = "<aside><a href='/s/a'>Card a</a> <a href='/s/b'>Card b</a></aside>"
    assert parse(f"<article>{SUMMARY}</article>{links}", URL)["related"] == []


@pytest.mark.parametrize(("line", "published"), [
    ("Annals of Neurology \u00b7 Lund N, Petersen AS \u00b7 March 12, 2024", "2024-03-12"),
    ("March 12, 2024 | Annals of Neurology", "2024-03-12"),
    ("Annals of Neurology \u00b7 Updated \u00b7 March 12, 2024", None),
])
def test_the_studys_date_as_a_field_of_a_separated_line(line: str, published: str | None) -> None:
    page = f"{SUMMARY}<h4>More Details</h4><p>{line}</p>"
    assert parse(page, URL)["source"]["published"] == published


def test_a_picture_of_stars_cut_to_a_width_over_its_empty_twin() -> None:
    def rating(widget: str) -> tuple:
        page = f"<h1>T</h1><div><div>Credibility</div>{widget}</div><h2>Key Takeaway</h2><p>x.</p>"
        found = parse(page, URL)["ratings"].get("credibility")
        return (found["value"], found["max"]) if found else None

    assert rating("<div><div><img src='empty.svg' alt=''></div><div style='width:80%'><img src='full.svg' alt=''></div></div>") == (4, 5)
    # (control) a row of five stars, one of them cut to half: counted star by star
    row = "".join("<span><svg class='filled'></svg></span>" for _ in range(3)) + (
        "<span><span style='width:50%'><svg class='filled'></svg></span><svg class='empty'></svg></span>"
        "<span><svg class='empty'></svg></span>")
    assert rating(f"<div>{row}</div>") != (2.5, 5)


@pytest.mark.parametrize("tabs", [
    # a page builder's tab names as links, then the panels in order
    "<div><ul><li><a href='#'>Key Takeaway</a></li><li><a href='#'>What They Found</a></li></ul>"
    "<div><div><p>Text one.</p></div><div><p>Text two.</p></div></div></div>",
    # CSS-only tabs: radio buttons, their labels in a row, then the panels
    "<div><input checked type='radio' id='t1' name='t'><input type='radio' id='t2' name='t'><div><label for='t1'>Key Takeaway"
    "</label><label for='t2'>What They Found</label></div><div><div><p>Text one.</p></div><div><p>Text two.</p></div></div></div>",
])
def test_tabs_paired_with_their_panels_by_order_alone(tabs: str) -> None:
    record = parse(f"<h1>T</h1><p>Credibility: 4/5</p>{tabs}", URL)
    assert record["sections"] == [{"heading": "Key Takeaway", "text": "Text one."},
                                  {"heading": "What They Found", "text": "Text two."}]


def test_a_list_of_section_names_over_a_different_number_of_blocks_is_not_tabs() -> None:
    page = ("<h1>T</h1><p>Credibility: 4/5</p><ul><li><a href='#'>Key Takeaway</a></li><li><a href='#'>What They Found</a></li>"
            "</ul><div><p>One.</p><p>Two.</p><p>Three.</p></div>")
    assert "One." not in [s["text"] for s in parse(page, URL)["sections"]]  # (no name was given to a block of its own)


def test_a_byline_in_a_title_block_above_main() -> None:
    page = ("<header><h1>Walking After Meals</h1><div><div>Published</div><div><p>June 3, 2026</p></div></div></header>"
            "<main><p>Credibility: 4/5</p><h2>Key Takeaway</h2><p>Text one.</p></main>")
    assert parse(page, URL)["published"] == "2026-06-03"
    meta = "<head><meta name='dcterms.date' content='2026-06-04'></head>"
    assert parse(f"<html>{meta}<body><h1>T</h1><p>Credibility: 4/5</p><h2>Key Takeaway</h2><p>x.</p></body></html>",
                 URL)["published"] == "2026-06-04"


def test_the_studys_link_in_the_box_after_the_details_box() -> None:
    page = (f"<div>{SUMMARY}</div><div><h4>More Details</h4><p>Journal: Annals of Neurology</p></div>"
            "<div><a href='https://doi.org/10.1002/ana.26891'>Read the Study</a></div>"
            "<div><h4>Newsletter</h4><p><a href='https://other.example/signup'>Sign up</a></p></div>")
    source = parse(page, URL)["source"]
    assert (source["url"], source["doi"]) == ("https://doi.org/10.1002/ana.26891", "10.1002/ana.26891")


def test_a_caption_under_a_table_names_the_table() -> None:
    page = (f"{SUMMARY}<figure><table><tr><td>Journal</td><td>Annals of Neurology</td></tr><tr><td>DOI</td><td>"
            "<a href='https://doi.org/10.1002/ana.26891'>10.1002/ana.26891</a></td></tr></table>"
            "<figcaption>More Details</figcaption></figure>")
    record = parse(page, URL)
    assert record["sections"][-1] == {"heading": "What They Found", "text": "Text two."}
    assert (record["source"]["journal"], record["source"]["url"]) == ("Annals of Neurology", "https://doi.org/10.1002/ana.26891")


# Round 49: page types on unseen sites.

def test_a_listing_set_as_a_table_with_a_rating_column() -> None:
    rows = "".join(f"<tr><td><a href='/s/{s}'>Card {s}</a></td><td>3/1{n}/2026</td><td><img src='s.png' alt='{n} of 5'></td></tr>"
                   for n, s in ((5, "a"), (3, "b"), (4, "c")))
    page = f"<h1>All Summaries</h1><table><thead><tr><th>Title</th><th>Date</th><th>Credibility</th></tr></thead>{rows}</table>"
    record = parse(page, URL)
    assert (record["page_type"], record["ratings"]) == ("listing", {})
    assert [c["title"] for c in record["related"]] == ["Card a", "Card b", "Card c"]
    # (control) a summary's ratings as a table: a header row over one row of values, or row headers
    for table in ("<table><tr><th>Credibility</th><th>Interest</th></tr><tr><td>4/5</td><td>3/5</td></tr></table>",
                  "<table><tr><th>Credibility</th><td>4/5</td></tr><tr><th>Interest</th><td>3/5</td></tr></table>"):
        found = parse(f"<h1>T</h1>{table}<h2>Key Takeaway</h2><p>x.</p>", URL)
        assert found["page_type"] == "summary" and found["ratings"]["credibility"]["value"] == 4


def test_a_news_post_with_a_key_takeaway_box_is_no_summary() -> None:
    page = ("<article><h1>We are joining the European MS Platform</h1><div><h4>Key Takeaway</h4><p>Our summaries will be "
            "shared.</p></div><p>We are delighted.</p><h2>What changes for readers?</h2><p>Nothing.</p><h2>Thank you</h2>"
            "<p>To all of you.</p></article>")
    assert parse(page, URL)["page_type"] == "other"
    # (control) a summary with one known section among others, and a rating, is one
    assert parse(page.replace("<h1>", "<p>Credibility: 4/5</p><h1>"), URL)["page_type"] == "summary"


@pytest.mark.parametrize(("h1", "title"), [("Oops! That page can\u2019t be found.", "Site"),
                                           ("Oops!", "Page not found \u2013 Site")])
def test_a_not_found_page_offering_articles_is_no_listing(h1: str, title: str) -> None:
    cards = "".join(_card(s, "3/1/2026") for s in "abc")
    page = f"<html><head><title>{title}</title></head><body><h1>{h1}</h1><h2>Suggested articles</h2>{cards}</body></html>"
    assert parse(page, URL)["page_type"] == "other"
    assert parse(page.replace(h1, "Latest").replace(title, "Site"), URL)["page_type"] == "listing"  # (control)


def test_page_number_links_under_a_section_are_not_its_text() -> None:
    page = (SUMMARY + "<div>Pages: <span>1</span> <a href='/s/x/2/'>2</a> <a href='/s/x/2/'>Next \u00bb</a></div>"
            "<p>3 of the 12 people improved.</p>")
    assert parse(page, URL)["sections"][-1]["text"] == "Text two.\n\n3 of the 12 people improved."


def test_a_link_in_a_listings_introduction_is_no_card() -> None:
    rows = "".join(f"<tr><td><a href='/s/{s}'>Card {s}</a></td><td>3/1{n}/2026</td></tr>" for n, s in enumerate("abc"))
    page = (f"<h1>All Summaries</h1><p>Sorted by date, newest first. <a href='/summaries/?view=cards'>Switch to card view</a>"
            f"</p><table>{rows}</table>")
    assert [c["title"] for c in parse(page, URL)["related"]] == ["Card a", "Card b", "Card c"]


def test_a_key_takeaway_introduction_over_rated_cards_is_a_listing() -> None:
    cards = "".join(f"<li><a href='/s/{s}'><h3>Card {s}</h3></a><p>Credibility: {n}/5</p><p>Interest: 3/5</p>"
                    f"<p>3/1{n}/2026</p><p>An excerpt about {s} that the site cut mid-wo</p></li>" for n, s in ((5, "a"), (3, "b"), (4, "c")))
    page = f"<h1>Treatment</h1><h2>Key Takeaway</h2><p>These summaries cover the main studies.</p><ul>{cards}</ul>"
    record = parse(page, URL)
    assert (record["page_type"], record["ratings"], record["sections"]) == ("listing", {}, [])
    assert [c["title"] for c in record["related"]] == ["Card a", "Card b", "Card c"]
    # (control) with a rating of its own, the page is a summary whose related cards show theirs
    assert parse(page.replace("<h2>", "<p>Credibility: 2/5</p><h2>"), URL)["page_type"] == "summary"


# Round 50: one article under many redesigns, and the noise between two fetches of it.

KT = "<h1>Walking Eases Fatigue</h1><p>Credibility: 4/5</p><h2>Key Takeaway</h2><p>Walking helped.</p>"
WTF = "<h2>What They Found</h2><p>148 adults took part.</p>"
SECTIONS = [{"heading": "Key Takeaway", "text": "Walking helped."}, {"heading": "What They Found", "text": "148 adults took part."}]


@pytest.mark.parametrize("box", [
    "<div><h3>Recommended for you</h3><ul><li><a href='/s/ebv'>EBV and MS</a></li></ul></div>",
    "<section><h2>You May Also Like</h2><div><h3>Gut Bacteria</h3><p>12/31/2026</p><p>Learn how gut bacteria worsen dai</p>"
    "<a href='/s/gut'>Read More</a></div><div><h3>CD29</h3><p>5/1/2026</p><p>Study finds CD29 marks blood B cel</p>"
    "<a href='/s/cd29'>Read More</a></div></section>",
    "<div class='sharedaddy'><h3>Share this:</h3><a href='https://twitter.com/share'>X</a></div>",
])
def test_a_box_set_between_two_sections_does_not_end_the_summary(box: str) -> None:
    assert parse(f"<article>{KT}{box}{WTF}</article>", URL)["sections"] == SECTIONS
    # (control) after the box, a heading that is no section of this summary: the summary ended at the box
    after = parse(f"<article>{KT}{box}<h2>Comments</h2><p>Nice.</p></article>", URL)["sections"]
    assert after == SECTIONS[:1]


@pytest.mark.parametrize("box", [
    "<div><h3>Quick poll</h3><p>How often do you walk?</p><label><input type='radio'> Daily (54%)</label></div>",
    "<div><h3>Did you know?</h3><p>About 2.8 million people worldwide live with MS.</p></div>",
    "<div><p>This content is hosted by YouTube. Accept cookies to view it.</p><button>Accept and show</button></div>",
    "<p>Walking helped.<span class='sr-only'> Updated 3 hours ago</span></p>",
])
def test_what_changes_between_two_fetches_is_no_sections_text(box: str) -> None:
    page = f"<article>{KT}{box}{WTF}</article>".replace("<p>Walking helped.</p><p>", "<p>")
    assert parse(page, URL)["sections"] == SECTIONS


def test_a_cookie_consent_stand_in_for_an_embed_leaves_the_section_whole() -> None:
    box = "<div><p>This content is hosted by YouTube. Accept cookies to view it.</p><button>Accept and show</button></div>"
    page = f"<article>{KT}{box}<p>And it lasted.</p>{WTF}</article>"
    assert parse(page, URL)["sections"][0]["text"] == "Walking helped.\n\nAnd it lasted."
    # (control) a vote widget's buttons still close the text before them
    vote = "<div><p>Was this helpful?</p><button>Yes</button><p>87% of readers found this helpful</p></div>"
    assert parse(f"<article>{KT}{vote}</article>", URL)["sections"][0]["text"] == "Walking helped."


def test_a_key_takeaway_callout_in_an_aside_is_a_section() -> None:
    page = ("<article><h1>Walking Eases Fatigue</h1><p>Credibility: 4/5</p><aside class='callout'><h2>Key Takeaway</h2>"
            f"<p>Walking helped.</p></aside>{WTF}<aside><h3>Popular</h3><p>Sleep and MS.</p></aside></article>")
    assert parse(page, URL)["sections"] == SECTIONS  # (the sidebar without a label of the summary stays out)


def test_an_ad_label_over_a_box_holding_a_section_is_no_ad() -> None:
    page = ("<article><h1>Walking Eases Fatigue</h1><p>Credibility: 4/5</p><div><p><b>Key Takeaway</b></p><p>Walking helped."
            "</p></div><div><p>Advertisement</p><a href='https://ads.example.net/c'><img src='https://ads.example.net/2.jpg' "
            "alt='Shop cooling vests'></a><p><b>What They Found</b></p><p>148 adults took part.</p></div></article>")
    assert parse(page, URL)["sections"] == SECTIONS


def test_tracking_parameters_leave_the_studys_link() -> None:
    page = (f"{KT}<h2>More Details</h2><p>Journal: MS Journal</p><p><a href='https://pubmed.ncbi.nlm.nih.gov/41234567/?utm_source"
            "=newsletter&amp;utm_campaign=2026-11-25&amp;term=ms'>Original study</a></p>")
    assert parse(page, URL)["source"]["url"] == "https://pubmed.ncbi.nlm.nih.gov/41234567/?term=ms"


@pytest.mark.parametrize("stars", [
    "<span class='on'>\u2605\u2605\u2605\u2605</span><span class='off'>\u2605</span>",
    "".join(f"<span style='color:{c}'>\u2605</span>" for c in ("#f5a623",) * 4 + ("#ccc",)),
])
def test_star_characters_lit_by_class_or_colour(stars: str) -> None:
    rating = parse(f"<h1>T</h1><div>Credibility {stars}</div><h2>Key Takeaway</h2><p>x.</p>", URL)["ratings"]["credibility"]
    assert (rating["value"], rating["max"]) == (4, 5)
    # (control) five stars all alike are five
    same = parse(f"<h1>T</h1><div>Credibility {stars.replace('off', 'on').replace('#ccc', '#f5a623')}</div>", URL)
    assert (same["ratings"]["credibility"]["value"], same["ratings"]["credibility"]["max"]) == (5, 5)


@pytest.mark.parametrize("pointer", ["<p><strong>Related:</strong> <a href='/s/sleep'>Sleep and MS</a></p>",
                                     "<p><b>Related Articles:</b> <a href='/s/sleep'>Sleep and MS</a>, <a href='/s/diet'>Diet</a></p>"])
def test_a_related_line_between_two_paragraphs_leaves_the_section_whole(pointer: str) -> None:
    page = f"<article>{KT}<p>And it lasted.</p>{WTF}</article>".replace("<p>And it lasted.</p>", f"{pointer}<p>And it lasted.</p>")
    record = parse(page, URL)
    assert record["sections"] == [{"heading": "Key Takeaway", "text": "Walking helped.\n\nAnd it lasted."}, SECTIONS[1]]
    assert record["related"][0]["title"] == "Sleep and MS"


def test_a_byline_line_over_the_title() -> None:
    page = "<article><p class='byline'>Published 4/2/2026</p><h1>Walking Eases Fatigue</h1><p>Credibility: 4/5</p>" \
           "<h2>Key Takeaway</h2><p>Walking helped.</p></article>"
    assert parse(page, URL)["published"] == "2026-04-02"
    # (control) a sentence over the title that mentions a date is no byline
    assert parse(page.replace("Published 4/2/2026", "The 4/2/2026 issue is out: read it now and tell us what you think"),
                 URL)["published"] is None


def test_a_rating_bar_drawn_in_pixels() -> None:
    bar = "<div style='width:100px'><div style='width:80px'></div></div>"
    rating = parse(f"<h1>T</h1><div>Credibility {bar}</div><h2>Key Takeaway</h2><p>x.</p>", URL)["ratings"]["credibility"]
    assert (rating["value"], rating["max"]) == (4, 5)
    # (control) an icon sized in pixels beside the label is no bar
    icon = "<span style='width:100px'><img style='width:16px' src='i.png' alt=''></span>"
    assert "credibility" not in parse(f"<h1>T</h1><div>Credibility {icon}</div><h2>Key Takeaway</h2><p>x.</p>", URL)["ratings"]


# Round 51: parts in an unusual order, twice, or split up.

def test_the_first_of_heading_less_cards_is_no_name_over_the_others() -> None:
    cards = "".join(f"<div><a href='/s/{s}'><img src='/i.jpg' alt='Card {s}'></a><h4>Card {s}</h4><p>11/{n}/2025</p>"
                    f"<p>Researchers followed {s} people for two years to</p><a href='/s/{s}'>Read More</a></div>"
                    for n, s in enumerate("abc", 1))
    record = parse(f"<article>{KT}</article><div>{cards}</div>", URL)
    assert [c["title"] for c in record["related"]] == ["Card a", "Card b", "Card c"]
    # (control) a block's heading beside one "See all" link is still its name
    named = parse(f"<article>{KT}</article><div><div><h2>Recent Posts</h2><a href='/blog'>See All</a></div>{cards}</div>", URL)
    assert [c["title"] for c in named["related"]] == ["Card a", "Card b", "Card c"]


def test_a_byline_naming_the_summary_after_its_text() -> None:
    page = f"{KT}<p class='byline'>Summary posted 6/2/2025 by the MS Insight team</p>"
    record = parse(page, URL)
    assert (record["published"], record["sections"]) == ("2025-06-02", SECTIONS[:1])


@pytest.mark.parametrize("tab", ["<button type='button' data-bs-toggle='tab' data-bs-target='#{id}'>{name}</button>",
                                 "<a href='#{id}'>{name}</a>"])
def test_tabs_naming_their_panels_by_target_or_plain_anchor(tab: str) -> None:
    names = ("Key Takeaway", "What They Found")
    tabs = "".join(f"<li>{tab.format(id=f't{n}', name=name)}</li>" for n, name in enumerate(names))
    panels = "".join(f"<div class='tab-pane' id='t{n}'><p>{text}</p></div>"
                     for n, text in enumerate(("Walking helped.", "148 adults took part.")))
    page = f"<h1>T</h1><p>Credibility: 4/5</p><ul class='nav nav-tabs'>{tabs}</ul><div class='tab-content'>{panels}</div>"
    assert parse(page, URL)["sections"] == SECTIONS
    # (control) a table of contents jumping to headed sections is no tab list: each section read once
    toc = "<ul><li><a href='#kt'>Key Takeaway</a></li><li><a href='#wtf'>What They Found</a></li></ul>"
    body = "<section id='kt'><h2>Key Takeaway</h2><p>Walking helped.</p></section><section id='wtf'><h2>What They Found</h2>" \
           "<p>148 adults took part.</p></section>"
    assert parse(f"<h1>T</h1><p>Credibility: 4/5</p>{toc}{body}", URL)["sections"] == SECTIONS


def test_a_line_pointing_to_the_study_among_the_paragraphs_is_the_source() -> None:
    pointer = "<p>Read the original study: <a href='https://doi.org/10.1016/j.msard.2025.104321'>doi.org/10.1016/j.msard.2025.104321</a></p>"
    record = parse(f"{KT}{pointer}", URL)
    assert (record["source"]["url"], record["source"]["doi"]) == ("https://doi.org/10.1016/j.msard.2025.104321",
                                                                  "10.1016/j.msard.2025.104321")
    assert record["sections"] == SECTIONS[:1]
    # (control) a sentence about the study, with a link of the site's own, is the section's text and no source
    prose = "<p>The study, <a href='/s/earlier'>like an earlier one</a>, followed 200 people.</p>"
    record = parse(f"{KT}{prose}", URL)
    assert record["source"]["url"] is None and record["sections"][0]["text"].endswith("followed 200 people.")


def test_ratings_set_in_the_title_heading_are_not_its_words() -> None:
    page = ("<h1>Vitamin K2 and Fatigue <small>Credibility <span aria-label='4 out of 5 stars'></span> \u00b7 Interest "
            "<span>High</span></small></h1><h2>Key Takeaway</h2><p>Walking helped.</p>")
    record = parse(page, URL)
    assert record["title"] == "Vitamin K2 and Fatigue" and record["ratings"]["credibility"]["value"] == 4
    assert [s["heading"] for s in record["sections"]] == ["Key Takeaway"]


def test_a_section_set_above_the_title() -> None:
    page = ("<div><h2>Key Takeaway</h2><p>Walking helped.</p></div><h1>Walking Eases Fatigue</h1><p>Credibility: 4/5</p>"
            "<h2>What They Found</h2><p>148 adults took part.</p>")
    assert parse(page, URL)["sections"] == SECTIONS
    # (control) a teaser above the title repeating a section read below it is not read twice
    teaser = page.replace("<h2>What They Found</h2>", "<h2>Key Takeaway</h2><p>Walking helped.</p><h2>What They Found</h2>")
    assert parse(teaser, URL)["sections"] == SECTIONS


def test_heading_less_cards_set_before_the_article_in_the_markup() -> None:
    cards = "".join(f"<div><a href='/s/{s}'><img src='/i.jpg' alt='Card {s}'></a><h4>Card {s}</h4><p>11/{n}/2025</p>"
                    f"<p>Researchers followed {s} people for two years to see whether a salty diet chang</p>"
                    f"<a href='/s/{s}'>Read More</a></div>" for n, s in enumerate("ab", 1))
    record = parse(f"<div>{cards}</div><article>{KT}</article>", URL)
    assert [c["title"] for c in record["related"]] == ["Card a", "Card b"] and record["sections"] == SECTIONS[:1]
    # (control) a box of links before the article without dates or excerpts (a menu) is no related block
    menu = "<div><a href='/s/a'>Card a</a> <a href='/s/b'>Card b</a></div>"
    assert parse(f"{menu}<article>{KT}</article>", URL)["related"] == []


# Round 52: text as pages encode it.

def test_joiners_beside_latin_letters_and_composed_accents_are_text_as_read() -> None:
    page = ("<h1>How Im\u200dmune Changes</h1><p>Credibility: 4/5</p><p>Inter\u200cest: High</p><h2>Key Takeaway</h2>"
            "<p>Seen in Montre\u0301al.\u200d</p>")
    record = parse(page, URL)
    assert record["title"] == "How Immune Changes" and record["ratings"]["interest"]["label"] == "High"
    assert record["sections"][0]["text"] == "Seen in Montr\u00e9al."
    # (control) a joiner between emoji stays: it draws one picture of the two
    assert "\U0001F469\u200d\U0001F52C" in parse(page.replace("Montre\u0301al", "\U0001F469\u200d\U0001F52C labs"),
                                                   URL)["sections"][0]["text"]


def test_a_full_width_letter_in_a_label_and_a_line_break_chance_in_one() -> None:
    for label in ("\uff29nterest", "Inter<wbr>est", "Inter<wbr/>est"):
        record = parse(f"<h1>T</h1><div><span>Credibility</span> <span>4 out of 5</span></div><div><span>{label}</span> "
                       "<span>High</span></div><h2>Key Takeaway</h2><p>x.</p>", URL)
        assert record["ratings"]["interest"]["label"] == "High" and "no interest rating" not in record["warnings"], label


def test_dates_with_spaced_slashes_and_non_breaking_hyphens() -> None:
    from parsers.dates import to_iso_date
    assert [to_iso_date(t) for t in ("12 / 31 / 2026", "5/\u20091/\u20092026", "2025\u201103\u201104")] == [
        "2026-12-31", "2026-05-01", "2025-03-04"]
    assert to_iso_date("rated 4 / 5") is None  # (control) a rating is no date


def test_a_rating_name_split_over_spans_adds_no_rating_of_its_pieces() -> None:
    page = ("<h1>T</h1><div><div><span><span>Cred</span><span>ibility</span></span> <span>4 out of 5</span></div>"
            "<div><span>Inter</span><span>est</span> <span>High</span></div></div><h2>Key Takeaway</h2><p>x.</p>")
    assert sorted(parse(page, URL)["ratings"]) == ["credibility", "interest"]
    # (control) a third rating drawn beside the named ones is still read
    third = page.replace("</div></div><h2>", "</div><div><span>Relevance</span> <span>3 out of 5</span></div></div><h2>")
    assert sorted(parse(third, URL)["ratings"]) == ["credibility", "interest", "relevance"]


def test_a_shorter_copy_before_the_whole_summary_gives_way_to_it() -> None:
    short = "<div class='d-md-none'><h2>Key Takeaway</h2><p>Walking helped.</p><h2>What They Found</h2><p>148 adults took part.</p></div>"
    whole = short.replace("d-md-none", "d-none d-md-block").replace(
        "</div>", "<h2>Important Considerations</h2><p>Small study.</p></div>")
    page = f"<h1>T</h1><p>Credibility: 4/5</p>{short}{whole}"
    assert [s["heading"] for s in parse(page, URL)["sections"]] == ["Key Takeaway", "What They Found", "Important Considerations"]
    # (control) the next article's summary after this one, with more sections in other words, is not this one
    other = whole.replace("Walking helped.", "Cycling helped.")
    assert parse(f"<h1>T</h1><p>Credibility: 4/5</p>{short}{other}", URL)["sections"] == SECTIONS


def test_a_summary_in_declarative_shadow_dom_is_read_and_an_inert_template_is_not() -> None:
    page = ("<summary-article><template shadowrootmode='open'><article><h1>Walking Eases Fatigue</h1><p>Credibility: 4/5</p>"
            "<h2>Key Takeaway</h2><p>Walking helped.</p></article></template></summary-article>")
    record = parse(page, URL)
    assert (record["page_type"], record["sections"]) == ("summary", SECTIONS[:1])
    inert = page.replace(" shadowrootmode='open'", "")  # (control) a script's template, never shown
    assert parse(inert, URL)["sections"] == []


# -- session 15: an audit against the record contract ---------------------------------------------------

AUDIT = ("<h2>Key Takeaway</h2><p>Fasting did not reduce seizures.</p><h2>What They Found</h2><p>Counts were similar.</p>"
         "<h2>More Details</h2><p>Journal: Epilepsia</p>")


@pytest.mark.parametrize("block", [
    "<dl><dt>Credibility</dt><dd>3.5/5</dd><dt>Interest</dt><dd>7 out of 10</dd><dt>Relevance</dt><dd>4/5</dd></dl>",
    "<dl><dt>Credibility</dt><dd>4/5</dd><dt>Relevance</dt><dd>4/5</dd></dl>",
    "<div><h4>Credibility</h4><p>4/5</p><h4>Interest</h4><p>High</p><h4>Relevance</h4><p>4/5</p></div>",
])
def test_a_rating_beside_the_named_ones_is_no_section(block: str) -> None:
    """A third rating in the ratings box was read as a rating and as a section ("Relevance": "4/5")."""
    record = parse(f"<main><h1>Fasting and Seizures</h1>{block}{AUDIT}</main>", URL)
    assert record["ratings"]["relevance"]["value"] == 4
    assert [s["heading"] for s in record["sections"]] == ["Key Takeaway", "What They Found"]
    # (control) a section of that name with prose in it stays a section
    prose = block.replace("<h4>Relevance</h4><p>4/5</p>", "") + "<h2>Relevance</h2><p>It matters to adults with epilepsy who fast for religious reasons.</p>"
    if "<h4>" in block:
        assert "Relevance" in [s["heading"] for s in parse(f"<main><h1>F</h1>{prose}{AUDIT}</main>", URL)["sections"]]


def test_a_third_rating_on_lines_set_straight_in_the_body_is_read() -> None:
    lines = "<p>Credibility: 4/5</p><p>Interest: High</p><p>Relevance: 3/5</p><p>Novelty: 2/5</p>"
    for wrap in ("{}", "<main>{}</main>"):
        record = parse(wrap.format(f"<h1>Fasting and Seizures</h1>{lines}{AUDIT}"), URL)
        assert sorted(record["ratings"]) == ["credibility", "interest", "novelty", "relevance"], wrap
    # (control) a word and a number far below the ratings, in the body, are no rating
    far = parse(f"<h1>F</h1><p>Credibility: 4/5</p><p>Interest: High</p>{AUDIT}<p>Score: 3/5</p>", URL)
    assert sorted(far["ratings"]) == ["credibility", "interest"]


@pytest.mark.parametrize("stars, value", [("\u2605\u2605\u2605\u00bd\u2606", 3.5), ("\u2605\u2605\u2605\u2605\u00bd", 4.5),
                                           ("\u2605\u2605\u2bea\u2606\u2606", 2.5), ("\u2605\u2605\u2605\u2605\u2606", 4)])
def test_a_half_star_stands_in_a_stars_place(stars: str, value: float) -> None:
    """"★★★★½" had read 4.5 of 4."""
    rating = parse(f"<h1>T</h1><p>Credibility: {stars}</p>{AUDIT}", URL)["ratings"]["credibility"]
    assert (rating["value"], rating["max"]) == (value, 5)


@pytest.mark.parametrize("head", ["Ginkgo and Memory in Older Adults | MindNotes", "MindNotes: Ginkgo and Memory in Older Adults"])
def test_the_site_name_in_a_banner_h1_is_not_the_title_when_title_names_both(head: str) -> None:
    page = (f"<html><head><title>{head}</title></head><body><header><h1>MindNotes</h1></header>"
            f"<div><h1>Ginkgo and Memory in Older Adults</h1><p>Credibility: 5 out of 5</p>{AUDIT}</div></body></html>")
    assert parse(page, URL)["title"] == "Ginkgo and Memory in Older Adults"
    # (control) a heading that is the title's part and no other heading: still the title
    alone = page.replace("<header><h1>MindNotes</h1></header>", "")
    assert parse(alone, URL)["title"] == "Ginkgo and Memory in Older Adults"


def test_a_page_declaring_utf16_in_its_own_ascii_bytes_is_read_as_utf8() -> None:
    """WHATWG's prescan: a <meta charset=utf-16> in bytes without NULs cannot be true (the record was empty)."""
    page = f"<html><head><meta charset='utf-16'></head><body><h1>Caf\u00e9 Study</h1><p>Credibility: 4/5</p>{AUDIT}</body></html>"
    record = parse(page.encode("utf-8"), URL)
    assert (record["page_type"], record["title"]) == ("summary", "Caf\u00e9 Study")
    # (control) a page really in UTF-16 is still read as such
    assert parse(page.encode("utf-16"), URL)["title"] == "Caf\u00e9 Study"


@pytest.mark.parametrize("stars, value", [("\u2b50\ufe0f\u2b50\ufe0f\u2b50\ufe0f\u2b50\ufe0f\u2606", 4),
                                           ("\u2764\ufe0f\u2764\ufe0f\U0001f90d\U0001f90d\U0001f90d", 2)])
def test_emoji_stars_with_their_presentation_selector_are_one_row(stars: str, value: int) -> None:
    """"⭐️⭐️⭐️⭐️☆" (each star followed by U+FE0F, as keyboards write it) had read 1 of 1."""
    rating = parse(f"<h1>T</h1><p>Credibility: {stars}</p>{AUDIT}", URL)["ratings"]["credibility"]
    assert (rating["value"], rating["max"]) == (value, 5)


@pytest.mark.parametrize("half", ["fa-solid fa-star-half-stroke", "fas fa-star-half-alt", "fa fa-star-half-o"])
def test_font_awesome_half_stars_of_every_version_are_in_the_row(half: str) -> None:
    """Font Awesome 5's and 6's half star ("-alt", "-stroke") had made a row of its own: 3.5 of 5 read 3 of 4."""
    full = '<i class="fa-solid fa-star"></i>' * 3 if "solid" in half else '<i class="fas fa-star"></i>' * 3 \
        if "fas" in half else '<i class="fa fa-star"></i>' * 3
    empty = {"fa-solid": '<i class="fa-regular fa-star"></i>', "fas": '<i class="far fa-star"></i>',
             "fa": '<i class="fa fa-star-o"></i>'}[half.split()[0]]
    rating = parse(f'<h1>T</h1><p>Credibility: <span>{full}<i class="{half}"></i>{empty}</span></p>{AUDIT}', URL)
    assert (rating["ratings"]["credibility"]["value"], rating["ratings"]["credibility"]["max"]) == (3.5, 5)
