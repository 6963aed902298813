"""The fake SECAS website for the sync tests, and a client that records its sleeps."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from jobs.sync import SyncConfig
from jobs.sync.client import SiteClient
from tests.fakes.secas_site import FakeSecasSite, small_site


@pytest.fixture
def site() -> Iterator[FakeSecasSite]:
    fake = small_site().start()
    yield fake
    fake.stop()


class Sleeps(list[float]):
    """Stands in for time.sleep: the waits are recorded, not slept."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


def config_for(site: FakeSecasSite, **kw: object) -> SyncConfig:
    return SyncConfig(url=site.url, requests_per_second=100, contact="ops@example.org", **kw)  # type: ignore[arg-type]


def client_for(site: FakeSecasSite, sleeps: Sleeps, **kw: object) -> SiteClient:
    return SiteClient(config_for(site, **kw), sleep=sleeps)
