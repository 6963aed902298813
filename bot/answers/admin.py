"""Administrator commands: correct a status, add a milestone, map a Proposer to a Slack user, add
a closure day, move or cancel a meeting, add or resolve a pending decision. Each change is
recorded in the audit log with who and when, in the asker's workspace; Proposer links and added
decisions belong to that workspace too (bot.tenancy). The router refuses these to everyone else
(routes registered with admin=True).

Dates are typed the way people write them ("early April 2019", "8 May 2019"): the longest run of
words that reads as a date is the date, and whatever follows is the note.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from bot.answers.lookup import find_modification
from bot.views import Answer, message
from sec.lifecycle import MilestoneKind, Owner, Stage
from sec.meetings import MeetingKind
from sec.timefmt import now, uk_date
from sec.vague_dates import Precision, VagueDate, parse_vague_date
from storage import admin as store
from storage.calendar_store import get_schedule
from storage.models import Decision, Modification
from storage.tenancy_models import DEFAULT_WORKSPACE

if TYPE_CHECKING:
    from bot.router import Context, Router

_STAGE_ALIASES = {"dp": "draft", "hold": "on_hold", "cb": "change_board", "ofgem": "authority"}
_MILESTONE_ALIASES = {
    "panel": "panel_return",
    "wg": "working_group",
    "cb": "change_board_vote",
    "vote": "change_board_vote",
    "consultation": "consultation_close",
    "pa": "dcc_preliminary_assessment",
    "ia": "dcc_impact_assessment",
    "report": "modification_report",
    "decision": "authority_decision",
}
_MEETING_ALIASES = {
    "wg": MeetingKind.WORKING_GROUP,
    "working_group": MeetingKind.WORKING_GROUP,
    "panel": MeetingKind.PANEL,
    "sec_panel": MeetingKind.PANEL,
    "cb": MeetingKind.CHANGE_BOARD,
    "change_board": MeetingKind.CHANGE_BOARD,
    "csc": MeetingKind.CSC,
}
_QUOTE = '"“”'
_DECISION_ADD = re.compile(
    rf"\s*(?P<ref>[^{_QUOTE}]+?)\s+[{_QUOTE}](?P<what>[^{_QUOTE}]+)[{_QUOTE}](?P<rest>.*)$", re.S
)
_DUE = re.compile(
    rf"\bdue\s+(?:[{_QUOTE}](?P<quoted>[^{_QUOTE}]*)[{_QUOTE}]|(?P<bare>.+?))"
    r"(?=\s+owner\b|\s*$)",
    re.I | re.S,
)
_OWNER = re.compile(r"\bowner\s+(?P<owner>[A-Za-z]+)", re.I)
_MENTION = re.compile(r"<@(?P<id>[UW][A-Z0-9]+)(?:\|[^>]*)?>")
# The longest text an administrator command takes (a status, a note, a decision's wording): the
# store's text columns are bounded, and nobody pastes a whole paper into a status by intent.
MAX_ARGS = 2000
AdminHandler = Callable[[Session, str, "Context"], Answer]


def capped(handler: AdminHandler) -> AdminHandler:
    """The handler, refusing (with nothing changed) a text longer than MAX_ARGS."""

    def bounded(session: Session, args: str, ctx: Context) -> Answer:
        if len(args) > MAX_ARGS:
            return message(
                f"That is {len(args):,} characters; administrator commands take at most "
                f"{MAX_ARGS:,}. Please shorten it (a status or note is a sentence or two). "
                "Nothing was changed.",
                kind="usage",
            )
        return handler(session, args, ctx)

    bounded.__doc__ = handler.__doc__
    bounded.__name__ = getattr(handler, "__name__", "admin")
    return bounded


_USER_ID = re.compile(r"@?[UW][A-Z0-9]{2,}")


def _key(text: str) -> str:
    return re.sub(r"[\s\-]+", "_", text.strip().lower())


def parse_stage(text: str) -> Stage | None:
    """A stage typed as its value ("on_hold", "on-hold"), an alias, or its label."""
    key = _key(text)
    key = _STAGE_ALIASES.get(key, key)
    for stage in Stage:
        if key in {stage.value, _key(stage.label)}:
            return stage
    return None


def parse_milestone_kind(text: str) -> MilestoneKind | None:
    key = _key(text)
    try:
        return MilestoneKind(_MILESTONE_ALIASES.get(key, key))
    except ValueError:
        return None


def split_date(
    words: list[str],
    *,
    today: date,
    want: Collection[Precision] | None = None,
    longest: int = 8,  # no date people type is longer
) -> tuple[VagueDate, str] | None:
    """The longest leading run of words that is a date (of a wanted precision), and the rest."""
    for n in range(min(len(words), longest), 0, -1):
        found = parse_vague_date(" ".join(words[:n]), today=today)
        if found is not None and (want is None or found.precision in want):
            return found, " ".join(words[n:])
    return None


def split_meeting_kind(words: list[str]) -> tuple[MeetingKind, list[str]] | None:
    """A meeting series named by its first one or two words ("working group", "wg", "panel")."""
    for n in (2, 1):
        if len(words) >= n:
            kind = _MEETING_ALIASES.get(_key(" ".join(words[:n])))
            if kind is not None:
                return kind, words[n:]
    return None


def split_user(args: str) -> tuple[str, str] | None:
    """The text before a Slack user ("<@U123|jane>" as Slack sends it, or "U123"), and its id."""
    mention = _MENTION.search(args)
    if mention is not None:
        return args[: mention.start()].strip(), mention.group("id")
    words = args.split()
    if len(words) >= 2 and _USER_ID.fullmatch(words[-1]):
        return " ".join(words[:-1]), words[-1].lstrip("@")
    return None


def _workspace(ctx: Context) -> str:
    return ctx.workspace or DEFAULT_WORKSPACE


def _audit(session: Session, ctx: Context, action: str, **detail: Any) -> None:
    store.create_audit_entry(
        session,
        actor=ctx.user or "unknown",
        action=action,
        detail=detail,
        at=now(),
        workspace=_workspace(ctx),
    )


def _usage(usage: str, example: str) -> Answer:
    return message(f"Usage: `{usage}`", example, kind="usage")


def _modification(session: Session, ref_text: str, command: str) -> Modification | Answer:
    found = find_modification(session, ref_text, command=command)
    if found.modification is None:
        assert found.failure is not None
        return found.failure
    return found.modification


def set_status(session: Session, args: str, ctx: Context) -> Answer:
    """set-status <ref> <stage> <text>: the status now, kept in the modification's history."""
    words = args.split()
    if len(words) < 3:
        return _usage(SET_STATUS, "set-status MP159 report Modification Report issued")
    mod = _modification(session, words[0], "set-status")
    if isinstance(mod, Answer):
        return mod
    stage = parse_stage(words[1])
    if stage is None:
        stages = ", ".join(s.value for s in Stage)
        return message(f"“{words[1]}” is not a stage. Stages: {stages}.", kind="usage")
    status = " ".join(words[2:])
    store.update_status(
        session,
        modification=mod,
        stage=stage.value,
        status=status,
        as_of=ctx.as_of,
        recorded_by=ctx.user or "unknown",
    )
    _audit(
        session,
        ctx,
        "set-status",
        ref=mod.ref,
        stage=stage.value,
        status=status,
        as_of=ctx.as_of.isoformat(),
    )
    return message(
        f"Done: {mod.ref} ‘{mod.title}’ is now at {stage.label}, as of {uk_date(ctx.as_of)}: "
        f"{status}",
        f"status {mod.ref}",
        ok=True,
    )


