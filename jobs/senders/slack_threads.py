"""Change notices in Slack threads: one thread per (channel, modification).

A change payload carries ``thread``: {"ref": subject, "parent": {"text", "blocks"}}. With a
thread book (storage.change_threads.ThreadBook) the Slack sender posts the first notice about a
subject in a channel as a message and records it as the thread's parent; later notices reply in
that thread (thread_ts) and the parent is rewritten (chat.update) with the latest state, so a
busy channel sees one message per modification. A parent deleted in Slack starts a new thread.
A retry finds an earlier post among the thread's replies (conversations.replies) as well as in
the channel, and finishes what the crashed try left undone (recording the parent, the update).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Protocol

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

log = logging.getLogger(__name__)

# chat.postMessage errors meaning the thread's parent is gone.
GONE = frozenset({"thread_not_found", "message_not_found"})
REPLY_PAGES = 5


class Threads(Protocol):
    """Where thread parents are kept (storage.change_threads.ThreadBook)."""

    def parent(self, channel: str, ref: str) -> str | None: ...
    def remember(self, channel: str, ref: str, ts: str) -> str: ...
    def touch(self, channel: str, ref: str) -> None: ...
    def forget(self, channel: str, ref: str) -> None: ...


class _Book(Protocol):
    """A thread book keeping every workspace's parents apart (storage.change_threads)."""

    def parent(self, channel: str, ref: str, workspace: str = ...) -> str | None: ...
    def remember(self, channel: str, ref: str, ts: str, workspace: str = ...) -> str: ...
    def touch(self, channel: str, ref: str, workspace: str = ...) -> None: ...
    def forget(self, channel: str, ref: str, workspace: str = ...) -> None: ...
    def ours(self, channel: str, ref: str, workspace: str = ...) -> bool: ...


@dataclass(frozen=True)
class _InWorkspace:
    """One workspace's parents: a delivery's thread is looked up where it is sent."""

    book: _Book
    workspace: str

    def parent(self, channel: str, ref: str) -> str | None:
        return self.book.parent(channel, ref, workspace=self.workspace)

    def remember(self, channel: str, ref: str, ts: str) -> str:
        return self.book.remember(channel, ref, ts, workspace=self.workspace)

    def touch(self, channel: str, ref: str) -> None:
        self.book.touch(channel, ref, workspace=self.workspace)

    def forget(self, channel: str, ref: str) -> None:
        self.book.forget(channel, ref, workspace=self.workspace)

    def ours(self, channel: str, ref: str) -> bool:
        return self.book.ours(channel, ref, workspace=self.workspace)


def in_workspace(threads: Threads, workspace: str) -> Threads:
    """The thread records of the workspace a delivery goes out in (a ts from one workspace is
    no good in another); a book that keeps no workspaces is used as it is."""
    if isinstance(threads, _InWorkspace) or not hasattr(threads, "ours"):
        return threads
    return _InWorkspace(threads, workspace)  # type: ignore[arg-type]


def thread_of(payload: dict[str, Any]) -> dict[str, Any] | None:
    thread = payload.get("thread")
    return thread if isinstance(thread, dict) and thread.get("ref") else None


def post_threaded(
    client: WebClient,
    threads: Threads,
    *,
    recipient: str,
    channel: str,
    thread: dict[str, Any],
    message: dict[str, Any],
) -> str:
    """Post as the thread's parent or as a reply; returns the message's ts."""
    ref = str(thread["ref"])
    parent = threads.parent(recipient, ref)
    if parent is not None:
        # A stage change a subscription asked to broadcast also shows in the channel.
        broadcast: dict[str, Any] = {"reply_broadcast": True} if thread.get("broadcast") else {}
        try:
            response = client.chat_postMessage(
                channel=channel, thread_ts=parent, **message, **broadcast
            )
        except SlackApiError as exc:
            if exc.response.get("error") not in GONE:
                raise
            log.info("thread parent of %s in %s is gone; starting a new thread", ref, recipient)
            threads.forget(recipient, ref)
            parent = None
        else:
            update_parent(client, threads, recipient=recipient, channel=channel, thread=thread)
            return str(response["ts"])
    response = client.chat_postMessage(channel=channel, **message)
    ts = str(response["ts"])
    threads.remember(recipient, ref, ts)
    return ts


def update_parent(
    client: WebClient, threads: Threads, *, recipient: str, channel: str, thread: dict[str, Any]
) -> None:
    """Rewrite the parent with the latest state; a failure here never fails the reply."""
    ref = str(thread["ref"])
    parent = threads.parent(recipient, ref)
    latest = thread.get("parent") or {}
    if parent is None or not latest.get("text"):
        return
    ours = getattr(threads, "ours", None)
    if callable(ours) and not ours(recipient, ref):
        return  # a person's thread subscribed in: its first message is theirs
    try:
        client.chat_update(
            channel=channel, ts=parent, text=latest["text"], blocks=latest.get("blocks") or []
        )
        threads.touch(recipient, ref)
    except SlackApiError as exc:
        log.warning("updating the thread parent of %s failed: %s", ref, exc.response.get("error"))


def adopt_found(
    client: WebClient,
    threads: Threads,
    *,
    recipient: str,
    channel: str,
    thread: dict[str, Any],
    found: str,
) -> None:
    """An earlier try posted ``found``: record it as the parent, or redo the parent's update."""
    ref = str(thread["ref"])
    parent = threads.parent(recipient, ref)
    if parent is None:
        threads.remember(recipient, ref, found)
    elif parent != found:
        update_parent(client, threads, recipient=recipient, channel=channel, thread=thread)


def find_reply(
    client: WebClient,
    threads: Threads,
    *,
    recipient: str,
    channel: str,
    ref: str,
    key: str,
    is_ours: Any,
) -> str | None:
    """Our earlier reply with this key in the subject's thread (replies are not in history)."""
    parent = threads.parent(recipient, ref)
    if parent is None:
        return None
    cursor: str | None = None
    for _ in range(REPLY_PAGES):
        response = client.conversations_replies(
            channel=channel, ts=parent, include_all_metadata=True, limit=200, cursor=cursor
        )
        for message in response.get("messages") or []:
            if is_ours(message, key):
                return str(message["ts"])
        cursor = (response.get("response_metadata") or {}).get("next_cursor") or None
        if not cursor:
            return None
    return None
