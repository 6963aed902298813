"""Query functions over the store: keyword-only arguments, one job each, SQLAlchemy 2 style."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from sqlalchemy import ColumnElement, Integer, Select, and_, column, func, or_, select, table, text
from sqlalchemy.orm import Session, selectinload

from sec.references import Ref
from sec.releases import ReleaseMonth, parse_release_month
from sec.vague_dates import Precision, VagueDate
from storage.models import Decision, Milestone, Modification, Release, ScopeEntry, StatusEntry
from storage.search_index import FTS_TABLE, MIN_TRIGRAM, fts_phrase, has_fts

# Rows a search scores at most; the ten best of them are shown.
SEARCH_CANDIDATES = 500


def get_modification(session: Session, *, ref: Ref) -> Modification | None:
    """The modification with this number and letter, whatever prefix was typed."""
    stmt = select(Modification).where(
        Modification.number == ref.number, Modification.letter == ref.letter
    )
    return session.scalar(stmt)


def get_modification_by_slug(session: Session, *, slug: str) -> Modification | None:
    """The modification whose web page has this slug."""
    return session.scalar(select(Modification).where(Modification.slug == slug.strip("/")))


def list_nearby_refs(session: Session, *, number: int, limit: int = 3) -> list[Modification]:
    """Modifications whose numbers are closest to a number that is not in the store."""
    stmt = (
        select(Modification)
        .order_by(func.abs(Modification.number - number), Modification.number)
        .limit(limit)
    )
    return list(session.scalars(stmt))


def list_alternatives(session: Session, *, number: int) -> list[Modification]:
    """All modifications with this number: the original and its lettered alternatives."""
    stmt = select(Modification).where(Modification.number == number).order_by(Modification.letter)
    return list(session.scalars(stmt))


def get_status_as_of(
    session: Session, *, modification: Modification, as_of: date
) -> StatusEntry | None:
    """The latest status entry recorded on or before the day."""
    stmt = (
        select(StatusEntry)
        .where(StatusEntry.modification_id == modification.id, StatusEntry.as_of <= as_of)
        .order_by(StatusEntry.as_of.desc(), StatusEntry.id.desc())
        .limit(1)
    )
    return session.scalar(stmt)


def list_history(session: Session, *, modification: Modification, as_of: date) -> list[StatusEntry]:
    """Status entries known on the day, oldest first, with their documents loaded."""
    stmt = (
        select(StatusEntry)
        .options(selectinload(StatusEntry.document))
        .where(StatusEntry.modification_id == modification.id, StatusEntry.as_of <= as_of)
        .order_by(StatusEntry.as_of, StatusEntry.id)
    )
    return list(session.scalars(stmt))


def list_upcoming_milestones(
    session: Session, *, modification: Modification, as_of: date, limit: int = 5
) -> list[Milestone]:
    """Milestones known on the day whose window has not yet closed, soonest first."""
    stmt = (
        select(Milestone)
        .where(
            Milestone.modification_id == modification.id,
            Milestone.superseded.is_(False),
            or_(Milestone.as_of.is_(None), Milestone.as_of <= as_of),
            Milestone.start >= _month_start(as_of),
        )
        .order_by(Milestone.start, Milestone.id)
    )
    return [m for m in session.scalars(stmt) if _window_end(m) >= as_of][:limit]


def list_open_decisions(
    session: Session,
    *,
    as_of: date,
    modification: Modification | None = None,
    workspace: str | None = None,
) -> list[Decision]:
    """Decisions raised on or before the day and not resolved by then, oldest first; with a
    workspace, those from papers and those its administrators added (not other workspaces')."""
    stmt = (
        select(Decision)
        .options(selectinload(Decision.modification))
        .where(
            Decision.since <= as_of,
            or_(Decision.resolved_on.is_(None), Decision.resolved_on > as_of),
        )
        .order_by(Decision.since, Decision.id)
    )
    if modification is not None:
        stmt = stmt.where(Decision.modification_id == modification.id)
    if workspace is not None:
        stmt = stmt.where(or_(Decision.workspace.is_(None), Decision.workspace == workspace))
    return list(session.scalars(stmt))


def get_release_by_month(session: Session, *, month: ReleaseMonth) -> Release | None:
    """The release going live in that month, or named after it."""
    first = date(month.year, month.month, 1)
    following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    stmt = _release_with_scope().where(
        or_(
            Release.name == month.name,
            and_(Release.go_live >= first, Release.go_live < following),
        )
    )
    return session.scalars(stmt).first()


def get_release_by_name(session: Session, *, name: str) -> Release | None:
    """A release by its stored name, ignoring case and a trailing "SEC Release"."""
    key = re.sub(r"\s*sec\s+release\s*$", "", name.strip(), flags=re.IGNORECASE).lower()
    return session.scalars(_release_with_scope().where(func.lower(Release.name) == key)).first()


def find_release(session: Session, *, text: str) -> Release | None:
    """A release named by month ("Feb 2022", "feb22") or by its stored name."""
    month = parse_release_month(text)
    if month is not None:
        found = get_release_by_month(session, month=month)
        if found is not None:
            return found
    return get_release_by_name(session, name=text) if text.strip() else None


def list_releases(session: Session) -> list[Release]:
    """Every release, by go-live date (undated last)."""
    stmt = select(Release).order_by(Release.go_live.is_(None), Release.go_live, Release.name)
    return list(session.scalars(stmt))


def list_scope_as_of(session: Session, *, release: Release, as_of: date) -> list[ScopeEntry]:
    """The release's scope entries known on the day, in reference order."""
    stmt = (
        select(ScopeEntry)
        .options(selectinload(ScopeEntry.modification))
        .join(ScopeEntry.modification)
        .where(
            ScopeEntry.release_id == release.id,
            or_(ScopeEntry.as_of.is_(None), ScopeEntry.as_of <= as_of),
        )
        .order_by(Modification.number, Modification.letter)
    )
    return list(session.scalars(stmt))


def list_releases_for(session: Session, *, modification: Modification) -> list[ScopeEntry]:
    """The releases a modification is (or was) in scope of."""
    stmt = (
        select(ScopeEntry)
        .options(selectinload(ScopeEntry.release))
        .join(ScopeEntry.release)
        .where(ScopeEntry.modification_id == modification.id)
        .order_by(Release.go_live)
    )
    return list(session.scalars(stmt))


def search_modifications(
    session: Session, *, words: Sequence[str], limit: int = 10
) -> list[tuple[Modification, int]]:
    """Modifications whose title or status mention the words, best matches first."""
    # NUL ends a string for SQLite's LIKE and FTS5 alike; stored text never holds one.
    terms = [t for t in (w.lower().replace("\x00", "") for w in words) if len(t) >= 2]
    if not terms:
        return []
    # Score plain columns of the candidates, then load only the winners as objects.
    stmt = (
        select(
            Modification.id,
            Modification.number,
            Modification.letter,
            Modification.title_key,
            Modification.status,
        )
        .where(_mentioning(session, terms))
        .limit(SEARCH_CANDIDATES)
    )
    patterns = [(term, re.compile(rf"\b{re.escape(term)}\b")) for term in terms]
    scored = [(row, _score(row.title_key, row.status, patterns)) for row in session.execute(stmt)]
    scored = [(row, score) for row, score in scored if score]  # a LIKE quirk is not a mention
    scored.sort(key=lambda pair: (-pair[1], pair[0].number, pair[0].letter))
    best = scored[:limit]
    found = session.scalars(
        select(Modification).where(Modification.id.in_([r.id for r, _ in best]))
    )
    by_id = {mod.id: mod for mod in found}
    return [(by_id[row.id], score) for row, score in best]


def _mentioning(session: Session, terms: Sequence[str]) -> ColumnElement[bool]:
    """Rows whose title or status contain any term.

    PostgreSQL answers these LIKEs from migration 0003's trigram indexes by itself. SQLite needs
    the FTS5 trigram table named explicitly; terms under three characters, and a store without
    that table, fall back to scanning.
    """
    status_key = func.lower(func.coalesce(Modification.status, ""))
    scans = {
        term: or_(
            Modification.title_key.contains(term, autoescape=True),
            status_key.contains(term, autoescape=True),
        )
        for term in terms
    }
    if not has_fts(session):
        return or_(*scans.values())
    indexed = [term for term in terms if len(term) >= MIN_TRIGRAM]
    clauses = [scan for term, scan in scans.items() if len(term) < MIN_TRIGRAM]
    if indexed:
        found: Select[int] = (
            select(column("rowid", Integer))
            .select_from(table(FTS_TABLE))
            .where(text(f"{FTS_TABLE} MATCH :query"))
        )
        query = " OR ".join(fts_phrase(term) for term in indexed)
        clauses.append(Modification.id.in_(found.params(query=query)))
    return or_(*clauses)


def _score(title: str, status: str | None, patterns: Sequence[tuple[str, re.Pattern[str]]]) -> int:
    """Title hits count three times a status hit; whole-word hits count double."""
    status = (status or "").lower()
    score = 0
    for term, word in patterns:
        score += 6 if word.search(title) else 3 if term in title else 0
        score += 2 if word.search(status) else 1 if term in status else 0
    return score


def _release_with_scope() -> Select[Release]:
    return select(Release).options(
        selectinload(Release.scope).selectinload(ScopeEntry.modification)
    )


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _window_end(milestone: Milestone) -> date:
    """The last day a milestone's precision allows."""
    return VagueDate(milestone.start, Precision(milestone.precision)).end


# ---------------------------------------------------------------- structured lists (bot list)


def list_modifications(session: Session) -> list[Modification]:
    """Every modification in reference order, with its target release loaded."""
    stmt = (
        select(Modification)
        .options(selectinload(Modification.target_release))
        .order_by(Modification.number, Modification.letter)
    )
    return list(session.scalars(stmt))


def latest_status_by_modification(session: Session, *, as_of: date) -> dict[int, StatusEntry]:
    """Each modification's latest status entry recorded on or before the day."""
    stmt = (
        select(StatusEntry)
        .where(StatusEntry.as_of <= as_of)
        .order_by(StatusEntry.as_of, StatusEntry.id)
    )
    return {entry.modification_id: entry for entry in session.scalars(stmt)}


def list_scope_entries_as_of(session: Session, *, as_of: date) -> list[ScopeEntry]:
    """Every scope entry of every release known on the day, releases and modifications loaded."""
    stmt = (
        select(ScopeEntry)
        .options(selectinload(ScopeEntry.release), selectinload(ScopeEntry.modification))
        .where(or_(ScopeEntry.as_of.is_(None), ScopeEntry.as_of <= as_of))
        .order_by(ScopeEntry.id)
    )
    return list(session.scalars(stmt))


def list_milestones_known(
    session: Session, *, as_of: date, start: date | None = None, end: date | None = None
) -> list[Milestone]:
    """Milestones known on the day (not superseded), optionally starting within [start, end]."""
    stmt = (
        select(Milestone)
        .options(selectinload(Milestone.modification))
        .where(
            Milestone.superseded.is_(False),
            or_(Milestone.as_of.is_(None), Milestone.as_of <= as_of),
        )
        .order_by(Milestone.start, Milestone.id)
    )
    if start is not None:
        stmt = stmt.where(Milestone.start >= _month_start(start))
    if end is not None:
        stmt = stmt.where(Milestone.start <= end)
    return list(session.scalars(stmt))


def list_latest_passed_milestones(
    session: Session, *, modification: Modification, as_of: date
) -> list[Milestone]:
    """Per kind, the latest milestone known on the day whose window has closed, when no later
    one of that kind is known: the latest plan, which people still need to see."""
    known = [
        m
        for m in list_milestones_known(session, as_of=as_of)
        if m.modification_id == modification.id
    ]
    latest: dict[str, Milestone] = {}
    for milestone in known:
        latest[milestone.kind] = milestone  # ordered by start: the last one wins
    return [m for m in latest.values() if _window_end(m) < as_of]


def list_title_index(session: Session) -> list[tuple[str, str]]:
    """(reference, title) of every modification, for fuzzy matching of loose references."""
    stmt = select(Modification.ref, Modification.title).order_by(
        Modification.number, Modification.letter
    )
    return [(ref, title) for ref, title in session.execute(stmt)]


def list_proposers(session: Session) -> list[str]:
    """The distinct proposers on record."""
    stmt = select(Modification.proposer).where(Modification.proposer.is_not(None)).distinct()
    return sorted(p for p in session.scalars(stmt) if p)


def list_release_months(session: Session) -> list[tuple[int, int]]:
    """(year, month) of every dated release."""
    stmt = select(Release.go_live).where(Release.go_live.is_not(None))
    return sorted({(d.year, d.month) for d in session.scalars(stmt) if d})


def milestone_window_end(milestone: Milestone) -> date:
    """The last day a milestone's precision allows ("May 2019" ends on 31 May 2019)."""
    return _window_end(milestone)