def add_milestone(session: Session, args: str, ctx: Context) -> Answer:
    """add-milestone <ref> <kind> <date text> [note]."""
    words = args.split()
    if len(words) < 3:
        return _usage(ADD_MILESTONE, "add-milestone MP159 panel early May 2019 report back")
    mod = _modification(session, words[0], "add-milestone")
    if isinstance(mod, Answer):
        return mod
    kind = parse_milestone_kind(words[1])
    if kind is None:
        kinds = ", ".join(k.value for k in MilestoneKind)
        return message(f"“{words[1]}” is not a milestone kind. Kinds: {kinds}.", kind="usage")
    dated = split_date(words[2:], today=ctx.as_of)
    if dated is None:
        return message(
            f"I can't read a date in “{' '.join(words[2:])}”. Try “early May 2019” "
            "or “8 May 2019”.",
            kind="usage",
        )
    when, note = dated
    store.create_milestone(
        session, modification=mod, kind=kind.value, when=when, text=note, as_of=ctx.as_of
    )
    _audit(
        session,
        ctx,
        "add-milestone",
        ref=mod.ref,
        kind=kind.value,
        start=when.start.isoformat(),
        precision=str(when.precision),
        note=note,
    )
    return message(
        f"Done: {kind.label} for {mod.ref}, {when.describe()}.", f"status {mod.ref}", ok=True
    )


