"""The message shortcut "Ask secbot about this" (callback id ``ask_secbot``).

On any message, it answers ephemerally, to the person who used it, where each modification
mentioned stands: every reference in the text (MP159, SECMP0007) and every link to a
modification page, first mention first, each answered by the router's ``status``. At most
MAX_REFS are answered; the rest are named so the person can ask.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from slack_bolt import Ack, App
from slack_bolt.context.respond import Respond

from bot.links import ref_for_url
from bot.slack.blocks import MESSAGE_BLOCKS, message_payload
from bot.slack.chat import apologise, ask, context_for, workspace_of
from sec.markup import escape_mrkdwn, truncate
from sec.references import unique_refs

if TYPE_CHECKING:
    from bot.services import Services

CALLBACK_ID = "ask_secbot"
MAX_REFS = 5
MAX_TEXT = 40_000  # Slack's own message limit; anything beyond is not read
_LINK = re.compile(r"<(https?://[^|>\s]+)(?:\|[^>]*)?>|(https?://\S+)")


def references_in(services: Services, text: str) -> list[str]:
    """The modifications a message is about: typed references, then linked pages."""
    text = text[:MAX_TEXT]
    refs = [str(ref) for ref in unique_refs(text)]
    for match in _LINK.finditer(text):
        found = ref_for_url(services, match.group(1) or match.group(2))
        if found is not None:
            refs.append(found)
    return list(dict.fromkeys(refs))


def answer_about(services: Services, text: str, **who: Any) -> dict[str, Any]:
    """The ephemeral answer: one status per reference, in the order they were mentioned."""
    refs = references_in(services, text)
    if not refs:
        note = (
            "I found no modification in that message. I look for references like MP159 or "
            "SECMP0007, and links to modification pages on the SEC website."
        )
        return {"text": note, "blocks": [_section(note)]}
    ctx = context_for(services, **who)
    texts, blocks = [], [_section(f"*About {escape_mrkdwn(_names(refs[:MAX_REFS]))}*")]
    for ref in refs[:MAX_REFS]:
        payload = message_payload(ask(services, f"status {ref}", ctx).answer)
        if len(blocks) + 1 + len(payload["blocks"]) > MESSAGE_BLOCKS - 1:
            break
        blocks += [{"type": "divider"}, *payload["blocks"]]
        texts.append(payload["text"])
    rest = refs[MAX_REFS:]
    if rest:
        more = f"Also mentioned: {_names(rest)}. Ask `/sec status {rest[0]}`."
        blocks.append(
            {"type": "context", "elements": [{"type": "mrkdwn", "text": escape_mrkdwn(more)}]}
        )
        texts.append(more)
    return {"text": truncate("\n\n".join(texts), 3000), "blocks": blocks}


def _names(refs: list[str]) -> str:
    return refs[0] if len(refs) == 1 else ", ".join(refs[:-1]) + " and " + refs[-1]


def _section(mrkdwn: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": truncate(mrkdwn, 3000)}}


def register(app: App, services: Services) -> None:
    def acknowledge(ack: Ack) -> None:
        ack()

    def answer(body: dict[str, Any], respond: Respond) -> None:
        try:
            who = {
                "user": (body.get("user") or {}).get("id"),
                "channel": (body.get("channel") or {}).get("id"),
                "workspace": workspace_of({"team_id": (body.get("team") or {}).get("id")}),
            }
            text = str((body.get("message") or {}).get("text") or "")
            respond(
                **answer_about(services, text, **who),
                response_type="ephemeral",
                replace_original=False,
            )
        except Exception:
            apologise(respond, "the Ask secbot shortcut", response_type="ephemeral")

    app.shortcut(CALLBACK_ID)(ack=acknowledge, lazy=[answer])
