"""Cards (related articles under a label, or a listing page's items): title once, absolute URL, ISO date, excerpt."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence
from functools import lru_cache
from typing import Any
from urllib.parse import SplitResult, parse_qsl, urldefrag, urlencode, urljoin, urlsplit, urlunsplit

from lxml import etree

from parsers.dates import byline_date, find_date_text, only_a_date, revised_before, to_iso_date
from parsers.blocks import Event, linearize
from parsers.headings import AFTER_ARTICLE, BLOCK_TAGS, H_TAGS, heading_rank, is_hidden, is_zone
from parsers.labels import LabelHit
from parsers.text import PROSE_WORDS, collapse, looks_truncated, text_of

Card = dict[str, Any]
_READ_MORE = re.compile(
    r"^(?:read|continue|learn|see|view|more|details|full)\b.{0,25}$|^(?:\u00bb|\u2192|>|\.\.\.|\u2026)$|more\W*$", re.I
)
_PAGINATION = re.compile(r"^(?:\d{1,4}|next|previous|prev|older|newer|first|last|\u00ab|\u00bb|\u2039|\u203a|<|>|\.\.\.|\u2026)(?:\s.{0,20})?$", re.I)
_LOAD_MORE = re.compile(r"^(?:load|show|view|see)\s+(?:more|older)\b|^more (?:summaries|articles|posts|results)$", re.I)
_PAGE_URL = re.compile(r"[?&](?:page|p|pg|paged|start|offset)=\d+|/page/\d+", re.I)
_SCAN_CAP = 5000
# The site's footer, whatever its markup: a copyright line.
_COPYRIGHT = re.compile(r"\u00a9|\(c\)\s*\d{4}|\bcopyright\b|\ball rights reserved\b", re.I)
_MAX_BLOCK_LABEL_WORDS = 8
_CONTROLS = frozenset({"button", "select", "input"})
_TAB_NEWLINE = str.maketrans("", "", "\t\n\r")
_DATES_LINE_WORDS = 8
_DATE_PROPS = ("datePublished", "dateCreated")
_READING_TIME = re.compile(r"^\d+\s*(?:min(?:ute)?s?|m)\b\.?\s*(?:read|reading)?$", re.I)
_BADGE_WORDS = 2
_TRAILING_READ_MORE = re.compile(r"\s+(?:(?:read|learn|see|view)\s+more|continue(?:\s+reading)?)\W*$", re.I)
_LONE_CARD_LINES = 3  # a lone flat card: its date, excerpt and "Read more" lines at most
_REDIRECTORS = {"www.google.com": "q", "google.com": "q", "l.facebook.com": "u", "lm.facebook.com": "u"}
_SEPARATORS = " \u00b7|-\u2013\u2014"  # between a card's date and its excerpt: "12/31/2026 – Excerpt"
# A print view writes each link's address after it: "Gut Bacteria and MS (https://example.org/...)".
_PRINTED_URL = re.compile(r"\s*[(\[]\s*https?://[^\s()\[\]]+\s*[)\]]$")
_CARD_PARAGRAPHS = 3  # a card has an excerpt, perhaps two lines; three paragraphs of prose are an article's
_FEED = re.compile(r"/(?:feeds?|rss|atom)(?:/|$)|\.(?:rss|atom|xml)$", re.I)  # "Post Comments (Atom)"  # "Updated Feb 2, 2026 · Published": a line of dates, not an excerpt that cites one


def absolute(href: str | None, base: str, drop: frozenset[str] = frozenset()) -> str | None:
    """Absolute http(s) URL without fragment or tracking parameters (`drop`); None for javascript:, mailto:, '#'."""
    if not href:
        return None
    # "/path", "//host/path" and "http(s)://..." take at most the scheme and host from the base
    # (RFC 3986 5.2.2): resolving them against the site's root lets the cache below serve every page
    # that links them (navigation, cards), not only the page it was first resolved on.
    lead = href.lstrip()[:8].lower()
    if lead.startswith(("/", "http://", "https://")):
        base = _origin(base)
    return _absolute(href, base, drop)


@lru_cache(maxsize=1024)
def _origin(url: str) -> str:
    """scheme://host/ of a URL (the URL itself when it has none)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    return f"{parts.scheme}://{parts.netloc}/" if parts.scheme and parts.netloc else url


