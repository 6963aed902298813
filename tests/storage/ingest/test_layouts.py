"""Layouts beyond the seeds: a release web page, space-aligned tables, OCR'd rows, sections."""

from __future__ import annotations

from datetime import date

import pytest

from sec.lifecycle import MilestoneKind as K
from sec.lifecycle import Owner, Stage
from storage.ingest import ChangeSet, extract, extract_path, source_from_text
from storage.ingest.extract_milestones import classify
from storage.ingest.extract_titles import clean_title, normalise_title
from tests.storage.ingest.conftest import FIXTURES


def run(text: str) -> ChangeSet:
    return extract(source_from_text(text))


def test_release_web_page_with_title_and_status_run_together() -> None:
    result = extract_path(FIXTURES / "release_page.html")
    mods = {m.ref: m for m in result.modifications}
    assert list(mods) == ["MP080", "MP104", "SECMP0015", "SECMP0024"]  # not script or footer
    assert mods["MP080"].title == "Managing DUIS uplifts"
    assert mods["MP080"].status == "Implemented"
    assert mods["MP080"].stage is Stage.IMPLEMENTED
    assert mods["SECMP0024"].status == "Implemented"  # the paragraph after is not its status
    (release,) = result.releases
    assert (release.name, release.date) == ("June 2022 SEC Release", date(2022, 6, 30))
    assert release.in_scope == ("MP080", "MP104", "SECMP0015", "SECMP0024")
    assert [(p.ref, p.note) for p in release.partial] == [
        ("SECMP0015", "DUIS and MMC changes only")
    ]
    assert result.documents[0].title == "June 2022 SEC Release"


SPACED_TABLE = """Open proposals at a glance

Reference    Title                                         Status
SECMP0008    Provision of a DCC Alert (formerly Service    Refinement
             Request Error Response) for Quarantined
             Service Requests
SECMP0031    Adding UTRN Functionality to SMETS            Modification Proposal
                                                           Submitted

Table two: proposals in flight.
"""


def test_space_aligned_table_with_wrapped_cells() -> None:
    mods = {m.ref: m for m in run(SPACED_TABLE).modifications}
    assert mods["SECMP0008"].title == (
        "Provision of a DCC Alert (formerly Service Request Error Response) for Quarantined "
        "Service Requests"
    )
    assert mods["SECMP0008"].status == "Refinement"
    assert mods["SECMP0031"].status == "Modification Proposal Submitted"
    assert mods["SECMP0031"].stage is Stage.SUBMITTED


OCR_RELEASE = """3. March 2031 SEC Release

These changes are planned for the March 2031 SEC Release on 12 March 2031:

MP301 ‘Battery Approved for inclusion. v
Alert Thresholds’
MP302 ‘Smart Tariff The Change Board vote is due on 7 January
Display Lables’ 2031 under Self-Governance.

MP303 ‘Prepayment Top-up Receipts’ should be removed from the scope of this release.

https://smartenergycodecompany.co.uk/modifications/battery-alert-thresholds/
https://smartenergycodecompany.co.uk/modifications/smart-tariff-display-labels/
Page 4 of 9

4. Next steps

SECAS Team
2 December 2030
"""


def test_ocr_rows_split_by_the_slugs() -> None:
    result = run(OCR_RELEASE)
    mods = {m.ref: m for m in result.modifications}
    assert mods["MP301"].title == "Battery Alert Thresholds"
    assert mods["MP301"].status == "Approved for inclusion."
    assert mods["MP302"].title == "Smart Tariff Display Labels"  # "Lables" put right by the slug
    assert mods["MP302"].status == (
        "The Change Board vote is due on 7 January 2031 under Self-Governance."
    )
    (release,) = result.releases
    assert release.in_scope == ("MP301", "MP302")
    assert release.removed == ("MP303",)
    assert release.date == date(2031, 3, 12)
    vote = [(m.ref, m.kind, m.date.iso()) for m in result.milestones]
    assert vote == [("MP302", K.CHANGE_BOARD_VOTE, "2031-01-07")]


NARRATIVE = """Timetables for the Panel

MP410 'Demand Side Response Signals'

This modification is currently on hold while the DCC costs two options. We expect the
response by early May, and will take it to the June 2024 Working Group meeting. We will return
to the Panel at the July 2024 meeting. SECAS is waiting on the Proposer to confirm which
option they prefer.

MP411 'Export Meter Readings'

The industry consultation closes on 14 March 2024. We will then ask the Proposer for their
views, and will seek their agreement on the legal text before the Modification Report goes
to the Change Sub-Committee in April 2024.

SECAS Team
1 March 2024
"""


