"""Headed blocks of the summary from reading-order events: each heading's text runs to the next heading of same or higher rank."""

from __future__ import annotations

import re
from collections.abc import Callable
from itertools import takewhile

from parsers.blocks import Event
from parsers.dates import DATE_PATTERN, find_date_text
from parsers.field_names import KEY_COLON, MAX_KEY_WORDS, is_key
from parsers.headings import AFTER_ARTICLE, CONSENT_LINE, CONSENT_WORDS, FEEDBACK, WEAK_RANK, WIDGET
from parsers.text import PROSE_WORDS, norm_label, strip_label_punct

_LINK_HEAVY = 0.8
_CITED_DOI = re.compile(r"\b10\.\d{4,9}/\S")  # a block that is mostly link text is navigation ("Share", "Read more"), not prose
# What a byline says besides its date: by whom, posted or updated when, how long a read.
BYLINE_WORDS = re.compile(r"^\W*(?:by|written|reviewed|posted|published|updated|edited|\d+\s*min)\b|\bby\s+\w"
                          r"|\b(?:min(?:ute)?s?\s+read|reading time)\b", re.I)
_NOT_SECTIONS = frozenset({"rating", "related", "details", "boilerplate"})
_ENDS_SUMMARY = frozenset({"related", "boilerplate"})
_SITE_LINE = re.compile(r"^\W*(?:tags|tagged|categories|filed under|posted in|share(?: this)?)\s*:", re.I)
# Lines the page sets among the paragraphs that no one wrote for this summary: an ad slot's labels, an
# audio player's credit, a site-wide disclaimer box ("This summary is not medical advice...").
_FURNITURE_LINE = re.compile(
    r"^\W*(?:advertisements?|loading ad\W*|ad unavailable"
    r"|(?:story|article|text|content) continues below(?: (?:this )?(?:ad|advert|advertisement))?"
    r"|continue reading below|scroll (?:down )?to continue(?: with content)?|voiced by [\w .]{1,30})\W*$"
    r"|^\W*(?:(?:medical |important |health )?disclaimer\b\W*|note\b\W*)?this (?:summary|article|content|information"
    r"|page|site|website|post) (?:is|does) not (?:constitute |intended as |meant as |a substitute for |replace )?"
    r"(?:medical|professional|health)"
    # An ad set as one line under its label ("Sponsored: Try our app"), and a line of counters.
    r"|^\W*(?:advertisement|advert|sponsored(?: content| post)?|promoted(?: content)?|paid (?:content|post|partnership)"
    r"|partner content|anzeige|werbung)(?:\s*[:|]|\s+[\u2013\u2014-])\s*\S"  # (not "Sponsored-research trials")
    r"|^(?:\W*\d[\d.,]*\s*[km]?\s+(?:views?|reads?|comments?|shares?|likes?|reactions?|responses?)\b)+\W*$", re.I)
# "Read the original study: <a>doi.org/...</a>" among a summary's paragraphs: where the study is (read
# as the source), not the summary's text.
STUDY_POINTER = re.compile(r"^\W*(?:(?:read|see|view|access|find|get|link to|download)\s+)?(?:(?:the|this)\s+)?"
                           r"(?:(?:original|full|published|source)\s+)?(?:study|paper|research(?: article)?|"
                           r"journal article|abstract|source|reference)\s*(?:here\s*)?[:\u2013\u2014]", re.I)
_WIDGET_LINKS = 0.5
# A byline set after the article's text ("Published January 12, 2026 by Editorial Team"): a line of its own
# that opens with a byline word and gives a date, not a sentence that goes on ("Published in 2025, the ...").
_CLOSING_BYLINE = re.compile(r"^\W*(?:(?:this )?(?:summary|article|post|story|page) )?"  # ("Summary posted 6/2/2025 by ...")
                             r"(?:(?:first |originally )?published|posted|written|by|(?:last )?updated"
                             r"|(?:last )?reviewed|(?:last )?modified)\b", re.I)
_BYLINE_LINE_WORDS = 12


def byline_line(text: str) -> bool:
    """A line that is a byline: a byline word first, a date in it, a dozen words at most."""
    return (len(text.split()) <= _BYLINE_LINE_WORDS and bool(_CLOSING_BYLINE.match(text))
            and DATE_PATTERN.search(text) is not None and not _goes_on(text))


