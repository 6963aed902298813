"""Applying change sets: provenance, idempotence, newer facts win, conflicts reported."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from sec.lifecycle import MilestoneKind, Owner, Stage
from sec.references import parse_ref
from sec.vague_dates import VagueDate
from storage import queries
from storage.changes import ADD, CONFLICT, KEEP, UPDATE, apply_changeset
from storage.db import transaction
from storage.ingest import changeset as cs
from storage.models import Document, Milestone, Modification, StatusEntry

AT = cs.SourcePos(page=1, line=3)


def paper(
    day: date,
    *,
    status: str = "Working Group in October",
    stage: Stage = Stage.REFINEMENT,
    title: str = "Credit Cover Review",
    milestone: VagueDate | None = None,
) -> cs.ChangeSet:
    changes = cs.ChangeSet(
        documents=[cs.Document(path="paper.txt", date=day, title="Releases update", source=AT)],
        modifications=[
            cs.Modification("MP159", title, stage, status, day, AT),
            cs.Modification("MP154", "CH Returns SLA Amendment", Stage.REFINEMENT, None, day, AT),
        ],
        releases=[
            cs.Release(
                "February 2022 SEC Release",
                date(2022, 2, 24),
                AT,
                in_scope=("MP159",),
                removed=("MP154",),
            ),
        ],
        decisions=[cs.Decision("MP159", Owner.PROPOSER, "which option to progress", AT)],
    )
    if milestone:
        changes.milestones.append(
            cs.Milestone("MP159", MilestoneKind.WORKING_GROUP, milestone, "to the WG", AT)
        )
    return changes


def apply(
    sessions: sessionmaker[Session], changes: cs.ChangeSet, checksum: str, dry_run: bool = False
):
    with transaction(sessions) as session:
        return apply_changeset(
            session, changes, checksum=checksum, path="paper.txt", dry_run=dry_run
        )


def mp159(session: Session) -> Modification:
    ref = parse_ref("MP159")
    assert ref is not None
    found = queries.get_modification(session, ref=ref)
    assert found is not None
    return found


def test_apply_creates_facts_with_their_document(sessions: sessionmaker[Session]) -> None:
    report = apply(sessions, paper(date(2021, 9, 21), milestone=VagueDate.of_month(2021, 10)), "a")
    assert report.count(ADD) >= 5 and report.count(CONFLICT) == 0
    with sessions() as session:
        mod = mp159(session)
        assert (mod.stage, mod.status_as_of) == ("refinement", date(2021, 9, 21))
        assert mod.slug == "credit-cover-review"
        assert mod.target_release is not None and mod.target_release.name == "February 2022"
        assert [h.document.name for h in mod.history if h.document] == ["Releases update"]
        assert [d.what for d in mod.decisions] == ["which option to progress"]
        release = queries.get_release_by_name(session, name="February 2022")
        assert release is not None
        states = {e.modification.ref: e.state for e in release.scope}
        assert states == {"MP159": "in_scope", "MP154": "removed"}


def test_the_same_document_twice_changes_nothing(sessions: sessionmaker[Session]) -> None:
    apply(sessions, paper(date(2021, 9, 21)), "a")
    again = apply(sessions, paper(date(2021, 9, 21)), "a")
    assert again.already_applied and again.changes == []
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Document)) == 1
        assert session.scalar(select(func.count()).select_from(StatusEntry)) == 2


def test_a_dry_run_writes_nothing_but_reports_the_same(sessions: sessionmaker[Session]) -> None:
    dry = apply(sessions, paper(date(2021, 9, 21)), "a", dry_run=True)
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Modification)) == 0
    real = apply(sessions, paper(date(2021, 9, 21)), "a")
    assert [c.line() for c in dry.changes] == [c.line() for c in real.changes]


def test_an_older_paper_never_overwrites_a_newer_fact(sessions: sessionmaker[Session]) -> None:
    apply(sessions, paper(date(2021, 9, 21), status="new", stage=Stage.REPORT), "new")
    old = apply(sessions, paper(date(2019, 3, 8), status="old", title="Credit cover"), "old")
    assert old.count(KEEP) >= 2
    with sessions() as session:
        mod = mp159(session)
        assert (mod.status, mod.stage, mod.title) == ("new", "report", "Credit Cover Review")
        assert [h.status for h in mod.history] == ["old", "new"]  # history gains the older entry


def test_two_papers_of_one_day_that_disagree_are_a_conflict(
    sessions: sessionmaker[Session],
) -> None:
    apply(sessions, paper(date(2021, 9, 21), status="one thing"), "a")
    report = apply(sessions, paper(date(2021, 9, 21), status="another"), "b")
    assert any(c.action == CONFLICT and c.subject == "MP159" for c in report.changes)
    with sessions() as session:
        assert mp159(session).status == "one thing"


def test_a_newer_paper_moves_a_planned_milestone(sessions: sessionmaker[Session]) -> None:
    apply(sessions, paper(date(2021, 9, 1), milestone=VagueDate.of_month(2021, 10)), "a")
    report = apply(sessions, paper(date(2021, 9, 21), milestone=VagueDate.of_month(2021, 11)), "b")
    assert any(c.action == UPDATE and "moved" in c.what for c in report.changes)
    with sessions() as session:
        rows = session.scalars(select(Milestone).order_by(Milestone.start)).all()
        assert [(m.start, m.superseded) for m in rows] == [
            (date(2021, 10, 1), True),
            (date(2021, 11, 1), False),
        ]
