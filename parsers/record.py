"""Assemble the record (RECORD.md) from the extractors; `parse` never raises."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any, TypedDict
from urllib.parse import urldefrag

from lxml import etree

from parsers.ads import ad_box
from parsers.blocks import Event, linearize, panel_markers
from parsers.clean import MAX_TAGS, body_of, build_tree, cap_markup, drop_elements, strip_junk
from parsers.dates import byline_date, date_order, only_a_date, page_day_first, revised_before, to_iso_date
from parsers.decode import decode_body
from parsers.details import (aside_journal, boilerplate_journal, citation_date, clean_doi, details_range, empty_source, host_of,
                             pointed_study, read_details, unnamed_details)
from parsers.headings import BLOCK_TAGS, H_TAGS, heading_rank, is_hidden, is_zone
from parsers.labels import Labels, LabelHit, find_labels
from parsers.links import links_in
from parsers.metadata import read_metadata
from parsers.pagetype import _MIN_LISTING_CARDS, LISTING, OTHER, SUMMARY, page_type
from parsers.profile import DEFAULT_PROFILE, Profile
from parsers.ratings import extract_ratings
from parsers.related import (boxed_apart, find_cards, has_pagination, prose_outside, related_scope, trailing_related,
                             unlabeled_related)
from parsers.reorder import captions_first, pair_ordered_tabs
from parsers.sections import BYLINE_WORDS, byline_line, extract_sections, is_subtitle
from parsers.text import PROSE_WORDS, collapse, norm_label, text_of
from parsers.title import find_title
from parsers.urls import absolute

# Bumped whenever the same page gives a different record: `reparse` and crawls know what to redo.
PARSER_VERSION = "22"


class Rating(TypedDict):
    """A rating as drawn: numbers when a number is drawn, a word in label, the source text in raw."""
    value: int | float | None
    max: int | float | None
    label: str | None
    raw: str | None


class Section(TypedDict):
    """A headed block of the summary."""
    heading: str
    text: str


class Source(TypedDict):
    """The original study."""
    journal: str | None
    url: str | None
    doi: str | None
    published: str | None


class Related(TypedDict):
    """A card: related article, or a listing page's item."""
    title: str
    url: str
    date: str | None
    excerpt: str | None
    excerpt_truncated: bool


class Record(TypedDict):
    """The record of RECORD.md."""
    url: str
    page_type: str
    title: str | None
    ratings: dict[str, Rating]
    sections: list[Section]
    source: Source
    related: list[Related]
    published: str | None
    warnings: list[str]
    parser_version: str


def empty_record(url: str, warnings: list[str]) -> Record:
    """The record of a page with nothing readable in it."""
    return {
        "url": _clean_url(url),
        "page_type": OTHER,
        "title": None,
        "ratings": {},
        "sections": [],
        "source": empty_source(),  # type: ignore[typeddict-item]
        "related": [],
        "published": None,
        "warnings": warnings,
        "parser_version": PARSER_VERSION,
    }


def _clean_url(url: Any) -> str:
    """The given URL without fragment, as a string whatever was passed."""
    text = url if isinstance(url, str) else str(url or "")
    try:
        return urldefrag(text.strip())[0]
    except ValueError:
        return text.strip()


def parse(
    body: bytes | str,
    url: str,
    headers: Mapping[str, str] | None = None,
    profile: Profile | None = None,
    base_url: str | None = None,
) -> Record:
    """HTML of one page -> the record; any failure becomes a warning, never an exception.

    `url` is the record's URL unless the page names a canonical one; `base_url`, where the page was
    fetched (default: `url`), resolves its relative links (/a/ and /a resolve "b" differently)."""
    try:
        return _parse(body, url, headers, profile or DEFAULT_PROFILE, base_url)
    except Exception as exc:  # the crawler must keep going whatever the page holds
        return empty_record(url, [f"parser error: {type(exc).__name__}"])


