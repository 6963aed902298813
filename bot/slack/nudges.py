"""The buttons on a nudge DM, and the two modals they open.

- Decision made: a modal asks what was decided; submitting it closes the decision.
- Snooze a week (a button) or Snooze until… (a datepicker): no nudges until after that day.
- Not me: a modal takes an optional note; the decision goes back to the administrators.

Buttons carry the decision id as their value (the datepicker, which has no value, in its
block id ``secbot_nudge:<id>``). Each answer goes to ``bot.nudges.handle_nudge_action``, the
same code Teams uses; the DM is then updated with chat.update so it shows what happened.
"""

from __future__ import annotations

import json
import logging
from datetime import date
from typing import TYPE_CHECKING, Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.escaping import escape_mrkdwn, truncate
from bot.nudges import MAX_NOTE, check_answerable, handle_nudge_action, in_workspace
from bot.render import render_text
from bot.slack.blocks import section
from bot.slack.chat import context_for, workspace_of
from bot.views import Answer, message
from sec.timefmt import now
from storage import nudges as store
from storage.db import transaction
from storage.models import Decision

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger(__name__)

MADE, SNOOZE, SNOOZE_UNTIL, NOT_ME = (
    "secbot_nudge_made",
    "secbot_nudge_snooze",
    "secbot_nudge_snooze_until",
    "secbot_nudge_not_me",
)
DECIDED_VIEW, NOT_ME_VIEW = "secbot_nudge_decided", "secbot_nudge_not_me"
BLOCK_PREFIX = "secbot_nudge:"
OUTCOME_BLOCK = "secbot_nudge_outcome"
NOTE_BLOCK, NOTE_INPUT = "note", "text"
BAD_DATE = "I could not read that date; please pick a day from the calendar again."


def decision_id_of(action: dict[str, Any]) -> int | None:
    """The decision a nudge control is about: a button's value, or the datepicker's block id."""
    raw = str(action.get("value") or "")
    block = str(action.get("block_id") or "")
    if not raw and block.startswith(BLOCK_PREFIX):
        raw = block[len(BLOCK_PREFIX) :]
    return int(raw) if raw.isdigit() and len(raw) <= 12 else None  # ids, not 10**4000


def _where(body: dict[str, Any]) -> tuple[str | None, str | None]:
    """The channel and ts of the message whose button was pressed."""
    container = body.get("container") or {}
    channel = (body.get("channel") or {}).get("id") or container.get("channel_id")
    return channel, container.get("message_ts") or (body.get("message") or {}).get("ts")


def _team(body: dict[str, Any]) -> str | None:
    """The workspace an action or view submission came from (as bot.slack.chat reads it)."""
    return workspace_of(
        {
            "team_id": (body.get("team") or {}).get("id")
            or (body.get("user") or {}).get("team_id"),
            "enterprise_id": (body.get("enterprise") or {}).get("id"),
            "is_enterprise_install": body.get("is_enterprise_install"),
        }
    )


def _summary(decision: Decision) -> str:
    mod = decision.modification
    return (
        f"*{escape_mrkdwn(mod.ref)}* ‘{escape_mrkdwn(truncate(mod.title, 200))}’\n"
        f"The {escape_mrkdwn(decision.owner)} to decide "
        f"{escape_mrkdwn(truncate(decision.what, 1500))}"
    )


def _context(text: str, block_id: str | None = None) -> dict[str, Any]:
    block: dict[str, Any] = {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}
    if block_id:
        block["block_id"] = block_id
    return block


