"""The words of the SEC change process as people type them: abbreviations, stages, owners, paths.

Everything here is data plus tiny pure helpers, so the vocabulary can grow without touching the
parsers that use it (docs/answers.md lists it for people).
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

# Abbreviations spelled out before anything else reads the text ("WG" -> "Working Group").
ABBREVIATIONS: dict[str, str] = {
    "wg": "Working Group",
    "wgs": "Working Groups",
    "cb": "Change Board",
    "csc": "Change Sub-Committee",
    "ia": "Impact Assessment",
    "ias": "Impact Assessments",
    "pa": "Preliminary Assessment",
    "pas": "Preliminary Assessments",
    "mrc": "Modification Report Consultation",
    "mr": "Modification Report",
    "rc": "Refinement Consultation",
    "beis": "BEIS",
    "ofgem": "the Authority",
    "dno": "DNO",
    "mods": "modifications",
    "mod": "modification",
}
_ABBREVIATION = re.compile(r"\b(" + "|".join(ABBREVIATIONS) + r")\b", re.IGNORECASE)

# Phrases naming a stage (longest first wins), mapped to sec.lifecycle.Stage values.
STAGE_WORDS: dict[str, str] = {
    "on hold": "on_hold",
    "on-hold": "on_hold",
    "onhold": "on_hold",
    "paused": "on_hold",
    "parked": "on_hold",
    "refinement process": "refinement",
    "refinement": "refinement",
    "in refinement": "refinement",
    "report phase": "report",
    "modification report phase": "report",
    "withdrawn": "withdrawn",
    "implemented": "implemented",
    "gone live": "implemented",
    "went live": "implemented",
    "development stage": "draft",
    "development": "draft",
    "draft proposals": "draft",
    "draft proposal": "draft",
    "drafts": "draft",
    "approved": "approved",
    "rejected": "rejected",
    "awaiting the change board": "change_board",
    "awaiting a vote": "change_board",
    "with the authority": "authority",
    "awaiting the authority": "authority",
    "submitted": "submitted",
}

# Who a modification can wait on, and the kinds of wait ("waiting:ia").
OWNER_WORDS: dict[str, str] = {
    "proposer": "Proposer",
    "proposers": "Proposer",
    "dcc": "DCC",
    "the dcc": "DCC",
    "secas": "SECAS",
    "panel": "Panel",
    "the panel": "Panel",
    "authority": "Authority",
    "the authority": "Authority",
    "csc": "CSC",
    "change sub-committee": "CSC",
    "change board": "Change Board",
}
WAIT_KINDS: dict[str, str] = {
    "ia": "ia",
    "impact assessment": "ia",
    "impact assessments": "ia",
    "an impact assessment": "ia",
    "pa": "pa",
    "preliminary assessment": "pa",
    "preliminary assessments": "pa",
    "a preliminary assessment": "pa",
    "decision": "decision",
    "a decision": "decision",
    "decisions": "decision",
}
WAIT_KIND_LABELS = {
    "ia": "a DCC Impact Assessment",
    "pa": "a DCC Preliminary Assessment",
    "decision": "a decision",
}

# Decision paths and their variants; values as stored (path1..3) or special handling.
PATH_WORDS: dict[str, str] = {
    "path 1": "path1",
    "path1": "path1",
    "1": "path1",
    "authority-led": "path1",
    "path 2": "path2",
    "path2": "path2",
    "2": "path2",
    "authority-determined": "path2",
    "path 3": "path3",
    "path3": "path3",
    "3": "path3",
    "self-governance": "path3",
    "self governance": "path3",
    "selfgovernance": "path3",
    "fast-track": "fast_track",
    "fast track": "fast_track",
    "fasttrack": "fast_track",
    "urgent": "urgent",
}
PATH_LABELS = {
    "path1": "Path 1 (Authority-led)",
    "path2": "Path 2 (Authority-determined)",
    "path3": "Path 3 (Self-Governance)",
    "fast_track": "Fast-Track",
    "urgent": "Urgent",
}

# Meeting kinds for "next meeting" filters and meeting questions.
MEETING_WORDS: dict[str, str] = {
    "working group": "working_group",
    "panel": "panel",
    "change board": "change_board",
    "change sub-committee": "csc",
}

YES = frozenset({"yes", "y", "true", "1", "impact", "impacts", "on"})
NO = frozenset({"no", "n", "false", "0", "none", "off"})

# Fuzzy command words: only words this long are corrected, so "lis" or "st" stay themselves.
MIN_FUZZY_WORD = 4
COMMAND_SCORE_CUTOFF = 80.0


def expand_abbreviations(text: str) -> str:
    """The text with domain abbreviations spelled out, case kept for the rest."""
    return _ABBREVIATION.sub(lambda m: ABBREVIATIONS[m.group(1).lower()], text)


def correct_command_word(word: str, known: set[str]) -> str | None:
    """The known command a mistyped first word stands for ("staus" -> "status"), or None."""
    lowered = word.lower()
    if lowered in known or len(lowered) < MIN_FUZZY_WORD or not lowered.isalpha():
        return None
    best = process.extractOne(
        lowered,
        sorted(known),
        scorer=fuzz.ratio,
        score_cutoff=COMMAND_SCORE_CUTOFF,
    )
    if best:
        return str(best[0])
    # One swapped pair of letters ("lsit", "pendign") is a typo whatever the word's length;
    # one changed letter is not ("last" is a word, not "list").
    close = [
        word
        for word in sorted(known)
        if OSA.distance(lowered, word) == 1 and sorted(word) == sorted(lowered)
    ]
    return close[0] if len(close) == 1 else None


# Words whose typos are corrected anywhere in a question ("waht", "whcih", "relaese").
QUESTION_WORDS = frozenset(
    [
        "what",
        "which",
        "when",
        "where",
        "release",
        "releases",
        "status",
        "history",
        "pending",
        "refinement",
        "withdrawn",
        "implemented",
        "approved",
        "rejected",
        "modification",
        "modifications",
        "meeting",
        "meetings",
        "working",
        "group",
        "panel",
        "change",
        "board",
        "proposer",
        "proposed",
        "waiting",
        "awaiting",
        "assessment",
        "impact",
        "preliminary",
        "consultation",
        "deadline",
        "deadlines",
        "agenda",
        "between",
        "january",
        "february",
        "march",
        "april",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "self-governance",
        "systems",
    ]
)
MIN_TYPO_WORD = 4  # shorter words are never corrected
NOT_TYPOS = frozenset(["states", "statue", "relapse", "pension", "sending", "spending"])
MIN_EDIT_WORD = 6  # one changed, missing or extra letter is corrected only in words this long


def correct_typos(text: str) -> str:
    """The text with mistyped question words corrected: one swap of neighbouring letters
    ("waht"), or, in long words, one letter changed, missing or extra ("meetngs")."""

    def fix(match: re.Match[str]) -> str:
        word = match.group(0)
        lowered = word.lower()
        if len(lowered) < MIN_TYPO_WORD or lowered in QUESTION_WORDS or lowered in NOT_TYPOS:
            return word
        close = [w for w in QUESTION_WORDS if OSA.distance(lowered, w) == 1]
        swaps = [w for w in close if sorted(w) == sorted(lowered)]
        if len(swaps) == 1:
            return swaps[0]
        if len(close) == 1 and len(lowered) >= MIN_EDIT_WORD and not _inflected(lowered):
            return close[0]
        return word

    return re.sub(r"[A-Za-z][A-Za-z-]+", fix, text)


def _inflected(word: str) -> bool:
    """A known word with an ending ("changed", "meetings") is a word, not a typo."""
    return any(word.startswith(w) or word[1:] == w for w in QUESTION_WORDS)  # "spending"


def find_phrase(text: str, table: dict[str, str]) -> tuple[str, str] | None:
    """The longest phrase of the table found as whole words in text: (phrase, value)."""
    lower = text.lower()
    for phrase in sorted(table, key=len, reverse=True):
        if re.search(rf"(?<![\w-]){re.escape(phrase)}(?![\w-])", lower):
            return phrase, table[phrase]
    return None
