"""Fault drills: quick by default (CI: ``make drills``), long with ``SECBOT_DRILLS=long``.

Every file here sets ``pytestmark = pytest.mark.drill``, so ``make test`` (``-m "not drill"``)
leaves them out. Long mode runs more rounds, more recipients and the drills that disturb other
users of the machine (restarting PostgreSQL).
"""

from __future__ import annotations

import os

import pytest

# The Slack app's fixtures (fake Web API, a private sample store), for the web drills.
from tests.bot.slack.conftest import fake_slack, sample_sqlite, store  # noqa: F401

LONG = os.environ.get("SECBOT_DRILLS", "quick").lower() == "long"


def rounds(quick: int, long: int) -> int:
    """How many times a drill repeats in the current mode."""
    return long if LONG else quick


long_only = pytest.mark.skipif(not LONG, reason="long drill: run with SECBOT_DRILLS=long")
