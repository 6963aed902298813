"""The Work Object templates for every modification in the sample store, read back by
slack_sdk's metadata models (EntityMetadata validates the entity type and every custom field
type), and stored text kept inert: Work Object text is plain, so it is only JSON-quoted."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from slack_sdk.models.metadata import EntityMetadata, EventAndEntityMetadata
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.context import Context
from bot.router import build_router
from bot.slack.unfurls import work_object
from bot.views import Answer
from storage.models import Modification

AS_OF = date(2021, 10, 1)
EVIL = 'Title "quoted" \\ <!channel> *bold* {"json": 1}\n'


def _ctx() -> Context:
    return Context(as_of=AS_OF, user="U0USER", channel="C1", surface="slack")


def test_every_modification_renders_a_valid_work_object_and_flexpane(
    sample_store: sessionmaker[Session],
) -> None:
    router = build_router(sample_store)
    with sample_store() as session:
        refs = list(session.scalars(select(Modification.ref)))
    assert len(refs) > 50
    for ref in refs:
        status = router.answer(f"status {ref}", _ctx())
        if status.kind != "status":
            continue
        history = router.answer(f"history {ref}", _ctx())
        url = f"https://smartenergycodecompany.co.uk/modifications/{ref.lower()}/?from=chat"
        for entity in (work_object(status, url), work_object(status, url, history)):
            EntityMetadata(**entity).validate_json()
            assert entity["app_unfurl_url"] == url
            assert entity["external_ref"] == {"id": ref, "type": "sec_modification"}
        EventAndEntityMetadata(entities=[work_object(status, url)]).validate_json()


def test_stored_text_stays_text(sample_store: sessionmaker[Session]) -> None:
    router = build_router(sample_store)
    status = router.answer("status MP159", _ctx())
    evil = Answer(
        kind=status.kind,
        model=replace(status.model, title=EVIL, status=EVIL, proposer=EVIL),  # type: ignore[type-var]
        ok=True,
    )
    entity = work_object(evil, "https://smartenergycodecompany.co.uk/modifications/x/")
    EntityMetadata(**entity).validate_json()
    fields = {f["key"]: f["value"] for f in entity["entity_payload"]["custom_fields"]}
    assert fields["proposer"] == EVIL and fields["latest_update"] == EVIL
    assert entity["entity_payload"]["attributes"]["title"]["text"] == f"MP159 {EVIL}"
