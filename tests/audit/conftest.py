"""Audit test fixtures: a throwaway checkpoint signing key."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sar_coord.audit.checkpoint import NoteSigner, load_or_create_signer
from sar_coord.audit.config import get_audit_settings
from sar_coord.audit.service import use_signer


@pytest.fixture(scope="session")
def log_signer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[NoteSigner]:
    """A fresh key for the configured origin, used by the service for the whole run."""
    # One key file per run, shared by every directory that imports this fixture.
    path = tmp_path_factory.getbasetemp() / "sar-log-signing.key"
    signer = load_or_create_signer(path, get_audit_settings().origin)
    use_signer(signer)
    yield signer
    use_signer(None)


@pytest.fixture(scope="session")
async def feature_app(db_url: str):  # type: ignore[no-untyped-def]
    """The app with the places, disembarkation and audit routers mounted."""
    from tests.audit.apphelpers import feature_app as make

    async for application in make(db_url):
        yield application


@pytest.fixture
async def fclient(feature_app):  # type: ignore[no-untyped-def]
    """HTTP client for feature_app."""
    import httpx

    transport = httpx.ASGITransport(app=feature_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://sar.test") as c:
        yield c
