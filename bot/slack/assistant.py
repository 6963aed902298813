"""secbot in Slack's assistant pane (the split view), with slack_bolt's ``Assistant``.

Opening the pane starts a thread: secbot greets the person and sets suggested prompts drawn
from what they follow (their Contact rows as Proposer or follower, their personal
subscriptions to modifications and releases) and what is coming next (the next Working Group,
decisions waiting on them, the next SEC Release), so a prompt is one click from an answer.
Each question in the thread shows a status while it is answered (assistant.threads.setStatus,
cleared by Slack when the answer is posted) and the thread is titled after its first question
(assistant.threads.setTitle). Answers come from the router, exactly as /sec and DMs: no
external AI service is involved.

Scopes: assistant:write (and chat:write, im:history). Events: assistant_thread_started,
assistant_thread_context_changed, message.im.
"""

from __future__ import annotations

import logging
import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from slack_bolt import Ack, App, Assistant, BoltContext
from slack_sdk import WebClient

from bot.answers.home import HomeModel, build_home
from bot.slack.chat import apologise, context_for, reply, workspace_of
from sec.markup import truncate
from sec.timefmt import today
from storage.subscriptions import list_subscriptions
from storage.tenancy_models import DEFAULT_WORKSPACE

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger(__name__)

MAX_PROMPTS = 4  # what Slack shows
TITLE_LENGTH = 60
PROMPTS_TITLE = "Ask about what you follow"
GREETING = (
    "Hello! Ask me where a modification stands, what is in a SEC Release, or what is due "
    "before the next meeting. Pick a suggestion below or type a question."
)
STATUS = "is looking that up…"
_UNSAFE = re.compile(r"[<>&*_~`]")  # a prompt is sent as the person's own message


@dataclass(frozen=True)
class Prompt:
    title: str
    message: str

    def as_slack(self) -> dict[str, str]:
        return {"title": self.title, "message": self.message}


def _clean(text: str) -> str:
    return truncate(_UNSAFE.sub("", text).strip(), TITLE_LENGTH)


def build_prompts(home: HomeModel, *, refs: list[str], releases: list[str]) -> list[Prompt]:
    """Up to four prompts: followed modifications first, then deadlines, decisions, releases."""
    prompts: list[Prompt] = []
    followed = [row.ref for row in home.mine] + [r for r in refs if r]
    for ref in list(dict.fromkeys(followed))[:2]:
        prompts.append(Prompt(f"Where is {_clean(ref)} now?", f"Where is {_clean(ref)} now?"))
    for line in home.meetings[:1]:
        month = f"{line.day:%B}"
        question = f"What's due before the {month} {line.label}?"
        prompts.append(Prompt(_clean(question), _clean(question)))
    if home.decisions:
        prompts.append(Prompt("What's waiting on me?", "pending mine"))
    for name in releases[:1]:
        prompts.append(Prompt(_clean(f"What's in {name}?"), _clean(f"release {name}")))
    if home.release is not None:
        prompts.append(Prompt(_clean(f"What's in the {home.release.title}?"), "releases"))
    prompts.append(Prompt("What deadlines are coming up?", "deadlines"))
    return _unique(prompts)[:MAX_PROMPTS]


def _unique(prompts: list[Prompt]) -> list[Prompt]:
    seen: set[str] = set()
    kept = []
    for prompt in prompts:
        if prompt.title not in seen:
            seen.add(prompt.title)
            kept.append(prompt)
    return kept


def prompts_for(services: Services, *, user: str, workspace: str | None) -> list[Prompt]:
    """The suggested prompts for a person, from the store as it is now."""
    ctx = context_for(services, user=user, channel=None, workspace=workspace, is_direct=True)
    with services.sessions() as session:
        home = build_home(
            session,
            user_id=user,
            as_of=ctx.as_of or today(),
            is_admin=ctx.is_admin,
            workspace=ctx.workspace,
        )
        mine = list_subscriptions(
            session, surface="slack", channel=user, workspace=workspace or DEFAULT_WORKSPACE
        )
    refs = [s.value for s in mine if s.topic == "ref"]
    releases = [s.value for s in mine if s.topic == "release"]
    return build_prompts(home, refs=refs, releases=releases)


class TitledThreads:
    """Threads already titled (bounded, per process): only the first question names one."""

    def __init__(self, size: int = 10_000) -> None:
        self._seen: OrderedDict[tuple[str, str], None] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def first(self, channel: str, thread_ts: str) -> bool:
        with self._lock:
            key = (channel, thread_ts)
            if key in self._seen:
                return False
            self._seen[key] = None
            while len(self._seen) > self._size:
                self._seen.popitem(last=False)
            return True


def build_assistant(services: Services) -> Assistant:
    assistant = Assistant()
    titled = TitledThreads()

    def acknowledge(ack: Ack) -> None:
        ack()

    def started(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        thread = event.get("assistant_thread") or {}
        channel, thread_ts = str(thread.get("channel_id") or ""), str(thread.get("thread_ts") or "")
        user = str(thread.get("user_id") or context.user_id or "")
        try:
            client.chat_postMessage(channel=channel, thread_ts=thread_ts, text=GREETING)
            prompts = prompts_for(services, user=user, workspace=workspace_of(context))
            client.assistant_threads_setSuggestedPrompts(
                channel_id=channel,
                thread_ts=thread_ts,
                title=PROMPTS_TITLE,
                prompts=[p.as_slack() for p in prompts],
            )
        except Exception:
            log.exception("starting an assistant thread failed")

    def question(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        channel, thread_ts = event["channel"], event["thread_ts"]
        text = str(event.get("text") or "")
        try:
            client.assistant_threads_setStatus(
                channel_id=channel, thread_ts=thread_ts, status=STATUS
            )
            if titled.first(channel, thread_ts):
                client.assistant_threads_setTitle(
                    channel_id=channel, thread_ts=thread_ts, title=truncate(text, TITLE_LENGTH)
                )
            ctx = context_for(
                services,
                user=event.get("user"),
                channel=channel,
                workspace=workspace_of(context),
                is_direct=True,
            )
            payload, _ = reply(services, text, ctx)
            client.chat_postMessage(channel=channel, thread_ts=thread_ts, **payload)
        except Exception:
            apologise(
                client.chat_postMessage,
                "an assistant question",
                channel=channel,
                thread_ts=thread_ts,
            )

    assistant.thread_started(lazy=[started])(acknowledge)
    assistant.user_message(lazy=[question])(acknowledge)
    # secbot answers from the store, not from what the person is looking at: the context is
    # acknowledged and not kept (Bolt's default would write it into the thread's metadata).
    assistant.thread_context_changed(acknowledge)
    return assistant


def register(app: App, services: Services) -> None:
    app.assistant(build_assistant(services))
