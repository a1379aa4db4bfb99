"""Build the lxml tree and drop what can never hold content (scripts, styles, SVG innards) before any walk."""

from __future__ import annotations

import itertools
import re

from lxml import etree

from parsers.headings import CONSENT_LINE, is_hidden
from parsers.text import collapse, text_of

# Never visible text; removing them first is most of why parsing costs less than a full bs4 soup.
_JUNK = ("script", "style", "noscript", "template", "iframe", "object", "embed", "canvas", "head",
         "annotation", "annotation-xml", "del")  # (MathML's TeX source; text the page marks as struck out)
# A lazy-loading page puts the real image (a rating's stars) or text in <noscript>, what a reader
# without scripts sees; its placeholder image beside it carries the address in one of these.
_LAZY_ATTRS = ("data-src", "data-srcset", "data-lazy-src", "data-original", "data-lazy")
# "Please enable JavaScript", "This site requires JavaScript": a <noscript> notice, not content.
_SCRIPT_NOTICE = re.compile(r"\bjavascript\b|\bjs\b", re.I)
# Decorations inside a heading that are not its words: a permalink ("#", "¶", "§", an icon) to the
# heading itself, a wiki's "[edit]" link, hidden text.
_EDIT_LINK = re.compile(r"^\[\s*edit(?:\s*\|\s*edit source)?\s*\]$", re.I)
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_DROPPED, _SHOWN = "x-summary-archive-dropped", "x-summary-archive-shown"  # marks for the passes below
# Real pages hold a few thousand tags; the extractors cost ~50 us per element, so a page of a million
# links would take minutes. Markup past this many '<' is dropped (with a warning) to bound every parse.
MAX_TAGS = 12_000
# Browsers read on past </body> and </html> (whatever follows lands in the body); libxml2 drops it.
_DOCUMENT_END = re.compile(r"</(?:body|html)\s*>", re.I)
_WBR = re.compile(r"<wbr\s*/?>|</wbr\s*>", re.I)
_HEAD_ONLY = frozenset({"title", "meta", "link", "base", "script", "style", "noscript", "template"})


def cap_markup(text: str) -> tuple[str, bool]:
    """The text cut just before its MAX_TAGS-th '<' (tags and end tags); True when it was cut."""
    if text.count("<") < MAX_TAGS:
        return text, False
    at = -1
    for _ in range(MAX_TAGS):
        at = text.find("<", at + 1)
    return text[:at], True


# A character reference to a control character ("&#8;", "&#x1F;"): lxml puts the character in the tree,
# and then refuses it in any text set later (a space after a <br>). No text holds one.
_CONTROL_REF = re.compile(r"&#(?:0*(?:[0-8]|1[124-9]|2\d|3[01])(?!\d)|[xX]0*(?:[0-8bBcCeEfF]|1[0-9a-fA-F])(?![0-9a-fA-F]));?")


def build_tree(text: str) -> etree._Element | None:
    """Parse page text into an lxml HTML tree; None when there is no document at all."""
    if not text or not text.strip():
        return None
    # Plain etree elements (not lxml.html's) skip a per-element class lookup; a fresh parser per
    # call because lxml parser objects must not be shared between threads.
    parser = etree.HTMLParser(remove_comments=True, remove_pis=True, no_network=True)
    text = _DOCUMENT_END.sub("", text)
    if "<wbr" in text or "<WBR" in text:
        # libxml2 does not know <wbr> (a line-break chance, HTML5): it would wrap the rest of the line in it,
        # splitting a word ("Credi<wbr>bility") into two elements. It draws nothing: gone before parsing.
        text = _WBR.sub("", text)
    if "&#" in text:
        text = _CONTROL_REF.sub(" ", text)
    try:
        root = etree.fromstring(text, parser)
    except (etree.XMLSyntaxError, ValueError, TypeError):
        try:
            root = etree.fromstring(text.encode("utf-8", "replace"), parser)
        except Exception:  # any lxml failure means "no document"
            return None
    if root is not None:
        _content_out_of_head(root)
    return root