def parse_with_links(
    body: bytes | str,
    url: str,
    headers: Mapping[str, str] | None = None,
    profile: Profile | None = None,
    base_url: str | None = None,
) -> tuple[Record, list[str]]:
    """parse() and the URLs the page links to (parsers.links), read from one tree: a crawler that
    needs both parses each page once."""
    links: list[str] = []
    try:
        return _parse(body, url, headers, profile or DEFAULT_PROFILE, base_url, links), links
    except Exception as exc:  # as parse(): never raises
        return empty_record(url, [f"parser error: {type(exc).__name__}"]), links


def _journal_regex(profile: Profile) -> re.Pattern[str] | None:
    """The profile's boilerplate-journal pattern, compiled."""
    try:
        return re.compile(profile.journal_pattern, re.I)
    except re.error:
        return None



def _main_container(body: etree._Element, hits: list[LabelHit]) -> etree._Element:
    """<main> (or role=main) when the page marks one and it holds the summary's labels, else the body
    (a stray </div> can close <main> halfway through the summary)."""
    for el in body.iter("main", "div", "section", "article"):
        if el.tag == "main" or el.get("role") == "main":
            inside = set(el.iter())
            if any(h.kind in ("section", "details") and h.el not in inside for h in hits):
                return body
            return el
    return body


def _not_ratings(sections: list[Section], ratings: dict[str, Rating]) -> list[Section]:
    """The sections but those that are a rating found beside the profile's ("Relevance" over "4/5" in the
    ratings box: a heading to the section reader, which reads before the ratings are known). Any rating's
    name counts: a copy of the box may name "Relevance" where it was read ("Relevance \u2605\u2605\u2606" in a
    mobile line) and the other copy's "Relevance" still reach the section reader."""
    extra = {norm_label(key) for key in ratings}
    if not extra:
        return sections
    return [s for s in sections if norm_label(s["heading"]) not in extra or len(s["text"].split()) > _RATING_TEXT_WORDS]


def _inside_first(hits: list[LabelHit], container: etree._Element, body: etree._Element) -> list[LabelHit]:
    """The labels inside the page's <main> before those outside it: a rating badge in a sidebar
    ahead of the article ("Most read ... Credibility: 5/5") is not read before the summary's own."""
    if container is body:
        return hits
    inside = set(container.iter())
    return sorted(hits, key=lambda hit: hit.el not in inside)


def _up_to_article_end(events: list[Event], hits: list[LabelHit]) -> list[Event]:
    """The events up to the first heading past the <article> that holds every section label, when one
    does: a box in the column beside it ("About" this site) heads no section of the summary."""
    labels = [h.el for h in hits if h.kind == "section"]
    article = next((a for a in labels[0].iterancestors("article")), None) if labels else None
    if article is None:
        return events
    inside = set(article.iter())
    if any(el not in inside for el in labels):
        return events
    seen = False
    for i, ev in enumerate(events):
        if ev.el is not None and ev.el in inside:
            seen = True
        elif seen and ev.kind == "heading" and ev.el is not None:
            return events[:i]
    return events


def _content_scope(container: etree._Element) -> list[etree._Element]:
    """Elements of the container in document order, skipping site chrome subtrees."""
    out: list[etree._Element] = []
    stack = [container]
    while stack:
        el = stack.pop()
        if not isinstance(el.tag, str) or (el is not container and is_zone(el)):
            continue
        out.append(el)
        stack.extend(reversed(el))
    return out


def _related(
    hits: list[LabelHit], order: list[etree._Element], index: dict[Any, int], base: str, page_url: str,
    drop: frozenset[str],
) -> tuple[list[dict[str, Any]], set[Any]]:
    """Cards under the first related-block label that has any, and the card elements to skip elsewhere."""
    stops = {h.el for h in hits if h.kind != "rating"}  # cards may show their own ratings
    for hit in hits:
        if hit.kind != "related":
            continue
        scope = related_scope(hit, order, index, stops - {hit.el})
        cards = find_cards(scope, base, page_url, drop)
        if cards:
            return [card for _, card in cards], {root for root, _ in cards}
    return [], set()


