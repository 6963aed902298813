"""The stress store: the sample data plus generated modifications, releases and subscriptions.

Full size: 100,000 modifications (titles drawn from a word list of our own), one status entry and
one or two milestones each, 1,000 releases with ten modifications in scope each, 10,000
subscriptions (95% to one modification, 1% each to all, meetings and deadlines, 2% to a
release) and a Proposer contact on every tenth modification. Built through the migrations
(so migration 0003's search indexes are there), then filled with bulk inserts (executemany of
Core inserts) in a few transactions. Generated modifications are numbered from 1000; those
up to 9999 can be typed as references (``MP1234``), the rest are reachable by search only.

    python -m bench.stress_store sqlite:///stress.db [--size 100000]
"""

from __future__ import annotations

import random
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, insert, text
from sqlalchemy.orm import Session

from sec.timefmt import LONDON
from storage.db import make_engine, session_factory, transaction, upgrade
from storage.models import (
    Contact,
    Milestone,
    Modification,
    Release,
    ScopeEntry,
    StatusEntry,
    Subscription,
)
from storage.sample import load_sample
from storage.search_index import FTS_TABLE

FIRST_NUMBER = 1000
TYPABLE_LAST = 9999  # parse_ref reads at most four digits after MP
CHUNK = 5000
# Words of our own for generated titles; "firmware" and other words of the sample titles are
# deliberately absent, so a search for them finds the same rows in a store of any size.
_WORD_TEXT = """
smart meter metering data communications gateway device register tariff supplier network
operator consumer premises install installation commissioning decommissioning alert alerts
service request response message schema interface portal reporting report reports threshold
thresholds billing prepayment credit debit balance top-up voltage quality export import
generation storage heat pump charging vehicle electric gas electricity dual fuel mode modes
display in-home hand-held configuration profile profiles calendar clock synchronisation
security certificate certificates key keys rotation recovery anomaly detection audit access
control role roles user users party parties registration registrations change changes process
processes timetable governance panel review assessment impact cost costs benefit benefits
testing test tests environment environments release releases scope baseline version versions
deployment migration legacy enrolment adoption churn switching faster reliable resilience
outage outages incident incidents problem management capacity performance availability
monitoring logging retention privacy consent notification notifications window windows period
periods daily monthly annual half-hourly settlement load shaping demand side flexibility trial
trials pilot remote local optional mandatory obligation obligations clarification
clarifications correction corrections alignment housekeeping minor major technical
specification specifications appendix section schedule schedules definition definitions
reference references standard standards protocol protocols zigbee radio coverage rural urban
mesh hub communications-hub alternative home area wide
"""
WORDS = _WORD_TEXT.split()
MILESTONE_KINDS = (
    "panel_return",
    "working_group",
    "change_board_vote",
    "consultation_close",
    "dcc_impact_assessment",
    "modification_report",
    "authority_decision",
)
STAGES = ("refinement", "report", "change_board", "authority", "approved", "implemented")
AT = datetime(2021, 6, 1, tzinfo=LONDON)


@dataclass(frozen=True)
class StressSize:
    modifications: int = 100_000
    releases: int = 1_000
    subscriptions: int = 10_000

    @classmethod
    def scaled(cls, modifications: int) -> StressSize:
        """A smaller store with the same proportions."""
        ratio = modifications / cls.modifications
        return cls(modifications, max(10, int(1_000 * ratio)), max(10, int(10_000 * ratio)))


@dataclass(frozen=True)
class StressInfo:
    """What was built, for the benchmarks to pick their questions from."""

    url: str
    size: StressSize
    seconds: float
    typable_refs: list[str]
    release_names: list[str]
    vocabulary: list[str]


def title(rng: random.Random) -> str:
    words = rng.sample(WORDS, rng.randint(4, 8))
    return " ".join(words).capitalize()


