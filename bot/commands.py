"""Turn what people type into a command: `status MP159`, or "where is mp 7 at?".

Explicit commands start with a command word (a mistyped one is corrected with rapidfuzz).
Anything else goes to the `question` route, where bot.understanding reads it with a confidence;
without that route (tests of the parser alone) a small keyword reader below stands in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.understanding.vocabulary import correct_command_word
from sec.references import find_refs, parse_ref
from sec.releases import parse_release_month

# The route that reads free questions (bot/answers/questions.py -> bot.understanding).
QUESTION = "question"

# Words that start a command even when spelled a little differently.
ALIASES = {
    "stat": "status",
    "hist": "history",
    "timeline": "history",
    "rel": "release",
    "find": "search",
    "meeting": "meetings",
    "deadline": "deadlines",
    "decisions": "pending",
    "sub": "subscribe",
    "unsub": "unsubscribe",
    "?": "help",
}

_STOPWORDS = frozenset(
    [
        "did",
        "say",
        "said",
        "says",
        "a",
        "about",
        "an",
        "and",
        "any",
        "anything",
        "are",
        "at",
        "be",
        "by",
        "can",
        "current",
        "currently",
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
        "info",
        "is",
        "it",
        "latest",
        "me",
        "mod",
        "modification",
        "modifications",
        "news",
        "of",
        "on",
        "or",
        "please",
        "proposal",
        "s",
        "show",
        "status",
        "tell",
        "the",
        "there",
        "this",
        "to",
        "us",
        "what",
        "whats",
        "where",
        "which",
        "with",
        "you",
        "sec",
    ]
)
_WORD = re.compile(r"[a-z0-9][a-z0-9\-]*", re.IGNORECASE)


@dataclass(frozen=True)
class Command:
    name: str
    args: str = ""
    public: bool = False


def _strip_public(text: str) -> tuple[str, bool]:
    """A trailing "public" asks for the answer to be posted to the channel."""
    words = text.split()
    if words and words[-1].lower() == "public":
        return " ".join(words[:-1]), True
    return text, False


def parse_command(text: str, *, known: set[str]) -> Command:
    """The command a line of chat asks for; questions are mapped to the command that answers."""
    cleaned = " ".join(text.replace("\u00a0", " ").split())
    cleaned = re.sub(r"^/?sec\b\s*", "", cleaned, flags=re.IGNORECASE)
    cleaned, public = _strip_public(cleaned)
    if not cleaned:
        return Command("help", "", public)
    first, _, rest = cleaned.partition(" ")
    word = ALIASES.get(first.lower(), first.lower())
    if word in known and word != QUESTION:
        return Command(word, rest.strip(), public)
    corrected = correct_command_word(word, known - {QUESTION})
    if corrected is not None and (rest.strip() or corrected in _BARE_COMMANDS):
        return Command(corrected, rest.strip(), public)  # "staus 27" is status 27
    if QUESTION in known:
        return Command(QUESTION, cleaned, public)
    return _from_question(cleaned, public)


# Commands that make sense alone, so a mistyped one word ("relases") is still corrected.
_BARE_COMMANDS = frozenset(
    {"releases", "meetings", "deadlines", "pending", "help", "subscriptions"}
)


def _from_question(text: str, public: bool) -> Command:
    lower = text.lower()
    refs = [found.ref.canonical for found in find_refs(text)]
    if not refs and (bare := parse_ref(text)) is not None:
        refs = [bare.canonical]
    month = parse_release_month(text)
    if refs and month and ("release" in lower or re.search(r"\bin\b", lower)):
        return Command("in-release", f"{refs[0]} {month.name}", public)
    if refs and re.search(r"\b(history|timeline|happened|progress so far)\b", lower):
        return Command("history", refs[0], public)
    if refs:
        return Command("status", refs[0], public)
    if month and "release" in lower:
        return Command("release", month.name, public)
    if re.search(r"\breleases\b", lower):
        return Command("releases", "", public)
    if re.search(r"\bmeetings?\b|\bworking group\b|\bpanel\b|\bchange board\b", lower):
        return Command("meetings", _meeting_args(lower), public)
    if re.search(r"\bdeadlines?\b|\bdue\b", lower):
        return Command("deadlines", _period_args(lower), public)
    if re.search(r"\bpending\b|\bwaiting\b|\bawaiting\b|\bdecisions?\b", lower):
        return Command("pending", "", public)
    if re.search(r"^(help|hi|hello|hey)\b", lower):
        return Command("help", "", public)
    return Command("search", " ".join(keywords(text)), public)


_MEETING_KINDS = re.compile(r"\b(working group|panel|change board|csc|change sub-committee)\b")
_PERIOD = re.compile(
    r"\b(?:this|next|last) (?:week|month)\b|\bnext \d+ (?:days|weeks)\b|\btoday\b|\btomorrow\b"
)


def _meeting_args(lower: str) -> str:
    """The parts of a meetings question the meetings answer understands: kind, next, month."""
    parts = [m.group(0) for m in _MEETING_KINDS.finditer(lower)]
    month = parse_release_month(lower)
    if month is not None:
        parts.append(month.name)
    elif re.search(r"\bnext\b", lower):
        parts.append("next")
    return " ".join(parts)


def _period_args(lower: str) -> str:
    """The period a deadlines question names ("this month", "April 2019"), or nothing."""
    month = parse_release_month(lower)
    if month is not None:
        return month.name
    found = _PERIOD.search(lower)
    return found.group(0) if found else ""


def keywords(text: str) -> list[str]:
    """The words of a question worth searching for."""
    return [w for w in (m.group(0).lower() for m in _WORD.finditer(text)) if w not in _STOPWORDS]
