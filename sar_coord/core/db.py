"""Database kit: declarative base, async engine with a binary geography codec, sessions."""

from __future__ import annotations

import contextlib
import struct
from collections.abc import AsyncIterator
from typing import Any

from sqlalchemy import MetaData, event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base of every table, with stable constraint names."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


_EWKB_POINT_SRID = struct.Struct("<BIIdd")


def ewkb_point(lon: float, lat: float, srid: int = 4326) -> bytes:
    """Little-endian EWKB of a WGS 84 point (longitude first), for COPY into geography."""
    return _EWKB_POINT_SRID.pack(1, 0x20000001, srid, lon, lat)


async def register_geo_codecs(conn: Any) -> None:
    """Teach an asyncpg connection geography/geometry in binary (EWKB bytes in and out)."""
    for typename in ("geography", "geometry"):
        with contextlib.suppress(ValueError):
            await conn.set_type_codec(
                typename,
                schema="public",
                encoder=bytes,
                decoder=bytes,
                format="binary",
            )


def asyncpg_dsn(database_url: str) -> dict[str, Any]:
    """Keyword arguments for asyncpg.connect() from a SQLAlchemy postgresql+asyncpg URL."""
    url = make_url(database_url)
    kwargs: dict[str, Any] = {
        "user": url.username or "postgres",
        "database": url.database or "postgres",
    }
    if url.password:
        kwargs["password"] = url.password
    host = url.query.get("host") or url.host
    if isinstance(host, tuple):
        host = host[0]
    if host:
        kwargs["host"] = host
    if url.port:
        kwargs["port"] = url.port
    return kwargs


def make_engine(database_url: str, **kwargs: Any) -> AsyncEngine:
    """An async engine on asyncpg; SQLAlchemy's own geography handling stays in charge."""
    kwargs.setdefault("pool_pre_ping", True)
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 10)
    engine = create_async_engine(database_url, **kwargs)

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.run_async(lambda c: c.execute("SET TIME ZONE 'UTC'"))

    return engine


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Session factory: one AsyncSession per request or task, attributes kept after commit."""
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)


@contextlib.asynccontextmanager
async def unit_of_work(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> AsyncIterator[AsyncSession]:
    """One transaction for a job or ingest step: commit on success, roll back on error."""
    async with sessionmaker() as session:
        try:
            yield session
            await session.commit()
        except BaseException:
            await session.rollback()
            raise
