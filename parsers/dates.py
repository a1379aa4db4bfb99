"""Dates as pages write them (M/D/YYYY, ISO, 'March 3, 2026', RFC 2822) turned into ISO 8601 days."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from email.utils import parsedate_to_datetime

from parsers.month_names import MONTH_NAMES

# A date starts and ends at a non-digit, not at a word boundary: React pages glue "Jan 5, 2026" to
# the next span's text, SharePoint "Editorial Team" to the date after it.
_SLASH = re.compile(r"(?<!\d)(\d{1,2})(?:\s?/\s?|\.)(\d{1,2})(?:\s?/\s?|\.)(\d{4})(?!\d)")  # (also "12 / 31 / 2026")
_YMD = re.compile(r"(?<!\d)(\d{4})/(\d{1,2})/(\d{1,2})(?!\d)")  # 2025/03/04: year first is never ambiguous
_ISO = re.compile(r"(?<!\d)(\d{4})[-\u2010\u2011](\d{2})[-\u2010\u2011](\d{2})(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?(?!\d)")
# (U+2010/U+2011: the hyphens a word processor puts in "2025-03-04" so it does not break across lines.)
_MONTHS = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_MDY = re.compile(rf"\b({_MONTHS})\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})(?!\d)", re.I)
_DMY = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?(?:\s+|-)({_MONTHS})(?:,?\s+|-)(\d{{4}})(?!\d)", re.I)
_YMON = re.compile(rf"\b(\d{{4}})\s+({_MONTHS})\s+(\d{{1,2}})(?![\d:])", re.I)  # "2025 Jan 14" (a citation's)
_YEAR = re.compile(r"\d{4}")
_MY = re.compile(rf"\b({_MONTHS})\s+(\d{{4}})(?!\d)", re.I)
# Other languages write the day, the month's name and the year: "12. März 2026", "1er mars 2026", "5 de
# marzo de 2025", "12 марта 2026 г.", "12 במרץ 2026" (Hebrew joins "in" to the month). \d is any script's
# digit (full-width, Arabic-Indic), and int() reads them all. The word is any word here, looked up in
# MONTH_NAMES after the match: an alternation of ~400 names cost a tenth of the whole parse.
_DMY_WORD = re.compile(r"(?<!\d)(\d{1,2})(?:\.|er|º|°)?\s+(?:de\s+)?\u05d1?(?P<month_word>[^\W\d_]{3,15})\.?,?\s+"
                       r"(?:del?\s+)?(\d{4})(?!\d)", re.I)
# Chinese, Japanese and Korean: 2026年3月12日, 2026년 3월 12일.
_CJK = re.compile(r"(?<!\d)(\d{4})\s*[年년]\s*(\d{1,2})\s*[月월]\s*(\d{1,2})\s*[日일]")


def _word_month(word: str) -> int | None:
    """The month a word names in some language ("märz", "марта"), or None ("patients")."""
    return MONTH_NAMES.get(word.lower())


class _DatePattern:
    """Every way of writing a date, as one pattern with search() and finditer(); a day, a word and a
    year count only when the word is a month's name."""

    def __init__(self) -> None:
        self.regex = re.compile(
            "|".join(p.pattern for p in (_SLASH, _YMD, _ISO)) + f"|{_MDY.pattern}|{_DMY.pattern}|{_YMON.pattern}"
            f"|{_CJK.pattern}|{_DMY_WORD.pattern}", re.I)

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        """The dates in `text`, in order."""
        return (m for m in self.regex.finditer(text) if not m["month_word"] or _word_month(m["month_word"]))

    def search(self, text: str) -> re.Match[str] | None:
        """The first date in `text`, or None."""
        return next(self.finditer(text), None)


DATE_PATTERN = _DatePattern()


def _month(name: str) -> int:
    """Month number from an English month name or abbreviation."""
    return datetime.strptime(name.rstrip(".")[:3].title(), "%b").month


def _iso(y: int, m: int, d: int) -> str | None:
    """ISO day, or None when the numbers are no real date."""
    try:
        return date(y, m, d).isoformat()
    except ValueError:
        return None


# How the page being parsed writes 3/4/2026 (or 3.4.2026): day first (3 April) or month first (March 4, as the seed
# site and RECORD.md do). Set for one parse by date_order(); a context variable, so that every date
# read during that parse agrees without threading the page's convention through each extractor.
_DAY_FIRST: ContextVar[bool] = ContextVar("day_first", default=False)
# Languages whose pages write the month first; every other one (en-GB, en-AU, fr, de...) the day first.
_MONTH_FIRST_LANGS = ("en", "en-us", "en-ca", "en-ph")


