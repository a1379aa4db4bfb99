"""What reads as a heading, what is bold, and which zones (nav, footer, hidden) are never summary text."""

from __future__ import annotations

import re

from lxml import etree

from parsers.text import collapse, text_of

H_TAGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
WEAK_RANK = 7  # dt, bold-only paragraphs, labels and class hints rank below every h1-h6
BLOCK_TAGS = frozenset(
    "address article aside blockquote body caption center dd details dialog dir div dl dt fieldset "
    "figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr html legend li main menu nav "
    "ol p pre section summary table tbody td tfoot th thead tr ul".split()
)
_ZONE_TAGS = frozenset({"nav", "footer", "aside", "form", "button", "select", "dialog", "menu"})
_ZONE_ROLES = frozenset({"navigation", "contentinfo", "banner", "search", "complementary", "dialog", "menu", "menubar"})
# "entry-title", "card_title", "h3", "heading-text": the class name ends in the word; "title-meta" or
# "et_pb_title_meta_container" is a byline's box beside a title.
# (Not a class that places an element after or before a heading: Medium's "graf-after--h4" on a list item.)
_HEADING_CLASS = re.compile(r"(?:^|[\s_-])(?<!after-)(?<!after--)(?<!before-)(?<!before--)(h[1-6]|heading|headline|title)"
                            r"(?=$|\s|[_-](?:text|inner)(?:$|\s))", re.I)
_BOLD_CLASS = re.compile(r"(?:^|[\s_-])(?:font-(?:bold|semibold|extrabold|black)|fw-(?:bold|semibold)|bold|strong)(?:$|\s)", re.I)
_BOLD_STYLE = re.compile(r"font-weight\s*:\s*(?:bold|bolder|[6-9]00)", re.I)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_MAX_HEADING_WORDS = 15
_PAGE_FORM_HEADINGS = 3
# Page widgets between or after the sections, whatever their markup: never summary text.
WIDGET = re.compile(r"^\W*(?:was this (?:\w+ )?(?:helpful|useful)|did you find this (?:\w+ )?(?:helpful|useful)"
                    r"|print(?: this(?: \w+)?)?|email(?: this(?: \w+)?)?|download (?:as )?pdf"
                    r"|listen to this (?:article|summary|story|post|page|episode)"
                    r"|table of contents|contents|on this page|in this (?:article|summary|post|page)|jump to(?: a section)?"
                    # A box set between the sections: a reader poll, a quiz, a trivia fact.
                    r"|(?:quick |reader |our |today'?s )?poll|(?:quick |take (?:our|the|a) )?quiz|test your knowledge|did you know)\W*$",
                    re.I)
# The question of a feedback widget: never summary text, as a heading or a line (a lone "Print" or "Email"
# line is a widget's only as a link: "Email" is also a list item of a study's reminder methods).
FEEDBACK = re.compile(r"^\W*(?:was this|did you find this) (?:\w+ )?(?:helpful|useful)\W*$", re.I)
# An embed's stand-in until cookies are accepted ("This content is hosted by YouTube. Accept cookies to
# view it."): whether it shows depends on the visitor's consent, not on the article.
CONSENT_LINE = re.compile(
    r"\b(?:accept|allow|enable|agree to|consent to)\b.{0,60}?\bcookies?\b.{0,40}?\bto (?:view|see|watch|load|show|display|play)\b"
    r"|\bto (?:view|see|watch|load|show|display|play) (?:this|the) (?:content|video|embed|media|map|post|tweet)\b.{0,60}?"
    r"\b(?:accept|allow|enable|consent)\b|^\W*(?:this|the) (?:content|video|embed|media|map|post|tweet) is (?:hosted|provided|served) by\b",
    re.I)
CONSENT_WORDS = 40
# What blogs put after the article, in any theme: comments, sharing buttons, tags.
# The whole heading must be one of these ("3 Comments", "Share this:", "Leave a Reply"): "Responses
# Varied" or "Comments From the Researchers" are sections.
AFTER_ARTICLE = re.compile(
    r"^\W*(?:\d+\s+)?(?:comments?|responses?|replies|leave a (?:reply|comment)|join the (?:discussion|conversation)"
    r"|about the (?:author|writer|editor|reviewer)s?|author bio(?:graphy)?|meet the (?:author|writer)s?"
    r"|share(?: this(?: \w+)?| on \w+)?|tags|filed under|categories|posted in)"
    r"(?:\s*\(\d+\))?\W*$", re.I)