def _details(
    hits: list[LabelHit], main_events: list[Event], labels: Labels, order: list[etree._Element],
    index: dict[Any, int], base: str, page_host: str, drop: frozenset[str],
) -> tuple[dict[str, Any], bool, set[Any], str | None]:
    """Source fields from the More Details block (its own container when it has one), its elements, and
    a labelled study date there that reads as no date."""
    for hit in hits:
        if hit.kind != "details":
            continue
        others = {h.el for h in hits if h.kind != "details"}
        node = hit.el
        while (parent := node.getparent()) is not None and parent.tag not in ("body", "html"):
            if is_zone(node) or any(el in others for el in parent.iter()):
                break  # (an <aside> holding the block is its box: read from outside, it would be chrome)
            node = parent
        events = linearize(node, labels.kind) if node is not hit.el else []
        if sum(e.kind != "boundary" for e in events) > 1:
            events = details_range(events, labels.kind) or events
            # From the label on: a box holding the summary too (every heading unknown, so nothing stopped
            # the climb) holds its footnotes' DOI links before it.
            start = index.get(hit.el, 0)
            scope = {el for el in node.iter() if index.get(el, start) >= start}
            for box in _set_apart(node, others):
                events = [*events, *linearize(box, labels.kind)]
                scope.update(box.iter())
        else:
            # The label stands alone (flat or table layout): read on in reading order.
            events = details_range(main_events, labels.kind)
            scope = set(related_scope(hit, order, index, others))
        links = [el for el in order if el in scope and el.tag == "a"]
        cited = [el for el in order if el in scope and el.tag in ("cite", "i", "em")]
        tables = [el for el in order if el in scope and el.tag == "table"]
        source, unread_date = read_details(events, links, base, page_host, cited, tables, drop)
        return source, True, scope, unread_date
    return empty_source(), False, set(), None


def _set_apart(box: etree._Element, others: set[Any]) -> list[etree._Element]:
    """Short boxes right after the details' own box, with no heading or label in them: the study's
    link or citation a page builder sets in a component of its own ("Read the Study" button)."""
    out = []
    for sibling in box.itersiblings():
        if not isinstance(sibling.tag, str):
            continue
        if is_zone(sibling) or len(collapse(text_of(sibling)).split()) > _SET_APART_WORDS or any(
                heading_rank(el) is not None or el in others for el in sibling.iter()):
            break
        out.append(sibling)
    return out


_SET_APART_WORDS = 40
_RATING_ELEMENT_CHARS = 300
_RATING_TEXT_WORDS = 6  # a rating's value drawn in words at most ("Very high (4 out of 5)")
_BYLINE_CHARS = 120
# The page's texts that may hold a D/M/YYYY date (XPath in C: a regex over the whole markup, URLs and all,
# cost 0.8 ms a page).
_DATED_TEXTS = etree.XPath("//text()[contains(., '/20') or contains(., '/19')]")
_BYLINE_BOXES = frozenset({"footer", "header", "div", "p", "span", "article", "section", "main"})
_BYLINE_DEPTH = 2
_BYLINE_STEPS = 4
_SENTENCE_WORDS = 8
_ARTICLE_WORDS = 150
_ARTICLE_PARAGRAPHS = 3


def _ratings_on_cards(hits: list[LabelHit]) -> bool:
    """The same rating named more than once, or named once over a column of them: a listing whose cards
    each show theirs."""
    names = [h.label.casefold() for h in hits if h.kind == "rating"]
    return len(names) > len(set(names)) or any(h.kind == "rating" and _heads_a_column(h.el) for h in hits)


def _rated_below_sections(hits: list[LabelHit], index: dict[etree._Element, int]) -> bool:
    """Every rating on the page comes after its first known section (none is the page's own, above)."""
    first = min((index[h.el] for h in hits if h.kind == "section" and h.el in index), default=None)
    return first is not None and all(index.get(h.el, -1) > first for h in hits if h.kind == "rating")


