"""The profile's visible labels: which kind of part a piece of text names, and where labels sit in the tree."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from lxml import etree

from parsers.ads import AD_LABEL
from parsers.headings import BLOCK_TAGS, H_TAGS, heads_a_panel, wraps_page
from parsers.profile import Profile
from parsers.text import collapse, loose_label, norm_label, text_of

KINDS = ("section", "rating", "related", "details", "boilerplate")
_RUN_TAGS = frozenset({"b", "strong", "span", "font", "em", "i", "u"})  # formatting runs inside a line
_RUN_LINES = frozenset({"p", "div", "li", "dd", "td"})  # a line whose text may all be in runs
_MAX_LABEL_TEXT = 200
# Words a rating name may carry before its value: "Interest level: High", "Credibility score 4/5".
_FILLERS = "level|score|rating|grade|rank|ranking"
_WORD_END = r"(?![\w]|[\-\u2010\u2011][^\W\d_])"
_FILLER_START = re.compile(rf"\s*(?:{_FILLERS}){_WORD_END}", re.I)
# A value written first ("6/10 - relevant to families of ..."): the words after it explain it, however many.
# "of" as other languages say it between a value and its scale ("4,5 von 5", "4 sur 5", "4 de 5", "4 из 5").
OF_WORDS = r"out\s+of|of|von|sur|de|su|van|z|ze|из|от|av|af|من|מתוך"
_VALUE_FIRST = re.compile(rf"^(?:\d+(?:[.,]\d+|\u00bd)?\s*(?:[/\u2044\uff0f]|(?:{OF_WORDS})(?!\w))\s*\d+|[\u2605\u2606]{{2,}})", re.I)


@dataclass(slots=True)
class LabelHit:
    """One place a label is written: the element carrying it, its kind, the label, and any text after it."""

    el: etree._Element
    kind: str
    label: str
    rest: str
    in_tail: bool = False
    before: str = ""  # a tail's text before its label, after a separator ("/5 · Interest:"): the last value's


class Labels:
    """Lookup from visible text to label kind, built once per profile."""

    def __init__(self, profile: Profile) -> None:
        """Index the profile's labels by their normalised text."""
        self.kinds: dict[str, tuple[str, str]] = {}
        self._loose: dict[str, tuple[str, str]] = {}
        for kind, names in (
            ("section", profile.sections),
            ("rating", profile.ratings),
            ("related", profile.related),
            ("details", profile.details),
            ("boilerplate", profile.boilerplate),
        ):
            for name in names:
                self.kinds.setdefault(norm_label(name), (kind, name))
                if kind != "rating":  # (a rating name is one word, read by match(): "Interests" names none)
                    self._loose.setdefault(loose_label(name), (kind, name))
        self.ratings = tuple(profile.ratings)
        self._rating_starts = tuple(collapse(n).casefold() for n in self.ratings if n.strip())
        self._max_len = 2 * max((len(k) for k in self.kinds), default=0) + 4  # a label and its translation
        alternatives = "|".join(re.escape(collapse(n)) for n in sorted(self.ratings, key=len, reverse=True) if n.strip())
        # "Credibility: 4/5", "Interest level: High" - a rating label (and a filler word) followed by its value.
        # A hyphen joining letters makes one word: "Interest-based" names no rating.
        # The name may carry its translation before the colon: "Credibility / Crédibilité: 4/5".
        self._rating_prefix = re.compile(
            rf"^\s*({alternatives}){_WORD_END}(\s+(?:{_FILLERS}){_WORD_END})?(?:\s*/\s*[^\W\d][^:/|\d]{{0,40}}?(?=\s*[:\uff1a]))?"
            rf"\s*[:\-\u2013\u2014|\uff1a\uff5c]?\s*(.*)$", re.I | re.S
        ) if alternatives else None
        # "Credibility: 3/5  Interest: 4/5" - another rating named (with its colon, or before a value
        # written as a rating is: "Credibility 4/5 Interest 3/5") inside a value.
        self._rating_inside = re.compile(
            rf"(?<!\w)({alternatives}){_WORD_END}(?:\s+(?:{_FILLERS}){_WORD_END})?"
            rf"(?:\s*[:\u2013\u2014\uff1a]\s*|\s+(?={_VALUE_FIRST.pattern[1:]}|{_LEVEL_OR_STARS}))", re.I
        ) if alternatives else None
        # The value written first, the name after it: "4/5 Credibility", "★★★★☆ Credibility score".
        self._value_then_rating = re.compile(
            rf"^\s*(?P<value>{_VALUE_FIRST.pattern[1:]})\s*[:\-\u2013\u2014|]?\s*(?P<name>{alternatives}){_WORD_END}"
            rf"(?:\s+(?:{_FILLERS}){_WORD_END})?\s*[.:]?\s*$", re.I
        ) if alternatives else None
        # Pages repeat their short texts (navigation, labels, boilerplate): each is judged once.
        self._kinds_seen: dict[str, str | None] = {}
        self._matches_seen: dict[str, tuple[str, str, str] | None] = {}
        self._ads_seen: dict[str, bool] = {}

    @staticmethod
    @lru_cache(maxsize=16)
    def of(profile: Profile) -> Labels:
        """The Labels of a profile, built once (profiles are frozen, so one per distinct profile)."""
        return Labels(profile)

    def kind(self, text: str | None) -> str | None:
        """The kind of part this text labels, or None."""
        if not text or len(text) > _MAX_LABEL_TEXT:
            return None
        kind = self._kinds_seen.get(text, _UNSEEN)
        if kind is _UNSEEN:
            hit = self._lookup(text)
            kind = hit[0] if hit else None
            _remember(self._kinds_seen, text, kind)
        return kind  # type: ignore[return-value]

    def match(self, text: str) -> tuple[str, str, str] | None:
        """(kind, label, rest) when `text` is a label, or a rating label followed by a value."""
        if not text or len(text) > _MAX_LABEL_TEXT:
            return None
        found = self._matches_seen.get(text, _UNSEEN)
        if found is _UNSEEN:
            found = self._match(text)
            _remember(self._matches_seen, text, found)
        return found  # type: ignore[return-value]

    def is_ad_label(self, text: str) -> bool:
        """The text is an ad slot's label ("Advertisement", "Sponsored"): the same for every profile."""
        found = self._ads_seen.get(text)
        if found is None:
            found = bool(AD_LABEL.match(text))
            _remember(self._ads_seen, text, found)
        return found

    def _short_rating(self, found: tuple[str, str, str]) -> bool:
        """A rating whose value (up to another rating the sentence names) is a few words."""
        rest = found[2]
        if self._rating_inside and (other := self._rating_inside.search(rest)):
            rest = rest[: other.start()]
        if other := self._named_next(rest):
            rest = rest[: other.start("sep")]
        return found[0] == "rating" and len(rest.split()) <= _PROSE_RATING_WORDS

    def rating_after_separator(self, text: str) -> tuple[str, tuple[str, str, str]] | None:
        """(what comes before, the match) for a rating named after a separator on a line that opens with
        something else: "April 4, 2025 · Credibility: 4/5", a tail "/5 · Interest: " after a value."""
        if not _SEPARATOR_MARK.search(text) or not _SEPARATOR.search(text):
            return None
        folded = text.casefold()
        if not any(name in folded for name in self._rating_starts):
            return None
        for m in _SEPARATOR.finditer(text):
            before = text[: m.start()].strip()
            if len(before.split()) > _BEFORE_SEPARATOR_WORDS:
                return None
            if (found := self.match(text[m.end():])) and found[0] == "rating" and (
                    not found[2] or _RATING_SHAPED.match(found[2])):
                return before, found  # (a value of a rating's shape: "· Interest rates rose" names none)
        return None

    def split_rest(self, label: str, rest: str) -> list[tuple[str, str]]:
        """(label, value) for each rating a value text names: [(label, rest)] when it names no other."""
        marks = list(self._rating_inside.finditer(rest)) if self._rating_inside and rest else []
        if not marks:
            return self._split_unlisted(label, rest)
        pairs = self._split_unlisted(label, _JOINED.sub("", rest[: marks[0].start()]).strip(" |\u00b7\u2022,;"))
        for m, nxt in zip(marks, [*marks[1:], None]):
            name = next((r for r in self.ratings if r.casefold() == collapse(m.group(1)).casefold()), m.group(1))
            pairs.extend(self._split_unlisted(
                name, _JOINED.sub("", rest[m.end() : nxt.start() if nxt else len(rest)]).strip(" |\u00b7\u2022,;")))
        return pairs

    def _split_unlisted(self, label: str, value: str) -> list[tuple[str, str]]:
        """(label, value), and a pair for each rating the profile does not list that the value's text goes
        on to name ("3/5 \u00b7 Relevance 2/5")."""
        pairs = []
        while (m := self._named_next(value)) and len(pairs) < _UNLISTED_MAX:
            pairs.append((label, value[: m.start("sep")].strip()))
            label, value = m["name"], value[m.end():].strip()
        return [*pairs, (label, value)]

    def _named_next(self, value: str) -> re.Match[str] | None:
        """A value written as a rating, then the name of another rating and its value: "3/5 | Relevance:
        2/5", "3 out of 5 and its relevance 4 out of 5"; not a scale's word, nor another kind's label."""
        m = _NAMED_NEXT.match(value) if value else None
        if m is None or (not m["sep"].strip() and not m["name"][0].isupper()):
            return None  # (set apart by a space only, a name is capitalised: "4/5 in 3 of 5 trials" names none)
        if {w.casefold() for w in m["name"].split()} & _NOT_NAMES or self._known(m["name"]):
            return None
        return m

    def _lookup(self, text: str) -> tuple[str, str] | None:
        """(kind, label) of a label text, also written with its translation ("More Details / Plus de détails"),
        decorated ("📄 More Details", "5. More Details") or with a subtitle ("More Details — the study")."""
        hit = self._known(text)
        if hit is None and ("/" in text or "|" in text) and (m := _TRANSLATED.match(text)):
            # Not a rating: "Interest | High" is a label and its value.
            hit = translated if (translated := self._known(m.group(1))) and translated[0] != "rating" else None
        if hit is None and (lead := _DECORATION.match(text)):
            hit = self._lookup(text[lead.end():])
        if hit is None and len(text) <= _SUBTITLED_MAX and (m := _SUBTITLED.match(text)):
            # Not a rating either: "Credibility - 4/5" is a rating and its value (read by match()).
            hit = head if (head := self._known(m.group(1))) and head[0] != "rating" else None
        return hit

    def _known(self, text: str) -> tuple[str, str] | None:
        """(kind, label) of a label as the profile writes it, or retyped (loose_label)."""
        key = norm_label(text)
        return self.kinds.get(key) or (self._loose.get(loose_label(key)) if self._loose else None)

    def _match(self, text: str) -> tuple[str, str, str] | None:
        if (named := _FIRST_PERSON_OF.match(text)) and (found := self._match(f"{named['name']} {named['value']}")):
            # "We rated the credibility of this study 3 out of 5." as "credibility 3 out of 5."
            return found if self._short_rating(found) else None
        if (lead := _DECORATION.match(text)) and (found := self._match(text[lead.end():])):
            return found  # "⭐ Credibility: 3 out of 5"
        if (lead := _FIRST_PERSON.match(text)) and (found := self._match(text[lead.end():])):
            # "We rate this study's credibility 3 out of 5.", "Our interest rating: High.": the site's own
            # rating in a short sentence of its own (a longer one is the summary's prose).
            return found if self._short_rating(found) else None
        starts_rating = text.casefold().startswith(self._rating_starts)
        if len(text) > self._max_len and not starts_rating:
            return None  # too long to be a label, and not "Rating: value"
        hit = self._lookup(text)
        if hit:
            return hit[0], hit[1], ""
        if starts_rating and self._rating_prefix and (m := self._rating_prefix.match(text)):
            rest = collapse(m.group(3))
            own = rest[: n.start()] if self._rating_inside and (n := self._rating_inside.search(rest)) else rest
            if (rest or m.group(2)) and (len(own.split()) <= 6 or _VALUE_FIRST.match(own)):
                return "rating", self._rating_name(m.group(1)), rest
        if self._value_then_rating and (m := self._value_then_rating.match(text)):
            return "rating", self._rating_name(m["name"]), collapse(m["value"])
        return None

    def _rating_name(self, written: str) -> str:
        """The profile's rating name a page writes (in any case)."""
        return next((r for r in self.ratings if r.casefold() == collapse(written).casefold()), written)


