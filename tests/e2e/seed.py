"""Accounts and a small fleet for the browser tests, committed so the server sees them."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncEngine

from sar_coord.auth import service as auth_service
from sar_coord.core.db import make_sessionmaker
from sar_coord.vessels.models import Vessel, VesselLatest

PASSWORD = "correct-horse-battery-staple"


@dataclass
class World:
    """Who can log in, and the vessels near the central-Mediterranean datum."""

    tag: str
    rcc: str
    auditor: str
    master: str
    master_mmsi: int
    other_mmsis: list[int] = field(default_factory=list)
    datum: tuple[float, float] = (34.90, 12.60)


def _point(lat: float, lon: float) -> str:
    return f"SRID=4326;POINT({lon} {lat})"


async def seed_world(engine: AsyncEngine) -> World:
    """Create an RCC operator, an auditor, a ship master bound to a nearby merchant ship, others."""
    tag = secrets.token_hex(3)
    base = 247_000_000 + secrets.randbelow(900_000) * 10
    master_mmsi = base + 1
    fleet = [
        (master_mmsi, f"E2E ASTRID {tag}", "commercial", 35.05, 12.75, 14.0, 200.0),
        (base + 2, f"E2E SEA EYE {tag}", "ngo", 34.70, 12.30, 11.0, 45.0),
        (base + 3, f"E2E PESCATORE {tag}", "fishing", 35.20, 12.40, 8.0, 120.0),
    ]
    maker = make_sessionmaker(engine)
    async with maker() as session:
        now = datetime.now(UTC)
        for mmsi, name, cls, lat, lon, sog, cog in fleet:
            session.add(
                Vessel(
                    mmsi=mmsi,
                    name=name,
                    registered=True,
                    registry_class=cls,
                    max_persons=300,
                    medical_staff=cls == "ngo",
                )
            )
            session.add(
                VesselLatest(
                    mmsi=mmsi,
                    position=_point(lat, lon),
                    reported_at=now,
                    sog_kn=sog,
                    cog_deg=cog,
                    heading_deg=int(cog),
                )
            )
        await session.flush()
        world = World(
            tag=tag,
            rcc=f"e2e-rcc-{tag}",
            auditor=f"e2e-auditor-{tag}",
            master=f"e2e-master-{tag}",
            master_mmsi=master_mmsi,
            other_mmsis=[base + 2, base + 3],
        )
        await auth_service.create_user(
            session, username=world.rcc, role="rcc_operator", password=PASSWORD
        )
        await auth_service.create_user(
            session, username=world.auditor, role="auditor", password=PASSWORD
        )
        await auth_service.create_user(
            session,
            username=world.master,
            role="ship_master",
            password=PASSWORD,
            vessel_mmsis=[master_mmsi],
        )
        await session.commit()
    return world
