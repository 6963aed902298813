"""The stage a dated timeline line speaks of, read as a person would ("Present to Change Board")."""

from __future__ import annotations

import re

from sec.lifecycle import Stage

# Most decisive first: "approved at the Change Board" is an approval, not a Change Board wait.
_WORDS: tuple[tuple[str, Stage], ...] = (
    (r"\bwithdr[ae]wn?\b", Stage.WITHDRAWN),
    (r"\bimplemented\b|\bwent live\b", Stage.IMPLEMENTED),
    (r"\brejected\b", Stage.REJECTED),
    (r"\bapproved?\b", Stage.APPROVED),
    (r"\bon hold\b|\bpaused\b", Stage.ON_HOLD),
    (r"\b(authority|ofgem|beis)\b", Stage.AUTHORITY),
    (r"\bchange board\b", Stage.CHANGE_BOARD),
    (r"\bmodification report\b|\breport phase\b", Stage.REPORT),
    (r"\bworking group\b|\brefinement\b|\bassessment\b|\bconsultation\b", Stage.REFINEMENT),
    (r"\bdraft proposal\b|\bdevelopment stage\b", Stage.DRAFT),
    (r"\bmodification proposal raised\b|\bconverted\b", Stage.SUBMITTED),
)


def timeline_stage(text: str, *, earlier: Stage | None, ref: str) -> Stage:
    """The stage a timeline line names; else the stage known before it; else just raised."""
    lowered = text.lower()
    for pattern, stage in _WORDS:
        if re.search(pattern, lowered):
            return stage
    if earlier is not None:
        return earlier
    return Stage.DRAFT if ref.upper().startswith("DP") else Stage.SUBMITTED