_FIRST_PERSON = re.compile(r"^\s*(?:we\s+(?:rate|rated|give|gave|score|scored)\s+(?:(?:this|the)\s+"
                           r"(?:study|research|paper|summary|trial|article)(?:['\u2019]s)?|its)|our)\s+(?=\w)", re.I)
# What joins two ratings in one sentence: "4 out of 5 and its interest 3 out of 5".
_JOINED = re.compile(r"\s+(?:and|while|with)(?:\s+(?:its|the|our))?\s*$", re.I)
# "We rated the credibility of this study (as) 3 out of 5.": the name, then what it is of, then the value.
_FIRST_PERSON_OF = re.compile(r"^\s*we\s+(?:rate|rated|give|gave|score|scored)\s+(?:the|its)\s+(?P<name>\w[\w ]{0,40}?)"
                              r"\s+of\s+(?:this|the)\s+(?:study|research|paper|summary|trial|article)\s+(?:(?:as|at)\s+)?"
                              r"(?P<value>\S.*)$", re.I | re.S)
_PROSE_RATING_WORDS = 6
_LEVELS = "low|moderate|medium|high|strong|weak|limited|good|fair|poor|excellent"
# A value, a separator (a mark, "and its", a space), a name of up to three words and, after a colon or a
# space, another value of a rating's shape (never a date: "Updated: 1/2/2024").
_NAMED_NEXT = re.compile(
    rf"^\s*{_VALUE_FIRST.pattern[1:]}(?:\s*(?:stars?|points?)\b)?"
    r"(?P<sep>\s*[\u00b7|\u2022;,]\s*|\s+(?:and|while|with)\s+(?:its|the|our)\s+|\s+)"
    r"(?P<name>[^\W\d_]+(?:[\-\u2010\u2011][^\W\d_]+)?(?:\s+[^\W\d_]+(?:[\-\u2010\u2011][^\W\d_]+)?){0,2}?)"
    rf"(?:\s*[:\uff1a]\s*|\s+)(?=(?!\d+\s*/\s*\d+\s*/){_VALUE_FIRST.pattern[1:]}"
    rf"|(?:very\s+)?(?:{_LEVELS})\b)", re.I | re.S)
