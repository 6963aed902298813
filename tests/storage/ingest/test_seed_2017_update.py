"""Seed 004: the April 2017 SEC update to the UNC Panel (tab-separated status table)."""

from __future__ import annotations

import re
from datetime import date

from sec.lifecycle import Stage
from sec.references import unique_refs
from storage.ingest import ChangeSet, extract, source_from_text
from tests.storage.ingest.conftest import seed


def changes() -> ChangeSet:
    return seed("004")[1]


def test_every_reference_once() -> None:
    source, result = seed("004")
    assert [m.ref for m in result.modifications] == [r.canonical for r in unique_refs(source.text)]


def test_document() -> None:
    (doc,) = changes().documents
    assert (doc.date, doc.title) == (date(2017, 4, 10), "Smart Energy Code (SEC) Update")


def test_status_table() -> None:
    mods = {m.ref: m for m in changes().modifications}
    assert mods["SECMP0002"].status == "Refinement"
    assert mods["SECMP0002"].stage is Stage.REFINEMENT
    assert mods["SECMP0031"].status == "Modification Proposal Submitted"
    assert mods["SECMP0031"].stage is Stage.SUBMITTED
    assert mods["SECMP0033"].stage is Stage.REPORT
    refinement = [m for m in mods.values() if m.status == "Refinement"]
    assert len(refinement) == 22


def test_titles_from_table_links_and_bullets() -> None:
    titles = {m.ref: m.title for m in changes().modifications}
    assert titles["SECMP0026"] == "Changes to the Security Sub-Committee Nomination Process"
    assert titles["SECMP0008"] == (
        "Provision of a DCC Alert (formerly Service Request Error Response) for Quarantined "
        "Service Requests"
    )
    # the table's title wins over the run-on prose mention
    assert titles["SECMP0006"] == "Specifying the number of digits for device displays"


def test_prose_only_modifications_get_a_stage() -> None:
    stages = {m.ref: m.stage for m in changes().modifications}
    assert stages["SECMP0016"] is Stage.IMPLEMENTED
    assert stages["SECMP0026"] is Stage.IMPLEMENTED
    assert stages["SECMP0034"] is Stage.SUBMITTED


def test_no_releases_milestones_or_decisions() -> None:
    result = changes()
    assert (result.releases, result.milestones, result.decisions) == ([], [], [])


def test_decisions_taken_apart_from_go_live() -> None:
    found = {(o.ref, o.body, o.result): o.date for o in changes().outcomes}
    assert found == {
        ("SECMP0016", "BEIS", "approved"): date(2017, 1, 17),
        ("SECMP0026", "Change Board", "approved"): None,  # "its February 2017 meeting"
    }


def test_sec_versions_and_what_they_implemented() -> None:
    found = {(v.number, v.effective, v.implements) for v in changes().sec_versions}
    assert found == {
        ("5.5", date(2017, 3, 15), ("SECMP0026",)),
        ("5.6", date(2017, 4, 1), ("SECMP0016",)),
    }


def test_the_consultation_with_its_close_and_where_to_respond() -> None:
    [consultation] = changes().consultations
    assert (consultation.ref, consultation.opens, consultation.closes) == (
        "SECMP0006",
        date(2017, 4, 4),
        date(2017, 4, 27),
    )
    assert consultation.respond_to == "SECAS@gemserv.com"


def test_link_titles_survive_without_the_link_markup() -> None:
    # A PDF keeps the link's words but not the brackets: "of SECMP0026 – Changes to ..., as ..."
    source, _ = seed("004")
    plain = re.sub(r"\[([^\]]*)\]\(#\)", r"\1", source.text)
    titles = {m.ref: m.title for m in extract(source_from_text(plain)).modifications}
    assert titles["SECMP0026"] == "Changes to the Security Sub-Committee Nomination Process"
    assert titles["SECMP0016"] == (
        "Consideration of maximum credit value in credit cover calculation"
    )
    assert titles["SECMP0034"] == "Changes to the SEC Section D for DCC analysis provisions"
