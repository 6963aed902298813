"""Freshness: every answer says where its facts come from and how old they are (issue 13).

"From the SECAS page, checked Tuesday 1 December 2026, 08:00"; "From the CSC paper of
21 September 2021 — over five years ago; the web page may be newer", with the link. The router
attaches it to every answer of facts (``complete``): the modification's sources when the answer
is about one (``meta["ref"]``), the release's when it is about a release, otherwise the store's
overall sources. Each surface draws it with its ``_freshness`` partial.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.templating import render
from bot.views import Answer, web_url
from sec.timefmt import LONDON, age_phrase, uk_datetime, uk_short_date
from storage import sources
from storage.models import Document, Modification, Release

# Answers of facts: each says where they come from. Messages, usage, errors and help do not.
FACT_KINDS = frozenset(
    {
        "status",
        "history",
        "release",
        "releases",
        "membership",
        "search",
        "pending",
        "meetings",
        "deadlines",
        "list",
        "summary",
    }
)
# A paper this old (or older) may have been overtaken: say that the web page may be newer.
PAPER_STALE = timedelta(days=90)
# A page not checked for this long gets its age said too.
PAGE_STALE = timedelta(days=7)
KEY = "freshness"


@dataclass(frozen=True)
class SourceLine:
    """One source, in words ("From the SECAS page, checked …"), and the link to go further."""

    text: str
    url: str | None = None
    stale: bool = False


@dataclass(frozen=True)
class FreshnessView:
    lines: list[SourceLine]


def document_name(doc: Document) -> str:
    return sources.document_name(doc)


def page_line(check: sources.PageCheck, today: date) -> SourceLine:
    if check.checked_at is None:
        return SourceLine("From the SECAS page (not yet checked)", check.url)
    when = check.checked_at.astimezone(LONDON)
    text = f"From the SECAS page, checked {uk_datetime(when)}"
    stale = today - when.date() >= PAGE_STALE
    if stale:
        text += f" ({age_phrase(when.date(), today)})"
    return SourceLine(text, check.url, stale)


def paper_line(doc: Document, today: date, *, page_url: str | None) -> SourceLine:
    name = document_name(doc)
    if doc.doc_date is None:
        return SourceLine(f"From {name} (undated)", page_url, True)
    text = f"From {name} of {uk_short_date(doc.doc_date)}"
    stale = today - doc.doc_date >= PAPER_STALE
    if stale:
        text += f" — {age_phrase(doc.doc_date, today)}; the web page may be newer"
    return SourceLine(text, page_url if stale else None, stale)


def known_by(doc: Document, day: date) -> bool:
    """Whether a document existed on that day, so an as-of answer never cites a later one."""
    if doc.fetched_at is not None:
        return doc.fetched_at.astimezone(LONDON).date() <= day
    return doc.doc_date is None or doc.doc_date <= day


def _from_documents(
    session: Session, docs: list[Document], today: date, *, page_url: str | None
) -> FreshnessView:
    docs = [doc for doc in docs if known_by(doc, today)]
    check = sources.newest_page(session, docs)
    if check is not None:
        return FreshnessView([page_line(check, today)])
    paper = sources.newest_paper(docs)
    if paper is None:
        return FreshnessView(
            [SourceLine("Entered by an administrator; no paper or page behind it")]
        )
    return FreshnessView([paper_line(paper, today, page_url=page_url)])


def for_modification(session: Session, mod: Modification, today: date) -> FreshnessView:
    docs = sources.documents_for_modification(session, mod)
    return _from_documents(session, docs, today, page_url=web_url(mod.slug))


def for_release(session: Session, release: Release, today: date) -> FreshnessView:
    docs = sources.documents_for_release(session, release)
    return _from_documents(session, docs, today, page_url=None)


def for_store(session: Session, today: date) -> FreshnessView:
    """The register as a whole: the site's pages when synced, and the newest paper."""
    known = sources.overview(session, papers=20)
    lines: list[SourceLine] = []
    check = known.newest_check.astimezone(LONDON) if known.newest_check else None
    papers = [doc for doc in known.papers if known_by(doc, today)]
    if known.pages and check is not None and check.date() <= today:
        pages = f"{known.pages} page{'' if known.pages == 1 else 's'}"
        lines.append(SourceLine(f"From the SECAS website ({pages}), checked {uk_datetime(check)}"))
    elif papers:
        lines.append(paper_line(papers[0], today, page_url=None))
    return FreshnessView(lines)


def complete(session: Session, answer: Answer, *, today: date) -> Answer:
    """The answer with its freshness attached (answers of facts only; kept if already set)."""
    if not answer.ok or answer.kind not in FACT_KINDS or KEY in answer.meta:
        return answer
    view = None
    ref, release = answer.meta.get("ref"), answer.meta.get("release")
    if ref:
        mod = session.scalar(select(Modification).where(Modification.ref == ref))
        view = for_modification(session, mod, today) if mod is not None else None
    elif release:
        rel = session.scalar(select(Release).where(Release.name == release))
        view = for_release(session, rel, today) if rel is not None else None
    view = view or for_store(session, today)
    if not view.lines:
        return answer
    return dataclasses.replace(answer, meta={**answer.meta, KEY: view})


def freshness_of(answer: Answer) -> FreshnessView | None:
    view = answer.meta.get(KEY)
    return view if isinstance(view, FreshnessView) and view.lines else None


def text_of(answer: Answer) -> str:
    """The text partial ("" when the answer has none)."""
    view = freshness_of(answer)
    return render("text", "_freshness", f=view) if view else ""


def slack_blocks(answer: Answer) -> list[dict[str, Any]]:
    view = freshness_of(answer)
    return list(json.loads(render("slack", "_freshness", f=view))) if view else []


def teams_items(answer: Answer) -> list[dict[str, Any]]:
    view = freshness_of(answer)
    return list(json.loads(render("teams", "_freshness", f=view))) if view else []


def checked(moment: datetime | None) -> str:
    return uk_datetime(moment) if moment else "never"


def _past(phrase: str) -> str:
    """ "is in the Refinement Process" -> "was in …"; "has been approved" -> "had been …"."""
    for now_, then in (("is ", "was "), ("has been ", "had been "), ("has ", "had ")):
        if phrase.startswith(now_):
            return then + phrase[len(now_) :]
    return phrase


def stage_sentence(ref: str, title: str, phrase: str, *, recorded: date | None, today: date) -> str:
    """Where a modification stands, in the past tense when the record is old: "On 21 September
    2021, the latest I know, MP159 ‘Credit Cover Review’ was in the Refinement Process." """
    if recorded is not None and today - recorded >= PAPER_STALE:
        return f"On {uk_short_date(recorded)}, the latest I know, {ref} ‘{title}’ {_past(phrase)}."
    return f"{ref} ‘{title}’ {phrase}."
