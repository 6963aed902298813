"""The life of a modification: stages, milestone kinds, decision owners and paths."""

from __future__ import annotations

from enum import StrEnum


class Stage(StrEnum):
    """Where a modification stands in the SEC change process."""

    DRAFT = "draft"  # Draft Proposal, Development Stage under the CSC
    SUBMITTED = "submitted"  # Modification Proposal raised, not yet in refinement
    REFINEMENT = "refinement"  # requirements, assessments, Working Group, consultation
    REPORT = "report"  # Modification Report and its consultation
    CHANGE_BOARD = "change_board"  # awaiting the Change Board vote
    AUTHORITY = "authority"  # with the Authority (Ofgem) for decision
    APPROVED = "approved"
    REJECTED = "rejected"
    IMPLEMENTED = "implemented"
    ON_HOLD = "on_hold"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return _STAGE_LABELS[self]

    @property
    def phrase(self) -> str:
        """Completes "MP159 …": "is in the Refinement Process"."""
        return _STAGE_PHRASES[self]

    @property
    def is_open(self) -> bool:
        """Still moving through the process (a decision or implementation is ahead)."""
        return self not in {Stage.REJECTED, Stage.IMPLEMENTED, Stage.WITHDRAWN}


_STAGE_LABELS = {
    Stage.DRAFT: "Draft Proposal (Development Stage)",
    Stage.SUBMITTED: "Modification Proposal submitted",
    Stage.REFINEMENT: "Refinement Process",
    Stage.REPORT: "Report Phase",
    Stage.CHANGE_BOARD: "awaiting the Change Board vote",
    Stage.AUTHORITY: "with the Authority for decision",
    Stage.APPROVED: "Approved",
    Stage.REJECTED: "Rejected",
    Stage.IMPLEMENTED: "Implemented",
    Stage.ON_HOLD: "On hold",
    Stage.WITHDRAWN: "Withdrawn",
}


_STAGE_PHRASES = {
    Stage.DRAFT: "is a Draft Proposal in the Development Stage",
    Stage.SUBMITTED: "has been raised as a Modification Proposal",
    Stage.REFINEMENT: "is in the Refinement Process",
    Stage.REPORT: "is in the Report Phase",
    Stage.CHANGE_BOARD: "is awaiting the Change Board vote",
    Stage.AUTHORITY: "is with the Authority for decision",
    Stage.APPROVED: "has been approved",
    Stage.REJECTED: "was rejected",
    Stage.IMPLEMENTED: "has been implemented",
    Stage.ON_HOLD: "is on hold",
    Stage.WITHDRAWN: "has been withdrawn",
}


class MilestoneKind(StrEnum):
    """Dated events in a modification's timetable."""

    PANEL_RETURN = "panel_return"  # SECAS reports back to the Panel
    WORKING_GROUP = "working_group"  # presented to the Working Group
    CHANGE_BOARD_VOTE = "change_board_vote"
    CONSULTATION_ISSUE = "consultation_issue"
    CONSULTATION_CLOSE = "consultation_close"
    DCC_PRELIMINARY_ASSESSMENT = "dcc_preliminary_assessment"  # response due from the DCC
    DCC_IMPACT_ASSESSMENT = "dcc_impact_assessment"
    PA_REQUEST = "pa_request"  # Preliminary Assessment requested of the DCC
    MODIFICATION_REPORT = "modification_report"  # Modification Report to the Panel or CSC
    AUTHORITY_DECISION = "authority_decision"
    SUB_COMMITTEE = "sub_committee"  # TABASC, SSC, Operations Group discussion
    OTHER = "other"

    @property
    def label(self) -> str:
        return _MILESTONE_LABELS[self]


_MILESTONE_LABELS = {
    MilestoneKind.PANEL_RETURN: "Return to the Panel",
    MilestoneKind.WORKING_GROUP: "Working Group",
    MilestoneKind.CHANGE_BOARD_VOTE: "Change Board vote",
    MilestoneKind.CONSULTATION_ISSUE: "Consultation issued",
    MilestoneKind.CONSULTATION_CLOSE: "Consultation closes",
    MilestoneKind.DCC_PRELIMINARY_ASSESSMENT: "DCC Preliminary Assessment due",
    MilestoneKind.DCC_IMPACT_ASSESSMENT: "DCC Impact Assessment due",
    MilestoneKind.PA_REQUEST: "Preliminary Assessment requested",
    MilestoneKind.MODIFICATION_REPORT: "Modification Report due",
    MilestoneKind.AUTHORITY_DECISION: "Authority decision",
    MilestoneKind.SUB_COMMITTEE: "Sub-committee discussion",
    MilestoneKind.OTHER: "Milestone",
}


class ScopeState(StrEnum):
    """A modification's place in a SEC Release."""

    IN_SCOPE = "in_scope"
    PARTIAL = "partial"  # only part of the change goes in this release
    REMOVED = "removed"


class Owner(StrEnum):
    """Who a pending decision waits on."""

    PROPOSER = "Proposer"
    SECAS = "SECAS"
    DCC = "DCC"
    PANEL = "Panel"
    CSC = "CSC"
    AUTHORITY = "Authority"


class DecisionPath(StrEnum):
    """The decision path a modification follows."""

    AUTHORITY_LED = "path1"  # Path 1: Authority-led
    AUTHORITY_DETERMINED = "path2"  # Path 2: Authority-determined
    SELF_GOVERNANCE = "path3"  # Path 3: Self-Governance

    @property
    def label(self) -> str:
        return {
            "path1": "Path 1 (Authority-led)",
            "path2": "Path 2 (Authority-determined)",
            "path3": "Path 3 (Self-Governance)",
        }[self.value]
