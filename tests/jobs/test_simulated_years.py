"""The worker driven through simulated time with the sample data: each reminder exactly once,
at 09:00 London on its due day, across the clock changes, Easter and Christmas.

Each simulated day the worker runs (under freezegun) at 08:59, 09:00 and 17:00. The expected
reminders come from the pure plan, day by day, as the store knew things on that day.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime, timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy.orm import Session, sessionmaker

from jobs.plan import load_snapshot
from jobs.registry import run_all_once
from sec.reminders import DEFAULT_POLICY, reminders_between
from sec.timefmt import LONDON, at_london
from sec.workdays import WorkingCalendar
from storage.db import transaction
from tests.fakes.slack_api import FakeSlack
from tests.jobs.conftest import make_ctx, posted, rows, subscribe

HEARD = {"deadlines", "meetings", "release:november 2021", "release:june 2022"}
TICKS = ((8, 59), (9, 0), (17, 0))
SPRING_2019 = (date(2019, 3, 25), date(2019, 4, 26))  # clocks forward 31 March, Easter 19-22 April
AUTUMN_2021 = (date(2021, 10, 25), date(2021, 11, 5))  # clocks back 31 October
CHRISTMAS_2021 = (date(2021, 12, 13), date(2022, 1, 7))  # 27, 28 Dec and 3 Jan bank holidays


def _days(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def _expected(sessions: sessionmaker[Session], day: date) -> set[str]:
    """Reminder keys the pure plan has due on the day, as the store knew things then."""
    horizon = timedelta(days=DEFAULT_POLICY.horizon_days())
    with transaction(sessions) as session:
        snapshot, calendar = load_snapshot(session, start=day, end=day + horizon, as_of=day)
    start, end = at_london(day, 0), at_london(day, 23, 59)
    due = reminders_between(snapshot, calendar, start, end)
    return {r.key for r in due if HEARD & set(r.audience_topics)}


def simulate(
    sessions: sessionmaker[Session], fake: FakeSlack, windows: tuple[tuple[date, date], ...]
) -> dict[str, datetime]:
    """Run the worker through the windows; returns when each reminder key was posted."""
    subscribe(sessions, "C1", "deadlines")
    subscribe(sessions, "C2", "meetings")
    subscribe(sessions, "C3", "release", "November 2021")
    subscribe(sessions, "C3", "release", "June 2022")
    seen: dict[str, datetime] = {}
    calendar = WorkingCalendar()
    for first, last in windows:
        for day in _days(first, last):
            expected = _expected(sessions, day)
            for hour, minute in TICKS:
                tick = at_london(day, hour, minute)
                before = len(posted(fake))
                with freeze_time(tick):
                    ctx = make_ctx(sessions, fake)
                    run_all_once(ctx, ctx.clock())
                new = {key for _, key in posted(fake)[before:]}
                for key in new:
                    seen.setdefault(key, tick)
                if (hour, minute) == (9, 0):
                    assert new == expected, f"{day}: sent {new ^ expected} wrongly"
                    if not calendar.is_working_day(day):
                        assert new == set(), f"{day} is not a Working Day"
                else:
                    assert new == set(), f"{tick}: nothing is due at this time"
    return seen


def _check_once_each(
    sessions: sessionmaker[Session], fake: FakeSlack, windows: tuple[tuple[date, date], ...]
) -> None:
    """Every row due on a simulated day was sent on time, once; between windows (the worker
    was off) the missed ones were recorded as skipped."""
    counts = Counter(posted(fake))
    assert counts and max(counts.values()) == 1
    for row in rows(sessions):
        local = row.due_at.astimezone(LONDON)
        assert (local.hour, local.minute) == (9, 0)
        if any(first <= local.date() <= last for first, last in windows):
            assert (row.state, row.sent_at) == ("sent", row.due_at)
        else:
            assert row.state == "skipped"


@pytest.mark.parametrize("backend", ["sqlite"])
def test_spring_2019_clocks_forward_and_easter(
    loaded: sessionmaker[Session], fake_slack: FakeSlack
) -> None:
    seen = simulate(loaded, fake_slack, (SPRING_2019,))
    _check_once_each(loaded, fake_slack, (SPRING_2019,))
    # The May Working Group: its agenda closes 15 April, Easter having moved it back.
    may_agenda = "agenda_deadline:wg-2019-05@secbot:2019-04-15"
    assert seen[f"{may_agenda}-2wd"] == at_london(date(2019, 4, 11))
    assert seen[f"{may_agenda}-0wd"] == at_london(date(2019, 4, 15))
    wg_april = seen["meeting:wg-2019-04@secbot:2019-04-03-1wd"]
    assert wg_april.utcoffset() == timedelta(hours=1)  # 09:00 BST
    assert seen["dcc_preliminary_assessment:SECMP0010:2019-04-early-5wd"].utcoffset() == (
        timedelta(0)
    )


@pytest.mark.parametrize("backend", ["sqlite"])
def test_autumn_2021_clocks_back_and_christmas(
    loaded: sessionmaker[Session], fake_slack: FakeSlack
) -> None:
    seen = simulate(loaded, fake_slack, (AUTUMN_2021, CHRISTMAS_2021))
    _check_once_each(loaded, fake_slack, (AUTUMN_2021, CHRISTMAS_2021))
    assert seen["authority_decision:MP180:2021-10-28-1wd"].utcoffset() == timedelta(hours=1)
    assert seen["meeting:wg-2021-11@secbot:2021-11-03-1wd"].utcoffset() == timedelta(0)
    # 10 Working Days before 5 January 2022, skipping 27, 28 December and 3 January.
    assert seen["agenda_deadline:wg-2022-01@secbot:2021-12-17-0wd"] == at_london(date(2021, 12, 17))
    assert seen["agenda_deadline:wg-2022-01@secbot:2021-12-17-2wd"] == at_london(date(2021, 12, 15))
    posted_days = {when.date() for when in seen.values()}
    assert not posted_days & {date(2021, 12, 27), date(2021, 12, 28), date(2022, 1, 3)}


@pytest.mark.slow
def test_all_of_2019_and_2021_to_2022(loaded: sessionmaker[Session], fake_slack: FakeSlack) -> None:
    windows = ((date(2019, 1, 1), date(2019, 12, 31)), (date(2021, 1, 1), date(2022, 12, 31)))
    simulate(loaded, fake_slack, windows)
    _check_once_each(loaded, fake_slack, windows)
