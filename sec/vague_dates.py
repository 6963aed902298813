"""Dates as papers and people write them, keeping how precise they were.

"By early April 2019", "mid-May", "by the end of March 2019" and "in October 2021" name a part of
a month or a whole month, not a day; a ``VagueDate`` keeps that window (day, early 1-10, mid
11-20, late 21-end, or the whole month) instead of inventing a day. "The end of" a month counts as
late in it. A month without a year is the next such month on or after today's month; a day
without a year is the next such day on or after today. Numeric dates are UK day-first.

Our own regular expressions do the scanning and the absolute forms; ``dateparser`` handles the
relative phrases ("next Wednesday", "in two weeks", "next month"). Nothing here raises on input.
"""

from __future__ import annotations

import calendar as _calendar
import re
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from functools import lru_cache
from typing import Any

from sec.timefmt import uk_date

_MAX_TEXT = 120  # longer text is not a single date; skip it rather than feed it to dateparser


class Precision(StrEnum):
    """How much of a month a VagueDate covers."""

    DAY = "day"
    EARLY = "early"  # 1st to 10th
    MID = "mid"  # 11th to 20th
    LATE = "late"  # 21st to the end
    MONTH = "month"


_WINDOW_START = {Precision.EARLY: 1, Precision.MID: 11, Precision.LATE: 21, Precision.MONTH: 1}
_DESCRIBE_PREFIX = {Precision.EARLY: "early ", Precision.MID: "mid-", Precision.LATE: "late "}


def _last_day(year: int, month: int) -> int:
    return _calendar.monthrange(year, month)[1]


@dataclass(frozen=True, order=True)
class VagueDate:
    """A day, or a window of one month: ``start`` is the first day of the window."""

    start: date
    precision: Precision

    def __post_init__(self) -> None:
        precision = Precision(self.precision)  # accepts "early" as well as Precision.EARLY
        object.__setattr__(self, "precision", precision)
        if precision is not Precision.DAY and self.start.day != _WINDOW_START[precision]:
            raise ValueError(f"a {precision} window starts on day {_WINDOW_START[precision]}")

    @classmethod
    def of_day(cls, d: date) -> VagueDate:
        return cls(d, Precision.DAY)

    @classmethod
    def of_month(cls, year: int, month: int, precision: Precision = Precision.MONTH) -> VagueDate:
        """The window of a month: early, mid, late or the whole of it."""
        precision = Precision(precision)
        if precision is Precision.DAY:
            raise ValueError("of_month needs a part of a month, not DAY")
        return cls(date(year, month, _WINDOW_START[precision]), precision)

    @property
    def end(self) -> date:
        """The last day of the window (the day itself for DAY)."""
        if self.precision is Precision.DAY:
            return self.start
        if self.precision is Precision.EARLY:
            return self.start.replace(day=10)
        if self.precision is Precision.MID:
            return self.start.replace(day=20)
        return self.start.replace(day=_last_day(self.year, self.month))

    @property
    def year(self) -> int:
        return self.start.year

    @property
    def month(self) -> int:
        return self.start.month

    def iso(self) -> str:
        """ISO text: "2019-04-03" for a day, "2019-04" for any part of a month.

        The precision is kept apart (``from_iso(v.iso(), v.precision) == v``).
        """
        if self.precision is Precision.DAY:
            return self.start.isoformat()
        return f"{self.year:04d}-{self.month:02d}"

    @classmethod
    def from_iso(cls, text: str, precision: str | None = None) -> VagueDate:
        """The inverse of ``iso()``: "2019-04" is the whole month unless a precision is given.

        Raises ValueError for text that is not "YYYY-MM-DD" or "YYYY-MM".
        """
        match = _ISO_VALUE.fullmatch(text.strip())
        if match is None:
            raise ValueError(f"not an ISO date or month: {text!r}")
        year, month = int(match["y"]), int(match["m"])
        wanted = None if precision is None else Precision(precision)
        if match["d"] is None:
            return cls.of_month(year, month, wanted or Precision.MONTH)
        day = date(year, month, int(match["d"]))
        if wanted in (None, Precision.DAY):
            return cls.of_day(day)
        return cls.of_month(year, month, wanted)

    def describe(self) -> str:
        """Wednesday 3 April 2019, early April 2019, mid-May 2019, late March 2019, April 2019."""
        if self.precision is Precision.DAY:
            return uk_date(self.start)
        month_name = f"{self.start:%B} {self.year}"
        return _DESCRIBE_PREFIX.get(self.precision, "") + month_name

    def contains(self, d: date) -> bool:
        return self.start <= d <= self.end


_ISO_VALUE = re.compile(r"(?P<y>\d{4})-(?P<m>\d{1,2})(?:-(?P<d>\d{1,2}))?")
_ISO_MONTH = re.compile(r"\d{4}-\d{2}")

# ---------------------------------------------------------------------------------------------
# Patterns. Month names are matched case-insensitively when a whole text is parsed, but must be
# capitalised when scanning running text, so the verbs "may" and "march" are not dates.

