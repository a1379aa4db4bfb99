"""Flatten a tree into reading order: headings, paragraph-level text blocks, and boundaries (site chrome)."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass
from functools import lru_cache

from lxml import etree

from parsers.headings import BLOCK_TAGS, H_TAGS, WEAK_RANK, heading_rank, is_bold, is_hidden, is_zone
from parsers.text import collapse, norm_label, text_of

_MAX_BOLD_HEADING_WORDS = 12
# A <br> in the flow: whitespace to collapse(), but where a line ends for labels written on lines
# of their own ("Key Takeaway<br>text<br><br>What They Found<br>...").
_BR = "\u2028"


@dataclass(slots=True)
class Event:
    """One item in reading order: kind is 'heading', 'block' or 'boundary'."""

    kind: str
    text: str = ""
    rank: int = 0
    link_ratio: float = 0.0
    el: etree._Element | None = None
    linked: bool = False  # a heading that is a link to another page: a card or menu title, not a section
    lines: tuple[str, ...] = ()  # a block's <br> lines, when it has several ("Journal: X<br>Published: Y")
    # A block's first text when the next one follows it with no space between: the layout alone sets
    # them apart (a flex row of <span>Journal</span><span>Sleep Medicine</span>).
    glued_head: str = ""


def _nonspace(text: str) -> int:
    """Count of non-whitespace characters."""
    return len("".join(text.split()))


def _glued_head(parts: list[tuple[str, bool, bool]]) -> str:
    """The first of a block's texts when the second follows it with no space between."""
    if len(parts) < 2:
        return ""
    texts: list[str] = []
    for t, _, _ in parts:
        if t.strip():
            texts.append(t)
            if len(texts) == 2:
                break
    if len(texts) < 2 or texts[0][-1].isspace() or texts[1][0].isspace() or _BR in texts:
        return ""
    return collapse(texts[0])


class _Flow:
    """Accumulates inline text and turns it into events when a block ends."""

    def __init__(self, label_kind: Callable[[str], str | None]) -> None:
        """Start with no events; `label_kind` tells which block texts are profile labels."""
        self.events: list[Event] = []
        self.parts: list[tuple[str, bool, bool]] = []
        self.label_kind = label_kind
        self.lines = False  # the current block has <br> lines

    def line_break(self, bold: bool, link: bool) -> None:
        """A <br>: a space, and the end of a line."""
        self.parts.append((_BR, bold, link))
        self.lines = True

    def add(self, text: str | None, bold: bool, link: bool) -> None:
        """Append inline text with its bold/link state."""
        if text:
            self.parts.append((text, bold, link))

    def flush(self) -> None:
        """End the current block: emit it as a heading (bold-only, a label) or a text block, or as
        several when labels stand on lines of their own inside it."""
        if not self.parts:
            return
        parts, self.parts = self.parts, []
        if not self.lines:
            self._emit(parts)
            return
        self.lines = False
        for is_label, line in self._label_lines(parts):
            if is_label:
                self.events.append(Event("heading", collapse("".join(p[0] for p in line)), WEAK_RANK))
            else:
                self._emit(line, broken=True)

    def _label_lines(self, parts: list[tuple[str, bool, bool]]) -> list[tuple[bool, list[tuple[str, bool, bool]]]]:
        """The block cut at <br> lines that are labels (each a heading); [(False, parts)] when none is."""
        lines: list[list[tuple[str, bool, bool]]] = [[]]
        for part in parts:
            if part[0] == _BR:
                lines.append([])
            else:
                lines[-1].append(part)
        out: list[tuple[bool, list[tuple[str, bool, bool]]]] = []
        for line in lines:
            text = collapse("".join(p[0] for p in line))
            if text and self.label_kind(text) and any(not link for t, _, link in line if t.strip()):
                out.append((True, line))
            elif out and not out[-1][0]:
                out[-1][1].extend([(_BR, False, False), *line])
            else:
                out.append((False, line))
        return out

    def _emit(self, parts: list[tuple[str, bool, bool]], broken: bool = False) -> None:
        """One block's events: a heading (bold-only, a label), a bold label and its text, or text."""
        text = collapse("".join(p[0] for p in parts))
        if not text:
            return
        total = _nonspace(text)
        bold = sum(_nonspace(t) for t, b, _ in parts if b)
        links = sum(_nonspace(t) for t, _, a in parts if a)
        if bold >= total and len(text.split()) <= _MAX_BOLD_HEADING_WORDS and not text.endswith("."):
            self.events.append(Event("heading", text, WEAK_RANK))
            return
        if self.label_kind(text) and links < total:  # a label as a link is a table of contents or menu
            self.events.append(Event("heading", text, WEAK_RANK))
            return
        lead = self._leading_label(parts)
        if lead is not None:
            head, rest = lead
            self.events.append(Event("heading", head, WEAK_RANK))
            self.events.append(Event("block", rest, link_ratio=0.0))
            return
        lines = tuple(line for line in map(collapse, "".join(p[0] for p in parts).split(_BR)) if line) if broken else ()
        self.events.append(Event("block", text, link_ratio=links / total if total else 0.0,
                                 lines=lines if len(lines) > 1 else (), glued_head=_glued_head(parts)))

    def _leading_label(self, parts: list[tuple[str, bool, bool]]) -> tuple[str, str] | None:
        """'<strong>Key Takeaway:</strong> text' - a bold label opening a paragraph splits into heading + text."""
        head: list[str] = []
        i = 0
        while i < len(parts) and (parts[i][1] or not parts[i][0].strip()):
            head.append(parts[i][0])
            i += 1
        label = collapse("".join(head))
        if not label or i >= len(parts) or not self.label_kind(label):
            return None
        rest = collapse("".join(p[0] for p in parts[i:]))
        return (label, rest) if rest else None


