"""Bytes to text: HTTP header, BOM, <meta charset>, then detection, so windows-1252 pages come out right."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from w3lib.encoding import html_body_declared_encoding, html_to_unicode

_DETECT_BYTES = 64 * 1024
# Browsers read these labels as windows-1252 (WHATWG Encoding), and so must we.
_WHATWG = {"ascii": "cp1252", "us-ascii": "cp1252", "iso-8859-1": "cp1252", "latin-1": "cp1252", "latin1": "cp1252"}
# C0 controls other than tab/newline/CR carry no text and upset lxml; form feed and vertical tab
# are whitespace (HTML counts FF as a space between words), so they become spaces.
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f]")



def content_type(headers: Mapping[str, Any] | None) -> str | None:
    """The Content-Type header value (any key case, str or bytes values), or None."""
    if not headers:
        return None
    try:
        items = list(headers.items())
    except Exception:  # headers of an unexpected type are just ignored
        return None
    for key, value in items:
        if isinstance(key, bytes):
            key = key.decode("latin-1", "replace")
        if str(key).lower() != "content-type":
            continue
        if isinstance(value, (list, tuple)):
            value = value[0] if value else ""
        if isinstance(value, bytes):
            value = value.decode("latin-1", "replace")
        return str(value)
    return None


def _detect(body: bytes) -> str:
    """Encoding of an undeclared page: UTF-8 if it decodes strictly, else windows-1252 (what
    browsers assume in English-speaking locales, WHATWG) unless the text then reads as another
    script's code page, else the first of bs4's candidates that decodes."""
    try:
        body.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    sample = body[:_DETECT_BYTES]
    cut = sample[: len(sample) - 4 if len(body) > len(sample) else None]
    try:
        if _latin_script(cut.decode("cp1252")):
            return "cp1252"
    except UnicodeDecodeError:  # one of the five bytes windows-1252 leaves undefined
        pass
    # Imported here: bs4 costs ~60 ms to import, and only pages in other scripts get this far.
    from bs4.dammit import EncodingDetector

    for encoding in EncodingDetector(sample, is_html=True).encodings:
        name = _WHATWG.get(encoding.lower().replace("_", "-"), encoding)
        try:
            cut.decode(name)
        except (ValueError, LookupError):  # undecodable, unknown, or a name with a NUL in it
            continue
        return name
    return "cp1252"


_WORD = re.compile(r"[^\W\d_]+")


def _latin_script(text: str) -> bool:
    """True when text read as windows-1252 looks like a Latin-script language: its words with
    accented letters are mostly ASCII letters (caf\u00e9, na\u00efve). Cyrillic, Greek or Hebrew bytes
    read as windows-1252 make whole words of accented letters instead.

    Hand-written: charset detectors guess among 8-bit Latin code pages almost at random on English
    text (windows-1250 turns "na\u00efve" into "na\u010fve"), and this is the one question to settle."""
    accented = foreign = 0
    for word in _WORD.findall(text):
        if word.isascii():
            continue
        accented += 1
        if len(word) >= 3 and not any(c.isascii() for c in word):
            foreign += 1
    return foreign * 2 <= accented


def _wide(encoding: str) -> bool:
    return encoding.lower().replace("_", "-").startswith(("utf-16", "utf-32"))


def _misdeclared(raw: bytes, text: str, encoding: str) -> bool:
    """True when the header's charset cannot be the page's: UTF-16/32 over bytes with no NUL in
    them (HTML in UTF-16 is half NULs), or a single-byte charset or UTF-8 whose reading the page's
    own <meta> contradicts (U+FFFD in the text; valid non-ASCII UTF-8 that says it is UTF-8)."""
    if _wide(encoding):
        return b"\x00" not in raw[:1024]
    if "\ufffd" in text:
        own = html_body_declared_encoding(raw)
        return bool(own) and own != encoding
    if encoding == "cp1252" and not raw.isascii() and html_body_declared_encoding(raw) == "utf-8":
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            return False
        return True
    return False


def _spaces(text: str) -> str:
    """Form feed and vertical tab as spaces (str.replace: str.translate costs ~25 ns a character)."""
    return text.replace("\x0b", " ").replace("\x0c", " ")


def decode_body(body: bytes | str | None, headers: Mapping[str, Any] | None = None) -> tuple[str, str]:
    """Page text and the encoding used; w3lib applies the WHATWG order (BOM, header, meta)."""
    if body is None:
        return "", "none"
    if not isinstance(body, str):
        raw = bytes(body)
        declared = content_type(headers)
        encoding, text = html_to_unicode(declared, raw, auto_detect_fun=_detect)
        if declared and _misdeclared(raw, text, encoding):
            # A header that names the wrong charset (utf-8 over a windows-1252 page whose <meta> says
            # so, a server's default latin-1 over UTF-8): browsers show the damage; an archive had
            # better read the page as it says it is, or as its bytes show.
            other, again = html_to_unicode(None, raw, auto_detect_fun=_detect)
            if "\ufffd" not in text or again.count("\ufffd") < text.count("\ufffd"):
                encoding, text = other, again
        if _wide(encoding) and b"\x00" not in raw[:1024]:
            # A page whose own bytes declare UTF-16 is not UTF-16 (it would be half NULs): WHATWG's
            # prescan reads such a <meta> as UTF-8, and so do browsers.
            encoding, text = html_to_unicode(f"text/html; charset={_detect(raw)}", raw)
        return _spaces(_CONTROLS.sub("", text)), encoding
    text = _spaces(_CONTROLS.sub("", body))
    # Lone surrogates (only possible in str input) cannot be handed to lxml.
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = text.encode("utf-8", "replace").decode("utf-8")
    return text, "unicode"
