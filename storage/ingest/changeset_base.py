"""What every change-set item shares: where it was read, and the JSON helpers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

Json = dict[str, Any]


def iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def given(**fields: Any) -> Json:
    """The optional fields that are set, so a paper's change set keeps its short shape."""
    return {key: value for key, value in fields.items() if value is not None}


@dataclass(frozen=True)
class SourcePos:
    """Where a fact was read: page and line, counted from 1."""

    page: int
    line: int

    def to_json(self) -> Json:
        return {"page": self.page, "line": self.line}

    @classmethod
    def from_json(cls, data: Json | None) -> SourcePos:
        data = data or {}
        return cls(page=int(data.get("page", 1)), line=int(data.get("line", 1)))
