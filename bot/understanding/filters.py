"""List filters: the small `key:value` syntax and the same filters read from a sentence.

    list on-hold
    list release:"Nov 2022" dcc:yes waiting:ia
    list proposer:"British Gas" raised:2019 --all

Both readers return a ListFilters and the words they could not place, so a caller can tell a
confident reading from a guess (an unexplained word lowers the confidence; see docs/answers.md).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date

from bot.understanding.periods import Period, parse_period
from bot.understanding.vocabulary import (
    MEETING_WORDS,
    NO,
    OWNER_WORDS,
    PATH_WORDS,
    STAGE_WORDS,
    WAIT_KINDS,
    YES,
    find_phrase,
)
from sec.references import parse_ref, unique_refs

KEYS = (
    "ref",
    "stage",
    "status",
    "release",
    "candidate",
    "removed",
    "dcc",
    "proposer",
    "waiting",
    "path",
    "raised",
    "due",
    "at",
    "next",
    "as-of",
    "page",
)
_TOKEN = re.compile(r'(?P<key>[a-z][a-z-]*):(?:"(?P<quoted>[^"]*)"|(?P<plain>\S+))|(?P<word>\S+)')
MAX_ARGS = 500  # longer filter text is refused, not truncated


class FilterError(ValueError):
    """A filter that cannot be read; the message says which and how to write it."""


@dataclass(frozen=True)
class ListFilters:
    refs: tuple[str, ...] = ()
    stages: tuple[str, ...] = ()
    open_only: bool = False
    release: str | None = None
    release_state: str = "scope"  # scope | candidate | removed | any
    dcc: bool | None = None
    proposer: str | None = None
    waiting: str | None = None  # an owner: Proposer, DCC, SECAS, Panel, Authority, CSC
    wait_kind: str | None = None  # ia | pa | decision
    path: str | None = None
    raised: Period | None = None
    due: Period | None = None
    due_at: str | None = None  # with due: only milestones at this meeting kind (at:panel)
    next_meeting: str | None = None
    as_of: date | None = None
    page: int = 1
    show_all: bool = False
    notes: tuple[str, ...] = field(default=(), compare=False)

    @property
    def is_empty(self) -> bool:
        blank = ListFilters()
        return replace(self, page=1, show_all=False, notes=()) == blank

    def to_args(self, *, page: int | None = None, show_all: bool = False) -> str:
        """The same filters in the documented syntax (for "more" buttons and suggestions)."""
        parts = [f"ref:{','.join(self.refs)}"] if self.refs else []
        parts += [f"stage:{s}" for s in self.stages]
        if self.open_only:
            parts.append("stage:open")
        if self.release:
            key = {"scope": "release", "candidate": "candidate", "removed": "removed"}.get(
                self.release_state, "release"
            )
            parts.append(f'{key}:"{self.release}"')
        if self.dcc is not None:
            parts.append(f"dcc:{'yes' if self.dcc else 'no'}")
        if self.proposer:
            parts.append(f'proposer:"{self.proposer}"')
        if self.waiting or self.wait_kind:
            parts.append(f"waiting:{(self.wait_kind or self.waiting or '').lower()}")
        if self.path:
            parts.append(f"path:{self.path}")
        if self.raised:
            parts.append(f'raised:"{self.raised.label}"')
        if self.due:
            parts.append(f'due:"{self.due.label}"')
        if self.due_at:
            parts.append(f"at:{self.due_at}")
        if self.next_meeting:
            parts.append(f"next:{self.next_meeting}")
        if self.as_of:
            parts.append(f"as-of:{self.as_of.isoformat()}")
        if show_all:
            parts.append("--all")
        elif page and page > 1:
            parts.append(f"page:{page}")
        return " ".join(parts)


def parse_filters(text: str) -> tuple[ListFilters, list[str]]:
    """Read `key:value` tokens; return the filters and the bare words left over, in order."""
    if len(text) > MAX_ARGS:
        raise FilterError(
            f"That is too long for a list ({len(text)} characters; at most {MAX_ARGS})."
        )
    filters = ListFilters()
    leftover: list[str] = []
    for token in _TOKEN.finditer(text.replace("“", '"').replace("”", '"')):
        if token.group("word"):
            word = token.group("word")
            if word.lower() in {"--all", "all:", "—all"}:
                filters = replace(filters, show_all=True)
            else:
                leftover.append(word)
            continue
        key = token.group("key").lower()
        value = (
            token.group("quoted") if token.group("quoted") is not None else token.group("plain")
        ) or ""
        filters = _apply(filters, key, value.strip())
    return filters, leftover


def _apply(filters: ListFilters, key: str, value: str) -> ListFilters:
    if key not in KEYS:
        raise FilterError(
            f"I don't know the filter “{key}:”. Filters: {', '.join(k + ':' for k in KEYS)}."
        )
    if not value:
        raise FilterError(
            f"The filter “{key}:” needs a value, e.g. {_EXAMPLES.get(key, key + ':yes')}."
        )
    reader = _READERS[key]
    return reader(filters, value)


def _stage(filters: ListFilters, value: str) -> ListFilters:
    lowered = value.lower().replace("_", " ")
    if lowered in {"open", "active", "live"}:
        return replace(filters, open_only=True)
    found = find_phrase(lowered, STAGE_WORDS)
    stage = found[1] if found else _stage_value(lowered)
    if stage is None:
        raise FilterError(
            f"I don't know the stage “{value}”. Stages: on-hold, refinement, report, "
            "change_board, authority, approved, rejected, implemented, withdrawn, draft, open."
        )
    return replace(filters, stages=(*filters.stages, stage))


def _stage_value(lowered: str) -> str | None:
    from sec.lifecycle import Stage

    key = lowered.replace(" ", "_").replace("-", "_")
    return key if key in {s.value for s in Stage} else None


def _release(state: str) -> Reader:
    def read(filters: ListFilters, value: str) -> ListFilters:
        return replace(filters, release=value, release_state=state)

    return read


def _dcc(filters: ListFilters, value: str) -> ListFilters:
    lowered = value.lower()
    if lowered in YES:
        return replace(filters, dcc=True)
    if lowered in NO:
        return replace(filters, dcc=False)
    raise FilterError(f"“dcc:{value}”: write dcc:yes or dcc:no.")


def _waiting(filters: ListFilters, value: str) -> ListFilters:
    lowered = value.lower()
    if lowered in WAIT_KINDS:
        return replace(filters, wait_kind=WAIT_KINDS[lowered])
    if lowered in OWNER_WORDS:
        return replace(filters, waiting=OWNER_WORDS[lowered])
    raise FilterError(
        f"I don't know who or what “{value}” is to wait on. Try waiting:proposer, dcc, secas, "
        "panel, authority, ia, pa or decision."
    )


def _path(filters: ListFilters, value: str) -> ListFilters:
    found = PATH_WORDS.get(value.lower().replace("_", "-"))
    if found is None:
        raise FilterError(
            f"I don't know the path “{value}”. "
            "Try path:1, 2, 3, self-governance, fast-track or urgent."
        )
    return replace(filters, path=found)


Reader = Callable[[ListFilters, str], ListFilters]


def _period(key: str) -> Reader:
    def read(filters: ListFilters, value: str) -> ListFilters:
        period = parse_period(value)
        if period is None:
            raise FilterError(
                f'I can\'t read “{value}” as a period. Try {key}:2019 or {key}:"April 2019".'
            )
        return replace(filters, raised=period) if key == "raised" else replace(filters, due=period)

    return read


def _meeting_kind(value: str) -> str | None:
    lowered = value.lower().replace("_", " ").replace("-", " ")
    aliases = {"wg": "working group", "cb": "change board", "csc": "change sub-committee"}
    lowered = aliases.get(lowered, lowered)
    return MEETING_WORDS.get(lowered, "any" if lowered in {"meeting", "any"} else None)


def _at(filters: ListFilters, value: str) -> ListFilters:
    kind = _meeting_kind(value)
    if kind is None:
        raise FilterError(f"“at:{value}”: write at:wg, at:panel, at:cb or at:csc.")
    return replace(filters, due_at=kind)


def _next(filters: ListFilters, value: str) -> ListFilters:
    lowered = value.lower().replace("_", " ").replace("-", " ")
    aliases = {"wg": "working group", "cb": "change board", "csc": "change sub-committee"}
    lowered = aliases.get(lowered, lowered)
    kind = MEETING_WORDS.get(lowered)
    if kind is None and lowered in {"meeting", "any"}:
        kind = "any"
    if kind is None:
        raise FilterError(f"“next:{value}”: write next:wg, next:panel, next:cb or next:csc.")
    return replace(filters, next_meeting=kind)


def _as_of(filters: ListFilters, value: str) -> ListFilters:
    try:
        return replace(filters, as_of=date.fromisoformat(value))
    except ValueError:
        period = parse_period(value)
        if period is None:
            raise FilterError(f"“as-of:{value}”: write a day, e.g. as-of:2019-03-08.") from None
        return replace(filters, as_of=period.end)


def _refs(filters: ListFilters, value: str) -> ListFilters:
    refs = [r.canonical for r in (parse_ref(p) for p in re.split(r"[,\s]+", value)) if r]
    refs = refs or [r.canonical for r in unique_refs(value)]
    if not refs:
        raise FilterError(f"“ref:{value}” holds no modification reference.")
    return replace(filters, refs=(*filters.refs, *refs))


def _page(filters: ListFilters, value: str) -> ListFilters:
    if value.lower() == "all":
        return replace(filters, show_all=True)
    if not value.isdigit() or not 1 <= int(value) <= 1000:
        raise FilterError(f"“page:{value}”: write a page number, e.g. page:2.")
    return replace(filters, page=int(value))


_READERS: dict[str, Reader] = {
    "ref": _refs,
    "stage": _stage,
    "status": _stage,
    "release": _release("scope"),
    "candidate": _release("candidate"),
    "removed": _release("removed"),
    "dcc": _dcc,
    "proposer": lambda f, v: replace(f, proposer=v),
    "waiting": _waiting,
    "path": _path,
    "raised": _period("raised"),
    "due": _period("due"),
    "next": _next,
    "at": _at,
    "as-of": _as_of,
    "page": _page,
}
_EXAMPLES = {
    "release": 'release:"Nov 2022"',
    "proposer": 'proposer:"British Gas"',
    "waiting": "waiting:ia",
    "raised": "raised:2019",
    "stage": "stage:on-hold",
}