def _content_out_of_head(root: etree._Element) -> None:
    """Move page content libxml2 left in <head> into <body>, as browsers do.

    libxml2 predates HTML5: on a page without a <body> tag (optional in HTML5, dropped by minifiers)
    that opens with <header>, <main> or <section>, it puts the whole page in <head>."""
    head = root.find("head")
    if head is None:
        return
    children = list(head)
    first = next((i for i, c in enumerate(children) if isinstance(c.tag, str) and c.tag not in _HEAD_ONLY), None)
    if first is None:
        return
    body = root.find("body")
    if body is None:
        body = etree.SubElement(root, "body")
    for offset, child in enumerate(children[first:]):
        body.insert(offset, child)


def _keep_svg_state(svg: etree._Element) -> None:
    """Copy onto an svg what its innards say of a drawn rating: its <title>, a <use> link, its shapes' fill."""
    title = svg.findtext("title")
    if title and not svg.get("title"):
        svg.set("title", title)
    link = next((u.get("href") or u.get("xlink:href") for u in svg.iter("use")), None)
    if link and not svg.get("href"):
        svg.set("href", link)
    # A shape's own fill is what is painted, whatever the svg's says ("none" on a Feather icon).
    fill = next((n.get("fill") for n in svg.iterdescendants() if isinstance(n.tag, str) and n.get("fill")), None)
    if fill:
        svg.set("fill", fill)


def _lazy_placeholder(el: etree._Element | None) -> bool:
    """An <img> a script will fill in (its address in data-src, or a data: or empty src)."""
    if el is None or el.tag != "img":
        return False
    src = (el.get("src") or "").strip()
    return any(el.get(attr) for attr in _LAZY_ATTRS) or not src or src.startswith("data:")


def _show_noscript(root: etree._Element) -> None:
    """Read <noscript> content as a reader without scripts sees it, in place of the placeholders it
    stands for; notices ("enable JavaScript") and tracking pixels stay out (stripped as junk)."""
    for noscript in list(root.iter("noscript")):
        text = _short_text(noscript, cap=300)  # (None: longer than any notice, so content)
        images = sum(1 for _ in noscript.iter("img"))
        if text is not None and ((not text and not images) or _SCRIPT_NOTICE.search(text)):
            continue
        if images and not text and all(img.get("width") in ("0", "1") for img in noscript.iter("img")):
            continue  # a tracking pixel
        for before, _ in zip(noscript.itersiblings(preceding=True), range(images)):
            if not _lazy_placeholder(before):
                break
            before.tag = _DROPPED
        noscript.tag = _SHOWN


def _undecorate_headings(root: etree._Element) -> None:
    """Take permalinks, "[edit]" links and hidden text out of headings ("Key Takeaway#" -> "Key Takeaway"),
    and bookmarks off their text."""
    for heading in root.iter(*_HEADINGS):
        # Each element is looked at once: a heading inside this one is walked on its own turn.
        stack = [child for child in heading if isinstance(child.tag, str)]
        while stack:
            el = stack.pop()
            if _decoration(el):
                el.tag = _DROPPED
                continue
            if el.tag == "a" and not el.get("href"):
                el.tag = _SHOWN  # a bookmark (<a name="_Toc5"></a>More Details): its text is the heading's
            stack.extend(child for child in el if isinstance(child.tag, str) and child.tag not in _HEADINGS)


def _decoration(el: etree._Element) -> bool:
    """Hidden, a permalink to this page ("#", "¶", an icon), or a wiki's "[edit]" link."""
    if is_hidden(el):
        return True
    if el.tag == "a" and (el.get("href") or "").startswith("#") or el.tag == "button":
        # (a permalink written as a button: Substack's <button aria-label="Link">🔗</button>)
        words = _short_text(el)
        return words is not None and not any(c.isalnum() for c in words)
    words = _short_text(el) if el.tag in ("span", "a") else None
    return bool(words and _EDIT_LINK.match(words))


