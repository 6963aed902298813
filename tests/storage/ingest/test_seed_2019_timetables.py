"""Seed 003: the March 2019 Panel paper on modification timetables (narrative sections)."""

from __future__ import annotations

from datetime import date

from sec.lifecycle import MilestoneKind, Owner, Stage
from sec.references import unique_refs
from storage.ingest import ChangeSet
from tests.storage.ingest.conftest import seed

K = MilestoneKind


def changes() -> ChangeSet:
    return seed("003")[1]


def milestones(kind: MilestoneKind) -> dict[str, list[tuple[str, str]]]:
    found: dict[str, list[tuple[str, str]]] = {}
    for m in changes().milestones:
        if m.kind is kind:
            found.setdefault(m.ref, []).append((m.date.iso(), m.date.precision.value))
    return found


def test_every_reference_once() -> None:
    source, result = seed("003")
    assert [m.ref for m in result.modifications] == [r.canonical for r in unique_refs(source.text)]
    assert "SECMP0049" in [m.ref for m in result.modifications]  # also "SECMP00492" (footnote)


def test_document_date() -> None:
    assert changes().documents[0].date == date(2019, 3, 8)
    assert changes().documents[0].title == "SEC Modification Timetables"


def test_panel_return_months() -> None:
    panel = milestones(K.PANEL_RETURN)
    assert panel["SECMP0024"] == [("2019-06", "month")]
    assert panel["SECMP0063"] == [("2019-07", "month")]
    assert panel["SECMP0007"] == [("2019-04", "month")]
    assert panel["SECMP0010"] == [("2019-05", "month")]
    assert panel["SECMP0032"] == [("2019-04", "month")]  # "provide the Panel with an update"
    assert panel["SECMP0015"] == [("2019-05", "month")]  # the "instead" date is not the plan
    assert "SECMP0028" not in panel


def test_working_group_dates_keep_their_precision() -> None:
    group = milestones(K.WORKING_GROUP)
    assert group["SECMP0007"] == [("2019-04-03", "day")]
    assert group["SECMP0010"] == [("2019-05", "month")]  # "meeting in May 2019"
    assert group["SECMP0013"] == [("2019-05", "month")]  # "May 2019 Working Group meeting"
    assert ("2019-06", "month") in group["SECMP0024"]  # split across a page break
    assert ("2019-07", "month") in group["SECMP0063"]  # "in July": the year from the paper


def test_assessment_and_consultation_dates() -> None:
    assert milestones(K.DCC_PRELIMINARY_ASSESSMENT)["SECMP0010"] == [("2019-04", "early")]
    assert milestones(K.DCC_PRELIMINARY_ASSESSMENT)["SECMP0053"] == [("2019-03", "mid")]
    assert milestones(K.PA_REQUEST)["SECMP0024"] == [("2019-03", "late")]  # "the end of March"
    assert milestones(K.CONSULTATION_CLOSE)["SECMP0055"] == [("2019-03-01", "day")]
    assert milestones(K.CONSULTATION_ISSUE)["SECMP0062"] == [("2019-03", "mid")]
    assert milestones(K.SUB_COMMITTEE)["SECMP0055"] == [("2019-03-21", "day")]  # TABASC
    assert milestones(K.MODIFICATION_REPORT)["SECMP0055"] == [("2019-04", "month")]


def test_spans_are_not_milestones() -> None:
    # "across March and April" names a stretch of work, not a date
    dates = {m.date.iso() for m in changes().milestones if m.ref == "SECMP0063"}
    assert dates == {"2019-05", "2019-07"}


def test_on_hold_and_stages() -> None:
    stages = {m.ref: m.stage for m in changes().modifications}
    assert stages["SECMP0012"] is Stage.ON_HOLD
    assert stages["SECMP0028"] is Stage.ON_HOLD
    assert stages["SECMP0049"] is Stage.IMPLEMENTED
    assert stages["SECMP0037"] is Stage.REFINEMENT


def test_candidate_release() -> None:
    (release,) = changes().releases
    assert release.name == "November 2019 SEC Release"
    assert release.date is None and release.in_scope == ()
    assert release.candidates == ("SECMP0053", "SECMP0062")


def test_candidates_at_risk_are_noted() -> None:
    (release,) = changes().releases
    assert {n.ref: n.note for n in release.notes} == {
        "SECMP0053": "At risk of missing the cut-off",
        "SECMP0062": "At risk of missing the cut-off",
    }


def test_preliminary_and_impact_assessments_the_dcc_owes() -> None:
    owed = {
        d.ref: (d.kind, d.due.iso() if d.due else None, d.due.precision.value if d.due else None)
        for d in changes().decisions
        if d.kind != "decision"
    }
    assert owed == {
        "SECMP0007": ("preliminary_assessment", "2019-03-15", "day"),
        "SECMP0010": ("preliminary_assessment", "2019-04", "early"),
        "SECMP0013": ("preliminary_assessment", "2019-04", "early"),
        "SECMP0015": ("impact_assessment", None, None),
        "SECMP0053": ("preliminary_assessment", "2019-03", "mid"),
        "SECMP0056": ("preliminary_assessment", "2019-04", "early"),
    }
    assert all(d.owner is Owner.DCC for d in changes().decisions if d.kind != "decision")


def test_a_closed_consultation() -> None:
    [consultation] = changes().consultations
    assert (consultation.ref, consultation.closes) == ("SECMP0055", date(2019, 3, 1))


def test_pending_decisions() -> None:
    found = {(d.ref, d.owner): d.text for d in changes().decisions if d.kind == "decision"}
    assert found[("SECMP0007", Owner.PROPOSER)] == "agree which option to progress"
    assert found[("SECMP0028", Owner.PROPOSER)] == (
        "determine whether SECMP0067 delivers what they seek"
    )
    assert ("SECMP0062", Owner.PANEL) in found
    assert len(found) == 3


def test_titles() -> None:
    titles = {m.ref: m.title for m in changes().modifications}
    assert titles["SECMP0056"] == "IHD / PPMID Zigbee Attributes Available on the HAN"  # "lHD"
    assert titles["SECMP0046"].endswith("connected to Smart Meter infrastructure")
    assert titles["SECMP0062"] == (
        "Northbound Application Traffic Management — Alert Storm Protection"
    )
    assert titles["SECMP0049"] == "Section D Review: Amendments to the Modification Process"


def test_statuses_use_canonical_references() -> None:
    status = next(m.status for m in changes().modifications if m.ref == "SECMP0028")
    assert status is not None and "SECMP0067" in status and "SECMPO" not in status
