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


# Tense: dates are phrased against the day of the answer (issue 13): a day that has passed is
# spoken of in the past tense, never "going live".

_SMALL = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def _count(n: int, unit: str) -> str:
    word = _SMALL[n] if n < len(_SMALL) else str(n)
    return f"{'a' if n == 1 else word} {unit}{'' if n == 1 else 's'}"


def months_between(earlier: date, later: date) -> int:
    """Whole calendar months from earlier to later (0 when later is not after earlier)."""
    months = (later.year - earlier.year) * 12 + later.month - earlier.month
    if later.day < earlier.day:
        months -= 1
    return max(0, months)


def age_phrase(then: date, today: date) -> str:
    """How long ago a day was, as people say it: "today", "3 days ago", "over five years ago"."""
    days = (today - then).days
    if days <= 0:
        return "today" if days == 0 else "in the future"
    if days == 1:
        return "yesterday"
    if days < 14:
        return f"{_count(days, 'day')} ago"
    months = months_between(then, today)
    if months < 2:
        return f"{_count(days // 7, 'week')} ago"
    if months < 12:
        return f"{_count(months, 'month')} ago"
    years, rest = divmod(months, 12)
    return f"{'over ' if rest else ''}{_count(years, 'year')} ago"


def tense(day: date, today: date, *, past: str, present: str, future: str) -> str:
    """One of three phrasings, by whether the day has passed, is today, or is ahead."""
    if day < today:
        return past
    return present if day == today else future


def go_live_phrase(go_live: date, today: date, *, happened: bool | None = None) -> str:
    """ "goes live on …", "goes live today", "went live on …" (when known to have happened),
    or "was due to go live on …" (passed, but the store does not know that it did)."""
    on = uk_date(go_live)
    past = f"went live on {on}" if happened else f"was due to go live on {on}"
    return tense(
        go_live, today, past=past, present=f"goes live today, {on}", future=f"goes live on {on}"
    )


def due_phrase(day: date, today: date, *, what: str = "due") -> str:
    """ "due on …" ahead, "due today", "was due on …" once passed."""
    on = uk_date(day)
    return tense(
        day, today, past=f"was {what} on {on}", present=f"{what} today", future=f"{what} on {on}"
    )
