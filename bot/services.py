"""The application's parts, built once from settings and handed to every surface."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.router import Router, build_router
from bot.settings import Settings, load_settings
from storage.db import make_engine, session_factory


@dataclass
class Services:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    router: Router


def build_services(settings: Settings | None = None) -> Services:
    """The parts, from the entry point's settings (loaded from the environment if none)."""
    settings = settings or load_settings()
    engine = make_engine(settings.database.url)
    sessions = session_factory(engine)
    return Services(settings, engine, sessions, build_router(sessions))
