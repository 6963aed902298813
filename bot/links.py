"""Links to the SEC website that secbot understands: a modification's page and its slug.

Shared by the surfaces (Slack unfurls and the message shortcut, Teams link unfurling).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from storage import queries

if TYPE_CHECKING:
    from bot.services import Services

DOMAIN = "smartenergycodecompany.co.uk"
_PAGE = re.compile(
    r"https?://(?:www\.)?smartenergycodecompany\.co\.uk/modifications/(?P<slug>[A-Za-z0-9][\w\-]*)"
    r"/?(?:[?#].*)?"
)


def slug_of(url: str) -> str | None:
    """The modification slug of a page URL on the SEC website, else None."""
    match = _PAGE.fullmatch(url.strip())
    return match.group("slug").lower() if match else None


def ref_for_url(services: Services, url: str) -> str | None:
    """The reference of the modification a website link is about, when we know it."""
    slug = slug_of(url)
    if slug is None:
        return None
    with services.sessions() as session:
        mod = queries.get_modification_by_slug(session, slug=slug)
        return mod.ref if mod else None
