"""Subscriptions: a channel (or a person, in a direct message) asks for reminders on a topic.

TOPIC is all | meetings | deadlines | changes | weekly | <ref> | release <name>, optionally
followed by condensed | full | broadcast (how its change notices read). Typed in a channel it
subscribes the channel; typed in a DM it subscribes the person; @mentioned in a thread, a
modification's or release's notices go in that thread. The same functions serve
`secbot subscribe`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from bot.answers.lookup import find_modification
from bot.answers.releases import find_release
from bot.views import Answer, message
from sec.references import parse_ref
from sec.releases import release_title
from sec.timefmt import now
from storage import subscriptions as store
from storage.models import Subscription
from storage.tenancy_models import DEFAULT_WORKSPACE

if TYPE_CHECKING:
    from bot.router import Context, Router

TOPIC_USAGE = "all | meetings | deadlines | changes | weekly | <ref> | release <name>"
_WORDS = {
    "all": "all",
    "everything": "all",
    "meetings": "meetings",
    "meeting": "meetings",
    "deadlines": "deadlines",
    "deadline": "deadlines",
    "changes": "changes",
    "change": "changes",
    "weekly": "weekly",
    "weekly digest": "weekly",
    "digest weekly": "weekly",
}
# What people read for a one-word topic.
_LABELS = {
    "all": "all reminders",
    "changes": "every change to a modification or release",
    "weekly": "the weekly digest (the week's SEC dates, on its first Working Day)",
}


@dataclass(frozen=True)
class Topic:
    topic: str  # all | meetings | deadlines | ref | release
    value: str = ""
    label: str = ""  # what people read: "MP159 (Credit Cover Review)"


@dataclass(frozen=True)
class Target:
    """Who gets the reminders: a channel, or a person (by user id) in a direct message."""

    surface: str
    channel: str
    person: bool
    label: str | None = None  # how to name it; default "you" or "this channel"
    workspace: str = DEFAULT_WORKSPACE  # whose subscriptions these are (bot.tenancy)

    @property
    def name(self) -> str:
        return self.label or ("you" if self.person else "this channel")

    def verb(self, plural: str, singular: str) -> str:
        """Subject and verb: "You get", "This channel gets"."""
        subject = self.name[:1].upper() + self.name[1:]
        return f"{subject} {plural if self.name == 'you' else singular}"


def parse_topic(session: Session, text: str) -> Topic | Answer:
    """The topic typed, or a helpful answer saying why it is not one."""
    words = text.split()
    if not words:
        return message(
            f"Subscribe to what? Try one of: {TOPIC_USAGE}.", "subscribe meetings", kind="usage"
        )
    first, joined = words[0].lower(), " ".join(words).lower()
    if joined in _WORDS:  # "meetings", "weekly digest"
        topic = _WORDS[joined]
        return Topic(topic, "", _LABELS.get(topic, topic))
    if first in {"release", "rel"}:
        return _release_topic(session, " ".join(words[1:]))
    if parse_ref(text.strip()) is None and parse_ref(words[0]) is None:
        release = find_release(session, text)
        if release is not None:
            return Topic("release", release.name, f"the {release_title(release.name)}")
    found = find_modification(session, text, command="subscribe")
    if found.modification is None:
        assert found.failure is not None
        return found.failure
    mod = found.modification
    return Topic("ref", mod.ref, f"{mod.ref} ({mod.title})")


def _release_topic(session: Session, name: str) -> Topic | Answer:
    release = find_release(session, name) if name.strip() else None
    if release is None:
        return message(
            f"I don't know a SEC Release called “{name}”." if name else "Which release?",
            "releases",
            kind="not_found",
        )
    return Topic("release", release.name, f"the {release_title(release.name)}")


def target_for(ctx: Context) -> Target | None:
    """The person in a direct message, otherwise the channel the command was typed in."""
    workspace = ctx.workspace or DEFAULT_WORKSPACE
    if ctx.is_direct and ctx.user:
        return Target(ctx.surface, ctx.user, person=True, workspace=workspace)
    if ctx.channel:
        return Target(ctx.surface, ctx.channel, person=False, workspace=workspace)
    return None


def subscribe_to(
    session: Session, target: Target, text: str, *, actor: str | None, at: datetime
) -> Answer:
    """Subscribe the target to the topic typed; subscribing twice says so and keeps one row.
    Trailing options (`condensed`, `full`, `broadcast`) set how its change notices read."""
    text, options = split_options(text)
    topic = parse_topic(session, text)
    if isinstance(topic, Answer):
        return topic
    row, created = store.create_subscription(
        session,
        surface=target.surface,
        channel=target.channel,
        topic=topic.topic,
        value=topic.value,
        created_by=actor,
        at=at,
        workspace=target.workspace,
    )
    who = target.name
    how = _apply_options(session, row, options)
    if not created:
        already = target.verb("already get", "already gets")
        return message(f"{already} reminders about {topic.label}.{how}", "subscriptions", ok=True)
    return message(
        f"Done: {who} will get reminders about {topic.label}.{how}", "subscriptions", ok=True
    )


_OPTIONS: dict[str, tuple[str, object]] = {
    "condensed": ("format", "condensed"),
    "full": ("format", "full"),
    "broadcast": ("broadcast", True),
    "nobroadcast": ("broadcast", False),
}


def split_options(text: str) -> tuple[str, dict[str, object]]:
    """ "MP159 condensed broadcast" -> ("MP159", {"format": "condensed", "broadcast": True})."""
    words, options = text.split(), dict[str, object]()
    while len(words) > 1 and words[-1].lower() in _OPTIONS:
        name, value = _OPTIONS[words.pop().lower()]
        options.setdefault(name, value)
    return " ".join(words), options


def _apply_options(session: Session, row: Subscription, options: dict[str, object]) -> str:
    """Store the options asked for; the sentence saying so ("" when none were asked)."""
    from storage.subscription_options import set_options

    if not options:
        return ""
    fmt, broadcast = options.get("format"), options.get("broadcast")
    set_options(
        session,
        row.id,
        format=str(fmt) if fmt else None,
        broadcast=bool(broadcast) if broadcast is not None else None,
    )
    said = []
    if fmt:
        said.append("one line a change" if fmt == "condensed" else "full change notices")
    if broadcast is not None:
        said.append("stage changes also to the channel" if broadcast else "threads only")
    return " (" + "; ".join(said) + ")"


def unsubscribe_from(session: Session, target: Target, text: str) -> Answer:
    """Remove one subscription; says so when there was none."""
    topic = parse_topic(session, text)
    if isinstance(topic, Answer):
        return topic
    removed = store.delete_subscription(
        session,
        surface=target.surface,
        channel=target.channel,
        topic=topic.topic,
        value=topic.value,
        workspace=target.workspace,
    )
    if not removed:
        return message(
            f"{target.verb('had', 'had')} no subscription to {topic.label}.",
            "subscriptions",
            kind="not_found",
        )
    return message(
        f"Done: {target.name} will no longer get reminders about {topic.label}.", ok=True
    )


def describe(session: Session, target: Target) -> Answer:
    """The target's subscriptions, one a line."""
    rows = store.list_subscriptions(
        session, surface=target.surface, channel=target.channel, workspace=target.workspace
    )
    if not rows:
        return message(
            f"{target.verb('have', 'has')} no subscriptions yet.",
            "subscribe meetings",
            "subscribe MP159",
            ok=True,
        )
    lines = [f"• {_row_label(r.topic, r.value)}" for r in rows]
    heading = f"{target.verb('get', 'gets')} reminders about:"
    return message("\n".join([heading, *lines]), ok=True)


