"""One card's fields (title, date, excerpt) from its element, read in reading order like the page."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from lxml import etree

from parsers.blocks import Event, linearize
from parsers.dates import byline_date, find_date_text, introduces_a_date, only_a_date, revised_before, to_iso_date
from parsers.headings import BLOCK_TAGS, heading_rank, is_hidden
from parsers.text import collapse, looks_truncated, text_of

Card = dict[str, Any]
_READ_MORE = re.compile(
    r"^(?:read|continue|learn|see|view|more|details|full)\b.{0,25}$|^(?:\u00bb|\u2192|>|\.\.\.|\u2026)$|more\W*$", re.I
)
_SENTENCE_WORDS = 4
_READ_MORE_LEAD = re.compile(r"^(?:read|learn|see|view)\s+more\b|^continue\s+reading\b", re.I)
_DATES_LINE_WORDS = 8  # "Updated Feb 2, 2026 · Published": a line of dates, not an excerpt that cites one
_MARKED_DATES = etree.XPath("descendant-or-self::*[@itemprop='datePublished' or @itemprop='dateCreated']"
                             " | descendant-or-self::abbr[@title]")
_READING_TIME = re.compile(r"^\d+\s*(?:min(?:ute)?s?|m)\b\.?\s*(?:read|reading)?$", re.I)
_BADGE_WORDS = 2
# A link this long is the card's excerpt set as a link (Substack's preview text), not its title or Read More.
_LINKED_EXCERPT_WORDS = 8
_TRAILING_READ_MORE = re.compile(r"\s+(?:(?:read|learn|see|view)\s+more|continue(?:\s+reading)?)\W*$", re.I)
_SEPARATORS = " \u00b7|-\u2013\u2014"  # between a card's date and its excerpt: "12/31/2026 – Excerpt"
# A print view writes each link's address after it: "Gut Bacteria and MS (https://example.org/...)".
_PRINTED_URL = re.compile(r"\s*[(\[]\s*https?://[^\s()\[\]]+\s*[)\]]$")


def is_read_more(text: str) -> bool:
    """'Read More', 'Continue reading', '»': a link that repeats a card's target, not its title."""
    if not text:
        return True
    if len(text.split()) >= _SENTENCE_WORDS and text.rstrip().endswith((".", "?", "!")) and not _READ_MORE_LEAD.match(text):
        return False  # a sentence that opens with "Learn how ..." is an excerpt, not a button
    return bool(_READ_MORE.search(text))


def build_card(root: etree._Element, links: list[etree._Element], url: str,
               after: Sequence[etree._Element] = ()) -> Card:
    """One card's fields from its root element (and the siblings `after` it that continue a flat
    card), read in reading order like the page itself."""
    events = linearize(root, _no_labels, panels=())
    title, beside_title = _card_title(events, links, root)
    date = _marked_up_date((root, *after)) or (to_iso_date(beside_title) if only_a_date(beside_title) else None)
    excerpt = ""
    prose_date = None  # a date the excerpt mentions ("a study published January 14, 2025"): the card's only if no other
    for run in _runs(root) + _sibling_runs(after):
        date_text, run, mentioned = _date_of_run(run)
        date = date or (to_iso_date(date_text) if date_text else None)
        prose_date = prose_date or mentioned
        run = _TRAILING_READ_MORE.sub("", run) or run  # "Alpha text goes on... Read more"
        if not run or run == title or is_read_more(run) or not any(ch.isalpha() for ch in run):
            continue  # (a footnote mark "1;" is no excerpt)
        if len(run) > len(excerpt):
            excerpt = run
    if date is None:  # a date set as a heading of its own (<h6><small>12/31/2026</small></h6>)
        date = next((to_iso_date(find_date_text(e.text)) for e in events if e.kind == "heading" and only_a_date(e.text)), None)
    if date is None:  # a calendar badge: <div>03</div><div>Mar</div><div>2026</div>
        date = _split_date(_runs(root))
    if not excerpt:  # a card that sets its excerpt as a second heading (<h2>Title</h2><h3>Excerpt</h3>)
        excerpt = next((e.text for e in events if e.kind == "heading" and e.text != title
                        and not is_read_more(e.text) and not find_date_text(e.text) and len(e.text.split()) > 3), "")
    return {
        "title": title,
        "url": url,
        "date": date or (to_iso_date(prose_date) if prose_date and not excerpt else None),
        "excerpt": excerpt or None,
        "excerpt_truncated": looks_truncated(excerpt) if excerpt else False,
    }


