"""Who is asking, and from where: the one place a request's Context is built.

Every surface (Slack, Teams, the console and `secbot ask`) calls ``make_context``; whether the
person is an administrator is decided once, by ``is_admin``, which asks each admin source in
turn. Today the only source is SECBOT_ADMINS (through the settings object); per-workspace
administrators kept in the store are another source added to ``ADMIN_SOURCES``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Literal, Protocol

from bot.tenancy import stored_admin, tenant_key
from sec.timefmt import today

if TYPE_CHECKING:
    from bot.services import Services

Surface = Literal["console", "slack", "teams"]
CONSOLE_USER = "console"  # the id SECBOT_ADMINS names to make the console an administrator


@dataclass(frozen=True)
class Context:
    """Who asks, where, and the day the answer is as of (what was known then, what was next)."""

    as_of: date
    user: str | None = None
    channel: str | None = None
    surface: str = "console"  # console | slack | teams
    is_admin: bool = False
    is_direct: bool = False  # a DM with the bot, or the console
    workspace: str | None = None  # Slack team (or enterprise) id, Teams tenant id; console: None
    # The Slack thread the question was asked in (an @mention inside a thread; slash commands
    # carry none): `subscribe MP159` there puts MP159's notices in that thread.
    thread_ts: str | None = None


@dataclass(frozen=True)
class Asker:
    """The person behind a request, as the admin sources see them."""

    surface: str
    user: str | None
    workspace: str | None = None


class AdminSource(Protocol):
    """One way of knowing administrators: True when this source makes the asker one."""

    def __call__(self, services: Services, asker: Asker) -> bool: ...


def configured_admin(services: Services, asker: Asker) -> bool:
    """SECBOT_ADMINS: Slack user ids, Teams Entra ids, or "console", in every workspace."""
    return bool(asker.user) and asker.user in services.settings.admins


ADMIN_SOURCES: list[AdminSource] = [configured_admin, stored_admin]


def is_admin(services: Services, asker: Asker) -> bool:
    """Whether any admin source makes this person an administrator."""
    return any(source(services, asker) for source in ADMIN_SOURCES)


def make_context(
    services: Services,
    *,
    surface: Surface,
    user: str | None,
    channel: str | None = None,
    workspace: str | None = None,
    is_direct: bool = False,
    as_of: date | None = None,
    thread_ts: str | None = None,
) -> Context:
    """The Context for one request; as_of defaults to today in London (the SEC's Working Days).

    ``workspace`` is what the platform said (team, enterprise or tenant id); the Context carries
    the workspace key the request's rows are kept under (bot.tenancy.tenant_key).
    """
    workspace = tenant_key(services.settings, surface=surface, workspace=workspace)
    return Context(
        as_of=as_of or today(),
        user=user,
        channel=channel,
        surface=surface,
        is_admin=is_admin(services, Asker(surface, user, workspace)),
        is_direct=is_direct,
        workspace=workspace,
        thread_ts=thread_ts,
    )


def console_context(services: Services, *, as_of: date | None = None) -> Context:
    """The console and `secbot ask`: a direct conversation with the person at the keyboard."""
    return make_context(services, surface="console", user=CONSOLE_USER, is_direct=True, as_of=as_of)
