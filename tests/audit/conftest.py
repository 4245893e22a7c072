"""Audit test fixtures: the checkpoint signer, an app with this issue's routers, a client."""

from __future__ import annotations

import pytest

from sar_coord.audit.checkpoint import NoteSigner
from sar_coord.audit.service import get_signer


@pytest.fixture(scope="session")
def log_signer() -> NoteSigner:
    """The process's configured checkpoint signer (SAR_LOG_SIGNING_KEY_PATH, created if new).

    The app's background checkpointer signs with it too, so every checkpoint in the test
    database verifies with one key.
    """
    return get_signer()


@pytest.fixture(scope="session")
async def feature_app(app, db_url: str):  # type: ignore[no-untyped-def]
    """The shared app when it mounts this issue's routers, else an app that does."""
    paths = {getattr(r, "path", "") for r in app.routes}
    if "/api/v1/audit/checkpoint" in paths and "/api/v1/disembarkations" in paths:
        yield app
        return
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
