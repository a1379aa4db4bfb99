"""Structure the parser reads without labels it knows: unnamed related blocks, footers, titles and
study details written as prose or links (pages unlike the golden ones)."""

from __future__ import annotations

from parsers import parse

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
