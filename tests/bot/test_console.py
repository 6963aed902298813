from __future__ import annotations

import io
from datetime import date

from sqlalchemy.orm import Session, sessionmaker

from bot.console import run_console
from bot.router import build_router
from bot.services import Services
from bot.settings import Settings


def test_console_answers_each_line_until_quit(loaded: sessionmaker[Session]) -> None:
    engine = loaded.kw["bind"]
    services = Services(Settings(), engine, loaded, build_router(loaded))
    out = io.StringIO()
    run_console(
        services,
        as_of=date(2021, 9, 22),
        stdin=io.StringIO("status MP159\n\nrelease feb22\nquit\nstatus MP107\n"),
        stdout=out,
    )
    text = out.getvalue()
    assert "Credit Cover Review" in text
    assert "February 2022 SEC Release: goes live" in text
    assert "SMETS1 Validation" not in text  # nothing after quit is answered
