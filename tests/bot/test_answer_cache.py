"""The answer cache: a repeated question is a look-up, and any write is answered afresh at once."""

from __future__ import annotations

from datetime import date

from freezegun import freeze_time
from sqlalchemy.orm import Session, sessionmaker

from bot.answer_cache import AnswerCache
from bot.render import render_text
from bot.router import Context, Router, build_router
from sec.lifecycle import Stage
from sec.timefmt import today
from storage.changes import apply_changeset
from storage.db import transaction
from storage.ingest import changeset as cs

DAY = date(2021, 10, 1)
PERSON = Context(as_of=DAY, user="U0JANE", surface="slack", channel="C1")
ADMIN = Context(as_of=DAY, user="UADMIN", surface="slack", channel="C1", is_admin=True)
AT = cs.SourcePos(page=1, line=3)


def _router(sessions: sessionmaker[Session]) -> tuple[Router, AnswerCache]:
    router = build_router(sessions)
    assert router.cache is not None
    return router, router.cache


def _status(router: Router, ctx: Context = PERSON) -> str:
    return render_text(router.answer("status MP159", ctx))


def test_a_repeated_question_is_answered_from_the_cache(loaded: sessionmaker[Session]) -> None:
    router, cache = _router(loaded)
    first = router.handle("status MP159", PERSON)
    again = router.handle("status   MP159", PERSON)  # the same line, spaced differently
    assert again is first
    assert (cache.hits, cache.misses) == (1, 1)


def test_a_changeset_applied_changes_the_next_answer(loaded: sessionmaker[Session]) -> None:
    router, _ = _router(loaded)
    assert "Sent back to the Working Group" not in _status(router)
    paper = cs.ChangeSet(
        documents=[cs.Document(path="paper.txt", date=DAY, title="Panel update", source=AT)],
        modifications=[
            cs.Modification(
                "MP159", "Credit Cover Review", Stage.REFINEMENT,
                "Sent back to the Working Group", DAY, AT,
            )
        ],
    )  # fmt: skip
    with transaction(loaded) as session:
        apply_changeset(session, paper, checksum="c1", path="paper.txt", actor="secbot sync")
    assert "Sent back to the Working Group" in _status(router)


def test_an_administrator_command_changes_the_next_answer(loaded: sessionmaker[Session]) -> None:
    router, _ = _router(loaded)
    before = _status(router)
    done = router.answer("set-status MP159 report Out for its report consultation", ADMIN)
    assert done.ok, render_text(done)
    after = _status(router)
    assert after != before and "Out for its report consultation" in after


def test_a_decision_added_changes_the_next_answer(loaded: sessionmaker[Session]) -> None:
    router, _ = _router(loaded)
    assert "which test option to take" not in _status(router)
    done = router.answer('decision add MP159 "which test option to take"', ADMIN)
    assert done.ok, render_text(done)
    assert "which test option to take" in _status(router)


def test_a_new_day_is_a_new_key(loaded: sessionmaker[Session]) -> None:
    router, cache = _router(loaded)
    with freeze_time("2021-10-01 23:59:00+00:00"):  # 00:59 on 2 October in London
        first = router.handle("status MP159", Context(as_of=today()))
        router.handle("status MP159", Context(as_of=today()))
    with freeze_time("2021-10-02 23:30:00+00:00"):
        later = router.handle("status MP159", Context(as_of=today()))
    assert later is not first and later.answer.model.as_of == date(2021, 10, 3)
    assert (cache.hits, cache.misses) == (1, 2)


def test_personal_and_acting_commands_are_never_kept(loaded: sessionmaker[Session]) -> None:
    router, cache = _router(loaded)
    for line in ("pending mine", "subscriptions", "what is waiting on me", "pending"):
        router.handle(line, PERSON)
        router.handle(line, PERSON)
    assert (cache.hits, cache.misses, len(cache)) == (0, 0, 0)


def test_the_cache_is_bounded(loaded: sessionmaker[Session]) -> None:
    router = build_router(loaded)
    router.cache = cache = AnswerCache(loaded, max_answers=3)
    for number in (159, 154, 162, 165, 159):
        router.handle(f"status MP{number}", PERSON)
    assert len(cache) == 3 and cache.hits == 0
