"""`subscribe weekly`: the digest on the first Working Day of each week only (a bank holiday
Monday moves it to Tuesday); a channel subscribed to the daily digest too gets one a day."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from jobs.digest import enqueue_digests, first_of_week
from sec.workdays import WorkingCalendar
from storage.db import transaction
from storage.delivery_models import Delivery
from tests.fakes.slack_api import FakeSlack
from tests.jobs.conftest import london, make_ctx, subscribe


def digests(sessions: sessionmaker[Session]) -> set[tuple[str, str]]:
    with transaction(sessions) as session:
        rows = session.execute(
            select(Delivery.recipient, Delivery.reminder_key).where(Delivery.kind == "digest")
        )
        return {(recipient, key) for recipient, key in rows}


@pytest.mark.parametrize(
    ("day", "first"),
    [
        (date(2021, 5, 24), True),  # a Monday
        (date(2021, 5, 25), False),
        (date(2021, 6, 1), True),  # Tuesday after the spring bank holiday Monday
        (date(2021, 5, 29), False),  # a Saturday
    ],
)
def test_the_first_working_day_of_the_week(day: date, first: bool) -> None:
    assert first_of_week(WorkingCalendar(), day) is first


def test_weekly_channels_hear_only_on_the_weeks_first_working_day(
    loaded: sessionmaker[Session], fake_slack: FakeSlack
) -> None:
    subscribe(loaded, "CWEEKLY", "weekly")
    subscribe(loaded, "CDAILY", "all")
    subscribe(loaded, "CBOTH", "all")
    subscribe(loaded, "CBOTH", "weekly")

    for stamp in ("2021-09-20T09:05", "2021-09-21T09:05"):  # Monday, then Tuesday
        enqueue_digests(make_ctx(loaded, fake_slack, clock=london(stamp)), london(stamp))

    assert digests(loaded) == {
        ("CWEEKLY", "digest:daily:2021-09-20"),
        ("CDAILY", "digest:daily:2021-09-20"),
        ("CBOTH", "digest:daily:2021-09-20"),
        ("CDAILY", "digest:daily:2021-09-21"),
        ("CBOTH", "digest:daily:2021-09-21"),
    }
