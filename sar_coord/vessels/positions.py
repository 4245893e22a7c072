"""Position history reads on vessel_position (written by ais_ingest; metres in SQL, UTC times)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

_NEAR_SQL = text(
    "SELECT p.mmsi, p.received_at, ST_Y(p.position::geometry) AS lat,"
    " ST_X(p.position::geometry) AS lon, p.sog_kn, p.cog_deg"
    " FROM vessel_position p"
    " WHERE p.received_at >= :start AND p.received_at < :end"
    " AND ST_DWithin(p.position, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)::geography,"
    " :radius_m)"
    " ORDER BY p.mmsi, p.received_at LIMIT :limit"
)


async def positions_near(
    session: AsyncSession,
    *,
    lon: float,
    lat: float,
    start_at: datetime,
    end_at: datetime,
    radius_m: float,
    limit: int,
) -> list[dict[str, Any]]:
    """Positions within `radius_m` of (lon, lat) received in [start_at, end_at), by MMSI, time."""
    rows = await session.execute(
        _NEAR_SQL,
        {
            "lon": lon,
            "lat": lat,
            "start": start_at,
            "end": end_at,
            "radius_m": radius_m,
            "limit": limit,
        },
    )
    return [dict(r) for r in rows.mappings().all()]
