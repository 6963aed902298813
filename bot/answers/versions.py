"""`version <number>`: a SEC version ("SEC v5.5"), never read as a modification reference."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from bot.understanding.periods import parse_period
from bot.views import Answer, message
from sec.references import canonical
from storage import facts

if TYPE_CHECKING:
    from bot.router import Context, Router


def version(session: Session, args: str, ctx: Context) -> Answer:
    """A SEC version's effective date and the modifications it implemented, as known then."""
    number = args.strip().lower().removeprefix("sec").strip().removeprefix("v").strip()
    number = number.removeprefix("ersion").strip()
    if not re.fullmatch(r"\d{1,2}\.\d{1,2}", number):
        return _versions_matching(session, args.strip(), ctx)
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


def _versions_matching(session: Session, args: str, ctx: Context) -> Answer:
    """`version` alone lists the SEC versions; with a reference, the version that implemented
    it ("which SEC version implemented SECMP0016"); with a period, those effective in it."""
    known = facts.list_sec_versions(session, as_of=ctx.as_of)
    ref, period = canonical(args), parse_period(args) if args else None
    if args and ref is None and period is None:
        return message("Which SEC version? Try `version 5.5`.", kind="usage")
    chosen = [
        v
        for v in known
        if (ref is None or ref in {m.ref for m in facts.implemented_as_of(v, as_of=ctx.as_of)})
        and (period is None or period.contains(v.effective))
    ]
    if not chosen:
        wanted = f" implementing {ref}" if ref else (f" in {period.label}" if period else "")
        return message(
            f"I hold no record of a SEC version{wanted}.",
            *(f"version {v.number}" for v in known[-3:]),
            kind="not_found",
        )
    lines = []
    for v in chosen:
        refs = ", ".join(m.ref for m in facts.implemented_as_of(v, as_of=ctx.as_of))
        day = f"{v.effective:%A %-d %B %Y}" if v.effective else "no effective date on record"
        verb = "took effect on" if v.effective and v.effective <= ctx.as_of else "takes effect on"
        lines.append(
            f"SEC version {v.number} {verb if v.effective else 'has'} {day}"
            + (f"; it implemented {refs}" if refs else "")
        )
    text = lines[0] + "." if len(lines) == 1 else "\n".join(["SEC versions:", *lines])
    return message(text, ok=True, kind="version")


def register(router: Router) -> None:
    router.register("version", version, usage="version <number>", description="a SEC version")
    from bot.understanding import register_readers
    from bot.understanding.readers import version_reader

    register_readers(router, ("version", version_reader))
