"""Consultation and SEC version news pages read into change sets (pure parsing)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from hypothesis import given
from hypothesis import strategies as st

from storage.ingest.pages.news import read_news
from storage.ingest.pages.other import read_consultation

URL = "https://site.test/news/sec-version-5-5/"
AT = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def test_a_version_page_names_its_number_day_and_modifications() -> None:
    reading = read_news(
        (
            "SEC Version 5.5 came into effect on 4 November 2021 with the November 2021 SEC "
            "Release.",
            "It implements MP104 'Security Improvements' and MP121.",
        ),
        "SEC Version 5.5 now in effect",
        url=URL,
        fetched_at=AT,
    )
    assert reading.changes is not None
    [version] = reading.changes.sec_versions
    assert (version.number, version.effective) == ("5.5", date(2021, 11, 4))
    assert version.implements == ("MP104", "MP121")
    assert reading.changes.documents[0].url == URL


def test_ordinary_news_changes_nothing() -> None:
    reading = read_news(("Our offices close for Christmas.",), "Holidays", url=URL, fetched_at=AT)
    assert reading.changes is None and reading.problems == ()
    undated = read_news(("SEC Version 6.0 is coming.",), "Version 6.0", url=URL, fetched_at=AT)
    assert undated.changes is None and undated.problems == ("no date of effect",)


def test_a_consultation_page_is_a_consultation_change_set() -> None:
    reading = read_consultation(
        (
            "This consultation opened on 20 November 2026.",
            "Responses are due by 18 December 2026.",
            "Please respond to secas@example.org using the response form.",
            "It concerns MP159.",
        ),
        "Credit cover consultation",
        url="https://site.test/consultations/credit-cover/",
        fetched_at=AT,
    )
    assert reading.changes is not None
    [item] = reading.changes.consultations
    assert (item.closes, item.opens, item.ref) == (date(2026, 12, 18), date(2026, 11, 20), "MP159")
    assert item.respond_to == "secas@example.org"
    assert item.how is not None and "response form" in item.how


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)))
def test_any_closing_day_written_out_is_read_back(day: date) -> None:
    line = f"This consultation closes on {day.day} {day:%B %Y} at 17:00."
    reading = read_consultation((line,), "A consultation", url=URL, fetched_at=AT)
    assert reading.changes is not None and reading.changes.consultations[0].closes == day