_SIGNUP_CHARS = 400  # a sign-up pitch is a sentence or three
_SIGNUP_WORDS = re.compile(r"subscri|newsletter|sign[ -]?up|inbox|e-?mail|updates", re.I)
_SIGNUP_HEADING = re.compile(r"subscri|newsletter|sign[ -]?up|mailing list|inbox|\bdigest\b|never miss"
                             r"|stay (?:informed|updated|up to date|in the loop)", re.I)
_SIGNUP_BUTTON = re.compile(r"(?:subscribe|sign(?: me)? up)\b|^\W*(?:join(?: now| us)?|get (?:it|started))\W*$", re.I)
_SIGNUP_DEPTH = 3
# Words a sign-up box's heading has (lower case): a cheap test before the pattern.
_SIGNUP_HINTS = ("subscri", "newsletter", "sign", "mailing", "inbox", "digest", "never miss", "stay ")
_PAGE_PARTS = frozenset({"body", "html", "main", "article", "section"})


def _short_text(el: etree._Element, cap: int = 40) -> str | None:
    """The element's collapsed text, or None when it runs past `cap` characters (no decoration is long)."""
    parts, size = [], 0
    for part in el.itertext():
        size += len(part)
        if size > cap * 4:
            return None
        parts.append(part)
    text = collapse("".join(parts))
    return text if len(text) <= cap else None


_CONSENT_CHARS = 300


def _drop_consent_boxes(root: etree._Element) -> None:
    """An embed's stand-in with its "Accept and show" button ("This content is hosted by YouTube. Accept
    cookies to view it."): shown or not by the visitor's consent, never the article's."""
    for button in root.iter("button"):
        box = button.getparent()
        if box is not None and box.tag not in _PAGE_PARTS and (text := _short_text(box, cap=_CONSENT_CHARS)) \
                and CONSENT_LINE.search(text):
            box.tag = _DROPPED


def _drop_signup_boxes(root: etree._Element) -> None:
    """E-mail sign-up boxes, wherever the page sets them: one headed as such ("Get our weekly digest")
    around its form or Subscribe button, and the short pitch around an e-mail field."""
    for heading in root.iter(*_HEADINGS[1:]):
        words = "".join(heading.itertext()).lower()
        if any(hint in words for hint in _SIGNUP_HINTS) and _SIGNUP_HEADING.search(_short_text(heading, cap=80) or ""):
            for box in itertools.islice(heading.iterancestors(), _SIGNUP_DEPTH):
                # (a <section> may be such a box; the page's own parts never are)
                if box.tag in ("body", "html", "main", "article") or _short_text(box, cap=_SIGNUP_CHARS) is None \
                        or sum(1 for _ in box.iter(*_HEADINGS)) > 1:
                    break
                if _signup_control(box):
                    box.tag = _DROPPED
                    break
    for field in root.iter("input"):
        if (field.get("type") or "").lower() != "email":
            continue
        box, inside = None, ""
        for anc in field.iterancestors():
            if anc.tag in _PAGE_PARTS or any(True for _ in anc.iter(*_HEADINGS)):
                break  # (a box with a heading of its own is found by its heading)
            text = _short_text(anc, cap=_SIGNUP_CHARS)
            added = text.replace(inside, " ", 1) if text and inside else text
            if text is None or (added and added.strip() and not _SIGNUP_WORDS.search(added)):
                break  # words that are no sign-up pitch: a section's paragraph beside an inline form
            box, inside = anc, text
        if box is not None:
            box.tag = _DROPPED