def _goes_away(a: etree._Element) -> bool:
    """A link to another page, not to a place in this one (<a href="#what-they-found">)."""
    return not (a.get("href") or "#").strip().startswith("#")


def _links_away(el: etree._Element, text: str) -> bool:
    """The heading's text is a link to another page (not an in-page #anchor)."""
    link_text = "".join(
        text_of(a) for a in el.iter("a") if not (a.get("href") or "#").strip().startswith("#")
    )
    return bool(link_text) and collapse(link_text) == text


# What makes panels, by the word that gives it away in the markup (panel_markers): a control that
# opens one (aria-controls), an accordion header (aria-expanded), a block labelled by a heading or tab
# (aria-labelledby), a tab panel, a tab (ARIA's role="tab", or Bootstrap's data-toggle="tab" naming its
# panel by href="#id").
_PANEL_TESTS = {"controls": "@aria-controls", "expanded": "@aria-expanded", "labelledby": "@aria-labelledby",
                "tabpanel": "@role='tabpanel'", "tab": "@role='tab' or @data-toggle or @data-bs-toggle"}
PANEL_MARKERS = frozenset(_PANEL_TESTS)
# (Apart: one pattern with all the alternatives costs ten times as much as these.)
_ARIA_PANEL = re.compile(r"aria-(controls|expanded|labelledby)")
_TAB_TOGGLE = re.compile(r"=[\"']?(?:tab|pill)\b")  # role="tab", data-toggle="tab", data-bs-toggle="pill"


def panel_markers(markup: str) -> frozenset[str]:
    """Which of the panel makers the page's markup names (a string search costs a fraction of an
    XPath walk, and each attribute an XPath tests costs as much as the walk)."""
    found = set(_ARIA_PANEL.findall(markup))
    if "tabpanel" in markup:
        found.add("tabpanel")
    if _TAB_TOGGLE.search(markup):
        found.add("tab")
    return frozenset(found)


@lru_cache(maxsize=32)
def _panel_parts(markers: frozenset[str]) -> etree.XPath:
    return etree.XPath(f"descendant-or-self::*[{' or '.join(_PANEL_TESTS[m] for m in sorted(markers))}]")


_WITH_ID = etree.XPath("descendant-or-self::*[@id]")
_OWN_ID = etree.XPath("boolean(descendant::*[@id = $id])")
_TAB_TOGGLES = frozenset({"tab", "pill"})

_PANEL_RANK = 2


