"""The SECAS website sync: a polite client, discovery, and one pass that applies what it reads.

Entry points build a ``SyncConfig`` from the settings and call ``run_sync``.
"""

from __future__ import annotations

from jobs.sync.config import SyncConfig
from jobs.sync.result import PageOutcome, SyncResult
from jobs.sync.run import run_sync

__all__ = ["PageOutcome", "SyncConfig", "SyncResult", "run_sync"]
