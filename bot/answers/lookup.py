"""Find the modification a person means, or say helpfully why not."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from bot.commands import keywords
from bot.views import Answer, message
from sec.references import parse_ref, unique_refs
from storage import queries
from storage.models import Modification

if TYPE_CHECKING:
    from bot.context import Context


@dataclass(frozen=True)
class Found:
    modification: Modification | None
    failure: Answer | None


def find_modification(
    session: Session, args: str, *, command: str, ctx: Context | None = None
) -> Found:
    """The modification named in args ("MP159", "mp 159", "159", "the credit cover one"), or a
    helpful failure answer. With ctx, words that fit several titles equally well are answered
    briefly for each (a list), rather than refused."""
    text = args.strip()
    if not text:
        return Found(None, message(f"Which modification? Try `{command} MP159`.", kind="usage"))
    ref = parse_ref(text)
    if ref is None:
        found = unique_refs(text)
        ref = found[0] if found else None
    if ref is None:
        return _by_title(session, text, command, ctx)
    modification = queries.get_modification(session, ref=ref)
    if modification is not None:
        return Found(modification, None)
    return Found(None, _unknown_reference(session, ref.canonical, ref.number, command))


def _unknown_reference(session: Session, canonical: str, number: int, command: str) -> Answer:
    alternatives = queries.list_alternatives(session, number=number)
    if alternatives:
        options = ", ".join(f"{m.ref} ({m.title})" for m in alternatives)
        return message(
            f"There is no {canonical}, but there is {options}.",
            *(f"{command} {m.ref}" for m in alternatives),
            kind="not_found",
        )
    nearby = queries.list_nearby_refs(session, number=number)
    if not nearby:
        return message(
            f"I don't know {canonical}: my store is empty. An administrator can load the sample "
            "data with `secbot init` or ingest papers with `secbot ingest`.",
            kind="not_found",
        )
    return message(
        f"I don't know {canonical}. It may be newer than my data, or mistyped.",
        *(f"{command} {m.ref} ({m.title})" for m in nearby),
        kind="not_found",
    )


def _by_title(session: Session, text: str, command: str, ctx: Context | None) -> Found:
    """Words of a title or nickname: one good fit is that modification; several, each briefly."""
    from bot.understanding.titles import match_titles

    matches = match_titles(text, queries.list_title_index(session))
    if len(matches) == 1:
        ref = parse_ref(matches[0].ref)
        found = queries.get_modification(session, ref=ref) if ref else None
        if found is not None:
            return Found(found, None)
    if len(matches) > 1 and ctx is not None:
        from bot.answers.list import answer_list
        from bot.understanding.filters import ListFilters

        refs = tuple(m.ref for m in matches)
        return Found(None, answer_list(session, ListFilters(refs=refs), ctx))
    return Found(None, _not_a_reference(session, text, command))


def _not_a_reference(session: Session, text: str, command: str) -> Answer:
    hits = queries.search_modifications(session, words=keywords(text), limit=3)
    if hits:
        return message(
            f"“{text}” is not a modification reference. Did you mean one of these?",
            *(f"{command} {mod.ref} ({mod.title})" for mod, _ in hits),
            kind="not_found",
        )
    return message(
        f"“{text}” is not a modification reference. References look like MP159, SECMP0007 or "
        "DP173; you can also type just the number.",
        f"{command} MP159",
        "search firmware",
        kind="not_found",
    )