def modal(decision: Decision, *, callback_id: str, meta: dict[str, Any]) -> dict[str, Any]:
    """The Decision made (required text) or Not me (optional note) modal."""
    decided = callback_id == DECIDED_VIEW
    label = "What was decided?" if decided else "Who should it be, or why not you?"
    after = (
        "Followers and channels subscribed to it will be told."
        if decided
        else "The SECAS administrators will be told and will find the right person."
    )
    view: dict[str, Any] = {
        "type": "modal",
        "callback_id": callback_id,
        "private_metadata": json.dumps(meta),
        "title": {"type": "plain_text", "text": "Decision made" if decided else "Not me"},
        "submit": {"type": "plain_text", "text": "Close decision" if decided else "Hand back"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [
            section(_summary(decision)),
            {
                "type": "input",
                "block_id": NOTE_BLOCK,
                "optional": not decided,
                "label": {"type": "plain_text", "text": label},
                "element": {
                    "type": "plain_text_input",
                    "action_id": NOTE_INPUT,
                    "multiline": True,
                    "max_length": MAX_NOTE,
                },
            },
            _context(after),
        ],
    }
    return view  # its shape is checked against slack_sdk's View in the tests


def closed_message(decision: Decision, outcome: str) -> dict[str, Any]:
    """The DM once answered for good: what it was about and what happened, no buttons."""
    text = f"{decision.modification.ref}: {outcome}"
    blocks = [section(_summary(decision)), _context(escape_mrkdwn(outcome), OUTCOME_BLOCK)]
    return {"text": escape_mrkdwn(text), "blocks": blocks}


def snoozed_message(message: dict[str, Any], outcome: str) -> dict[str, Any]:
    """The DM after a snooze: the same nudge and buttons, with the snooze noted under it."""
    blocks = [b for b in message.get("blocks") or [] if b.get("block_id") != OUTCOME_BLOCK]
    blocks.append(_context(escape_mrkdwn(outcome), OUTCOME_BLOCK))
    return {"text": str(message.get("text") or escape_mrkdwn(outcome)), "blocks": blocks}


def _note(view: dict[str, Any]) -> str:
    values = (view.get("state") or {}).get("values") or {}
    return str(((values.get(NOTE_BLOCK) or {}).get(NOTE_INPUT) or {}).get("value") or "")


def _meta(view: dict[str, Any]) -> dict[str, Any]:
    try:
        meta = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        return {}
    return meta if isinstance(meta, dict) else {}


class NudgeListeners:
    """The listeners, sharing the services; ``register`` wires them onto the Bolt app."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.settings = services.settings

    def presser(self, body: dict[str, Any]) -> tuple[str, bool]:
        """The presser's workspace key and whether they administer it."""
        ctx = context_for(
            self.services, user=body["user"]["id"], channel=None, workspace=_team(body)
        )
        return ctx.workspace or "default", ctx.is_admin

    def answer(self, body: dict[str, Any], decision_id: int, action: str, **kwargs: Any) -> Answer:
        """bot.nudges' answer for the person who pressed, in its own transaction."""
        workspace, admin = self.presser(body)
        with transaction(self.services.sessions) as session:
            return handle_nudge_action(
                session,
                decision_id=decision_id,
                action=action,
                actor=body["user"]["id"],
                at=now(),
                is_admin=admin,
                workspace=workspace,
                **kwargs,
            )

    @staticmethod
    def acknowledge(ack: Ack) -> None:
        ack()

    @staticmethod
    def tell(respond: Respond, result: Answer) -> None:
        """Say why nothing happened, only to the person who pressed."""
        respond(
            text=escape_mrkdwn(render_text(result)),
            response_type="ephemeral",
            replace_original=False,
        )

    def open_modal(
        self, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond
    ) -> None:
        """Decision made / Not me: the modal, unless this person cannot answer (told why)."""
        decision_id, user = decision_id_of(action), body["user"]["id"]
        channel, ts = _where(body)
        callback = DECIDED_VIEW if action.get("action_id") == MADE else NOT_ME_VIEW
        workspace, admin = self.presser(body)
        with transaction(self.services.sessions) as session:
            decision = store.get_decision(session, decision_id=decision_id or 0)
            if decision is not None and not in_workspace(decision, workspace):
                decision = None  # another workspace's decision: not there, as far as they know
            problem: Answer | None = message(
                f"I can't find decision {decision_id}.", kind="not_found"
            )
            if decision is not None:
                problem = check_answerable(session, decision, actor=user, is_admin=admin)
            if decision is None or problem is not None:
                self.tell(respond, problem or message("That decision is gone.", kind="not_found"))
                return
            meta = {"decision_id": decision.id, "channel": channel, "ts": ts}
            view = modal(decision, callback_id=callback, meta=meta)
        client.views_open(trigger_id=body["trigger_id"], view=view)

    def snooze(
        self, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond
    ) -> None:
        """Snooze a week (button) or until the day picked (datepicker); note it on the DM."""
        decision_id = decision_id_of(action)
        picked = action.get("selected_date")
        try:
            until = date.fromisoformat(str(picked)) if picked else None
        except ValueError:  # Slack sends YYYY-MM-DD; anything else is not from the picker
            respond(text=BAD_DATE, response_type="ephemeral", replace_original=False)
            return
        result = self.answer(body, decision_id or 0, "snooze", until=until)
        channel, ts = _where(body)
        if not result.ok or not channel or not ts:
            self.tell(respond, result)
            return
        self._update(
            client, channel, ts, snoozed_message(body.get("message") or {}, render_text(result))
        )

    def submit(
        self, ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient
    ) -> None:
        """Store the answer before acknowledging, so a refusal keeps the modal open with the
        reason; then update the DM (Bolt starts lazy listeners alongside this one, which would
        be too early to see the answer)."""
        meta = _meta(view)
        action = "decision_made" if view.get("callback_id") == DECIDED_VIEW else "not_me"
        result = self.answer(body, int(meta.get("decision_id") or 0), action, note=_note(view))
        if not result.ok:
            ack(response_action="errors", errors={NOTE_BLOCK: truncate(render_text(result), 150)})
            return
        ack()
        channel, ts = meta.get("channel"), meta.get("ts")
        with transaction(self.services.sessions) as session:
            decision = store.get_decision(session, decision_id=int(meta.get("decision_id") or 0))
            if decision is None or not channel or not ts:
                return
            update = closed_message(decision, _outcome(decision))
        self._update(client, channel, ts, update)

    @staticmethod
    def _update(client: WebClient, channel: str, ts: str, update: dict[str, Any]) -> None:
        try:
            client.chat_update(channel=channel, ts=ts, **update)
        except Exception:  # the answer is stored; only the DM shows the old state
            log.exception("could not update the nudge message after an answer")


def register(app: App, services: Services) -> None:
    listeners = NudgeListeners(services)
    app.action(MADE)(ack=listeners.acknowledge, lazy=[listeners.open_modal])
    app.action(NOT_ME)(ack=listeners.acknowledge, lazy=[listeners.open_modal])
    app.action(SNOOZE)(ack=listeners.acknowledge, lazy=[listeners.snooze])
    app.action(SNOOZE_UNTIL)(ack=listeners.acknowledge, lazy=[listeners.snooze])
    app.view(DECIDED_VIEW)(listeners.submit)
    app.view(NOT_ME_VIEW)(listeners.submit)


def _outcome(decision: Decision) -> str:
    """What the DM says once answered: the decision recorded, or handed back."""
    if decision.resolved_on is not None:
        return f"Decision recorded: {decision.resolution or ''}"
    return "Handed back to the SECAS administrators; you won't be nudged about it again."
