"""Link unfurls: a modification's page on the SEC website shown as a small status card."""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.slack.blocks import render_blocks
from bot.slack.chat import ask, context_for, workspace_of
from storage import queries

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger(__name__)

DOMAIN = "smartenergycodecompany.co.uk"
_PAGE = re.compile(
    r"https?://(?:www\.)?smartenergycodecompany\.co\.uk/modifications/(?P<slug>[A-Za-z0-9][\w\-]*)"
    r"/?(?:[?#].*)?"
)


def slug_of(url: str) -> str | None:
    """The modification slug of a page URL on the SEC website, else None."""
    match = _PAGE.fullmatch(url.strip())
    return match.group("slug").lower() if match else None


def build_unfurls(services: Services, links: list[dict[str, Any]], **who: Any) -> dict[str, Any]:
    """For each modification page we know, the blocks of its status card, keyed by URL."""
    unfurls: dict[str, Any] = {}
    for link in links:
        url = str(link.get("url") or "")
        slug = slug_of(url)
        if slug is None or url in unfurls:
            continue
        with services.sessions() as session:
            mod = queries.get_modification_by_slug(session, slug=slug)
            ref = mod.ref if mod else None
        if ref is None:
            continue
        answer = ask(services, f"status {ref}", context_for(services, **who)).answer
        if answer.kind == "status":
            unfurls[url] = {
                "blocks": render_blocks("unfurl", m=answer.model, meta=answer.meta, ok=answer.ok)
            }
    return unfurls


def _target(event: dict[str, Any]) -> dict[str, Any]:
    """Where the unfurl goes: a posted message, or a message still in the composer."""
    if event.get("source") == "composer" and event.get("unfurl_id"):
        return {"unfurl_id": event["unfurl_id"], "source": "composer"}
    return {"channel": event["channel"], "ts": event["message_ts"]}


def register(app: App, services: Services) -> None:
    def acknowledge(ack: Ack) -> None:
        ack()

    def unfurl(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        try:
            who = {
                "user": event.get("user"),
                "channel": event.get("channel"),
                "workspace": workspace_of(context),
            }
            unfurls = build_unfurls(services, list(event.get("links") or []), **who)
            if unfurls:
                client.chat_unfurl(unfurls=unfurls, **_target(event))
        except Exception:  # nobody asked, so nobody to apologise to
            log.exception("unfurling links failed")

    app.event("link_shared")(ack=acknowledge, lazy=[unfurl])
