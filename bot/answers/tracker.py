"""`tracker release Nov 2022 | mine | list <filters>`, `tracker off [...]`, `tracker`: a live
tracker in a Slack channel (docs/slack.md, "Live trackers").

The command only records the tracker; the worker (jobs/trackers.py) creates the channel canvas
through the outbox within a minute and rewrites it when a sync or an administrator changes what
it shows, once per change set. Where Slack has no canvases for the workspace (free plans), the
tracker is one pinned message edited in place instead, and says so. Teams has neither canvases
nor pins for bots, so there the command says what to use instead.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from bot.answers.tracker_content import tracker_view
from bot.views import Answer, message
from storage import trackers as store
from storage.tracker_models import CANVAS, PINNED

if TYPE_CHECKING:
    from bot.router import Context, Router

USAGE = "tracker release <name> | tracker mine | tracker list <filters> | tracker off"
EXAMPLES = ("tracker release Nov 2022", "tracker mine", "tracker list stage:report", "tracker off")
MAX_TARGET = 300


def tracker(session: Session, args: str, ctx: Context) -> Answer:
    words = " ".join(args.split())
    first, _, rest = words.partition(" ")
    first = first.lower()
    if first in {"", "show", "status"}:
        return _show(session, ctx)
    if ctx.surface != "slack" or not ctx.channel:
        return _elsewhere(ctx)
    if first in {"off", "stop"}:
        return _stop(session, rest, ctx)
    form = CANVAS
    if rest.lower().endswith(" pinned") or rest.lower() == "pinned":
        form, rest = PINNED, rest[: -len("pinned")].strip()  # "tracker mine pinned"
    if first not in {"release", "mine", "list"}:
        return message(f"I can't track “{words[:80]}”.", *EXAMPLES, kind="usage")
    target = first if first == "mine" else f"{first} {rest}".strip()
    if len(target) > MAX_TARGET:
        return message(
            f"That is too long to track (at most {MAX_TARGET} characters).", kind="usage"
        )
    return _start(session, target, form, ctx)


def _start(session: Session, target: str, form: str, ctx: Context) -> Answer:
    if target == "mine" and not ctx.user:
        return message("`tracker mine` needs to know who you are; ask in Slack.", kind="usage")
    view = tracker_view(session, target=target, owner=ctx.user, as_of=ctx.as_of)
    if view is None:
        return message(
            f"I can't find what “{target}” names, so there is nothing to track.",
            "releases",
            *EXAMPLES[:3],
            kind="not_found",
        )
    assert ctx.channel is not None
    try:
        found, started = store.start_tracker(
            session,
            surface="slack",
            channel=ctx.channel,
            target=target,
            owner=ctx.user,
            workspace=ctx.workspace,
            form=form,
        )
    except store.TooManyTrackers:
        return message(
            f"This channel already has {store.MAX_PER_CHANNEL} trackers; stop one first "
            "(`tracker off <what>`).",
            "tracker",
            kind="usage",
        )
    where = "a canvas in this channel" if found.form == CANVAS else "a pinned message here"
    if not started:
        return message(f"This channel already tracks {view.title} ({where}).", ok=True)
    return message(
        f"I'll keep {where} tracking {view.title}: {view.intro} It appears within a minute and "
        "is rewritten whenever a sync or an administrator changes what it shows. Where "
        "canvases are not available I'll pin a message instead, edited in place.",
        "tracker off",
        ok=True,
        kind="tracker",
    )


def _stop(session: Session, rest: str, ctx: Context) -> Answer:
    assert ctx.channel is not None
    target = rest.strip() or None
    if target and target.lower() != "mine":
        kind, _, what = target.partition(" ")
        target = f"{kind.lower()} {what}".strip()
    stopped = store.stop_trackers(session, surface="slack", channel=ctx.channel, target=target)
    if not stopped:
        return message("This channel has no tracker to stop.", "tracker", ok=True)
    names = ", ".join(f"`{t.target}`" for t in stopped)
    return message(
        f"Stopped {names}. Its canvas or message stays as it was last written; "
        "secbot no longer changes it.",
        ok=True,
        kind="tracker",
    )


def _show(session: Session, ctx: Context) -> Answer:
    if ctx.surface != "slack" or not ctx.channel:
        return _elsewhere(ctx)
    rows = store.channel_trackers(session, surface="slack", channel=ctx.channel)
    if not rows:
        return message("No live trackers in this channel. Try:", *EXAMPLES[:3], ok=True)
    lines = [
        f"• `{t.target}`: "
        + ("a canvas" if t.form == CANVAS else "a pinned message")
        + (" (canvases are not available here)" if t.form_reason else "")
        for t in rows
    ]
    return message("Live trackers here:\n" + "\n".join(lines), "tracker off", ok=True)


def _elsewhere(ctx: Context) -> Answer:
    if ctx.surface == "teams":
        text = (
            "Live trackers need a Slack channel: Teams has no canvases and a bot cannot pin "
            "messages there. Ask `release <name>` for the scope table, and `subscribe release "
            "<name>` to hear each change to it."
        )
    else:
        text = "Live trackers live in a Slack channel: type `/sec tracker release Nov 2022` there."
    return message(text, "release Nov 2022", kind="usage")


def register(router: Router) -> None:
    router.register(
        "tracker",
        tracker,
        usage=USAGE,
        description="a live canvas (or pinned message) in this channel that secbot keeps current",
    )