def proposer(session: Session, args: str, ctx: Context) -> Answer:
    """proposer <ref> <@user>: the Slack user who speaks for the Proposer (for App Home, nudges)."""
    split = split_user(args)
    if split is None:
        return _usage(PROPOSER, "proposer MP159 @jane")
    ref_text, user_id = split
    mod = _modification(session, ref_text, "proposer")
    if isinstance(mod, Answer):
        return mod
    store.set_proposer_slack_user(
        session, modification=mod, slack_user_id=user_id, workspace=_workspace(ctx)
    )
    _audit(session, ctx, "proposer", ref=mod.ref, slack_user_id=user_id)
    return message(
        f"Done: Slack user {user_id} now speaks for the Proposer of {mod.ref} ‘{mod.title}’.",
        ok=True,
    )


def closure(session: Session, args: str, ctx: Context) -> Answer:
    """closure <date> [reason]: a day SECAS is closed, so not a Working Day."""
    dated = split_date(args.split(), today=ctx.as_of, want={Precision.DAY})
    if dated is None:
        return _usage(CLOSURE, "closure 28 December 2021 office closed")
    when, reason = dated
    row, created = store.create_closure(
        session, day=when.start, reason=reason or "SECAS closure", added_by=ctx.user or "unknown"
    )
    if not created:
        return message(f"{uk_date(row.day)} is already a closure day ({row.reason}).", ok=True)
    _audit(session, ctx, "closure", day=when.start.isoformat(), reason=row.reason)
    return message(
        f"Done: {uk_date(when.start)} is now a closure day, not a Working Day.", "meetings", ok=True
    )


def _occurrence(args: str, ctx: Context) -> tuple[MeetingKind, VagueDate, list[str]] | None:
    """The series and the month of the meeting meant: "working group May 2019 ..."."""
    split = split_meeting_kind(args.split())
    if split is None:
        return None
    kind, rest = split
    dated = split_date(rest, today=ctx.as_of, want={Precision.MONTH}, longest=2)
    if dated is None:
        return None
    month, tail = dated
    return kind, month, tail.split()


def _scheduled(session: Session, kind: MeetingKind, month: VagueDate) -> str:
    """The day the meeting was to be held, for the confirmation, or "" when there is none."""
    meeting = get_schedule(session).in_month(kind, month.year, month.month)
    return f" (was {uk_date(meeting.day)})" if meeting else ""


def move_meeting(session: Session, args: str, ctx: Context) -> Answer:
    """move-meeting <kind> <month year> <new date> [note]."""
    found = _occurrence(args, ctx)
    dated = split_date(found[2], today=ctx.as_of, want={Precision.DAY}) if found else None
    if found is None or dated is None:
        return _usage(MOVE_MEETING, "move-meeting working group May 2019 8 May 2019")
    kind, month, _ = found
    new_day, note = dated
    was = _scheduled(session, kind, month)
    store.create_meeting_change(
        session,
        kind=kind,
        occurrence=(month.year, month.month),
        action="move",
        day=new_day.start,
        note=note,
        added_by=ctx.user or "unknown",
        at=now(),
    )
    _audit(
        session,
        ctx,
        "move-meeting",
        kind=kind.value,
        occurrence=month.iso(),
        day=new_day.start.isoformat(),
        note=note,
    )
    return message(
        f"Done: the {month.describe()} {kind.label} meeting{was} is now on "
        f"{uk_date(new_day.start)}.",
        "meetings",
        ok=True,
    )


def cancel_meeting(session: Session, args: str, ctx: Context) -> Answer:
    """cancel-meeting <kind> <month year> [note]."""
    found = _occurrence(args, ctx)
    if found is None:
        return _usage(CANCEL_MEETING, "cancel-meeting panel December 2021")
    kind, month, rest = found
    was = _scheduled(session, kind, month)
    note = " ".join(rest)
    store.create_meeting_change(
        session,
        kind=kind,
        occurrence=(month.year, month.month),
        action="cancel",
        day=None,
        note=note,
        added_by=ctx.user or "unknown",
        at=now(),
    )
    _audit(session, ctx, "cancel-meeting", kind=kind.value, occurrence=month.iso(), note=note)
    return message(
        f"Done: the {month.describe()} {kind.label} meeting{was} is cancelled.", "meetings", ok=True
    )


