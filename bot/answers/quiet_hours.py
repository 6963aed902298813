"""`quiet hours`: when secbot may send someone direct messages (issue 17 item 4).

`quiet hours` shows the window; `quiet hours 09:00-17:30` sets it; `quiet hours off` lets
messages come at any time (bank holidays and weekends included); `quiet hours default` goes
back to 08:00-18:00. Windows are London time on Working Days. Channels are not affected: a
channel's reminders keep their scheduled times.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from bot.views import Answer, message
from sec.quiet_hours import DEFAULT_WINDOW, QuietHoursError, parse_window
from sec.timefmt import now
from storage import quiet_hours as store

if TYPE_CHECKING:
    from bot.router import Context, Router

USAGE = "quiet hours [09:00-17:30 | off | default]"
_OFF = {"off", "none", "never", "no"}
_DEFAULT = {"default", "reset", "on"}


def quiet(session: Session, args: str, ctx: Context) -> Answer:
    words = args.strip()
    lower = words.lower()
    if not (lower == "hours" or lower.startswith("hours ")):
        return message(f"Try `{USAGE}`.", "quiet hours", kind="usage")
    if not ctx.user or ctx.surface == "console":
        return message("Quiet hours belong to a person in Slack or Teams.", kind="usage")
    choice = words[5:].strip()
    who = {"surface": ctx.surface, "user": ctx.user}
    if not choice:
        return _shown(session, **who)
    if choice.lower() in _OFF:
        store.save_setting(session, **who, window=None, at=now(), workspace=ctx.workspace)
        return message(
            "Done: quiet hours are off. I'll send your direct messages when they fall due, "
            "evenings, weekends and bank holidays included.",
            "quiet hours default",
            ok=True,
        )
    if choice.lower() in _DEFAULT:
        store.forget_setting(session, **who)
        return message(
            f"Done: back to the usual {_label(DEFAULT_WINDOW.label)} on Working Days.", ok=True
        )
    try:
        window = parse_window(choice)
    except QuietHoursError as exc:
        return message(str(exc), "quiet hours 09:00-17:30", kind="usage")
    store.save_setting(session, **who, window=window, at=now(), workspace=ctx.workspace)
    return message(
        f"Done: I'll send you direct messages {_label(window.label)} (London time) on Working "
        "Days. Anything due outside those hours waits for the next window and says when it "
        "was due.",
        ok=True,
    )


def _shown(session: Session, *, surface: str, user: str) -> Answer:
    window = store.window_for(session, surface=surface, user=user)
    if window is None:
        return message(
            "Quiet hours are off: your direct messages come when they fall due.",
            "quiet hours default",
            ok=True,
        )
    usual = " (the usual)" if window == DEFAULT_WINDOW else ""
    return message(
        f"I send you direct messages {_label(window.label)}{usual}, London time, on Working "
        "Days (not weekends, bank holidays or SECAS closures). Channels keep their times.",
        "quiet hours 09:00-17:30",
        "quiet hours off",
        ok=True,
    )


def _label(label: str) -> str:
    start, _, end = label.partition("-")
    return f"{start}–{end}"


def register(router: Router) -> None:
    router.register(
        "quiet",
        quiet,
        usage=USAGE,
        description="when I may send you direct messages (London time, Working Days)",
    )
