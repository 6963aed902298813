"""Question readers: each feature registers the ones for the answers it gives (see router).

A reader looks at an analysed Question and offers a Reading (a command and how sure it is), or
nothing. The understanding layer takes the surest reading above the threshold; below it, secbot
says it did not understand and offers the closest readings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import timedelta

from bot.understanding.filters import ListFilters
from bot.understanding.periods import Period
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
    r"\b(?:history|timeline|happened|changed|changes|progress so far|progressed|evolved|"
    r"what did the (?:panel|"
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
    between = q.period is not None and " to " in q.period.label
    if ref is None or not (q.says(_HISTORY) or (between and q.says(r"\bchange\b"))):
        return None
    period = None if q.says(r"\bsince\b") else q.period
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
    if q.says(_SEARCH) and not q.refs and not q.bare_ref:  # "what about 128b" is MP128B
        return Reading("search", words, 0.8)
    if q.titles:
        return Reading("search", words, 0.62)
    return Reading("search", words, 0.3)


_BARE_MONTH = re.compile(
    r"\b(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b(?!\s*'?\d)"
)


def release_reader(q: Question) -> Reading | None:
    month = q.period if q.period and _is_month(q.period) else None
    if q.period and q.period.start == q.period.end and q.says(_RELEASE_WORDS) and not q.refs:
        # "what goes live on 4 November 2021": releases are named by their month
        return Reading("release", f"{q.period.start:%B %Y}", 0.86)
    if not month and not q.period and q.says(_RELEASE_WORDS):
        # "the next release", "what goes live in February": the release answer resolves them
        # against the asker's day.
        bare = _BARE_MONTH.search(q.lower)
        named = "next" if q.says(r"\b(?:next|upcoming) (?:sec )?release\b") else None
        named = named or (bare.group(1) if bare and not q.refs else None)
        if named:
            return Reading("release", named, 0.86)
    if q.refs and month and _asks_about_release(q):
        return Reading("in-release", f"{q.refs[0]} {month.label}", 0.92)
    if month and q.says(_RELEASE_WORDS) and not q.listing.filters.stages and not q.refs:
        # "which … in the Nov 2022 release" with more filters is a list; a bare release a release
        extra = q.listing.clues > 1 or q.listing.filters.dcc is not None
        return Reading("release", month.label, 0.6 if extra else 0.88)
    if q.says(r"\breleases\b") and not q.refs and not q.period:
        return Reading("releases", "", 0.85)
    return None


def version_reader(q: Question) -> Reading | None:
    if q.version:
        return Reading("version", q.version, 0.95)
    if not q.says(r"\b(?:sec|code)\s+versions?\b|\bversions? of the (?:sec|code)\b"):
        return None
    # "which SEC version implemented SECMP0016", "what SEC version came in on 15 March 2017"
    args = q.refs[0] if q.refs else (q.period.label if q.period else "")
    return Reading("version", args, 0.93)


def list_reader(q: Question) -> Reading | None:
    reading = q.listing
    if reading.clues == 0 or (q.refs and not reading.filters.release):
        return None
    if replace(reading.filters, as_of=None) == ListFilters():
        return None  # a date alone ("27 April 2017") asks nothing
    args = reading.filters.to_args()
    sure = 0.88 if not reading.unexplained else 0.45
    if replace(reading.filters, release=None) == ListFilters() and not reading.unexplained:
        sure = 0.8  # "what's in the Feb 2022 release" is the release's own answer
    if q.says(r"^(?:list|which|what|show|any|are there|how many)\b"):
        sure += 0.05
    return Reading("list", args, min(sure, 0.95))


def _is_month(period: Period) -> bool:
    """A whole month ("Nov 2022"), not a day that happens to be the 1st ("1 April 2017")."""
    return (
        period.start.day == 1
        and (period.end + timedelta(days=1)).day == 1
        and (period.end - period.start).days < 31
    )


def _asks_about_release(q: Question) -> bool:
    """ "is MP128B in the Feb 2022 release", "was MP154 removed from Feb 2022": a release named by
    its words or by a release's month; "SECMP0007's status in April 2017" is an as-of question."""
    if q.says(_RELEASE_WORDS):
        return True
    return q.listing.filters.release is not None and not q.says(r"\bstatus\b|\bstage\b")


def _asks_as_of(q: Question) -> bool:
    return q.period is not None and q.says(r"\b(?:as of|as at|on|in|back in|at the time of)\b")


__all__ = [
    "Reading",
    "all_reader",
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
    when_question = q.says(
        r"^when\b|\bwhen(?:'s| is| are| does| do)\b|\bdates?\b|\bagenda deadline|\bpapers? deadline"
        r"|\bdeadlines? for the\b"
    )
    if q.listing.clues and not when_question:
        return None
    kinds = [
        k
        for k in ("working group", "panel", "change board", "change sub-committee")
        if k in q.lower
    ]
    when = q.period.label if q.period else ("next" if q.says(r"\bnext\b") else "")
    args = " ".join([*(k.replace("change sub-committee", "csc") for k in kinds), when]).strip()
    if not (kinds or when or when_question):
        return Reading("meetings", args, 0.45)  # "book me a meeting room" is not about these
    if not q.period and q.says(r"\b(?:last|previous|was|were|did)\b"):
        return Reading("meetings", args, 0.45)  # past meetings: the answer lists the ones ahead
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
    asked = set(q.listing.unexplained) - _PENDING_WORDS
    return Reading("pending", ref, 0.5 if asked and not ref else 0.72)  # "Ofgem's price cap"


_PENDING_WORDS = frozenset(
    ["pending", "waiting", "awaiting", "decision", "decisions", "open", "who", "needs", "decide"]
)
_ALL_MODS = r"^(?:show|list|give)(?: me)?(?: all| every)(?: the)? modifications?$"


def all_reader(q: Question) -> Reading | None:
    """ "show all mods": the whole list."""
    return Reading("list", "", 0.9) if q.says(_ALL_MODS) else None
