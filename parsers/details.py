"""The original study (More Details block): journal, link, DOI, date; plus the boilerplate's journal as a fallback."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import unquote, urlsplit

from lxml import etree

from parsers.blocks import Event
from parsers.dates import DATE_PATTERN, only_a_date, revised_before, to_iso_date
from parsers.field_names import KEY_COLON, KEY_DATE, KEY_DOI, KEY_JOURNAL, MAX_KEY_WORDS, is_key, names_only_a_field
from parsers.headings import AFTER_ARTICLE, H_TAGS, is_hidden
from parsers.sections import STUDY_POINTER, BOILERPLATE_WORDS, boilerplate_block, last_section_label, study_subheading
from parsers.urls import absolute
from parsers.text import collapse, text_of

Source = dict[str, Any]
_DOI = re.compile(r"\b(10\.\d{4,9}/[^\s\"'<>]+)", re.I)
_OTHER_URL = re.compile(r"(?:https?://|www\.)(?!(?:dx\.)?doi\.org)\S+", re.I)
_DOI_HOSTS = frozenset({"doi.org", "dx.doi.org", "www.doi.org"})
# A person's page ("Posted by <a href=https://www.blogger.com/profile/0123>"): never the study.
_PROFILE_PATH = re.compile(r"/(?:profile|profiles|author|authors|user|users|people|members?)/", re.I)
# A list bullet written as text (Word's "·", "•") before a field: not part of its key.
_BULLET = re.compile(r"^[\s\u00b7\u2022\u2023\u2043\u2219\u25aa\u25cf\u25e6\u25a0\u25a1\u25cb\uf0b7*\-\u2013\u2014]+(?=\w)")
# Sharing and following: a "Share: Twitter" link after the block is never the study.
_SOCIAL_HOSTS = re.compile(
    r"(?:^|\.)(?:twitter\.com|x\.com|facebook\.com|fb\.com|linkedin\.com|reddit\.com|pinterest\.com|whatsapp\.com"
    r"|wa\.me|t\.me|telegram\.me|bsky\.app|threads\.net|instagram\.com|tumblr\.com|mastodon\.social)$")
_SHARE_PATH = re.compile(r"/(?:intent|sharer|share|shareArticle|submit)\b", re.I)
# A publisher's DOI-addressed page: /doi/10.1212/..., /doi/full/10..., /doi/abs/10... (Wiley, Sage, AAN...).
_DOI_PATH = re.compile(r"/doi/(?:(?:abs|full|pdf|epdf|epub|reader|book)/)?(10\.\d{4,9}/\S+?)"
                       r"(?:/(?:full|abstract|abs|pdf|epdf|epub|html|fulltext|summary|references))?/?$", re.I)  # (Cochrane's .../full)
# "..., published 11/2/2024." or "Published 2024." in prose: the study's date without a "Key:" label.
_PROSE_DATE = re.compile(r"\b(?:published|issued)\b(?:\s+(?:in|on|online))?\s*:?\s*(?P<when>[^.;]{0,80})", re.I)
# A citation's year: APA "(2025)." or Vancouver "2025;31(4):455".
_WHEN_INSIDE = re.compile(r"(?:\b(?:on|in)\s+|,\s*)(?P<when>(?:\d|[A-Z][a-z]{2,8}\.?\s+\d)[^.;]{0,25})")
# "published in The New England Journal of Medicine, doi: ..." - a journal named only in prose.
_NAME_WORD = r"(?:[A-Z][\w.&'\-]*|of|and|for|in|on|the|&)"
_PROSE_JOURNAL = re.compile(rf"\b(?i:published\s+(?:online\s+)?in)\s+(?:the\s+journal\s+|the\s+)?"
                            rf"(?P<journal>[A-Z][\w.&'\-]*(?:(?::\s+|\s+){_NAME_WORD})*)")
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?"
_NOT_A_NAME = re.compile(r"(?:by|updated|posted|published|reviewed|written|accessed|retrieved|last)\b", re.I)
# A citation line that opens with the journal, in plain type: "Annals of Neurology, published 3 March
# 2025.", "Annals of Neurology (March 3, 2025).", "Neurology, 2025." (a name of capitalised words).
_CITATION_HEAD = re.compile(rf"^(?P<journal>[A-Z][\w.&'\-]*(?:(?::\s+|\s+){_NAME_WORD}){{0,10}}?)"
                            rf"(?:,\s*(?:published|issued|online|{_MONTH}\s|\d{{1,2}}\s+{_MONTH}|(?:19|20)\d{{2}}\b)"
                            rf"|\s*\(\s*(?:{_MONTH}|\d{{1,2}}\s+{_MONTH}|(?:19|20)\d{{2}}\b))")
_NAME_TAIL = re.compile(rf"\s+(?:in|on)\s+{_MONTH}(?:\s.*)?$|(?:\s+(?:of|and|for|in|on|the|&))+$|\.$")
_AFTER_JOURNAL = re.compile(r"[\s.,;:]*(?:(?P<month>[A-Z][a-z]{2,8})\.?\s+)?(?P<year>(?:19|20)\d{2})\b(?!\s*[;:(])")
_CITATION_YEAR = re.compile(r"\(((?:19|20)\d{2})[a-z]?\)|\b((?:19|20)\d{2})\s*;\s*\d")
_FIELD_SEPARATOR = re.compile(r"\s+[\u00b7|\u2022]\s+")  # "Published: 2025-12 \u00b7 DOI: ..."
# A Vancouver (NLM) citation: "... Title. Lancet Neurol. 2025;24(3):201-9." or "Epilepsia. 2025 Mar;66(3)".
_VANCOUVER = re.compile(r"\.\s+([A-Z][A-Za-z&:,' \-]{1,80}?)\.\s+((?:19|20)\d{2})(?:\s+([A-Z][a-z]{2})[a-z]*)?(?:\s+(\d{1,2}))?\s*;")
_TEXT_URL = re.compile(r"https?://[^\s<>\"']+", re.I)
_YEAR = re.compile(r"^\(?((?:19|20)\d{2}(?:-(?:0[1-9]|1[0-2]))?)\)?\.?$")
# A journal issue named by its season: "Spring 2025", "Winter 2024" -> the year.
_SEASON_YEAR = re.compile(r"^(?:spring|summer|fall|autumn|winter)\s+((?:19|20)\d{2})\.?$", re.I)
_TRAILING_YEAR = re.compile(r"\s*[(\[]\s*(?:19|20)\d{2}\s*[)\]]\.?$")
_MAX_JOURNAL_WORDS = 12
_SCAN_CAP = 400


def clean_doi(text: str | None) -> str | None:
    """'https://doi.org/10.1002/ana.1.' -> '10.1002/ana.1'."""
    if not text:
        return None
    m = _DOI.search(unquote(text))
    return m.group(1).rstrip(".,;)]") if m else None


def empty_source() -> Source:
    """The source of a page that names no study."""
    return {"journal": None, "url": None, "doi": None, "published": None}


def _pairs(events: list[Event]) -> list[tuple[str, str]]:
    """(key, value) pairs from 'Key: value' blocks and from heading/cell pairs (dt/dd, th/td)."""
    pairs: list[tuple[str, str]] = []
    for i, ev in enumerate(events):
        if ev.kind == "boundary":
            continue
        text = _BULLET.sub("", ev.text)
        found = _inline_pairs(text)
        by_line = [pair for line in ev.lines for pair in _inline_pairs(_BULLET.sub("", line))]
        if by_line and len(by_line) >= len(found):
            found = by_line  # "Journal: Multiple Sclerosis Journal<br>Published: ..." - a line ends a field
        if not found and len(ev.lines) > 1:  # "<strong>Journal</strong><br>NEJM Evidence": a name, its value below
            found = [(key.rstrip(": "), value) for key, value in zip(ev.lines, ev.lines[1:])
                     if len(key.split()) <= MAX_KEY_WORDS and names_only_a_field(key.rstrip(": "))
                     and not names_only_a_field(value.rstrip(": "))]
        if not found:
            found = _glued_pair(ev) or _dashed_pairs(ev)
        if found:
            pairs.extend(found)
            continue
        nxt = events[i + 1] if i + 1 < len(events) else None
        # (A journal's name on its own line, "Multiple Sclerosis Journal", holds a field word too.)
        names_field = names_only_a_field(text.rstrip(": "))
        if nxt is not None and nxt.kind == "block" and len(text.split()) <= MAX_KEY_WORDS and names_field:
            pairs.append((text.rstrip(": "), nxt.text))
    return pairs


def _glued_pair(ev: Event) -> list[tuple[str, str]]:
    """A field's name and value set side by side by the layout alone (a flex or grid row of
    <span>Journal</span><span>Sleep Medicine</span>), which reads as "JournalSleep Medicine"."""
    key = ev.glued_head.rstrip(": ")
    value = ev.text[len(ev.glued_head):].strip()
    if value and len(key.split()) <= MAX_KEY_WORDS and names_only_a_field(key) and ev.text.startswith(ev.glued_head):
        return [(key, value)]
    return []


# "Journal — Annals of Neurology": a field's name, a dash, its value (a colon's stand-in on some sites).
_DASHED = re.compile(r"^(?P<key>[^\W\d][\w' ]{0,40}?)\s+[\u2014\u2013-]\s+(?P<value>\S.*)$")


def _dashed_pairs(ev: Event) -> list[tuple[str, str]]:
    """Fields written with a dash after a name that is only a field's ("Published — 3 Mar 2025"), one per
    line; not a name holding a field word ("Multiple Sclerosis Journal – Experimental ...")."""
    pairs = []
    for line in ev.lines or (ev.text,):
        m = _DASHED.match(_BULLET.sub("", line))
        if m and len(m["key"].split()) <= MAX_KEY_WORDS and names_only_a_field(m["key"]):
            pairs.append((m["key"], m["value"]))
    return pairs


def _inline_pairs(text: str) -> list[tuple[str, str]]:
    """'Journal: X DOI: Y' (lines joined by <br>) -> [(Journal, X), (DOI, Y)]."""
    marks: list[tuple[int, int, str]] = []  # (key start, value start, key)
    for m in KEY_COLON.finditer(text):
        words = m.group(1).split()
        if m.start(1) == 0 and is_key(m.group(1)):
            marks.append((0, m.end(), m.group(1)))
            continue
        # Later keys are the shortest run of trailing words that names a field ("... Neurologique DOI:" -> "DOI"),
        # grown over words that name a field themselves ("Journal: X Study date:" -> "Study date").
        key = next((n for n in range(1, len(words) + 1) if is_key(" ".join(words[-n:]))), None)
        if key is not None:  # ("Multiple Sclerosis Journal. DOI:" - a word ending a sentence is the value's)
            while key < len(words) and is_key(words[-key - 1]) and not words[-key - 1].endswith((".", ",")):
                key += 1
            key = " ".join(words[-key:])
        if key is None and words[-1][:1].isupper():
            key = words[-1]  # another field ("Citation:"), which ends the one before it
        if key is None:
            continue
        start = m.start(1) + m.group(1).rfind(key)
        # "Journal: Neurology: Neuroimmunology" - a colon right at the start of a value belongs to the value.
        if marks and not text[marks[-1][1] : start].strip():
            continue
        marks.append((start, m.end(), key))
    if not marks or marks[0][0] > 0:
        return []
    pairs = []
    for (_, value_start, key), nxt in zip(marks, [*marks[1:], None], strict=True):
        value = text[value_start : nxt[0] if nxt else len(text)].strip()
        if value and is_key(key):
            pairs.append((key, value))
    return pairs


def _date(value: str) -> str | None:
    """A study date as ISO 8601: a day, a month ('2025-12'), or a year alone ('2024')."""
    if found := to_iso_date(value):
        return found
    field = _FIELD_SEPARATOR.split(value.strip(), maxsplit=1)[0]
    m = _YEAR.match(field) or _SEASON_YEAR.match(field)
    return m.group(1) if m else None


# Where a journal's name ends in a "Source: Journal, published ... https://..." line.
# (Not at every ". ": abbreviated names such as "N. Engl. J. Med." have them.)
# What ends a journal's name on a line of fields: "Neurology — Published: ...", "Neurology; doi", an
# APA volume set in the same italics ("Multiple Sclerosis Journal, 31"). A dash before words that are
# no field is the name's own ("Multiple Sclerosis Journal – Experimental, Translational and Clinical").
_FIELD_AFTER = re.compile(r"\s+[\u2014\u2013-]\s*(?:$|(?=[^\W\d][\w ]{0,25}:))|\s*;\s*|,\s*\d+\s*$")
_JOURNAL_END = re.compile(r"[,.]\s*(?:published|issued|online|vol\.?|volume|pp?\.|(?:19|20)\d{2}\b)"
                          r"|\.?\s+(?=(?:19|20)\d{2}\s*[;:(.])|\.?\s+(?:https?://|doi:)|\s+[\u00b7|\u2022]\s*"
                          r"|\.\s+(?=(?:read|doi|link|view|available|accessed|full text|see|original|published)\b)", re.I)


def _journal(value: str) -> str:
    """A journal name without what a citation line adds after it (', published 2025. https://...',
    an APA volume ', 31', '— Published: ...') or the year some sites append ('Neurology (2025)')."""
    name = _JOURNAL_END.split(collapse(value), maxsplit=1)[0].strip()
    name = _FIELD_AFTER.split(name, maxsplit=1)[0].strip()
    if name.endswith(".") and name.count(".") == 1:
        name = name[:-1]  # "Stroke." ends a sentence; "N. Engl. J. Med." is an abbreviated name
    return _TRAILING_YEAR.sub("", name) or name or collapse(value)


def _cited(cited: list[etree._Element]) -> str | None:
    """A journal set in italics or <cite>, as citations write it, when no field names one."""
    for el in cited:
        text = collapse(text_of(el))
        if text and len(text.split()) <= _MAX_JOURNAL_WORDS and not _OTHER_URL.search(text) and not clean_doi(text):
            return _journal(text)
    return None


def _unlabelled_date(texts: list[str]) -> str | None:
    """The study's date in prose ("published 11/2/2024") or a citation's year ("(2025).", "2025;31:4")."""
    for text in texts:
        for m in _PROSE_DATE.finditer(text):
            if found := _date(m["when"]):
                return found
            # "published in Neurology: Clinical Practice on March 12, 2025"
            if (inner := _WHEN_INSIDE.search(m["when"])) and (found := _date(inner["when"].strip(" ,"))):
                return found
    for text in texts:  # "Annals of Neurology · Lund N, Petersen AS · March 12, 2024": a field of its own
        parts = _FIELD_SEPARATOR.split(text)
        for i, part in enumerate(parts if len(parts) > 1 else ()):
            if only_a_date(part.strip(" .;")) and not (i and revised_before(parts[i - 1])):  # (not "Updated · May 2")
                return to_iso_date(part.strip(" .;"))
    return next((m.group(1) or m.group(2) for text in texts if (m := _CITATION_YEAR.search(text))), None)


def citation_date(texts: list[str], journal: str) -> str | None:
    """A full date on the line that names the journal ("Original study: Neurology, December 2, 2025."),
    not one marked as an update or an access date (a "Printed from ... on 3/4/2026" line is no citation)."""
    for text in texts:
        if journal in text:
            for m in DATE_PATTERN.finditer(text):
                if not revised_before(text[: m.start()]) and (found := to_iso_date(m.group(0))):
                    return found
            # "Neurology, December 2025." / "<em>Neurology</em>, 2025."
            if m := _AFTER_JOURNAL.match(text[text.index(journal) + len(journal):]):
                return to_iso_date(f"{m['month']} {m['year']}") if m["month"] else m["year"]
    return None


# A web archive's capture wraps the address it captured: https://web.archive.org/web/20260115000000/https://...,
# https://archive.ph/o/AbCdE/https://...
_CAPTURE = re.compile(r"^https?://[^/]+/(?:(?:web/)?(?:\d+/)?\d{14}[a-z_]*|o/[A-Za-z0-9]+)/(https?://.+)$", re.I)


def host_of(url: str) -> str:
    """The host a URL is on, lower-cased; for a web archive's capture, the captured page's host."""
    if m := _CAPTURE.match(url):
        url = m.group(1)
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def _written_url(texts: list[str], base: str, page_host: str, drop: frozenset[str]) -> str | None:
    """A study address written out as text, not linked (a citation's "https://doi.org/..."); never
    this site's own ("Printed from https://...")."""
    for text in texts:
        for m in _TEXT_URL.finditer(text):
            url = absolute(m.group(0).rstrip(".,;:)]"), base, drop)
            if url and host_of(url) != page_host:
                return url
    return None


def column_pairs(tables: list[etree._Element]) -> list[tuple[str, str]]:
    """(key, value) pairs of tables whose header row names the fields over a row of values
    (Journal | Published over JAMA Neurology | June 2, 2025)."""
    pairs: list[tuple[str, str]] = []
    for table in tables:
        rows = [[c for c in row if c.tag in ("th", "td")] for row in table.iter("tr")]
        if len(rows) < 2 or len(rows[0]) < 2 or any(c.tag != "th" for c in rows[0]):
            continue
        keys = [collapse(text_of(c)) for c in rows[0]]
        for row in rows[1:]:
            if len(row) == len(keys) and all(c.tag == "td" for c in row):
                pairs.extend((key, collapse(text_of(c))) for key, c in zip(keys, row) if key)
    return pairs


def read_details(
    events: list[Event], links: list[etree._Element], base: str, page_host: str,
    cited: list[etree._Element] | None = None, tables: list[etree._Element] | None = None,
    drop: frozenset[str] = frozenset(),
) -> tuple[Source, str | None]:
    """Source fields from a details block's events, links, italic/cite elements and tables, and the
    text of a labelled study date that reads as no date ("Published: Early view"), if any. `drop`: the
    tracking parameters taken off the study's link (a newsletter's utm_campaign is no change of study)."""
    source = empty_source()
    doi_link = unread_date = None
    for key, value in column_pairs(tables or []) + _pairs(events):
        if KEY_DOI.search(key) and not source["doi"]:
            source["doi"] = clean_doi(value)
        elif KEY_DATE.search(key) and not KEY_JOURNAL.search(key.replace("published", "")) and not source["published"]:
            source["published"] = _date(value)
            unread_date = unread_date or (None if source["published"] else value.strip() or None)
        elif KEY_JOURNAL.search(key) and not source["journal"] and not value.lower().startswith(("http", "www.", "doi")):
            source["journal"] = _journal(value)
    texts = [ev.text for ev in events if ev.kind != "boundary"]
    source["published"] = source["published"] or _unlabelled_date(texts)
    italic = _cited(cited or [])
    if italic and (not source["journal"] or source["journal"].startswith(italic)):
        source["journal"] = italic  # the name a citation sets in italics, without what follows it
    if not source["journal"] and (cite := next((m for t in texts if (m := _VANCOUVER.search(t))), None)):
        source["journal"] = cite.group(1).strip()
        year, mon, day = cite.group(2), cite.group(3), cite.group(4)  # "2025 Jan 14;", "2025 Jan;", "2025;"
        month = to_iso_date(f"{mon} {day}, {year}" if day else f"{mon} {year}") if mon else None
        if not source["published"] or (month and source["published"] == year):
            source["published"] = month or year
    if not source["journal"] and (prose := next((m for t in texts if (m := _PROSE_JOURNAL.search(t))), None)):
        source["journal"] = _NAME_TAIL.sub("", prose["journal"]) or None
    if not source["journal"]:
        source["journal"] = next((m["journal"] for t in texts if (m := _CITATION_HEAD.match(t))
                                  and not names_only_a_field(m["journal"]) and not _NOT_A_NAME.match(m["journal"])), None)
    if not source["published"] and source["journal"]:
        source["published"] = citation_date(texts, source["journal"])
    for a in links:
        url = absolute(a.get("href"), base, drop)
        if not url or _not_the_study(a, url):
            continue
        host = host_of(url)
        # A doi.org link fills source.doi; source.url prefers another outside link (PubMed, publisher).
        if host in _DOI_HOSTS:
            # (Its path is the DOI: a "?utm_source=..." after it is the link's, a DOI's own "?" is %3F.)
            source["doi"] = source["doi"] or clean_doi(urlsplit(url).path)
            doi_link = doi_link or url
        elif not source["url"] and host != page_host and not _PROFILE_PATH.search(urlsplit(url).path):
            source["url"] = url
            if m := _DOI_PATH.search(unquote(urlsplit(url).path)):
                source["doi"] = source["doi"] or clean_doi(m.group(1))
    source["url"] = source["url"] or doi_link or _written_url(texts, base, page_host, drop)
    if not source["doi"]:
        # A DOI written out as text (a publisher URL's path was read above, with that link).
        source["doi"] = next((d for text in texts if (d := clean_doi(_OTHER_URL.sub(" ", text)))), None)
    return source, unread_date


_POINTER_BLOCKS = frozenset({"p", "li", "div", "dd", "td", "blockquote", "section", "aside"})


def pointed_study(links: Iterable[etree._Element], base: str, page_host: str, drop: frozenset[str] = frozenset(),
                  chrome: Callable[[etree._Element], bool] = lambda el: False) -> tuple[str | None, str | None]:
    """(url, doi) of the study a line among the summary's paragraphs points to ("Read the original study:
    <a href=https://doi.org/...>"), when the page has no details block that says; (None, None) if none.
    `chrome`: links of the site's chrome, never the study's (asked last: most links are the site's own)."""
    for a in links:
        url = absolute(a.get("href"), base, drop)
        if not url or host_of(url) == page_host or chrome(a):
            continue
        block = next((b for b in a.iterancestors() if b.tag in _POINTER_BLOCKS), None)
        if block is None or not STUDY_POINTER.match(_opening(block)):
            continue
        doi = clean_doi(urlsplit(url).path) if host_of(url) in _DOI_HOSTS else None
        return url, doi
    return None, None


_OPENING_CHARS = 200  # (STUDY_POINTER reads a line's first words: a box holding the page is not read whole)


def _opening(block: etree._Element) -> str:
    """The first words of a block's text, collapsed."""
    parts, size = [], 0
    for part in block.itertext():
        parts.append(part)
        size += len(part)
        if size > _OPENING_CHARS:
            break
    return collapse("".join(parts))


def _not_the_study(a: etree._Element, url: str) -> bool:
    """A link that cannot be the study's: a relative one (the site's own page), a hidden one, a share button."""
    href = (a.get("href") or "").strip().lower()
    if (not href.startswith(("http:", "https:", "//")) and not _CAPTURE.match(url)) or is_hidden(a):
        return True
    return bool(_SOCIAL_HOSTS.search(host_of(url)) or _SHARE_PATH.search(urlsplit(url).path))


def details_range(events: list[Event], label_kind: Callable[[str], str | None]) -> list[Event]:
    """Events under the details heading, up to the next heading of same or higher rank or another label."""
    for i, ev in enumerate(events):
        if ev.kind == "heading" and label_kind(ev.text) == "details":
            out: list[Event] = []
            for k in range(i + 1, min(len(events), i + 1 + _SCAN_CAP)):
                nxt = events[k]
                if nxt.kind == "boundary":
                    break
                if nxt.kind == "heading" and (label_kind(nxt.text) not in (None, "details") or AFTER_ARTICLE.match(nxt.text)
                                              or (nxt.rank < ev.rank and not study_subheading(events, k, label_kind))):
                    break
                out.append(nxt)
            return out
    return []


def aside_journal(container: etree._Element, label_kind: Callable[[str], str | None],
                  pattern: re.Pattern[str]) -> str | None:
    """The journal the boilerplate names when the site sets it in an <aside> (a box the reading order
    skips as chrome): an aside under the boilerplate label, or one as long as that paragraph."""
    for aside in container.iter("aside"):
        text = collapse(text_of(aside))
        labelled = any(label_kind(collapse(text_of(h))) == "boilerplate" for h in aside.iter(*H_TAGS))
        if (labelled or len(text.split()) >= BOILERPLATE_WORDS) and (m := pattern.search(text)):
            return collapse(m.group("journal")) or None
    return None


def boilerplate_journal(events: list[Event], label_kind: Callable[[str], str | None], pattern: re.Pattern[str]) -> str | None:
    """The journal named by the site-wide boilerplate text (e.g. 'journals like Annals of neurology'):
    under its heading, or anywhere when the site gives that paragraph no heading."""
    inside, headed = False, False
    for ev in events:
        if ev.kind == "heading":
            kind = label_kind(ev.text)
            if kind is not None:
                inside = kind == "boilerplate"
                headed = headed or inside
            continue
        if inside and ev.kind == "block" and (m := pattern.search(ev.text)):
            return collapse(m.group("journal")) or None
    if headed:
        return None
    # Unheaded, it is recognised only after the summary's last section (inside one it is the summary's prose).
    after = last_section_label(events, label_kind)
    found = next((m for ev in events[after + 1:] if boilerplate_block(ev, pattern) and (m := pattern.search(ev.text))), None)
    return collapse(found.group("journal")) or None if found else None



_STUDY_KEYS = (KEY_JOURNAL, KEY_DOI)
_FIELD_ROW = re.compile(r"^\s*([^\W\d][^:\uff1a]{0,40}?)\s*[:\uff1a]\s*\S")


def _names_the_study(key: str) -> bool:
    """A field name that only a study's details give: its journal or DOI (a date or a link alone could be anything)."""
    return any(k.search(key) for k in _STUDY_KEYS)


def _field_rows(lines: list[str]) -> int:
    """How many lines are a study field and its value ("Journal: X", "DOI: 10..."), or a field's name with
    its value on the next line ("Journal", "The Lancet"); 0 unless one names the study."""
    keys = [m.group(1) for line in lines if (m := _FIELD_ROW.match(line)) and len(m.group(1).split()) <= MAX_KEY_WORDS
            and is_key(m.group(1))]
    names = [line for line in lines if names_only_a_field(line)]
    if any(_names_the_study(k) for k in keys):
        return len(keys)
    return 2 * len(names) if any(_names_the_study(name) for name in names) else 0


_CITATION_LINES = 3


def _study_lines(lines: list[str]) -> bool:
    """Lines that are the study's details: field rows for the most part, or a short citation with its DOI."""
    return _field_rows(lines) >= (len(lines) + 1) // 2 or (
        len(lines) <= _CITATION_LINES and any(_DOI.search(line) for line in lines))


def unnamed_details(events: list[Event], label_kind: Callable[[str], str | None], title: str | None) -> str | None:
    """The heading of a study-details block under a name the profile does not know ("About the Study"):
    a heading whose lines are study fields ("Journal: X" rows), or one followed straight away by field
    names set as headings (a <dl>'s <dt>s: Journal, Published, DOI), one of them the journal or DOI."""
    headings = [i for i, ev in enumerate(events) if ev.kind == "heading"] + [len(events)]
    for at, end in zip(headings, headings[1:]):
        heading = events[at].text
        if label_kind(heading) is not None or heading == title:
            continue
        lines = [line for ev in events[at + 1:end] if ev.kind == "block" for line in (ev.lines or (ev.text,))]
        if lines and _study_lines(lines):
            return heading  # (also when the heading reads like a field's name: "Study information")
        if not lines and not names_only_a_field(heading):  # field names as headings of their own, right under it
            names = []
            for ev in events[end:]:
                if ev.kind == "heading":
                    if not names_only_a_field(ev.text):
                        break
                    names.append(ev.text)
            if len(names) >= 2 and any(_names_the_study(name) for name in names):
                return heading
    return None
