"""SEC Release names: "February 2022 SEC Release", typed as "Feb 2022", "feb22", "2022-02"."""

from __future__ import annotations

import re
from dataclasses import dataclass

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sept", "sep"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
MONTH_NAMES = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]

_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_NAMED = re.compile(
    rf"\b(?P<month>{_MONTH})\.?[\s\-/']*(?P<year>(?:19|20)\d\d|\d\d)\b", re.IGNORECASE
)
_NUMERIC = re.compile(r"\b(?P<year>20\d\d)-(?P<month>0?[1-9]|1[0-2])\b")


@dataclass(frozen=True, order=True)
class ReleaseMonth:
    """The month a SEC Release goes live, which is how people name it."""

    year: int
    month: int

    @property
    def name(self) -> str:
        """February 2022 (the stored name)."""
        return f"{MONTH_NAMES[self.month - 1]} {self.year}"

    @property
    def title(self) -> str:
        """February 2022 SEC Release."""
        return f"{self.name} SEC Release"


def _year(text: str) -> int:
    year = int(text)
    return 2000 + year if year < 100 else year


def parse_release_month(text: str) -> ReleaseMonth | None:
    """The release month named in text ("Feb 2022", "feb22", "2022-02"), or None."""
    match = _NAMED.search(text)
    if match:
        return ReleaseMonth(_year(match.group("year")), MONTHS[match.group("month").lower()])
    match = _NUMERIC.search(text)
    if match:
        return ReleaseMonth(int(match.group("year")), int(match.group("month")))
    return None


def release_title(name: str) -> str:
    """The name people see: "February 2022" -> "February 2022 SEC Release"."""
    return name if name.lower().endswith("release") else f"{name} SEC Release"