def _date_of_run(run: str) -> tuple[str | None, str, str | None]:
    """(the card's date as written, the run without it, a date its prose only mentions) for one line of
    a card: "(12/31/2026) – Excerpt", "Excerpt · 12/31/2026", "Updated ... · Published ...", prose."""
    date_text = find_date_text(run)
    if date_text and revised_before(run[: run.find(date_text)]):
        date_text = byline_date(run)  # "Updated Feb 2, 2026 · Published Jan 5, 2026": the published one
    if not date_text:
        return None, run, None
    at = run.find(date_text)
    lead, trail = run[:at], run[at + len(date_text):]
    rest = collapse(lead + trail).strip(_SEPARATORS)
    if not rest.strip("()[],") or (find_date_text(rest) and len(rest.split()) <= _DATES_LINE_WORDS):
        return date_text, "", None  # the dates were all the run said: "(2/10/2026)", "Updated ... · Published ..."
    if not lead.strip(_SEPARATORS + "([") or introduces_a_date(lead):  # "(12/31/2026) – Excerpt", "Posted 12/31/2026 Excerpt"
        return date_text, collapse(trail.lstrip(")]")).strip(_SEPARATORS).lstrip(":,").strip(_SEPARATORS), None
    if not trail.strip(_SEPARATORS + ")]"):  # "Excerpt · 12/31/2026"
        return date_text, collapse(lead.rstrip().rstrip("([")).strip(_SEPARATORS).rstrip(":,").strip(_SEPARATORS), None
    if len(rest.split()) > _DATES_LINE_WORDS:
        return None, run, date_text  # mid-sentence in prose
    return date_text, run, None


def _card_title(events: list[Event], links: list[etree._Element], root: etree._Element) -> tuple[str, str]:
    """The card's title, and what its heading holds beside the title link (a badge, a date, "4 min read")."""
    headings = [e for e in events if e.kind == "heading" and not is_read_more(e.text) and not only_a_date(e.text)]
    # A real heading over a bold line: <strong>Immunology</strong> (a topic badge) before <h3>Title</h3>.
    heading = min(headings, key=lambda e: e.rank) if headings else None
    if heading is not None:
        title, beside = _title_link(heading.el, heading.text) if heading.el is not None else (heading.text, "")
        return _PRINTED_URL.sub("", title), beside
    texts = [t for t in map(_link_title, links) if t and not is_read_more(t)]
    # "Read More: Title" (a screen-reader span inside the Read More link) repeats the title link's words.
    texts = [t for t in texts if not _READ_MORE_LEAD.match(t)] or texts
    if texts:
        return max(texts, key=len), ""
    return next((collapse(img.get("alt")) for img in root.iter("img") if img.get("alt")), ""), ""


def _title_link(heading: etree._Element, text: str) -> tuple[str, str]:
    """(title, beside) for a heading whose one link is the title and whose other words sit in elements of
    their own (<h3><a>Title</a> <span class="badge">New</span></h3>); (text, "") otherwise."""
    anchors = [a for a in heading.iter("a") if collapse(text_of(a))]
    if len(anchors) != 1 or anchors[0].getparent() is not heading or collapse(heading.text):
        return text, ""
    others = [child for child in heading if child is not anchors[0]]
    if any(collapse(child.tail) for child in heading) or not others:
        return text, ""
    beside = collapse(" ".join(text_of(child) for child in others if isinstance(child.tag, str)))
    badge = len(beside.split()) <= _BADGE_WORDS and not beside[:1].islower()  # "New", "Video" (not "in MS")
    if beside and (only_a_date(beside) or _READING_TIME.match(beside) or badge):
        return collapse(text_of(anchors[0])), beside
    return text, ""


def _marked_up_date(elements: Sequence[etree._Element]) -> str | None:
    """A date given in markup: <time datetime>, microdata (itemprop=datePublished content=), hAtom
    (<abbr class="published" title="2026-03-03T09:00:00">2 days ago</abbr>)."""
    for el in elements:
        for time_el in el.iter("time"):
            if found := to_iso_date(time_el.get("datetime")) or to_iso_date(collapse(text_of(time_el))):
                return found
    for el in elements:
        for d in _MARKED_DATES(el):
            if found := to_iso_date(d.get("content") or d.get("datetime") or d.get("title")):
                return found
    return None