_MONTHS = {
    name: number
    for number in range(1, 13)
    for name in {_calendar.month_name[number].lower(), _calendar.month_abbr[number].lower()}
}
_MONTHS["sept"] = 9
_FULL_NAMES = {_calendar.month_name[number].lower() for number in range(1, 13)}
# Longest first so "September" is not read as "Sep"; abbreviations may end in a dot.
_MONTH_WORD = (
    "(?:"
    + "|".join(
        n if n in _FULL_NAMES else n + r"\.?" for n in sorted(_MONTHS, key=len, reverse=True)
    )
    + ")"
)
_WEEKDAY_WORD = r"(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?\.?"


def _year(name: str) -> str:
    """An optional year after a month, in its own named group."""
    return rf"(?:,?\s+(?P<{name}>(?:19|20)\d{{2}}))?"


_ORD = r"(?:st|nd|rd|th)"
_QUALIFIER = (
    r"(?P<qual>early|mid|middle\s+of|late|(?:the\s+)?(?:end|beginning|start)\s+of)"
    r"(?:\s+|-)(?:the\s+)?"
)
# Day first. Two-digit years only with slashes, so "10.2.15" (a version) is not a date.
_NUMERIC = r"(?P<nd>\d{1,2})(?P<sep>[/.])(?P<nm>\d{1,2})(?P=sep)(?P<ny>(?:19|20)\d{2}|\d{2})"
_ISO_DAY = r"(?P<iy>(?:19|20)\d{2})-(?P<im>\d{2})-(?P<id>\d{2})"

_SHAPES = {
    "iso": _ISO_DAY,
    "numeric": _NUMERIC,
    "qualified": rf"{_QUALIFIER}(?P<qmonth>{_MONTH_WORD}){_year('qyear')}",
    "day_month": (
        rf"(?:{_WEEKDAY_WORD},?\s+)?(?:the\s+)?(?P<dday>\d{{1,2}}){_ORD}?(?:\s+of)?\s+"
        rf"(?P<dmonth>{_MONTH_WORD}){_year('dyear')}"
    ),
    "month_day": (
        rf"(?:{_WEEKDAY_WORD},?\s+)?(?P<mmonth>{_MONTH_WORD})\s+(?P<mday>\d{{1,2}}){_ORD}?"
        + _year("myear")
    ),
    "month": rf"(?P<omonth>{_MONTH_WORD}){_year('oyear')}",
    "relative": (
        rf"(?:today|tomorrow|yesterday|(?:next|this|last)\s+(?:{_WEEKDAY_WORD}|month)"
        r"|in\s+(?:a|an|one|two|three|four|five|six|\d{1,2})\s+(?:days?|weeks?|fortnights?))"
    ),
}
_COMBINED = "|".join(f"(?P<{name}>{pattern})" for name, pattern in _SHAPES.items())
_EDGE_BEFORE = r"(?<![\w/.\-])"
_EDGE_AFTER = r"(?![\w/\-]|\.\d)"
_WHOLE = re.compile(rf"\s*(?:{_COMBINED})\s*[.,;:!?]?\s*", re.IGNORECASE)
_SCAN = re.compile(_EDGE_BEFORE + rf"(?:{_COMBINED})" + _EDGE_AFTER, re.IGNORECASE)

# Words that may lead into a date without changing it ("by early April", "on 3 April").
_LEAD_IN = re.compile(
    r"^\s*(?:(?:by|on|in|at|for|from|during|around|about|circa|c\.|before|until|till|"
    r"the|of|w/c|week\s+commencing|due)\s+)+",
    re.IGNORECASE,
)
_WEEKS_TIME = re.compile(r"^(\w+)\s+(days?|weeks?|months?)'?\s+time$", re.IGNORECASE)
_RELATIVE_HINT = re.compile(
    rf"\b(?:today|tomorrow|yesterday|next|this|last|ago|fortnight|weeks?|days?|{_WEEKDAY_WORD})\b",
    re.IGNORECASE,
)

_QUALIFIER_PRECISION = {
    "early": Precision.EARLY,
    "beginning": Precision.EARLY,
    "start": Precision.EARLY,
    "mid": Precision.MID,
    "middle": Precision.MID,
    "late": Precision.LATE,
    "end": Precision.LATE,
}


def _month_number(word: str) -> int:
    return _MONTHS[word.lower().rstrip(".")]


def _month_year(month: int, today: date) -> int:
    """The year of the next such month on or after today's month."""
    return today.year if month >= today.month else today.year + 1


def _day_on_or_after(day: int, month: int, today: date) -> date | None:
    """The next day/month on or after today (29 February waits for a leap year)."""
    for year in range(today.year, today.year + 9):
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if candidate >= today:
            return candidate
    return None


