"""Working Days as the SEC defines them.

A Working Day is any day other than a Saturday, a Sunday or a bank holiday in England and Wales
(the ``holidays`` package, country GB, subdivision ENG, which includes one-off days such as the
state funeral on 19 September 2022), and other than a closure an administrator has added.

Counting never includes the day you count from: "10 Working Days before 3 April 2019" is the
tenth Working Day strictly before it, 20 March 2019; "5 Working Days before" is 27 March 2019.
Bank holidays are looked up once per year and cached, because the notifier plans years of
reminders and asks about the same days many times.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from datetime import date, timedelta
from functools import cache

import holidays

CLOSURE_NAME = "SECAS closure"
_ONE_DAY = timedelta(days=1)


@cache
def _bank_holidays(year: int) -> dict[date, str]:
    """England and Wales bank holidays in one year, by date."""
    found = holidays.country_holidays("GB", subdiv="ENG", years=year)
    return {day: str(name) for day, name in found.items()}


@cache
def _weekday_bank_holidays(year: int) -> tuple[date, ...]:
    """The bank holidays in a year that fall Monday to Friday, sorted (weekends never count)."""
    return tuple(sorted(day for day in _bank_holidays(year) if day.weekday() < 5))


def _weekdays_between(start: date, end: date) -> int:
    """Mondays to Fridays in (start, end], for start <= end, without iterating."""
    days = (end - start).days
    weeks, rest = divmod(days, 7)
    count = weeks * 5
    first = start.weekday()
    # The leftover days are start+1 .. start+rest; count those that are weekdays.
    count += sum(1 for offset in range(1, rest + 1) if (first + offset) % 7 < 5)
    return count


class WorkingCalendar:
    """Working Days in England and Wales, less any extra closures an administrator adds."""

    def __init__(self, closures: Iterable[date] = ()) -> None:
        self._closures = frozenset(closures)
        # Only weekday closures that are not also bank holidays change a count.
        self._weekday_closures = tuple(
            sorted(d for d in self._closures if d.weekday() < 5 and d not in _bank_holidays(d.year))
        )

    @property
    def closures(self) -> frozenset[date]:
        """The extra closures this calendar knows about."""
        return self._closures

    def is_working_day(self, d: date) -> bool:
        """True unless d is a Saturday, a Sunday, a bank holiday or a closure."""
        return d.weekday() < 5 and d not in _bank_holidays(d.year) and d not in self._closures

    def holiday_name(self, d: date) -> str | None:
        """The bank holiday's name, "SECAS closure" for an added closure, otherwise None."""
        name = _bank_holidays(d.year).get(d)
        if name is not None:
            return name
        return CLOSURE_NAME if d in self._closures else None

    def add_working_days(self, d: date, n: int) -> date:
        """The n-th Working Day after d (n < 0: before d). d itself never counts; n=0 gives d.

        The result is always a Working Day when n != 0, whether or not d is one.
        """
        return self._walk(d, n)

    def subtract_working_days(self, d: date, n: int) -> date:
        """The n-th Working Day before d (n < 0: after d). d itself never counts; n=0 gives d.

        10 Working Days before 3 April 2019 is 20 March 2019; 10 before 1 May 2019 is 15 April
        2019, because Good Friday (19 April) and Easter Monday (22 April) are skipped.
        """
        return self._walk(d, -n)

    def _walk(self, d: date, n: int) -> date:
        """Move n Working Days from d: forwards for n > 0, backwards for n < 0."""
        step = _ONE_DAY if n > 0 else -_ONE_DAY
        current, remaining = d, abs(n)
        while remaining > 0:
            if remaining > 10:
                # Far away: jump whole weeks, always stopping short so the last step is a day
                # at a time and lands on a Working Day.
                target = current + step * 7 * ((remaining - 1) // 5)
                low, high = (current, target) if n > 0 else (target - _ONE_DAY, current - _ONE_DAY)
                remaining -= self.working_days_between(low, high)
            else:
                target = current + step
                remaining -= self.is_working_day(target)
            current = target
        return current

    def working_days_between(self, start: date, end: date) -> int:
        """How many Working Days lie in (start, end]: start excluded, end included.

        Negative when end is before start (minus the count in (end, start]), so that
        ``working_days_between(d, add_working_days(d, n)) == n`` for every n >= 0.
        """
        if end < start:
            return -self.working_days_between(end, start)
        count = _weekdays_between(start, end)
        for year in range(start.year, end.year + 1):
            count -= _count_in(_weekday_bank_holidays(year), start, end)
        return count - _count_in(self._weekday_closures, start, end)

    def next_working_day(self, d: date, *, include_today: bool = False) -> date:
        """The first Working Day after d, or d itself if include_today and d is one."""
        if include_today and self.is_working_day(d):
            return d
        return self.add_working_days(d, 1)

    def previous_working_day(self, d: date, *, include_today: bool = False) -> date:
        """The last Working Day before d, or d itself if include_today and d is one."""
        if include_today and self.is_working_day(d):
            return d
        return self.subtract_working_days(d, 1)


def _count_in(days: tuple[date, ...], start: date, end: date) -> int:
    """How many of the sorted days lie in (start, end]."""
    return bisect_right(days, end) - bisect_left(days, start + _ONE_DAY)
