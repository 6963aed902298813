"""Block Kit checks for the tests: what we send must parse through slack_sdk's models and come
back unchanged (a key the model does not know is a template typo), within Slack's limits.

Production only cuts to the limits (bot.slack.blocks.fit); the shape of every template's output
is checked here, once per template and view model, instead of on every answer.
"""

from __future__ import annotations

from typing import Any

from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.slack.blocks import HEADER_TEXT, MESSAGE_BLOCKS, SECTION_TEXT, VIEW_BLOCKS


class BlockKitError(AssertionError):
    """Blocks Slack would refuse."""


def validate(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Parse every block with slack_sdk's models and check it round-trips unchanged."""
    for raw, block in zip(blocks, Block.parse_all(blocks), strict=True):
        if block is None:
            raise BlockKitError(f"unknown block type {raw.get('type')!r}")
        try:
            parsed = block.to_dict()
        except SlackObjectFormationError as exc:
            raise BlockKitError(f"{raw.get('type')} block: {exc}") from exc
        if parsed != raw:
            raise BlockKitError(f"{raw.get('type')} block does not round-trip: {raw}")
    return blocks


def validate_view(view: dict[str, Any]) -> dict[str, Any]:
    """A home tab or modal: its blocks, and the view itself, as slack_sdk's View sees them."""
    assert len(view.get("blocks") or []) <= VIEW_BLOCKS
    validate(view.get("blocks") or [])
    try:
        parsed = View(**view).to_dict()
    except SlackObjectFormationError as exc:
        raise BlockKitError(f"{view.get('type')} view: {exc}") from exc
    if {k: v for k, v in parsed.items() if k in view} != view:
        raise BlockKitError(f"{view.get('type')} view does not round-trip")
    return view


def within_limits(blocks: list[dict[str, Any]], max_blocks: int = MESSAGE_BLOCKS) -> None:
    """Valid, and within the limits Slack enforces on counts and lengths."""
    assert 0 < len(blocks) <= max_blocks
    validate(blocks)
    for block in blocks:
        if block["type"] == "section" and "text" in block:
            assert len(block["text"]["text"]) <= SECTION_TEXT
        if block["type"] == "header":
            assert len(block["text"]["text"]) <= HEADER_TEXT
