"""The assistant pane, Work Object unfurls, the "Ask secbot about this" shortcut and the quiet
hours and unfurls commands, through the signed HTTP stack and the fake Slack."""

from __future__ import annotations

from datetime import timedelta

from slack_sdk.models.metadata import EntityMetadata, EventAndEntityMetadata
from sqlalchemy import select

from sec.quiet_hours import parse_window
from sec.timefmt import now
from storage import quiet_hours, unfurls
from storage.models import Contact, Modification
from tests.bot.slack.block_kit import validate
from tests.bot.slack.conftest import SlackDriver, Store, both_databases

PAGE = "https://smartenergycodecompany.co.uk/modifications/credit-cover-review/"
FOLLOWER = "U0FOLLOW"
IM, THREAD = "D0PANE", "1700000100.000100"


def _follow(store: Store, ref: str, user: str = FOLLOWER) -> None:
    with store.sessions() as session, session.begin():
        mod = session.scalars(select(Modification).where(Modification.ref == ref)).one()
        session.add(Contact(modification_id=mod.id, role="follower", slack_user_id=user))


def _thread_started(slack: SlackDriver, user: str = FOLLOWER) -> None:
    slack.event(
        {
            "type": "assistant_thread_started",
            "assistant_thread": {
                "user_id": user,
                "context": {"channel_id": "C0CHAN", "team_id": "T0001"},
                "channel_id": IM,
                "thread_ts": THREAD,
            },
            "event_ts": "1700000100.000200",
        },
        event_id="EvStart",
    )


def test_the_pane_suggests_prompts_from_what_the_person_follows(
    slack: SlackDriver, store: Store
) -> None:
    _follow(store, "MP159")
    _thread_started(slack)
    (call,) = slack.fake.wait_for("assistant.threads.setSuggestedPrompts")
    assert (call.args["channel_id"], call.args["thread_ts"]) == (IM, THREAD)
    prompts = call.args["prompts"]
    assert prompts[0] == {"title": "Where is MP159 now?", "message": "Where is MP159 now?"}
    assert 2 <= len(prompts) <= 4
    assert any(p["title"].startswith("What's due before the ") for p in prompts)
    assert all(p["title"].endswith("Working Group?") for p in prompts if "due before" in p["title"])
    (greeting,) = slack.fake.messages(IM)
    assert greeting["thread_ts"] == THREAD


def test_a_question_in_the_pane_shows_a_status_a_title_and_the_routers_answer(
    slack: SlackDriver,
) -> None:
    slack.event(
        {
            "type": "message",
            "channel": IM,
            "channel_type": "im",
            "user": FOLLOWER,
            "text": "Where is MP159 now?",
            "ts": "1700000101.000100",
            "thread_ts": THREAD,
            "event_ts": "1700000101.000100",
        },
        event_id="EvAsk",
    )
    status = slack.fake.wait_for("assistant.threads.setStatus")[0].args
    assert (status["channel_id"], status["thread_ts"], status["status"]) == (
        IM,
        THREAD,
        "is looking that up…",
    )
    title = slack.fake.wait_for("assistant.threads.setTitle")[0].args
    assert title["title"] == "Where is MP159 now?"
    (answer,) = slack.fake.wait_for_messages(IM, count=1)
    assert answer["thread_ts"] == THREAD and "Credit Cover Review" in answer["text"]
    validate(answer["blocks"])
    # A second question in the same thread keeps its title.
    slack.event(
        {
            "type": "message",
            "channel": IM,
            "channel_type": "im",
            "user": FOLLOWER,
            "text": "history MP159",
            "ts": "1700000102.000100",
            "thread_ts": THREAD,
        },
        event_id="EvAsk2",
    )
    slack.fake.wait_for_messages(IM, count=2)
    assert len(slack.fake.calls("assistant.threads.setTitle")) == 1
    assert len(slack.fake.calls("assistant.threads.setStatus")) == 2


def _shared(slack: SlackDriver, event_id: str, ts: str, channel: str = "C0CHAN") -> None:
    slack.event(
        {
            "type": "link_shared",
            "channel": channel,
            "user": "U0ASKER",
            "message_ts": ts,
            "links": [{"domain": "smartenergycodecompany.co.uk", "url": PAGE}],
        },
        event_id=event_id,
    )


def test_a_modification_link_unfurls_as_a_work_object_once_per_half_hour(
    slack: SlackDriver,
) -> None:
    _shared(slack, "EvL1", "1700000500.000100")
    (call,) = slack.fake.wait_for("chat.unfurl")
    (entity,) = call.args["metadata"]["entities"]
    EventAndEntityMetadata(**call.args["metadata"])  # the SDK's model reads it
    model = EntityMetadata(**entity)
    model.validate_json()
    assert entity["entity_type"] == "slack#/entities/item"
    assert entity["app_unfurl_url"] == PAGE and entity["external_ref"]["id"] == "MP159"
    assert entity["entity_payload"]["attributes"]["title"]["text"] == "MP159 Credit Cover Review"
    fields = {f["key"]: f for f in entity["entity_payload"]["custom_fields"]}
    assert set(fields) >= {"stage", "implementation", "latest_update"}
    assert "February 2022 SEC Release" in fields["implementation"]["value"]
    validate(call.args["unfurls"][PAGE]["blocks"])  # the classic card, for older clients
    # The same link again in the channel within 30 minutes: not unfurled again.
    _shared(slack, "EvL2", "1700000600.000100")
    slack.settle()
    assert len(slack.fake.calls("chat.unfurl")) == 1
    # Another channel is another half hour.
    _shared(slack, "EvL3", "1700000700.000100", channel="C0OTHER")
    assert len(slack.fake.wait_for("chat.unfurl", count=2)) == 2


