"""Latest-position reads other features ask the vessels feature for (metres in SQL, UTC).

Nearest vessels (KNN with the GiST index on geography), vessels within a radius plus the
registered all-alert partners, distances, registration of a set of MMSIs, and the rows changed
since a watermark (the RCC fleet feed).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.types import BigInteger, Float

from sar_coord.core.geo import METRES_PER_NM

_PER_NM = bindparam("metres_per_nm", METRES_PER_NM, type_=Float)
_MMSIS = bindparam("mmsis", type_=ARRAY(BigInteger))

NEAREST_COLUMNS = (
    "mmsi, lon, lat, reported_at, sog_kn, cog_deg, nav_status, suspect, name, vessel_class,"
    " ship_type, max_speed_kn, max_persons, medical_staff, rescue_boats, freeboard_m,"
    " sar_trained_crew"
)
"""The columns of `nearest_latest` rows, in order."""

_NEAREST = text(
    """
    SELECT vl.mmsi,
           ST_X(vl.position::geometry) AS lon, ST_Y(vl.position::geometry) AS lat,
           vl.reported_at, vl.sog_kn, vl.cog_deg, vl.nav_status, vl.suspect,
           v.name, COALESCE(v.registry_class, v.ais_class) AS vessel_class, v.ship_type,
           v.max_speed_kn, v.max_persons, v.medical_staff, v.rescue_boats, v.freeboard_m,
           v.sar_trained_crew
      FROM vessel_latest vl
      LEFT JOIN vessel v ON v.mmsi = vl.mmsi
     WHERE ST_DWithin(vl.position, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)::geography,
                      :radius_m)
     ORDER BY vl.position <-> ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)::geography
     LIMIT :limit
    """
)
_NEAREST_MMSIS = text(
    """
    SELECT mmsi FROM vessel_latest
     WHERE ST_DWithin(position, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)::geography, :radius_m)
     ORDER BY position <-> ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)::geography
     LIMIT :limit
    """
)
_AREA = text(
    """
    WITH d AS (SELECT ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)::geography AS p),
    near AS (
        SELECT vl.mmsi, ST_Distance(vl.position, d.p) / :metres_per_nm AS distance_nm
        FROM vessel_latest vl, d
        WHERE ST_DWithin(vl.position, d.p, :radius_m)
    ),
    everyone AS (
        SELECT v.mmsi FROM vessel v WHERE v.registered AND v.receive_all_alerts
    )
    SELECT mmsi, min(distance_nm) AS distance_nm FROM (
        SELECT mmsi, distance_nm FROM near
        UNION ALL
        SELECT e.mmsi, ST_Distance(vl.position, d.p) / :metres_per_nm
        FROM everyone e CROSS JOIN d LEFT JOIN vessel_latest vl ON vl.mmsi = e.mmsi
    ) u GROUP BY mmsi ORDER BY mmsi
    """
).bindparams(_PER_NM)
_DISTANCES = text(
    """
    SELECT m.mmsi,
           ST_Distance(vl.position, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)::geography)
               / :metres_per_nm AS distance_nm
    FROM unnest(:mmsis) AS m(mmsi)
    LEFT JOIN vessel_latest vl ON vl.mmsi = m.mmsi
    """
).bindparams(_MMSIS, _PER_NM)
_REGISTERED = text("SELECT mmsi FROM vessel WHERE mmsi = ANY(:mmsis) AND registered").bindparams(
    _MMSIS
)
_CHANGED = text(
    """
    SELECT mmsi, ST_Y(position::geometry) AS lat, ST_X(position::geometry) AS lon, sog_kn,
           cog_deg, heading_deg, nav_status, reported_at, updated_at
    FROM vessel_latest WHERE updated_at > :since ORDER BY updated_at
    """
)


async def nearest_latest(
    session: AsyncSession, *, lon: float, lat: float, radius_m: float, limit: int
) -> list[Any]:
    """Up to `limit` latest positions within radius_m of (lon, lat), nearest first, with static
    data and registry capabilities (columns: NEAREST_COLUMNS)."""
    params = {"lon": lon, "lat": lat, "radius_m": radius_m, "limit": limit}
    return list((await session.execute(_NEAREST, params)).all())


async def nearest_mmsis(
    session: AsyncSession, *, lon: float, lat: float, radius_m: float, limit: int
) -> list[int]:
    """MMSIs of the `limit` nearest latest positions within radius_m (the bare KNN)."""
    params = {"lon": lon, "lat": lat, "radius_m": radius_m, "limit": limit}
    return [int(r[0]) for r in (await session.execute(_NEAREST_MMSIS, params)).all()]


async def area_and_partners(
    session: AsyncSession, *, lon: float, lat: float, radius_m: float
) -> dict[int, float | None]:
    """MMSI -> distance (nm) of vessels within radius_m of (lon, lat), plus every registered
    vessel that receives all alerts (distance None without a position), by MMSI."""
    rows = await session.execute(_AREA, {"lon": lon, "lat": lat, "radius_m": radius_m})
    return {int(r.mmsi): r.distance_nm for r in rows}


async def distances_nm(
    session: AsyncSession, *, lon: float, lat: float, mmsis: Sequence[int]
) -> dict[int, float | None]:
    """MMSI -> distance (nm) of its latest position from (lon, lat); None without a position."""
    rows = await session.execute(_DISTANCES, {"lon": lon, "lat": lat, "mmsis": list(mmsis)})
    return {int(r.mmsi): r.distance_nm for r in rows}


async def registered_among(session: AsyncSession, mmsis: Sequence[int]) -> set[int]:
    """The MMSIs of these that are in the RCC registry."""
    rows = await session.execute(_REGISTERED, {"mmsis": list(mmsis)})
    return {int(r[0]) for r in rows}


async def changed_since(session: AsyncSession, since: datetime) -> list[Any]:
    """Latest positions updated after `since` (UTC), oldest change first: mmsi, lat, lon, sog_kn,
    cog_deg, heading_deg, nav_status, reported_at, updated_at."""
    return list((await session.execute(_CHANGED, {"since": since})).all())
