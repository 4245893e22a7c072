"""Database bootstrap: create the database and PostGIS, run alembic to heads, report status."""

from __future__ import annotations

import asyncio
from pathlib import Path

import asyncpg
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import make_url

from sar_coord.core.db import asyncpg_dsn

REPO_ROOT = Path(__file__).resolve().parents[2]


def alembic_config(database_url: str) -> Config:
    """Alembic config for the project's migrations/ pointing at `database_url`."""
    cfg = Config(str(REPO_ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(REPO_ROOT / "migrations"))
    cfg.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return cfg


async def ensure_database(database_url: str) -> None:
    """Create the target database if it is missing and the postgis extension in it."""
    dsn = asyncpg_dsn(database_url)
    name = dsn["database"]
    admin = dict(dsn, database="postgres")
    conn = await asyncpg.connect(**admin)
    try:
        exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        if not exists:
            await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    conn = await asyncpg.connect(**dsn)
    try:
        await conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    finally:
        await conn.close()


async def drop_database(database_url: str) -> None:
    """Drop the database at `database_url` if it exists (closing its connections)."""
    dsn = asyncpg_dsn(database_url)
    admin = await asyncpg.connect(**dict(dsn, database="postgres"))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{dsn["database"]}" WITH (FORCE)')
    finally:
        await admin.close()


async def recreate_database(database_url: str) -> None:
    """A new, empty database at `database_url` (a leftover one is dropped): tests, benchmarks."""
    await drop_database(database_url)
    await ensure_database(database_url)


async def upgrade(database_url: str) -> None:
    """Run every migration up to the heads (in a worker thread: alembic runs its own loop)."""
    cfg = alembic_config(database_url)
    await asyncio.to_thread(command.upgrade, cfg, "heads")


def script_heads(database_url: str) -> set[str]:
    """The head revisions the code expects."""
    return set(ScriptDirectory.from_config(alembic_config(database_url)).get_heads())


async def current_heads(database_url: str) -> set[str]:
    """The revisions the database is at (empty when never migrated)."""
    conn = await asyncpg.connect(**asyncpg_dsn(database_url))
    try:
        exists = await conn.fetchval("SELECT to_regclass('public.alembic_version') IS NOT NULL")
        if not exists:
            return set()
        rows = await conn.fetch("SELECT version_num FROM alembic_version")
        return {r["version_num"] for r in rows}
    finally:
        await conn.close()


async def prepare(database_url: str) -> None:
    """Create (if needed) and migrate the database at `database_url`."""
    await ensure_database(database_url)
    await upgrade(database_url)


def describe(database_url: str) -> str:
    """The URL without its password, for logs."""
    return make_url(database_url).render_as_string(hide_password=True)


_ = MigrationContext  # re-exported for callers that inspect revisions
