"""The Teams app package: manifest.json with the bot's commands, and its two icons.

Icons are drawn here and written as PNG with zlib and struct only: a 192x192 colour icon and a
32x32 outline icon (white on transparent, as Teams requires).
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bot.settings import TeamsSettings

MANIFEST_VERSION = "1.19"
SCHEMA = (
    "https://developer.microsoft.com/en-us/json-schemas/teams/"
    f"v{MANIFEST_VERSION}/MicrosoftTeams.schema.json"
)
SCOPES = ["personal", "team", "groupChat"]
ACCENT = (0x1F, 0x5C, 0x99)  # a deep blue; the colour icon's background
# Teams limits: ten commands a list, titles of 32 characters, descriptions of 128.
MAX_COMMANDS, MAX_TITLE, MAX_DESCRIPTION = 10, 32, 128
# The commands people most need first, when there are more than ten.
PREFERRED = [
    "status",
    "release",
    "releases",
    "meetings",
    "deadlines",
    "pending",
    "search",
    "history",
    "subscribe",
    "help",
]
_GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)

RGBA = tuple[int, int, int, int]


UNFURL_DOMAINS = ["smartenergycodecompany.co.uk", "www.smartenergycodecompany.co.uk"]


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def command_list(commands: Sequence[tuple[str, str, str]]) -> list[dict[str, str]]:
    """(name, usage, description) of the router's routes -> the manifest's command list."""
    by_name = {name: (usage, description) for name, usage, description in commands}
    order = [n for n in PREFERRED if n in by_name] + sorted(set(by_name) - set(PREFERRED))
    chosen = order[:MAX_COMMANDS]  # "help" is preferred, so it is always listed
    return [
        {
            "title": _cut(name, MAX_TITLE),
            "description": _cut(f"{by_name[name][1]} ({by_name[name][0]})", MAX_DESCRIPTION),
        }
        for name in chosen
    ]


def build_manifest(
    settings: TeamsSettings, commands: Sequence[tuple[str, str, str]], *, version: str
) -> dict[str, Any]:
    """manifest.json for the bot whose app id the settings give."""
    app_id = settings.app_id
    if not app_id or not _GUID.match(app_id):
        raise ValueError("TEAMS_APP_ID must be the bot's Microsoft App ID (a GUID)")
    package_id = settings.manifest_id or app_id
    if not _GUID.match(package_id):
        raise ValueError("TEAMS_MANIFEST_ID must be a GUID")
    manifest: dict[str, Any] = {
        "$schema": SCHEMA,
        "manifestVersion": MANIFEST_VERSION,
        "version": version,
        "id": package_id,
        "developer": {
            "name": settings.developer_name,
            "websiteUrl": settings.website_url,
            # Teams requires both; the website stands in until the publisher sets their own.
            "privacyUrl": settings.privacy_url or settings.website_url,
            "termsOfUseUrl": settings.terms_url or settings.website_url,
        },
        "name": {
            "short": _cut(settings.bot_name, 30),
            "full": "secbot: the SEC change process assistant",
        },
        "description": {
            "short": "Where SEC modifications stand, what is in each release, what is next.",
            "full": (
                "Ask about Smart Energy Code modification proposals, SEC Releases, meetings and "
                "deadlines, in a chat with the bot or by mentioning it in a channel. "
                "Subscribe a channel or yourself to reminders of Working Group meetings, "
                "deadlines and release go-lives."
            ),
        },
        "icons": {"color": "color.png", "outline": "outline.png"},
        "accentColor": "#{:02X}{:02X}{:02X}".format(*ACCENT),
        "bots": [_bot(app_id, commands)],
        # Link unfurling (bot.teams.unfurls): modification pages pasted in the compose box.
        "composeExtensions": [
            {
                "botId": app_id,
                "commands": [],
                "messageHandlers": [{"type": "link", "value": {"domains": UNFURL_DOMAINS}}],
            }
        ],
        "permissions": ["identity", "messageTeamMembers"],
        "validDomains": [settings.app_domain] if settings.app_domain else [],
    }
    return manifest


def _bot(app_id: str, commands: Sequence[tuple[str, str, str]]) -> dict[str, Any]:
    return {
        "botId": app_id,
        "scopes": SCOPES,
        "supportsFiles": False,
        "isNotificationOnly": False,
        "commandLists": [{"scopes": SCOPES, "commands": command_list(commands)}],
    }


def png(width: int, height: int, pixel: Callable[[int, int], RGBA]) -> bytes:
    """An 8-bit RGBA PNG whose pixel (x, y) is ``pixel(x, y)``."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(
        b"\x00" + b"".join(bytes(pixel(x, y)) for x in range(width)) for y in range(height)
    )  # each row: filter type 0 (none), then its pixels
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


def _glyph(x: float, y: float) -> bool:
    """A calendar page with three lines of text, on a unit square (0..1)."""
    inside_page = 0.2 <= x <= 0.8 and 0.16 <= y <= 0.86
    border = inside_page and not (0.26 <= x <= 0.74 and 0.3 <= y <= 0.8)
    header = inside_page and y < 0.3
    lines = 0.34 <= x <= 0.66 and any(abs(y - c) <= 0.035 for c in (0.44, 0.56, 0.68))
    return border or header or lines


def color_icon(size: int = 192) -> bytes:
    """The colour icon: the glyph in white on the accent colour."""
    white, background = (255, 255, 255, 255), (*ACCENT, 255)
    return png(size, size, lambda x, y: white if _glyph(x / size, y / size) else background)


def outline_icon(size: int = 32) -> bytes:
    """The outline icon: the glyph in white on transparent."""
    white, clear = (255, 255, 255, 255), (0, 0, 0, 0)
    return png(
        size, size, lambda x, y: white if _glyph((x + 0.5) / size, (y + 0.5) / size) else clear
    )


def write_package(out: Path, manifest_json: str) -> list[Path]:
    """manifest.json, the icons, and the zip to upload to Teams; returns the files written."""
    out.mkdir(parents=True, exist_ok=True)
    files = {
        "manifest.json": manifest_json.encode(),
        "color.png": color_icon(),
        "outline.png": outline_icon(),
    }
    written = []
    for name, data in files.items():
        (out / name).write_bytes(data)
        written.append(out / name)
    package = out / "secbot-teams-app.zip"
    with zipfile.ZipFile(package, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return [*written, package]
