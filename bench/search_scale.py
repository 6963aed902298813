"""Search time against the store's size: 1,000, 10,000 and 100,000 modifications.

Two kinds of question: a selective one (words only the sample's titles have, so the matches stay
the same at any size) and common ones (words of the generated titles, whose matches grow with
the store until the 500-candidate cap). Each is timed through ``search_modifications`` (the
indexes of migration 0003) and through the scan it replaced (the same LIKEs with the indexes
out of play: on SQLite the old query, which cannot use FTS5; on PostgreSQL the same query with
index scans turned off for the transaction). Median of several runs, in milliseconds.
"""

from __future__ import annotations

import re
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import func, or_, select, text
from sqlalchemy.orm import Session

from storage.db import make_engine, session_factory
from storage.models import Modification
from storage.queries import search_modifications

SELECTIVE = (["quarantined"], ["firmware", "library"], ["diagnostics"])
COMMON = (["tariff"], ["heat", "pump"], ["security", "review"])
REPEAT = 7


@dataclass(frozen=True)
class SearchTiming:
    backend: str
    size: int
    selective_ms: float
    common_ms: float
    scan_selective_ms: float
    scan_common_ms: float


def scan_search(session: Session, words: Sequence[str], limit: int = 10) -> list[Modification]:
    """The search before migration 0003: LIKE '%term%' over every row, then score in Python."""
    terms = [w.lower() for w in words if len(w) >= 2]
    status_key = func.lower(func.coalesce(Modification.status, ""))
    matches = [
        or_(
            Modification.title_key.contains(t, autoescape=True),
            status_key.contains(t, autoescape=True),
        )
        for t in terms
    ]
    found = list(session.scalars(select(Modification).where(or_(*matches)).limit(500)))
    patterns = [re.compile(rf"\b{re.escape(t)}\b") for t in terms]
    scores = {m.id: sum(6 if p.search(m.title_key) else 0 for p in patterns) for m in found}
    return sorted(found, key=lambda m: -scores[m.id])[:limit]


def _median_ms(session: Session, queries: Sequence[list[str]], search: Callable) -> float:
    times = []
    for _ in range(REPEAT):
        for words in queries:
            started = time.perf_counter()
            search(session, words)
            times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def _indexed(session: Session, words: list[str]) -> object:
    return search_modifications(session, words=words)


def measure(database_url: str, backend: str, size: int) -> SearchTiming:
    engine = make_engine(database_url)
    try:
        with session_factory(engine)() as session:
            _median_ms(session, SELECTIVE, _indexed)  # warm the caches
            selective = _median_ms(session, SELECTIVE, _indexed)
            common = _median_ms(session, COMMON, _indexed)
            if backend == "postgres":
                session.execute(text("SET LOCAL enable_bitmapscan = off"))
                session.execute(text("SET LOCAL enable_indexscan = off"))
            scan_selective = _median_ms(session, SELECTIVE, scan_search)
            scan_common = _median_ms(session, COMMON, scan_search)
            session.rollback()
    finally:
        engine.dispose()
    return SearchTiming(backend, size, selective, common, scan_selective, scan_common)


def growth(timings: Sequence[SearchTiming], field: str) -> float:
    """How many times slower the largest store answers than the smallest (100x the rows)."""
    ordered = sorted(timings, key=lambda t: t.size)
    return float(getattr(ordered[-1], field)) / max(float(getattr(ordered[0], field)), 1e-6)
