"""Seed 002: the September 2021 CSC paper on SEC Releases (OCR'd scope tables)."""

from __future__ import annotations

from datetime import date

from sec.lifecycle import MilestoneKind, Owner, Stage
from sec.references import unique_refs
from storage.ingest import ChangeSet, Release
from tests.storage.ingest.conftest import seed


def changes() -> ChangeSet:
    return seed("002")[1]


def release(name: str) -> Release:
    return next(r for r in changes().releases if r.name == name)


def test_every_reference_once_in_first_mention_order() -> None:
    source, result = seed("002")
    assert [m.ref for m in result.modifications] == [r.canonical for r in unique_refs(source.text)]


def test_document_date_and_title() -> None:
    doc = changes().documents[0]
    assert doc.date == date(2021, 9, 21)
    assert doc.title == "SEC Releases Update"
    assert all(m.as_of == date(2021, 9, 21) for m in changes().modifications)


def test_release_names_and_go_live_days() -> None:
    assert {r.name: r.date for r in changes().releases} == {
        "November 2021 SEC Release": date(2021, 11, 4),
        "February 2022 SEC Release": date(2022, 2, 24),
        "June 2022 SEC Release": date(2022, 6, 30),
        "November 2022 SEC Release": date(2022, 11, 3),
    }


def test_scopes() -> None:
    assert release("November 2021 SEC Release").in_scope == (
        "SECMP0007",
        "MP077",
        "MP090",
        "MP105",
        "MP138",
        "MP149",
        "MP150",
        "MP157",
        "MP158",
        "MP164",
        "MP180",
    )
    assert release("February 2022 SEC Release").in_scope == (
        "MP109",
        "MP116",
        "MP121",
        "MP128B",
        "MP159",
        "MP167",
        "DP173",
    )
    assert release("June 2022 SEC Release").in_scope == ("SECMP0015", "SECMP0024", "MP104")
    assert release("November 2022 SEC Release").in_scope == (
        "SECMP0015",
        "SECMP0056",
        "MP078",
        "MP099",
        "MP107",
        "MP140",
        "MP141",
    )


def test_mp154_removed_and_mp128b_added_to_february_2022() -> None:
    february = release("February 2022 SEC Release")
    assert february.removed == ("MP154",)
    assert "MP154" not in february.in_scope
    assert february.added == ("MP128B",)
    assert all(r.removed == () for r in changes().releases if r is not february)


def test_secmp0015_split_between_june_and_november_2022() -> None:
    june = {p.ref: p.note for p in release("June 2022 SEC Release").partial}
    november = {p.ref: p.note for p in release("November 2022 SEC Release").partial}
    assert june == {"SECMP0015": "DUIS and MMC changes only"}
    assert set(november) == {"SECMP0015"}
    assert "other" in november["SECMP0015"]


def test_baselining_notes() -> None:
    june = release("June 2022 SEC Release").baselining
    assert [(n.date.iso() if n.date else None) for n in june] == ["2021-06-19", "2021-12"]
    assert june[0].text.startswith("On 19 June 2021")


def test_titles_repaired_with_the_link_slugs() -> None:
    titles = {m.ref: m.title for m in changes().modifications}
    assert titles["SECMP0015"] == "GPF timestamp for reading instantaneous Gas values"
    assert titles["SECMP0007"] == "Firmware updates to IHDs and PPMIDs"
    assert titles["MP090"] == "Incorporation of Non GBCS Non-Mandated Alerts into the SEC"
    assert titles["MP141"] == "SRV Visibility for Devices on SSI"  # no closing quote in the OCR
    assert titles["MP107"] == "SMETS1 Validation of SRV 6.15.1"
    assert titles["MP149"] == "Effecting Changes to the Smart Energy Code efficiently"
    assert titles["MP154"] == "CH Returns SLA Amendment"


def test_statuses_and_stages_from_the_status_column() -> None:
    mods = {m.ref: m for m in changes().modifications}
    assert mods["MP077"].status == "Approved for inclusion."
    assert mods["MP077"].stage is Stage.APPROVED
    assert mods["MP149"].stage is Stage.CHANGE_BOARD
    assert mods["MP128B"].stage is Stage.REPORT
    assert mods["DP173"].stage is Stage.DRAFT
    assert mods["MP107"].status is not None and "Validation" not in mods["MP107"].status
    assert mods["MP128B"].status is not None and "Self-Governance" in mods["MP128B"].status


def test_change_board_and_authority_dates() -> None:
    found = {(m.ref, m.kind, m.date.iso(), m.date.precision.value) for m in changes().milestones}
    assert ("MP149", MilestoneKind.CHANGE_BOARD_VOTE, "2021-09-29", "day") in found
    assert ("MP149", MilestoneKind.AUTHORITY_DECISION, "2021-10-21", "day") in found
    assert ("MP180", MilestoneKind.AUTHORITY_DECISION, "2021-10-28", "day") in found
    assert ("MP164", MilestoneKind.CHANGE_BOARD_VOTE, "2021-09-29", "day") in found  # no year
    assert ("MP109", MilestoneKind.MODIFICATION_REPORT, "2021-10", "month") in found
    assert ("MP128B", MilestoneKind.MODIFICATION_REPORT, "2021-09", "month") in found
    assert not [m for m in changes().milestones if m.ref in ("SECMP0015", "MP077")]


def test_pending_decision_for_mp107() -> None:
    (decision,) = [d for d in changes().decisions if d.kind == "decision"]
    assert (decision.ref, decision.owner) == ("MP107", Owner.PROPOSER)
    assert decision.text == "decide which solution to progress with"


def test_impact_assessments_the_dcc_owes() -> None:
    owed = {(d.ref, d.owner, d.kind, d.due) for d in changes().decisions if d.kind != "decision"}
    assert owed == {
        ("MP078", Owner.DCC, "impact_assessment", None),
        ("MP140", Owner.DCC, "impact_assessment", None),
        ("MP141", Owner.DCC, "impact_assessment", None),
    }


def test_sources_point_at_the_rows() -> None:
    source, result = seed("002")
    mp077 = next(m for m in result.modifications if m.ref == "MP077")
    page_lines = source.pages[mp077.source.page - 1].split("\n")
    assert page_lines[mp077.source.line - 1].startswith("MPQ77")
