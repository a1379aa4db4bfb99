"""Whitespace collapsing and label normalisation shared by every extractor."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

_TRAILING_PUNCT = re.compile(r"[\s:\-\u2013\u2014|\uff1a\uff5c]+$")  # (also full-width ： and ｜)
_LABEL_END = " :-\u2013\u2014|\uff1a\uff5c"  # _TRAILING_PUNCT's characters once whitespace is collapsed
_FINAL_PUNCT = tuple('.!?"\')\u201d\u2019\u00bb]\u3002\uff01\uff1f\u061f\u06d4\u0964\u300d\u300f\uff09')  # (also 。！？؟۔।」』）)
_ELLIPSIS = ("...", "\u2026")
# A paragraph of prose (not a caption, byline or footnote) has at least this many words.
PROSE_WORDS = 12
# Characters that draw nothing (zero-width space, word joiner, BOM, soft hyphen): CMSs put them in
# headings ("Key Takeaway\u200b") where they would make a label unrecognisable. Joiners (ZWJ, ZWNJ)
# stay: they shape emoji and scripts.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u2060\ufeff\u00ad"))
# A joiner beside a Latin letter, digit or punctuation mark ("Inter\u200cest", "outcomes.\u200d") joins
# nothing a reader sees there; between emoji or in other scripts it stays.
_LATIN_JOINER = re.compile(r"(?<=[\x00-\x7f])[\u200c\u200d]+|[\u200c\u200d]+(?=[\x00-\x7f])|^[\u200c\u200d]+|[\u200c\u200d]+$")


def collapse(text: str | None) -> str:
    """All runs of whitespace (nbsp included) become one space, invisible characters go; trimmed. Text
    is in Unicode's composed form (NFC): "e" and a combining accent read as the "é" a re-saved page holds."""
    if not text:
        return ""
    if not text.isascii():  # (O(1) in CPython: most text on most pages skips the translation)
        text = text.translate(_INVISIBLE)
        if "\u200c" in text or "\u200d" in text:
            text = _LATIN_JOINER.sub("", " ".join(text.split()))
        text = unicodedata.normalize("NFC", text)
    return " ".join(text.split())


def text_of(el: Any) -> str:
    """All text inside an element (not its tail), like lxml.html's text_content()."""
    return "".join(el.itertext())


def norm_label(text: str | None) -> str:
    """Comparable form of a visible label: collapsed, case-folded, no trailing colon or dash."""
    # rstrip, not _TRAILING_PUNCT: collapse() left no whitespace but single spaces, and a regex anchored
    # at the end still scans the whole string (a 5 MB heading is compared many times).
    label = collapse(text)
    if not label.isascii():  # (full-width letters, ligatures: "Ｉnterest" is the label "Interest")
        label = unicodedata.normalize("NFKC", label)
    return label.rstrip(_LABEL_END).casefold()


# A label's trivial variants, as people retype a site's labels: "&" or "+" for "and", a contraction's
# ending ("What They've Found"), punctuation inside ("Who Should Care, and Why?"), plural endings.
_AND_SIGN = re.compile(r"\s*[&+]\s*")
_CONTRACTION_END = re.compile(r"['\u2019](?:ve|re|ll|d|s)\b")
_NOT_WORD = re.compile(r"[^\w\s]+")


def loose_label(text: str | None) -> str:
    """norm_label() without a label's trivial variants (see above): "Key Takeaways", "Who Should Care
    & Why" and "Who Should Care, and Why?" compare equal to the labels they retype."""
    words = _NOT_WORD.sub(" ", _CONTRACTION_END.sub("", _AND_SIGN.sub(" and ", norm_label(text)))).split()
    return " ".join(w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w for w in words)


def strip_label_punct(text: str) -> str:
    """A heading as the page spells it, minus the colon that separates it from its text."""
    return _TRAILING_PUNCT.sub("", text).strip()


def looks_truncated(text: str) -> bool:
    """True when the site cut the text: an ellipsis (at its end, or at its start: a search result's
    snippet), or no final punctuation."""
    text = text.strip()
    if not text:
        return False
    if text.startswith(_ELLIPSIS):
        return True
    if text.rstrip(")]").rstrip().endswith(_ELLIPSIS):  # "...", "…", "[...]", "(…)"
        return True
    return not text.endswith(_FINAL_PUNCT)


def word_count(text: str) -> int:
    """Number of whitespace-separated words."""
    return len(text.split())