@lru_cache(maxsize=16384)  # pages repeat navigation and card URLs; urljoin is most of their cost
def _absolute(href: str, base: str, drop: frozenset[str]) -> str | None:
    # Browsers (WHATWG URL) drop tabs and newlines anywhere in a URL; urlsplit does too, so they must
    # not survive in the string returned ("http\t://a" would pass as http and stay unusable).
    href = href.strip().translate(_TAB_NEWLINE)
    if not href or href.startswith("#"):
        return None
    try:
        url = urldefrag(urljoin(base, href))[0]
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https"):
        return None
    if (target := _redirect_target(parts)) is not None:
        return _absolute(target, base, drop)
    if drop and parts.query:
        kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k.lower() not in drop]
        url = urlunsplit(parts._replace(query=urlencode(kept)))
    return url


def _redirect_target(parts: SplitResult) -> str | None:
    """Where a click-through redirect goes: Google Docs and search wrap every link in google.com/url?q=,
    Facebook in l.facebook.com/l.php?u=, Outlook in safelinks ...?url=."""
    host = (parts.hostname or "").lower()
    key = _REDIRECTORS.get(host) or ("url" if host.endswith(".safelinks.protection.outlook.com") else None)
    if key is None or (host in _REDIRECTORS and parts.path not in ("/url", "/l.php")):
        return None
    target = next((v for k, v in parse_qsl(parts.query) if k == key), "")
    return target if target.lower().startswith(("http://", "https://")) else None


def is_read_more(text: str) -> bool:
    """'Read More', 'Continue reading', '»': a link that repeats a card's target, not its title."""
    return not text or bool(_READ_MORE.search(text))


def _card_links(
    scope: list[etree._Element], base: str, page_url: str, drop: frozenset[str]
) -> dict[str, list[etree._Element]]:
    """Links per target URL among `scope` elements, in first-seen order, skipping pagination and self-links."""
    by_url: dict[str, list[etree._Element]] = {}
    for el in scope:
        if el.tag != "a":
            continue
        url = absolute(el.get("href"), base, drop)
        # (a table of contents links the page itself, spelt as fetched when the canonical URL differs)
        if not url or url in (page_url, base) or el.get("rel") in ("next", "prev") or _is_home(url) or _FEED.search(url):
            continue
        text = collapse(text_of(el))
        if _PAGINATION.match(text) and (text.isdigit() or _PAGE_URL.search(url) or len(text) <= 10):
            continue
        by_url.setdefault(_loose(url), []).append(el)
    # A carousel puts hidden clones of its slides before them: a card is rooted at, and ordered by,
    # its first link a reader sees (its clone's text is the same); slides only ever hidden (off-screen
    # or cloned) come after those on screen.
    if not any(_behind_aria_hidden(a) for links in by_url.values() for a in links):
        return by_url
    shown = {url: sorted(links, key=_behind_aria_hidden) for url, links in by_url.items()}
    position = {el: i for i, el in enumerate(scope) if el.tag == "a"}
    return dict(sorted(shown.items(), key=lambda item: (_behind_aria_hidden(item[1][0]), position[item[1][0]])))


def _behind_aria_hidden(a: etree._Element) -> bool:
    """Inside an aria-hidden slide or wrapper (a few levels up): a carousel's clone or off-screen slide."""
    return any(anc.get("aria-hidden") == "true" for _, anc in zip(range(6), a.iterancestors()))


@lru_cache(maxsize=1024)
def _is_home(url: str) -> bool:
    """A site's home page ("Back to the home page"): never a card."""
    parts = urlsplit(url)
    return parts.path in ("", "/") and not parts.query


def _loose(url: str) -> str:
    """Grouping key: '/a/' and '/a' are the same card target."""
    return url[:-1] if url.endswith("/") and url.count("/") > 3 else url


