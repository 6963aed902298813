"""`sources`: what secbot knows and how fresh it is (issue 13 item 6).

The papers ingested (each with its date and age), the website's pages (how many parse, the
newest check), the last successful sync, and the pages failing to fetch or parse, so a person
can judge an answer's age and an administrator can see the sync going wrong.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from bot.answers.freshness import document_name
from bot.views import Answer
from sec.timefmt import LONDON, age_phrase, uk_datetime, uk_short_date
from storage import site_store, sources

if TYPE_CHECKING:
    from bot.router import Context, Router

FAILING_SHOWN = 20


@dataclass(frozen=True)
class PaperSource:
    name: str
    title: str
    day: str | None  # "21 September 2021"
    age: str | None  # "over five years ago"


@dataclass(frozen=True)
class FailingPage:
    url: str
    problem: str  # "HTTP 503, 3 times in a row", "did not parse (no fields found)"


@dataclass(frozen=True)
class SourcesView:
    papers: list[PaperSource]
    pages: int
    newest_check: str | None  # "Tuesday 1 December 2026, 08:00"
    last_sync: str | None  # "Tuesday 1 December 2026, 08:05 (12 fetched, 240 unchanged)"
    failing: list[FailingPage] = field(default_factory=list)
    more_failing: int = 0


def _when(moment: datetime | None) -> str | None:
    return uk_datetime(moment.astimezone(LONDON)) if moment else None


def _paper(doc: object, today: date) -> PaperSource:
    day = getattr(doc, "doc_date", None)
    return PaperSource(
        name=document_name(doc),  # type: ignore[arg-type]
        title=str(getattr(doc, "name", "")),
        day=uk_short_date(day) if day else None,
        age=age_phrase(day, today) if day else None,
    )


def _problem(page: object) -> str:
    failures = int(getattr(page, "consecutive_failures", 0) or 0)
    status, error = getattr(page, "last_status", None), getattr(page, "last_error", None)
    if failures:
        what = f"HTTP {status}" if status else (error or "no answer")
        times = "once" if failures == 1 else f"{failures} times in a row"
        return f"{what[:200]}, {times}"
    return f"did not parse{f' ({error[:200]})' if error else ''}"


def sources_view(session: Session, *, today: date) -> SourcesView:
    known = sources.overview(session)
    run = site_store.last_successful_sync(session)
    last_sync = None
    if run is not None and run.finished_at is not None:
        counts = f"{run.fetched} fetched, {run.not_modified} unchanged, {run.changes} changes"
        last_sync = f"{_when(run.finished_at)} ({counts})"
    failing = site_store.failing_pages(session, limit=FAILING_SHOWN + 1)
    return SourcesView(
        papers=[_paper(d, today) for d in known.papers],
        pages=known.pages,
        newest_check=_when(known.newest_check),
        last_sync=last_sync,
        failing=[FailingPage(p.url, _problem(p)) for p in failing[:FAILING_SHOWN]],
        more_failing=max(0, len(failing) - FAILING_SHOWN),
    )


def sources_answer(session: Session, args: str, ctx: Context) -> Answer:
    """The sources secbot's answers come from, and how fresh they are."""
    return Answer("sources", sources_view(session, today=ctx.as_of))


def register(router: Router) -> None:
    router.register(
        "sources",
        sources_answer,
        usage="sources",
        description="where my facts come from, the last sync, pages failing",
    )