def _chunks(rows: Iterator[dict[str, Any]], size: int = CHUNK) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _bulk(session: Session, model: Any, rows: Iterator[dict[str, Any]]) -> None:
    """COPY on PostgreSQL; Core executemany on SQLite (the ORM's bulk path is much slower)."""
    conn = session.connection()
    table = model.__table__
    for batch in _chunks(rows):
        if conn.dialect.name != "postgresql":
            conn.execute(insert(table), batch)
            continue
        columns = list(batch[0])
        raw: Any = conn.connection.dbapi_connection
        with (
            raw.cursor() as cursor,
            cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy,
        ):
            for row in batch:
                copy.write_row([row[c] for c in columns])


def _release_rows(size: StressSize) -> Iterator[dict[str, Any]]:
    """Monthly releases from January 2031 on (the sample's own are 2019-2022)."""
    for i in range(size.releases):
        year, month = 2031 + i // 12, i % 12 + 1
        go_live = date(year, month, 1) + timedelta(days=rng_day(i))
        yield {
            "name": f"{go_live:%B} {year}",
            "go_live": go_live,
            "ad_hoc": False,
            "baselining": None,
            "as_of": None,
        }


def rng_day(i: int) -> int:
    return (i * 7) % 25


def _modification_rows(
    size: StressSize, rng: random.Random, release_ids: list[int]
) -> Iterator[dict[str, Any]]:
    for i in range(size.modifications):
        number = FIRST_NUMBER + i
        name = title(rng)
        yield {
            "ref": f"MP{number}",
            "number": number,
            "letter": "",
            "title": name,
            "title_key": name.lower(),
            "slug": f"mp{number}-" + name.lower().replace(" ", "-"),
            "proposer": f"Party {i % 97}",
            "path": rng.choice(("path1", "path2", "path3")),
            "stage": rng.choice(STAGES),
            "status": " ".join(rng.sample(WORDS, 6)) + " awaited",
            "status_as_of": date(2021, 1, 1) + timedelta(days=i % 150),
            "dcc_impact": bool(i % 2),
            "target_release_id": release_ids[i % len(release_ids)] if i % 3 == 0 else None,
        }


