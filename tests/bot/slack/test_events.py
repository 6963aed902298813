"""Events API deliveries: mentions, direct messages, App Home, link unfurls, and retries.

Checks that something did not happen wait for every listener the requests set off to finish
(``slack.settle()``), never for a while.
"""

from __future__ import annotations

from slack_sdk.models.views import View
from sqlalchemy import select, update

from storage.models import Contact, Decision, Modification
from tests.bot.slack.conftest import SlackDriver, Store, both_databases
from tests.fakes.slack_api import BOT_ID, BOT_USER_ID

PAGE = "https://smartenergycodecompany.co.uk/modifications/credit-cover-review/"


def _mention(text: str, ts: str = "1700000100.000100", **extra: object) -> dict:
    return {
        "type": "app_mention",
        "user": "U0ASKER",
        "text": text,
        "ts": ts,
        "channel": "C0CHAN",
        "event_ts": ts,
        **extra,
    }


def _dm(text: str, **extra: object) -> dict:
    return {
        "type": "message",
        "channel_type": "im",
        "user": "U0ASKER",
        "text": text,
        "ts": "1700000200.000100",
        "channel": "D0DM",
        "event_ts": "1700000200.000100",
        **extra,
    }


def test_mention_is_answered_in_its_thread(slack: SlackDriver) -> None:
    response = slack.event(_mention(f"<@{BOT_USER_ID}> where is mp 159 at?"))
    assert response.status_code == 200
    post = slack.fake.wait_for("chat.postMessage")[0]
    assert post.args["channel"] == "C0CHAN"
    assert post.args["thread_ts"] == "1700000100.000100"
    assert "Credit Cover Review" in post.args["blocks"][0]["text"]["text"]
    assert post.token and post.token.startswith("xoxb-")


def test_mention_inside_a_thread_stays_in_that_thread(slack: SlackDriver) -> None:
    slack.event(
        _mention(
            f"<@{BOT_USER_ID}> releases", ts="1700000300.000200", thread_ts="1700000300.000100"
        )
    )
    post = slack.fake.wait_for("chat.postMessage")[0]
    assert post.args["thread_ts"] == "1700000300.000100"
    assert post.args["blocks"][0]["text"]["text"] == "SEC Releases"


def test_direct_message_is_answered_in_the_conversation(slack: SlackDriver) -> None:
    slack.event(_dm("release Feb 2022"))
    post = slack.fake.wait_for("chat.postMessage")[0]
    assert post.args["channel"] == "D0DM"
    assert "thread_ts" not in post.args
    assert post.args["blocks"][0]["text"]["text"] == "February 2022 SEC Release"


def test_our_own_and_edited_messages_are_ignored(slack: SlackDriver) -> None:
    own = slack.event(_dm("status MP159", user=BOT_USER_ID, bot_id=BOT_ID), event_id="Ev1")
    edit = slack.event(_dm("status MP159", subtype="message_changed"), event_id="Ev2")
    assert own.status_code == edit.status_code == 200
    slack.event(_dm("help"), event_id="Ev3")  # a real question, answered
    # Bolt drops our own message before any listener; the edit's listener ran and ignored it.
    assert slack.settle() == 2
    posts = slack.fake.calls("chat.postMessage")
    assert len(posts) == 1 and "Ask me about" in posts[0].args["text"]


@both_databases
def test_a_retried_event_is_handled_once(slack: SlackDriver) -> None:
    event = _mention(f"<@{BOT_USER_ID}> status MP159")
    first = slack.event(event, event_id="EvDUP")
    retries = [
        slack.event(
            event,
            event_id="EvDUP",
            headers={"X-Slack-Retry-Num": str(n), "X-Slack-Retry-Reason": "http_timeout"},
        )
        for n in (1, 2, 3)
    ]
    assert [r.status_code for r in [first, *retries]] == [200, 200, 200, 200]
    # Every listener the four deliveries set off has finished: the retries started none.
    assert slack.settle() == 1
    assert len(slack.fake.calls("chat.postMessage")) == 1


def test_a_retry_whose_first_delivery_never_arrived_is_handled(slack: SlackDriver) -> None:
    slack.event(
        _mention(f"<@{BOT_USER_ID}> releases"),
        event_id="EvLOST",
        headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_error"},
    )
    assert slack.fake.wait_for("chat.postMessage")[0].args["channel"] == "C0CHAN"


