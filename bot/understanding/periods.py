"""Periods people name in questions: "April 2017", "Nov 2022", "2019", "between 2019 and 2021"."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from sec.releases import parse_release_month

_YEAR = r"(?:19|20)\d\d"
_BETWEEN = re.compile(
    r"\b(?:between|from)\s+(.+?)\s+(?:and|to|until|-)\s+(.+?)(?=$|[?.,]|\s+(?:for|in|of)\b)",
    re.IGNORECASE,
)
_ISO_DAY = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_MONTH_NAMES = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]
_UK_DAY = re.compile(
    rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+({'|'.join(m[:3] for m in _MONTH_NAMES)})[a-z]*"
    rf"\s+({_YEAR})\b",
    re.IGNORECASE,
)
_LONE_YEAR = re.compile(rf"(?<![\d.:/-])({_YEAR})(?![\d.:/-])")


@dataclass(frozen=True)
class Period:
    """A closed range of days with the words people used for it."""

    start: date
    end: date
    label: str

    def contains(self, day: date | None) -> bool:
        return day is not None and self.start <= day <= self.end


def month_period(year: int, month: int) -> Period:
    first = date(year, month, 1)
    following = date(year + month // 12, month % 12 + 1, 1)
    return Period(first, following - timedelta(days=1), f"{first:%B %Y}")


def year_period(year: int) -> Period:
    return Period(date(year, 1, 1), date(year, 12, 31), str(year))


def parse_period(text: str) -> Period | None:
    """One month, one year or one day named in text, or a "between X and Y" range."""
    found = _BETWEEN.search(text)
    if found:
        first, last = parse_period(found.group(1)), parse_period(found.group(2))
        if first and last and first.start <= last.end:
            return Period(first.start, last.end, f"{first.label} to {last.label}")
    day = _ISO_DAY.search(text)
    if day:
        try:
            when = date(int(day.group(1)), int(day.group(2)), int(day.group(3)))
        except ValueError:
            when = None
        if when:
            return Period(when, when, f"{when:%-d %B %Y}")
    uk_day = _UK_DAY.search(text)  # "15 March 2017" is that day, not the month
    if uk_day:
        month_number = [m[:3] for m in _MONTH_NAMES].index(uk_day.group(2).lower()[:3]) + 1
        try:
            when = date(int(uk_day.group(3)), month_number, int(uk_day.group(1)))
        except ValueError:
            when = None
        if when:
            return Period(when, when, f"{when:%-d %B %Y}")
    month = parse_release_month(text)
    if month is not None:
        return month_period(month.year, month.month)
    year = _LONE_YEAR.search(text)
    return year_period(int(year.group(1))) if year else None


def strip_period(text: str) -> str:
    """Text without the period words parse_period read (for reading what is left)."""
    text = _BETWEEN.sub(" ", text)
    text = _ISO_DAY.sub(" ", text)
    months = (
        r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
        r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
    )
    text = re.sub(
        rf"\b(?:\d{{1,2}}(?:st|nd|rd|th)?\s+)?(?:{months})\s*'?(?:{_YEAR}|\d\d)\b",
        " ",
        text,
        flags=re.IGNORECASE,
    )
    return _LONE_YEAR.sub(" ", text)