def _heads_a_column(el: etree._Element) -> bool:
    """A header cell in a row of header cells over two or more rows of values (a listing set as a table,
    each row's rating in that column); not a header row over one row of values (a summary's ratings)."""
    cell = el if el.tag == "th" else next(el.iterancestors("th"), None)
    row = cell.getparent() if cell is not None else None
    table = next(cell.iterancestors("table"), None) if cell is not None else None
    if row is None or table is None or row.find("td") is not None:
        return False  # (a row header: "Credibility | 4/5", the page's own)
    return sum(1 for tr in table.iter("tr") if tr is not row and tr.find("td") is not None) >= 2


def _rating_labels(hits: list[LabelHit]) -> set[Any]:
    """Rating names standing in their own small element: never section text, wherever they sit."""
    return {h.el for h in hits if h.kind == "rating" and not h.in_tail
            and not any(d.tag in BLOCK_TAGS for d in h.el.iterdescendants())
            and len(text_of(h.el)) <= _RATING_ELEMENT_CHARS}  # not a <div> of <br> lines that opens with one


def _first_heading_after_title(events: list[Event], title: str | None, index: dict[Any, int],
                               label_kind: Callable[[str], str | None]) -> etree._Element | None:
    """Where the article's body starts (the first heading after the title and its subtitle): a
    <time> past it is a comment's or a card's, not the summary's."""
    title_key = norm_label(title) if title else None
    seen_title = title_key is None
    for i, ev in enumerate(events):
        if ev.kind != "heading":
            continue
        if seen_title and ev.el is not None and ev.el in index and not is_subtitle(events, i, title_key or "", label_kind):
            return ev.el
        seen_title = seen_title or norm_label(ev.text) == title_key
    return None


def _first_section_label(hits: list[LabelHit], index: dict[Any, int]) -> etree._Element | None:
    """The first section's label (a bold line, not a heading element: "<p><b>Key Takeaway</b></p>"),
    where the body starts when no heading element says so."""
    return min((h.el for h in hits if h.kind == "section" and h.el in index), key=index.__getitem__, default=None)


def _in_article_footer(el: etree._Element, body_start: etree._Element) -> bool:
    """In the <footer> of the page's own article: the one holding the summary's body (not a
    comment's or a card's article, nested in it or standing after it)."""
    footer = next((a for a in el.iterancestors() if a.tag == "footer"), None)
    if footer is None:
        return False
    articles = [a for a in footer.iterancestors() if a.tag == "article"]
    return len(articles) == 1 and any(a is articles[0] for a in body_start.iterancestors())


def _site_chrome(el: etree._Element) -> bool:
    """In the site's chrome or hidden; an article's own <footer> ("Submitted by ... on <time>") is not."""
    for anc in (el, *el.iterancestors()):
        if anc.tag == "footer" and any(a.tag in ("article", "main") for a in anc.iterancestors()):
            continue
        if is_zone(anc) or is_hidden(anc):
            return True
    return False


def _text_until(root: etree._Element, stop: etree._Element) -> str:
    """The text of `root` in reading order up to the element `stop` inside it."""
    parts: list[str] = []
    for event, el in etree.iterwalk(root, events=("start", "end")):
        if el is stop:
            break
        if event == "start":
            parts.append(el.text or "")
        elif el is not root:
            parts.append(el.tail or "")
    return " ".join(parts)


def _text_before(el: etree._Element) -> str:
    """The text just before an element (its previous sibling's tail, or its parent's own text, one level up
    when that is empty): what a byline writes before a date."""
    for node in (el, el.getparent()):
        if node is None:
            break
        prev = node.getprevious()
        text = (prev.tail if prev is not None else (node.getparent().text if node.getparent() is not None else "")) or ""
        if text.strip():
            return text
    return ""


def _published(meta: dict[str, Any], events: list[Event], title: str | None, body: etree._Element, skip: set[Any],
               body_start: etree._Element | None, index: dict[Any, int],
               label_kind: Callable[[str], str | None]) -> str | None:
    """The summary's own date as its byline shows it (a <time> before the sections, not in cards or study
    details, or a byline under the title); else the page's metadata (a web archive's capture puts its
    own time there); else an "Updated" <time>."""
    shown, updated = _times_before_body(body, skip, body_start, index)
    if found := shown or _byline_date(events, title, label_kind, updates=False) or _closing_byline(events, label_kind):
        return found
    for key in ("published", "ld_published"):
        if found := to_iso_date(meta.get(key)):
            return found
    return updated or _byline_date(events, title, label_kind, updates=True) or _closing_byline(events, label_kind, True)


