"""Administrators add papers from chat: send a file to secbot, or `/sec ingest <link>`.

`/sec ingest` goes through the router like every command (bot.answers.ingest: administrators
checked there); the `/sec` listener (bot.slack.commands) hands the link to ``offer_link``,
which fetches and reads it here on the ingest pool.

The file is fetched (bot/slack/ingest_fetch.py), read and diffed against the store, kept as a
pending ingest, and shown as a diff with **Apply** and **Discard** (bot/slack/ingest_view.py):
ephemerally for `/sec`, in the conversation for a file sent in a direct message. Apply writes the
stored change set in one transaction and updates the message; a second click changes nothing.

Everything is acknowledged at once and done in lazy listeners on the ingest pool
(bot.slack.pools: two threads, apart from everyone's answers), so slow papers never hold an ack
or another person's answer. The download has a deadline (bot.slack.ingest_fetch) and the file is
read in a child process with a deadline and a memory ceiling (bot.slack.ingest_process); what
is refused, and why, is told to the person who sent it.

One upload in a DM arrives twice when both ``message.im`` and ``file_shared`` are subscribed; each
(file, share) is claimed once in the event-receipt table, so it is read and answered once. This
module is registered before the general message listener, whose catch-all would otherwise take
files sent in a DM (Bolt runs the first listener that matches).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.answers.ingest import USAGE
from bot.escaping import escape_mrkdwn
from bot.slack.blocks import fit, message_payload, section
from bot.slack.chat import apologise, context_for, is_direct_channel, workspace_of
from bot.slack.dedupe import first_delivery
from bot.slack.ingest_fetch import (
    Fetched,
    FetchRefused,
    fetch_slack_file,
    fetch_url,
    share_ts,
    slack_file_id,
)
from bot.slack.ingest_process import read_bounded, warm_up
from bot.slack.ingest_view import closed_view, diff_payload, diff_view, who
from bot.slack.pools import ingest_work
from bot.views import message
from sec.timefmt import LONDON, now, today, uk_datetime
from storage import pending_ingests as store
from storage.db import transaction
from storage.ingest import UnreadableDocument
from storage.ingest_models import APPLIED, EXPIRED, PendingIngest

if TYPE_CHECKING:
    from bot.context import Context
    from bot.services import Services

log = logging.getLogger(__name__)

COMMAND = "/sec"
APPLY, DISCARD = "secbot_ingest_apply", "secbot_ingest_discard"
FILES_PER_MESSAGE = 5
UTC = ZoneInfo("UTC")
NOT_ADMIN = (
    "Sorry, only secbot administrators can add papers to the store. Please send the paper to a "
    "SECAS analyst."
)
BUSY = (
    "I am reading other papers just now; please send `/sec ingest` again in a minute. "
    "Nothing was stored or changed."
)
__all__ = ["USAGE", "Ingester", "offer_link", "register"]


def is_file_in_dm(event: dict[str, Any]) -> bool:
    """A person's direct message to secbot with files attached."""
    return (
        event.get("channel_type") == "im"
        and bool(event.get("files"))
        and event.get("subtype") in (None, "file_share")
        and not event.get("bot_id")
        and bool(event.get("user"))
    )


def _text(text: str) -> dict[str, Any]:
    return message_payload(message(text))


def _mrkdwn(text_mrkdwn: str) -> dict[str, Any]:
    """A one-section message from text already escaped (it may hold a <@user> mention)."""
    return {"text": text_mrkdwn, "blocks": fit([section(text_mrkdwn)])}


def _is_admin(
    services: Services, user: str | None, channel: str | None, team: str | None = None
) -> bool:
    return context_for(services, user=user, channel=channel, workspace=team).is_admin


def _workspace(services: Services, user: str | None, team: str | None) -> str:
    """The workspace key offers are kept under (bot.tenancy): only it may decide them."""
    return context_for(services, user=user, channel=None, workspace=team).workspace or "default"