def _goes_on(text: str) -> bool:
    """The date opens a sentence that says more ("Published in 2025, the study ..."): prose."""
    m = DATE_PATTERN.search(text)
    return bool(m) and bool(re.match(r"\s*,\s+(?:the|a|an|this|it|these|they|researchers)\b", text[m.end():], re.I))
# "Read also: <a>Another summary</a>" between paragraphs: a pointer to another page.
_POINTER_LINE = re.compile(r"^\W*(?:read also|also read|see also|read more|read next|related(?: \w+)?|more on this(?: topic)?"
                           r"|recommended(?: reading)?|you (?:may|might) also like|don't miss|further reading"
                           r"|trending(?: now)?|popular(?: right)? now|most (?:read|popular|viewed)|editor'?s picks?"
                           r"|what's hot)\s*[:\u2013\u2014-]", re.I)
_POINTER_LINKS = 0.4


def last_section_label(events: list[Event], label_kind: Callable[[str], str | None]) -> int:
    """Index of the last heading that is a known section label (-1 without one)."""
    return next((k for k in range(len(events) - 1, -1, -1)
                 if events[k].kind == "heading" and label_kind(events[k].text) == "section"), -1)


def _is_title(text: str, title_key: str) -> bool:
    """The title's heading (perhaps with its subtitle inside: "Title Subtitle")."""
    key = norm_label(text)
    return bool(title_key) and (key == title_key or key.startswith(title_key + " "))


BOILERPLATE_WORDS = 25


def is_subtitle(events: list[Event], i: int, title_key: str, label_kind: Callable[[str], str | None]) -> bool:
    """The heading at `i` is the title's subtitle (a dek): it comes right after the title, names no
    part, and only a byline follows it (no paragraph of prose) before the next heading."""
    ev = events[i]
    if ev.kind != "heading" or i == 0 or label_kind(ev.text) is not None:
        return False
    if byline_field(events, i) and not any(e.kind == "heading" and label_kind(e.text) for e in events[:i]):
        return True  # (before the summary's parts: past them, "Published" / a date is the study's)
    if not title_key:
        return False
    k = i - 1
    while k > 0 and events[k].kind == "block" and (events[k].link_ratio >= _LINK_HEAVY or (
            len(events[k].text.split()) < PROSE_WORDS and _byline_like(events[k]))):
        k -= 1  # a row of "Print" / "Email" / "Share" links under the title, a "4 min read · 1,204 views" line
    before = events[k]
    if before.kind != "heading" or not _is_title(before.text, title_key):
        return False
    blocks = []
    for nxt in events[i + 1:]:
        if nxt.kind != "block":
            break
        if len(nxt.text.split()) >= PROSE_WORDS:
            return False
        blocks.append(nxt)
    # A byline box (by whom, when, "Category: ...", "Hits: 412") may follow; a short sentence alone under
    # an unknown heading is that section's text.
    return not blocks or any(map(_byline_like, blocks))


# The names of a byline box's rows (Quarto's title block: "Author" / a name, "Published" / a date).
_BYLINE_FIELD = re.compile(r"(?:authors?|written by|reviewed by|edited by|published(?: on)?|publication date"
                           r"|date(?: published)?|posted(?: on)?|(?:last )?updated(?: on)?|modified|reading time"
                           r"|categories|category|tags|affiliations?)\W*", re.I)
_FIELD_VALUE_WORDS = 12


def byline_field(events: list[Event], i: int) -> bool:
    """The heading at `i` names a row of a byline box, its value a line or two below it, not a part
    of the summary."""
    if not _BYLINE_FIELD.fullmatch(events[i].text):
        return False
    values = list(takewhile(lambda ev: ev.kind == "block", events[i + 1:]))
    return 0 < len(values) <= 2 and all(len(ev.text.split()) < _FIELD_VALUE_WORDS for ev in values)


def _byline_like(ev: Event) -> bool:
    """What follows a subtitle: a byline ("By Jane Doe", a date, "5 min read"), a row of links or separators."""
    text = ev.text
    return (ev.link_ratio >= _LINK_HEAVY or not any(ch.isalpha() for ch in text) or bool(BYLINE_WORDS.search(text))
            or DATE_PATTERN.search(text) is not None)


