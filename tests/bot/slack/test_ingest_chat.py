"""Administrators ingest papers from chat: a file sent to secbot, or `/sec ingest <link>`.

Everything goes through the real web app with signed requests; Slack (files.info, the file
download, postMessage, chat.update, response_url) is the fake server. The store starts empty, so
what Apply writes is visible.
"""

from __future__ import annotations

import contextlib
import io
import threading
import time
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from fpdf import FPDF
from hypothesis import given
from hypothesis import strategies as st
from pypdf import PdfWriter
from sqlalchemy import Engine, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.answers.ingest import INGEST_LINK
from bot.escaping import truncate
from bot.router import Context, build_router
from bot.slack.blocks import MESSAGE_BLOCKS, SECTION_TEXT
from bot.slack.ingest_fetch import is_allowed_url, link_in, slack_file_id
from bot.slack.ingest_process import read_bounded
from bot.slack.ingest_view import MAX_LINES, MAX_SECTIONS, SECTION_BUDGET, diff_payload, pack
from bot.slack.ingest_view import diff_view as view_of
from bot.web import create_web_app
from sec.timefmt import now
from storage import pending_ingests as store
from storage.change_events import untold_events
from storage.db import transaction
from storage.ingest import UnreadableDocument
from storage.ingest_models import APPLIED, DISCARDED, EXPIRED, PENDING, PendingIngest
from storage.models import AuditEntry, Document, Modification
from tests.bot.slack.block_kit import validate
from tests.bot.slack.conftest import (
    ADMIN,
    BOT_TOKEN,
    USER,
    SlackDriver,
    both_databases,
    make_services,
    make_settings,
    serve_in_thread,
)
from tests.conftest import SEEDS, require_seeds
from tests.fakes.signing import new_action_ts
from tests.fakes.slack_api import FakeFile, FakeSlack

_SEED_FILE = SEEDS / "002_999ec45b7f28a81f.txt"  # Sept 2021 CSC paper: names MP159


@pytest.fixture(autouse=True)
def _needs_the_seed() -> None:
    require_seeds(_SEED_FILE)  # skipped without it, failed in CI


SEED = _SEED_FILE.read_bytes() if _SEED_FILE.exists() else b""
DM = "D0ADMIN"
SITE = "https://smartenergycodecompany.co.uk/"


@pytest.fixture
def slack(
    monkeypatch: pytest.MonkeyPatch,
    fake_slack: FakeSlack,
    engine: Engine,
    sessions: sessionmaker[Session],
) -> Iterator[SlackDriver]:
    """The web app on an EMPTY store, allowed to fetch from the fake server's /web/ too."""
    monkeypatch.setenv("SECBOT_INGEST_EXTRA_URLS", fake_slack.web_url())
    services = make_services(make_settings(fake_slack), engine, sessions)
    with serve_in_thread(create_web_app(services)) as url:
        yield SlackDriver(url, fake_slack)


def _file(
    fake: FakeSlack,
    file_id: str = "F0SEED002",
    name: str = "csc-paper.txt",
    data: bytes = SEED,
    ts: str = "1700000100.000100",
    **kw: Any,
) -> FakeFile:
    return fake.add_file(FakeFile(file_id, name, data, token=BOT_TOKEN, shares={DM: ts}, **kw))


def _send(slack: SlackDriver, file: FakeFile, *, user: str = ADMIN, event_id: str = "EvF1") -> None:
    ts = file.shares[DM]
    event = {
        "type": "message",
        "subtype": "file_share",
        "text": "",
        "user": user,
        "upload": True,
        "channel": DM,
        "channel_type": "im",
        "ts": ts,
        "event_ts": ts,
        "files": [{"id": file.id, "name": file.name, "mimetype": file.mimetype}],
    }
    assert slack.event(event, event_id=event_id).status_code == 200


