"""Every model module, imported once, so the metadata (Alembic, create_all) sees every table.

Model modules import ``Base`` from ``storage.base`` and never each other's registry; whoever needs
the whole schema imports this module.
"""

from __future__ import annotations

from storage import (  # noqa: F401  (imported for their tables)
    change_event_models,
    delivery_models,
    fact_models,
    ingest_models,
    models,
    nudge_models,
    receipt_models,
    revision,
    site_models,
    surface_models,
    teams_models,
    tenancy_models,
    tracker_models,
)
from storage.base import Base

metadata = Base.metadata

__all__ = ["Base", "metadata"]
