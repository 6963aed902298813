"""The page readers: both layouts, headings without a reference, inferred stages, release pages,
drift (a page without its fields), and property tests for the field and date readers."""

from __future__ import annotations

from datetime import UTC, date, datetime

from hypothesis import given
from hypothesis import strategies as st

from sec.lifecycle import MilestoneKind, Stage
from storage.ingest.pages import classify_url, read_html, read_page
from storage.ingest.pages.dates import find_day, parse_day, parse_implementation
from storage.ingest.pages.fields import read_fields
from tests.fakes.secas_site import MAINTENANCE, modification_page, release_page

AT = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
SITE = "https://example.test"


def read(kind: str, markup: str, path: str, known: dict[str, str] | None = None):
    return read_page(kind, read_html(markup), url=SITE + path, fetched_at=AT, known=known or {})


def implemented_page(layout: str) -> str:
    return modification_page(
        "MP099 Incorporation of multiple Issue Resolution Proposals into the SEC - Batch 4",
        proposer="SECAS",
        analyst="Sam Analyst",
        raised="12/12/2019",
        stage="Implemented",
        implementation="29/11/2020 (Nov 20 SEC Release)",
        latest="This modification was implemented on 29 November 2020 as part of the November "
        "2020 SEC Release.",
        timeline=[
            ("12 Dec 2019", "Draft Proposal raised"),
            ("03 Mar 2020", "Present to Working Group"),
        ],
        layout=layout,
    )


def test_labelled_and_table_layouts_read_the_same_facts() -> None:
    mods = [
        read(
            "modification", implemented_page(layout), "/modifications/batch-4/"
        ).changes.modifications[0]
        for layout in ("fields", "table")
    ]
    assert mods[0] == mods[1]
    mod = mods[0]
    assert (mod.ref, mod.title) == (
        "MP099",
        "Incorporation of multiple Issue Resolution Proposals into the SEC - Batch 4",
    )
    assert (mod.proposer, mod.lead_analyst, mod.raised_on) == (
        "SECAS",
        "Sam Analyst",
        date(2019, 12, 12),
    )
    assert mod.stage is Stage.IMPLEMENTED and not mod.stage_inferred
    assert (mod.implementation_date, mod.release) == (date(2020, 11, 29), "November 2020")
    assert mod.as_of == date(2020, 11, 29)
    assert [(h.date, h.text) for h in mod.history] == [
        (date(2019, 12, 12), "Draft Proposal raised"),
        (date(2020, 3, 3), "Present to Working Group"),
    ]


def test_no_stage_is_inferred_from_the_latest_update() -> None:
    markup = modification_page(
        "MP121 Commissioning devices",
        proposer="A Supplier",
        latest="The Modification Proposal was withdrawn by the Proposer on 9 June 2021.",
    )
    mod = read("modification", markup, "/modifications/x/").changes.modifications[0]
    assert (mod.stage, mod.stage_inferred, mod.as_of) == (Stage.WITHDRAWN, True, date(2021, 6, 9))


def test_a_heading_without_a_reference_is_matched_by_slug_or_title() -> None:
    markup = modification_page(
        "Credit Cover Review", proposer="Example Energy", stage="Report Phase"
    )
    by_slug = read(
        "modification",
        markup,
        "/modifications/credit-cover-review/",
        {"credit-cover-review": "MP159"},
    )
    by_title = read(
        "modification", markup, "/modifications/other/", {"credit cover review": "MP159"}
    )
    unknown = read("modification", markup, "/modifications/other/")
    assert by_slug.changes.modifications[0].ref == "MP159"
    assert by_title.changes.modifications[0].stage is Stage.REPORT
    assert unknown.changes is None and "no known match" in unknown.problems[0]


def test_future_timeline_steps_become_milestones() -> None:
    markup = modification_page(
        "DP190 Registration flows",
        stage="Development Stage",
        timeline=[
            ("05 Oct 2026", "Draft Proposal raised"),
            ("13 Jan 2027", "Present to Working Group"),
        ],
    )
    changes = read("modification", markup, "/modifications/dp/").changes
    assert changes.modifications[0].stage is Stage.DRAFT
    assert [(m.kind, m.date.start) for m in changes.milestones] == [
        (MilestoneKind.WORKING_GROUP, date(2027, 1, 13))
    ]


def test_a_maintenance_page_yields_nothing() -> None:
    for kind, path in (
        ("modification", "/modifications/x/"),
        ("release", "/june-2022-sec-release/"),
    ):
        reading = read(kind, MAINTENANCE, path)
        assert reading.changes is None and reading.problems


