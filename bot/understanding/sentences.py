"""Read list filters from a sentence: "which mods impact DCC systems in Nov 2022"."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, replace

from rapidfuzz import fuzz, process, utils

from bot.understanding.filters import ListFilters
from bot.understanding.periods import Period, parse_period, strip_period
from bot.understanding.vocabulary import (
    OWNER_WORDS,
    PATH_WORDS,
    STAGE_WORDS,
    WAIT_KINDS,
    expand_abbreviations,
)

# Words that carry no filter in a list question.
LIST_STOPWORDS = frozenset(
    [
        "happen",
        "happens",
        "happening",
        "discussed",
        "discuss",
        "coming",
        "up",
        "going",
        "expected",
        "planned",
        "scheduled",
        "a",
        "about",
        "all",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "been",
        "being",
        "by",
        "can",
        "currently",
        "did",
        "do",
        "does",
        "for",
        "from",
        "give",
        "has",
        "have",
        "how",
        "i",
        "in",
        "is",
        "it",
        "its",
        "list",
        "me",
        "mods",
        "modification",
        "modifications",
        "my",
        "now",
        "of",
        "on",
        "or",
        "please",
        "proposals",
        "proposal",
        "show",
        "still",
        "tell",
        "that",
        "the",
        "their",
        "them",
        "there",
        "these",
        "they",
        "this",
        "those",
        "to",
        "us",
        "was",
        "we",
        "were",
        "what",
        "which",
        "who",
        "whose",
        "with",
        "you",
        "sec",
        "systems",
        "system",
        "mod",
        "ones",
        "one",
        "right",
        "today",
        "so",
        "far",
        "yet",
        "get",
        "find",
        "name",
        "names",
        "agenda",
        "meeting",
        "meetings",
        "raise",
        "raised",
        "many",
        "number",
        "count",
        "total",
        "what's",
        "whats",
        "which's",
        "there's",
        "s",
        "we",
        "our",
        "currently",
        "presently",
        "going",
        "go",
        "goes",
        "being",
        "voted",
        "vote",
        "votes",
        "everything",
        "anything",
        "items",
        "item",
        "things",
        "stuff",
        "where",
        "outstanding",
        "working",
        "back",
        "teh",
    ]
)
_DCC_YES = re.compile(
    r"\b(?:impacts?|impacting|affects?|affecting|touch(?:es)?|touching|change[sd]?|need)\s+"
    r"(?:the\s+)?dcc(?:\s+systems?)?\b|\bdcc(?:\s+systems?)?\s+impact(?:ed|s|ing)?\b|\bdcc\s+systems?\b"
)
_DCC_NO = re.compile(
    r"\b(?:no|without|not|don'?t|doesn'?t|do not|does not)\s+(?:\w+\s+)?(?:the\s+)?dcc\b"
)
_WAITING = re.compile(
    r"\b(?:(?:waiting|wait|waits)\s+(?:on|for)|awaiting(?:\s+(?:on|for))?)\s+(?P<what>.+?)(?=$|[?.,]|\s+(?:in|and|for|from|since)\b)"
)
# Work owed by the DCC named the other way round: "where the IA is outstanding", "IAs due".
_WORK_OWED = re.compile(
    r"\b(?P<what>impact assessments?|preliminary assessments?)\s+(?:is\s+|are\s+|still\s+)*"
    r"(?:outstanding|due|pending|awaited|under way|underway|in progress|being carried out|open)\b"
)
# "with the DCC", "what is the DCC working on": an open item the DCC owns.
_WITH_OWNER = re.compile(
    r"\bwith\s+(?:the\s+)?(?P<what>dcc|secas|proposer)\b"
    r"|\b(?P<who>dcc|secas|proposer)\s+(?:is\s+|are\s+)?(?:working on|doing)\b"
)
_RAISED_BY = re.compile(
    r"\b(?:raised|proposed|submitted|put forward|brought)\s+by\s+(?P<who>.+?)"
    r"(?=$|[?.,]|\s+(?:in|since|during|between|that|which)\b)"
)
_DID_RAISE = re.compile(
    r"\b(?:did|has|have|had)\s+(?P<who>.+?)\s+(?:raise|raised|propose|proposed|submit|submitted)\b"
)
_OWNS = re.compile(r"\b(?P<who>[a-z][\w&'. -]+?)'s\s+(?:mods|modifications|proposals)\b")
_NEXT_MEETING = re.compile(
    r"\bnext\s+(?P<kind>working group|panel|change board|change sub-committee|meeting)\b"
)
_PANEL_RETURN = re.compile(
    r"\b(?:com(?:e|es|ing)|go(?:es|ing)?|returns?|returning)\s+back\s+to\s+(?:the\s+)?panel\b"
    r"|\breturns?\s+to\s+(?:the\s+)?panel\b|\bback\s+to\s+(?:the\s+)?panel\b"
)
# "at the Panel", "to the Working Group", "for the 3 April WG": a milestone at that meeting.
_AT_MEETING = re.compile(
    r"\b(?:at|to|for|before|on the agenda (?:of|for))\s+(?:the\s+)?(?:monthly\s+)?"
    r"(?P<kind>working group|panel|change board|change sub-committee)(?:\s+meetings?)?\b"
)
_MEETING_KINDS = {
    "working group": "working_group",
    "panel": "panel",
    "change board": "change_board",
    "change sub-committee": "csc",
}
_OPEN = re.compile(r"\b(?:open|active|in progress|in flight|ongoing|live)\b")


@dataclass(frozen=True)
class SentenceReading:
    filters: ListFilters
    unexplained: tuple[str, ...]
    clues: int  # how many filters the sentence gave


def read_sentence(
    text: str,
    base: ListFilters | None = None,
    *,
    proposers: Sequence[str] = (),
    release_months: Collection[tuple[int, int]] = (),
) -> SentenceReading:
    """The filters a list question asks for, and the words that say nothing we understood."""
    lower = " " + expand_abbreviations(text).lower().replace("’", "'") + " "
    filters = base or ListFilters()
    clues = 0
    lower, filters, found = _stages(lower, filters)
    clues += found
    for reader in (_dcc, _waiting, _proposer(proposers), _paths, _next_meeting):
        lower, filters, found = reader(lower, filters)
        clues += found
    lower, filters, found = _time(lower, filters, release_months)
    clues += found
    if _OPEN.search(lower) and not filters.stages:
        filters = replace(filters, open_only=True)
        lower = _OPEN.sub(" ", lower)
        clues += 1
    left = tuple(w for w in re.findall(r"[a-z0-9][a-z0-9'-]*", lower) if w not in LIST_STOPWORDS)
    return SentenceReading(filters, left, clues)


def _stages(lower: str, filters: ListFilters) -> tuple[str, ListFilters, int]:
    stages = list(filters.stages)
    for phrase in sorted(STAGE_WORDS, key=len, reverse=True):
        pattern = rf"(?<![\w-]){re.escape(phrase)}(?![\w-])"
        if re.search(rf"(?:\bnot|n't|\bnever)\s+(?:yet\s+|been\s+|be\s+)?{pattern}", lower):
            continue  # "not approved yet" is not stage:approved: left unexplained
        if re.search(pattern, lower):
            if STAGE_WORDS[phrase] not in stages:
                stages.append(STAGE_WORDS[phrase])
            lower = re.sub(pattern, " ", lower)
    return lower, replace(filters, stages=tuple(stages)), len(stages) - len(filters.stages)


def _dcc(lower: str, filters: ListFilters) -> tuple[str, ListFilters, int]:
    if _DCC_NO.search(lower) and "impact" in lower:
        return _DCC_NO.sub(" ", lower).replace("impact", " "), replace(filters, dcc=False), 1
    if _DCC_YES.search(lower):
        return _DCC_YES.sub(" ", lower), replace(filters, dcc=True), 1
    return lower, filters, 0


def _waiting(lower: str, filters: ListFilters) -> tuple[str, ListFilters, int]:
    found = _WAITING.search(lower)
    if not found:
        return _owed(lower, filters)
    what = re.sub(r"^(?:an?|the|some)\s+", "", found.group("what").strip())
    rest = lower[: found.start()] + " " + lower[found.end() :]
    for phrase in sorted(WAIT_KINDS, key=len, reverse=True):
        if re.search(rf"\b{re.escape(phrase)}\b", what):
            owner = "DCC" if WAIT_KINDS[phrase] in {"ia", "pa"} else filters.waiting
            return rest, replace(filters, wait_kind=WAIT_KINDS[phrase], waiting=owner), 1
    for phrase in sorted(OWNER_WORDS, key=len, reverse=True):
        if re.search(rf"\b{re.escape(phrase)}\b", what):
            if OWNER_WORDS[phrase] == "Change Board":  # "waiting for a CB vote": the stage
                stages = tuple(dict.fromkeys((*filters.stages, "change_board")))
                return rest, replace(filters, stages=stages), 1
            return rest, replace(filters, waiting=OWNER_WORDS[phrase]), 1
    return lower, filters, 0


def _owed(lower: str, filters: ListFilters) -> tuple[str, ListFilters, int]:
    owed = _WORK_OWED.search(lower)
    if owed:
        kind = "ia" if owed.group("what").startswith("impact") else "pa"
        rest = lower[: owed.start()] + " " + lower[owed.end() :]
        return rest, replace(filters, wait_kind=kind, waiting="DCC"), 1
    owner = _WITH_OWNER.search(lower)
    if owner:
        who = owner.group("what") or owner.group("who")
        rest = lower[: owner.start()] + " " + lower[owner.end() :]
        return rest, replace(filters, waiting=OWNER_WORDS[who]), 1
    return lower, filters, 0


Reader = Callable[[str, ListFilters], tuple[str, ListFilters, int]]


def _proposer(proposers: Sequence[str]) -> Reader:
    def read(lower: str, filters: ListFilters) -> tuple[str, ListFilters, int]:
        for pattern in (_RAISED_BY, _DID_RAISE, _OWNS):
            found = pattern.search(lower)
            if found:
                who = re.sub(r"^(?:the|a|an)\s+", "", found.group("who").strip())
                rest = lower[: found.start()] + " " + lower[found.end() :]
                return rest, replace(filters, proposer=match_proposer(who, proposers)), 1
        return lower, filters, 0

    return read


def match_proposer(typed: str, proposers: Sequence[str]) -> str:
    """The stored proposer name closest to what was typed, or the typed words themselves."""
    if not proposers:
        return typed
    best = process.extractOne(
        typed, list(proposers), scorer=fuzz.WRatio, processor=utils.default_process, score_cutoff=85
    )
    return str(best[0]) if best else typed


def _paths(lower: str, filters: ListFilters) -> tuple[str, ListFilters, int]:
    for phrase in sorted((p for p in PATH_WORDS if not p.isdigit()), key=len, reverse=True):
        pattern = rf"(?<![\w-]){re.escape(phrase)}(?![\w-])"
        if re.search(pattern, lower):
            return re.sub(pattern, " ", lower), replace(filters, path=PATH_WORDS[phrase]), 1
    return lower, filters, 0


def _next_meeting(lower: str, filters: ListFilters) -> tuple[str, ListFilters, int]:
    found = _NEXT_MEETING.search(lower)
    if not found:
        return lower, filters, 0
    kinds = {
        "working group": "working_group",
        "panel": "panel",
        "change board": "change_board",
        "change sub-committee": "csc",
        "meeting": "any",
    }
    rest = lower[: found.start()] + " " + lower[found.end() :]
    return rest, replace(filters, next_meeting=kinds[found.group("kind")]), 1


def _time(
    lower: str, filters: ListFilters, release_months: Collection[tuple[int, int]]
) -> tuple[str, ListFilters, int]:
    """A period becomes a release, a raised or due window, or the day the list is as of."""
    period = parse_period(lower)
    if period is None:
        return lower, filters, 0
    rest = strip_period(lower)
    if re.search(r"\braised\b|\bproposed\b|\bsubmitted\b|\bnew\b", lower):
        return rest.replace("raised", " "), replace(filters, raised=period), 1
    meeting = _AT_MEETING.search(rest)
    going_live = re.search(r"\bgo(?:es|ing)?[ -]live\b|\bbaselined?\b", lower)
    due_words = r"\bdue\b|\bexpected\b|\bcom(?:e|es|ing) back\b|\breturn"
    if not going_live and (meeting or re.search(due_words, lower)):
        at = "panel" if _PANEL_RETURN.search(rest) else filters.due_at
        if meeting:
            at = _MEETING_KINDS[meeting.group("kind")]
        rest = _AT_MEETING.sub(" ", _PANEL_RETURN.sub(" ", rest))
        rest = re.sub(r"\bdue\b|\bexpected\b|\bdiscussed\b|\bpresented\b|\btaken\b", " ", rest)
        return rest, replace(filters, due=period, due_at=at), 1
    if going_live:
        rest = re.sub(r"\bdue\b|\bgo(?:es|ing)?[ -]live\b|\bbaselined?\b", " ", rest)
    state = _release_state(lower)
    month = (period.start.year, period.start.month)
    names_release = (
        "release" in lower or "scoped" in lower or state != "scope" or going_live is not None
    )
    is_month = period.start.day == 1 and (period.end - period.start).days >= 27
    # "the Feb 2022 mods": a release's month naming its modifications, whatever else is asked
    attached = re.search(
        r"\b[a-z]{3,9}\s*'?(?:\d{4}|\d\d)\s+(?:sec\s+)?(?:modifications?|scope)\b", lower
    )
    in_release = month in release_months and (not filters.stages or attached)
    if is_month and (names_release or in_release):
        label = f"{period.start:%B %Y}"
        rest = re.sub(
            r"\b(?:sec\s+)?releases?\b|\bcandidates?\b|\bremoved\b|\btaken out\b|\bscoped\b",
            " ",
            rest,
        )
        filters = replace(filters, release=label, release_state=state)
        known_then = _second_period(lower, period)  # "what was in the June 2022 release in 2019"
        if known_then is not None:
            filters = replace(filters, as_of=known_then.end)
        return rest, filters, 1
    return rest, replace(filters, as_of=period.end), 1


def _second_period(lower: str, first: Period) -> Period | None:
    """Another period beside the release's month: the day the list is as of."""
    months = re.compile(
        rf"\b{first.start:%b}[a-z]*\s*'?(?:{first.start:%Y}|{first.start:%y})\b", re.IGNORECASE
    )
    other = parse_period(months.sub(" ", lower, count=1))
    return other if other is not None and other != first else None


def _release_state(lower: str) -> str:
    if re.search(r"\bcandidates?\b", lower):
        return "candidate"
    if re.search(r"\bremoved\b|\btaken out\b|\bdropped\b", lower):
        return "removed"
    return "scope"


__all__ = ["Period", "SentenceReading", "match_proposer", "read_sentence"]
