"""The home tab shows a person what their own workspace knows: their Proposer links there, and
decisions from papers or that workspace's administrators (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.answers.home import build_home
from storage import admin
from storage.db import transaction
from storage.models import Modification

AS_OF = date(2021, 10, 1)
PERSON = "W0GRID"  # an Enterprise Grid user: one id in two workspaces


def test_home_decisions_stay_in_their_workspace(loaded: sessionmaker[Session]) -> None:
    with transaction(loaded) as session:
        mod = session.scalars(select(Modification).where(Modification.ref == "MP107")).one()
        admin.set_proposer_slack_user(
            session, modification=mod, slack_user_id=PERSON, workspace="T0FIRST"
        )
        open_ids = [d.id for d in mod.decisions if d.resolved_on is None]
        assert open_ids
        for decision in mod.decisions:
            decision.workspace = "T0FIRST"  # as if that workspace's administrator added them
    with loaded() as session:
        first = build_home(
            session, user_id=PERSON, as_of=AS_OF, is_admin=False, workspace="T0FIRST"
        )
        second = build_home(
            session, user_id=PERSON, as_of=AS_OF, is_admin=False, workspace="T0SECOND"
        )
    assert [m.ref for m in first.mine] == ["MP107"] and first.decisions
    assert second.mine == [] and second.decisions == []

    with transaction(loaded) as session:  # the same person is MP107's Proposer there too
        mod = session.scalars(select(Modification).where(Modification.ref == "MP107")).one()
        admin.set_proposer_slack_user(
            session, modification=mod, slack_user_id=PERSON, workspace="T0SECOND"
        )
    with loaded() as session:
        second = build_home(
            session, user_id=PERSON, as_of=AS_OF, is_admin=False, workspace="T0SECOND"
        )
    assert [m.ref for m in second.mine] == ["MP107"]
    assert second.decisions == []  # T0FIRST's administrators added them: not shown here
