"""Change notices: applied changes people care about, told once through the outbox.

Each run takes the change events that are ready (their sync run has finished), works out who
hears of each (storage.change_events.audience) and queues, per recipient, either one notice per
subject (a modification, or a release for release-wide events) when there are at most
``THREAD_LIMIT`` subjects, or one digest of everything when there are more: a sync that changes
fifty things is one message, not fifty. Slack notices carry their thread (one per channel and
modification; jobs/senders/slack_threads.py). The queueing and the marking of events as told
happen in one transaction, and each row's key is made of its event ids, so a restart or a retry
never tells an event twice. docs/notifier.md has the rules.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from jobs.context import JobContext
from jobs.payloads import SUPPORTED_SURFACES, build_payload
from sec.lifecycle import Stage
from sec.releases import release_title
from sec.timefmt import LONDON, go_live_phrase, uk_datetime, uk_short_date
from storage.change_event_models import ChangeEvent
from storage.change_events import (
    Address,
    audience,
    events_ready,
    mark_told,
    modifications_by_ref,
)
from storage.db import transaction
from storage.models import Document, Modification
from storage.outbox import NewDelivery, enqueue_deliveries
from storage.sources import PAGE, document_name, documents_by_id
from storage.subscription_options import NoticeOptions, notice_options
from storage.tenancy_models import DEFAULT_WORKSPACE

WEB_BASE = "https://smartenergycodecompany.co.uk/modifications/"  # as bot.views.WEB_BASE
TEMPLATE = "change_notice"
# More subjects than this for one recipient in one batch: one digest instead of a message each.
THREAD_LIMIT = 5
# A sync run still open after this long has died; its events are told anyway.
RUN_HOLD = timedelta(hours=6)


def change_notices_job(ctx: JobContext, now: datetime) -> dict[str, int]:
    """Queue the notices of every ready change event and mark the events told."""
    with transaction(ctx.sessions) as session:
        events = events_ready(session, now=now, hold=RUN_HOLD)
        if not events:
            return {}
        mods = modifications_by_ref(session, [e.ref for e in events if e.ref])
        docs = documents_by_id(session, {e.document_id for e in events if e.document_id})
        said = {e.id: source_text(e, docs.get(e.document_id or 0)) for e in events}
        heard = audience(session, events, modifications=mods, surfaces=_surfaces(ctx))
        rows: list[NewDelivery] = []
        for surface, recipient, workspace in sorted(heard):
            address = (surface, recipient)
            options = _options_reader(session, address, mods)
            told_of = heard[(surface, recipient, workspace)]
            rows.extend(
                _notices_for(ctx, address, told_of, mods, said, now, options, workspace=workspace)
            )
        queued = enqueue_deliveries(session, rows=rows, now=ctx.wall_clock())
        told = mark_told(session, event_ids=[e.id for e in events], at=now)
    return {k: v for k, v in {"change_events": told, "change_notices": queued}.items() if v}


OptionsOf = Callable[[str, Sequence[ChangeEvent]], NoticeOptions]


def _options_reader(
    session: Session, address: Address, mods: Mapping[str, Modification]
) -> OptionsOf:
    """How a subject's notice reads for this recipient (storage.subscription_options)."""
    surface, recipient = address

    def options(subject: str, events: Sequence[ChangeEvent]) -> NoticeOptions:
        mod = mods.get(subject)
        releases = {e.release for e in events if e.release}
        if mod is not None and mod.target_release is not None:
            releases.add(mod.target_release.name)
        ref = mod.ref if mod is not None else None
        return notice_options(
            session, surface=surface, channel=recipient, ref=ref, releases=releases
        )

    return options


def _surfaces(ctx: JobContext) -> set[str]:
    return set(ctx.senders) & set(SUPPORTED_SURFACES)


def subject_of(event: ChangeEvent) -> str:
    """What a thread is about: the modification, or the release for release-wide events."""
    if event.ref:
        return event.ref
    return f"release:{event.release or event.subject}"


def _ids_key(events: Sequence[ChangeEvent]) -> str:
    ids = ",".join(str(e.id) for e in sorted(events, key=lambda e: e.id))
    return hashlib.sha256(ids.encode()).hexdigest()[:20]