def _signup_control(box: etree._Element) -> bool:
    """The box holds a form, an e-mail field or a Subscribe / Sign up button or link."""
    for el in box.iter("form", "input", "button", "a"):
        if el.tag == "form" or (el.get("type") or "").lower() == "email":
            return True
        said = el.get("value") if el.tag == "input" else _short_text(el, cap=30)
        if said and _SIGNUP_BUTTON.search(said):
            return True
    return False


_JOINED_RUNS = ("b", "strong", "font", "u")


def _join_split_runs(root: etree._Element) -> None:
    """Word and LibreOffice split a bold word over runs (<b>Credib</b><b id="r2">ility:</b>): touching runs of
    one format become one, so the word reads whole. Runs without text (icons) and spans stay apart."""
    for el in list(root.iter(*_JOINED_RUNS)):
        if el.tail or el.getparent() is None:
            continue  # (text after it; or joined into the run before it)
        while (nxt := el.getnext()) is not None and not el.tail and nxt.tag == el.tag \
                and _has_text(el) and _has_text(nxt):
            if len(el):
                el[-1].tail = (el[-1].tail or "") + (nxt.text or "")
            else:
                el.text = (el.text or "") + (nxt.text or "")
            el.extend(list(nxt))
            el.tail = nxt.tail
            el.getparent().remove(nxt)


def _has_text(el: etree._Element) -> bool:
    return any(part.strip() for part in el.itertext())


_FOOTNOTE_MARK = re.compile(r"^[\[(]?\d{1,3}(?:[,\u2013-]\d{1,3})*[\])]?$")


def _drop_footnote_marks(root: etree._Element) -> None:
    """Footnote marks out of the text ("was modest.<sup><a href="#fn1">1</a></sup>" -> "was modest."): a
    superscript number linking within the page, which a reader follows, not reads."""
    for sup in root.iter("sup"):
        text = collapse(text_of(sup))
        if _FOOTNOTE_MARK.match(text) and any((a.get("href") or "").startswith("#")
                                             for a in (*sup.iter("a"), *sup.iterancestors("a"))):
            sup.tag = _DROPPED


def strip_junk(root: etree._Element, markup: str | None = None) -> None:
    """Remove invisible elements in place; SVGs keep their attributes (ratings drawn as icons) but no
    innards. `markup`, the page's text, spares a search for what it does not name."""
    for svg in root.iter("svg"):
        _keep_svg_state(svg)
        for child in list(svg):
            svg.remove(child)
    if markup is None or "shadowroot" in markup:
        # Declarative shadow DOM (<template shadowrootmode="open">): the browser renders what it holds in
        # place; any other <template> is inert markup a script may use, never shown.
        for template in root.iter("template"):
            if template.get("shadowrootmode") is not None or template.get("shadowroot") is not None:
                template.tag = _SHOWN
    _show_noscript(root)
    _undecorate_headings(root)
    _drop_signup_boxes(root)
    if markup is None or "ookie" in markup or "OOKIE" in markup:  # (no lower-cased copy of every page)
        _drop_consent_boxes(root)
    _join_split_runs(root)
    _drop_screen_reader_text(root, markup)
    if markup is None or "<sup" in markup or "<SUP" in markup:
        _drop_footnote_marks(root)
    # (Marked, then removed by lxml in one pass each: the text after a removed element stays.)
    etree.strip_elements(root, *_JUNK, _DROPPED, with_tail=False)
    etree.strip_tags(root, _SHOWN)
    if markup is None or _CUSTOM_TAG.search(markup):
        _blocks_of_custom_elements(root)
    _space_line_breaks(root)


# Text for screen readers only, by the class names every framework and CMS gives it: WordPress's
# "screen-reader-text", Bootstrap's "sr-only"/"visually-hidden", Drupal's "element-invisible",
# Foundation's "show-for-sr", GOV.UK's "govuk-visually-hidden", Tailwind's "sr-only".
_SCREEN_READER = re.compile(r"sr-only|screen-?reader|visually-?hidden|visuallyhidden|element-invisible|show-for-sr"
                            r"|assistive-text|a11y-hidden", re.I)