def test_rate_limited_reply_is_retried_after_the_wait(slack: SlackDriver) -> None:
    slack.fake.script("chat.postMessage", status=429, retry_after=1)
    slack.event(_mention(f"<@{BOT_USER_ID}> releases"))
    posts = slack.fake.wait_for("chat.postMessage", count=2, timeout=6)
    assert len(posts) == 2  # the refused one, then the one after Retry-After


@both_databases
def test_app_home_shows_the_persons_modifications_and_decisions(
    slack: SlackDriver, store: Store
) -> None:
    with store.sessions() as session, session.begin():
        mod = session.scalars(select(Modification).where(Modification.ref == "MP159")).one()
        session.add(Contact(modification_id=mod.id, role="proposer", slack_user_id="U0PROP"))
        session.add(
            Decision(
                modification_id=mod.id,
                owner="Proposer",
                what="which option to take",
                since=mod.status_as_of,
            )
        )
    slack.event(
        {
            "type": "app_home_opened",
            "user": "U0PROP",
            "channel": "D0HOME",
            "tab": "home",
            "event_ts": "1700000400.000100",
        }
    )
    call = slack.fake.wait_for("views.publish")[0]
    assert call.args["user_id"] == "U0PROP"
    view = call.args["view"]
    assert View(**view).to_dict() == view
    texts = " ".join(str(b.get("text", {}).get("text", "")) for b in view["blocks"])
    assert "Credit Cover Review" in texts and "you are the Proposer" in texts
    assert "which option to take" in texts
    assert "Working Group" in texts and "SEC Panel" in texts


def test_app_home_for_someone_unknown_invites_linking(slack: SlackDriver) -> None:
    slack.event(
        {
            "type": "app_home_opened",
            "user": "U0NEW",
            "channel": "D0HOME",
            "tab": "home",
            "event_ts": "1700000400.000100",
        }
    )
    view = slack.fake.wait_for("views.publish")[0].args["view"]
    assert any("not linked" in str(b.get("text", {}).get("text", "")) for b in view["blocks"])


def test_messages_tab_does_not_publish(slack: SlackDriver) -> None:
    slack.event(
        {
            "type": "app_home_opened",
            "user": "U0NEW",
            "channel": "D0HOME",
            "tab": "messages",
            "event_ts": "1",
        },
        event_id="EvTab",
    )
    assert slack.settle() == 1  # the home listener ran to the end
    assert slack.fake.calls("views.publish") == []


def test_link_to_a_modification_page_is_unfurled(slack: SlackDriver) -> None:
    slack.event(
        {
            "type": "link_shared",
            "channel": "C0CHAN",
            "user": "U0ASKER",
            "message_ts": "1700000500.000100",
            "event_ts": "1700000500.000100",
            "links": [
                {"domain": "smartenergycodecompany.co.uk", "url": PAGE},
                {
                    "domain": "smartenergycodecompany.co.uk",
                    "url": "https://smartenergycodecompany.co.uk/about/",
                },
            ],
        }
    )
    call = slack.fake.wait_for("chat.unfurl")[0]
    assert (call.args["channel"], call.args["ts"]) == ("C0CHAN", "1700000500.000100")
    assert list(call.args["unfurls"]) == [PAGE]
    card = call.args["unfurls"][PAGE]["blocks"][0]["text"]["text"]
    assert "MP159" in card and "Credit Cover Review" in card


def test_link_in_the_composer_is_unfurled_by_its_id(slack: SlackDriver) -> None:
    slack.event(
        {
            "type": "link_shared",
            "channel": "COMPOSER",
            "user": "U0ASKER",
            "message_ts": "U0ASKER-1",
            "unfurl_id": "Uf01",
            "source": "composer",
            "links": [{"domain": "smartenergycodecompany.co.uk", "url": PAGE}],
        }
    )
    call = slack.fake.wait_for("chat.unfurl")[0]
    assert (call.args["unfurl_id"], call.args["source"]) == ("Uf01", "composer")


def test_unknown_pages_are_not_unfurled(slack: SlackDriver, store: Store) -> None:
    with store.sessions() as session, session.begin():
        session.execute(
            update(Modification).where(Modification.ref == "MP159").values(slug="renamed")
        )
    slack.event(
        {
            "type": "link_shared",
            "channel": "C0CHAN",
            "user": "U0ASKER",
            "message_ts": "1",
            "links": [{"domain": "x", "url": PAGE}],
        },
        event_id="EvU",
    )
    assert slack.settle() == 1  # the unfurl listener ran to the end
    assert slack.fake.calls("chat.unfurl") == []
