"""Alembic environment: runs against the engine handed in, or DATABASE_URL for the alembic CLI."""

from __future__ import annotations

import os

from alembic import context
from sqlalchemy import Engine

from storage.db import DEFAULT_DATABASE_URL, make_engine
from storage.schema import Base
from storage.search_index import include_object

config = context.config


def _engine() -> Engine:
    engine = config.attributes.get("engine")
    if engine is not None:
        return engine  # type: ignore[no-any-return,unused-ignore]
    return make_engine(os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL))


def run_migrations_online() -> None:
    engine = _engine()
    with engine.begin() as connection:
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
            include_object=include_object,  # the search indexes of 0003 are not in the models
        )
        context.run_migrations()


run_migrations_online()
