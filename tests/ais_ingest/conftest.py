"""Fixtures for ingest tests: a private test database migrated to the foundation schema."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator

import asyncpg
import pytest
from alembic import command

from sar_coord.core import migrate
from sar_coord.core.db import asyncpg_dsn

SERVER_URL = os.environ.get(
    "SAR_TEST_SERVER_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)
# The tables ingest writes (vessel, vessel_position, vessel_latest) are from 0001_foundation, their
# flag columns from 0012_ingest_flags; migrating only that far keeps these tests independent of
# later migrations of other features.
INGEST_REVISION = "0012_ingest_flags"


async def create_migrated(url: str) -> None:
    """Create the database at `url` (dropping a leftover) and migrate it to INGEST_REVISION."""
    await migrate.recreate_database(url)
    await asyncio.to_thread(command.upgrade, migrate.alembic_config(url), INGEST_REVISION)


async def drop(url: str) -> None:
    """Drop the database at `url`."""
    await migrate.drop_database(url)


@pytest.fixture(scope="session")
async def ingest_db_url() -> AsyncIterator[str]:
    """URL of a fresh `<SAR_TEST_DB>_ingest` database on the shared test server."""
    name = os.environ.get("SAR_TEST_DB", "sar_test") + "_ingest"
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker:
        name = f"{name}_{worker}"
    url = f"{SERVER_URL.rsplit('/', 1)[0]}/{name}"
    await create_migrated(url)
    yield url
    await drop(url)


@pytest.fixture
async def db(ingest_db_url: str) -> AsyncIterator[asyncpg.Connection]:
    """A connection to the ingest test database with the ingest tables emptied."""
    conn = await asyncpg.connect(**asyncpg_dsn(ingest_db_url))
    await conn.execute("TRUNCATE vessel_position, vessel_latest, vessel CASCADE")
    yield conn
    await conn.close()