def _closing_byline(events: list[Event], label_kind: Callable[[str], str | None], updates: bool = False) -> str | None:
    """A byline line after the summary's sections, before its study details or related block ("Published
    January 12, 2026 by Editorial Team" under the last section)."""
    in_sections = False
    for ev in events:
        if ev.kind == "heading":
            kind = label_kind(ev.text)
            if kind in ("details", "related", "boilerplate"):
                break
            in_sections = in_sections or kind == "section"
        elif in_sections and ev.kind == "block" and byline_line(ev.text) and (text := byline_date(ev.text, updates)):
            return to_iso_date(text)
    return None


def _times_before_body(body: etree._Element, skip: set[Any], body_start: etree._Element | None,
                       index: dict[Any, int]) -> tuple[str | None, str | None]:
    """(first <time> of the summary's own, first one marked "Updated"): before the body starts, or in
    the article's own footer (after the body are comments), outside cards, study details and chrome."""
    updated = None
    before = index[body_start] if body_start is not None else None
    for el in body.iter("time"):
        if before is not None and index.get(el, 0) > before and not _in_article_footer(el, body_start):
            continue
        outside_cards = el not in skip and not any(a in skip for a in el.iterancestors())
        if outside_cards and not _site_chrome(el) and (found := to_iso_date(el.get("datetime")) or to_iso_date(text_of(el))):
            if not revised_before(_text_before(el)):
                return found, updated
            updated = updated or found
    return None, updated


def _byline_date(events: list[Event], title: str | None, label_kind: Callable[[str], str | None],
                 updates: bool) -> str | None:
    """A date written in the byline under the title (or over it: a blog's date header); `updates`: an
    "Updated ..." date counts when the byline gives no other."""
    title_key = norm_label(title) if title else None
    started = title_key is None
    for i, ev in enumerate(events):
        if ev.kind == "heading":
            if started and norm_label(ev.text) != title_key and not is_subtitle(events, i, title_key or "", label_kind):
                break
            if not started and norm_label(ev.text) == title_key and i and (
                    only_a_date(above := events[i - 1].text) or byline_line(above)) and (text := byline_date(above, updates)):
                return to_iso_date(text)  # a blog's date header, or a byline line, over the post's title
            started = started or norm_label(ev.text) == title_key
        elif ev.kind == "block" and not started and title_key and norm_label(ev.text).startswith(title_key):
            # The title and its byline in one block (a bold line, <br>, "Posted ..."): the rest is the byline.
            started = True
            byline = ev.text[len(title_key):]
            if len(byline) < _BYLINE_CHARS and (text := byline_date(byline, updates)):
                return to_iso_date(text)
        elif started and ev.kind == "block" and len(ev.text) < _BYLINE_CHARS and not _a_sentence(ev.text) \
                and (text := byline_date(ev.text, updates)):
            return to_iso_date(text)
    return _byline_after_title(events, title_key, updates)


def _a_sentence(text: str) -> bool:
    """A sentence of prose that mentions a date ("Researchers reported on December 3, 2025 that ..."), not
    a byline ("Published January 12, 2026 by Editorial Team.")."""
    return text.endswith(".") and len(text.split()) >= _SENTENCE_WORDS and not BYLINE_WORDS.search(text)