class _Panels:
    """Tabs and accordions: their hidden panels hold the page's text (a reader opens them), and a
    tab panel's heading is its tab, written elsewhere in a tablist (or beside it, as Elementor's
    accordions put each tab over its panel inside one role="tablist")."""

    def __init__(self, container: etree._Element, markers: Collection[str] = PANEL_MARKERS) -> None:
        """Index the panels that controls (tabs, accordion buttons) in `container` open; `markers`:
        the kinds of panel markup the page has (panel_markers)."""
        self.ids: set[str] = set()
        self.tab_names: dict[str, str] = {}
        self.named: dict[etree._Element, str] = {}  # a block whose heading stands elsewhere (aria-labelledby)
        self.elsewhere: set[etree._Element] = set()  # tabs, read as their panels' headings (and lists of them)
        parts = _panel_parts(frozenset(markers))(container) if markers else []
        self.active = bool(parts)
        if not self.active:
            return
        self._by_id: dict[str, etree._Element] | None = None
        self._container = container
        tabs: list[tuple[etree._Element, list[str]]] = []  # (tab, the ids of the panels it opens)
        buttons: list[tuple[etree._Element, list[str]]] = []
        labelled: list[etree._Element] = []
        opened = False  # an accordion header or a tab panel: panels even when no control names them
        for el in parts:
            controls = (el.get("aria-controls") or "").split()
            self.ids.update(controls)
            opened = opened or el.get("aria-expanded") is not None or el.get("role") == "tabpanel"
            if el.get("aria-labelledby") and el is not container:
                labelled.append(el)
            # (Bootstrap 5 names a tab's panel in data-bs-target, on a <button> that has no href.)
            href = el.get("data-bs-target") or el.get("data-target") or el.get("href") or ""
            toggle = (el.get("data-toggle") or el.get("data-bs-toggle") or "").lower()
            if el.get("role") == "tab" or toggle in _TAB_TOGGLES:
                tabs.append((el, controls or ([href[1:]] if href.startswith("#") and len(href) > 1 else [])))
            elif controls:
                buttons.append((el, controls))
        # A button opening a role="tabpanel" is that panel's tab, whatever it calls itself.
        tabs += [(el, ids) for el, ids in buttons if any(self._role(i) == "tabpanel" for i in ids)]
        for tab, panel_ids in tabs:
            name = collapse(text_of(tab))
            for panel_id in panel_ids:
                self.ids.add(panel_id)
                if name:
                    self.tab_names.setdefault(panel_id, name)
        labelling_tabs = {tab.get("id"): tab for tab, _ in tabs if tab.get("id")}
        for block in labelled:
            ref = (block.get("aria-labelledby") or "").split()[0]
            if _OWN_ID(block, id=ref):
                continue  # (mostly: a <section> labelled by its own heading, read in order)
            named = labelling_tabs.get(ref)
            if named is not None and block.get("id") and (name := collapse(text_of(named))):
                self.tab_names.setdefault(block.get("id"), name)  # a panel naming its tab, the tab naming nothing
                self.ids.add(block.get("id"))
                tabs.append((named, [block.get("id")]))
            elif (named := self._element(ref)) is not None and heading_rank(named) is not None and (
                    name := collapse(text_of(named))):
                # <section aria-labelledby="kt"> whose <h2 id="kt"> stands in a list of headings elsewhere
                self.named[block] = name
                self.elsewhere.add(named)
        for tab, panel_ids in tabs:
            if any(panel_id in self.tab_names for panel_id in panel_ids):
                self.elsewhere.add(tab)
                holder = _list_of(tab)
                if holder is not None and not any(d.get("role") == "tabpanel" or d.get("id") in self.ids
                                                  for d in holder.iter()):
                    self.elsewhere.add(holder)  # (a tablist holding its panels is read, but for its tabs)
        # (a page whose only such markup is <section aria-labelledby> around its own heading has no panels)
        self.active = bool(self.ids or self.named or opened)

    def _element(self, element_id: str) -> etree._Element | None:
        if self._by_id is None:
            self._by_id = {el.get("id"): el for el in _WITH_ID(self._container)}
        return self._by_id.get(element_id)

    def _role(self, element_id: str) -> str | None:
        el = self._element(element_id)
        return el.get("role") if el is not None else None

    def is_panel(self, el: etree._Element) -> bool:
        """A tab panel, a panel a control opens, or the body right after an accordion's header."""
        if not self.active:
            return False
        if el.get("role") == "tabpanel" or el.get("id") in self.ids or el in self.named:
            return True
        before = el.getprevious()
        return before is not None and isinstance(before.tag, str) and (
            before.get("aria-expanded") is not None or before.find(".//*[@aria-expanded]") is not None)

    def heading(self, el: etree._Element) -> str | None:
        """The tab naming this panel, when its tablist is elsewhere."""
        if el in self.named:
            return self.named[el]
        return self.tab_names.get(el.get("id") or "") if el.get("id") in self.ids or el.get("role") == "tabpanel" else None

    def read_elsewhere(self, el: etree._Element) -> bool:
        """A tab whose name is read as its panel's heading (or a list of such tabs, its panels elsewhere)."""
        return el in self.elsewhere


