"""`secbot calendar` and the calendar answers from the command line, with and without --as-of.

Without --as-of the day is today in London, so these tests freeze the clock around the DST
changes (a UTC date is not a London date near midnight) and over the Christmas fortnight.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import icalendar
import pytest
from freezegun import freeze_time
from typer.testing import CliRunner

from bot.cli import app
from sec.workdays import WorkingCalendar
from storage.db import make_engine, session_factory, transaction
from storage.sample import load_sample
from storage.schema import Base
from tests.conftest import database_url_for, drop_test_engine, make_test_engine

# --- in process, clock frozen -----------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A SQLite file with the sample data, for commands run in this process."""
    url = f"sqlite:///{tmp_path_factory.mktemp('cli') / 'secbot.db'}"
    engine = make_engine(url)
    Base.metadata.create_all(engine)
    with transaction(session_factory(engine)) as session:
        load_sample(session)
    engine.dispose()
    return url


@pytest.fixture
def run(sample_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    monkeypatch.setenv("DATABASE_URL", sample_url)
    monkeypatch.delenv("SECBOT_ADMINS", raising=False)
    yield CliRunner()


@pytest.mark.parametrize(
    ("instant", "london_day", "next_wg"),
    [
        # Clocks go forward at 01:00 UTC on Sunday 31 March 2019.
        ("2019-03-31 00:30:00", "Sunday 31 March 2019", "Working Group: Wednesday 3 April 2019"),
        ("2019-03-31 12:00:00", "Sunday 31 March 2019", "Working Group: Wednesday 3 April 2019"),
        # 23:30 UTC is already 00:30 on Monday 1 April in London.
        ("2019-03-31 23:30:00", "Monday 1 April 2019", "Working Group: Wednesday 3 April 2019"),
        # Clocks go back at 01:00 UTC on Sunday 27 October 2019; before that London is UTC+1.
        (
            "2019-10-26 23:30:00",
            "Sunday 27 October 2019",
            "Working Group: Wednesday 6 November 2019",
        ),
        (
            "2019-10-27 00:30:00",
            "Sunday 27 October 2019",
            "Working Group: Wednesday 6 November 2019",
        ),
        (
            "2019-10-27 23:30:00",
            "Sunday 27 October 2019",
            "Working Group: Wednesday 6 November 2019",
        ),
    ],
)
def test_meetings_next_without_as_of_uses_the_london_day(
    run: CliRunner, instant: str, london_day: str, next_wg: str
) -> None:
    with freeze_time(instant):
        result = run.invoke(app, ["ask", "meetings next"])
    assert result.exit_code == 0, result.output
    assert f"on or after {london_day}" in result.output
    assert next_wg in result.output


def test_meetings_next_around_the_october_change(run: CliRunner) -> None:
    with freeze_time("2019-10-27 12:00:00"):
        result = run.invoke(app, ["ask", "meetings next"])
    assert "Change Sub-Committee: Tuesday 29 October 2019" in result.output
    assert "Change Board: Wednesday 30 October 2019" in result.output
    assert "SEC Panel: Friday 15 November 2019 (date from a paper" in result.output


def test_deadlines_over_the_christmas_fortnight(run: CliRunner) -> None:
    with freeze_time("2019-12-20 09:00:00"):
        result = run.invoke(app, ["ask", "deadlines until 10 January 2020"])
    out = result.output
    assert result.exit_code == 0, out
    assert "from Friday 20 December 2019 to Friday 10 January 2020" in out
    # New Year's Day moves the January Working Group to the 8th; its agenda closes before
    # Christmas and its papers on New Year's Eve.
    assert (
        "Friday 20 December 2019: Working Group agenda confirmed "
        "(for the meeting on Wednesday 8 January 2020)"
    ) in out
    assert "Tuesday 31 December 2019: Working Group papers published" in out
    assert "Friday 10 January 2020: SEC Panel papers published" in out
    for holiday in ("25 December 2019", "26 December 2019", "1 January 2020"):
        assert holiday not in out


def test_meetings_over_christmas(run: CliRunner) -> None:
    with freeze_time("2019-12-16 10:00:00"):
        result = run.invoke(app, ["ask", "meetings"])
    out = result.output
    # The last Wednesday, Christmas Day, is not a Working Day: the Change Board meets a week
    # earlier and stays in December.
    assert "Change Board: Wednesday 18 December 2019" in out
    assert "Change Sub-Committee: Tuesday 31 December 2019" in out
    assert "Working Group: Wednesday 8 January 2020" in out
    assert "25 December" not in out and "1 January 2020" not in out


def test_ask_meetings_as_of_the_march_2019_paper(run: CliRunner) -> None:
    nxt = run.invoke(app, ["ask", "--as-of", "2019-03-08", "meetings next"])
    assert nxt.exit_code == 0, nxt.output
    assert "Working Group: Wednesday 3 April 2019" in nxt.output
    assert "Agenda confirmed by Wednesday 20 March 2019" in nxt.output
    assert "Papers published by Wednesday 27 March 2019" in nxt.output
    may = run.invoke(app, ["ask", "--as-of", "2019-03-08", "meetings May 2019"])
    assert "Working Group: Wednesday 1 May 2019" in may.output
    assert "Agenda confirmed by Monday 15 April 2019" in may.output
    unknown = run.invoke(app, ["ask", "--as-of", "2019-03-08", "deadlines sometime"])
    assert unknown.exit_code == 1 and "Try:" in unknown.output


def test_calendar_listing_defaults_to_a_window_around_today(run: CliRunner) -> None:
    with freeze_time("2019-12-24 12:00:00"):
        result = run.invoke(app, ["calendar"])
    assert result.exit_code == 0, result.output
    assert "Tuesday 24 September 2019 to Thursday 24 December 2020" in result.output
    assert "Wednesday 18 December 2019" in result.output and "10:00-12:00  Change Board" in (
        result.output
    )


def test_calendar_rejects_a_bad_window(run: CliRunner) -> None:
    bad = run.invoke(app, ["calendar", "--from", "2019-06-01", "--to", "2019-05-01"])
    assert bad.exit_code == 2
    unreadable = run.invoke(app, ["calendar", "--from", "someday"])
    assert unreadable.exit_code == 2


# --- real processes, both backends ------------------------------------------------------------


@pytest.fixture
def database_url(backend: str, tmp_path: Path) -> Iterator[str]:
    """A store with the sample data that a subprocess can reach (schema made in process)."""
    engine, schema = make_test_engine(backend, tmp_path)
    Base.metadata.create_all(engine)
    with transaction(session_factory(engine)) as session:
        load_sample(session)
    yield database_url_for(engine, schema)
    drop_test_engine(engine, schema)


def secbot(
    database_url: str, *args: str, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database_url}
    env.pop("SECBOT_ADMINS", None)
    return subprocess.run(
        [sys.executable, "-c", "from bot.cli import main; main()", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        cwd=cwd,
    )


def test_calendar_ics_is_readable_and_repeatable(database_url: str, tmp_path: Path) -> None:
    window = ("--from", "2019-03-01", "--to", "2019-06-30")
    first = secbot(database_url, "calendar", *window, "--ics", "one.ics", cwd=tmp_path)
    second = secbot(database_url, "calendar", *window, "--ics", "two.ics", cwd=tmp_path)
    assert first.returncode == 0 and second.returncode == 0, first.stderr
    assert "Wrote" in first.stdout and "SECMP0010: DCC Preliminary Assessment due" in first.stdout
    data = (tmp_path / "one.ics").read_bytes()
    assert data == (tmp_path / "two.ics").read_bytes()

    events = {str(e["uid"]): e for e in icalendar.Calendar.from_ical(data).walk("VEVENT")}
    wg = events["wg-2019-04@secbot"]
    assert wg.decoded("dtstart").isoformat() == "2019-04-03T10:00:00+01:00"
    assert wg["dtstart"].params["TZID"] == "Europe/London"
    assert events["wg-2019-04-agenda@secbot"].decoded("dtstart") == date(2019, 3, 20)
    assert events["wg-2019-04-papers@secbot"].decoded("dtstart") == date(2019, 3, 27)
    assert events["wg-2019-03-20-extra@secbot"]["summary"] == "Working Group (ad hoc)"
    # The Panel in GMT (15 March) and in BST (26 April) both start at 10:00 London time.
    assert events["panel-2019-03@secbot"].decoded("dtstart").isoformat().endswith("10:00:00+00:00")
    assert events["panel-2019-04@secbot"].decoded("dtstart").isoformat().endswith("10:00:00+01:00")
    working = WorkingCalendar()
    all_day = [e.decoded("dtstart") for e in events.values() if "-agenda@" in str(e["uid"])]
    assert all_day and all(working.is_working_day(d) for d in all_day)
