"""Check an Adaptive Card (as JSON data) against the microsoft-teams-cards models and version 1.5.

The models describe every element Teams knows today, newer than 1.5 too, and accept unknown
properties; so the check adds what they leave out: each element's type must exist in the
version the card declares (1.5), and each property must be one the element's model defines.
"""

from __future__ import annotations

import inspect
from functools import cache
from typing import Any

from microsoft_teams.cards import core
from pydantic import BaseModel, ValidationError

CARD_VERSION = "1.5"

# Element and action types of Adaptive Cards 1.5 (the schema Teams renders on every client).
TYPES_1_5 = frozenset(
    {
        "AdaptiveCard",
        "TextBlock",
        "RichTextBlock",
        "TextRun",
        "Image",
        "ImageSet",
        "Media",
        "Container",
        "ColumnSet",
        "Column",
        "FactSet",
        "ActionSet",
        "Table",
        "TableRow",
        "TableCell",
        "Input.Text",
        "Input.Number",
        "Input.Date",
        "Input.Time",
        "Input.Toggle",
        "Input.ChoiceSet",
        "Action.OpenUrl",
        "Action.Submit",
        "Action.ShowCard",
        "Action.ToggleVisibility",
        "Action.Execute",
    }
)
# Properties that are part of the JSON format rather than of a model field.
_EXTRA_KEYS = {"AdaptiveCard": {"$schema"}}
# What the 1.5 schema requires; the SDK models make every property optional.
_REQUIRED = {
    "TextBlock": ("text",),
    "TextRun": ("text",),
    "RichTextBlock": ("inlines",),
    "Image": ("url",),
    "ImageSet": ("images",),
    "Media": ("sources",),
    "FactSet": ("facts",),
    "Container": ("items",),
    "ActionSet": ("actions",),
    "Action.OpenUrl": ("url",),
    "Action.ShowCard": ("card",),
    "Action.ToggleVisibility": ("targetElements",),
    "Input.Text": ("id",),
    "Input.Number": ("id",),
    "Input.Date": ("id",),
    "Input.Time": ("id",),
    "Input.Toggle": ("id", "title"),
    "Input.ChoiceSet": ("id",),
}


@cache
def _registry() -> dict[str, type[BaseModel]]:
    """Element type name ("TextBlock") -> its model class, from microsoft_teams.cards.core."""
    found: dict[str, type[BaseModel]] = {}
    for _, cls in inspect.getmembers(core, inspect.isclass):
        if not issubclass(cls, BaseModel) or "type" not in cls.model_fields:
            continue
        default = cls.model_fields["type"].default
        if isinstance(default, str) and issubclass(cls, (core.CardElement, core.Action)):
            found.setdefault(default, cls)
    return found


@cache
def _property_names(cls: type[BaseModel]) -> frozenset[str]:
    """The JSON property names a model defines (camelCase, as the card is written)."""
    names = set()
    for name, field in cls.model_fields.items():
        names.add(field.serialization_alias or field.alias or name)
    return frozenset(names)


def card_problems(card: dict[str, Any]) -> list[str]:
    """Everything wrong with a card, as readable lines; empty when it is valid."""
    problems: list[str] = []
    if card.get("type") != "AdaptiveCard":
        problems.append("$: the root must be an AdaptiveCard")
    if card.get("version") != CARD_VERSION:
        problems.append(f"$: version must be {CARD_VERSION!r}, not {card.get('version')!r}")
    _check(card, "$", problems)
    return problems


def _check(element: dict[str, Any], path: str, problems: list[str]) -> None:
    kind = element.get("type")
    cls = _registry().get(kind) if isinstance(kind, str) else None
    if cls is None or kind not in TYPES_1_5:
        problems.append(f"{path}: {kind!r} is not an Adaptive Card {CARD_VERSION} element")
        return
    allowed = _property_names(cls) | _EXTRA_KEYS.get(str(kind), set())
    problems.extend(
        f"{path}: {kind} has no property {key!r}" for key in element if key not in allowed
    )
    problems.extend(
        f"{path}: {kind} needs {key!r}"
        for key in _REQUIRED.get(str(kind), ())
        if element.get(key) in (None, "", [])
    )
    if kind == "FactSet":
        problems.extend(
            f"{path}.facts[{i}]: a fact needs a title and a value"
            for i, fact in enumerate(element.get("facts") or [])
            if not isinstance(fact, dict) or "title" not in fact or "value" not in fact
        )
    try:
        cls.model_validate(element)
    except ValidationError as error:
        for detail in error.errors():
            where = ".".join(str(part) for part in detail["loc"])
            problems.append(f"{path}.{where}: {detail['msg']}")
    for key, value in element.items():
        for index, child in _children(value):
            _check(child, f"{path}.{key}{index}", problems)


def _children(value: Any) -> list[tuple[str, dict[str, Any]]]:
    """Nested elements and actions: a typed object, or a list of them (not data payloads)."""
    if isinstance(value, dict) and isinstance(value.get("type"), str):
        return [("", value)]
    if isinstance(value, list):
        return [
            (f"[{i}]", item)
            for i, item in enumerate(value)
            if isinstance(item, dict) and isinstance(item.get("type"), str)
        ]
    return []
