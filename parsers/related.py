"""Cards (related articles under a label, or a listing page's items): title once, absolute URL, ISO date, excerpt."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Collection
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from lxml import etree

from parsers.card import Card, build_card
from parsers.headings import AFTER_ARTICLE, BLOCK_TAGS, H_TAGS, WIDGET, heading_rank, is_hidden, is_zone
from parsers.labels import LabelHit
from parsers.text import PROSE_WORDS, collapse, text_of
from parsers.urls import absolute
_PAGINATION = re.compile(r"^(?:\d{1,4}|next|previous|prev|older|newer|first|last|\u00ab|\u00bb|\u2039|\u203a|<|>|\.\.\.|\u2026)(?:\s.{0,20})?$", re.I)
_LOAD_MORE = re.compile(r"^(?:load|show|view|see)\s+(?:more|older)\b|^more (?:summaries|articles|posts|results)$", re.I)
_PAGE_URL = re.compile(r"[?&](?:page|p|pg|paged|start|offset)=\d+|/page/\d+", re.I)
_SCAN_CAP = 5000
# The site's footer, whatever its markup: a copyright line.
_COPYRIGHT = re.compile(r"\u00a9|\(c\)\s*\d{4}|\bcopyright\b|\ball rights reserved\b", re.I)
_MAX_BLOCK_LABEL_WORDS = 8
_CONTROLS = frozenset({"button", "select", "input"})
_LONE_CARD_LINES = 3  # a lone flat card: its date, excerpt and "Read more" lines at most
_CARD_PARAGRAPHS = 3  # a card has an excerpt, perhaps two lines; three paragraphs of prose are an article's
_FEED = re.compile(r"/(?:feeds?|rss|atom)(?:/|$)|\.(?:rss|atom|xml)$", re.I)  # "Post Comments (Atom)"


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
    # its first link a reader sees (its clone's text is the same), else its first link in a slide that
    # is no clone (Slick's "slick-cloned", Owl's "cloned", Swiper's "swiper-slide-duplicate"); slides
    # only ever hidden (off-screen or cloned) come after those on screen.
    marks = {a: _carousel_copy(a) for links in by_url.values() for a in links}
    if not any(hidden or clone for hidden, clone in marks.values()):
        return by_url
    shown = {url: sorted(links, key=marks.__getitem__) for url, links in by_url.items()}
    position = {el: i for i, el in enumerate(scope) if el.tag == "a"}
    return dict(sorted(shown.items(), key=lambda item: (marks[item[1][0]], position[item[1][0]])))


_CLONE = re.compile(r"(?:^|[\s_-])(?:cloned?|duplicate)(?:$|[\s_-])")


def _carousel_copy(a: etree._Element) -> tuple[bool, bool]:
    """(in an aria-hidden slide or wrapper, in a slide a carousel cloned), a few levels up."""
    hidden = clone = False
    for _, anc in zip(range(6), a.iterancestors()):
        hidden = hidden or anc.get("aria-hidden") == "true"
        cls = anc.get("class") or ""
        clone = clone or (("clon" in cls or "duplicate" in cls) and _CLONE.search(cls) is not None)
    return hidden, clone


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
        if parent is None or parent not in within or parent.tag in ("body", "html") or (
                is_zone(parent) and not _card_part(parent, within)):
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


def _fullest_copy(links: list[etree._Element], url: str, base: str, drop: frozenset[str],
                  cards: Collection[str], within: Collection[etree._Element]) -> tuple[etree._Element, Card]:
    """A card's root and card, from the copy of it that says the most: a responsive theme writes the
    cards twice (a title-only list for phones before the full cards), and the first copy alone would
    lose the dates and excerpts. Another copy counts only with the same title (a card's "Read more"
    link standing apart is no copy); copies that say as much: the first (a carousel's shown slide)."""
    root = _card_root(links, url, base, drop, cards, within)
    chosen = (root, build_card(root, links, _pick_url(links, base, drop)))
    rest = _outside(root, links)
    while rest:
        root = _card_root(rest, url, base, drop, cards, within)
        others = _outside(root, rest)
        own, rest = [a for a in rest if a not in others], others
        card = build_card(root, own, chosen[1]["url"])
        if card["title"] == chosen[1]["title"] and _says(card) > _says(chosen[1]):
            chosen = (root, card)
    return chosen


def _outside(root: etree._Element, links: list[etree._Element]) -> list[etree._Element]:
    """The links not inside `root` (nor `root` itself)."""
    if len(links) == 1 and links[0] is root:
        return []
    inside = set(root.iter("a"))
    return [a for a in links if a not in inside]


def _says(card: Card) -> int:
    """How many of a card's optional parts it has: its date and its excerpt."""
    return (card["date"] is not None) + (card["excerpt"] is not None)


def _titled(links: list[etree._Element]) -> bool:
    """Some link to this target is a heading's, or holds one: a card title, not an author or tag link."""
    for a in links:
        if any(d.tag in H_TAGS for d in a.iter()) or any(
                anc.tag in H_TAGS for _, anc in zip(range(3), a.iterancestors())):
            return True
    return False


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


def find_cards(
    scope: list[etree._Element], base: str, page_url: str, drop: frozenset[str] = frozenset()
) -> list[tuple[etree._Element, Card]]:
    """Cards among `scope` elements: one per distinct target URL, rooted at its largest own element."""
    by_url = _card_links(scope, base, page_url, drop)
    for url in _shared_targets(by_url, scope):
        del by_url[url]
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
            root, card = _fullest_copy(links, url, base, drop, titled if first_pass else by_url, within)
            if root in roots or (title is not None and any(el is title for el in root.iter("h1"))) or _holds_prose(root):
                continue  # (a byline's author link grew into the page's header; a link in an article's section)
            roots.add(root)
            if card["title"] and not _COPYRIGHT.search(card["excerpt"] or ""):
                found[url] = (root, card)
    targets = [url for url in by_url if url in found]  # in the order the page links them
    cards = _flat_cards([found[url] for url in targets], [by_url[url] for url in targets], within)
    # Bare link lists are kept only when no card around them has a date or an excerpt.
    rich = [c for c in cards if c[1]["date"] or c[1]["excerpt"]]
    return _on_site(_dated_series(rich if rich else cards), page_url)


def _shared_targets(by_url: dict[str, list[etree._Element]], scope: list[etree._Element]) -> list[str]:
    """Targets linked between two links of another card, in two or more cards (a category or author
    link that every card of a blog's block repeats between its image and title links): a card's own
    links, never a card. (A carousel's clone of a slide sits between different cards: not one.)"""
    if len(by_url) < 3:
        return []
    target = {a: url for url, links in by_url.items() for a in links}
    order = [target[el] for el in scope if el in target]
    before: list[str | None] = []  # the nearest link to another target before each link
    for i, url in enumerate(order):
        before.append(None if i == 0 else order[i - 1] if order[i - 1] != url else before[i - 1])
    after: list[str | None] = [None] * len(order)
    for i in range(len(order) - 2, -1, -1):
        after[i] = order[i + 1] if order[i + 1] != order[i] else after[i + 1]
    inside: dict[str, set[str]] = {}
    for i, url in enumerate(order):
        if before[i] is not None and before[i] == after[i]:
            inside.setdefault(url, set()).add(before[i])
    return [url for url, cards in inside.items() if len(cards) >= 2]


def _dated_series(cards: list[tuple[etree._Element, Card]]) -> list[tuple[etree._Element, Card]]:
    """The cards without the undated ones that follow a series of dated cards from elsewhere on the
    page (not siblings of the series): what follows such a block with no heading between (comments,
    profile links) is not more of it. An undated card within the series stays."""
    dated = [i for i, (_, card) in enumerate(cards) if card["date"]]
    if len(dated) < 2 or not all(card["date"] for _, card in cards[dated[0]: dated[-1] + 1]):
        return cards
    first, last = dated[0], dated[-1]
    series = {(root.getparent(), root.tag) for root, _ in cards[first: last + 1]}
    # Before the series, an undated link in a paragraph of the introduction ("Sorted by date. <a>Switch
    # to card view</a>") is no card either.
    before = [c for c in cards[:first] if (c[0].getparent(), c[0].tag) in series or c[0].tag != "p"]
    return before + cards[first: last + 1] + [c for c in cards[last + 1:] if (c[0].getparent(), c[0].tag) in series]


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
    scope = _block_after(hit.el, order, index, stops, rank or None, headings_only=True)
    if (box := _cards_box(hit.el)) is not None:
        inside = set(box.iter())
        scope = list(itertools.takewhile(inside.__contains__, scope))  # (a "Trending" widget after it is not its)
    return scope


_BOX_CARDS = 2


def _cards_box(label: etree._Element) -> etree._Element | None:
    """The nearest box around a related label that links, after it, to two or more pages (its own
    <aside> or <section> of cards): the block ends where that box ends."""
    for box in label.iterancestors():
        if box.tag in ("body", "html"):
            return None
        after, targets = False, set()
        for el in box.iter():
            if el is label:
                after = True
            elif after and el.tag == "a" and (href := (el.get("href") or "").strip()) and not href.startswith("#"):
                targets.add(href)
                if len(targets) >= _BOX_CARDS:
                    return box
    return None


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
    label_ancestry = set(start_el.iterancestors())
    scope: list[etree._Element] = []
    taken: set[Any] = set()
    for el in order[start + 1 : start + 1 + _SCAN_CAP]:
        if el in inside:
            continue
        if el.tag in _CONTROLS:
            continue  # a carousel's Previous/Next buttons sit among its cards
        if el in stops or el.tag == "h1" or site_footer(el) or _after_article(el) or (
                is_zone(el) and not _part_of_taken(el, taken) and not (_sidebar(el) and not _shows_any(scope))):
            break  # (a sidebar straight under the label is the block it names: <h2>Related</h2><aside>)
        if rank is not None and (other := heading_rank(el)) is not None and other <= rank \
                and not _in_link_or_chrome(el) and not _titles_a_card(el) and not _heads_a_card(el, label_ancestry) \
                and not (headings_only and el.tag not in H_TAGS):  # a card's own title is no end
            break
        scope.append(el)
        taken.add(el)
    return scope


def _sidebar(el: etree._Element) -> bool:
    """A box of links a label may name: a sidebar, or a <nav> (GOV.UK's related links: <h2>Related</h2><nav>)."""
    return el.tag in ("aside", "nav") or (el.get("role") or "").lower() in ("complementary", "navigation")


def _shows_any(elements: list[etree._Element]) -> bool:
    """Some element shows text or a picture (an empty spacer <div> shows nothing)."""
    return any((el.text or "").strip() or (el.tail or "").strip() or el.tag in ("img", "svg") for el in elements)


def _card_part(el: etree._Element, within: Collection[etree._Element]) -> bool:
    """A card's own <footer> or <header> (Bulma's card-footer holding its only link), not the site's."""
    return el.tag in ("footer", "header") and _part_of_taken(el, within)


def _part_of_taken(el: etree._Element, taken: Collection[Any]) -> bool:
    """Inside an element already in scope: a card's own <footer> or <header> (its date), not the site's."""
    parent = el.getparent()
    return parent is not None and parent in taken


def _after_article(el: etree._Element) -> bool:
    """A heading of what follows an article (comments, sharing, "Was this helpful?"): no card or study
    link is past it."""
    if el.tag not in H_TAGS:
        return False
    text = collapse(text_of(el))
    return bool(AFTER_ARTICLE.match(text) or WIDGET.match(text))


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
        if not text or len(text.split()) > _MAX_BLOCK_LABEL_WORDS or text.endswith(".") or label_kind(text) \
                or _a_cards_own_title(el, text):
            continue
        scope = _block_after(el, order, index, stops, rank)
        if len({a.get("href") for a in scope if a.tag == "a"}) < 2:
            continue
        cards = find_cards(scope, base, page_url, drop)
        if _a_card_block(scope, cards):
            return el, cards
    return None


def _a_cards_own_title(heading: etree._Element, text: str) -> bool:
    """The heading is a card's title, not a name over cards: its box links one page, under the same words
    (a picture's alt, the link's text) or by two links (the picture and "Read More"); a block's heading
    beside one "See all" link is not."""
    box = heading.getparent()
    links = [a for a in box.iter("a") if _goes_elsewhere(a)] if box is not None else []
    if not links or len({a.get("href") for a in links}) > 1:
        return False
    return len(links) >= 2 or any(collapse(text_of(a)) == text or any(collapse(img.get("alt") or "") == text
                                                                      for img in a.iter("img")) for a in links)


def trailing_related(
    last_label: etree._Element, stops: set[Any], base: str, page_url: str, drop: frozenset[str] = frozenset(),
    before: bool = False,
) -> tuple[etree._Element, list[tuple[etree._Element, Card]]] | None:
    """A box after the summary holding two or more dated cards with excerpts and no heading over them
    (a blog theme's read-more box): the related block without a name. Returns the box and its cards.
    `before`: a box before the summary instead (set first in the markup, shown after it by the stylesheet)."""
    for level in (last_label, *last_label.iterancestors()):
        if level.tag in ("body", "html"):
            break
        for box in level.itersiblings(preceding=before):
            if not isinstance(box.tag, str) or box.tag in ("nav", "footer", "header") or is_hidden(box):
                continue
            scope = [el for el in box.iter() if isinstance(el.tag, str)]
            if any(el in stops for el in scope):
                return None  # the next label's block: not past the summary's end
            if len({a.get("href") for a in scope if a.tag == "a"}) < 2:
                continue
            cards = find_cards(scope, base, page_url, drop)
            if _a_card_block(scope, cards) and not _named(scope, cards):
                return box, cards
    return None


def _named(scope: list[etree._Element], cards: list[tuple[etree._Element, Card]]) -> bool:
    """A heading in the box outside its cards ("Most popular"): a block with a name of its own."""
    inside = {el for root, _ in cards for el in root.iter()}
    return any(heading_rank(el) is not None and el not in inside for el in scope)


def _a_card_block(scope: list[etree._Element], cards: list[tuple[etree._Element, Card]]) -> bool:
    """Two or more cards as the contract draws them (title, date, excerpt) and no prose beside them: a
    timeline of dated links or an events box is a section or a sidebar, not the related block."""
    return sum(1 for _, card in cards if card["date"] and card["excerpt"]) >= 2 and not _prose_outside(scope, cards)


def _prose_outside(scope: list[etree._Element], cards: list[tuple[etree._Element, Card]]) -> bool:
    """Paragraphs of text under the heading besides its cards: a section that links to dated pages."""
    return any(n >= PROSE_WORDS for n in prose_outside(scope, cards))


def _titles_a_card(heading: etree._Element) -> bool:
    """A heading holding a link to another page: a card's title, however big."""
    return any(_goes_elsewhere(a) for a in heading.iter("a"))


def _heads_a_card(heading: etree._Element, label_ancestry: set[Any]) -> bool:
    """A heading in a box of its own (not the label's) that links to one page beside it (<article><h2>Title</h2>
    ...<a href>Read More</a></article>): a card's title without a link; a "References" heading's box links
    to many pages."""
    for box in heading.iterancestors():
        if box in label_ancestry:
            return False
        targets = {(a.get("href") or "").strip() for a in box.iter("a") if _goes_elsewhere(a)}
        if targets:
            return len(targets) == 1
    return False


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
