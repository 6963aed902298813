"""Shared helpers for the ingestion tests: the seed papers (skipped when absent, failed in CI)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from bench.ingest_accuracy import seeds_dir
from storage.ingest import ChangeSet, SourceText, extract, read_document
from tests.conftest import require_seeds

FIXTURES = Path(__file__).parent / "fixtures"


def seed_path(prefix: str) -> Path:
    """The seed paper whose file name starts with prefix; skips the test when it is missing,
    fails it in CI (tests.conftest.require_seeds)."""
    folder = seeds_dir()
    found = sorted(folder.glob(f"{prefix}_*.txt")) if folder.is_dir() else []
    if not found:
        require_seeds(folder / f"{prefix}_*.txt")
    return found[0]


@lru_cache(maxsize=8)
def _read(path: Path) -> tuple[SourceText, ChangeSet]:
    source = read_document(path)
    return source, extract(source)


def seed(prefix: str) -> tuple[SourceText, ChangeSet]:
    """The seed paper's SourceText and its (cached) change set."""
    return _read(seed_path(prefix))