def _press(
    slack: SlackDriver, action: str, pending_id: int, *, user: str = ADMIN, ts: str | None = None
) -> None:
    """Press a button on the diff: in the DM (ts given) or on the ephemeral /sec answer."""
    container = {
        "type": "message",
        "channel_id": DM,
        "message_ts": ts or "1700009999.000001",
        "is_ephemeral": ts is None,
    }
    payload = {
        "type": "block_actions",
        "user": {"id": user, "team_id": "T0001"},
        "api_app_id": "A0001",
        "team": {"id": "T0001"},
        "trigger_id": "1.2.3",
        "container": container,
        "channel": {"id": DM},
        "response_url": slack.fake.response_url("press"),
        "actions": [
            {
                "type": "button",
                "action_id": f"secbot_ingest_{action}",
                "block_id": f"secbot_ingest:{pending_id}",
                "value": str(pending_id),
                "action_ts": new_action_ts(),
            }
        ],
    }
    assert slack.action(payload).status_code == 200


def _buttons(blocks: list[dict]) -> dict[str, str]:
    actions = [b for b in blocks if b["type"] == "actions"]
    return {e["text"]["text"]: e["value"] for a in actions for e in a["elements"]}


def _count(sessions: sessionmaker[Session], model: Any) -> int:
    with sessions() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def _mod(sessions: sessionmaker[Session], ref: str) -> Modification | None:
    with sessions() as session:
        return session.scalar(select(Modification).where(Modification.ref == ref))


@pytest.fixture(autouse=True, scope="module")
def reader_process_started() -> None:
    """Papers are read in a child of a fork server, which imports the readers once (seconds on a
    busy machine); start it before the tests time their waits."""
    with contextlib.suppress(UnreadableDocument):
        read_bounded(b"warming up", file_name="warm.txt", today=date(2026, 12, 1))


def _pending(sessions: sessionmaker[Session]) -> list[PendingIngest]:
    with sessions() as session:
        return list(session.scalars(select(PendingIngest).order_by(PendingIngest.id)))


def _posted(sessions: sessionmaker[Session]) -> PendingIngest:
    """The newest pending row, once its diff message's ts is recorded (just after the post)."""
    deadline = time.monotonic() + 20  # the paper is read in a child process: slow on a busy box
    while time.monotonic() < deadline:
        if (rows := _pending(sessions)) and rows[-1].message_ts:
            return rows[-1]
        time.sleep(0.02)
    raise AssertionError(f"no pending ingest with a message ts: {_pending(sessions)}")


# -- a file sent in a direct message ---------------------------------------------------------