# A named rating's value without a colon before it ("Credibility 4/5 \u00b7 Interest High", "... Interest 3 stars").
_LEVEL_OR_STARS = rf"(?:very\s+)?(?:{_LEVELS})\b|\d+(?:[.,]\d+)?\s*stars?\b"
_NOT_NAMES = frozenset({*_FILLERS.split("|"), *_LEVELS.split("|"), "very", "out", "of", "and", "the", "its", "our", "stars",
                        "star", "points"})
_UNLISTED_MAX = 8
# Between the parts of a line of facts: "April 4, 2025 · Credibility: 4/5 | Interest: High".
_SEPARATOR_MARK = re.compile(r"[\u00b7|\u2022\u2014\u2013]")
_SEPARATOR = re.compile(r"(?:^|\s)[\u00b7|\u2022\u2014\u2013](?:\s+|$)")
_BEFORE_SEPARATOR_WORDS = 12
_RATING_SHAPED = re.compile(rf"{_VALUE_FIRST.pattern}|^\d+(?:[.,]\d+)?(?:\s*(?:stars?|points?))?(?:$|[\s.,;|\u00b7])"
                            rf"|^(?:very\s+)?(?:{_LEVELS})\b", re.I)
# What sites set before a label: an emoji or symbol ("📄 More Details", "⭐ Credibility: 4/5"), a number
# ("5. More Details", "3) Related"), a roman numeral ("II. Key Takeaway").
# (Symbols and emoji only: a quote or bracket before a word is code or prose, not a label's decoration.)
_DECORATION = re.compile(r"^\s*(?:[#*\u2022\u00b7\u2190-\u2bff\U0001f000-\U0001faff\ufe0f\u200d]{1,4}\s*"
                         r"|\d{1,2}[.)]\s+|[IVX]{1,4}\.\s+)(?=[^\W\d_])")
