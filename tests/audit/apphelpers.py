"""Test helpers: an app with the places/disembarkation/audit routers, and committed cases."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from datetime import datetime

from fastapi import FastAPI

from sar_coord.core.db import make_engine, make_sessionmaker, unit_of_work


def mount_routers(app: FastAPI) -> FastAPI:
    """Include this issue's routers unless the composition root already does."""
    from sar_coord.audit.router import router as audit_router
    from sar_coord.disembarkation.router import router as disembarkation_router
    from sar_coord.places.router import router as places_router

    paths = {getattr(r, "path", "") for r in app.routes}
    before = list(app.router.routes)
    for router in (places_router, disembarkation_router, audit_router):
        if not any(getattr(r, "path", "") in paths for r in router.routes):
            app.include_router(router)
    # The dashboard's catch-all GET route must stay last (create_app mounts it already).
    added = [r for r in app.router.routes if r not in before]
    app.router.routes[:] = added + before
    return app


async def feature_app(db_url: str) -> AsyncIterator[FastAPI]:
    """The real app on the test database with these routers, lifespan running."""
    from sar_coord.main import create_app

    application = mount_routers(create_app(database_url=db_url))
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
