"""Tree rewrites that put a label before what it names, where the markup writes it elsewhere: tabs
written as a row of names and then a row of panels, paired by order alone (no ARIA, no ids: a page
builder's tabs, CSS-only radio tabs); a figure's caption under the table it names."""

from __future__ import annotations

from lxml import etree

from parsers.labels import LabelHit
from parsers.text import collapse, text_of

_CLIMB = 3  # from a name to the box listing all names: <ul><li><a>Name</a></li>...</ul> is two levels


def pair_ordered_tabs(hits: list[LabelHit]) -> bool:
    """Move each run of section names that heads a row of as many panels into those panels, in order,
    as <h3> headings (the names' own box is removed). True when the tree changed."""
    names = {h.el for h in hits if h.kind == "section" and not h.in_tail}
    changed = False
    done: set[etree._Element] = set()
    for hit in hits:
        if hit.el not in names or hit.el in done:
            continue
        found = _tab_row(hit.el, names)
        if found is None:
            continue
        row, items, panels = found
        for item, panel in zip(items, panels):
            heading = etree.Element("h3")
            heading.text = collapse(text_of(item))
            panel.insert(0, heading)
            panel.attrib.pop("hidden", None)  # a reader opens every tab
            done.update(el for el in item.iter() if el in names)
        row.getparent().remove(row)  # (its names now head their panels)
        changed = True
    return changed


def _tab_row(name: etree._Element, names: set[etree._Element]
             ) -> tuple[etree._Element, list[etree._Element], list[etree._Element]] | None:
    """(the box of names, its items, the panels) when `name` is one of two or more names filling a box
    whose next sibling box holds exactly as many panels, none of them naming anything."""
    row = name
    for _ in range(_CLIMB):
        row = row.getparent()
        if row is None or row.tag in ("body", "html"):
            return None
        items = [el for el in row if isinstance(el.tag, str) and el.tag != "input"]
        held = [[el for el in item.iter() if el in names] for item in items]
        if len(items) < 2 or any(len(h) != 1 for h in held):
            continue
        if collapse(text_of(row)).replace(" ", "") != "".join(collapse(text_of(h[0])) for h in held).replace(" ", ""):
            return None  # the box says more than its names: a list, not a tab row
        box = row.getnext()
        while box is not None and (not isinstance(box.tag, str) or box.tag == "input"):
            box = box.getnext()
        if box is None:
            return None
        panels = [el for el in box if isinstance(el.tag, str)]
        if len(panels) == len(items) and all(collapse(text_of(p)) for p in panels) \
                and not any(el in names for p in panels for el in p.iter()):
            return row, items, panels
        return None
    return None


def captions_first(hits: list[LabelHit]) -> bool:
    """Move a label written as a figure's caption under its content (<figure><table>...</table>
    <figcaption>More Details</figcaption>) to the figure's start. True when the tree changed."""
    changed = False
    for hit in hits:
        caption = hit.el
        if hit.kind in ("section", "details", "related") and not hit.in_tail and caption.tag == "figcaption" \
                and (figure := caption.getparent()) is not None and figure[0] is not caption:
            tail, caption.tail = caption.tail, None
            figure.remove(caption)  # (lxml moves an element's tail with it: the text after it stays put)
            if tail:
                last = figure[-1] if len(figure) else None
                if last is not None:
                    last.tail = (last.tail or "") + tail
                else:
                    figure.text = (figure.text or "") + tail
            figure.insert(0, caption)
            changed = True
    return changed