def _row_label(topic: str, value: str) -> str:
    if topic == "release":
        return f"the {release_title(value)}"
    if topic == "all":
        return "everything"
    if topic == "changes":
        return "every change (change notices)"
    if topic == "weekly":
        return "the weekly digest"
    return value or topic


def _no_target() -> Answer:
    return message(
        "I can subscribe a channel, or you in a direct message; I can't tell which this is.",
        kind="usage",
    )


def subscribe(session: Session, args: str, ctx: Context) -> Answer:
    target = target_for(ctx)
    if target is None:
        return _no_target()
    answer = subscribe_to(session, target, args, actor=ctx.user, at=now())
    if ctx.thread_ts and not target.person and answer.ok:
        return _in_thread(session, target, args, ctx.thread_ts, answer)
    return answer


def _in_thread(session: Session, target: Target, args: str, thread_ts: str, done: Answer) -> Answer:
    """`@secbot subscribe MP159` typed in a thread: MP159's notices go in that thread (its
    thread parent in this channel becomes the thread's first message)."""
    from storage.change_threads import adopt_thread

    topic = parse_topic(session, split_options(args)[0])
    said = str(getattr(done.model, "text", ""))
    if isinstance(topic, Answer) or topic.topic not in {"ref", "release"}:
        return message(
            f"{said} Only a modification or a release can be followed in a thread, so this "
            "subscribes the channel.",
            "subscriptions",
            ok=True,
        )
    subject = topic.value if topic.topic == "ref" else f"release:{topic.value}"
    adopt_thread(
        session,
        surface=target.surface,
        channel=target.channel,
        ref=subject,
        ts=thread_ts,
        workspace=target.workspace,
    )
    return message(f"{said} Its change notices will be posted in this thread.", ok=True)


def unsubscribe(session: Session, args: str, ctx: Context) -> Answer:
    target = target_for(ctx)
    return _no_target() if target is None else unsubscribe_from(session, target, args)


def subscriptions(session: Session, args: str, ctx: Context) -> Answer:
    target = target_for(ctx)
    return _no_target() if target is None else describe(session, target)


def register(router: Router) -> None:
    router.register(
        "subscribe",
        subscribe,
        usage=f"subscribe {TOPIC_USAGE}",
        description="reminders here (or to you, in a DM) about a topic",
    )
    router.register(
        "unsubscribe", unsubscribe, usage="unsubscribe <topic>", description="stop those reminders"
    )
    router.register(
        "subscriptions", subscriptions, usage="subscriptions", description="what is subscribed here"
    )
