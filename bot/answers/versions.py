"""`version <number>`: a SEC version ("SEC v5.5"), never read as a modification reference."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from bot.views import Answer, message
from storage import facts

if TYPE_CHECKING:
    from bot.router import Context, Router


def version(session: Session, args: str, ctx: Context) -> Answer:
    """A SEC version's effective date and the modifications it implemented, as known then."""
    number = args.strip().lower().removeprefix("sec").strip().removeprefix("v").strip()
    number = number.removeprefix("ersion").strip()
    if not number:
        return message("Which SEC version? Try `version 5.5`.", kind="usage")
    found = facts.get_sec_version(session, number=number, as_of=ctx.as_of)
    if found is None:
        known = [v.number for v in facts.list_sec_versions(session, as_of=ctx.as_of)]
        return message(
            f"I hold no record of SEC version {number}. (A SEC version is a version of the "
            "code itself, not a modification reference.)",
            *(f"version {n}" for n in known[-3:]),
            kind="not_found",
        )
    refs = [m.ref for m in facts.implemented_as_of(found, as_of=ctx.as_of)]
    if found.effective is None:
        when = "has no effective date on record"
    elif found.effective > ctx.as_of:
        when = f"takes effect on {found.effective:%A %-d %B %Y}"
    else:
        when = f"took effect on {found.effective:%A %-d %B %Y}"
    implemented = f"; it implemented {', '.join(refs)}" if refs else ""
    return message(f"SEC version {found.number} {when}{implemented}.", ok=True, kind="version")


def register(router: Router) -> None:
    router.register("version", version, usage="version <number>", description="a SEC version")
    from bot.understanding import register_readers
    from bot.understanding.readers import version_reader

    register_readers(router, ("version", version_reader))
