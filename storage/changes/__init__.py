"""Apply change sets to the store (papers, web pages, the sample data, administrators' entries).

``apply_changeset`` is the one way facts are written; ``Change`` lines report what it did, and the
ones with an ``event`` (one of ``EVENT_KINDS``) are what people are told of.
"""

from __future__ import annotations

from storage.changes.apply import apply_changeset, document_as_of
from storage.changes.report import (
    ADD,
    CONFLICT,
    EVENT_KINDS,
    KEEP,
    UPDATE,
    Change,
    ChangeReport,
    slugify,
)

__all__ = [
    "ADD",
    "CONFLICT",
    "EVENT_KINDS",
    "KEEP",
    "UPDATE",
    "Change",
    "ChangeReport",
    "apply_changeset",
    "document_as_of",
    "slugify",
]
