"""Alembic environment: runs against the engine handed in (``secbot init`` builds it from the
settings), or, for the alembic CLI, the URL given as ``alembic -x url="$DATABASE_URL" ...``.

It reads no environment itself: configuration is read in one place (bot/settings.py), and
``storage`` cannot import ``bot``.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

from storage.db import make_engine
from storage.schema import Base
from storage.search_index import include_object

config = context.config


def _engine() -> Engine:
    engine = config.attributes.get("engine")
    if engine is not None:
        return engine  # type: ignore[no-any-return,unused-ignore]
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option(
        "sqlalchemy.url"
    )
    if not url:
        raise SystemExit(
            'secbot: no database given: run `secbot init`, or alembic -x url="$DATABASE_URL" ...'
        )
    return make_engine(url)


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