def boilerplate_block(ev: Event, boilerplate: re.Pattern[str]) -> bool:
    """The site-wide paragraph ("... journals like X often ..."), a whole paragraph of it: a sentence
    of the summary that mentions journals is not."""
    return ev.kind == "block" and len(ev.text.split()) >= BOILERPLATE_WORDS and bool(boilerplate.search(ev.text))


def study_subheading(events: list[Event], k: int, label_kind: Callable[[str], str | None]) -> bool:
    """The heading at `k` names one study inside More Details ("Study 1", "About the study"), not a part
    of the page: it is no label, and the study's fields follow it at once (a "Journal" key, "Journal: X")."""
    ev = events[k]
    if ev.kind != "heading" or label_kind(ev.text) is not None or k + 1 >= len(events):
        return False
    nxt = events[k + 1]
    if nxt.kind == "heading":
        return nxt.rank > ev.rank and len(nxt.text.split()) <= MAX_KEY_WORDS and is_key(nxt.text.rstrip(": "))
    m = KEY_COLON.match(nxt.text) if nxt.kind == "block" else None
    return m is not None and is_key(m.group(1))


def _range_end(events: list[Event], i: int, label_kind: Callable[[str], str | None], title_key: str,
               boilerplate: re.Pattern[str] | None = None) -> int:
    """Index just past the text owned by the heading at `i` (the site's boilerplate paragraph ends it too)."""
    head = events[i]
    head_kind = label_kind(head.text)
    j = i + 1
    while j < len(events):
        ev = events[j]
        if ev.kind == "boundary" and _after_pointer(events, i, j, label_kind):
            j += 1  # (the cards of a "Related:" line between two paragraphs: the section goes on)
            continue
        if ev.kind == "boundary" or (boilerplate and j > i + 1 and boilerplate_block(ev, boilerplate)):
            break
        if ev.kind == "heading" and (
            ev.linked or _is_title(ev.text, title_key) or AFTER_ARTICLE.match(ev.text) or WIDGET.match(ev.text)
            # Field names (dt, bold "Journal") under a More Details label of the same weak rank are its own.
            or (ev.rank < head.rank and not (head_kind == "details" and study_subheading(events, j, label_kind)))
            or (ev.rank == head.rank and not (head_kind == "details" and ev.rank == WEAK_RANK))
            # Another label ends it, but not a lesser one of its own kind ("Original Study" in More
            # Details); each section label is a section of its own, whatever its level.
            or (kind := label_kind(ev.text)) is not None and (kind != head_kind or kind == "section")
            and not _run_in_pointer(events, j, kind)
        ):
            break
        j += 1
    return j


def _after_pointer(events: list[Event], i: int, j: int, label_kind: Callable[[str], str | None]) -> bool:
    """Event `j` closes one of the cards of a run-in "Related:" line (read back past the cards and the
    commas between them) inside the range that begins at `i`."""
    k = j - 1
    while k > i and (events[k].kind == "boundary" or (events[k].kind == "block" and not any(
            ch.isalnum() for ch in events[k].text))):
        k -= 1
    return k > i and events[k].kind == "heading" and _run_in_pointer(events, k, label_kind(events[k].text) or "")


def _run_in_pointer(events: list[Event], j: int, kind: str) -> bool:
    """A bold "Related:" set in a paragraph whose rest was links to other pages (read as cards): a pointer
    between two paragraphs of a section, which goes on after it."""
    return kind == "related" and events[j].rank == WEAK_RANK and (j + 1 == len(events) or events[j + 1].kind == "boundary")


def _without_widgets(events: list[Event], start: int, end: int, label_kind: Callable[[str], str | None],
                     title_key: str) -> list[Event]:
    """A section's events from `start` to `end` without the page widgets set in it under a heading of their
    own ("Quick poll", "Did you know?"): the heading and what it heads."""
    kept: list[Event] = []
    k = start
    while k < end:
        if events[k].kind == "heading" and _run_in_pointer(events, k, label_kind(events[k].text) or ""):
            k += 1
            continue
        if events[k].kind == "heading" and WIDGET.match(events[k].text):
            # (A bold "Email" line heads nothing: a list of reminder methods goes on after it.)
            k = min(_range_end(events, k, label_kind, title_key), end) if events[k].rank < WEAK_RANK else k + 1
            continue
        kept.append(events[k])
        k += 1
    return kept


