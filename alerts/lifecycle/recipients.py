"""Who an alert goes to: vessels near the datum and all-alert partners, and their standing.

Positions, distances and the registry are the vessels feature's, the datum the cases feature's,
ship accounts auth's: each is asked through its service. Presence (ship_cursor) is ours.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.types import BigInteger

from sar_coord.auth import service as auth_service
from sar_coord.cases import service as case_service
from sar_coord.core.geo import METRES_PER_NM
from sar_coord.vessels import service as vessels_service

_CONNECTED = text(
    """
    SELECT mmsi FROM ship_cursor
    WHERE mmsi = ANY(:mmsis) AND last_seen_at >= :seen_after
      AND (disconnected_at IS NULL OR disconnected_at < last_seen_at)
    """
).bindparams(bindparam("mmsis", type_=ARRAY(BigInteger)))


@dataclass(frozen=True, slots=True)
class Standing:
    """What the system knows about a candidate recipient at send time."""

    mmsi: int
    registered: bool
    has_account: bool
    connected: bool
    distance_nm: float | None


async def area_candidates(
    session: AsyncSession, *, case_id: int, radius_nm: float
) -> dict[int, float | None]:
    """MMSI -> distance (nm) of vessels within `radius_nm` of the datum, plus all-alert partners;
    never the casualty itself (a beacon's own MMSI)."""
    case, lon, lat = await case_service.get_case(session, case_id)
    found = await vessels_service.area_and_partners(
        session, lon=lon, lat=lat, radius_m=radius_nm * METRES_PER_NM
    )
    return {m: d for m, d in found.items() if m != case.source_mmsi}


async def distances(
    session: AsyncSession, *, case_id: int, mmsis: list[int]
) -> dict[int, float | None]:
    """MMSI -> distance (nm) from the datum (None without a known position)."""
    _, lon, lat = await case_service.get_case(session, case_id)
    return await vessels_service.distances_nm(session, lon=lon, lat=lat, mmsis=mmsis)


async def standings(
    session: AsyncSession, *, mmsis: dict[int, float | None], seen_after: datetime
) -> list[Standing]:
    """Registration, ship account and presence of each candidate MMSI, by MMSI."""
    if not mmsis:
        return []
    wanted = sorted(mmsis)
    registered = await vessels_service.registered_among(session, wanted)
    accounts = await auth_service.mmsis_with_accounts(session, wanted)
    rows = await session.execute(_CONNECTED, {"mmsis": wanted, "seen_after": seen_after})
    connected = {int(r[0]) for r in rows}
    return [Standing(m, m in registered, m in accounts, m in connected, mmsis[m]) for m in wanted]