@both_databases
def test_admin_sends_a_paper_sees_the_diff_and_applies_it_once(
    slack: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    fake = slack.fake
    _send(slack, _file(fake))
    post = fake.wait_for("chat.postMessage")[0]
    assert fake.calls("files.info")[0].args["file"] == "F0SEED002"
    download = fake.calls("file_download")[0]
    assert download.headers["authorization"] == f"Bearer {BOT_TOKEN}"
    blocks = post.args["blocks"]
    assert validate(blocks) == blocks and len(blocks) <= MESSAGE_BLOCKS
    assert blocks[0]["text"]["text"] == "Paper: csc-paper.txt"
    assert "If applied: 110 additions" in blocks[1]["text"]["text"]
    assert "more changes not shown" in str(blocks)  # 110 lines do not fit in one message
    row = _posted(sessions)
    assert row.state == PENDING and row.message_ts == fake.messages(DM)[0]["ts"]
    assert _buttons(blocks) == {"Apply": str(row.id), "Discard": str(row.id)}
    assert _mod(sessions, "MP159") is None  # a dry run: nothing written yet

    _press(slack, "apply", row.id, ts=row.message_ts)
    updated = fake.wait_for("chat.update")[0].args
    assert updated["channel"] == DM and updated["ts"] == row.message_ts
    assert f"Applied by <@{ADMIN}>" in str(updated["blocks"])
    assert "Written: 110 additions" in updated["blocks"][1]["text"]["text"]
    assert not _buttons(updated["blocks"])
    mod = _mod(sessions, "MP159")
    assert mod is not None and mod.title == "Credit Cover Review"
    assert _pending(sessions)[0].state == APPLIED and _pending(sessions)[0].decided_by == ADMIN
    documents, audits = _count(sessions, Document), _count(sessions, AuditEntry)

    _press(slack, "apply", row.id, ts=row.message_ts)  # again
    again = fake.wait_for("response_url")[0].args
    assert "already applied" in again["text"] and again["replace_original"] is False
    assert len(fake.calls("chat.update")) == 1
    assert (_count(sessions, Document), _count(sessions, AuditEntry)) == (documents, audits)


def test_discard_writes_nothing_and_a_later_apply_is_refused(
    slack: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    _send(slack, _file(slack.fake))
    row = _posted(sessions)
    _press(slack, "discard", row.id, ts=row.message_ts)
    updated = slack.fake.wait_for("chat.update")[0].args
    assert f"Discarded by <@{ADMIN}>" in str(updated["blocks"]) and not _buttons(updated["blocks"])
    assert _pending(sessions)[0].state == DISCARDED

    _press(slack, "apply", row.id, ts=row.message_ts)
    assert "already discarded" in slack.fake.wait_for("response_url")[0].args["text"]
    assert _count(sessions, Modification) == 0 and _count(sessions, Document) == 0


def test_someone_else_is_refused_politely_and_nothing_is_fetched_or_kept(
    slack: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    _send(slack, _file(slack.fake), user=USER)
    refusal = slack.fake.wait_for("chat.postMessage")[0].args
    assert refusal["channel"] == DM and "only secbot administrators" in refusal["text"]
    assert not slack.fake.calls("file_download") and _pending(sessions) == []


def test_only_an_administrator_can_press_apply(
    slack: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    _send(slack, _file(slack.fake))
    row = _posted(sessions)
    _press(slack, "apply", row.id, user=USER, ts=row.message_ts)
    answer = slack.fake.wait_for("response_url")[0].args
    assert "only secbot administrators" in answer["text"] and answer["replace_original"] is False
    assert _pending(sessions)[0].state == PENDING and _count(sessions, Modification) == 0
    assert not slack.fake.calls("chat.update")


def _image_only_pdf() -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 120, 80, style="F")  # a scan: marks on the page, no text layer
    return bytes(pdf.output())


def _locked_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.encrypt("a password")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "says"),
    [
        ("empty.txt", b"  \n", "is empty"),
        (
            "notes.txt",
            b"Bring the projector and the spare cables to the offsite on Tuesday.",
            "does not look like a SEC paper",
        ),
        ("scan.pdf", _image_only_pdf(), "no text layer"),
        ("locked.pdf", _locked_pdf(), "password-protected"),
    ],
)
def test_an_unreadable_file_is_explained_and_nothing_is_kept(
    slack: SlackDriver, sessions: sessionmaker[Session], name: str, data: bytes, says: str
) -> None:
    _send(slack, _file(slack.fake, name=name, data=data, mimetype="application/octet-stream"))
    answer = slack.fake.wait_for("chat.postMessage")[0].args
    assert says in answer["text"] and "Nothing was stored or changed" in answer["text"]
    assert not _buttons(answer["blocks"]) and _pending(sessions) == []
    assert _count(sessions, Document) == 0


def test_a_file_slack_will_not_hand_over_is_explained(
    slack: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    too_big = _file(slack.fake, "F0BIG", size=25_000_000)
    _send(slack, too_big, event_id="EvBig")
    assert "25.0 MB" in slack.fake.wait_for("chat.postMessage")[0].args["text"]
    assert not slack.fake.calls("file_download")  # refused from files.info's size
    other = FakeFile("F0OTHER", "x.txt", SEED, token="xoxb-someone-else", shares={DM: "17.2"})
    _send(slack, slack.fake.add_file(other), event_id="EvOther")
    assert "sign-in page" in slack.fake.wait_for("chat.postMessage", 2)[1].args["text"]
    assert _pending(sessions) == []


def test_one_upload_seen_as_message_and_file_shared_is_offered_once(
    slack: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    file = _file(slack.fake)
    _send(slack, file)
    slack.fake.wait_for("chat.postMessage")
    shared = {
        "type": "file_shared",
        "channel_id": DM,
        "file_id": file.id,
        "user_id": ADMIN,
        "file": {"id": file.id},
        "event_ts": "1700000101.000300",
    }
    slack.event(shared, event_id="EvShared")
    slack.fake.wait_for("files.info", 2)  # the file_shared listener looked up the share
    time.sleep(0.3)
    assert len(slack.fake.calls("chat.postMessage")) == 1
    assert len(slack.fake.calls("file_download")) == 1

    only_shared = _file(slack.fake, "F0SECOND", ts="1700000200.000100")
    slack.event(
        {**shared, "file_id": only_shared.id, "file": {"id": only_shared.id}}, event_id="EvShared2"
    )
    assert _buttons(slack.fake.wait_for("chat.postMessage", 2)[1].args["blocks"])
    in_channel = {**shared, "channel_id": "C0CHAN", "event_ts": "1700000300.000100"}
    slack.event(in_channel, event_id="EvShared3")  # files shared in channels are not offered
    time.sleep(0.3)
    assert len(slack.fake.calls("chat.postMessage")) == 2


def test_a_paper_already_in_the_store_is_not_offered_again(
    slack: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    _send(slack, _file(slack.fake))
    row = _posted(sessions)
    _press(slack, "apply", row.id, ts=row.message_ts)
    slack.fake.wait_for("chat.update")
    _send(slack, _file(slack.fake, "F0AGAIN", ts="1700000500.000100"), event_id="EvAgain")
    answer = slack.fake.wait_for("chat.postMessage", 2)[1].args
    assert "already in the store" in answer["text"] and not _buttons(answer["blocks"])
    assert len(_pending(sessions)) == 1


def test_an_offer_lapses_after_seven_days(
    slack: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    _send(slack, _file(slack.fake))
    row = _posted(sessions)
    with transaction(sessions) as session:
        session.execute(update(PendingIngest).values(created_at=now() - timedelta(days=8)))
    _press(slack, "apply", row.id, ts=row.message_ts)
    assert "lapsed" in str(slack.fake.wait_for("chat.update")[0].args["blocks"])
    assert "more than 7 days" in slack.fake.wait_for("response_url")[0].args["text"]
    assert _pending(sessions)[0].state == EXPIRED and _count(sessions, Modification) == 0


# -- /sec ingest <link> ---------------------------------------------------------------------


def test_sec_ingest_a_slack_file_link_answers_ephemerally_and_applies(
    slack: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    _file(slack.fake)
    link = "<https://test.slack.com/files/UADMIN1/F0SEED002/csc-paper.txt>"
    assert slack.command(f"ingest {link}", user_id=ADMIN, channel_id=DM).status_code == 200
    answer = slack.fake.wait_for("response_url")[0].args
    assert answer["response_type"] == "ephemeral"
    [row] = _pending(sessions)
    assert _buttons(answer["blocks"]) == {"Apply": str(row.id), "Discard": str(row.id)}
    assert row.message_ts is None and row.source.startswith("https://test.slack.com/files/")

    _press(slack, "apply", row.id)  # on the ephemeral message: replaced through response_url
    replaced = slack.fake.wait_for("response_url", 2)[1].args
    assert replaced["replace_original"] is True and "Applied by" in str(replaced["blocks"])
    assert not slack.fake.calls("chat.update")
    mod = _mod(sessions, "MP159")
    assert mod is not None and mod.title == "Credit Cover Review"


def test_sec_ingest_a_web_address_on_an_allowed_site(
    slack: SlackDriver, sessions: sessionmaker[Session]
) -> None:
    url = slack.fake.serve("papers/csc-paper", SEED, "text/plain")
    slack.command(f"ingest <{url}>", user_id=ADMIN)
    answer = slack.fake.wait_for("response_url")[0].args
    assert answer["blocks"][0]["text"]["text"] == "Paper: csc-paper.txt"
    assert _pending(sessions)[0].source == url and slack.fake.calls("web_download")


@pytest.mark.parametrize(
    ("who", "text", "says"),
    [
        (ADMIN, "ingest https://example.com/paper.pdf", "I only fetch papers from " + SITE),
        (ADMIN, "INGEST", "Usage: `/sec ingest &lt;link&gt;`"),
        (USER, "ingest https://smartenergycodecompany.co.uk/x.pdf", "only secbot administrators"),
    ],
)
def test_sec_ingest_refusals(
    slack: SlackDriver, sessions: sessionmaker[Session], who: str, text: str, says: str
) -> None:
    slack.command(text, user_id=who)
    answer = slack.fake.wait_for("response_url")[0].args
    assert says in answer["blocks"][0]["text"]["text"] and _pending(sessions) == []
    assert not slack.fake.calls("web_download") and not slack.fake.calls("files.info")


def test_other_commands_and_messages_still_reach_the_router(slack: SlackDriver) -> None:
    slack.command("help", user_id=ADMIN)
    assert "Commands:" in slack.fake.wait_for("response_url")[0].args["text"]
    dm = {
        "type": "message",
        "channel_type": "im",
        "user": USER,
        "text": "help",
        "channel": DM,
        "ts": "1700000700.000100",
        "event_ts": "1700000700.000100",
    }
    slack.event(dm, event_id="EvText")
    assert "Commands:" in slack.fake.wait_for("chat.postMessage")[0].args["text"]


# -- the store's part and the message's limits ----------------------------------------------


def _prepared(sessions: sessionmaker[Session]) -> tuple[int, store.Prepared]:
    changes = store.read_upload(SEED, file_name="csc.txt", today=now().date())
    with transaction(sessions) as session:
        prepared = store.prepare(
            session,
            changes,
            checksum=store.checksum_of(SEED),
            file_name="csc.txt",
            source="csc.txt",
            requested_by=ADMIN,
            channel=DM,
            now=now(),
        )
        assert prepared.pending is not None
        return prepared.pending.id, prepared


@both_databases
def test_two_clicks_at_once_apply_once(sessions: sessionmaker[Session]) -> None:
    pending_id, _ = _prepared(sessions)
    results: list[store.Decided] = []

    def click() -> None:
        with transaction(sessions) as session:
            results.append(
                store.apply_pending(session, pending_id=pending_id, actor=ADMIN, now=now())
            )

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(r.moved for r in results) == [False, True]
    assert _count(sessions, Document) == 1


def test_the_diff_fits_block_kit_and_counts_what_it_leaves_out(
    sessions: sessionmaker[Session],
) -> None:
    _, prepared = _prepared(sessions)
    assert prepared.pending is not None
    view = view_of(prepared.pending, prepared.report, "A paper")
    blocks = diff_payload(view)["blocks"]
    assert validate(blocks) == blocks and len(blocks) <= MESSAGE_BLOCKS
    sections = [b["text"]["text"] for b in blocks if b["type"] == "section"]
    assert all(len(text) <= SECTION_TEXT for text in sections)
    shown = sum(text.count("\n") + 1 for text in view.chunks_mrkdwn)
    assert shown + view.hidden == len(prepared.report.changes) == 110  # with 3 DCC assessments owed
    assert f"… and {view.hidden} more changes" in str(blocks)


@given(st.lists(st.text(st.characters(exclude_characters="\n"), max_size=4000), max_size=80))
def test_packing_keeps_every_limit_and_loses_no_count(lines: list[str]) -> None:
    chunks, hidden = pack(lines)
    assert len(chunks) <= MAX_SECTIONS and all(0 < len(c) <= SECTION_BUDGET for c in chunks)
    shown = len(lines) - hidden
    assert 0 < shown <= MAX_LINES or not lines
    expected = [truncate(line, SECTION_BUDGET) or " " for line in lines[:shown]]
    assert "\n".join(chunks) == "\n".join(expected)  # in order, none lost, none repeated


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        (SITE + "modifications/credit-cover-review/", True),
        ("https://SmartEnergyCodeCompany.co.uk/papers/x.pdf", True),
        ("http://smartenergycodecompany.co.uk/x.pdf", False),
        ("https://smartenergycodecompany.co.uk.example.com/x.pdf", False),
        ("https://smartenergycodecompany.co.uk@example.com/x.pdf", False),
        ("https://example.com/?u=https://smartenergycodecompany.co.uk/", False),
        ("file:///etc/passwd", False),
    ],
)
def test_only_the_sec_website_is_fetched(url: str, allowed: bool) -> None:
    assert is_allowed_url(url, (SITE,)) is allowed


@pytest.mark.parametrize(
    ("text", "file_id"),
    [
        ("<https://test.slack.com/files/U0AB/F0ABC12345/paper.pdf|paper.pdf>", "F0ABC12345"),
        ("https://files.slack.com/files-pri/T0001-F0ABC12345/paper.pdf", "F0ABC12345"),
        ("F0ABC12345", "F0ABC12345"),
        ("https://slack.com.example.org/files/U0AB/F0ABC12345/x", None),
        (SITE + "files/U0AB/F0ABC12345/x", None),
    ],
)
def test_slack_file_links(text: str, file_id: str | None) -> None:
    assert slack_file_id(link_in(text)) == file_id


@both_databases
def test_applying_a_paper_records_its_change_events_once(sessions: sessionmaker[Session]) -> None:
    pending_id, _ = _prepared(sessions)
    for _click in range(2):
        with transaction(sessions) as session:
            store.apply_pending(session, pending_id=pending_id, actor=ADMIN, now=now())
    with sessions() as session:
        events = untold_events(session)
        document_id = session.scalar(select(Document.id))
    # Not a baseline and in no sync run: `subscribe changes` hears of it on the next plan.
    assert events and all(not e.baseline and e.sync_run_id is None for e in events)
    assert {e.document_id for e in events} == {document_id}
    assert ("raised", "MP159") in {(e.kind, e.ref) for e in events}
    assert len({e.event_key for e in events}) == len(events)


def test_sec_ingest_is_the_routers_command(loaded: sessionmaker[Session]) -> None:
    router = build_router(loaded)
    link = "<https://smartenergycodecompany.co.uk/x.pdf|x.pdf>"
    admin = Context(as_of=date(2026, 12, 1), user=ADMIN, surface="slack", is_admin=True)
    accepted = router.answer(f"ingest {link}", admin)
    assert (
        accepted.ok and accepted.meta[INGEST_LINK] == "https://smartenergycodecompany.co.uk/x.pdf"
    )
    someone = Context(as_of=date(2026, 12, 1), user=USER, surface="slack")
    refused = router.answer(f"ingest {link}", someone)
    assert refused.kind == "refusal" and INGEST_LINK not in refused.meta
    console = Context(as_of=date(2026, 12, 1), user="console", surface="console", is_admin=True)
    assert INGEST_LINK not in router.answer(f"ingest {link}", console).meta


def test_a_link_typed_in_a_dm_is_not_fetched(slack: SlackDriver) -> None:
    url = slack.fake.serve("papers/csc-paper", SEED, "text/plain")
    dm = {
        "type": "message",
        "channel_type": "im",
        "user": ADMIN,
        "text": f"ingest <{url}>",
        "channel": DM,
        "ts": "1700000800.000100",
        "event_ts": "1700000800.000100",
    }
    slack.event(dm, event_id="EvIngestText")
    said = slack.fake.wait_for("chat.postMessage")[0].args["text"]
    assert "/sec ingest" in said and not slack.fake.calls("web_download")