def _notices_for(
    ctx: JobContext,
    address: Address,
    events: list[ChangeEvent],
    mods: Mapping[str, Modification],
    said: Mapping[int, str],
    now: datetime,
    options: OptionsOf | None = None,
    *,
    workspace: str = DEFAULT_WORKSPACE,
) -> list[NewDelivery]:
    """One row per subject, or one digest row when there are many subjects; each notice as
    its subscriptions asked (condensed: one line a change; broadcast: a stage change is also
    sent to the channel)."""
    surface, recipient = address
    by_subject: dict[str, list[ChangeEvent]] = {}
    for event in events:
        by_subject.setdefault(subject_of(event), []).append(event)
    day = now.astimezone(LONDON).date()
    subjects = [
        subject_context(s, evs, mods.get(s), day, sources=[said[e.id] for e in evs])
        for s, evs in by_subject.items()
    ]
    if len(subjects) > THREAD_LIMIT:
        key = _in_workspace(f"changes:{_ids_key(events)}", workspace)
        context = {"kind": "change_digest", "subjects": subjects, "day": day}
        payload = _payload(ctx, surface, key, now, context)
        return [NewDelivery(key, "change_digest", surface, recipient, now, payload, workspace)]
    rows = []
    for subject in subjects:
        evs = by_subject[subject["subject"]]
        how = options(subject["subject"], evs) if options else NoticeOptions()
        key = _in_workspace(f"change:{subject['subject']}:{_ids_key(evs)}", workspace)
        context = {**subject, "kind": "change", "day": day, "condensed": how.condensed}
        payload = _payload(ctx, surface, key, now, context)
        if surface == "slack":
            parent = {**subject, "kind": "change_parent", "day": day}
            payload["thread"] = {
                "ref": subject["subject"],
                "parent": _payload(ctx, surface, key, now, parent),
                # reply_broadcast: the channel sees stage changes too, not every edit.
                "broadcast": how.broadcast and any(e.kind == "stage" for e in evs),
            }
        rows.append(NewDelivery(key, "change", surface, recipient, now, payload, workspace))
    return rows


def _in_workspace(key: str, workspace: str) -> str:
    """A row's key; another workspace's copy of the same notice (the same Grid user, say)
    is its own row, so the outbox's unique key does not fold the two together."""
    suffix = "" if workspace == DEFAULT_WORKSPACE else f"@{workspace}"
    return f"{key[: 200 - len(suffix)]}{suffix}"


def _payload(
    ctx: JobContext, surface: str, key: str, now: datetime, context: Mapping[str, Any]
) -> dict[str, Any]:
    return build_payload(
        ctx.render, template=TEMPLATE, surface=surface, key=key, due_at=now, context=context
    )


def subject_context(
    subject: str,
    events: Sequence[ChangeEvent],
    mod: Modification | None,
    day: date,
    *,
    sources: Sequence[str] = (),
) -> dict[str, Any]:
    """What the templates say about one subject: its current state and what changed."""
    release = events[0].release if subject.startswith("release:") else None
    target = mod.target_release if mod is not None else None
    return {
        "subject": subject,
        "ref": mod.ref if mod else (events[0].ref or None),
        "title": mod.title if mod else (release_title(release) if release else subject),
        "url": f"{WEB_BASE}{mod.slug}/" if mod is not None and mod.slug else None,
        "stage": stage_label(mod.stage) if mod else None,
        "status": mod.status if mod else None,
        "status_as_of": mod.status_as_of if mod else None,
        "release": release_title(target.name) if target is not None else None,
        "go_live": target.go_live if target is not None else None,
        "state": state_line(mod, day),
        "changes": [change_line(e) for e in events],
        "sources": sorted(set(sources) or {e.source for e in events if e.source}),
    }


def source_text(event: ChangeEvent, doc: Document | None) -> str:
    """Where a change was read: "the SECAS page, read Tuesday 1 December 2026, 08:00"."""
    if doc is None:
        return event.source
    name = document_name(doc)
    if doc.kind == PAGE:
        return f"{name}, read {uk_datetime(doc.fetched_at)}" if doc.fetched_at else name
    return f"{name} of {uk_short_date(doc.doc_date)}" if doc.doc_date else name


def stage_label(stage: str | None) -> str | None:
    try:
        return Stage(stage).label if stage else None
    except ValueError:
        return stage


def state_line(mod: Modification | None, day: date) -> str | None:
    """Where the modification stands now, in words, dates in the right tense."""
    if mod is None:
        return None
    line = f"Now: {stage_label(mod.stage)}"
    target = mod.target_release
    if target is not None:
        line += f"; targeted at the {release_title(target.name)}"
        if target.go_live:
            done = mod.stage == Stage.IMPLEMENTED
            line += f", which {go_live_phrase(target.go_live, day, happened=done)}"
    return line + "."


def change_line(event: ChangeEvent) -> str:
    """One change in words (plain text; the templates escape it)."""
    before, after, rel = event.before, event.after, event.release
    release = release_title(rel) if rel else "a SEC Release"
    moved = f" from {before} to {after}" if before and after else (f" to {after}" if after else "")
    lines = {
        "stage": f"Stage moved{moved}",
        "status": f"Latest update: {after}" if after else "Latest update changed",
        "implementation": f"Implementation date changed{moved}",
        "target_release": f"Target release changed{moved}",
        "scope_added": f"Added to the scope of the {release}",
        "scope_removed": f"Removed from the scope of the {release}",
        "go_live": f"Go-live of the {release} moved{moved}",
        "raised": f"New modification raised: {after or event.subject}",
        "decision": f"Decision recorded: {after or event.what}",
        "title": f"Title changed{moved}",
    }
    return lines.get(event.kind, event.what)[:1500]