# A label and a subtitle after a dash or in brackets: "More Details — about the original study",
# "You May Also Like (more summaries)"; short, as headings are.
_SUBTITLED = re.compile(r"^\s*(.+?)\s+(?:[\u2013\u2014-]+\s+|\()\S.*$", re.S)
_SUBTITLED_MAX = 100
# Bilingual sites write a label and its translation in one heading: the first part is the label.
_TRANSLATED = re.compile(r"^\s*(.+?)\s+[/|]\s+\S.*$", re.S)
_UNSEEN = object()
_SEEN_MAX = 10_000


def _remember(seen: dict, text: str, value: object) -> None:
    """Keep a judgement, forgetting everything once the cache is full (bounded memory)."""
    if len(seen) >= _SEEN_MAX:
        seen.clear()
    seen[text] = value


_NOT_LABEL_HOLDERS = frozenset(
    {"a", "nav", "footer", "button", "select", "option", "form", "menu", "title", "dialog", "input", "textarea"}
)
_NOT_LABEL_ROLES = frozenset(
    {"navigation", "contentinfo", "menu", "menubar", "menuitem", "link", "tab", "dialog", "alertdialog"}
)
_FORM_CONTROLS = ("input", "select", "textarea", "button")


def _labels_a_control(label: etree._Element) -> bool:
    """A <label> of a form field (a consent checkbox), not one naming a <meter> or <progress>."""
    target = label.get("for")
    if target:
        found = label.getroottree().getroot().xpath("//*[@id=$id]", id=target)
        if found:
            # (a radio button's label may be a tab of CSS-only tabs: <input type=radio id=t1><label for=t1>)
            return found[0].tag in _FORM_CONTROLS and (found[0].get("type") or "").lower() != "radio"
    return next(label.iter(*_FORM_CONTROLS), None) is not None