def _pick_url(links: list[etree._Element], base: str, drop: frozenset[str]) -> str:
    """The spelling most of a card's links use; on a tie the one without a trailing slash."""
    spellings = [u for a in links if (u := absolute(a.get("href"), base, drop))]
    return min(set(spellings), key=lambda u: (-spellings.count(u), u.endswith("/"), u))


def _card_root(links: list[etree._Element], url: str, base: str, drop: frozenset[str],
               cards: Collection[str], within: Collection[etree._Element]) -> etree._Element:
    """The largest element around a card's links, inside the block searched (`within`), that links
    to no other card (an author or tag link inside the card does not count)."""
    root = links[0]
    while True:
        parent = root.getparent()
        if parent is None or parent not in within or parent.tag in ("body", "html") or is_zone(parent):
            return root
        others = False
        for a in parent.iter("a"):
            target = absolute(a.get("href"), base, drop)
            if target and (key := _loose(target)) != url and key in cards:
                others = True
                break
        if others:
            return root
        root = parent


def _titled(links: list[etree._Element]) -> bool:
    """Some link to this target is a heading's, or holds one: a card title, not an author or tag link."""
    for a in links:
        if any(d.tag in H_TAGS for d in a.iter()) or any(
                anc.tag in H_TAGS for _, anc in zip(range(3), a.iterancestors())):
            return True
    return False


def build_card(root: etree._Element, links: list[etree._Element], url: str,
               after: Sequence[etree._Element] = ()) -> Card:
    """One card's fields from its root element (and the siblings `after` it that continue a flat
    card), read in reading order like the page itself."""
    events = linearize(root, _no_labels, panels=False)
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
    if not lead.strip(_SEPARATORS + "(["):  # "(12/31/2026) – Excerpt"
        return date_text, collapse(trail.lstrip(")]")).strip(_SEPARATORS), None
    if not trail.strip(_SEPARATORS + ")]"):  # "Excerpt · 12/31/2026"
        return date_text, collapse(lead.rstrip().rstrip("([")).strip(_SEPARATORS), None
    if len(rest.split()) > _DATES_LINE_WORDS:
        return None, run, date_text  # mid-sentence in prose
    return date_text, run, None


def _card_title(events: list[Event], links: list[etree._Element], root: etree._Element) -> tuple[str, str]:
    """The card's title, and what its heading holds beside the title link (a badge, a date, "4 min read")."""
    heading = next((e for e in events if e.kind == "heading" and not is_read_more(e.text) and not only_a_date(e.text)), None)
    if heading is not None:
        title, beside = _title_link(heading.el, heading.text) if heading.el is not None else (heading.text, "")
        return _PRINTED_URL.sub("", title), beside
    texts = [t for t in map(_link_title, links) if t and not is_read_more(t)]
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
        for d in el.iter():
            if not isinstance(d.tag, str):
                continue
            if d.get("itemprop") in _DATE_PROPS and (found := to_iso_date(d.get("content") or d.get("datetime"))):
                return found
            if d.tag == "abbr" and (found := to_iso_date(d.get("title"))):
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

    stack: list[tuple[etree._Element, bool, bool]] = [(root, False, False)]
    while stack:
        el, leaving, muted = stack.pop()
        breaks = el.tag in BLOCK_TAGS or el.tag == "br"
        if leaving:
            if breaks or el.tag == "a" or heading_rank(el) is not None:
                flush()
            if el is not root and el.tail and not _muted_tail(el, root):
                buf.append(el.tail)
            continue
        if not isinstance(el.tag, str) or (el is not root and is_hidden(el)):
            if el is not root and el.tail:
                buf.append(el.tail)
            continue
        inline_link = el.tag == "a" and not any(d.tag in BLOCK_TAGS for d in el.iterdescendants())
        mute = muted or inline_link or (el is not root and heading_rank(el) is not None)
        if breaks or mute != muted:
            flush()
        if el.text and not mute:
            buf.append(el.text)
        stack.append((el, True, muted))
        stack.extend((child, False, mute) for child in reversed(el))
    flush()
    return runs