def _day_value(day: str, month: int, year: str | None, today: date) -> VagueDate | None:
    if year is None:
        found = _day_on_or_after(int(day), month, today)
        return None if found is None else VagueDate.of_day(found)
    return VagueDate.of_day(date(int(year), month, int(day)))


def _numeric(match: re.Match[str]) -> VagueDate | None:
    year = match["ny"]
    if len(year) == 2:
        if match["sep"] != "/":
            return None
        year = f"20{year}"
    return VagueDate.of_day(date(int(year), int(match["nm"]), int(match["nd"])))


def _qualified(match: re.Match[str], today: date) -> VagueDate:
    qualifier = match["qual"].lower().split()
    word = qualifier[1] if qualifier[0] == "the" else qualifier[0]
    month = _month_number(match["qmonth"])
    year = int(match["qyear"]) if match["qyear"] else _month_year(month, today)
    return VagueDate.of_month(year, month, _QUALIFIER_PRECISION[word])


def _month_only(match: re.Match[str], today: date) -> VagueDate:
    month = _month_number(match["omonth"])
    year = int(match["oyear"]) if match["oyear"] else _month_year(month, today)
    return VagueDate.of_month(year, month)


def _from_match(match: re.Match[str], today: date) -> VagueDate | None:
    """Build the value for whichever shape matched; None for an impossible date."""
    try:
        if match["iso"]:
            return VagueDate.of_day(date(int(match["iy"]), int(match["im"]), int(match["id"])))
        if match["numeric"]:
            return _numeric(match)
        if match["qualified"]:
            return _qualified(match, today)
        if match["day_month"]:
            return _day_value(match["dday"], _month_number(match["dmonth"]), match["dyear"], today)
        if match["month_day"]:
            return _day_value(match["mday"], _month_number(match["mmonth"]), match["myear"], today)
        if match["month"]:
            return _month_only(match, today)
    except (ValueError, OverflowError):  # 31 February, year 10000 and the like
        return None
    return _relative(match["relative"], today)


# ---------------------------------------------------------------------------------------------
# Relative phrases, through dateparser.


@lru_cache(maxsize=8)
def _parser(today: date) -> Any:
    from dateparser.date import DateDataParser  # slow to import; only relative phrases need it

    settings = {
        "DATE_ORDER": "DMY",
        "PREFER_DATES_FROM": "future",
        "RELATIVE_BASE": datetime(today.year, today.month, today.day),
    }
    return DateDataParser(languages=["en"], settings=settings)


@lru_cache(maxsize=2048)
def _relative(text: str, today: date) -> VagueDate | None:
    """A relative phrase ("next Wednesday", "in two weeks", "next month") as of today."""
    phrase = _WEEKS_TIME.sub(r"in \1 \2", text.strip().lower())
    try:
        data = _parser(today).get_date_data(phrase)
    except Exception:  # dateparser fails in many ways on odd text; an unparsed date is None
        return None
    found, period = data.date_obj, data.period
    if found is None:
        return None
    if period == "day":
        return VagueDate.of_day(found.date())
    if period == "week" and re.search(r"\d|\b(?:in|ago|time|fortnights?)\b", phrase):
        return VagueDate.of_day(found.date())  # an offset in weeks lands on a day
    if period == "month":
        return VagueDate.of_month(found.year, found.month)
    return None  # "next week", "next year": no precision to keep them in


# ---------------------------------------------------------------------------------------------
# Public functions.


def parse_vague_date(text: str, *, today: date) -> VagueDate | None:
    """The date a short text names ("by early April 2019", "29 September", "next month").

    None when the text is not a date. Never raises.
    """
    if not isinstance(text, str) or len(text) > _MAX_TEXT:
        return None
    for candidate in (text, _LEAD_IN.sub("", text)):
        match = _WHOLE.fullmatch(candidate)
        if match is not None:
            return _from_match(match, today)
    stripped = _LEAD_IN.sub("", text).strip()
    if _ISO_MONTH.fullmatch(stripped):
        try:
            return VagueDate.from_iso(stripped)
        except ValueError:  # "2019-13"
            return None
    if _RELATIVE_HINT.search(stripped):
        return _relative(stripped, today)
    return None


def _plausible_in_text(match: re.Match[str]) -> bool:
    """Reject scanner hits that are ordinary words: "may" and "march" as verbs, "Jan" alone."""
    for group in ("qmonth", "dmonth", "mmonth", "omonth"):
        word = match[group]
        if word is not None and not word[0].isupper():
            return False
    bare = match["omonth"]
    return not (bare and match["oyear"] is None and bare.lower().rstrip(".") not in _FULL_NAMES)


def find_vague_dates(text: str, *, today: date) -> list[tuple[VagueDate, int, int]]:
    """Every date in running text, as (value, start, end) spans of ``text``. Never raises."""
    if not isinstance(text, str):
        return []
    found = []
    for match in _SCAN.finditer(text):
        if not _plausible_in_text(match):
            continue
        value = _from_match(match, today)
        if value is not None:
            found.append((value, match.start(), match.end()))
    return found