def _opens_panel(node: etree._Element) -> bool:
    """A tab or an accordion's header (role="tab", aria-controls, aria-expanded), or a link that goes
    nowhere but opens one (<a tabindex="0">, href="#"): it names a block of this page."""
    if node.get("role") == "tab" or node.get("aria-controls") or node.get("aria-expanded") is not None:
        return True
    href = (node.get("href") or "").strip()
    if node.tag != "a" or node.get("rel"):
        return False
    return href in ("", "#") or (href.startswith("#") and _a_panel(node, href[1:]))


_BY_ID = etree.XPath("//*[@id = $id]")


def _a_panel(link: etree._Element, target: str) -> bool:
    """The block a "#id" link names holds no heading of its own: a tab's panel (Bootstrap's plain
    <a href="#t0"> tabs), not a section a table of contents jumps to."""
    found = _BY_ID(link, id=target)
    return len(found) == 1 and found[0] is not link and next(found[0].iter(*H_TAGS), None) is None \
        and bool("".join(found[0].itertext()).strip())


def _is_chrome_text(el: etree._Element) -> bool:
    """Text in a link, menu, footer, dialog or form field ('Related' in a nav bar) names no block of this page."""
    for node in (el, *el.iterancestors()):
        if (node.tag == "button" and heads_a_panel(node)) or (node.tag == "form" and wraps_page(node)) or _opens_panel(node) \
                or (node.tag == "footer" and any(a.tag == "article" for a in node.iterancestors())):
            continue  # (an article's own <footer> may hold its More Details)
        if node.tag in _NOT_LABEL_HOLDERS or (node.get("role") or "").lower() in _NOT_LABEL_ROLES:
            return True
        if node.tag == "label" and _labels_a_control(node):
            return True
    return False


