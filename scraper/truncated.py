"""A compressed body whose stream stops early: Scrapy's HttpCompressionMiddleware keeps what it could
decompress and says nothing, so a cut page (gzip sent whole to the transport, cut by the server)
would be archived as if whole. No Scrapy setting checks that the stream ended; this does."""

from __future__ import annotations

import zlib
from collections.abc import Callable

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Response

try:  # what Scrapy itself decompresses br and zstd with; without them, it cannot either
    import brotli
except ImportError:  # pragma: no cover - depends on the installed extras
    brotli = None
try:
    from backports import zstd
except ImportError:  # pragma: no cover
    zstd = None

TRUNCATED_FLAG = "truncated-coding"
_CHUNK = 65536


def _zlib_ends(body: bytes, wbits: int, limit: int) -> bool:
    """The zlib/gzip/raw-deflate stream in `body` reaches its end (read at most `limit` bytes out)."""
    stream = zlib.decompressobj(wbits)
    data, out = body, 0
    while data and not stream.eof:
        out += len(stream.decompress(data, _CHUNK))
        data = stream.unconsumed_tail
        if limit and out > limit:
            return True  # over DOWNLOAD_MAXSIZE: HttpCompressionMiddleware refuses it anyway
    if stream.eof and stream.unused_data[:2] == b"\x1f\x8b" and wbits & 16:
        return _zlib_ends(stream.unused_data, wbits, limit)  # a gzip body of several members
    return stream.eof


def _gzip_ends(body: bytes, limit: int) -> bool:
    return _zlib_ends(body, 16 + zlib.MAX_WBITS, limit)


def _deflate_ends(body: bytes, limit: int) -> bool:
    # As Scrapy reads "deflate": zlib-wrapped, else raw deflate (as some servers send it).
    try:
        return _zlib_ends(body, zlib.MAX_WBITS, limit)
    except zlib.error:
        return _zlib_ends(body, -zlib.MAX_WBITS, limit)


def _brotli_ends(body: bytes, limit: int) -> bool:
    stream = brotli.Decompressor()
    out = len(stream.process(body, output_buffer_limit=_CHUNK))
    while not stream.is_finished() and (chunk := stream.process(b"", output_buffer_limit=_CHUNK)):
        out += len(chunk)
        if limit and out > limit:
            return True
    return stream.is_finished()


def _zstd_ends(body: bytes, limit: int) -> bool:
    stream = zstd.ZstdDecompressor()
    data, out = body, 0
    while not stream.eof:
        out += len(stream.decompress(data, _CHUNK))
        data = b""
        if (limit and out > limit) or stream.needs_input:
            break
    return stream.eof


_CHECKS: dict[str, Callable[[bytes, int], bool]] = {"gzip": _gzip_ends, "x-gzip": _gzip_ends, "deflate": _deflate_ends}
if brotli is not None:
    _CHECKS["br"] = _brotli_ends
if zstd is not None:
    _CHECKS["zstd"] = _zstd_ends


def coding_ends(body: bytes, coding: str, limit: int = 0) -> bool:
    """True unless `body`, compressed with `coding`, stops before its stream's end (a coding this module
    cannot check, or data that is no such stream at all, counts as ending: HttpCompressionMiddleware
    judges those)."""
    check = _CHECKS.get(coding)
    if check is None or not body:
        return True
    try:
        return check(body, limit)
    except Exception:  # (zlib.error, brotli.error, ZstdError: not a stream of this coding)
        return True


class TruncatedCodingMiddleware:
    """Flags a response whose outermost Content-Encoding stream ends early (TRUNCATED_FLAG): the retry
    middleware asks again, and the spider records an error instead of a cut page.

    Sits just before HttpCompressionMiddleware (590) on the way in, so it sees the body as sent."""

    def __init__(self, limit: int) -> None:
        self.limit = limit

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> TruncatedCodingMiddleware:
        """DOWNLOAD_MAXSIZE bounds the check's own decompression, as it bounds Scrapy's."""
        return cls(crawler.settings.getint("DOWNLOAD_MAXSIZE"))

    def process_response(self, request: Request, response: Response) -> Response:
        """The response, flagged when its compressed body is cut."""
        header = response.headers.get(b"Content-Encoding")
        if not header or request.method == "HEAD":
            return response
        coding = header.decode("latin-1").split(",")[-1].strip().lower()
        if not coding_ends(response.body, coding, self.limit):
            return response.replace(flags=[*response.flags, f"{TRUNCATED_FLAG}:{coding}"])
        return response


def truncated_coding(response: Response) -> str | None:
    """What is wrong with a response TruncatedCodingMiddleware flagged, else None."""
    for flag in response.flags:
        if flag.startswith(f"{TRUNCATED_FLAG}:"):
            return f"{flag.split(':', 1)[1]} body cut short (its compressed stream ends early)"
    return None