class Ingester:
    """Fetch, read, diff and keep a paper; apply or discard it on a click."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.limits = services.settings.ingest

    @property
    def tz(self) -> ZoneInfo:
        return LONDON  # the SEC's zone: a constant, not a setting

    def fetch(self, client: WebClient, link: str) -> Fetched:
        """A link typed after `/sec ingest`: a Slack file, or a web address."""
        file_id = slack_file_id(link)
        if file_id:
            return self.fetch_file(client, file_id)
        return fetch_url(link, prefixes=self.limits.url_prefixes, max_bytes=self.limits.max_bytes)

    def fetch_file(self, client: WebClient, file_id: str) -> Fetched:
        base = self.services.settings.slack.api_base_url
        return fetch_slack_file(client, file_id, max_bytes=self.limits.max_bytes, api_base_url=base)

    def offer(
        self, fetched: Fetched, *, user: str, channel: str | None, workspace: str = "default"
    ) -> tuple[dict, int | None]:
        """The diff message for a fetched file, and the pending id (None: nothing to apply)."""
        changes = read_bounded(fetched.data, file_name=fetched.name, today=today(self.tz))
        with transaction(self.services.sessions) as session:
            prepared = store.prepare(
                session,
                changes,
                checksum=store.checksum_of(fetched.data),
                file_name=fetched.name,
                source=fetched.source,
                requested_by=user,
                channel=channel,
                now=now(self.tz),
                workspace=workspace,
            )
            if prepared.pending is None:
                return _text(
                    f"{fetched.name} is already in the store (it was ingested before); "
                    "nothing to apply."
                ), None
            title = prepared.changes.documents[0].title if prepared.changes.documents else None
            view = diff_view(prepared.pending, prepared.report, title)
            return diff_payload(view), prepared.pending.id

    def answer(
        self,
        fetch: Callable[[], Fetched],
        *,
        user: str,
        channel: str | None,
        workspace: str = "default",
    ) -> tuple[dict, int | None]:
        """Fetch and offer, turning a refused or unreadable file into a message for the user."""
        try:
            return self.offer(fetch(), user=user, channel=channel, workspace=workspace)
        except (FetchRefused, UnreadableDocument) as exc:
            problem = f"I could not read that paper: {exc}. Nothing was stored or changed."
            return _text(problem), None

    def decide(
        self, pending_id: int, *, user: str, apply: bool, workspace: str = "default"
    ) -> Click:
        """Apply or discard, once; the message to show where the buttons were, if it changed."""
        with transaction(self.services.sessions) as session:
            act = store.apply_pending if apply else store.discard_pending
            decided = act(
                session, pending_id=pending_id, actor=user, now=now(self.tz), workspace=workspace
            )
            pending = decided.pending
            if pending is None or not (decided.moved or pending.state == EXPIRED):
                return Click(pending, decided.moved, None)
            if decided.report is not None:
                title = (pending.changes.get("documents") or [{}])[0].get("title")
                return Click(pending, True, diff_payload(diff_view(pending, decided.report, title)))
            return Click(pending, decided.moved, diff_payload(closed_view(pending)))


@dataclass(frozen=True)
class Click:
    """What a click on Apply or Discard did."""

    pending: PendingIngest | None
    moved: bool  # this click decided it
    message: dict[str, Any] | None  # the new diff message, when it changed


def already(pending: PendingIngest | None) -> str:
    """What to tell someone who clicked on a paper that was already decided."""
    if pending is None:
        return "I have no record of that paper; send it again to ingest it."
    if pending.state == EXPIRED:
        return "That paper waited more than 7 days and lapsed; nothing was written. Send it again."
    when = uk_datetime(pending.decided_at) if pending.decided_at else "earlier"
    done = f"{pending.state} by {who(pending.decided_by)} on {when}"
    if pending.state == APPLIED and pending.outcome:
        done += f" ({escape_mrkdwn(pending.outcome)})"
    return f"That paper was already {done}; nothing changed."


def register(app: App, services: Services) -> None:
    ingester = Ingester(services)
    warm_up()

    def acknowledge(ack: Ack) -> None:
        ack()

    def post_offer(
        client: WebClient,
        file_id: str,
        *,
        user: str,
        channel: str,
        thread: str | None,
        team: str | None = None,
    ) -> None:
        try:
            if not _is_admin(services, user, channel, team):
                client.chat_postMessage(channel=channel, thread_ts=thread, **_text(NOT_ADMIN))
                return
            payload, pending_id = ingester.answer(
                lambda: ingester.fetch_file(client, file_id),
                user=user,
                channel=channel,
                workspace=_workspace(services, user, team),
            )
            sent = client.chat_postMessage(channel=channel, thread_ts=thread, **payload)
            if pending_id is not None:
                with transaction(services.sessions) as session:
                    store.set_message(
                        session, pending_id=pending_id, channel=channel, message_ts=str(sent["ts"])
                    )
        except Exception:
            apologise(
                client.chat_postMessage, "a paper sent to secbot", channel=channel, thread_ts=thread
            )

    def claim(file_id: str, share: str) -> bool:
        return first_delivery(services.engine, f"ingest:{file_id}:{share}"[:64], at=now(UTC))

    @ingest_work
    def file_in_dm(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        for item in (event.get("files") or [])[:FILES_PER_MESSAGE]:
            file_id = str(item.get("id") or "")
            if file_id and claim(file_id, str(event["ts"])):
                post_offer(
                    client,
                    file_id,
                    user=str(event["user"]),
                    channel=event["channel"],
                    thread=event.get("thread_ts"),
                    team=workspace_of(context),
                )

    @ingest_work
    def file_shared(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        channel, user = str(event.get("channel_id") or ""), str(event.get("user_id") or "")
        file_id = str(event.get("file_id") or (event.get("file") or {}).get("id") or "")
        if not (is_direct_channel(channel) and file_id and user) or user == context.bot_user_id:
            return  # files shared in channels are not offered for ingestion
        share = share_ts(client, file_id, channel) or str(event.get("event_ts") or "")
        if claim(file_id, share):
            post_offer(
                client,
                file_id,
                user=user,
                channel=channel,
                thread=None,
                team=workspace_of(context),
            )

    def on_click(
        body: dict[str, Any], action: dict[str, Any], respond: Respond, client: WebClient
    ) -> None:
        try:
            _click(ingester, services, body, action, respond, client)
        except Exception:
            apologise(
                respond, "an ingest button", response_type="ephemeral", replace_original=False
            )

    app.event("message", matchers=[is_file_in_dm])(ack=acknowledge, lazy=[file_in_dm])
    app.event("file_shared")(ack=acknowledge, lazy=[file_shared])
    app.action(APPLY)(ack=acknowledge, lazy=[on_click])
    app.action(DISCARD)(ack=acknowledge, lazy=[on_click])


def offer_link(
    ingester: Ingester,
    pool: Executor | None,
    link: str,
    *,
    ctx: Context,
    respond: Respond,
    client: WebClient,
) -> None:
    """`/sec ingest <link>`, accepted by the router: fetch, read and offer it on the ingest pool
    (inline without one), answering ephemerally; a full pool is told, not queued."""

    def work() -> None:
        try:
            payload, _ = ingester.answer(
                lambda: ingester.fetch(client, link),
                user=ctx.user or "",
                channel=ctx.channel,
                workspace=ctx.workspace or "default",
            )
            respond(**payload, response_type="ephemeral")
        except Exception:
            apologise(respond, "/sec ingest", response_type="ephemeral")

    if pool is None:
        work()
        return
    refused = pool.submit(work)
    if refused.done() and refused.exception() is not None:
        respond(**_text(BUSY), response_type="ephemeral")


def _click(
    ingester: Ingester,
    services: Services,
    body: dict[str, Any],
    action: dict[str, Any],
    respond: Respond,
    client: WebClient,
) -> None:
    """Apply or Discard pressed: re-check the presser, decide once, update the message."""
    user = str((body.get("user") or {}).get("id") or "")
    container = body.get("container") or {}
    channel = container.get("channel_id") or (body.get("channel") or {}).get("id")
    team = workspace_of(
        {
            "team_id": (body.get("team") or {}).get("id"),
            "enterprise_id": (body.get("enterprise") or {}).get("id"),
            "is_enterprise_install": body.get("is_enterprise_install"),
        }
    )
    if not _is_admin(services, user, channel, team):
        respond(**_text(NOT_ADMIN), response_type="ephemeral", replace_original=False)
        return
    value = str(action.get("value") or "")
    click = ingester.decide(
        int(value) if value.isdigit() and len(value) <= 12 else 0,
        user=user,
        apply=action.get("action_id") == APPLY,
        workspace=_workspace(services, user, team),
    )
    if click.message is not None:
        if container.get("is_ephemeral") or not (channel and container.get("message_ts")):
            respond(**click.message, replace_original=True)
        else:
            client.chat_update(channel=channel, ts=container["message_ts"], **click.message)
    if not click.moved:
        respond(
            **_mrkdwn(already(click.pending)), response_type="ephemeral", replace_original=False
        )