# (Over a page's whole markup, plain substring searches: the pattern above costs 100 times as much.)
_SCREEN_READER_HINTS = ("sr-only", "screen-reader", "visually-hidden", "visuallyhidden", "element-invisible",
                        "show-for-sr")
_SCREEN_READER_CLASSES = etree.XPath("//*[@class]")
# What such text says that a rating needs (the stars beside it are aria-hidden): kept.
# (A digit alone is no rating: "Updated 3 hours ago", "Page generated 2026-11-25" change on every fetch.)
_RATING_WORDS = re.compile(r"^\W*\d+(?:[.,]\d+)?\W*$|\d\s*(?:[/\u2044\u2215]|out of|of)\s*\d"
                           r"|\b(?:out of|stars?|rat(?:ed|ing)|score|credibility|interest|high|medium|moderate|low)\b", re.I)


def _drop_screen_reader_text(root: etree._Element, markup: str | None) -> None:
    """Text only a screen reader says ("(opens in a new tab)", "Continue reading <title>", "Section:")
    is none of the text a reader sees: not in sections, headings, titles or excerpts. The value of a
    rating drawn for the eye ("4 out of 5" beside aria-hidden stars) stays: it is the rating."""
    if markup is not None and not any(hint in markup for hint in _SCREEN_READER_HINTS):
        return
    for el in _SCREEN_READER_CLASSES(root):
        if _SCREEN_READER.search(el.get("class") or "") and not _RATING_WORDS.search(" ".join(el.itertext())):
            el.tag = _DROPPED


_CUSTOM_ELEMENTS = etree.XPath("//*[contains(local-name(), '-')]")
_CUSTOM_TAG = re.compile(r"<[a-zA-Z][a-zA-Z0-9]*-")  # (in the markup: a tenth of the cost of the XPath walk)
# Where an element sits in a line of text, however it stands among its siblings.
_INLINE_CONTEXT = frozenset({"p", *_HEADINGS, "span", "a", "b", "strong", "em", "i", "u", "small", "label", "button",
                             "code", "q", "cite", "time", "sup", "sub", "mark", "abbr", "font", "summary", "dt", "th"})


def _blocks_of_custom_elements(root: etree._Element) -> None:
    """Web components rendered on the server (<summary-section>, <x-rating>) are blocks where they
    stand alone, with no text beside them: their stylesheet, which we do not read, makes them so
    (unstyled, a browser would run "Credibility", "High" and "Key Takeaway" into one line). One in
    a line of text (<x-term>) stays inline."""
    for el in _CUSTOM_ELEMENTS(root):
        if el.tag == "amp-img":  # (AMP's image: its alt and src say what an <img>'s would)
            el.tag = "img"
            continue
        if not len(el) and not (el.text or "").strip():
            continue  # (nothing in it to read as a block: an icon, a drawing named by its attributes)
        parent = el.getparent()
        if parent is None or parent.tag in _INLINE_CONTEXT or (parent.text or "").strip() or any(
                (sibling.tail or "").strip() for sibling in parent):
            continue
        el.tag = "div"


def _space_line_breaks(root: etree._Element) -> None:
    """A <br> is whitespace: a space after each, so the text of a heading or title broken over two
    lines ("Gut Study<br>Title") keeps its words apart wherever it is read (itertext gives <br> nothing)."""
    for br in root.iter("br"):
        br.tail = " " + (br.tail or "")


def drop_elements(root: etree._Element, elements: list[etree._Element]) -> None:
    """Remove these elements (not the text after each) from the tree."""
    for el in elements:
        el.tag = _DROPPED
    etree.strip_elements(root, _DROPPED, with_tail=False)


def body_of(root: etree._Element) -> etree._Element:
    """The <body>, or the root when the parser made none."""
    body = root.find("body")
    return body if body is not None else root