def _split_date(runs: list[str]) -> str | None:
    """A date written across short lines of its own (day, month and year in three boxes)."""
    for i in range(len(runs) - 2):
        if all(len(r.split()) == 1 for r in runs[i:i + 3]) and only_a_date(joined := " ".join(runs[i:i + 3])):
            return to_iso_date(joined)
    return None


def _link_title(a: etree._Element) -> str:
    """A link's text; for a whole card drawn as one link (<a><div>Title</div><div>date</div>...</a>),
    its first line that is not a date or a "Read more"."""
    if not any(d.tag in BLOCK_TAGS for d in a.iterdescendants()):
        return collapse(text_of(a))
    return next((run for run in _runs(a) if not only_a_date(run) and not is_read_more(run)
                 and any(ch.isalpha() for ch in run)), "")


def _runs(root: etree._Element) -> list[str]:
    """A card's own text runs: split at blocks, <br> and links; link and heading text left out (title, Read More)."""
    runs: list[str] = []
    buf: list[str] = []

    def flush() -> None:
        """Close the current run."""
        text = collapse("".join(buf))
        buf.clear()
        if text:
            runs.append(text)

    # (element, leaving, muted, ends): `muted` says an ancestor below the root is a link or heading (its
    # text and the tails inside it are the title or Read More); `ends` that leaving the element ends a run.
    stack: list[tuple[etree._Element, bool, bool, bool]] = [(root, False, False, False)]
    while stack:
        el, leaving, muted, ends = stack.pop()
        if leaving:
            if ends:
                flush()
            if el is not root and el.tail and not muted:
                buf.append(el.tail)
            continue
        if not isinstance(el.tag, str) or (el is not root and is_hidden(el)):
            if el is not root and el.tail:
                buf.append(el.tail)
            continue
        # (Inside a paragraph a <br> is whitespace, and a link after some of its words is one of them.)
        soft_break = el.tag == "br" and _parent_tag(el) == "p"
        breaks = el.tag in BLOCK_TAGS or (el.tag == "br" and not soft_break)
        heading = heading_rank(el) is not None
        word_link = el.tag == "a" and _word_link(el)
        inline_link = el.tag == "a" and not any(d.tag in BLOCK_TAGS for d in el.iterdescendants()) \
            and not _linked_excerpt(el) and not word_link
        if soft_break:
            buf.append(" ")
        mute = muted or inline_link or (el is not root and heading)
        if breaks or mute != muted:
            flush()
        if el.text and not mute:
            buf.append(el.text)
        stack.append((el, True, muted, breaks or (el.tag == "a" and not word_link) or heading))
        stack.extend((child, False, mute, False) for child in reversed(el))
    flush()
    return runs


def _parent_tag(el: etree._Element) -> str | None:
    parent = el.getparent()
    return parent.tag if parent is not None else None


def _word_link(a: etree._Element) -> bool:
    """A link set among a paragraph's words ("how gut <a>bacteria</a> worsen"): part of the excerpt,
    not the card's title or its Read More (a paragraph that opens with its link is a title line)."""
    parent = a.getparent()
    if parent is None or parent.tag != "p":
        return False
    before = (parent.text or "") + "".join(text_of(sib) + (sib.tail or "") for sib in a.itersiblings(preceding=True))
    text = collapse(text_of(a))
    return bool(before.strip()) and bool(text) and not is_read_more(text) and not _READ_MORE_LEAD.match(text)


def _linked_excerpt(a: etree._Element) -> bool:
    """A link as long as an excerpt that is not a "Continue reading <title>" link: the card's excerpt."""
    words = text_of(a).split()
    return len(words) >= _LINKED_EXCERPT_WORDS and not _READ_MORE_LEAD.match(" ".join(words))


def _sibling_runs(after: Sequence[etree._Element]) -> list[str]:
    """Runs of the siblings continuing a flat card: each one's own runs, then its tail (<br> lines)."""
    runs: list[str] = []
    for el in after:
        if isinstance(el.tag, str):
            runs.extend(_runs(el))
        if tail := collapse(el.tail):
            runs.append(tail)
    return runs


def _no_labels(text: str) -> None:
    """Cards carry no profile labels."""
    return None
