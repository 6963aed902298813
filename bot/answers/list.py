"""`list <filters>`: modifications by stage, release, DCC impact, proposer, waits, path, period.

The filter syntax and the sentence reader live in bot.understanding; this module selects the
rows as known on the day (see docs/answers.md, "as-of") and pages them: every list says how many
matched and never cuts silently.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from bot.answers import tables
from bot.answers.list_select import Selection, select_rows
from bot.understanding.filters import FilterError, ListFilters, parse_filters
from bot.understanding.sentences import read_sentence
from bot.views import Answer, message
from storage import queries

if TYPE_CHECKING:
    from bot.router import Context, Router

PAGE_SIZE = 10
CHAT_MAX = 40  # rows one Slack message or Teams card holds comfortably (Block Kit: 50 blocks)


@dataclass(frozen=True)
class ListRow:
    ref: str
    title: str
    stage_label: str
    url: str | None = None
    note: str | None = None
    next_date: str | None = None  # the soonest milestone ahead (bot.answers.tables)


@dataclass(frozen=True)
class ListView:
    title: str
    total: int
    rows: list[ListRow]
    first: int  # 1-based position of the first row shown
    more_command: str | None = None  # the next page
    all_command: str | None = None  # everything at once
    as_of: date | None = None  # the day the list is as of, when not today
    notes: list[str] = field(default_factory=list)

    @property
    def shown(self) -> int:
        return len(self.rows)

    @property
    def last(self) -> int:
        return self.first + len(self.rows) - 1

    @property
    def complete(self) -> bool:
        return self.shown == self.total


def read_list_filters(session: Session, args: str) -> tuple[ListFilters, tuple[str, ...]]:
    """Filters from `key:value` syntax and, for the rest, from the words of a sentence."""
    filters, leftover = parse_filters(args)
    if not leftover:
        return filters, ()
    reading = read_sentence(
        " ".join(leftover),
        filters,
        proposers=queries.list_proposers(session),
        release_months=queries.list_release_months(session),
    )
    return reading.filters, reading.unexplained


def list_modifications(session: Session, args: str, ctx: Context) -> Answer:
    """Modifications matching every filter given, as known on the day."""
    try:
        filters, unexplained = read_list_filters(session, args)
    except FilterError as error:
        return message(str(error), "list on-hold", 'list release:"Nov 2022" dcc:yes', kind="usage")
    if unexplained:
        return message(
            f"I didn't understand “{' '.join(unexplained)}” in that list. "
            "Filters: stage, release, candidate, removed, dcc, proposer, waiting, path, raised, "
            "due, next, as-of (see `help`).",
            *_closest_lists(filters),
            kind="not_understood",
        )
    return answer_list(session, filters, ctx)


def _closest_lists(filters: ListFilters) -> list[str]:
    known = filters.to_args()
    return [f"list {known}"] if known else ["list on-hold", "list stage:refinement", "list dcc:yes"]


def answer_list(session: Session, filters: ListFilters, ctx: Context) -> Answer:
    as_of = min(filters.as_of, ctx.as_of) if filters.as_of else ctx.as_of
    selection = select_rows(session, filters, as_of=as_of)
    if isinstance(selection, Answer):
        return selection
    # An empty list found nothing: exit 1 on the command line, like any not-found answer.
    view = _page(selection, filters, ctx, as_of)
    nexts = tables.next_dates(session, [r.ref for r in view.rows], as_of=as_of)
    view = replace(view, rows=[replace(r, next_date=nexts.get(r.ref)) for r in view.rows])
    return Answer("list", view, ok=view.total > 0, meta={"total": selection.total})


def _page(selection: Selection, filters: ListFilters, ctx: Context, as_of: date) -> ListView:
    rows = [ListRow(r.ref, r.title, r.stage_label, r.url, r.note) for r in selection.rows]
    chat = ctx.surface in {"slack", "teams"}
    size = (CHAT_MAX if chat else len(rows) or 1) if filters.show_all else PAGE_SIZE
    start = min((filters.page - 1) * size, max(len(rows) - 1, 0))
    shown = rows[start : start + size]
    after = start + len(shown)
    more = f"list {filters.to_args(page=filters.page + 1)}" if after < len(rows) else None
    if more and filters.show_all:
        more = f"list {replace(filters, show_all=False).to_args(page=after // PAGE_SIZE + 1)}"
    everything = f"list {filters.to_args(show_all=True)}" if more and not filters.show_all else None
    return ListView(
        title=selection.title,
        total=len(rows),
        rows=shown,
        first=start + 1,
        more_command=more,
        all_command=everything,
        as_of=as_of if as_of != ctx.as_of else None,
        notes=list(selection.notes),
    )


def register(router: Router) -> None:
    router.register(
        "list",
        list_modifications,
        usage='list <filters>, e.g. list on-hold, list release:"Nov 2022" dcc:yes waiting:ia',
        description="modifications by stage, release, DCC impact, proposer, waits, path or date",
    )
    from bot.understanding import register_readers
    from bot.understanding.readers import all_reader, list_reader

    register_readers(router, ("list", list_reader), ("list-all", all_reader))
