"""Files in the fake Slack workspace: what files.info says about them and how url_private
answers (the bytes for the file's own token; Slack's sign-in page, HTML with status 200, for a
missing or wrong token, as real Slack does)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SIGN_IN_PAGE = b"<!DOCTYPE html><html><body>Sign in to Slack</body></html>"


@dataclass(frozen=True)
class FakeFile:
    """A file in the fake workspace."""

    id: str
    name: str
    data: bytes
    token: str  # the bot token url_private accepts
    mimetype: str = "text/plain"
    filetype: str = "text"
    shares: dict[str, str] = field(default_factory=dict)  # channel -> ts of the sharing message
    size: int | None = None  # what files.info reports; the real size when None


def _shares(file: FakeFile, private: bool) -> dict[str, list[dict[str, Any]]]:
    return {
        channel: [{"ts": ts, "reply_count": 0}]
        for channel, ts in file.shares.items()
        if channel.startswith("D") == private
    }


def files_info(file: FakeFile | None, url: str) -> dict[str, Any]:
    """The files.info answer for a file (served at ``url``), or file_not_found."""
    if file is None:
        return {"ok": False, "error": "file_not_found"}
    size = len(file.data) if file.size is None else file.size
    return {
        "ok": True,
        "file": {
            "id": file.id,
            "name": file.name,
            "title": file.name,
            "mimetype": file.mimetype,
            "filetype": file.filetype,
            "size": size,
            "url_private": url,
            "url_private_download": url,
            "permalink": f"https://test.slack.com/files/U0OWNER/{file.id}/{file.name}",
            "shares": {"private": _shares(file, True), "public": _shares(file, False)},
        },
    }


def file_download(file: FakeFile | None, token: str | None) -> tuple[int, bytes, str]:
    """Status, body and content type of a GET of a file's url_private with a bearer token."""
    if file is None:
        return 404, b"not found", "text/plain"
    if token != file.token:
        return 200, SIGN_IN_PAGE, "text/html"
    return 200, file.data, file.mimetype
