"""Bytes to text: HTTP header, BOM, <meta charset>, then detection, so windows-1252 pages come out right."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from bs4.dammit import EncodingDetector
from w3lib.encoding import html_to_unicode

_DETECT_BYTES = 64 * 1024
# Browsers read these labels as windows-1252 (WHATWG Encoding), and so must we.
_WHATWG = {"ascii": "cp1252", "us-ascii": "cp1252", "iso-8859-1": "cp1252", "latin-1": "cp1252", "latin1": "cp1252"}
# C0 controls other than tab/newline/CR carry no text and upset lxml.
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


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
    """Encoding of an undeclared page: UTF-8 if it decodes strictly, else the first of bs4's candidates that does."""
    try:
        body.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    sample = body[:_DETECT_BYTES]
    for encoding in EncodingDetector(sample, is_html=True).encodings:
        name = _WHATWG.get(encoding.lower().replace("_", "-"), encoding)
        try:
            sample[: len(sample) - 4 if len(body) > len(sample) else None].decode(name)
        except (ValueError, LookupError):  # undecodable, unknown, or a name with a NUL in it
            continue
        return name
    return "cp1252"


def decode_body(body: bytes | str | None, headers: Mapping[str, Any] | None = None) -> tuple[str, str]:
    """Page text and the encoding used; w3lib applies the WHATWG order (BOM, header, meta)."""
    if body is None:
        return "", "none"
    if not isinstance(body, str):
        encoding, text = html_to_unicode(content_type(headers), bytes(body), auto_detect_fun=_detect)
        return _CONTROLS.sub("", text), encoding
    text = _CONTROLS.sub("", body)
    # Lone surrogates (only possible in str input) cannot be handed to lxml.
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = text.encode("utf-8", "replace").decode("utf-8")
    return text, "unicode"
