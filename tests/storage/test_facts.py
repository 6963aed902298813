"""Decisions taken, SEC versions, consultations, waits, candidates: applied, then asked as of."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from sec.lifecycle import Owner, Stage
from sec.references import parse_ref
from sec.vague_dates import VagueDate
from storage import facts, queries
from storage.changes import ADD, ChangeReport, apply_changeset
from storage.db import transaction
from storage.fact_models import Outcome, ReleaseCandidate
from storage.ingest import changeset as cs
from storage.models import Modification, Release

AT = cs.SourcePos(page=2, line=7)


def mod(session: Session, ref: str) -> Modification:
    parsed = parse_ref(ref)
    assert parsed is not None
    found = queries.get_modification(session, ref=parsed)
    assert found is not None
    return found


def release(session: Session, name: str) -> Release:
    found = queries.get_release_by_name(session, name=name)
    assert found is not None
    return found


# ---------------------------------------------------------------- the sample data's facts


def test_an_approval_is_apart_from_the_go_live(loaded: sessionmaker[Session]) -> None:
    with loaded() as session:
        secmp16 = mod(session, "SECMP0016")
        [approval] = facts.list_outcomes(session, modification=secmp16, as_of=date(2017, 4, 10))
        assert (approval.body, approval.result, approval.decided_on) == (
            "BEIS",
            "approved",
            date(2017, 1, 17),
        )
        [version] = facts.list_versions_implementing(
            session, modification=secmp16, as_of=date(2017, 4, 10)
        )
        assert (version.number, version.effective) == ("5.6", date(2017, 4, 1))
        # Known only from the April 2017 paper: nothing before it.
        assert facts.list_outcomes(session, modification=secmp16, as_of=date(2017, 4, 9)) == []


def test_sec_versions_with_what_they_implemented(loaded: sessionmaker[Session]) -> None:
    with loaded() as session:
        versions = facts.list_sec_versions(session, as_of=date(2021, 9, 21))
        assert [(v.number, v.effective) for v in versions] == [
            ("5.5", date(2017, 3, 15)),
            ("5.6", date(2017, 4, 1)),
        ]
        found = facts.get_sec_version(session, number="5.5", as_of=date(2021, 1, 1))
        assert found is not None
        assert [m.ref for m in facts.implemented_as_of(found, as_of=date(2021, 1, 1))] == [
            "SECMP0026"
        ]
        assert facts.get_sec_version(session, number="5.5", as_of=date(2017, 1, 1)) is None


def test_consultations_say_when_and_where(loaded: sessionmaker[Session]) -> None:
    with loaded() as session:
        open_then = facts.list_consultations(session, as_of=date(2017, 4, 10), open_only=True)
        assert [(c.modification.ref if c.modification else None, c.closes) for c in open_then] == [
            ("SECMP0006", date(2017, 4, 27))
        ]
        assert open_then[0].respond_to == "SECAS@gemserv.com"
        assert facts.list_consultations(session, as_of=date(2017, 4, 28), open_only=True) == []
        every = facts.list_consultations(session, as_of=date(2021, 9, 21))
        assert len(every) == 2


def test_work_owed_by_the_dcc_is_a_wait_with_a_due_date(loaded: sessionmaker[Session]) -> None:
    with loaded() as session:
        then = facts.list_waits(
            session, as_of=date(2019, 3, 8), kind="preliminary_assessment", owner="DCC"
        )
        refs = {w.modification.ref: w for w in then}
        assert {"SECMP0007", "SECMP0053", "SECMP0010"} <= set(refs)
        assert (refs["SECMP0053"].due_start, refs["SECMP0053"].due_precision) == (
            date(2019, 3, 11),
            "mid",
        )
        later = facts.list_waits(session, as_of=date(2021, 9, 21), kind="impact_assessment")
        assert {w.modification.ref for w in later} == {"MP078", "MP140", "MP141"}
        # The same waits are what the pending answer lists.
        pending = queries.list_open_decisions(session, as_of=date(2021, 9, 21))
        assert {w.id for w in later} <= {d.id for d in pending}
        with pytest.raises(ValueError, match="unknown wait kind"):
            facts.list_waits(session, as_of=date(2021, 9, 21), kind="ia")
        assert facts.WAIT_KIND_WORDS["ia"] == "impact_assessment"


def test_candidates_at_risk_are_not_scope(loaded: sessionmaker[Session]) -> None:
    with loaded() as session:
        november = release(session, "November 2019")
        assert queries.list_scope_as_of(session, release=november, as_of=date(2019, 3, 8)) == []
        candidates = facts.list_release_candidates(
            session, release=november, as_of=date(2019, 3, 8)
        )
        assert [c.modification.ref for c in candidates] == ["SECMP0053", "SECMP0062"]
        assert all(c.note and c.note.startswith("At risk") for c in candidates)
        secmp53 = mod(session, "SECMP0053")
        assert [
            c.release.name
            for c in facts.list_candidacies(session, modification=secmp53, as_of=date(2019, 3, 8))
        ] == ["November 2019"]


# ---------------------------------------------------------------- the change-set kinds


def paper(day: date, *extra: object) -> cs.ChangeSet:
    changes = cs.ChangeSet(
        documents=[cs.Document(path="p.txt", date=day, title="Panel paper", source=AT)],
        modifications=[
            cs.Modification("MP200", "Faster Switching", Stage.AUTHORITY, None, day, AT)
        ],
        decisions=[cs.Decision("MP200", Owner.AUTHORITY, "whether to approve it", AT)],
    )
    for item in extra:
        if isinstance(item, cs.Outcome):
            changes.outcomes.append(item)
        elif isinstance(item, cs.SecVersion):
            changes.sec_versions.append(item)
        elif isinstance(item, cs.Consultation):
            changes.consultations.append(item)
        elif isinstance(item, cs.Release):
            changes.releases.append(item)
        elif isinstance(item, cs.Decision):
            changes.decisions.append(item)
    return changes


def apply(sessions: sessionmaker[Session], changes: cs.ChangeSet, checksum: str) -> ChangeReport:
    # Through JSON, as pending ingests store it: the round trip must keep every field.
    again = cs.ChangeSet.from_json(changes.to_json())
    assert again.to_json() == changes.to_json()
    with transaction(sessions) as session:
        return apply_changeset(session, again, checksum=checksum, path="p.txt")


def test_an_outcome_is_recorded_once_and_answers_the_wait(sessions: sessionmaker[Session]) -> None:
    apply(sessions, paper(date(2022, 1, 10)), "a")
    decided = cs.Outcome("MP200", "Authority", "approved", date(2022, 2, 1), "Ofgem approved", AT)
    report = apply(sessions, paper(date(2022, 2, 3), decided), "b")
    [event] = [c for c in report.changes if c.event == "decision"]
    assert (event.ref, event.after) == ("MP200", "approved by the Authority on 1 February 2022")
    apply(sessions, paper(date(2022, 2, 4), decided), "c")  # said again by a later paper
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Outcome)) == 1
        mp200 = mod(session, "MP200")
        assert facts.list_waits(session, as_of=date(2022, 1, 31), modification=mp200) != []
        assert facts.list_waits(session, as_of=date(2022, 2, 3), modification=mp200) == []


def test_a_deferral_leaves_the_wait_open(sessions: sessionmaker[Session]) -> None:
    deferred = cs.Outcome("MP200", "Authority", "deferred", None, "more evidence asked for", AT)
    apply(sessions, paper(date(2022, 1, 10), deferred), "a")
    with sessions() as session:
        mp200 = mod(session, "MP200")
        assert len(facts.list_waits(session, as_of=date(2022, 3, 1), modification=mp200)) == 1


def test_bad_outcomes_are_refused_by_the_change_set() -> None:
    with pytest.raises(ValueError, match="decision body"):
        cs.Outcome("MP200", "The Moon", "approved", None, "", AT)
    with pytest.raises(ValueError, match="wait kind"):
        cs.Decision("MP200", Owner.DCC, "x", AT, kind="lunch")


def test_versions_consultations_and_waits_from_a_change_set(
    sessions: sessionmaker[Session],
) -> None:
    version = cs.SecVersion("12.3", date(2022, 2, 24), ("MP200", "MP999"), "Feb release", AT)
    consult = cs.Consultation(
        "MP200 Refinement Consultation", date(2022, 3, 4), AT, ref="MP200", respond_to="secas@x"
    )
    owed = cs.Decision(
        "MP200",
        Owner.DCC,
        "its Impact Assessment",
        AT,
        kind="impact_assessment",
        due=VagueDate.of_month(2022, 4),
    )
    report = apply(sessions, paper(date(2022, 2, 1), version, consult, owed), "a")
    assert any("MP999" in c.subject and c.action == "!" for c in report.changes)
    extended = cs.Consultation("MP200 Refinement Consultation", date(2022, 3, 11), AT, ref="MP200")
    later = paper(date(2022, 2, 20), extended)
    moved = cs.Decision(
        "MP200",
        Owner.DCC,
        "its Impact Assessment",
        AT,
        kind="impact_assessment",
        due=VagueDate.of_month(2022, 5),
    )
    later.decisions.append(moved)
    apply(sessions, later, "b")
    with sessions() as session:
        [found] = facts.list_consultations(session, as_of=date(2022, 2, 20), open_only=True)
        assert found.closes == date(2022, 3, 11)
        [wait] = facts.list_waits(session, as_of=date(2022, 2, 20), kind="impact_assessment")
        assert wait.due_start == date(2022, 5, 1)
        [v] = facts.list_sec_versions(session, as_of=date(2022, 3, 1))
        assert [m.ref for m in facts.implemented_as_of(v, as_of=date(2022, 3, 1))] == ["MP200"]


def test_a_candidate_that_joins_the_scope_stops_being_a_candidate(
    sessions: sessionmaker[Session],
) -> None:
    named = cs.Release(
        "June 2022 SEC Release",
        date(2022, 6, 30),
        AT,
        candidates=("MP200",),
        notes=(cs.PartialScope("MP200", "at risk"),),
    )
    report = apply(sessions, paper(date(2022, 1, 10), named), "a")
    assert not [c for c in report.changes if c.event == "scope_added"]
    scoped = cs.Release("June 2022 SEC Release", date(2022, 6, 30), AT, in_scope=("MP200",))
    apply(sessions, paper(date(2022, 3, 1), scoped), "b")
    with sessions() as session:
        june = release(session, "June 2022")
        assert session.scalar(select(func.count()).select_from(ReleaseCandidate)) == 1
        before = facts.list_release_candidates(session, release=june, as_of=date(2022, 2, 1))
        assert [(c.modification.ref, c.note) for c in before] == [("MP200", "at risk")]
        assert facts.list_release_candidates(session, release=june, as_of=date(2022, 3, 1)) == []
        assert len(queries.list_scope_as_of(session, release=june, as_of=date(2022, 2, 1))) == 0
        assert mod(session, "MP200").target_release is june
    assert report.count(ADD) > 0
