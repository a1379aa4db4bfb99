"""Flatten a tree into reading order: headings, paragraph-level text blocks, and boundaries (site chrome)."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass

from lxml import etree

from parsers.headings import BLOCK_TAGS, WEAK_RANK, heading_rank, is_bold, is_hidden, is_zone
from parsers.text import collapse, text_of

_MAX_BOLD_HEADING_WORDS = 12


@dataclass(slots=True)
class Event:
    """One item in reading order: kind is 'heading', 'block' or 'boundary'."""

    kind: str
    text: str = ""
    rank: int = 0
    link_ratio: float = 0.0
    el: etree._Element | None = None
    linked: bool = False  # a heading that is a link to another page: a card or menu title, not a section


def _nonspace(text: str) -> int:
    """Count of non-whitespace characters."""
    return len("".join(text.split()))


class _Flow:
    """Accumulates inline text and turns it into events when a block ends."""

    def __init__(self, label_kind: Callable[[str], str | None]) -> None:
        """Start with no events; `label_kind` tells which block texts are profile labels."""
        self.events: list[Event] = []
        self.parts: list[tuple[str, bool, bool]] = []
        self.label_kind = label_kind

    def add(self, text: str | None, bold: bool, link: bool) -> None:
        """Append inline text with its bold/link state."""
        if text:
            self.parts.append((text, bold, link))

    def flush(self) -> None:
        """End the current block: emit it as a heading (bold-only, a label) or a text block."""
        if not self.parts:
            return
        parts, self.parts = self.parts, []
        text = collapse("".join(p[0] for p in parts))
        if not text:
            return
        total = _nonspace(text)
        bold = sum(_nonspace(t) for t, b, _ in parts if b)
        links = sum(_nonspace(t) for t, _, a in parts if a)
        if bold >= total and len(text.split()) <= _MAX_BOLD_HEADING_WORDS and not text.endswith("."):
            self.events.append(Event("heading", text, WEAK_RANK))
            return
        if self.label_kind(text):
            self.events.append(Event("heading", text, WEAK_RANK))
            return
        lead = self._leading_label(parts)
        if lead is not None:
            head, rest = lead
            self.events.append(Event("heading", head, WEAK_RANK))
            self.events.append(Event("block", rest, link_ratio=0.0))
            return
        self.events.append(Event("block", text, link_ratio=links / total if total else 0.0))

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


def _links_away(el: etree._Element, text: str) -> bool:
    """The heading's text is a link to another page (not an in-page #anchor)."""
    link_text = "".join(
        text_of(a) for a in el.iter("a") if not (a.get("href") or "#").strip().startswith("#")
    )
    return bool(link_text) and collapse(link_text) == text


def linearize(
    container: etree._Element,
    label_kind: Callable[[str], str | None],
    skip: Collection[etree._Element] = (),
) -> list[Event]:
    """Reading-order events for `container`; `skip` elements (e.g. related cards) become boundaries."""
    flow = _Flow(label_kind)
    bold = 0
    link = 0
    # (element, leaving, bold): an element is pushed again to be left, remembering if it was bold.
    stack: list[tuple[etree._Element, bool, bool]] = [(container, False, False)]
    while stack:
        el, leaving, bolded = stack.pop()
        if leaving:
            if el.tag in BLOCK_TAGS:
                flow.flush()
            if bolded:
                bold -= 1
            if el.tag == "a":
                link -= 1
            if el is not container:
                flow.add(el.tail, bold > 0, link > 0)
            continue
        tail = el.tail if el is not container else None
        if not isinstance(el.tag, str):
            flow.add(tail, bold > 0, link > 0)
            continue
        if el in skip or (el is not container and is_zone(el)):
            flow.flush()
            flow.events.append(Event("boundary", el=el))
            flow.add(tail, bold > 0, link > 0)
            continue
        if is_hidden(el):
            flow.add(tail, bold > 0, link > 0)
            continue
        if el.tag == "br":
            flow.add(" ", bold > 0, link > 0)
            flow.add(tail, bold > 0, link > 0)
            continue
        rank = heading_rank(el)
        if rank is not None:
            text = collapse(text_of(el))
            if text:
                flow.flush()
                flow.events.append(Event("heading", text, rank, el=el, linked=_links_away(el, text)))
                flow.add(tail, bold > 0, link > 0)
                continue
        if el.tag in BLOCK_TAGS:
            flow.flush()
        bolded = is_bold(el)
        if bolded:
            bold += 1
        if el.tag == "a":
            link += 1
        flow.add(el.text, bold > 0, link > 0)
        stack.append((el, True, bolded))
        stack.extend((child, False, False) for child in reversed(el))
    flow.flush()
    return flow.events
