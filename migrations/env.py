"""Alembic environment: async engine, geoalchemy2 helpers in both configure calls."""

from __future__ import annotations

import asyncio
import os
import re
from typing import Any

from alembic import context
from geoalchemy2 import alembic_helpers
from sqlalchemy.engine import Connection

import migrations.models_all  # noqa: F401
from sar_coord.core.db import Base, make_engine

config = context.config
target_metadata = Base.metadata

# Day partitions of vessel_position and PostGIS's own tables are not in the models.
_IGNORED_TABLES = re.compile(r"^(vessel_position_p\d{8}|vessel_position_default|spatial_ref_sys)$")


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """Skip partitions and PostGIS tables; otherwise defer to geoalchemy2's rules."""
    if type_ == "table" and name and _IGNORED_TABLES.match(name):
        return False
    if type_ == "index" and name and name.startswith("vessel_position_p"):
        return False
    return bool(alembic_helpers.include_object(obj, name, type_, reflected, compare_to))


def _url() -> str:
    url = config.get_main_option("sqlalchemy.url") or os.environ.get("SAR_DATABASE_URL")
    if not url:
        raise RuntimeError("no database URL for migrations (set SAR_DATABASE_URL)")
    return url


def run_migrations_offline() -> None:
    """Emit SQL without a database."""
    context.configure(
        url=_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        include_object=include_object,
        process_revision_directives=alembic_helpers.writer,
        render_item=alembic_helpers.render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        include_object=include_object,
        process_revision_directives=alembic_helpers.writer,
        render_item=alembic_helpers.render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


async def run_migrations_online() -> None:
    """Run against a live database through the async engine."""
    connectable = config.attributes.get("connection")
    if connectable is not None:
        _run(connectable)
        return
    engine = make_engine(_url(), pool_size=1, max_overflow=0)
    async with engine.connect() as connection:
        await connection.run_sync(_run)
        await connection.commit()
    await engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    asyncio.run(run_migrations_online())