@contextmanager
def date_order(day_first: bool) -> Iterator[None]:
    """Within the block, ambiguous D/M dates (3/4/2026) are read day first when `day_first`."""
    token = _DAY_FIRST.set(day_first)
    try:
        yield
    finally:
        _DAY_FIRST.reset(token)


def page_day_first(texts: Iterable[str], lang: str | None) -> bool:
    """Whether a page writes 3/4/2026 as 3 April: a date in its texts that reads only one way (13/4/2026,
    4/13/2026) settles it; else its language does (en-US month first, en-GB or fr day first)."""
    day = month = False
    for text in texts:
        for m in _SLASH.finditer(text):
            a, b = int(m[1]), int(m[2])
            day = day or (12 < a <= 31 and b <= 12)
            month = month or (12 < b <= 31 and a <= 12)
    if day != month:
        return day
    code = (lang or "").strip().lower().replace("_", "-")
    return bool(code) and code not in _MONTH_FIRST_LANGS


def to_iso_date(text: str | None) -> str | None:
    """The first date found in `text` as YYYY-MM-DD; D/M/YYYY is read month first (US-style) unless
    impossible or the page writes its days first (date_order)."""
    if not text or len(text) > 500:
        text = (text or "")[:500]
    if not text.strip():
        return None
    if m := _ISO.search(text):
        return _iso(int(m[1]), int(m[2]), int(m[3]))
    if m := _YMD.search(text):
        return _iso(int(m[1]), int(m[2]), int(m[3]))
    if m := _SLASH.search(text):
        a, b, y = int(m[1]), int(m[2]), int(m[3])
        day_first = (_DAY_FIRST.get() and b <= 12) or a > 12
        return _iso(y, b, a) if day_first else _iso(y, a, b)
    if m := _MDY.search(text):
        return _iso(int(m[3]), _month(m[1]), int(m[2]))
    if m := _DMY.search(text):
        return _iso(int(m[3]), _month(m[2]), int(m[1]))
    if m := _YMON.search(text):
        return _iso(int(m[1]), _month(m[2]), int(m[3]))
    if m := _CJK.search(text):
        return _iso(int(m[1]), int(m[2]), int(m[3]))
    for m in _DMY_WORD.finditer(text):
        if month := _word_month(m["month_word"]):
            return _iso(int(m[3]), month, int(m[1]))
    try:
        parsed = parsedate_to_datetime(text.strip())
    except (TypeError, ValueError, IndexError):
        parsed = None
    if parsed is not None:
        return parsed.date().isoformat()
    if m := _MY.search(text):
        return f"{int(m[2]):04d}-{_month(m[1]):02d}"  # month precision, still ISO 8601
    return None


_REVISED = re.compile(r"\b(?:updated|modified|revised|reviewed|edited|last changed|accessed|retrieved)\W*(?:on\W*)?$", re.I)


def byline_date(text: str, updates: bool = True) -> str | None:
    """The publication date a byline gives, as written: a date not marked as an update ("Updated:
    2 Feb 2026 · Published: 15 Jan 2026" -> "15 Jan 2026"), else (with `updates`) the first date."""
    found = [(m.group(0), revised_before(text[max(0, m.start() - 30) : m.start()]))
             for m in DATE_PATTERN.finditer(text)]
    return next((d for d, revised in found if not revised), found[0][0] if found and updates else None)


def revised_before(text: str) -> bool:
    """The text before a date marks it as an update ("Updated", "Last reviewed on"), not the publication."""
    return bool(_REVISED.search(text[-30:]))


_WEEKDAY = re.compile(r"\b(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\b\.?", re.I)


_DATE_INTRO = re.compile(r"\b(?:posted|published|dated?)(?:\s+on)?\b", re.I)  # (not "On": "On May 2, 2025, a trial ...")


def introduces_a_date(text: str) -> bool:
    """The words before a date say nothing but that it is one: a weekday, "Posted", "Published on",
    "Date:" ("Thursday, " in "Thursday, December 18, 2025")."""
    return bool(text.strip()) and not _DATE_INTRO.sub("", _WEEKDAY.sub("", text)).strip(" ,.:;|\u00b7-\u2013\u2014([")


def only_a_date(text: str) -> bool:
    """The text is a date and nothing else ("Tuesday, February 3, 2026", "3/2/2026")."""
    found = find_date_text(text)
    return bool(found) and not _WEEKDAY.sub("", text.replace(found, "")).strip(" ,.") and to_iso_date(found) is not None


def find_date_text(text: str) -> str | None:
    """The date-looking substring of `text`, as written, or None."""
    if not _YEAR.search(text):  # every date written has a 4-digit year: most texts stop here, cheaply
        return None
    m = DATE_PATTERN.search(text)
    return m.group(0) if m else None
