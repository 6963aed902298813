"""Escaping for chat markup lives in sec.markup (pure text functions the worker needs too)."""

from sec.markup import escape_canvas, escape_mrkdwn, escape_teams, truncate

__all__ = ["escape_canvas", "escape_mrkdwn", "escape_teams", "truncate"]
