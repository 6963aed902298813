"""How much of a file the readers will take: pages, characters and unpacked zip parts.

A SEC paper is tens of pages and tens of thousands of characters; the limits are many times that,
and each refusal says what was refused and why, for the person who sent the file.
"""

from __future__ import annotations

import zipfile
from io import BytesIO
from pathlib import Path

MAX_PAGES = 300  # the longest SEC papers run to a few dozen pages
MAX_TEXT_CHARS = 500_000  # characters of text; the bundled papers hold under 30,000
MAX_ZIP_MEMBERS = 1_000
MAX_ZIP_MEMBER_BYTES = 8_000_000  # one unpacked part (document.xml of a long paper: ~2 MB)
MAX_ZIP_TOTAL_BYTES = 30_000_000
MAX_ZIP_RATIO = 100  # unpacked / packed, for parts over 1 MB: XML packs ~10:1, bombs 1000:1


class UnreadableDocument(Exception):
    """The file cannot be read as a SEC paper; the message says why, for the person who gave it."""


def check_length(path: Path, chars: int) -> None:
    """Refuse text too long for a paper before the page splitting and extraction see it."""
    if chars > MAX_TEXT_CHARS:
        raise UnreadableDocument(
            f"{path.name} holds {chars:,} characters of text; I read papers up to "
            f"{MAX_TEXT_CHARS:,} (a SEC paper holds tens of thousands): split it or send the paper "
            "itself"
        )


def check_pages(path: Path, count: int) -> None:
    if count > MAX_PAGES:
        raise UnreadableDocument(
            f"{path.name} has {count:,} pages; I read papers up to {MAX_PAGES} pages: send the "
            "part that holds the modifications"
        )


def check_zip(path: Path, data: bytes) -> None:
    """Judge a Word file's parts by the sizes its zip declares (reads stop at those sizes)."""
    try:
        members = zipfile.ZipFile(BytesIO(data)).infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise UnreadableDocument(
            f"{path.name} is damaged or truncated and cannot be read as a Word document; "
            "get a fresh copy"
        ) from None
    total = sum(m.file_size for m in members)
    bomb = any(
        m.file_size > 1_000_000 and m.file_size > MAX_ZIP_RATIO * max(m.compress_size, 1)
        for m in members
    )
    too_big = any(m.file_size > MAX_ZIP_MEMBER_BYTES for m in members)
    if len(members) > MAX_ZIP_MEMBERS or total > MAX_ZIP_TOTAL_BYTES or too_big or bomb:
        raise UnreadableDocument(
            f"{path.name} unpacks to {total / 1_000_000:.1f} MB in {len(members):,} parts, far "
            "more than a SEC paper needs; I did not unpack it. Save it again from Word, or send "
            "a PDF"
        )