def _sibling_runs(after: Sequence[etree._Element]) -> list[str]:
    """Runs of the siblings continuing a flat card: each one's own runs, then its tail (<br> lines)."""
    runs: list[str] = []
    for el in after:
        if isinstance(el.tag, str):
            runs.extend(_runs(el))
        if tail := collapse(el.tail):
            runs.append(tail)
    return runs


def _flat_rest(root: etree._Element, own: list[etree._Element], stop: set[Any],
               within: Collection[etree._Element]) -> list[etree._Element]:
    """A card written flat, as lines after its title link (<p><a>Title</a></p><p>3/4/2025</p><p>Excerpt</p>,
    or <a>Title</a><br>date<br>excerpt): the siblings up to the next card or a heading not its own."""
    after: list[etree._Element] = []
    for el in root.itersiblings():
        if el in stop or el not in within or any(d in stop for d in el.iter()) or (
                heading_rank(el) is not None and not any(a in own for a in el.iter("a"))):
            break
        after.append(el)
    return after


def _muted_tail(el: etree._Element, root: etree._Element) -> bool:
    """A tail inside a link or heading is part of that link or heading."""
    for anc in el.iterancestors():
        if anc is root:
            return False
        if (anc.tag == "a" and not any(d.tag in BLOCK_TAGS for d in anc.iterdescendants())) or heading_rank(anc) is not None:
            return True
    return False


def _no_labels(text: str) -> None:
    """Cards carry no profile labels."""
    return None


def find_cards(
    scope: list[etree._Element], base: str, page_url: str, drop: frozenset[str] = frozenset()
) -> list[tuple[etree._Element, Card]]:
    """Cards among `scope` elements: one per distinct target URL, rooted at its largest own element."""
    by_url = _card_links(scope, base, page_url, drop)
    # Cards that title themselves with headings are found first, growing past the other links in
    # them (author, category, tags); those links are then the cards' own, never cards. Any other
    # target (an image-only card, a plain link list) is a card of its own, as before.
    titled = {url for url, links in by_url.items() if _titled(links)}
    if len(titled) < 2:
        titled = set()
    found: dict[str, tuple[etree._Element, Card]] = {}
    roots: set[Any] = set()
    within = set(scope)  # a lone card must not grow into the article around its block
    title = _page_title(scope)
    for first_pass in (True, False):
        for url, links in by_url.items():
            if (url in titled) != first_pass or (not first_pass and _inside_any(links, roots)):
                continue
            root = _card_root(links, url, base, drop, titled if first_pass else by_url, within)
            if root in roots or (title is not None and any(el is title for el in root.iter("h1"))) or _holds_prose(root):
                continue  # (a byline's author link grew into the page's header; a link in an article's section)
            roots.add(root)
            card = build_card(root, links, _pick_url(links, base, drop))
            if card["title"] and not _COPYRIGHT.search(card["excerpt"] or ""):
                found[url] = (root, card)
    targets = [url for url in by_url if url in found]  # in the order the page links them
    cards = _flat_cards([found[url] for url in targets], [by_url[url] for url in targets], within)
    # Bare link lists are kept only when no card around them has a date or an excerpt.
    rich = [c for c in cards if c[1]["date"] or c[1]["excerpt"]]
    return _on_site(rich if rich else cards, page_url)


def _flat_cards(cards: list[tuple[etree._Element, Card]], links: list[list[etree._Element]],
                within: Collection[etree._Element]) -> list[tuple[etree._Element, Card]]:
    """Cards that are a bare title link followed by their date and excerpt as sibling lines: read on.
    The last card reads no more lines than the others took (what follows the block is not its)."""
    bare = [i for i, (_, card) in enumerate(cards) if not card["date"] and not card["excerpt"]]
    if not bare:
        return cards
    stop = {root for root, _ in cards}
    rests = {i: _flat_rest(cards[i][0], links[i], stop, within) for i in bare}
    last = len(cards) - 1  # (a card left unclosed, holding the next one, is read up to it the same way)
    widest = max((len(rests[i]) for i in bare if i != last), default=0) if last else _LONE_CARD_LINES
    out = list(cards)
    for i in bare:
        after = rests[i] if i != last else rests[i][:widest]
        if after:
            root, card = cards[i]
            out[i] = (root, build_card(root, links[i], card["url"], after))
    return out


