"""Loose references: which modifications a few words of a title or nickname point at."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process, utils

# Words that say nothing about which modification is meant.
_NOISE = frozenset(
    [
        "a",
        "about",
        "an",
        "and",
        "any",
        "are",
        "at",
        "be",
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
        "of",
        "on",
        "one",
        "ones",
        "please",
        "proposal",
        "s",
        "show",
        "stand",
        "stands",
        "status",
        "tell",
        "the",
        "that",
        "this",
        "thing",
        "to",
        "us",
        "what",
        "whats",
        "where",
        "which",
        "with",
        "you",
        "sec",
        "called",
        "named",
        "nicknamed",
        "known",
        "as",
        "where's",
        "what's",
        "going",
        "now",
        "today",
        "update",
        "news",
        "mp",
        "secmp",
        "dp",
        "we",
        "our",
        "are",
        "where's",
        "wheres",
        "doing",
        "happening",
        "up",
        "re",
        "regarding",
        "hows",
        "how's",
    ]
)
STRONG = 90.0  # token-set score for "this title contains what was typed"
CLOSE = 5.0  # matches within this of the best are equally good readings


@dataclass(frozen=True)
class TitleMatch:
    ref: str
    title: str
    score: float


def content_words(text: str) -> list[str]:
    return [w for w in re.findall(r"[a-z0-9][a-z0-9'-]*", text.lower()) if w not in _NOISE]


def match_titles(
    text: str, index: Sequence[tuple[str, str]], *, limit: int = 3
) -> list[TitleMatch]:
    """The titles that fit the words best (scores 0-100), equally good ones together.

    One short common word ("review") is not enough to name a modification: the words must hold
    at least seven letters between them.
    """
    words = content_words(text)
    query = " ".join(words)
    if not index:
        return []
    if sum(len(w) for w in words) < 7:
        return _distinctive_word(words, index)
    titles = [title for _, title in index]
    found = process.extract(
        query, titles, scorer=fuzz.token_set_ratio, processor=utils.default_process, limit=8
    )
    strong = [(title, score, i) for title, score, i in found if score >= STRONG]
    if not strong:
        return []
    best = max(score for _, score, _ in strong)
    return [
        TitleMatch(index[i][0], title, float(score))
        for title, score, i in strong
        if score >= best - CLOSE
    ][:limit]


def _distinctive_word(words: list[str], index: Sequence[tuple[str, str]]) -> list[TitleMatch]:
    """One word of five letters or more found in exactly one title ("the zigbee one") names
    that modification; a word several titles share ("review") names none."""
    if len(words) != 1 or len(words[0]) < 5:
        return []
    holding = [
        (ref, title)
        for ref, title in index
        if words[0] in re.findall(r"[a-z0-9][a-z0-9'-]*", title.lower())
    ]
    if len(holding) != 1:
        return []
    return [TitleMatch(holding[0][0], holding[0][1], 100.0)]
