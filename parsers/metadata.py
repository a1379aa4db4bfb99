"""Page-level metadata read before cleaning: <title>, OpenGraph/citation meta, canonical link, JSON-LD."""

from __future__ import annotations

import json
from typing import Any

from lxml import etree

from parsers.text import collapse, text_of

_META_KEYS = {
    "og:title": "og_title",
    "twitter:title": "twitter_title",
    "article:published_time": "published",
    "citation_journal_title": "journal",
    "citation_doi": "doi",
    "citation_publication_date": "source_published",
    "citation_date": "source_published",
    "dc.date": "published",
    "dcterms.date": "published",  # Quarto, Zotero-friendly generators
    "og:locale": "locale",
    "content-language": "locale",
    "date": "published",
}
_MAX_LD = 200_000


def _walk_ld(data: Any, out: dict[str, Any]) -> None:
    """Collect headline/name/datePublished from a JSON-LD document (objects, lists, @graph)."""
    stack = [data]
    seen = 0
    while stack and seen < 1000:
        seen += 1
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(reversed(item))
            continue
        if not isinstance(item, dict):
            continue
        types = item.get("@type")
        types = types if isinstance(types, list) else [types]
        is_page = any(isinstance(t, str) and ("Article" in t or t in ("WebPage", "BlogPosting", "Report")) for t in types)
        if is_page:
            for key, name in (("headline", "ld_title"), ("name", "ld_name"), ("datePublished", "ld_published")):
                value = item.get(key)
                if isinstance(value, str) and name not in out:
                    out[name] = collapse(value)
            for key in ("isBasedOn", "citation"):
                _study(item.get(key), out)
        graph = item.get("@graph")
        if isinstance(graph, list):
            stack.extend(reversed(graph))


def _study(value: Any, out: dict[str, Any]) -> None:
    """The study a summary is based on (JSON-LD isBasedOn/citation): its journal, date, DOI and
    address, as the Highwire citation_* tags give them."""
    study = next((v for v in (value if isinstance(value, list) else [value]) if isinstance(v, dict)), None)
    if study is None:
        return
    periodical, hops = study.get("isPartOf"), 0
    while isinstance(periodical, dict) and hops < 3:  # PublicationIssue -> PublicationVolume -> Periodical
        if isinstance(periodical.get("name"), str) and not periodical.get("isPartOf"):
            out.setdefault("journal", collapse(periodical["name"]))
            break
        periodical, hops = periodical.get("isPartOf"), hops + 1
    if isinstance(study.get("datePublished"), str):
        out.setdefault("source_published", collapse(study["datePublished"]))
    if isinstance(study.get("url"), str) and study["url"].strip().lower().startswith(("http://", "https://")):
        out.setdefault("source_url", study["url"].strip())
    ids = [study.get(k) for k in ("identifier", "sameAs", "url", "@id")]
    for each in (i for v in ids for i in (v if isinstance(v, list) else [v])):
        text = each.get("value") if isinstance(each, dict) else each
        if isinstance(text, str) and "10." in text and ("doi" in text.lower() or text.strip().startswith("10.")):
            out.setdefault("doi", text.strip())
            break


def read_metadata(root: etree._Element) -> dict[str, Any]:
    """Metadata strings found in the raw tree (before scripts are stripped)."""
    out: dict[str, Any] = {}
    if lang := root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang"):
        out["lang"] = lang.strip()
    for el in root.iter("title", "meta", "link", "base", "script"):
        tag = el.tag
        if tag == "title" and "title" not in out:
            out["title"] = collapse(text_of(el))
        elif tag == "meta":
            key = (el.get("property") or el.get("name") or el.get("itemprop") or el.get("http-equiv") or "").strip().lower()
            name = _META_KEYS.get(key)
            content = el.get("content")
            if name and content and name not in out:
                out[name] = collapse(content)
        elif tag == "link":
            rels = (el.get("rel") or "").lower().split()
            if "canonical" in rels and el.get("href") and "canonical" not in out:
                out["canonical"] = el.get("href").strip()
            elif "alternate" in rels and el.get("hreflang") and el.get("href"):
                out.setdefault("alternates", []).append((el.get("hreflang").strip().lower(), el.get("href").strip()))
        elif tag == "base" and el.get("href") and "base" not in out:
            out["base"] = el.get("href").strip()
        elif tag == "script" and (el.get("type") or "").strip().lower() == "application/ld+json":
            raw = el.text or ""
            if len(raw) > _MAX_LD:
                continue
            try:
                _walk_ld(json.loads(raw, strict=False), out)
            except (ValueError, RecursionError):
                continue
    return out
