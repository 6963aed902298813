"""Teams link unfurling: a modification page's link pasted in the compose box gets its status
card, through the message extension's ``composeExtension/queryLink`` invoke.

The same router answer as Slack's unfurl (``status <ref>``), drawn by the Teams status card
(templates/teams/status.json.j2), with a thumbnail-card preview (title and stage) for the
compose box. Links secbot does not know get an empty result, so Teams shows its own preview.
The manifest declares the domain under composeExtensions' messageHandlers (bot.teams.manifest).
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from microsoft_teams.api.activities.invoke.message_extension.query_link import (
    MessageExtensionQueryLinkInvokeActivity,
)
from microsoft_teams.api.models import (
    Attachment,
    MessagingExtensionAttachment,
    MessagingExtensionInvokeResponse,
    MessagingExtensionResult,
)
from microsoft_teams.apps import ActivityContext, App

from bot.links import ref_for_url
from bot.teams.cards import ADAPTIVE_CARD, card_for
from bot.teams.messages import teams_context
from bot.views import StatusView
from sec.markup import truncate

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger(__name__)

THUMBNAIL = "application/vnd.microsoft.card.thumbnail"


def link_result(services: Services, url: str, who: Any) -> MessagingExtensionInvokeResponse:
    """The unfurl for one link (blocking: database and router); empty when not ours."""
    ref = ref_for_url(services, url)
    answer = services.router.answer(f"status {ref}", who) if ref else None
    if answer is None or answer.kind != "status" or not isinstance(answer.model, StatusView):
        return _result([])
    m = answer.model
    preview = {
        "title": truncate(f"{m.ref} {m.title}", 200),
        "subtitle": truncate(m.stage_label, 200),
        "text": truncate(m.release.title, 200) if m.release else "",
    }
    attachment = MessagingExtensionAttachment(
        content_type=ADAPTIVE_CARD,
        content=card_for(answer),
        preview=Attachment(content_type=THUMBNAIL, content=preview),
    )
    return _result([attachment])


def _result(attachments: list[MessagingExtensionAttachment]) -> MessagingExtensionInvokeResponse:
    return MessagingExtensionInvokeResponse(
        compose_extension=MessagingExtensionResult(
            type="result", attachment_layout="list", attachments=attachments
        )
    )


def register(app: App, services: Services) -> None:
    async def on_query_link(
        ctx: ActivityContext[MessageExtensionQueryLinkInvokeActivity],
    ) -> MessagingExtensionInvokeResponse:
        url = str(ctx.activity.value.url or "")
        try:
            who = teams_context(ctx.activity, services)  # type: ignore[arg-type,unused-ignore]
            return await asyncio.to_thread(link_result, services, url, who)
        except Exception:
            log.exception("unfurling a Teams link failed")
            return _result([])

    app.on_message_ext_query_link(on_query_link)
