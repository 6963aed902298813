"""Nudge queries on SQLite and PostgreSQL: follow-ups made once, occurrences and escalations
taken once, decisions closed once, and who speaks for a Proposer or hears a decision."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from sec.vague_dates import VagueDate
from storage import admin
from storage import nudges as store
from storage.models import Contact, Decision, Modification, Subscription
from storage.nudge_models import DecisionFollowUp

AT = datetime(2021, 9, 27, 9, 0, tzinfo=UTC)


def _mod(session: Session, number: int = 107) -> Modification:
    mod = Modification(
        ref=f"MP{number}",
        number=number,
        letter="",
        title=f"Change {number}",
        title_key=f"change {number}",
        stage="refinement",
    )
    session.add(mod)
    session.flush()
    return mod


def _decision(sessions: sessionmaker[Session], *, owner: str = "Proposer") -> int:
    with sessions() as session, session.begin():
        row = admin.create_decision(
            session,
            modification=_mod(session),
            owner=owner,
            what="which option to take",
            since=date(2021, 9, 21),
            due=VagueDate.from_iso("2021-10", "late"),
        )
        return row.id


def test_follow_ups_are_made_once_and_occurrences_taken_once(
    sessions: sessionmaker[Session],
) -> None:
    decision_id = _decision(sessions)
    with sessions() as session, session.begin():
        first = store.ensure_follow_ups(session, decision_ids=[decision_id, decision_id])
        again = store.ensure_follow_up(session, decision_id=decision_id)
        assert first[decision_id].id == again.id
        monday, next_monday = date(2021, 9, 27), date(2021, 10, 4)
        assert store.claim_occurrence(session, decision_id=decision_id, day=monday)
        assert not store.claim_occurrence(session, decision_id=decision_id, day=monday)
        assert store.claim_occurrence(session, decision_id=decision_id, day=next_monday)
        assert not store.claim_occurrence(session, decision_id=decision_id, day=monday)
    with sessions() as session:
        rows = session.scalars(select(DecisionFollowUp)).all()
        assert [(r.decision_id, r.last_occurrence) for r in rows] == [(decision_id, next_monday)]


def test_escalation_and_resolution_happen_once(sessions: sessionmaker[Session]) -> None:
    decision_id = _decision(sessions)
    with sessions() as session, session.begin():
        store.ensure_follow_up(session, decision_id=decision_id)
        day = date(2021, 11, 1)
        assert store.mark_escalated(session, decision_id=decision_id, day=day, reason="late")
        assert not store.mark_escalated(session, decision_id=decision_id, day=day, reason="again")
        assert store.resolve_decision(
            session, decision_id=decision_id, resolution="A", by="U1", on=day
        )
        assert not store.resolve_decision(
            session, decision_id=decision_id, resolution="B", by="U2", on=day
        )
    with sessions() as session:
        decision = session.get(Decision, decision_id)
        assert decision is not None
        assert (decision.resolution, decision.resolved_by, decision.resolved_on) == ("A", "U1", day)
        assert (decision.due_start, decision.due_precision) == (date(2021, 10, 21), "late")
        follow_up = store.get_follow_up(session, decision_id=decision_id)
        assert follow_up is not None and follow_up.escalation_reason == "late"


def test_people_audience_and_unlinking(sessions: sessionmaker[Session]) -> None:
    decision_id = _decision(sessions)
    with sessions() as session, session.begin():
        mod = session.scalars(select(Modification)).one()
        session.add_all(
            [
                Contact(
                    modification_id=mod.id,
                    role="proposer",
                    slack_user_id="UPROP",
                    teams_user_id="aad-prop",
                ),
                Contact(modification_id=mod.id, role="follower", slack_user_id="UFOLLOW"),
                Subscription(
                    surface="slack", channel="CREF", topic="ref", value="MP107", created_at=AT
                ),
                Subscription(surface="slack", channel="CALL", topic="all", created_at=AT),
                Subscription(surface="slack", channel="CMEET", topic="meetings", created_at=AT),
                Subscription(surface="teams", channel="19:team", topic="all", created_at=AT),
            ]
        )
    with sessions() as session, session.begin():
        mod = session.scalars(select(Modification)).one()
        people = store.list_proposer_people(session, modification_id=mod.id)
        assert people == [("slack", "UPROP"), ("teams", "aad-prop")]
        heard = store.list_audience(session, modification=mod, surfaces={"slack"})
        assert heard == {("slack", "UFOLLOW"), ("slack", "CREF"), ("slack", "CALL")}
        mine = store.list_decisions_for_person(session, user_id="aad-prop", as_of=date(2021, 9, 27))
        assert [d.id for d in mine] == [decision_id]
        assert store.clear_person(session, user_id="UPROP", modification_id=mod.id) == 1
        assert store.clear_person(session, user_id="UFOLLOW") == 1  # left the workspace
        assert store.list_proposer_people(session, modification_id=mod.id) == [
            ("teams", "aad-prop")
        ]
        assert (
            store.list_decisions_for_person(session, user_id="UPROP", as_of=date(2021, 9, 27)) == []
        )


def test_nudgeable_decisions_leave_out_other_owners_and_closed_ones(
    sessions: sessionmaker[Session],
) -> None:
    proposer = _decision(sessions)
    with sessions() as session, session.begin():
        mod = session.scalars(select(Modification)).one()
        dcc = admin.create_decision(
            session, modification=mod, owner="DCC", what="x", since=date(2021, 9, 21)
        )
        closed = admin.create_decision(
            session, modification=mod, owner="Proposer", what="y", since=date(2021, 9, 21)
        )
        store.ensure_follow_up(session, decision_id=closed.id).decided_at = AT
        assert dcc.id and closed.id
    with sessions() as session:
        found = store.list_nudgeable_decisions(session, as_of=date(2021, 9, 27))
        assert [d.id for d in found] == [proposer]
        assert store.list_nudgeable_decisions(session, as_of=date(2021, 9, 20)) == []