def find_labels(body: etree._Element, labels: Labels, ads: list[etree._Element] | None = None) -> list[LabelHit]:
    """Every element whose own text (or tail, for ratings) is a profile label, in document order; the
    elements whose whole text is an ad slot's label are added to `ads` (read in the same walk)."""
    hits: list[LabelHit] = []
    for el in body.iter(etree.Element):
        tag = el.tag
        text = el.text if tag != "img" else el.get("alt")  # a label drawn as an image
        has_text = bool(text) and not text.isspace()
        first = el[0].tag if len(el) else None
        if first is not None and not has_text:
            if tag in _RUN_TAGS:
                text = _split_runs(el)
                has_text = bool(text) and not text.isspace()
            elif tag in _RUN_LINES and first in _RUN_TAGS:
                hits.extend(_ratings_across_runs(el, labels))
        own = collapse(text) if has_text and len(text) <= _MAX_LABEL_TEXT else ""
        found = labels.match(own) if own else None
        if own and not found and _SEPARATOR_MARK.search(own):
            found = _match_text(own, labels)
        if first in _INLINE_TAGS and tag not in _RUN_TAGS and (line := _line_text(el)) and line != own \
                and (alt := _match_text(line, labels)) and _line_says_more(own, found, line, alt, labels):
            text, own, found = line, line, alt  # a label set partly in runs: "You May <span>Also Like</span>"
        if own:
            if ads is not None and not len(el) and el.tag != "img" and labels.is_ad_label(own):
                ads.append(el)
            if found:
                kind, label, rest = found
                # The label must be all of the element's text, unless a value follows it.
                full = collapse(text_of(el)) if len(el) else own
                if (rest or labels.match(full) or kind == "rating") and not _is_chrome_text(el):
                    if kind == "rating":
                        hits.extend(LabelHit(el, kind, name, value) for name, value in labels.split_rest(label, rest))
                    else:
                        hits.append(LabelHit(el, kind, label, rest))
        tail = el.tail
        if tail and tail.strip() and len(tail) <= _MAX_LABEL_TEXT:
            found = labels.match(collapse(tail))
            before = ""
            if not found and _SEPARATOR_MARK.search(tail) and (late := labels.rating_after_separator(collapse(tail))):
                before, found = late
            # A rating label is read wherever it stands; another label only on a line of its own
            # ("<br>More Details<br>"), where a page without headings writes it.
            if found and (found[0] == "rating" or ((el.tag == "br" or el.tag in BLOCK_TAGS) and _line_ends(el))) \
                    and not _is_chrome_text(el.getparent() if el.getparent() is not None else el):
                hits.append(LabelHit(el, found[0], found[1], found[2], in_tail=True, before=before))
    return hits


def undecorated(text: str) -> str:
    """The text without what a site sets before a label ("\U0001f3af Relevance" -> "Relevance")."""
    lead = _DECORATION.match(text)
    return text[lead.end():] if lead else text