def _child_rows(
    mod_ids: list[tuple[int, str]], rng: random.Random
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    statuses, milestones, contacts = [], [], []
    for i, (mod_id, stage) in enumerate(mod_ids):
        statuses.append(
            {
                "modification_id": mod_id,
                "as_of": date(2021, 1, 1) + timedelta(i % 150),
                "stage": stage,
                "status": "generated status",
                "recorded_by": "bench",
            }
        )
        for _ in range(1 + i % 2):
            start = date(2019, 1, 1) + timedelta(days=rng.randrange(12 * 365))
            precision = rng.choice(("day", "day", "month", "early"))
            if precision != "day":
                start = start.replace(day=1)
            milestones.append(
                {
                    "modification_id": mod_id,
                    "kind": rng.choice(MILESTONE_KINDS),
                    "start": start,
                    "precision": precision,
                    "text": "",
                    "as_of": None,
                    "superseded": False,
                }
            )
        if i % 10 == 0:
            contacts.append(
                {
                    "modification_id": mod_id,
                    "role": "proposer",
                    "organisation": f"Party {i % 97}",
                    "slack_user_id": f"UP{i:06d}",
                }
            )
    return statuses, milestones, contacts


def _subscription_rows(
    size: StressSize, rng: random.Random, refs: list[str], releases: list[str]
) -> Iterator[dict[str, Any]]:
    """Mostly single modifications, as people follow what concerns them; 1% on each of all,
    meetings and deadlines; 2% on a release."""
    for i in range(size.subscriptions):
        share = i % 100
        topic = (
            ("all", "meetings", "deadlines", "release", "release")[share] if share < 5 else "ref"
        )
        value = {"ref": rng.choice(refs), "release": rng.choice(releases)}.get(topic, "")
        yield {
            "surface": "slack",
            "channel": f"CS{i:06d}",
            "topic": topic,
            "value": value,
            "created_by": "bench",
            "created_at": AT,
        }


def fill(engine: Engine, size: StressSize, *, seed: int = 9) -> StressInfo:
    """Migrate, load the sample, then add the generated rows; returns what the bench needs."""
    started = time.perf_counter()
    rng = random.Random(seed)
    upgrade(engine)
    sessions = session_factory(engine)
    with transaction(sessions) as session:
        load_sample(session)
        _bulk(session, Release, _release_rows(size))
    with transaction(sessions) as session, _search_indexes_built_after(session):
        releases = list(session.execute(text("SELECT id, name FROM releases ORDER BY id")))
        release_ids = [int(r[0]) for r in releases]
        _bulk(session, Modification, _modification_rows(size, rng, release_ids))
    with transaction(sessions) as session:
        mods = [
            (int(r[0]), str(r[1]))
            for r in session.execute(
                text("SELECT id, stage FROM modifications WHERE number >= :n ORDER BY id"),
                {"n": FIRST_NUMBER},
            )
        ]
        statuses, milestones, contacts = _child_rows(mods, rng)
        _bulk(session, StatusEntry, iter(statuses))
        _bulk(session, Milestone, iter(milestones))
        _bulk(session, Contact, iter(contacts))
        scope = (
            {
                "release_id": rid,
                "modification_id": mods[(n * 10 + k) % len(mods)][0],
                "state": "in_scope",
                "added": k == 9,
                "note": None,
                "as_of": None,
            }
            for n, rid in enumerate(release_ids[-size.releases :])
            for k in range(10)
        )
        _bulk(session, ScopeEntry, scope)
    refs = [f"MP{FIRST_NUMBER + i}" for i in range(min(size.modifications, TYPABLE_LAST - 999))]
    names = [str(r[1]) for r in releases]
    with transaction(sessions) as session:
        _bulk(session, Subscription, _subscription_rows(size, rng, refs, names))
    _analyse(engine)
    return StressInfo(
        url=engine.url.render_as_string(hide_password=False),
        size=size,
        seconds=time.perf_counter() - started,
        typable_refs=refs,
        release_names=names,
        vocabulary=list(WORDS),
    )


@contextmanager
def _search_indexes_built_after(session: Session) -> Iterator[None]:
    """Build migration 0003's search indexes once after a bulk load, not row by row (4x faster).

    Their definitions are read back from the database and run again unchanged.
    """
    sqlite = session.get_bind().dialect.name == "sqlite"
    if sqlite:
        found = "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name = :name"
        name, drop = f"{FTS_TABLE}_ai", "DROP TRIGGER {}"
    else:
        found = (
            "SELECT indexname, indexdef FROM pg_indexes"
            " WHERE schemaname = current_schema() AND indexname LIKE :name"
        )
        name, drop = "search%", "DROP INDEX {}"
    saved = {str(r[0]): str(r[1]) for r in session.execute(text(found), {"name": name})}
    for item in saved:
        session.execute(text(drop.format(item)))
    yield
    if sqlite and saved:
        session.execute(text(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')"))
    for statement in saved.values():
        session.execute(text(statement))


def _analyse(engine: Engine) -> None:
    """Fresh planner statistics, as autovacuum would gather them on a live server."""
    with engine.connect() as conn:
        conn.execute(text("ANALYZE"))
        conn.commit()


def build_sqlite(path: str, size: StressSize) -> StressInfo:
    engine = make_engine(f"sqlite:///{path}")
    try:
        return fill(engine, size)
    finally:
        engine.dispose()


def build_postgres(base_url: str, schema: str, size: StressSize) -> tuple[StressInfo, str]:
    """A fresh schema (dropped first); returns the info and a DATABASE_URL that selects it."""
    admin = make_engine(base_url)
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    engine = make_engine(base_url, connect_args={"options": f"-csearch_path={schema}"})
    try:
        info = fill(engine, size)
    finally:
        engine.dispose()
    return info, f"{base_url}?options=-csearch_path%3D{schema}"


def drop_postgres(base_url: str, schema: str) -> None:
    admin = make_engine(base_url)
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    admin.dispose()


def main(argv: list[str]) -> int:
    url = argv[0] if argv else "sqlite:///stress.db"
    count = int(argv[argv.index("--size") + 1]) if "--size" in argv else 100_000
    size = StressSize.scaled(count)
    if url.startswith("sqlite:///"):
        info = build_sqlite(url[len("sqlite:///") :], size)
    else:
        info, url = build_postgres(url, "bench_stress", size)
    print(f"stress store {url}: {size} in {info.seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