def _links(a: etree._Element, label_kind: Callable[[str], str | None]) -> bool:
    """An <a> that links somewhere, or is a button ("Share"): not an accordion's header written as one
    (<a tabindex="0">More Details</a>, href="#": a label that goes nowhere)."""
    return (a.get("href") or "").strip() not in ("", "#") or not label_kind(collapse(text_of(a)))


def _list_of(tab: etree._Element) -> etree._Element | None:
    """The list holding a tab (its role="tablist", or the <ul> of a Bootstrap nav)."""
    for _, anc in zip(range(3), tab.iterancestors()):
        if anc.get("role") == "tablist" or anc.tag in ("ul", "ol", "nav"):
            return anc
    return None


class _NoPanels(_Panels):
    """For containers read without panels (cards)."""

    def __init__(self) -> None:
        """Inactive: nothing is a panel."""
        self.ids, self.tab_names, self.named, self.elsewhere, self.active = set(), {}, {}, set(), False


_NO_PANELS = _NoPanels()


# Boxes a page sets inside its running text (a glossary aside, an inline sign-up form): left out, but the
# text around them is one section (so is the text around a skipped element: a rating line, a card).
_INLINE_BOX_TAGS = frozenset({"aside", "form"})
_TEXT_TAGS = frozenset({"p", "ul", "ol", "blockquote"})


def _text_block(el: etree._Element | None) -> bool:
    """A paragraph or list with words in it."""
    return el is not None and el.tag in _TEXT_TAGS and bool(text_of(el).strip())


# What may come before a box set inside a text besides a paragraph: the text's heading, or a picture.
_BEFORE_INLINE_BOX = frozenset({*H_TAGS, "figure", "picture", "img", "video", "iframe"})


def _mid_text(el: etree._Element, box: bool = False) -> bool:
    """Between two paragraphs of one text (an aside, a form, a skipped rating line): inside a section, not
    its end; a `box` (aside, form) may also open the text under its heading or follow a figure in it."""
    before = el.getprevious()
    return _text_block(el.getnext()) and (_text_block(before) or (
        box and before is not None and before.tag in _BEFORE_INLINE_BOX))


def _holds_its_text(section: etree._Element) -> bool:
    """A <section> that holds a heading and text after it: the heading's text ends where it ends (an
    "Editor's note" box set after it is not the section's)."""
    heading = next((el for el in section.iter() if el.tag in H_TAGS or el.get("role") == "heading"), None)
    return heading is not None and any(_text_block(el) or _text_div(el) for el in heading.itersiblings())


def _text_div(el: etree._Element) -> bool:
    """A paragraph set as a <div> (<div>This was a small study.</div>): text, no block inside (a field's
    box of paragraphs is not one: the text may go on in the next box, after the <section>)."""
    return el.tag == "div" and bool(text_of(el).strip()) and not any(d.tag in BLOCK_TAGS for d in el.iterdescendants())


def _blank_line(br: etree._Element) -> bool:
    """The second <br> of a blank line (nothing but space since the one before) outside a <p>, whose
    own <br>s are whitespace (RECORD.md)."""
    before = br.getprevious()
    parent = br.getparent()
    return (before is not None and before.tag == "br" and not (before.tail or "").strip()
            and parent is not None and parent.tag != "p")


def _names_itself(panel: etree._Element, tab: str) -> bool:
    """A panel that opens with its tab's name (<h2>Key Takeaway</h2>, <p><b>Key Takeaway</b></p> inside the
    Key Takeaway tab's panel): that line heads the section; the tab's name would make a second, empty one."""
    first = next((el for el in panel.iterdescendants() if isinstance(el.tag, str) and (el.text or "").strip()), None)
    return first is not None and norm_label(text_of(first)) == norm_label(tab)


def _image_text(heading: etree._Element) -> str:
    """A heading drawn as an image: its alt text (<h2><img alt="Key Takeaway"></h2>)."""
    return next((collapse(img.get("alt")) for img in heading.iter("img") if img.get("alt", "").strip()), "")


_CALLOUT_LABEL = 60  # characters: a label, not a paragraph that mentions one


