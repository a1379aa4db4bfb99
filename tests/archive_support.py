"""Records, pages and toy parsers for the archive tests (picklable, so process pools can use them)."""

from __future__ import annotations

import copy
import html
import json
import re
import sys
from typing import Any

HEADINGS = ("Key Takeaway", "What They Found", "Who Should Care and Why", "Important Considerations")


def make_record(url: str, **changes: Any) -> dict:
    """A summary record in RECORD.md shape; keyword arguments replace top-level parts."""
    slug = url.rstrip("/").rsplit("/", 1)[-1]
    record = {
        "url": url,
        "page_type": "summary",
        "title": f"Study {slug}: how immune changes could help manage headaches",
        "ratings": {
            "credibility": {"value": 4, "max": 5, "label": None, "raw": "4 out of 5"},
            "interest": {"value": None, "max": None, "label": "High", "raw": "High"},
        },
        "sections": [
            {"heading": h, "text": f"{h} of {slug}: researchers looked at tiny proteins in blood."}
            for h in HEADINGS
        ],
        "source": {"journal": "Annals of neurology", "url": f"https://doi.org/10.1000/{slug}",
                   "doi": f"10.1000/{slug}", "published": "2026-01-05"},
        "related": [],
        "published": "2026-02-01",
        "warnings": [],
        "parser_version": "1",
    }
    record.update(copy.deepcopy(changes))
    return record


def card(url: str, title: str | None = None) -> dict:
    """A related-article card pointing at `url`."""
    return {"title": title or f"Card for {url}", "url": url, "date": "2026-12-31",
            "excerpt": "Learn how certain gut bacteria can worsen MS symptoms and daily li",
            "excerpt_truncated": True}


def page_for(record: dict) -> bytes:
    """An HTML page carrying the record (visible text plus the record as embedded JSON)."""
    sections = "".join(f"<h2>{html.escape(s['heading'])}</h2><p>{html.escape(s['text'])}</p>"
                       for s in record.get("sections", []))
    data = json.dumps(record).replace("</", "<\\/")
    return (f"<html><head><title>{html.escape(record.get('title') or '')}</title>"
            f'<link rel="canonical" href="{html.escape(record["url"])}"></head>'
            f"<body><h1>{html.escape(record.get('title') or '')}</h1>{sections}"
            f'<script type="application/json" id="record">{data}</script></body></html>').encode()


def _embedded(body: bytes | str) -> dict:
    text = body.decode("utf-8") if isinstance(body, bytes) else body
    match = re.search(r'<script type="application/json" id="record">(.*?)</script>', text, re.S)
    return json.loads(match.group(1).replace("<\\/", "</"))


def parse_v1(body: bytes | str, url: str, headers: Any = None) -> dict:
    """Toy parser version 1: reads the embedded record back as it was stored."""
    return _embedded(body)


def parse_v2(body: bytes | str, url: str, headers: Any = None) -> dict:
    """Toy parser version 2: a 'fixed' parser that trims the title after its colon."""
    record = _embedded(body)
    record["title"] = (record.get("title") or "").split(":", 1)[-1].strip()
    record["parser_version"] = "2"
    return record


def write_forever(db: str, count: int) -> None:
    """Store `count` versions in a loop, printing each committed one (for the kill test)."""
    from archive import Archive

    archive = Archive(db)
    crawl = archive.start_crawl(["https://example.org/"])
    for n in range(count):
        url = f"https://example.org/summaries/s{n % 20}"
        record = make_record(url, title=f"Title revision {n}")
        body = page_for(record) + b"<!--" + b"x" * (n % 7) * 4000 + b"-->"
        outcome = archive.store(crawl, url, record, body, {"Content-Type": "text/html"})
        print(f"{url} {outcome} {record['title']}", flush=True)


if __name__ == "__main__":
    write_forever(sys.argv[1], int(sys.argv[2]))