def test_narrative_sections() -> None:
    result = run(NARRATIVE)
    found = {(m.ref, m.kind, m.date.iso(), m.date.precision.value) for m in result.milestones}
    # "the response by early May" names no Preliminary Assessment, so it is not dated as one
    assert found == {
        ("MP410", K.WORKING_GROUP, "2024-06", "month"),
        ("MP410", K.PANEL_RETURN, "2024-07", "month"),
        ("MP411", K.CONSULTATION_CLOSE, "2024-03-14", "day"),
        ("MP411", K.MODIFICATION_REPORT, "2024-04", "month"),
    }
    stages = {m.ref: m.stage for m in result.modifications}
    assert stages == {"MP410": Stage.ON_HOLD, "MP411": Stage.REFINEMENT}
    decisions = {(d.ref, d.owner, d.text) for d in result.decisions}
    assert decisions == {
        ("MP410", Owner.PROPOSER, "confirm which option they prefer"),
        ("MP411", Owner.PROPOSER, "agree the legal text"),
    }


@pytest.mark.parametrize(
    ("sentence", "phrase", "kind"),
    [
        ("We will return to the Panel at the May 2019 meeting.", "May 2019", K.PANEL_RETURN),
        (
            "We will present this to the Working Group meeting on 3 April 2019.",
            "3 April 2019",
            K.WORKING_GROUP,
        ),
        ("It goes to the June 2019 Working Group meeting.", "June 2019", K.WORKING_GROUP),
        (
            "We expect the DCC response by early April 2019.",
            "early April 2019",
            K.DCC_PRELIMINARY_ASSESSMENT,
        ),
        (
            "We plan to re-request a Preliminary Assessment by the end of March 2019.",
            "the end of March 2019",
            K.PA_REQUEST,
        ),
        (
            "The Change Board vote will take place on 29 September 2021.",
            "29 September 2021",
            K.CHANGE_BOARD_VOTE,
        ),
        (
            "It is included if the Authority determines to approve it by 21 October 2021.",
            "21 October 2021",
            K.AUTHORITY_DECISION,
        ),
        (
            "Its Modification Report is expected to go to the CSC in October 2021.",
            "October 2021",
            K.MODIFICATION_REPORT,
        ),
        ("We will discuss it with the TABASC on 21 March 2019.", "21 March 2019", K.SUB_COMMITTEE),
        ("The industry consultation closed on 1 March 2019.", "1 March 2019", K.CONSULTATION_CLOSE),
        ("It is a candidate for the November 2019 SEC Release.", "November 2019", None),
        ("We will update the Panel in April 2019 instead.", "April 2019", None),
        ("We will work on it across March and April.", "April", None),
        ("It was a sunny day on 3 April 2019.", "3 April 2019", None),
    ],
)
def test_classify(sentence: str, phrase: str, kind: K | None) -> None:
    start = sentence.index(phrase)
    if "instead" in sentence:  # whole sentences with "instead" are skipped before classifying
        return
    assert classify(sentence, start, start + len(phrase)) is kind


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("lHD / PPMID Zigbee\nAttributes", "IHD / PPMID Zigbee Attributes"),
        ("Alerts of Non GBCS Non-\nMandated kinds", "Alerts of Non GBCS Non-Mandated kinds"),
        ("‘Removing Table 28c | from the GBCS’", "Removing Table 28c from the GBCS"),
        ("Batch 5 —", "Batch 5"),
    ],
)
def test_clean_title(raw: str, clean: str) -> None:
    assert clean_title(raw) == clean


def test_normalise_title_ignores_case_dashes_and_quotes() -> None:
    assert normalise_title("Into the SEC — Batch 5") == normalise_title("into the sec - batch 5")
    assert normalise_title("DCC’s Alerts") == normalise_title("DCC's alerts")


def test_recommendations_become_decisions_of_the_body_asked() -> None:
    text = (
        "MP500 'Credit Cover Refresh'\n\nThe DCC is currently reviewing the costs.\n\n"
        "4. Recommendations\nThe CSC is requested to:\n"
        "• APPROVE the revised timetable for MP500; and\n• NOTE the wider update.\n"
    )
    decisions = [(d.ref, d.owner, d.text) for d in run(text).decisions]
    assert decisions == [("MP500", Owner.CSC, "approve the revised timetable for MP500")]


def test_yearless_dates_without_a_document_date_need_today() -> None:
    text = "MP600 'Meter Reads'\n\nSECAS will return to the Panel at the May meeting.\n"
    assert run(text).milestones == []
    anchored = extract(source_from_text(text), today=date(2024, 2, 1))
    assert [m.date.iso() for m in anchored.milestones] == ["2024-05"]


def test_a_possessive_is_not_a_title() -> None:
    result = run("SECAS note\n\nMP123's impact on the DCC is large. MP124 'Real Title' is fine.\n")
    assert {m.ref: m.title for m in result.modifications} == {"MP123": "", "MP124": "Real Title"}
