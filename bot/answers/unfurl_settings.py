"""`unfurls off | on`: whether links to modification pages are unfurled in this channel.

Anyone in the channel may change it (as with subscriptions); who did is kept. A direct message
has no channel setting: unfurls there follow the person's own Slack preferences.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from bot.views import Answer, message
from sec.timefmt import now
from storage import unfurls as store

if TYPE_CHECKING:
    from bot.router import Context, Router

USAGE = "unfurls off | on"


def unfurls(session: Session, args: str, ctx: Context) -> Answer:
    choice = args.strip().lower()
    if ctx.surface == "teams":
        return message(
            "In Teams, link previews are each person's own setting (Settings > Privacy); "
            "secbot has nothing to turn off per channel.",
            kind="usage",
        )
    if ctx.is_direct or not ctx.channel or ctx.surface == "console":
        return message("Unfurls are set per channel: type this in the channel.", kind="usage")
    if choice not in ("", "on", "off"):
        return message(f"Try `{USAGE}`.", "unfurls off", "unfurls on", kind="usage")
    if not choice:
        on = store.unfurls_enabled(session, surface=ctx.surface, channel=ctx.channel)
        state = "on" if on else "off"
        return message(
            f"Unfurls are {state} here: links to modification pages "
            f"{'get' if on else 'do not get'} a status card (at most once per link every 30 "
            "minutes).",
            "unfurls off" if on else "unfurls on",
            ok=True,
        )
    enabled = choice == "on"
    changed = store.set_unfurls(
        session,
        surface=ctx.surface,
        channel=ctx.channel,
        enabled=enabled,
        actor=ctx.user,
        at=now(),
        workspace=ctx.workspace,
    )
    if not changed:
        return message(f"Unfurls were already {choice} here.", ok=True)
    if enabled:
        return message("Done: links to modification pages are unfurled here again.", ok=True)
    return message(
        "Done: I won't unfurl links to modification pages in this channel. "
        "`/sec unfurls on` brings them back.",
        ok=True,
    )


def register(router: Router) -> None:
    router.register(
        "unfurls",
        unfurls,
        usage=USAGE,
        description="whether links to modification pages get a status card in this channel",
    )