def _byline_after_title(events: list[Event], title_key: str | None, updates: bool) -> str | None:
    """A byline just under the title in a box read as chrome (<footer class="entry-meta">By ... | March 3, 2026)."""
    title_el = next((ev.el for ev in events if ev.kind == "heading" and ev.el is not None
                     and norm_label(ev.text) == title_key), None) if title_key else None
    if title_el is None:
        return None
    for _ in range(_BYLINE_DEPTH):  # a title alone in its block (<div class="page-title"><h1>): that block's next
        if _next_shown(title_el) is not None or title_el.getparent() is None or title_el.getparent().tag == "body":
            break
        title_el = title_el.getparent()
    after = _next_shown(title_el)
    for _ in range(_BYLINE_STEPS):  # past a row of share links, into the article that follows (<article><footer>)
        if after is None or after.tag not in _BYLINE_BOXES:
            return None
        text = collapse(text_of(after))
        if len(text) >= _BYLINE_CHARS or any(True for _ in after.iter(*H_TAGS)):  # (a byline has no heading)
            after = next(iter(after.iterchildren(etree.Element)), None)
        elif found := byline_date(text, updates):
            return to_iso_date(found)
        elif _only_links(after, text):
            after = after.getnext()
        else:
            return None
    return None


def _next_shown(el: etree._Element) -> etree._Element | None:
    """The next sibling that shows something: an empty <div></div> or <p></p> (a spacer) is passed over."""
    nxt = el.getnext()
    while nxt is not None and not collapse(text_of(nxt)) and next(nxt.iter("img", "svg", "time"), None) is None:
        nxt = nxt.getnext()
    return nxt


def _only_links(el: etree._Element, text: str) -> bool:
    """All the element says is link text ("Share on Facebook X Email Print"), or nothing."""
    linked = "".join(text_of(a) for a in el.iter("a"))
    return "".join(linked.split()) == "".join(text.split())


def _parse(body_in: bytes | str, url: str, headers: Mapping[str, str] | None, profile: Profile,
           base_url: str | None = None, links: list[str] | None = None) -> Record:
    """The work of parse(), free to raise: decode, build the tree, run each extractor, assemble
    (and fill `links`, when given, before the tree is trimmed)."""
    url = _clean_url(url)
    fetched = _clean_url(base_url) if base_url else url
    whole, _encoding = decode_body(body_in, headers)
    text, cut = cap_markup(whole)
    root = build_tree(text)
    if root is None:
        return empty_record(url, ["empty document"])
    if links is not None:
        # Links past the tag cap still count for discovery: they cost a plain lxml walk, no extractors.
        whole_root = build_tree(whole) if cut else None
        links.extend(links_in(root if whole_root is None else whole_root, fetched))
    meta = read_metadata(root)
    # Dates like 3/4/2026 are read as the page writes them (its own unambiguous dates, or its language).
    with date_order(page_day_first(_DATED_TEXTS(root), meta.get("lang") or meta.get("locale"))):
        return _read_page(root, meta, text, cut, url, fetched, profile)


def _other_language(canonical: str, own: set[str | None], meta: dict[str, Any], base: str,
                    drop: frozenset[str]) -> bool:
    """The page lists itself and its canonical URL as alternates in different languages (hreflang):
    the canonical names another language's version (sites that point every translation at the
    original would otherwise make each crawl's English and French pages versions of one article)."""
    langs: dict[str, set[str]] = {}
    for lang, href in meta.get("alternates") or ():
        if (target := absolute(href, base, drop)) is not None:
            langs.setdefault(target, set()).add(lang)
    mine = set().union(*(langs.get(u, set()) for u in own if u)) - {"x-default"}
    theirs = langs.get(canonical, set()) - {"x-default"}
    return bool(mine and theirs and not mine & theirs)