def _own_text(ev: Event) -> bool:
    """A block of the section's own text: not a link list, a site line ("Tags: ..."), a widget, an ad's
    label, a disclaimer or a "Read also:" pointer."""
    text = ev.text
    if (ev.link_ratio >= _LINK_HEAVY and not _CITED_DOI.search(text)) or _SITE_LINE.match(text) or FEEDBACK.match(text) \
            or _FURNITURE_LINE.match(text) or (CONSENT_LINE.search(text) and len(text.split()) <= CONSENT_WORDS):
        return False  # (a linked DOI, "See 10.1007/...", is a reference the text gives, not navigation)
    if ev.link_ratio >= _WIDGET_LINKS and WIDGET.match(text):
        return False
    if ev.link_ratio > 0 and STUDY_POINTER.match(text):
        return False  # (the study's link, read as the source)
    if ev.link_ratio > 0 and _PAGE_NUMBERS.match(text):
        return False  # "Pages: 1 2", "« Previous 1 2 3 Next »": links to the article's other pages
    if byline_line(text):
        return False  # the summary's own byline, set after its text
    return not (ev.link_ratio >= _POINTER_LINKS and _POINTER_LINE.match(text))


_PAGE_NUMBERS = re.compile(r"^(?:pages?\s*:?\s*)?(?:(?:\d{1,4}|next|prev(?:ious)?|older|newer|first|last|of|page"
                           r"|[\u00ab\u00bb\u2039\u203a\u2190\u2192\u2026<>|]|\.\.\.)\s*)+$", re.I)
_LINKED_LINE = 0.5  # of a line's characters in links: a line of a link list, not of prose


def _dated_links(body: list[Event]) -> bool:
    """Two or more lines, each mostly a link's text and each with a date: a list of dated links (cards)."""
    blocks = [e for e in body if e.kind == "block"]
    return len(blocks) >= 2 and all(e.link_ratio >= _LINKED_LINE and find_date_text(e.text) for e in blocks)


def _resumes(events: list[Event], j: int, label_kind: Callable[[str], str | None], seen: set[str]) -> bool:
    """The summary goes on at `j`, after a box set between its sections (a "Recommended for you" or
    "Share this" box): a known section heading not read yet comes next."""
    nxt = next((e for e in events[j:] if e.kind != "boundary"), None)
    return (nxt is not None and nxt.kind == "heading" and label_kind(nxt.text) == "section"
            and norm_label(strip_label_punct(nxt.text)) not in seen)


def _sections_above(events: list[Event], title_at: int, label_kind: Callable[[str], str | None]) -> int:
    """Where the summary's sections begin: after the title, or at a section set above it (a "Key Takeaway"
    box over the headline) whose name no heading after the title repeats (a teaser or another article's
    summary above would be repeated, or come with sections of their own below)."""
    def known(ev: Event) -> str | None:
        return norm_label(strip_label_punct(ev.text)) if ev.kind == "heading" and label_kind(ev.text) == "section" else None

    above = [i for i in range(title_at) if known(events[i])]
    if not above:
        return title_at + 1
    below = {name for ev in events[title_at + 1:] if (name := known(ev))}
    return above[0] if below and not any(known(events[i]) in below for i in above) else title_at + 1


def _fuller_copy(sections: list[dict[str, str]], empty: list[str], rest: list[Event],
                 label_kind: Callable[[str], str | None], boilerplate: re.Pattern[str] | None,
                 ) -> tuple[list[dict[str, str]], list[str]]:
    """The sections read so far, or those of the copy in `rest` when it holds each of them word for word
    and more: the same summary whole, not the next article's."""
    again, again_empty = extract_sections(rest, None, label_kind, boilerplate, whole_copies=False)  # (once: linear)
    had = {norm_label(s["heading"]): s["text"] for s in sections}
    holds = {norm_label(s["heading"]): s["text"] for s in again}
    if len(again) > len(sections) and all(holds.get(heading) == text for heading, text in had.items()):
        return again, again_empty
    return sections, empty