def is_hidden(el: etree._Element) -> bool:
    """Not shown to a reader: hidden attribute, aria-hidden, display:none."""
    if el.get("hidden") is not None or el.get("aria-hidden") == "true":
        return True
    style = el.get("style")
    return bool(style and _HIDDEN_STYLE.search(style))


def heads_a_panel(button: etree._Element) -> bool:
    """An accordion's header: a button in a heading (<h2><button>More Details</button></h2>) or one
    that says it opens a panel (aria-expanded, aria-controls)."""
    parent = button.getparent()
    if parent is not None and (parent.tag in H_TAGS or parent.get("role") == "heading"):
        return True
    if _TOGGLE.match(" ".join("".join(button.itertext()).split())):
        return False  # a "Show more" / "Hide" control under a text (Mantine's Spoiler) names no panel
    return button.get("aria-expanded") is not None or bool(button.get("aria-controls"))


_TOGGLE = re.compile(r"^(?:(?:show|read|see|view)(?: (?:more|less|all))?|hide|expand|collapse|more|less|close)$", re.I)


def wraps_page(form: etree._Element) -> bool:
    """A <form> around the page's content (ASP.NET WebForms: Kentico, Sitecore, SharePoint, DotNetNuke
    wrap every page in one), not a search box or a newsletter sign-up: it holds the h1, the main or
    article, or several headings."""
    if form.find(".//h1") is not None or form.find(".//main") is not None or form.find(".//article") is not None:
        return True
    return sum(1 for _ in zip(range(_PAGE_FORM_HEADINGS), form.iter("h2", "h3"))) >= _PAGE_FORM_HEADINGS


def is_zone(el: etree._Element) -> bool:
    """Site chrome: navigation, footer, sidebars, forms, and a site header outside the article (not an
    accordion's header button)."""
    tag = el.tag
    if tag == "button" and heads_a_panel(el):
        return False
    if tag == "form" and wraps_page(el):
        return False
    if tag in _ZONE_TAGS or (el.get("role") or "").lower() in _ZONE_ROLES:
        return True
    if tag == "header":
        # An article's header holds its title; a site header (logo, menu) is chrome even with an h1 logo.
        if any(a.tag in ("article", "main") for a in el.iterancestors()):
            return False
        return el.find(".//h1") is None or el.find(".//nav") is not None
    return False


def is_bold(el: etree._Element) -> bool:
    """Bold by tag, utility class or inline style."""
    if el.tag in ("b", "strong"):
        return True
    cls = el.get("class")
    if cls and _BOLD_CLASS.search(cls):
        return True
    style = el.get("style")
    return bool(style and _BOLD_STYLE.search(style))


def _short_leaf(el: etree._Element) -> bool:
    """A short run of text with no block inside: what a heading looks like."""
    for sub in el.iterdescendants():
        if sub.tag in BLOCK_TAGS and sub.tag not in H_TAGS:
            return False
    text = collapse(text_of(el))
    return 0 < len(text.split()) <= _MAX_HEADING_WORDS and not text.endswith(".")


def heading_rank(el: etree._Element) -> int | None:
    """Rank 1-7 when the element reads as a heading (h1-h6, role=heading, dt, summary, heading-like class)."""
    tag = el.tag
    if tag in H_TAGS:
        return H_TAGS[tag]
    if el.get("role") == "heading":
        level = (el.get("aria-level") or "").strip()
        return int(level) if level.isdigit() and 1 <= int(level) <= 6 else 2
    if tag == "dt" or (tag == "summary" and _short_leaf(el)):  # (a <details> disclosure's visible name)
        return WEAK_RANK
    cls = el.get("class")
    if cls and tag not in ("a", "img", "body", "html") and (m := _HEADING_CLASS.search(cls)) and _short_leaf(el):
        token = m.group(1).lower()
        return int(token[1]) if token[0] == "h" and len(token) == 2 else WEAK_RANK
    return None
