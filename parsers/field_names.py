"""The names sites give the fields of a study (journal, DOI, date, link), in English and other languages."""

from __future__ import annotations

import re

# Field names, also as sites in other languages write them ("Zeitschrift:", "Revue :", "Fecha:", "発行日：").
KEY_JOURNAL = re.compile(r"journal|published in|publication\b(?!\s*date)|venue|periodical|source|zeitschrift|revue"
                         r"|revista|rivista|tijdschrift|czasopismo|журнал|tidskrift|tidsskrift|lehti|dergi|περιοδικό"
                          r"|مجلة|כתב (?:ה)?עת|期刊|雑誌|掲載誌|ジャーナル|학술지", re.I)
KEY_DOI = re.compile(r"\bdoi\b", re.I)
KEY_DATE = re.compile(r"date|published|year|issued|posted|presented|released|datum|fecha|\bdata\b|ver[öo]ffentlicht"
                      r"|erschienen|publi[ée]|publicad[oa]|pubblicat[oa]|gepubliceerd|opublikowan|опубликован|дата"
                      r"|publicerad|julkaistu|yay[ıi]n|تاريخ|תאריך|発行|発表|出版|发表|日付|日期", re.I)
KEY_URL = re.compile(r"link|url|study|article|paper|original|studie|étude|estudio|estudo|studio|onderzoek|badanie"
                     r"|исследование|ссылка|lien|enlace|collegamento|קישור|رابط|論文|研究", re.I)
MAX_KEY_WORDS = 5
# "Journal: X", "Study date: Y", and a key with its translation: "Journal / Revue : X".
KEY_COLON = re.compile(r"(?:^|(?<=\s))((?:[^\W\d][\w.'\-]*\s+(?:/\s+)?){0,3}[^\W\d][\w.'\-]*)(?:\s*:\s+|\s*\uff1a\s*)")


def is_key(text: str) -> bool:
    """Names a source field (journal, DOI, date, link)."""
    return any(k.search(text) for k in (KEY_JOURNAL, KEY_DOI, KEY_DATE, KEY_URL))


# Words a field's name may carry besides its key words ("Link to the study", "Journal name").
_FIELD_FILLER = frozenset({"name", "title", "info", "information", "details", "where", "when", "full", "text",
                           "publication", "online", "print"})
_FILLER_LEN = 3  # short function words in any language: "of", "the", "de", "la", "der", "del"
_WORD = re.compile(r"[^\W\d_]+")


def names_only_a_field(text: str) -> bool:
    """A line that is a field's name alone ("Journal", "Original study", "Link to the study"), not a
    value holding a field word ("Multiple Sclerosis Journal", "The Journal of Pain", "Published 3/1/2025")."""
    if not is_key(text) or any(ch.isdigit() for ch in text):
        return False
    rest = text
    for key in (KEY_JOURNAL, KEY_DOI, KEY_DATE, KEY_URL):
        rest = key.sub(" ", rest)
    return all(len(w) <= _FILLER_LEN or w in _FIELD_FILLER for w in _WORD.findall(rest.casefold()))
