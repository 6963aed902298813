"""Question readers: each feature registers the ones for the answers it gives (see router).

A reader looks at an analysed Question and offers a Reading (a command and how sure it is), or
nothing. The understanding layer takes the surest reading above the threshold; below it, secbot
says it did not understand and offers the closest readings.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.understanding.question import Question


@dataclass(frozen=True)
class Reading:
    command: str  # a registered route
    args: str
    confidence: float  # 0..1
    as_of_end: bool = False  # the question's period is the day to answer as of

    @property
    def line(self) -> str:
        return f"{self.command} {self.args}".strip()


_HISTORY = (
    r"\b(?:history|timeline|happened|changed|changes|progress so far|what did the (?:panel|"
    r"change board|working group|change sub-committee) say|said|before and after|over time)\b"
)
_RELEASE_WORDS = r"\breleases?\b|\bgo(?:es|ing)? live\b|\bgo-live\b|\bwent live\b|\bbaselined?\b"
_SEARCH = r"^(?:search|find|look for|look up)\b|\bmention(?:s|ing)?\b|\babout\b"


def status_reader(q: Question) -> Reading | None:
    ref = q.refs[0] if q.refs else q.bare_ref
    if ref is not None and not q.says(_HISTORY):
        sure = 0.9 if q.refs else 0.7
        if q.listing.clues and not q.refs:
            sure = 0.55
        return Reading("status", ref, sure, as_of_end=_asks_as_of(q))
    if q.titles and not q.refs and not q.listing.clues:
        if len(q.titles) == 1:
            return Reading("status", q.titles[0].ref, 0.8)
        return Reading("list", "ref:" + ",".join(t.ref for t in q.titles), 0.8)
    return None


def history_reader(q: Question) -> Reading | None:
    ref = q.refs[0] if q.refs else q.bare_ref
    if ref is None or not q.says(_HISTORY):
        return None
    period = q.period
    if period is None:
        args = ref
    elif " to " in period.label:
        args = f"{ref} from {period.label}"
    else:
        args = f"{ref} {period.label}"
    return Reading("history", args, 0.92 if q.refs else 0.7)


def search_reader(q: Question) -> Reading | None:
    from bot.commands import keywords

    words = " ".join(keywords(q.text))
    if not words:
        return None
    if q.says(_SEARCH) and not q.refs:
        return Reading("search", words, 0.8)
    if q.titles:
        return Reading("search", words, 0.62)
    return Reading("search", words, 0.3)


def release_reader(q: Question) -> Reading | None:
    month = q.period if q.period and q.period.start.day == 1 else None
    if q.refs and month and q.says(_RELEASE_WORDS + r"|\bin\b"):
        return Reading("in-release", f"{q.refs[0]} {month.label}", 0.92)
    if month and q.says(_RELEASE_WORDS) and not q.listing.filters.stages and not q.refs:
        # "which … in the Nov 2022 release" with more filters is a list; a bare release a release
        extra = q.listing.clues > 1 or q.listing.filters.dcc is not None
        return Reading("release", month.label, 0.6 if extra else 0.88)
    if q.says(r"\breleases\b") and not q.refs and not q.period:
        return Reading("releases", "", 0.85)
    return None


def version_reader(q: Question) -> Reading | None:
    return Reading("version", q.version, 0.95) if q.version else None


def list_reader(q: Question) -> Reading | None:
    reading = q.listing
    if reading.clues == 0 or (q.refs and not reading.filters.release):
        return None
    args = reading.filters.to_args()
    sure = 0.88 if not reading.unexplained else 0.45
    if q.says(r"^(?:list|which|what|show|any|are there|how many)\b"):
        sure += 0.05
    return Reading("list", args, min(sure, 0.95))


def _asks_as_of(q: Question) -> bool:
    return q.period is not None and q.says(r"\b(?:as of|as at|on|in|back in|at the time of)\b")


__all__ = [
    "Reading",
    "history_reader",
    "list_reader",
    "release_reader",
    "search_reader",
    "status_reader",
    "version_reader",
]


_MEETINGS = r"\bmeetings?\b|\bworking group\b|\bpanel\b|\bchange board\b|\bchange sub-committee\b"


def meetings_reader(q: Question) -> Reading | None:
    if q.refs or q.bare_ref or not q.says(_MEETINGS):
        return None
    when_question = q.says(r"^when\b|\bwhen(?:'s| is| are| does| do)\b|\bdates?\b")
    if q.listing.clues and not when_question:
        return None
    kinds = [
        k
        for k in ("working group", "panel", "change board", "change sub-committee")
        if k in q.lower
    ]
    when = q.period.label if q.period else ("next" if q.says(r"\bnext\b") else "")
    args = " ".join([*(k.replace("change sub-committee", "csc") for k in kinds), when]).strip()
    return Reading("meetings", args, 0.95 if when_question else 0.78)


def deadlines_reader(q: Question) -> Reading | None:
    if q.refs or not q.says(r"\bdeadlines?\b|\bdue\b|\bcloses?\b|\bclosing\b"):
        return None
    if q.listing.clues and not q.says(r"\bdeadlines?\b"):
        return None
    return Reading("deadlines", q.period.label if q.period else "", 0.75)


def pending_reader(q: Question) -> Reading | None:
    if q.listing.clues or not q.says(r"\bpending\b|\bwaiting\b|\bawaiting\b|\bdecisions?\b"):
        return None
    ref = q.refs[0] if q.refs else ""
    return Reading("pending", ref, 0.72)
