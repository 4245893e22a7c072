"""Test helpers: the real app on the test database, and committed cases."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from datetime import datetime

from fastapi import FastAPI

from sar_coord.core.db import make_engine, make_sessionmaker, unit_of_work


async def feature_app(db_url: str) -> AsyncIterator[FastAPI]:
    """The real app on the test database with these routers, lifespan running."""
    from sar_coord.main import create_app

    application = create_app(database_url=db_url)
    async with application.router.lifespan_context(application):
        yield application


async def make_case(db_url: str, *, lon: float, lat: float, at: datetime) -> int:
    """Commit a distress case at (lon, lat) WGS 84 and return its id."""
    from sar_coord.cases.models import DistressCase

    engine = make_engine(db_url)
    try:
        async with unit_of_work(make_sessionmaker(engine)) as s:
            case = DistressCase(
                reference=f"T-{secrets.token_hex(6)}",
                status="open",
                source="rcc",
                datum=f"SRID=4326;POINT({lon} {lat})",
                datum_at=at,
                datum_uncertainty_nm=1.0,
            )
            s.add(case)
            await s.flush()
            return case.id
    finally:
        await engine.dispose()
