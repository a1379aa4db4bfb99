"""An HTTP payload as stored in a WARC record: de-chunked and decoded here, and told whole or cut.

Hand-written: warcio decodes only some codings (its brotli reader expects the brotlipy API, not Google's
brotli module that Scrapy installs; it has no zstd) and, like zlib's stream readers, keeps quiet about a
compressed stream that stops early or a record shorter than its Content-Length."""

from __future__ import annotations

import zlib
from typing import BinaryIO

import zstandard
from warcio.bufferedreaders import ChunkedDataReader
from warcio.limitreader import LimitReader

try:  # installed with Scrapy (it decodes br with it); without it, br pages cannot be read
    import brotli
except ImportError:  # pragma: no cover - depends on the installed extras
    brotli = None


class Cut(ValueError):
    """The payload is not whole: it would be archived as a page it never was."""


def read_payload(record_stream: BinaryIO, chunked: bool) -> bytes:
    """The record's HTTP body as sent (chunking undone); Cut when the record ends before its Content-Length."""
    data = (ChunkedDataReader(record_stream) if chunked else record_stream).read()
    if isinstance(record_stream, LimitReader) and record_stream.limit > 0:
        raise Cut(f"record ends {record_stream.limit} bytes before its Content-Length (file cut short?)")
    return data


def decoded(data: bytes, codings: str | None) -> bytes:
    """The body with its Content-Encoding (gzip, deflate, br, zstd; in the order applied) undone; Cut when a
    compressed stream stops before its end, ValueError for a coding this cannot undo."""
    for coding in reversed([c.strip().lower() for c in (codings or "").split(",") if c.strip()]):
        if coding == "identity":
            continue
        if coding in ("gzip", "x-gzip"):
            data = _zlib(data, 16 + zlib.MAX_WBITS, coding)
        elif coding == "deflate":  # (zlib-wrapped, else raw deflate, as browsers and Scrapy read it)
            try:
                data = _zlib(data, zlib.MAX_WBITS, coding)
            except zlib.error:
                data = _zlib(data, -zlib.MAX_WBITS, coding)
        elif coding == "br" and brotli is not None:
            stream = brotli.Decompressor()
            data = stream.process(data)
            if not stream.is_finished():
                raise Cut("br stream cut short")
        elif coding == "zstd":
            stream = zstandard.ZstdDecompressor().decompressobj()
            out = stream.decompress(data)
            if not stream.eof:
                raise Cut("zstd stream cut short")
            data = out
        else:
            raise ValueError(f"Content-Encoding {coding} not supported")
    return data


def _zlib(data: bytes, wbits: int, coding: str) -> bytes:
    out = []
    while True:
        stream = zlib.decompressobj(wbits)
        out.append(stream.decompress(data))
        if not stream.eof:
            raise Cut(f"{coding} stream cut short")
        data = stream.unused_data
        if not (data[:2] == b"\x1f\x8b" and wbits & 16):  # (a gzip body of several members)
            return b"".join(out)
