"""`secbot calendar`: the SEC change calendar in a window, as a listing or an iCalendar file."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from sec.timefmt import LONDON, today, uk_date

if TYPE_CHECKING:
    from sec.ics import CalendarEvent

FromOption = Annotated[
    str | None, typer.Option("--from", help="first day (default: 3 months ago)", metavar="D")
]
ToOption = Annotated[
    str | None, typer.Option("--to", help="last day (default: 12 months ahead)", metavar="D")
]
IcsOption = Annotated[
    Path | None, typer.Option("--ics", help="write iCalendar to this file", metavar="FILE")
]


def describe_event(event: CalendarEvent) -> str:
    """Wednesday 3 April 2019  10:00-16:00  Working Group."""
    if event.start is None:
        hours = "all day    "
    else:
        begins = event.start.astimezone(LONDON)
        ends = (event.end or event.start).astimezone(LONDON)
        hours = f"{begins:%H:%M}-{ends:%H:%M}"
    return f"{uk_date(event.day):<28} {hours}  {event.summary}"


def calendar(from_: FromOption = None, to: ToOption = None, ics: IcsOption = None) -> None:
    """Meetings, deadlines, milestones and go-lives in a window: a listing, or --ics FILE."""
    from bot.calendar_feed import calendar_plan, default_window
    from bot.cli import parse_day  # bot.cli imports this module while it loads
    from bot.commands_cli._entry import cli_services
    from sec.ics import build_ics
    from storage.calendar_store import get_data_stamp

    svc = cli_services()
    first, last = default_window(today())
    start = parse_day(from_, option="--from") or first
    end = parse_day(to, option="--to") or last
    if end < start:
        raise typer.BadParameter("--to is before --from", param_hint="--to")
    with svc.sessions() as session:
        plan = calendar_plan(session, start=start, end=end)
        stamp = get_data_stamp(session)
    window = f"{uk_date(start)} to {uk_date(end)}"
    if ics is not None:
        ics.write_bytes(build_ics(plan.events, stamp=stamp))
        typer.echo(f"Wrote {len(plan.events)} events ({window}) to {ics}.")
    else:
        typer.echo(f"SEC change calendar, {window} ({len(plan.events)} events):")
        for event in plan.events:
            typer.echo(f"  {describe_event(event)}")
    if plan.skipped:
        typer.echo("Left off (known only to part of a month, and not held at a meeting):")
        for note in plan.skipped:
            typer.echo(f"  {note}")


def register(app: typer.Typer) -> None:
    app.command(name="calendar")(calendar)
