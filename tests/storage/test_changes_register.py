"""Change sets from web pages: page fields, timelines, target releases, and change events."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from sec.lifecycle import Stage
from storage import queries
from storage.changes import CONFLICT, EVENT_KINDS, KEEP, ChangeReport, apply_changeset
from storage.db import transaction
from storage.ingest import changeset as cs
from storage.models import Document, Modification

AT = cs.SourcePos(page=1, line=1)
URL = "https://smartenergycodecompany.co.uk/modifications/credit-cover-review/"


def page(
    fetched: datetime,
    *,
    stage: Stage | None = Stage.REFINEMENT,
    status: str = "The Working Group met on 3 March 2021.",
    implementation: str | None = "Targeted for Jun 21 SEC Release",
    implementation_date: date | None = None,
    release: str | None = "Jun 21",
    history: tuple[cs.HistoryEntry, ...] = (),
    title: str = "Credit Cover Review",
    proposer: str | None = "British Gas",
    stage_inferred: bool = False,
) -> cs.ChangeSet:
    return cs.ChangeSet(
        documents=[
            cs.Document(
                path=URL,
                date=None,
                title=f"MP159 {title}",
                source=AT,
                kind="page",
                url=URL,
                fetched_at=fetched,
            )
        ],
        modifications=[
            cs.Modification(
                "MP159",
                title,
                stage,
                status,
                None,
                AT,
                proposer=proposer,
                lead_analyst="Joe Bloggs",
                raised_on=date(2020, 12, 3),
                implementation=implementation,
                implementation_date=implementation_date,
                release=release,
                stage_inferred=stage_inferred,
                url=URL,
                dcc_impact=False,
                history=history,
            )
        ],
    )


def sync(sessions: sessionmaker[Session], changes: cs.ChangeSet, checksum: str) -> ChangeReport:
    with transaction(sessions) as session:
        return apply_changeset(session, changes, checksum=checksum, path=URL, actor="secbot sync")


def mp159(session: Session) -> Modification:
    found = session.scalar(select(Modification).where(Modification.ref == "MP159"))
    assert found is not None
    return found


def events(report: ChangeReport) -> dict[str, tuple[str | None, str | None]]:
    return {c.event: (c.before, c.after) for c in report.changes if c.event}


FIRST = datetime(2021, 3, 10, 9, 0, tzinfo=UTC)
LATER = datetime(2021, 6, 1, 9, 0, tzinfo=UTC)


def test_a_page_writes_its_fields_and_its_document(sessions: sessionmaker[Session]) -> None:
    report = sync(sessions, page(FIRST), "p1")
    assert report.count(CONFLICT) == 0
    assert events(report) == {"raised": (None, "Credit Cover Review")}
    with sessions() as session:
        mod = mp159(session)
        assert (mod.proposer, mod.lead_analyst) == ("British Gas", "Joe Bloggs")
        assert mod.raised_on == date(2020, 12, 3)
        assert mod.implementation == "Targeted for Jun 21 SEC Release"
        assert mod.dcc_impact is False and mod.slug == "credit-cover-review"
        assert mod.status_as_of == date(2021, 3, 10)  # true on the day it was fetched
        assert mod.target_release is not None and mod.target_release.name == "June 2021"
        doc = session.scalar(select(Document).where(Document.checksum == "p1"))
        assert doc is not None and (doc.kind, doc.url) == ("page", URL)
        assert doc.fetched_at == FIRST and doc.doc_date == date(2021, 3, 10)


def test_every_change_people_care_about_carries_an_event(sessions: sessionmaker[Session]) -> None:
    sync(sessions, page(FIRST), "p1")
    later = page(
        LATER,
        stage=Stage.CHANGE_BOARD,
        status="The Change Board will vote on 23 June 2021.",
        implementation="3 November 2021",
        implementation_date=date(2021, 11, 3),
        release="November 2021",
        title="Credit Cover Review and Refunds",
    )
    report = sync(sessions, later, "p2")
    found = events(report)
    assert found["stage"] == (Stage.REFINEMENT.label, Stage.CHANGE_BOARD.label)
    assert found["status"] == (
        "The Working Group met on 3 March 2021.",
        "The Change Board will vote on 23 June 2021.",
    )
    assert found["implementation"] == ("Targeted for Jun 21 SEC Release", "3 November 2021")
    assert found["target_release"] == ("June 2021 SEC Release", "November 2021 SEC Release")
    assert found["title"] == ("Credit Cover Review", "Credit Cover Review and Refunds")
    assert set(found) <= set(EVENT_KINDS)
    assert all(c.ref == "MP159" for c in report.changes if c.event)


def test_an_older_page_keeps_the_newer_fields(sessions: sessionmaker[Session]) -> None:
    sync(sessions, page(LATER, proposer="Octopus Energy", release="Nov 21"), "p2")
    report = sync(sessions, page(FIRST), "p1")
    assert report.count(KEEP) >= 1 and not report.events()
    with sessions() as session:
        mod = mp159(session)
        assert mod.proposer == "Octopus Energy"
        assert mod.target_release is not None and mod.target_release.name == "November 2021"


def test_a_later_fetch_the_same_day_wins(sessions: sessionmaker[Session]) -> None:
    sync(sessions, page(FIRST), "p1")
    report = sync(sessions, page(FIRST.replace(hour=15), status="Now with the Panel."), "p1b")
    assert report.count(CONFLICT) == 0
    assert events(report)["status"][1] == "Now with the Panel."
    with sessions() as session:
        assert mp159(session).status == "Now with the Panel."


def test_two_papers_of_one_day_that_disagree_still_conflict(
    sessions: sessionmaker[Session],
) -> None:
    first = page(FIRST, proposer="British Gas")
    second = page(FIRST, proposer="EDF", status="Something else")
    second.documents[0] = cs.Document("b.txt", date(2021, 3, 10), "Paper", AT)
    first.documents[0] = cs.Document("a.txt", date(2021, 3, 10), "Paper", AT)
    sync(sessions, first, "a")
    report = sync(sessions, second, "b")
    assert report.count(CONFLICT) >= 2 and not report.events()
    with sessions() as session:
        assert mp159(session).proposer == "British Gas"


def test_the_timeline_joins_the_history_once_by_its_own_dates(
    sessions: sessionmaker[Session],
) -> None:
    timeline = (
        cs.HistoryEntry(date(2020, 12, 3), "Draft Proposal raised"),
        cs.HistoryEntry(date(2021, 3, 3), "Present to Working Group for discussion"),
    )
    sync(sessions, page(FIRST, history=timeline), "p1")
    report = sync(sessions, page(LATER, history=timeline), "p2")
    assert not [c for c in report.changes if "history" in c.what]  # de-duplicated
    with sessions() as session:
        mod = mp159(session)
        dated = [(e.as_of, e.stage, e.status) for e in mod.history]
        assert dated[:2] == [
            (date(2020, 12, 3), "draft", "Draft Proposal raised"),
            (date(2021, 3, 3), "refinement", "Present to Working Group for discussion"),
        ]
        on_day = queries.get_status_as_of(session, modification=mod, as_of=date(2021, 1, 1))
        assert on_day is not None and on_day.status == "Draft Proposal raised"
        assert mod.status_as_of == date(2021, 6, 1)  # the timeline never replaces the status


def test_an_inferred_stage_is_recorded(sessions: sessionmaker[Session]) -> None:
    sync(sessions, page(FIRST, stage=Stage.WITHDRAWN, stage_inferred=True), "p1")
    with sessions() as session:
        mod = mp159(session)
        assert (mod.stage, mod.stage_inferred) == ("withdrawn", True)
    sync(sessions, page(LATER, stage=Stage.WITHDRAWN), "p2")
    with sessions() as session:
        assert mp159(session).stage_inferred is False


def test_scope_and_go_live_changes_are_events(sessions: sessionmaker[Session]) -> None:
    sync(sessions, page(FIRST), "p1")
    release = cs.ChangeSet(
        documents=[cs.Document("r.txt", date(2021, 4, 1), "Releases", AT)],
        releases=[cs.Release("June 2021 SEC Release", date(2021, 6, 24), AT, in_scope=("MP159",))],
    )
    report = sync(sessions, release, "r1")
    assert [(c.event, c.release) for c in report.changes if c.event] == [
        ("scope_added", "June 2021 SEC Release")
    ]
    moved = cs.ChangeSet(
        documents=[cs.Document("r2.txt", date(2021, 5, 1), "Releases", AT)],
        releases=[cs.Release("June 2021", date(2021, 6, 30), AT, removed=("MP159",))],
    )
    found = events(sync(sessions, moved, "r2"))
    assert found["go_live"] == ("24 June 2021", "30 June 2021")
    assert found["scope_removed"] == (
        "in scope of June 2021 SEC Release",
        "removed from June 2021 SEC Release",
    )
    assert sync(sessions, moved, "r3").events() == []  # the same facts again tell nobody