def _on_site(cards: list[tuple[etree._Element, Card]], page_url: str) -> list[tuple[etree._Element, Card]]:
    """Cards pointing off the site beside two or more on it are the page's chrome ("Report abuse"), not cards."""
    site = _site_of(page_url)
    local = [c for c in cards if _site_of(c[1]["url"]) == site]
    return local if len(local) >= 2 else cards


def _site_of(url: str) -> str:
    """The host's last two labels: www.example.org, example.org and blog.example.org are one site
    (two sites under one public suffix, a.co.uk and b.co.uk, count as one: nothing is dropped then)."""
    return ".".join((urlsplit(url).hostname or "").lower().split(".")[-2:])


def _holds_prose(root: etree._Element) -> bool:
    """Paragraphs of prose, more than a card's excerpt: a section of an article that links somewhere."""
    count = 0
    for p in root.iter("p"):
        if len(collapse(text_of(p)).split()) >= PROSE_WORDS:
            count += 1
            if count >= _CARD_PARAGRAPHS:
                return True
    return False


def _page_title(scope: list[etree._Element]) -> etree._Element | None:
    """The page's h1 when it has exactly one."""
    if not scope:
        return None
    h1s = list(scope[0].getroottree().iter("h1"))
    return h1s[0] if len(h1s) == 1 else None


def prose_outside(scope: list[etree._Element], cards: list[tuple[etree._Element, Card]]) -> list[int]:
    """Word counts of the paragraphs in `scope` outside the cards: an article's text, which a listing lacks."""
    roots = {root for root, _ in cards}
    echoes = {text for _, card in cards for text in (card["title"], card["excerpt"]) if text}  # a carousel's copies
    counts = []
    for el in scope:
        if el.tag == "p" and el not in roots and not any(a in roots for a in el.iterancestors()):
            text = collapse(text_of(el))
            if text not in echoes:
                counts.append(len(text.split()))
    return counts


def boxed_apart(scope: list[etree._Element], cards: list[tuple[etree._Element, Card]]) -> bool:
    """The cards sit under a heading of their own after the page's prose ("More in Health" below a
    news story), not straight after an introduction (a topic page)."""
    roots = {root for root, _ in cards}
    # Where the cards begin: the second card (a byline's author card can stand alone above the story).
    starts = sorted(i for i, el in enumerate(scope) if el in roots)
    prose_seen = False
    for el in scope[: starts[min(1, len(starts) - 1)]] if starts else ():
        if el in roots or any(a in roots for a in el.iterancestors()):
            continue
        if el.tag == "p" and len(collapse(text_of(el)).split()) >= PROSE_WORDS:
            prose_seen = True
        elif prose_seen and el.tag != "h1" and heading_rank(el) is not None:
            return True
    return False


def _inside_any(links: list[etree._Element], roots: set[Any]) -> bool:
    """Every link to this target sits inside a card already found (its author or tag link)."""
    return all(any(anc in roots for anc in a.iterancestors()) for a in links)


def related_scope(
    hit: LabelHit, order: list[etree._Element], index: dict[Any, int], stops: set[Any]
) -> list[etree._Element]:
    """Elements after a related-block label up to the next other label, h1, site chrome, or a heading
    like the label's own with no link in it ("References" after "Related Articles")."""
    rank = hit.el.tag in H_TAGS and not hit.in_tail and heading_rank(hit.el)
    return _block_after(hit.el, order, index, stops, rank or None, headings_only=True)


