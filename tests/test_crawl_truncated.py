"""Compressed bodies cut short: Scrapy decompresses what it can and says nothing, so the crawler checks
that each stream ends (scraper.truncated); a cut sitemap is an error, not a shorter sitemap."""

from __future__ import annotations

import gzip
import zlib

import brotli
import pytest
from backports import zstd
from scrapy.http import Request, Response

from scraper.truncated import TruncatedCodingMiddleware, coding_ends, truncated_coding
from tests.test_crawl_sitemap import URLSET, _response, _spider

PAGE = b"<!DOCTYPE html><html><body>" + b"".join(b"<p>paragraph %d of the summary</p>" % i for i in range(3000)) \
    + b"</body></html>"


def _raw_deflate(data: bytes) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush()


CODINGS = {
    "gzip": gzip.compress,
    "x-gzip": gzip.compress,
    "deflate": zlib.compress,
    "raw-deflate": _raw_deflate,
    "br": brotli.compress,
    "zstd": zstd.compress,
}


def _coding(name: str) -> str:
    return "deflate" if name == "raw-deflate" else name


@pytest.mark.parametrize("name", CODINGS)
def test_a_whole_stream_ends_and_a_cut_one_does_not(name: str) -> None:
    packed = CODINGS[name](PAGE)
    assert coding_ends(packed, _coding(name))
    for keep in (len(packed) // 3, len(packed) * 2 // 3, len(packed) - 1):
        assert not coding_ends(packed[:keep], _coding(name)), keep


def test_gzip_of_several_members_is_checked_to_its_last() -> None:
    two = gzip.compress(PAGE[:5000]) + gzip.compress(PAGE[5000:])
    assert coding_ends(two, "gzip")
    assert not coding_ends(two[:-10], "gzip")


@pytest.mark.parametrize(("body", "coding"), [
    (PAGE, "gzip"),                  # no stream of that coding at all: HttpCompressionMiddleware judges it
    (b"", "gzip"),
    (PAGE, "identity"),
    (gzip.compress(PAGE, mtime=0)[:100], "x-unknown"),
], ids=["plain-as-gzip", "empty", "identity", "unknown-coding"])
def test_what_is_no_cut_stream_passes(body: bytes, coding: str) -> None:
    assert coding_ends(body, coding)


def test_the_check_stops_at_the_size_limit() -> None:
    # Past DOWNLOAD_MAXSIZE the compression middleware refuses the body: no need to read on.
    cut = gzip.compress(PAGE * 20)[:-100]
    assert not coding_ends(cut, "gzip")
    assert coding_ends(cut, "gzip", limit=len(PAGE))


def _middleware_sees(body: bytes, encoding: str) -> Response:
    request = Request("http://e.org/a")
    response = Response("http://e.org/a", body=body, headers={"Content-Encoding": encoding}, request=request)
    return TruncatedCodingMiddleware(limit=0).process_response(request, response)


def test_the_middleware_flags_a_cut_body_and_names_its_coding() -> None:
    packed = gzip.compress(PAGE)
    assert truncated_coding(_middleware_sees(packed, "gzip")) is None
    problem = truncated_coding(_middleware_sees(packed[: len(packed) // 2], "gzip"))
    assert problem is not None and problem.startswith("gzip body cut short")
    # Codings applied in turn ("gzip, br"): the outermost, the last named, is the stream sent.
    outer = brotli.compress(gzip.compress(PAGE))
    assert truncated_coding(_middleware_sees(outer, "gzip, br")) is None
    assert truncated_coding(_middleware_sees(outer[:-20], "gzip, br")).startswith("br body")  # type: ignore[union-attr]


def test_a_cut_gzipped_sitemap_file_is_an_error_not_a_shorter_sitemap() -> None:
    packed = gzip.compress(URLSET * 1)
    whole = list(_spider().parse_sitemap(_response(packed[: len(packed) // 2], cls=Response)))
    assert [(item["kind"], item["error"], item["transient"]) for item in whole] == [
        ("error", "sitemap: gzip file cut short (its stream ends early)", True)]
    assert _spider()._cut_gzip_file(_response(packed, cls=Response)) is None