def _match_text(text: str, labels: Labels) -> tuple[str, str, str] | None:
    """Labels.match, or a rating named after a separator with its value ("April 4, 2025 · Credibility: 4/5")."""
    found = labels.match(text)
    if not found and _SEPARATOR_MARK.search(text) and (late := labels.rating_after_separator(text)) and late[1][2]:
        found = late[1]
    return found


# Inline elements a line of text may set some of its words in; a link, image or <br> ends the question.
_INLINE_TAGS = frozenset({*_RUN_TAGS, "small", "mark", "abbr", "sup", "sub", "s", "code", "time", "cite", "q"})


def _line_text(el: etree._Element) -> str:
    """An element's whole text when all inside it is inline runs (<h2>You May <span>Also Like</span></h2>),
    else ''."""
    for sub in el.iterdescendants():
        if sub.tag not in _INLINE_TAGS:
            return ""
    text = collapse(text_of(el))
    return text if len(text) <= _MAX_LABEL_TEXT else ""


def _line_says_more(own: str, found: tuple[str, str, str] | None, line: str, alt: tuple[str, str, str],
                    labels: Labels) -> bool:
    """The whole line names a label its own first words do not (a section or block label split over
    runs; a rating only if the element's own text names one too), or names a rating's value they leave
    out: a filler word set apart ("Interest <span>level: High</span>"), a second rating ("... credibility
    4 out of <span>5 and its interest 3 out of 5</span>")."""
    if found is None:
        return bool(own) or alt[0] != "rating"
    if found[0] != "rating" or alt[0] != "rating" or alt[1] != found[1]:
        return False
    if found[2] and len(labels.split_rest(alt[1], alt[2])) > len(labels.split_rest(found[1], found[2])):
        return True  # (a value begun in the element's own text goes on into its runs)
    return not found[2] and bool(alt[2]) and _FILLER_START.match(line[len(own):]) is not None


def _ratings_across_runs(el: etree._Element, labels: Labels) -> list[LabelHit]:
    """Ratings named in a line set over formatting runs (a document exporter's <span>s), read at the line
    where no run holds a name whole: "<span>Credib</span><span>ility:</span> 4/5", or the second of two
    ("<span>We rate its credibility 4</span><span> out of 5 and </span><span>its interest 3 ...</span>")."""
    joined = _split_runs(el)
    if not joined or len(joined) > _MAX_LABEL_TEXT:
        return []
    found = _match_text(collapse(joined), labels)
    if not found or found[0] != "rating":
        return []
    pairs = labels.split_rest(found[1], found[2])
    if (len(pairs) < 2 and _a_run_names_a_rating(el, labels)) or _is_chrome_text(el):
        return []  # (one rating a run names whole is read at that run)
    return [LabelHit(el, "rating", name, value) for name, value in pairs]


def _a_run_names_a_rating(el: etree._Element, labels: Labels) -> bool:
    """Some run's own text (or tail) names a rating by itself: "<b>Credibility:</b> 4/5"."""
    for sub in el.iter():
        for part in (sub.text, sub.tail if sub is not el else None):
            if part and part.strip() and (found := labels.match(collapse(part))) and found[0] == "rating":
                return True
    return False


def _split_runs(el: etree._Element) -> str | None:
    """The text of a formatting element whose words are split over runs inside it (Word's
    <b><span>Credib</span><span>ility:</span></b>); None when one run holds them (it is read itself)."""
    runs = []
    for sub in el.iter():
        if sub.tag not in _RUN_TAGS and sub is not el:
            return None
        if sub.text and sub.text.strip():
            runs.append(sub.text)
        if sub is not el and sub.tail and sub.tail.strip():
            runs.append(sub.tail)
    return text_of(el) if len(runs) >= 2 else None


def _line_ends(el: etree._Element) -> bool:
    """The text after this element (a <br>, a block) ends its line: a <br> or a block follows, or nothing."""
    following = el.getnext()
    return following is None or following.tag == "br" or following.tag in BLOCK_TAGS