def extract_sections(
    events: list[Event], title: str | None, label_kind: Callable[[str], str | None],
    boilerplate: re.Pattern[str] | None = None, whole_copies: bool = True,
) -> tuple[list[dict[str, str]], list[str]]:
    """Sections in page order (heading, text), plus the known section labels that had no text;
    `boilerplate` matches the site-wide paragraph (the profile's journal_pattern), never section text;
    `whole_copies`: a second copy of the summary may stand for the first when it is the same, whole."""
    title_key = norm_label(title) if title else ""
    start = 0
    if title_key:
        for i, ev in enumerate(events):
            if ev.kind == "heading" and _is_title(ev.text, title_key):
                start = _sections_above(events, i, label_kind)
                break
    sections: list[dict[str, str]] = []
    empty: list[str] = []
    last_known = last_section_label(events, label_kind)
    known_seen: set[str] = set()
    i = start
    while i < len(events):
        ev = events[i]
        if ev.kind != "heading" or _is_title(ev.text, title_key) or is_subtitle(events, i, title_key, label_kind):
            i += 1
            continue
        kind = label_kind(ev.text)
        # The boilerplate paragraph closes only the last section: earlier, "journals like X often"
        # is a sentence of the summary itself.
        closing = boilerplate if i >= last_known else None
        j = _range_end(events, i, label_kind, title_key, closing)
        if closing and kind is None and j > i + 1 and boilerplate_block(events[i + 1], closing):
            if sections:
                break  # an unknown heading over the site's boilerplate paragraph ("About This Site")
            i = j
            continue
        if ev.linked:
            i = j  # a card's or menu's title and what follows it
            continue
        if kind is None and WIDGET.match(ev.text):
            i = j  # "Was this helpful?" between sections: nobody's text
            continue
        if kind is None and _dated_links(events[i + 1 : j]):
            i = j  # "Trending", "Latest news": a list of dated links to other pages is the site's, not the summary's
            continue
        if kind is None and AFTER_ARTICLE.match(ev.text):
            if sections and not _resumes(events, j, label_kind, known_seen):
                break  # comments or sharing: the summary's own text is over
            i = j  # (a share box between two sections: the summary goes on after it)
            continue
        if kind == "section" and norm_label(strip_label_punct(ev.text)) in known_seen:
            upcoming = events[i + 1].text if i + 1 < len(events) and events[i + 1].kind == "block" else None
            if (len(sections) == 1 and norm_label(sections[0]["heading"]) == norm_label(strip_label_punct(ev.text))
                    and upcoming is not None and sections[0]["text"].split("\n\n")[0] == upcoming):
                sections, empty, known_seen = [], [], set()  # a teaser box repeating that section's words: read on
            else:
                # A known section again: another copy of a summary begins (the next article, an old version),
                # kept only when it is this one whole (a phone's shorter copy set before the full one).
                if whole_copies:
                    sections, empty = _fuller_copy(sections, empty, events[i:], label_kind, boilerplate)
                break
        if kind == "section":
            known_seen.add(norm_label(strip_label_punct(ev.text)))
        if kind in _NOT_SECTIONS:
            if sections and kind in _ENDS_SUMMARY and not _resumes(events, j, label_kind, known_seen):
                break  # the related block or the site boilerplate closes the summary's own text
            i = j
            continue
        body = events[i + 1 : j]
        first_sub = next((k for k, e in enumerate(body) if e.kind == "heading"), None)
        if kind is None and first_sub is not None and not any(e.kind == "block" for e in body[:first_sub]):
            # An unknown heading over sub-headings with no text of its own groups them: they are the sections.
            i += 1
            continue
        kept = [e for e in _without_widgets(events, i + 1, j, label_kind, title_key)
                if e.kind == "heading" or _own_text(e)]
        while kept and kept[-1].kind == "heading":
            kept.pop()  # a sub-heading with no text of its own here ("How we rated this study", a share box)
        texts = [e.text for e in kept]
        texts = [t for t in texts if any(ch.isalnum() for ch in t)]  # a lone "\u00b7" between byline items
        if texts:
            sections.append({"heading": strip_label_punct(ev.text), "text": "\n\n".join(texts)})
        elif kind == "section":
            empty.append(strip_label_punct(ev.text))
        i = j
    return sections, empty
