"""Tables where people compare: the next date of each modification, and paging of long tables.

Release scope, `pending`, `deadlines` and `list` draw one table (Slack table block, Adaptive Card
``Table``; the text surface a list). A Slack message holds one table of at most 100 rows and a
Teams card about 28 KB, so a table shows ``TABLE_PAGE`` rows at most and the rest are paged with
a "more" command (``release Nov 2022 page 2``): rows are never dropped (docs/slack.md, "Tables").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from bot.answers.shared import milestone_view
from sec.lifecycle import MilestoneKind

TABLE_PAGE = 40  # rows (besides the header) one message or card shows
_PAGE = re.compile(r"\s+page\s+(\d{1,4})\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Page:
    """Which rows of a table are shown (1-based, inclusive) and how to ask for the next ones."""

    first: int
    last: int
    total: int
    more_command: str | None = None

    @property
    def start(self) -> int:
        """The 0-based index of the first row, for slicing (0 for an empty table)."""
        return max(self.first - 1, 0)

    @property
    def complete(self) -> bool:
        return self.first <= 1 and self.last >= self.total


def split_page(args: str) -> tuple[str, int]:
    """ "Nov 2022 page 2" -> ("Nov 2022", 2); no page given is page 1."""
    found = _PAGE.search(" " + args)
    if found is None:
        return args, 1
    return (" " + args)[: found.start()].strip(), max(int(found.group(1)), 1)


def page_of(total: int, page: int, command: str, size: int = TABLE_PAGE) -> Page:
    """The page asked for (the last one if asked beyond it) of a table of ``total`` rows."""
    pages = max((total + size - 1) // size, 1)
    page = min(max(page, 1), pages)
    first = (page - 1) * size + 1
    last = min(page * size, total)
    more = f"{command} page {page + 1}" if page < pages else None
    return Page(first=first if total else 0, last=last, total=total, more_command=more)


def next_dates(session: Session, refs: list[str], *, as_of: date) -> dict[str, str]:
    """Per modification ref, its soonest milestone still ahead on the day: "Working Group,
    Wednesday 3 April 2019" (a window as "early April 2019"); refs with none are left out."""
    from storage import queries

    wanted = set(refs)
    found: dict[str, str] = {}
    for milestone in queries.list_milestones_known(session, as_of=as_of, start=as_of):
        ref = milestone.modification.ref
        if ref not in wanted or ref in found:
            continue
        if queries.milestone_window_end(milestone) < as_of:
            continue  # a month window that began before the day and has closed
        view = milestone_view(milestone)
        label = view.label
        if milestone.kind == MilestoneKind.OTHER and view.text:
            label = view.text if len(view.text) <= 60 else view.text[:59].rstrip() + "…"
        found[ref] = f"{label}, {view.when}"
    return found