def _block_after(
    start_el: etree._Element, order: list[etree._Element], index: dict[Any, int], stops: set[Any],
    rank: int | None = None, headings_only: bool = False,
) -> list[etree._Element]:
    """Elements after `start_el` (a label or heading) up to another label, an h1, site chrome, what
    follows an article, or (with `rank`) a heading of that rank or above that is not a card's title
    (one holding a link to another page: it may be as big as the block's heading); `headings_only`:
    only h1-h6 end the block (a label's block holds cards titled with bold or classed lines)."""
    start = index.get(start_el)
    if start is None:
        return []
    inside = set(start_el.iter())
    scope: list[etree._Element] = []
    taken: set[Any] = set()
    for el in order[start + 1 : start + 1 + _SCAN_CAP]:
        if el in inside:
            continue
        if el.tag in _CONTROLS:
            continue  # a carousel's Previous/Next buttons sit among its cards
        if el in stops or el.tag == "h1" or site_footer(el) or _after_article(el) or (
                is_zone(el) and not _part_of_taken(el, taken)):
            break
        if rank is not None and (other := heading_rank(el)) is not None and other <= rank \
                and not _in_link_or_chrome(el) and not _titles_a_card(el) \
                and not (headings_only and el.tag not in H_TAGS):  # a card's own title is no end
            break
        scope.append(el)
        taken.add(el)
    return scope


def _part_of_taken(el: etree._Element, taken: set[Any]) -> bool:
    """Inside an element already in scope: a card's own <footer> or <header> (its date), not the site's."""
    parent = el.getparent()
    return parent is not None and parent in taken


def _after_article(el: etree._Element) -> bool:
    """A heading of what follows an article (comments, sharing): no card or study link is past it."""
    return el.tag in H_TAGS and bool(AFTER_ARTICLE.match(collapse(text_of(el))))


def site_footer(el: etree._Element) -> bool:
    """A block whose own text is a copyright line: the site's footer, whatever its tag or class."""
    return el.tag in BLOCK_TAGS and bool(el.text) and _COPYRIGHT.search(el.text) is not None


def unlabeled_related(
    order: list[etree._Element], index: dict[Any, int], label_kind: Callable[[str], str | None],
    stops: set[Any], base: str, page_url: str, drop: frozenset[str] = frozenset(),
) -> tuple[etree._Element, list[tuple[etree._Element, Card]]] | None:
    """A heading the profile does not know ("More summaries") over two or more dated cards: the
    page's related block under another name. Returns the heading and its cards."""
    for el in order:
        rank = heading_rank(el)
        if rank is None or el.tag == "h1" or el.find(".//a") is not None or _in_link_or_chrome(el):
            continue
        text = collapse(text_of(el))
        if not text or len(text.split()) > _MAX_BLOCK_LABEL_WORDS or text.endswith(".") or label_kind(text):
            continue
        scope = _block_after(el, order, index, stops, rank)
        if len({a.get("href") for a in scope if a.tag == "a"}) < 2:
            continue
        cards = find_cards(scope, base, page_url, drop)
        # Cards as the contract draws them (title, date, excerpt): a timeline of dated links or an
        # events box is a section or a sidebar, not the related block.
        if sum(1 for _, card in cards if card["date"] and card["excerpt"]) >= 2 and not _prose_outside(scope, cards):
            return el, cards
    return None


def _prose_outside(scope: list[etree._Element], cards: list[tuple[etree._Element, Card]]) -> bool:
    """Paragraphs of text under the heading besides its cards: a section that links to dated pages."""
    return any(n >= PROSE_WORDS for n in prose_outside(scope, cards))


def _titles_a_card(heading: etree._Element) -> bool:
    """A heading holding a link to another page: a card's title, however big."""
    return any(_goes_elsewhere(a) for a in heading.iter("a"))


def _goes_elsewhere(a: etree._Element) -> bool:
    href = (a.get("href") or "").strip()
    return bool(href) and not href.startswith("#")


def _in_link_or_chrome(el: etree._Element) -> bool:
    return any(a.tag == "a" or is_zone(a) or is_hidden(a) for a in el.iterancestors())


def has_pagination(body: etree._Element) -> bool:
    """A rel=next/prev link, links to ?page=N style URLs / numbered page links, or a 'Load more' control."""
    for control in body.iter("button", "a"):
        if _LOAD_MORE.match(collapse(text_of(control))):
            return True
    numbered = 0
    for a in body.iter("a", "link"):
        if (a.get("rel") or "").lower() in ("next", "prev"):
            return True
        href = a.get("href") or ""
        if _PAGE_URL.search(href):
            return True
        if a.tag == "a" and collapse(text_of(a)).isdigit():
            numbered += 1
    return numbered >= 2
