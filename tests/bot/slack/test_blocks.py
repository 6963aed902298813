"""Every Block Kit payload round-trips through slack_sdk's models and stays within Slack's limits,
and stored text cannot ping or link. (Production only fits to the limits; the model check is
here, see tests/bot/slack/block_kit.py and test_templates.py.)"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View
from sqlalchemy.orm import Session, sessionmaker

from bot.answers.home import HomeModel, MeetingLine
from bot.router import Context, build_router
from bot.slack.blocks import (
    PARTIAL_NOTE,
    answer_blocks,
    fallback_text,
    fit,
    home_view,
    message_payload,
    modal_view,
    render_blocks,
)
from bot.views import (
    Answer,
    DecisionsView,
    DecisionView,
    HistoryEntryView,
    HistoryView,
    ModRow,
    ReleaseLink,
    ReleaseSummary,
    ReleaseView,
    ScopeRow,
    SearchView,
    StatusView,
    message,
)
from tests.bot.slack.block_kit import BlockKitError, validate, validate_view

EVIL = "<!channel> & <@U123> <#C999> <https://evil.example|click> @here"
LONG = "Very long modification title about smart meter firmware " * 8


def _texts(blocks: list[dict]) -> list[str]:
    """Every text Slack would display or parse, wherever it sits in the blocks."""
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("text"), str):
                found.append(node["text"])
            for key, value in node.items():
                if key in {"value"} and isinstance(value, str):
                    found.append(value)
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(blocks)
    return found


def assert_valid(blocks: list[dict], max_blocks: int = 50) -> None:
    assert 0 < len(blocks) <= max_blocks
    assert [b.to_dict() for b in Block.parse_all(blocks)] == blocks
    for block in blocks:
        if block["type"] == "header":
            assert len(block["text"]["text"]) <= 150
        if block["type"] == "section":
            assert len(block.get("text", {}).get("text", "")) <= 3000
            assert all(len(f["text"]) <= 2000 for f in block.get("fields", []))


def assert_inert(blocks: list[dict]) -> None:
    for text in _texts(blocks):
        assert "<!" not in text and "<@" not in text and "<#" not in text, text
        assert "<https://evil" not in text


def status_view(title: str = "Credit Cover Review", **changes: object) -> StatusView:
    view = StatusView(
        ref="MP159",
        title=title,
        stage="refinement",
        stage_label="Refinement Process",
        sentence=f"MP159 ‘{title}’ is in the Refinement Process.",
        status=f"Going well. {title}",
        status_as_of=date(2021, 9, 21),
        proposer=f"Proposer of {title}",
        path_label=None,
        dcc_impact=True,
        url="https://smartenergycodecompany.co.uk/modifications/credit-cover-review/",
        release=ReleaseLink("February 2022 SEC Release", date(2022, 2, 24), "in scope", title),
        decisions=[
            DecisionView(
                "MP159",
                title,
                "Proposer",
                f"whether {title}",
                date(2021, 9, 1),
                12,
                "early October 2021",
            )
        ],
        as_of=date(2021, 10, 1),
    )
    return replace(view, **changes)  # type: ignore[arg-type]


def release_view(rows: int, title: str = LONG) -> ReleaseView:
    def row(n: int, state: str) -> ScopeRow:
        return ScopeRow(
            f"MP{n:03d}",
            f"{title} {n}",
            state,
            "Refinement Process",
            f"Note {n}: {title}",
            n % 2 == 0,
            f"https://smartenergycodecompany.co.uk/modifications/m-{n}/",
        )

    return ReleaseView(
        title=f"February 2022 SEC Release {title}",
        go_live=date(2022, 2, 24),
        baselining=title * 3,
        in_scope=[row(n, "in_scope" if n % 3 else "partial") for n in range(rows)],
        removed=[row(n, "removed") for n in range(rows, rows + 5)],
        as_of=date(2021, 10, 1),
    )


@pytest.fixture(scope="module")
def answer_for(sample_store: sessionmaker[Session]):
    router = build_router(sample_store)
    ctx = Context(
        as_of=date(2021, 10, 1), user="UADMIN1", surface="slack", is_admin=True, is_direct=True
    )
    return lambda text: router.answer(text, ctx)


@pytest.mark.parametrize(
    "command",
    [
        "status MP159",
        "history MP159",
        "release Feb 2022",
        "releases",
        "is MP128B in feb 22",
        "search firmware",
        "pending",
        "help",
        "status MP999",
        "status",
        "meetings",
        "deadlines",
    ],
)
def test_every_answer_renders_valid_blocks(answer_for, command: str) -> None:
    answer = answer_for(command)
    blocks = answer_blocks(answer)
    assert_valid(blocks)
    assert fallback_text(answer)


def test_status_card_has_buttons_to_the_page_and_related_commands() -> None:
    blocks = answer_blocks(Answer("status", status_view(), meta={"ref": "MP159"}))
    buttons = [e for b in blocks if b["type"] == "actions" for e in b["elements"]]
    assert buttons[0]["url"].endswith("/credit-cover-review/")
    values = {e.get("value") for e in buttons}
    assert {"history MP159", "release February 2022 SEC Release", "pending MP159"} <= values


def test_stored_text_is_escaped_everywhere() -> None:
    for answer in (
        Answer("status", status_view(EVIL)),
        Answer("release", release_view(3, EVIL)),
        Answer(
            "history",
            HistoryView(
                "MP159", EVIL, None, [HistoryEntryView(date(2021, 1, 1), EVIL, EVIL, EVIL)]
            ),
        ),
        Answer(
            "pending",
            DecisionsView(EVIL, [DecisionView("MP1", EVIL, EVIL, EVIL, date(2021, 1, 1))]),
        ),
        message(EVIL, f"status MP159 ({EVIL})"),
    ):
        payload = message_payload(answer)
        assert_valid(payload["blocks"])
        assert_inert(payload["blocks"])
        assert "&lt;!channel&gt;" in json.dumps(payload)
        assert "<!channel>" not in payload["text"]


def test_long_titles_and_many_scope_rows_stay_within_limits() -> None:
    blocks = answer_blocks(Answer("release", release_view(45)))
    assert_valid(blocks)
    shown = " ".join(_texts(blocks))
    assert "MP000" in shown and "MP044" in shown  # every row, over several sections
    header = blocks[0]["text"]["text"]
    assert len(header) == 150 and header.endswith("…")


def test_too_many_blocks_are_cut_with_a_note() -> None:
    hits = [ModRow(f"MP{n}", LONG, "Refinement Process") for n in range(80)]
    blocks = answer_blocks(Answer("search", SearchView("credit", hits)))
    assert_valid(blocks)
    assert len(blocks) == 50 and blocks[-1]["elements"][0]["text"] == PARTIAL_NOTE


def test_a_table_beyond_slack_row_limit_is_cut_with_a_note() -> None:
    # The answers page their tables; a view made without a page still never breaks Slack.
    decisions = [
        DecisionView(f"MP{n}", LONG, "Proposer", LONG, date(2021, 1, 1), n) for n in range(150)
    ]
    blocks = answer_blocks(Answer("pending", DecisionsView("Waiting", decisions)))
    assert_valid(blocks)
    table = next(b for b in blocks if b["type"] == "table")
    assert len(table["rows"]) == 100 and table["rows"][-1][0]["text"] == PARTIAL_NOTE
    assert {len(row) for row in table["rows"]} == {4}


def test_modal_and_home_views_validate() -> None:
    modal = modal_view(Answer("release", release_view(45)))
    assert View(**modal).to_dict() == modal
    validate_view(modal)
    home = HomeModel(
        as_of=date(2021, 10, 1),
        mine=[
            ModRow(f"MP{n}", LONG, "Refinement Process", None, "you follow it") for n in range(40)
        ],
        decisions=[
            DecisionView(f"MP{n}", LONG, "Proposer", LONG, date(2021, 1, 1), n) for n in range(40)
        ],
        meetings=[
            MeetingLine("Working Group", date(2021, 10, 6), date(2021, 9, 22), date(2021, 9, 29))
        ],
        release=ReleaseSummary("February 2022 SEC Release", date(2022, 2, 24), 7, False),
    )
    blocks = render_blocks("home", max_blocks=100, m=home)
    assert_valid(blocks, max_blocks=100)
    assert View(type="home", blocks=blocks).to_dict()["blocks"] == blocks
    validate_view(home_view(blocks))


def test_unfurl_card_is_valid_and_inert() -> None:
    blocks = render_blocks("unfurl", m=status_view(EVIL), meta={}, ok=True)
    assert_valid(blocks)
    assert_inert(blocks)


def test_fit_cuts_each_limit() -> None:
    blocks = fit(
        [
            {"type": "header", "text": {"type": "plain_text", "text": "h" * 400}},
            {
                "type": "section",
                "text": {"type": "mrkdwn", "text": "s" * 5000},
                "fields": [{"type": "mrkdwn", "text": "f" * 2500}] * 12,
            },
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "action_id": f"a{n}",
                        "value": "v",
                        "text": {"type": "plain_text", "text": "b" * 90},
                    }
                    for n in range(30)
                ],
            },
        ]
    )
    assert len(blocks[0]["text"]["text"]) == 150
    assert len(blocks[1]["text"]["text"]) == 3000 and len(blocks[1]["fields"]) == 10
    assert all(len(f["text"]) == 2000 for f in blocks[1]["fields"])
    assert len(blocks[2]["elements"]) == 25
    assert_valid(blocks)


def test_validate_refuses_what_slack_would_refuse() -> None:
    with pytest.raises(BlockKitError):
        validate([{"type": "no_such_block"}])
    with pytest.raises(BlockKitError):
        validate([{"type": "header", "text": {"type": "plain_text", "text": "x" * 151}}])
    with pytest.raises(BlockKitError):  # a key the model does not know: a template typo
        validate([{"type": "divider", "colour": "red"}])


# Slack's control sequences and markup mixed with arbitrary text.
_PIECES = st.sampled_from(
    [
        "<!channel>",
        "<!here>",
        "<@U123>",
        "<#C1|x>",
        "<http://a|b>",
        "&",
        "<",
        ">",
        "|",
        "*",
        "_",
        "`",
        "\n",
        " ",
        "é",
        "MP159",
    ]
)
_TEXT = st.lists(_PIECES | st.text(max_size=8), max_size=60).map("".join)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=_TEXT.filter(str.strip), note=_TEXT)
def test_any_stored_text_gives_valid_inert_blocks(title: str, note: str) -> None:
    for answer in (
        Answer("status", status_view(title, status=note or None)),
        Answer("release", release_view(2, title)),
        message(title, note or "help"),
    ):
        payload = message_payload(answer)
        assert_valid(payload["blocks"])
        assert_inert(payload["blocks"])
