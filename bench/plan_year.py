"""Planning a year of reminders for the stress store, as the reminders job plans a window.

The same steps as ``jobs.plan.enqueue_due``, for a whole year at once and without writing rows:
load the snapshot (meetings, ~12,000 milestones, releases with their scope), plan every reminder
due in the year, load the audience (10,000 subscriptions and the Proposers), work out each
reminder's recipients and render each reminder's Slack payload once. Timed step by step.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as dtime

from bot.templating import render
from jobs.payloads import build_payload
from jobs.plan import load_audience, load_snapshot, recipients
from sec.reminders import DEFAULT_POLICY, reminders_between
from sec.timefmt import LONDON
from storage.db import make_engine, session_factory, transaction

YEAR = 2022


@dataclass(frozen=True)
class PlanYearResult:
    backend: str
    reminders: int
    deliveries: int
    snapshot_s: float
    plan_s: float
    audience_s: float
    render_s: float

    @property
    def total_s(self) -> float:
        return self.snapshot_s + self.plan_s + self.audience_s + self.render_s


def run(database_url: str, backend: str, year: int = YEAR) -> PlanYearResult:
    engine = make_engine(database_url)
    first, last = date(year, 1, 1), date(year, 12, 31)
    horizon = timedelta(days=DEFAULT_POLICY.horizon_days())
    window = (datetime.combine(first, dtime.min, LONDON), datetime.combine(last, dtime.max, LONDON))
    try:
        with transaction(session_factory(engine)) as session:
            t0 = time.perf_counter()
            snapshot, calendar = load_snapshot(
                session, start=first, end=last + horizon, as_of=first
            )
            t1 = time.perf_counter()
            planned = reminders_between(snapshot, calendar, *window)
            t2 = time.perf_counter()
            audience = load_audience(session, surfaces=["slack"])
            deliveries = sum(
                len(recipients(r.audience_topics, audience, due_at=r.due_at, now=r.due_at))
                for r in planned
            )
            t3 = time.perf_counter()
            for reminder in planned:
                build_payload(
                    render,
                    template="reminder",
                    surface="slack",
                    key=reminder.key,
                    due_at=reminder.due_at,
                    context=reminder.context,
                )
            t4 = time.perf_counter()
    finally:
        engine.dispose()
    return PlanYearResult(backend, len(planned), deliveries, t1 - t0, t2 - t1, t3 - t2, t4 - t3)


if __name__ == "__main__":
    import sys

    print(run(sys.argv[1], "cli"))
