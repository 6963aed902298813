"""Writing a live tracker to Slack: a channel canvas, or one pinned message edited in place.

- First write: ``conversations.canvases.create`` (the channel's canvas). Its id is recorded at
  once (``TrackerBook``), so a retry edits instead of creating again. A channel that already has
  a canvas is never taken over; free workspaces and tokens that cannot make canvases answer with
  an error (``NO_CANVAS``): the tracker becomes a pinned message, and says why.
- Rewrites: ``canvases.edit`` replacing the whole document (a retry writes the same content
  again, which is harmless), or ``chat.update`` of the pinned message.
- Pinned form: ``chat.postMessage`` with the tracker's own metadata key, found again in the
  channel's history if a crash hid the answer, then ``pins.add`` (``already_pinned`` is fine).
- A row whose content is not the tracker's latest, or whose tracker was stopped, is skipped: the
  newer row (if any) writes the newer content.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from jobs.context import SendResult
from storage.outbox import ClaimedDelivery
from storage.tracker_models import CANVAS
from storage.trackers import TrackerBook, TrackerState

log = logging.getLogger(__name__)

# Slack's answers when this workspace, token or channel cannot have our channel canvas.
NO_CANVAS = frozenset(
    {
        "free_teams_cannot_create_non_tab_canvases",
        "free_team_canvas_tab_already_exists",
        "not_allowed_token_type",
        "canvas_disabled_user_team",
        "canvas_creation_failed",
        "team_tier_cannot_create_channel_canvases",
        "channel_canvas_already_exists",
        "restricted_action",
        "missing_scope",
        "not_supported",
    }
)
GONE = frozenset({"canvas_not_found", "canvas_deleted", "message_not_found", "cant_update_message"})
PINNED_NOTE = (
    "Canvases are not available for secbot here, so this pinned message is the tracker; "
    "it is edited in place."
)
TAKEN_NOTE = (
    "This channel already has a canvas, which secbot leaves alone, so this pinned message is "
    "the tracker; it is edited in place."
)
HISTORY_PAGES = 5


def tracker_of(payload: dict[str, Any]) -> dict[str, Any] | None:
    spec = payload.get("tracker")
    return spec if isinstance(spec, dict) else None


def send_tracker(
    client: WebClient,
    book: TrackerBook,
    delivery: ClaimedDelivery,
    *,
    channel: str,
) -> SendResult:
    """Create or rewrite the tracker of one outbox row (see the module docstring)."""
    spec = tracker_of(delivery.payload)
    assert spec is not None
    state = book.state(int(spec["id"]))
    if state is None or not state.active:
        return SendResult("skipped", error="the tracker was stopped")
    if state.digest != spec.get("digest"):
        return SendResult("skipped", error="superseded by a newer rewrite")
    if state.form == CANVAS:
        done = _write_canvas(client, book, state, channel=channel, spec=spec)
        if done is not None:
            return done
        state = book.state(state.id) or state  # fell back to the pinned form
    return _write_pinned(client, book, state, delivery, channel=channel)


def _document(spec: dict[str, Any]) -> dict[str, str]:
    return {"type": "markdown", "markdown": str(spec["markdown"])}


def _write_canvas(
    client: WebClient, book: TrackerBook, state: TrackerState, *, channel: str, spec: dict[str, Any]
) -> SendResult | None:
    """The canvas written; None when canvases are not available (use the pinned form)."""
    if state.canvas_id:
        try:
            changes = [{"operation": "replace", "document_content": _document(spec)}]
            client.canvases_edit(canvas_id=state.canvas_id, changes=changes)
            return SendResult("sent", ts=state.canvas_id)
        except SlackApiError as exc:
            if _error(exc) not in GONE:
                raise
            log.info("tracker %s: its canvas is gone; making a new one", state.id)
    try:
        made = client.conversations_canvases_create(
            channel_id=channel, document_content=_document(spec)
        )
    except SlackApiError as exc:
        error = _error(exc)
        if error not in NO_CANVAS:
            raise
        log.info("tracker %s: no canvas here (%s); pinning a message instead", state.id, error)
        book.use_pinned(state.id, error)
        return None
    canvas_id = str(made["canvas_id"])
    book.record_canvas(state.id, canvas_id)
    return SendResult("sent", ts=canvas_id)


def _write_pinned(
    client: WebClient,
    book: TrackerBook,
    state: TrackerState,
    delivery: ClaimedDelivery,
    *,
    channel: str,
) -> SendResult:
    payload = delivery.payload
    blocks = list(payload["blocks"])
    if state.form_reason:
        said = TAKEN_NOTE if state.form_reason == "channel_canvas_already_exists" else PINNED_NOTE
        note = {"type": "context", "elements": [{"type": "mrkdwn", "text": said}]}
        blocks = [*blocks[:49], note]
    message = {"text": payload["text"], "blocks": blocks, "metadata": payload["metadata"]}
    if state.message_ts:
        try:
            client.chat_update(channel=channel, ts=state.message_ts, **message)
            return SendResult("sent", ts=state.message_ts)
        except SlackApiError as exc:
            if _error(exc) not in GONE:
                raise
            book.record_message(state.id, None)  # deleted in Slack: post and pin a new one
    key = str(payload["metadata"]["event_payload"]["key"])
    ts = _find_pinned(client, channel, key, delivery) if delivery.attempts > 1 else None
    if ts is None:
        posted = client.chat_postMessage(
            channel=channel, **message, unfurl_links=False, unfurl_media=False
        )
        ts = str(posted["ts"])
    book.record_message(state.id, ts)
    try:
        client.pins_add(channel=channel, timestamp=ts)
    except SlackApiError as exc:
        if _error(exc) != "already_pinned":
            log.warning("tracker %s: could not pin its message (%s)", state.id, _error(exc))
    return SendResult("sent", ts=ts)


def _find_pinned(
    client: WebClient, channel: str, key: str, delivery: ClaimedDelivery
) -> str | None:
    """Our earlier post of this tracker (a crash hid Slack's answer), by its metadata key."""
    oldest = (delivery.created_at - timedelta(hours=1)).timestamp()
    cursor: str | None = None
    for _ in range(HISTORY_PAGES):
        response = client.conversations_history(
            channel=channel, include_all_metadata=True, oldest=f"{oldest:.6f}", cursor=cursor
        )
        for message in response.get("messages") or []:
            meta = message.get("metadata") or {}
            if (meta.get("event_payload") or {}).get("key") == key:
                return str(message["ts"])
        cursor = (response.get("response_metadata") or {}).get("next_cursor") or None
        if not cursor:
            break
    return None


def _error(exc: SlackApiError) -> str:
    response = exc.response
    return str(response.get("error") if hasattr(response, "get") else "") or str(exc)