def _read_page(root: etree._Element, meta: dict[str, Any], text: str, cut: bool, url: str, fetched: str,
               profile: Profile) -> Record:
    """Every extractor over the page's tree (its metadata read), assembled into the record."""
    strip_junk(root, text)
    body = body_of(root)
    base = absolute(meta.get("base"), fetched) or fetched
    drop = frozenset(p.lower() for p in profile.tracking_params)
    own = absolute(url, url, drop) or url
    page_url = absolute(meta.get("canonical"), base, drop) or own
    if page_url != own and _other_language(page_url, {own, absolute(fetched, fetched, drop)}, meta, base, drop):
        page_url = own  # a translation whose canonical names the original: its own article, not a version of it
    page_host = host_of(page_url)
    labels = Labels.of(profile)
    ad_labels: list[etree._Element] = []
    hits = find_labels(body, labels, ad_labels)
    labelled = {h.el for h in hits}
    # (A box that holds one of the summary's labels is its own, even when an ad's label opens it.)
    if boxes := [box for box in map(ad_box, ad_labels)
                 if box is not None and not any(el in labelled for el in box.iter())]:
        drop_elements(root, boxes)  # (rare: then the labels are found again, in a tree without the ads)
        hits = find_labels(body, labels)
    if pair_ordered_tabs(hits) | captions_first(hits):
        hits = find_labels(body, labels)  # (rare: the labels moved)
    order = [el for el in body.iter() if isinstance(el.tag, str)]
    index = {el: i for i, el in enumerate(order)}

    related, skip = _related(hits, order, index, base, page_url, drop)
    title, _title_el = find_title(body, meta, labels.kind)
    rating_els = {h.el for h in hits if h.kind == "rating"}
    if _title_el is not None and rating_els and (
            rated := next((el for el in _title_el.iterdescendants() if el in rating_els), None)) is not None:
        title = collapse(_text_until(_title_el, rated)) or title  # ratings set in the <h1> after its words
    container = _main_container(body, hits)
    boiler = _journal_regex(profile)
    # Tabs and accordions are looked for only on pages that have their attributes, only those.
    panels = panel_markers(text)
    events = linearize(container, labels.kind, skip | _rating_labels(hits), panels)
    sections, empty_known = extract_sections(_up_to_article_end(events, hits), title, labels.kind, boiler)
    if not related and (any(labels.kind(s["heading"]) == "section" for s in sections)
                        or (sections and any(h.kind == "rating" for h in hits))):
        # A summary (a known section, or rated sections) whose related block has a name the profile does
        # not know: found by its shape.
        stops = {h.el for h in hits if h.kind != "rating"}
        last = max((h.el for h in hits if h.kind in ("section", "details")), key=index.__getitem__, default=None)
        first = _title_el if _title_el is not None else min(
            (h.el for h in hits if h.kind in ("section", "details")), key=index.__getitem__, default=None)
        if found := unlabeled_related(order, index, labels.kind, stops, base, page_url, drop) or (
                last is not None and trailing_related(last, stops, base, page_url, drop)) or (
                first is not None and trailing_related(first, stops, base, page_url, drop, before=True)):
            heading, cards = found
            related, skip = [card for _, card in cards], skip | {heading} | {root for root, _ in cards}
            events = linearize(container, labels.kind, skip | _rating_labels(hits), panels)
            sections, empty_known = extract_sections(_up_to_article_end(events, hits), title, labels.kind, boiler)
    if not any(h.kind == "details" for h in hits) and any(h.kind in ("section", "rating") for h in hits) and (
            (named := unnamed_details(events, labels.kind, title)) and named not in profile.details):
        # A summary's study details under a name the profile does not know: the page again, knowing it
        # (a page with none of the profile's labels is left as it reads: the crawl hints at a profile).
        return _read_page(root, meta, text, cut, url, fetched, replace(profile, details=(*profile.details, named)))
    ratings, unread = extract_ratings(body, _inside_first(hits, container, body), profile.rating_scale, skip)
    sections = _not_ratings(sections, ratings)
    source, has_details, details_scope, unread_date = _details(hits, events, labels, order, index, base, page_host, drop)
    names_study = bool(source["journal"] or source["doi"] or source["published"])  # (before the boilerplate's journal)
    if not source["journal"] and boiler:
        source["journal"] = meta.get("journal") or boilerplate_journal(events, labels.kind, boiler) \
            or aside_journal(container, labels.kind, boiler)
        if source["journal"] and not source["published"]:  # "... Clinical Rehabilitation, December 2025."
            details_texts = [ev.text for ev in details_range(events, labels.kind) if ev.kind == "block"]
            source["published"] = citation_date(details_texts, source["journal"])
    source["doi"] = source["doi"] or clean_doi(meta.get("doi"))
    source["published"] = source["published"] or to_iso_date(meta.get("source_published"))
    source["url"] = source["url"] or absolute(meta.get("source_url"), base, drop)
    if not source["url"] and any(h.kind in ("section", "rating", "details") for h in hits):  # (a summary's only)
        url, doi = pointed_study(container.iter("a"), base, page_host, drop, chrome=_site_chrome)
        source["url"], source["doi"] = url, source["doi"] or doi
    known = sum(1 for s in sections if labels.kind(s["heading"]) == "section")

    cards: list[dict[str, Any]] = []
    pagination = False
    carded = _ratings_on_cards(hits)
    # One known heading over cards that each show their rating is a listing's introduction ("Key
    # Takeaway" atop a tag page), not a summary with no rating of its own.
    intro = known == 1 and carded and not has_details and _rated_below_sections(hits, index)
    if (not (known or has_details) or intro) and (not ratings or carded):
        scope = _content_scope(container)
        found = [(root_el, c) for root_el, c in find_cards(scope, base, page_url, drop) if root_el not in skip]
        # A news article or an abstract with a "More in Health" box has paragraphs of its own; a
        # listing has an introduction at most.
        prose = [n for n in prose_outside(scope, found) if n >= PROSE_WORDS]
        article = len(prose) >= _ARTICLE_PARAGRAPHS or sum(prose) >= _ARTICLE_WORDS
        if intro and not found:
            cards = list(related)  # (read as the introduction's related block already)
        elif not article or not boxed_apart(scope, found):
            cards = [c for _, c in found]  # (a topic page's introduction leads straight into its cards)
        pagination = has_pagination(body)
        if carded and cards:
            ratings, unread = {}, []  # each card's own rating, not the page's
    kind = page_type(known_sections=known, ratings=len(ratings), details=has_details, cards=len(cards),
                     pagination=pagination, title=title,
                     word_ratings=sum(1 for r in ratings.values() if r["value"] is None), study=names_study,
                     head_title=meta.get("title"), other_sections=len(sections) - known,
                     introduced=intro and len(cards) >= _MIN_LISTING_CARDS)

    warnings: list[str] = [f"page cut after {MAX_TAGS} tags"] if cut else []
    if not title:
        warnings.append("no title")
    record: Record = empty_record(page_url, warnings)
    record["page_type"] = kind
    record["title"] = title
    if kind == LISTING:
        record["related"] = cards  # type: ignore[typeddict-item]
        return record
    body_start = _first_heading_after_title(events, title, index, labels.kind)
    if body_start is None:
        body_start = _first_section_label(hits, index)
    byline_events = events
    if _title_el is not None and container is not body and container not in _title_el.iterancestors():
        # A title block set above <main> (Quarto's title-block-header): its byline is there too.
        byline_events = linearize(body, labels.kind, skip | _rating_labels(hits), panels)
    record["published"] = _published(meta, byline_events, title, body, skip | details_scope, body_start, index,
                                     labels.kind)
    record["related"] = related  # type: ignore[typeddict-item]
    if kind != SUMMARY:
        return record  # sections are "the headed blocks of the summary": an About page has none
    record["sections"] = sections  # type: ignore[typeddict-item]
    record["ratings"] = ratings  # type: ignore[typeddict-item]
    record["source"] = source  # type: ignore[typeddict-item]
    warnings.extend(_summary_warnings(record, profile, unread, empty_known))
    if unread_date and not source["published"]:
        warnings.append("unreadable study date")
    return record


def _summary_warnings(record: Record, profile: Profile, unread: list[str], empty_known: list[str]) -> list[str]:
    """One short string per part a summary should have but this one lacks."""
    warnings: list[str] = []
    ratings = record["ratings"]
    if not ratings and not unread:
        warnings.append("no ratings")
    else:
        for name in profile.ratings:
            key = name.casefold()
            if key not in ratings:
                warnings.append(f"unreadable {key} rating" if key in unread else f"no {key} rating")
    if not record["sections"]:
        warnings.append("no sections")
    warnings.extend(f"empty section: {h}" for h in empty_known)
    if not any(record["source"].values()):
        warnings.append("no source")
    if not record["related"]:
        warnings.append("no related")
    return warnings
