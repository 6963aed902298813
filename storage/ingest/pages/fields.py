"""Labelled fields in a page's lines, in either layout the site has used.

Newer pages: "Proposer: Jane Doe" on one line, or the label on one line and the value on the
next (a heading, a <dt>/<dd> pair, a bold label over a paragraph). Older pages: a two-column
table, which the text reader gives as "Proposer | Jane Doe".
"""

from __future__ import annotations

import re
from collections.abc import Sequence

# Canonical field -> the labels the site has used for it (compared without case or colon).
LABELS: dict[str, tuple[str, ...]] = {
    "proposer": ("proposer", "proposed by", "proposer organisation"),
    "lead_analyst": ("lead analyst", "secas lead analyst", "analyst", "secas contact"),
    "raised": ("date raised", "raised", "date proposed", "date submitted"),
    "stage": ("stage", "current stage", "status", "modification stage"),
    "implementation": ("implementation date", "target implementation date", "implementation"),
    "latest": ("latest update", "latest updates", "current status", "update"),
    "dcc_impact": ("dcc impact", "dcc impacted", "impacts dcc", "dcc system impact"),
    "path": ("path", "modification path", "governance route"),
}
_LOOKUP = {label: name for name, labels in LABELS.items() for label in labels}
_SPLIT = re.compile(r"^(?P<label>[A-Za-z][A-Za-z /']{1,40}?)\s*(?::|\|)\s*(?P<value>.*)$")
MAX_VALUE = 2000


def _label(text: str) -> str | None:
    return _LOOKUP.get(text.strip().rstrip(":").strip().lower())


def read_fields(lines: Sequence[str]) -> dict[str, str]:
    """Each known field's value (the first one seen wins); empty values are skipped."""
    found: dict[str, str] = {}
    for index, line in enumerate(lines):
        name, value = None, ""
        match = _SPLIT.match(line)
        if match and _label(match.group("label")):
            name, value = _label(match.group("label")), match.group("value").strip(" |")
        elif _label(line):
            name = _label(line)
            following = lines[index + 1] if index + 1 < len(lines) else ""
            value = "" if _label(following) or _is_field_line(following) else following
        if name and value and name not in found:
            found[name] = value[:MAX_VALUE]
    return found


def _is_field_line(line: str) -> bool:
    match = _SPLIT.match(line)
    return bool(match and _label(match.group("label")))
