"""Link unfurls: a modification's page on the SEC website shown as a Work Object, or as a
small status card where the workspace has no Work Objects.

Each link is answered by the router (``status <ref>``), then rendered twice from templates: the
classic card (templates/slack/unfurl) and the Work Object entity (templates/slack/work_object),
sent together in one chat.unfurl. If Slack refuses the entity metadata, the call is made again
with the card alone and the workspace is remembered as having no Work Objects (for this
process). Clicking a Work Object opens the flexpane: ``entity_details_requested`` is answered
with entity.presentDetails, the same fields plus the modification's history.

A link is unfurled at most once per channel in 30 minutes (storage.unfurls); a channel can turn
unfurls off with ``/sec unfurls off``. Composer previews (not yet posted) are always shown.
"""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.links import ref_for_url, slug_of
from bot.slack.blocks import render_blocks
from bot.slack.chat import ask, context_for, workspace_of
from bot.templating import render
from bot.views import Answer
from sec.timefmt import now
from storage import unfurls as store

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger(__name__)

__all__ = ["ref_for_url", "register", "slug_of"]

RATE = timedelta(minutes=30)
MAX_LINKS = 10  # links unfurled from one message
# Errors that are about the request, not the entity: trying again without it would not help.
_NOT_ABOUT_ENTITIES = frozenset(
    {"ratelimited", "invalid_auth", "not_authed", "token_revoked", "account_inactive"}
)


@dataclass
class Unfurls:
    """What one chat.unfurl carries: classic cards by URL, and Work Object entities."""

    cards: dict[str, Any] = field(default_factory=dict)
    entities: list[dict[str, Any]] = field(default_factory=list)


def work_object(answer: Answer, posted_url: str, history: Answer | None = None) -> dict[str, Any]:
    """The Work Object entity of a status answer (with the history, for the flexpane)."""
    if history is None:
        return dict(
            json.loads(render("slack", "work_object", m=answer.model, posted_url=posted_url))
        )
    text = render(
        "slack", "work_object_details", m=answer.model, h=history.model, posted_url=posted_url
    )
    return dict(json.loads(text))


def build_unfurls(services: Services, links: list[dict[str, Any]], **who: Any) -> Unfurls:
    """For each modification page we know, its card and its Work Object."""
    built = Unfurls()
    for link in links[:MAX_LINKS]:
        url = str(link.get("url") or "")
        ref = ref_for_url(services, url) if url not in built.cards else None
        if ref is None:
            continue
        answer = ask(services, f"status {ref}", context_for(services, **who)).answer
        if answer.kind != "status":
            continue
        blocks = render_blocks("unfurl", m=answer.model, meta=answer.meta, ok=answer.ok)
        built.cards[url] = {"blocks": blocks}
        built.entities.append(work_object(answer, url))
    return built


class WorkObjectSupport:
    """Workspaces where Slack refused Work Object metadata (remembered for the process)."""

    def __init__(self) -> None:
        self._without: set[str] = set()
        self._lock = threading.Lock()

    def available(self, workspace: str | None) -> bool:
        with self._lock:
            return (workspace or "") not in self._without

    def refused(self, workspace: str | None) -> None:
        with self._lock:
            self._without.add(workspace or "")


def send_unfurls(
    client: WebClient,
    built: Unfurls,
    target: dict[str, Any],
    *,
    support: WorkObjectSupport,
    workspace: str | None,
) -> str:
    """chat.unfurl with Work Objects where they work; returns "work_objects" or "classic"."""
    if built.entities and support.available(workspace):
        try:
            client.chat_unfurl(unfurls=built.cards, metadata={"entities": built.entities}, **target)
            return "work_objects"
        except SlackApiError as exc:
            error = str(exc.response.get("error") or "")
            if error in _NOT_ABOUT_ENTITIES:
                raise
            log.info("Work Object unfurl refused (%s); sending the classic card", error)
            support.refused(workspace)
    client.chat_unfurl(unfurls=built.cards, **target)
    return "classic"


def _target(event: dict[str, Any]) -> dict[str, Any]:
    """Where the unfurl goes: a posted message, or a message still in the composer."""
    if event.get("source") == "composer" and event.get("unfurl_id"):
        return {"unfurl_id": event["unfurl_id"], "source": "composer"}
    return {"channel": event["channel"], "ts": event["message_ts"]}


def _allowed(
    services: Services, event: dict[str, Any], built: Unfurls, workspace: str | None
) -> Unfurls:
    """The links this channel may see unfurled now: unfurls on, each link's slot free."""
    if "unfurl_id" in _target(event):
        return built
    channel = str(event.get("channel") or "")
    kept = Unfurls()
    with services.sessions() as session, session.begin():
        if not store.unfurls_enabled(session, surface="slack", channel=channel):
            return kept
        for entity in built.entities:
            url = str(entity["app_unfurl_url"])
            if store.take_unfurl_slot(
                session, channel=channel, url=url, now=now(), every=RATE, workspace=workspace
            ):
                kept.cards[url] = built.cards[url]
                kept.entities.append(entity)
    return kept


def present_details(
    services: Services, event: dict[str, Any], client: WebClient, **who: Any
) -> None:
    """The flexpane of a modification's Work Object: its fields and its history."""
    ref = str((event.get("external_ref") or {}).get("id") or "")
    url = str(event.get("app_unfurl_url") or event.get("entity_url") or "")
    ctx = context_for(services, **who)
    status = ask(services, f"status {ref}", ctx).answer if ref else None
    if status is None or status.kind != "status":
        client.entity_presentDetails(
            trigger_id=event["trigger_id"],
            error={
                "status": "custom",
                "custom_title": "Not found",
                "custom_message": "secbot no longer knows this modification.",
            },
        )
        return
    history = ask(services, f"history {ref}", ctx).answer
    entity = work_object(status, url, history if history.kind == "history" else None)
    client.entity_presentDetails(trigger_id=event["trigger_id"], metadata=entity)


def register(app: App, services: Services) -> None:
    support = WorkObjectSupport()

    def acknowledge(ack: Ack) -> None:
        ack()

    def unfurl(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        try:
            workspace = workspace_of(context)
            who = {
                "user": event.get("user"),
                "channel": event.get("channel"),
                "workspace": workspace,
            }
            built = build_unfurls(services, list(event.get("links") or []), **who)
            built = _allowed(services, event, built, workspace) if built.cards else built
            if built.cards:
                send_unfurls(client, built, _target(event), support=support, workspace=workspace)
        except Exception:  # nobody asked, so nobody to apologise to
            log.exception("unfurling links failed")

    def details(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        try:
            who = {
                "user": event.get("user"),
                "channel": event.get("channel"),
                "workspace": workspace_of(context),
            }
            present_details(services, event, client, **who)
        except Exception:
            log.exception("presenting a Work Object's details failed")

    app.event("link_shared")(ack=acknowledge, lazy=[unfurl])
    app.event("entity_details_requested")(ack=acknowledge, lazy=[details])
