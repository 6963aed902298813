"""The change set's JSON shape, which the apply step and `secbot ingest --json` rely on."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from sec.lifecycle import MilestoneKind, Owner, Stage
from sec.vague_dates import Precision, VagueDate
from storage.ingest import (
    ChangeSet,
    Decision,
    Document,
    Milestone,
    Modification,
    PartialScope,
    Release,
    ReleaseNote,
    SourcePos,
)

HERE = SourcePos(page=2, line=7)


def sample() -> ChangeSet:
    return ChangeSet(
        documents=[Document("paper.txt", date(2021, 9, 21), "SEC Releases Update", HERE)],
        modifications=[
            Modification(
                "MP159",
                "Credit Cover Review",
                Stage.REFINEMENT,
                "In progress.",
                date(2021, 9, 21),
                HERE,
            ),
            Modification("MP154", "CH Returns SLA Amendment", None, None, None, HERE),
        ],
        releases=[
            Release(
                name="February 2022 SEC Release",
                date=date(2022, 2, 24),
                source=HERE,
                in_scope=("MP109", "MP128B"),
                removed=("MP154",),
                added=("MP128B",),
                partial=(PartialScope("MP109", "document changes only"),),
                baselining=(ReleaseNote(VagueDate.of_month(2021, 11), "Baselined then."),),
            )
        ],
        milestones=[
            Milestone(
                "SECMP0024",
                MilestoneKind.PANEL_RETURN,
                VagueDate.of_month(2019, 6),
                "Back to the Panel in June.",
                HERE,
            ),
            Milestone(
                "SECMP0010",
                MilestoneKind.DCC_PRELIMINARY_ASSESSMENT,
                VagueDate.of_month(2019, 4, Precision.EARLY),
                "Due early April.",
                HERE,
            ),
        ],
        decisions=[Decision("MP107", Owner.PROPOSER, "decide which solution to take", HERE)],
    )


def test_json_shape() -> None:
    data = sample().to_json()
    assert set(data) == {"documents", "modifications", "releases", "milestones", "decisions"}
    assert data["documents"][0] == {
        "path": "paper.txt",
        "date": "2021-09-21",
        "title": "SEC Releases Update",
        "source": {"page": 2, "line": 7},
    }
    assert data["modifications"][1] == {
        "ref": "MP154",
        "title": "CH Returns SLA Amendment",
        "stage": None,
        "status": None,
        "as_of": None,
        "source": {"page": 2, "line": 7},
    }
    release = data["releases"][0]
    assert release["in_scope"] == ["MP109", "MP128B"] and release["removed"] == ["MP154"]
    assert release["partial"] == [{"ref": "MP109", "note": "document changes only"}]
    assert release["baselining"][0]["date"] == "2021-11"
    assert data["milestones"][0]["date"] == "2019-06"
    assert data["milestones"][0]["precision"] == "month"
    assert data["milestones"][1]["precision"] == "early"
    assert data["decisions"][0]["owner"] == "Proposer"


def test_round_trip() -> None:
    original = sample()
    assert ChangeSet.from_json(original.to_json()) == original


@given(
    st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31)),
    st.sampled_from(list(Precision)),
    st.sampled_from(list(MilestoneKind)),
)
def test_milestone_dates_round_trip(day: date, precision: Precision, kind: MilestoneKind) -> None:
    value = (
        VagueDate.of_day(day)
        if precision is Precision.DAY
        else VagueDate.of_month(day.year, day.month, precision)
    )
    changes = ChangeSet(milestones=[Milestone("MP100", kind, value, "text", HERE)])
    assert ChangeSet.from_json(changes.to_json()) == changes
