"""Templates chosen by message kind and surface, rendered in a sandboxed Jinja environment."""

from __future__ import annotations

import json
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import FileSystemLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from bot.escaping import escape_canvas, escape_mrkdwn, escape_teams, truncate
from sec.timefmt import go_live_phrase, today, uk_date, uk_datetime, uk_short_date

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def _uk(value: date | datetime | None, style: str = "long") -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return uk_datetime(value)
    return uk_short_date(value) if style == "short" else uk_date(value)


def _go_live(
    day: date, as_of: date | None = None, happened: bool | None = None, cap: bool = False
) -> str:
    """ "goes live on …", "went live on …" or "was due to go live on …", as of the answer."""
    phrase = go_live_phrase(day, as_of or today(), happened=happened)
    return phrase[:1].upper() + phrase[1:] if cap else phrase


def _json_string(value: object) -> str:
    """A JSON string literal, for text placed inside JSON templates (Block Kit, Adaptive Cards)."""
    return json.dumps(str(value), ensure_ascii=False)


@cache
def environment(surface: str) -> SandboxedEnvironment:
    """The environment for one surface: text, slack or teams (JSON templates)."""
    env = SandboxedEnvironment(
        loader=FileSystemLoader(str(TEMPLATES / surface)),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        autoescape=False,
        auto_reload=False,  # templates ship with the code: no stat of each file per render
    )
    env.filters.update(
        uk=_uk,
        mrkdwn=escape_mrkdwn,
        teams=escape_teams,
        canvas=escape_canvas,
        cut=truncate,
        json=_json_string,
        golive=_go_live,
    )
    return env


def render(surface: str, kind: str, **context: Any) -> str:
    """Render the template for a message kind on a surface, e.g. ("text", "status")."""
    suffix = "txt.j2" if surface == "text" else "json.j2"
    template = environment(surface).get_template(f"{kind}.{suffix}")
    return template.render(**context).strip()
