"""`secbot teams-manifest`: the manifest, its command list, and icons that are real PNGs."""

from __future__ import annotations

import json
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.teams.manifest import MAX_COMMANDS, color_icon, command_list, outline_icon
from tests.bot.teams.activities import APP_ID


def read_png(data: bytes) -> tuple[int, int, list[list[tuple[int, ...]]]]:
    """Width, height and RGBA rows of an 8-bit RGBA PNG, checking every chunk's CRC."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos = 8
    chunks: dict[bytes, bytes] = {}
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])
        assert crc == zlib.crc32(kind + body), kind
        chunks[kind] = chunks.get(kind, b"") + body
        pos += 12 + length
    width, height, depth, colour, *_ = struct.unpack(">IIBBBBB", chunks[b"IHDR"])
    assert (depth, colour) == (8, 6) and b"IEND" in chunks
    raw = zlib.decompress(chunks[b"IDAT"])
    stride = 1 + width * 4
    rows = []
    for y in range(height):
        line = raw[y * stride : (y + 1) * stride]
        assert line[0] == 0  # no filter
        rows.append([tuple(line[1 + x * 4 : 5 + x * 4]) for x in range(width)])
    return width, height, rows


def test_the_colour_icon_is_192_square_and_opaque() -> None:
    width, height, rows = read_png(color_icon())
    assert (width, height) == (192, 192)
    assert all(pixel[3] == 255 for row in rows for pixel in row)
    assert len({pixel for row in rows for pixel in row}) == 2  # background and glyph


def test_the_outline_icon_is_32_square_white_on_transparent() -> None:
    width, height, rows = read_png(outline_icon())
    assert (width, height) == (32, 32)
    pixels = {pixel for row in rows for pixel in row}
    assert pixels == {(255, 255, 255, 255), (0, 0, 0, 0)}


def test_the_command_list_keeps_to_teams_limits_and_keeps_help() -> None:
    many = [(f"cmd{i:02d}", f"cmd{i:02d} <x>", "d" * 200) for i in range(15)]
    listed = command_list([*many, ("help", "help", "what secbot understands")])
    assert len(listed) == MAX_COMMANDS
    assert "help" in [c["title"] for c in listed]
    assert all(len(c["description"]) <= 128 and len(c["title"]) <= 32 for c in listed)


def test_the_cli_writes_the_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TEAMS_APP_ID", raising=False)
    monkeypatch.delenv("CLIENT_ID", raising=False)
    result = CliRunner().invoke(app, ["teams-manifest", "--out", str(tmp_path), "--app-id", APP_ID])
    assert result.exit_code == 0, result.output

    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["id"] == APP_ID and manifest["bots"][0]["botId"] == APP_ID
    titles = [c["title"] for c in manifest["bots"][0]["commandLists"][0]["commands"]]
    assert titles[:3] == ["status", "release", "releases"] and "help" in titles
    assert manifest["icons"] == {"color": "color.png", "outline": "outline.png"}
    with zipfile.ZipFile(tmp_path / "secbot-teams-app.zip") as package:
        assert sorted(package.namelist()) == ["color.png", "manifest.json", "outline.png"]


def test_the_cli_needs_the_app_id(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("TEAMS_APP_ID", "CLIENT_ID"):
        monkeypatch.delenv(name, raising=False)
    result = CliRunner().invoke(app, ["teams-manifest", "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "TEAMS_APP_ID" in result.output
    assert not (tmp_path / "manifest.json").exists()
