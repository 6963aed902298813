"""Tables where people compare: release scope, pending, deadlines and list as Slack table blocks
and Adaptive Card tables, validated by slack_sdk's models and the Teams card check; long tables
page with a "more" command and never drop a row."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.orm import Session, sessionmaker

from bot.answers.tables import TABLE_PAGE, page_of, split_page
from bot.render import render_text
from bot.router import Context, Router, build_router
from bot.slack.blocks import answer_blocks, message_payload
from bot.teams.cards import card_for
from bot.views import Answer, ReleaseView, ScopeRow
from tests.bot.slack.block_kit import within_limits
from tests.bot.teams.card_check import card_problems

AS_OF = date(2021, 9, 22)
TABLES = {
    "release": "release Feb 2022",
    "pending": "pending",
    "deadlines": "deadlines next 4 weeks",
    "list": "list stage:refinement",
}


@pytest.fixture(scope="module")
def router(sample_store: sessionmaker[Session]) -> Router:
    return build_router(sample_store)


def ask(router: Router, text: str, surface: str = "slack") -> Answer:
    return router.answer(text, Context(as_of=AS_OF, user="U1", channel="C1", surface=surface))


def table_of(blocks: list[dict]) -> dict:
    tables = [b for b in blocks if b["type"] == "table"]
    assert len(tables) == 1, "Slack allows one table a message"
    return tables[0]


def cell_text(cell: dict) -> str:
    if cell["type"] == "raw_text":
        return str(cell["text"])
    return "".join(e["text"] for s in cell["elements"] for e in s["elements"])


@pytest.mark.parametrize("kind", sorted(TABLES))
def test_each_comparing_answer_is_one_valid_slack_table(router: Router, kind: str) -> None:
    answer = ask(router, TABLES[kind])
    assert answer.kind == kind

    payload = message_payload(answer)
    within_limits(payload["blocks"])
    table = table_of(payload["blocks"])

    header = [cell_text(c) for c in table["rows"][0]]
    assert header[0] == "Modification" and len(header) == 4
    assert {len(row) for row in table["rows"]} == {4}
    assert payload["text"]  # the plain-text fallback for notifications and old clients


@pytest.mark.parametrize("kind", sorted(TABLES))
def test_each_comparing_answer_is_a_valid_teams_table(router: Router, kind: str) -> None:
    card = card_for(ask(router, TABLES[kind], surface="teams"))

    assert card_problems(card) == []
    tables = [item for item in card["body"] if item["type"] == "Table"]
    assert len(tables) == 1 and tables[0]["firstRowAsHeaders"] is True


def test_release_scope_rows_say_state_and_next_date(router: Router) -> None:
    table = table_of(answer_blocks(ask(router, "release Feb 2022")))
    rows = {cell_text(r[0]): [cell_text(c) for c in r] for r in table["rows"][1:]}

    assert rows["MP121"][2] == "awaiting the Change Board vote"
    assert rows["MP121"][3] == "Change Board vote, Wednesday 29 September 2021"
    assert rows["MP128B"][2].endswith("added to scope")
    link = table["rows"][1][0]["elements"][0]["elements"][0]
    assert link["type"] == "link" and link["url"].startswith("https://smartenergycodecompany")


def scope(rows: int) -> list[ScopeRow]:
    return [
        ScopeRow(f"MP{n:03d}", f"<!channel> & title {n}", "in_scope", "Approved", None, False, None)
        for n in range(rows)
    ]


def big_release(page: int) -> Answer:
    rows = scope(95)
    view = ReleaseView(
        title="November 2022 SEC Release",
        go_live=date(2022, 11, 3),
        baselining=None,
        in_scope=rows,
        removed=[],
        as_of=AS_OF,
        page=page_of(len(rows), page, "release November 2022"),
    )
    return Answer("release", view)


def test_a_long_scope_pages_with_a_more_button_and_drops_nothing() -> None:
    seen: list[str] = []
    page, more = 1, "release November 2022 page 1"
    while more:
        blocks = answer_blocks(big_release(page))
        within_limits(blocks)
        table = table_of(blocks)
        assert len(table["rows"]) <= TABLE_PAGE + 1
        seen += [cell_text(r[0]) for r in table["rows"][1:]]
        buttons = [e for b in blocks if b["type"] == "actions" for e in b["elements"]]
        more = next((b["value"] for b in buttons if b["action_id"] == "secbot_cmd_table_more"), "")
        if more:
            assert more == f"release November 2022 page {page + 1}"
            assert split_page(more.removeprefix("release ")) == ("November 2022", page + 1)
            page += 1
    assert seen == [f"MP{n:03d}" for n in range(95)] and page == 3


def test_table_cells_are_escaped_and_the_text_pages_too() -> None:
    answer = big_release(3)
    cells = [cell_text(c) for r in table_of(answer_blocks(answer))["rows"] for c in r]
    assert "&lt;!channel&gt; &amp; title 94" in cells
    assert not any("<!channel>" in c for c in cells)
    text = render_text(answer)
    assert "81–95 shown" in text and "MP080" in text and "MP079" not in text
    card = card_for(replace(answer, model=replace(answer.model, page=page_of(95, 1, "r"))))
    assert card_problems(card) == []
    assert card["actions"][0]["data"]["text"] == "r page 2"


@given(st.integers(min_value=0, max_value=500), st.integers(min_value=-3, max_value=30))
def test_pages_cover_every_row_once(total: int, page: int) -> None:
    shown = page_of(total, page, "pending")
    assert 0 <= shown.start <= max(total - 1, 0)
    assert shown.last - shown.start <= TABLE_PAGE
    covered: list[int] = []
    n, current = 1, page_of(total, 1, "pending")
    while True:
        covered += list(range(current.start, current.last))
        if current.more_command is None:
            break
        n += 1
        assert current.more_command == f"pending page {n}"
        current = page_of(total, n, "pending")
    assert covered == list(range(total))


@given(st.text(alphabet="abc XYZ 2022", max_size=30), st.integers(min_value=1, max_value=9999))
def test_split_page_reads_a_trailing_page(words: str, number: int) -> None:
    assert split_page(f"{words} page {number}") == (words.strip(), number)
    if not words.rstrip().lower().endswith(tuple(f"page {d}" for d in range(10))):
        assert split_page(words) == (words, 1)