def _parse_decision_add(args: str, ctx: Context) -> tuple[str, str, VagueDate | None, Owner] | str:
    """(ref text, what, due, owner) from 'MP107 "what" [due "date"] [owner Owner]', or why not."""
    found = _DECISION_ADD.match(args)
    if found is None:
        return "usage"
    rest = found["rest"]
    due, owner = None, Owner.PROPOSER
    if (due_match := _DUE.search(rest)) is not None:
        due_text = (due_match["quoted"] or due_match["bare"] or "").strip()
        due = parse_vague_date(due_text, today=ctx.as_of)
        if due is None:
            return (
                f"I can't read a date in “{due_text}”. Try “end of October 2021” or “8 May 2022”."
            )
        rest = rest.replace(due_match.group(0), " ")
    if (owner_match := _OWNER.search(rest)) is not None:
        named = {o.value.lower(): o for o in Owner}.get(owner_match["owner"].lower())
        if named is None:
            return f"“{owner_match['owner']}” is not an owner: {', '.join(Owner)}."
        owner, rest = named, rest.replace(owner_match.group(0), " ")
    if rest.strip():
        return "usage"
    return found["ref"], " ".join(found["what"].split()), due, owner


def decision(session: Session, args: str, ctx: Context) -> Answer:
    """decision add <ref> "<what>" [due "<date>"] [owner <Owner>], or decision resolve <id>."""
    verb, _, rest = args.strip().partition(" ")
    if verb.lower() == "resolve":
        return _resolve(session, rest, ctx)
    parsed = _parse_decision_add(rest, ctx) if verb.lower() == "add" else "usage"
    if isinstance(parsed, str):
        if parsed != "usage":
            return message(parsed, kind="usage")
        return _usage(
            DECISION, 'decision add MP107 "which solution to progress" due "end of October 2021"'
        )
    ref_text, what, due, owner = parsed
    mod = _modification(session, ref_text, "decision")
    if isinstance(mod, Answer):
        return mod
    row = store.create_decision(
        session,
        modification=mod,
        owner=owner.value,
        what=what,
        since=ctx.as_of,
        due=due,
        workspace=_workspace(ctx),
    )
    _audit(
        session,
        ctx,
        "decision-add",
        ref=mod.ref,
        decision_id=row.id,
        owner=owner.value,
        what=what,
        due=due.iso() if due else None,
    )
    when = f", due {due.describe()}" if due else ""
    return message(
        f"Done: decision {row.id} on {mod.ref}, waiting on the {owner.value} to decide "
        f"{what}{when}.",
        f"pending {mod.ref}",
        ok=True,
    )


def _resolve(session: Session, args: str, ctx: Context) -> Answer:
    """decision resolve <id> "<text>": closed as if the Proposer had pressed Decision made."""
    from bot.nudges import handle_nudge_action

    number, _, text = args.strip().partition(" ")
    text = text.strip().strip(_QUOTE).strip()
    if not number.isdigit() or not text:
        return _usage(DECISION, 'decision resolve 12 "the SEC change route"')
    found = session.get(Decision, int(number))
    if found is not None and found.workspace not in (None, _workspace(ctx)):
        # Another workspace's decision: answered as if it did not exist.
        return message(
            f"I can't find decision {number}; it may have been removed.",
            "pending",
            kind="not_found",
        )
    at = datetime.combine(ctx.as_of, now().timetz())  # closed on the day asked, like set-status
    return handle_nudge_action(
        session,
        decision_id=int(number),
        action="decision_made",
        actor=ctx.user or "unknown",
        at=at,
        note=text,
        is_admin=True,
    )


SET_STATUS = "set-status <ref> <stage> <text>"
ADD_MILESTONE = "add-milestone <ref> <kind> <date> [note]"
PROPOSER = "proposer <ref> <@user>"
CLOSURE = "closure <date> [reason]"
MOVE_MEETING = "move-meeting <kind> <month year> <new date> [note]"
CANCEL_MEETING = "cancel-meeting <kind> <month year> [note]"
DECISION = (
    'decision add <ref> "<what>" [due "<date>"] [owner <Owner>] | decision resolve <id> "<text>"'
)


def register(router: Router) -> None:
    for name, handler, usage, description in (
        ("set-status", set_status, SET_STATUS, "record a modification's current status"),
        ("add-milestone", add_milestone, ADD_MILESTONE, "add a dated milestone"),
        ("proposer", proposer, PROPOSER, "tie a Proposer to a Slack user"),
        ("closure", closure, CLOSURE, "add a SECAS closure day (not a Working Day)"),
        ("move-meeting", move_meeting, MOVE_MEETING, "move one meeting of a series"),
        ("cancel-meeting", cancel_meeting, CANCEL_MEETING, "cancel one meeting of a series"),
        ("decision", decision, DECISION, "add a pending decision, or close one"),
    ):
        router.register(name, capped(handler), usage=usage, description=description, admin=True)