def test_release_page_go_live_scope_and_notes() -> None:
    markup = release_page(
        "November 2020",
        "The November 2020 SEC Release is due to go live on 29 November 2020.",
        [
            "MP081 'Alignment of DUIS and CHISM' – Approved",
            "MP099 'Batch 4' – Implemented",
            "MP104 'Security' – removed from this release",
        ],
        [
            "The scope was baselined by the Panel on 14 May 2020.",
            "The go-live date was moved from 5 November 2020 to 29 November 2020.",
        ],
    )
    reading = read("release", markup, "/november-2020-sec-release/")
    release = reading.changes.releases[0]
    assert (release.name, release.date) == ("November 2020", date(2020, 11, 29))
    assert (release.in_scope, release.removed) == (("MP081", "MP099"), ("MP104",))
    assert [n.date.start for n in release.baselining] == [date(2020, 5, 14), date(2020, 11, 5)]
    assert "MP081 approved" in reading.summary and "MP099 implemented" in reading.summary


def test_went_live_sentence() -> None:
    markup = release_page("November 2019", "The release went live on 29 November 2019.", [])
    assert read("release", markup, "/november-2019-sec-release/").changes.releases[0].date == date(
        2019, 11, 29
    )


def test_implementation_forms() -> None:
    assert parse_implementation("3 November 2022").day == date(2022, 11, 3)
    targeted = parse_implementation("Targeted for Jun 21 SEC Release")
    assert (targeted.day, targeted.release) == (None, "June 2021")
    for empty in ("Unknown", "N/A", "TBC"):
        found = parse_implementation(empty)
        assert (found.text, found.day, found.release) == (empty, None, None)


def test_classify_urls() -> None:
    assert classify_url(SITE + "/modifications/credit-cover-review/") == "modification"
    assert classify_url(SITE + "/modifications/") == "listing"
    assert classify_url(SITE + "/november-2020-sec-release/") == "release"
    assert classify_url(SITE + "/consultations/x/") == "consultation"
    assert classify_url(SITE + "/") == "home"
    assert classify_url(SITE + "/about-us/") == "other"


# -- property tests ---------------------------------------------------------------------------

days = st.dates(min_value=date(1990, 1, 1), max_value=date(2099, 12, 31))


@given(days)
def test_day_first_numeric_dates_read_back(day: date) -> None:
    assert parse_day(f"{day:%d/%m/%Y}") == day
    assert parse_day(f"{day.day}/{day.month}/{day.year}") == day


@given(days, st.sampled_from(["%d %B %Y", "%d %b %Y", "%A %d %B %Y"]))
def test_worded_dates_read_back(day: date, style: str) -> None:
    text = day.strftime(style)
    assert find_day(f"On {text}, the Change Board voted") == day
    assert parse_day(text.split(" ", 1)[1] if style.startswith("%A") else text) == day


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)))  # "Nov 20" is 2020
def test_implementation_with_release_reads_both(day: date) -> None:
    found = parse_implementation(f"{day:%d/%m/%Y} ({day:%b %y} SEC Release)")
    assert (found.day, found.release) == (day, f"{day:%B %Y}")


@given(st.text(max_size=300))
def test_readers_never_raise_on_any_text(text: str) -> None:
    find_day(text)
    parse_day(text)
    parse_implementation(text)
    read_fields([text, text[:20]])
    read_html(text)


labels = st.sampled_from(
    ["Proposer", "Lead Analyst", "Date raised", "Stage", "Implementation date"]
)
values = (
    st.text(
        alphabet=st.characters(whitelist_categories=("L", "N"), whitelist_characters=" -/()'"),
        min_size=1,
        max_size=60,
    )
    .map(lambda v: " ".join(v.split()))
    .filter(bool)
)


@given(st.dictionaries(labels, values, min_size=1), st.sampled_from(["colon", "next", "table"]))
def test_fields_read_back_in_every_layout(fields: dict[str, str], layout: str) -> None:
    lines: list[str] = []
    for label, value in fields.items():
        if layout == "colon":
            lines.append(f"{label}: {value}")
        elif layout == "table":
            lines.append(f"{label} | {value}")
        else:
            lines += [label, value]
    names = {
        "Proposer": "proposer",
        "Lead Analyst": "lead_analyst",
        "Date raised": "raised",
        "Stage": "stage",
        "Implementation date": "implementation",
    }
    found = read_fields(lines)
    for label, value in fields.items():
        if layout != "next" or not read_fields([value]):  # a value that is itself a label
            assert found[names[label]] == value
