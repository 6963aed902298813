"""Time as people see it: aware datetimes in Europe/London and UK-style dates."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def now(tz: ZoneInfo = LONDON) -> datetime:
    """The current time, aware, in the given zone (Europe/London by default)."""
    return datetime.now(tz)


def today(tz: ZoneInfo = LONDON) -> date:
    """Today's date where people are."""
    return now(tz).date()


def at_london(day: date, hour: int = 9, minute: int = 0) -> datetime:
    """A wall-clock time on a day in London, DST-aware (09:00 is 09:00 in March and in July)."""
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON)


def uk_date(day: date) -> str:
    """Wednesday 3 April 2019."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def uk_short_date(day: date) -> str:
    """3 April 2019."""
    return f"{day.day} {day:%B %Y}"


def uk_datetime(moment: datetime, tz: ZoneInfo = LONDON) -> str:
    """Wednesday 3 April 2019, 09:00 (in London time)."""
    local = moment.astimezone(tz)
    return f"{uk_date(local.date())}, {local:%H:%M}"