def _callout(el: etree._Element, label_kind: Callable[[str], str | None]) -> bool:
    """An <aside> box headed by one of the summary's own sections (a "Key Takeaway" callout), not a sidebar."""
    if el.tag != "aside":
        return False
    for h in el.iter(*H_TAGS, "strong", "b", "dt", "p", "div", "span"):
        if h.tag in H_TAGS or h.tag in ("strong", "b", "dt") or is_bold(h):
            text = collapse(text_of(h))
            if len(text) <= _CALLOUT_LABEL and label_kind(text.rstrip(": ")) == "section":
                return True
    return False


def linearize(
    container: etree._Element,
    label_kind: Callable[[str], str | None],
    skip: Collection[etree._Element] = (),
    panels: Collection[str] = PANEL_MARKERS,
) -> list[Event]:
    """Reading-order events for `container`; `skip` elements (e.g. related cards) become boundaries;
    `panels`: the kinds of tab and accordion markup whose hidden panels to read (panel_markers of a
    page's body; a card has none)."""
    flow = _Flow(label_kind)
    tabs = _Panels(container, panels) if panels else _NO_PANELS
    with_panels = tabs.active  # most pages have none: then no per-element panel checks
    panel_ends: set[etree._Element] = set()
    bold = 0
    link = 0
    away = 0  # links to another page around the current element (a heading in one is a card's title)
    # (element, leaving, bold): an element is pushed again to be left, remembering if it was bold.
    stack: list[tuple[etree._Element, bool, bool]] = [(container, False, False)]
    while stack:
        el, leaving, bolded = stack.pop()
        if leaving:
            if el.tag in BLOCK_TAGS:
                flow.flush()
            if (panel_ends and el in panel_ends) or (el.tag == "section" and el is not container and _holds_its_text(el)):
                flow.events.append(Event("boundary", el=el))
            if bolded:
                bold -= 1
            if el.tag == "a" and _links(el, label_kind):
                link -= 1
                away -= _goes_away(el)
            if el is not container:
                flow.add(el.tail, bold > 0, link > 0)
            continue
        tail = el.tail if el is not container else None
        if not isinstance(el.tag, str):
            flow.add(tail, bold > 0, link > 0)
            continue
        if el in skip or (el is not container and is_zone(el) and not _callout(el, label_kind)):
            if (el in skip or el.tag in _INLINE_BOX_TAGS) and _mid_text(el, box=el.tag in _INLINE_BOX_TAGS):
                flow.add(tail, bold > 0, link > 0)
                continue
            flow.flush()
            flow.events.append(Event("boundary", el=el))
            flow.add(tail, bold > 0, link > 0)
            continue
        panel = with_panels and tabs.is_panel(el)
        if (el is not container and is_hidden(el) and not panel) or (with_panels and tabs.read_elsewhere(el)):
            flow.add(tail, bold > 0, link > 0)
            continue
        if panel:
            panel_ends.add(el)  # the panel's heading owns its text only: a boundary when it closes
            if (tab := tabs.heading(el)) and not _names_itself(el, tab):
                flow.flush()
                flow.events.append(Event("heading", tab, _PANEL_RANK, el=el))
        if el.tag == "br":
            if _blank_line(el):
                flow.flush()  # text<br><br>text outside a <p>: two paragraphs, as a reader sees them
            else:
                flow.line_break(bold > 0, link > 0)
            flow.add(tail, bold > 0, link > 0)
            continue
        if el.tag == "img" and (alt := collapse(el.get("alt"))) and label_kind(alt):
            flow.add(alt, bold > 0, link > 0)  # a label drawn as an image ("Key Takeaway" as a picture)
            flow.add(tail, bold > 0, link > 0)
            continue
        rank = heading_rank(el)
        if rank is not None:
            text = collapse(text_of(el)) or _image_text(el)
            if text:
                flow.flush()
                flow.events.append(Event("heading", text, rank, el=el, linked=away > 0 or _links_away(el, text)))
                flow.add(tail, bold > 0, link > 0)
                continue
        if el.tag in BLOCK_TAGS:
            flow.flush()
        bolded = is_bold(el)
        if bolded:
            bold += 1
        if el.tag == "a" and _links(el, label_kind):
            link += 1
            away += _goes_away(el)
        flow.add(el.text, bold > 0, link > 0)
        stack.append((el, True, bolded))
        stack.extend((child, False, False) for child in reversed(el))
    flow.flush()
    return flow.events
