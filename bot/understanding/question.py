"""A question read once into the parts every reader needs: references, numbers, periods, titles."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy.orm import Session

from bot.understanding.periods import Period, parse_period
from bot.understanding.sentences import SentenceReading, read_sentence
from bot.understanding.titles import TitleMatch, match_titles
from bot.understanding.vocabulary import correct_typos, expand_abbreviations
from sec.references import find_refs, parse_ref
from storage import queries

_MONTH = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
# A lone number that is not a day of a month, a year, a decimal or a version.
_BARE_NUMBER = re.compile(
    rf"(?<![\w.:/-])(?<!\bv)(\d{{1,4}}[a-z]?)(?![\w.:/-])(?!\s*(?:st|nd|rd|th)?\s*(?:{_MONTH})\b)",
    re.IGNORECASE,
)
_AFTER_MONTH = re.compile(rf"\b(?:{_MONTH})\s*$", re.IGNORECASE)
_VERSION = re.compile(
    r"\b(?:sec\s*)?(?:v|version\s*)(\d{1,2}\.\d{1,2})\b|\bsec\s+(\d{1,2}\.\d{1,2})\b", re.IGNORECASE
)


@dataclass(frozen=True)
class Question:
    text: str
    lower: str  # abbreviations spelled out, lower case
    refs: tuple[str, ...]
    bare_ref: str | None
    version: str | None
    period: Period | None
    titles: tuple[TitleMatch, ...]
    listing: SentenceReading

    def says(self, pattern: str) -> bool:
        return re.search(pattern, self.lower) is not None


def analyse(session: Session, text: str) -> Question:
    text = correct_typos(text)
    version_match = _VERSION.search(text)
    version = (version_match.group(1) or version_match.group(2)) if version_match else None
    scrubbed = _VERSION.sub(" ", text)  # "SEC v5.5" must never read as SECMP0055
    refs = tuple(dict.fromkeys(found.ref.canonical for found in find_refs(scrubbed)))
    lower = expand_abbreviations(scrubbed).lower()
    without_refs = _strip_refs(scrubbed, refs)
    return Question(
        text=text,
        lower=lower,
        refs=refs,
        bare_ref=None if refs else _bare_ref(without_refs),
        version=version,
        period=parse_period(without_refs),
        titles=tuple(match_titles(without_refs, queries.list_title_index(session)))
        if not refs
        else (),
        listing=read_sentence(
            without_refs,
            proposers=queries.list_proposers(session),
            release_months=queries.list_release_months(session),
        ),
    )


def _strip_refs(text: str, refs: tuple[str, ...]) -> str:
    found = list(find_refs(text))
    for item in reversed(found):
        text = text[: item.start] + " " + text[item.end :]
    return text


def _bare_ref(text: str) -> str | None:
    for match in _BARE_NUMBER.finditer(text):
        if _AFTER_MONTH.search(text[: match.start()]):
            continue  # "April 27"
        number = match.group(1)
        if re.fullmatch(r"(?:19|20)\d\d", number):
            continue  # a year
        ref = parse_ref(number)
        if ref is not None:
            return ref.canonical
    return None