def test_without_work_objects_the_classic_card_is_sent(slack: SlackDriver) -> None:
    slack.fake.script("chat.unfurl", error="invalid_metadata")
    _shared(slack, "EvC1", "1700000800.000100")
    first, second = slack.fake.wait_for("chat.unfurl", count=2)
    assert "metadata" in first.args and "metadata" not in second.args
    assert list(second.args["unfurls"]) == [PAGE]


def test_a_channel_can_turn_unfurls_off_and_on(slack: SlackDriver) -> None:
    slack.command("unfurls off", channel_id="C0QUIET")
    reply = slack.fake.wait_for("response_url")[0].args
    assert "won't unfurl" in reply["text"]
    _shared(slack, "EvQ1", "1700000900.000100", channel="C0QUIET")
    slack.settle()
    assert slack.fake.calls("chat.unfurl") == []
    slack.command("unfurls on", channel_id="C0QUIET", tag="on")
    assert "again" in slack.fake.wait_for("response_url", count=2)[1].args["text"]
    _shared(slack, "EvQ2", "1700000901.000100", channel="C0QUIET")
    slack.fake.wait_for("chat.unfurl")


def test_the_flexpane_shows_the_history(slack: SlackDriver) -> None:
    slack.event(
        {
            "type": "entity_details_requested",
            "user": "U0ASKER",
            "external_ref": {"id": "MP159", "type": "sec_modification"},
            "entity_url": PAGE,
            "app_unfurl_url": PAGE,
            "trigger_id": "1234.5678.abcdef",
            "channel": "C0CHAN",
            "message_ts": "1700000500.000100",
        },
        event_id="EvD1",
    )
    (call,) = slack.fake.wait_for("entity.presentDetails")
    assert call.args["trigger_id"] == "1234.5678.abcdef"
    entity = call.args["metadata"]
    EntityMetadata(**entity).validate_json()
    history = [f for f in entity["entity_payload"]["custom_fields"] if f["key"] == "history"][0]
    assert history["type"] == "array" and history["value"]
    assert "21 September 2021" in history["value"][0]["value"]  # newest first


def test_ask_secbot_about_this_answers_every_reference_ephemerally(slack: SlackDriver) -> None:
    slack.action(
        {
            "type": "message_action",
            "callback_id": "ask_secbot",
            "trigger_id": "1.2.3",
            "team": {"id": "T0001"},
            "user": {"id": "U0ASKER"},
            "channel": {"id": "C0CHAN"},
            "message": {
                "type": "message",
                "ts": "1700000000.000100",
                "text": f"Has SECMP0007 moved? And <{PAGE}|this one>, also MP159 again.",
            },
            "response_url": slack.fake.response_url("shortcut"),
        }
    )
    reply = slack.fake.wait_for("response_url")[0].args
    assert reply["response_type"] == "ephemeral"
    assert reply["blocks"][0]["text"]["text"] == "*About SECMP0007 and MP159*"
    assert "Firmware updates" in reply["text"] and "Credit Cover Review" in reply["text"]
    validate(reply["blocks"])


def test_quiet_hours_are_set_shown_and_turned_off_by_command(
    slack: SlackDriver, store: Store
) -> None:
    slack.command("quiet hours 9-5.30pm", user_id="U0QUIET")
    assert "09:00–17:30" in slack.fake.wait_for("response_url")[0].args["text"]
    with store.sessions() as session:
        window = quiet_hours.window_for(session, surface="slack", user="U0QUIET")
        assert window == parse_window("09:00-17:30")
    slack.command("quiet hours 22:00-06:00", user_id="U0QUIET", tag="bad")
    bad = slack.fake.wait_for("response_url", count=2)[1].args["text"]
    assert "start before they end" in bad
    slack.command("quiet hours off", user_id="U0QUIET", tag="off")
    assert "off" in slack.fake.wait_for("response_url", count=3)[2].args["text"]
    with store.sessions() as session:
        assert quiet_hours.window_for(session, surface="slack", user="U0QUIET") is None


@both_databases
def test_the_unfurl_slot_is_taken_once_per_half_hour(store: Store) -> None:
    at, every = now(), timedelta(minutes=30)
    with store.sessions() as session, session.begin():
        take = unfurls.take_unfurl_slot
        assert take(session, channel="C1", url=PAGE, now=at, every=every)
        assert not take(
            session, channel="C1", url=PAGE, now=at + timedelta(minutes=29), every=every
        )
        assert take(session, channel="C2", url=PAGE, now=at, every=every)
        assert take(session, channel="C1", url=PAGE, now=at + timedelta(minutes=30), every=every)
        assert not take(
            session, channel="C1", url=PAGE, now=at + timedelta(minutes=31), every=every
        )
