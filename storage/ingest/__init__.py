"""Reading SECAS papers and pages into a reviewable change set.

``read_document`` turns a file (text, PDF, Word, saved web page) into a ``SourceText``;
``extract`` turns that into a ``ChangeSet`` of facts, each with where it was found. Nothing here
writes to the database: applying a change set is a separate step.
"""

from __future__ import annotations

from storage.ingest.changeset import (
    ChangeSet,
    Decision,
    Document,
    Milestone,
    Modification,
    PartialScope,
    Release,
    ReleaseNote,
    SourcePos,
)
from storage.ingest.extract import extract, extract_path
from storage.ingest.readers import SourceText, UnreadableDocument, read_document, source_from_text

__all__ = [
    "ChangeSet",
    "Decision",
    "Document",
    "Milestone",
    "Modification",
    "PartialScope",
    "Release",
    "ReleaseNote",
    "SourcePos",
    "SourceText",
    "UnreadableDocument",
    "extract",
    "extract_path",
    "read_document",
    "source_from_text",
]
