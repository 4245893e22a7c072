"""Test data for the alerts tests: cases, vessels with positions, ship and RCC accounts."""

from __future__ import annotations

import hashlib
import itertools
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from sar_coord.auth.models import ApiToken, AppUser, UserVessel
from sar_coord.cases.models import DistressCase
from sar_coord.vessels.models import Vessel, VesselLatest

_counter = itertools.count(1)


def unique() -> int:
    """A number unique within the test run."""
    return next(_counter) + secrets.randbelow(10_000_000) * 100


def point(lat: float, lon: float) -> str:
    """EWKT of a WGS 84 point."""
    return f"SRID=4326;POINT({lon} {lat})"


async def make_case(
    session: AsyncSession, *, lat: float = 35.0, lon: float = 14.0, **kw: object
) -> DistressCase:
    """A distress case with its datum at (lat, lon)."""
    case = DistressCase(
        reference=f"T-{unique()}",
        source="rcc",
        datum=point(lat, lon),
        datum_at=datetime.now(UTC),
        persons_on_board=40,
        **kw,
    )
    session.add(case)
    await session.flush()
    return case


@dataclass
class Ship:
    """A vessel with (optionally) a ship master account and an API token."""

    mmsi: int
    user_id: int | None
    token: str | None


async def make_token(session: AsyncSession, user_id: int) -> str:
    """A fresh API token for the user (plaintext returned, SHA-256 stored)."""
    plain = "sar_" + secrets.token_urlsafe(32)
    session.add(
        ApiToken(
            user_id=user_id,
            name="test",
            prefix=plain[:10],
            token_sha256=hashlib.sha256(plain.encode()).hexdigest(),
        )
    )
    await session.flush()
    return plain


async def make_user(session: AsyncSession, role: str) -> AppUser:
    """A user with the role."""
    user = AppUser(username=f"{role}-{unique()}", role=role)
    session.add(user)
    await session.flush()
    return user


async def make_ship(
    session: AsyncSession,
    *,
    lat: float = 35.0,
    lon: float = 14.1,
    registered: bool = True,
    receive_all: bool = False,
    account: bool = True,
    mmsi: int | None = None,
) -> Ship:
    """A vessel at (lat, lon) with a latest position, optionally registered and with an account."""
    mmsi = mmsi or 200_000_000 + unique() % 799_999_999
    session.add(
        Vessel(mmsi=mmsi, name=f"V{mmsi}", registered=registered, receive_all_alerts=receive_all)
    )
    session.add(
        VesselLatest(
            mmsi=mmsi, position=point(lat, lon), reported_at=datetime.now(UTC), sog_kn=10.0
        )
    )
    await session.flush()
    if not account:
        return Ship(mmsi, None, None)
    user = await make_user(session, "ship_master")
    session.add(UserVessel(user_id=user.id, mmsi=mmsi))
    await session.flush()
    return Ship(mmsi, user.id, await make_token(session, user.id))


async def deliveries(session: AsyncSession, mmsi: int) -> list[tuple[int, str, int]]:
    """(seq, kind, alert_id) of every delivery to a ship, in seq order."""
    rows = await session.execute(
        text("SELECT seq, kind, alert_id FROM ship_delivery WHERE mmsi = :m ORDER BY seq"),
        {"m": mmsi},
    )
    return [(r.seq, r.kind, r.alert_id) for r in rows]
