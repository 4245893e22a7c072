"""Vessel queries: registry rows, latest positions in a bounding box or circle (metres and degrees
in SQL)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from geoalchemy2 import Geography, Geometry
from sqlalchemy import Select, and_, cast, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from sar_coord.core.geo import METRES_PER_NM
from sar_coord.vessels.models import Vessel, VesselLatest, VesselPosition


def effective_class(registry_class: str | None, ais_class: str | None) -> str:
    """The registry's class when set, else the class AIS ship type implies, else 'other'."""
    return registry_class or ais_class or "other"


def latest_columns() -> list[Any]:
    """Columns of a latest-position row joined with static data (lon/lat from geography)."""
    geom = func.ST_GeomFromWKB(func.ST_AsBinary(VesselLatest.position))
    return [
        VesselLatest.mmsi,
        Vessel.name,
        Vessel.registry_class,
        Vessel.ais_class,
        func.ST_X(geom).label("lon"),
        func.ST_Y(geom).label("lat"),
        VesselLatest.sog_kn,
        VesselLatest.cog_deg,
        VesselLatest.heading_deg,
        VesselLatest.nav_status,
        VesselLatest.transponder,
        VesselLatest.reported_at,
        VesselLatest.suspect,
        VesselLatest.position_flag,
        VesselLatest.identity_unique,
    ]


def bbox_filter(min_lon: float, min_lat: float, max_lon: float, max_lat: float) -> Any:
    """A bounding-box predicate on vessel_latest; a box with min_lon > max_lon crosses 180°."""

    def env(a: float, b: float) -> Any:
        return func.ST_Intersects(
            func.ST_GeomFromWKB(func.ST_AsBinary(VesselLatest.position), 4326),
            func.ST_MakeEnvelope(a, min_lat, b, max_lat, 4326),
        )

    if min_lon <= max_lon:
        return env(min_lon, max_lon)
    return or_(env(min_lon, 180.0), env(-180.0, max_lon))


def latest_query() -> Select[Any]:
    """Latest positions left-joined with static data."""
    return (
        select(*latest_columns())
        .select_from(VesselLatest)
        .outerjoin(Vessel, Vessel.mmsi == VesselLatest.mmsi)
    )


async def list_latest(
    session: AsyncSession,
    *,
    bbox: tuple[float, float, float, float] | None,
    since: datetime | None,
    vessel_class: str | None,
    limit: int,
) -> list[Any]:
    """Latest positions in a bbox, optionally updated since a time and of one class."""
    q = latest_query()
    conds = []
    if bbox is not None:
        conds.append(bbox_filter(*bbox))
    if since is not None:
        conds.append(VesselLatest.reported_at >= since)
    if vessel_class is not None:
        conds.append(
            func.coalesce(Vessel.registry_class, Vessel.ais_class, "other") == vessel_class
        )
    if conds:
        q = q.where(and_(*conds))
    return list((await session.execute(q.order_by(VesselLatest.mmsi).limit(limit))).all())


async def list_in_area(
    session: AsyncSession,
    *,
    bbox: tuple[float, float, float, float] | None,
    circle: tuple[float, float, float] | None,
    vessel_classes: list[str] | None,
    limit: int,
) -> list[Any]:
    """Latest positions in a bbox (by MMSI) or within a circle (lon, lat, radius_nm; nearest
    first), optionally of some classes."""
    q = latest_query()
    if bbox is not None:
        q = q.where(bbox_filter(*bbox)).order_by(VesselLatest.mmsi)
    elif circle is not None:
        lon, lat, radius_nm = circle
        centre = cast(func.ST_SetSRID(func.ST_MakePoint(lon, lat), 4326), Geography)
        q = q.where(func.ST_DWithin(VesselLatest.position, centre, radius_nm * METRES_PER_NM))
        q = q.order_by(VesselLatest.position.op("<->")(centre))
    if vessel_classes:
        q = q.where(
            func.coalesce(Vessel.registry_class, Vessel.ais_class, "other").in_(vessel_classes)
        )
    return list((await session.execute(q.limit(limit))).all())


async def list_registry(
    session: AsyncSession, *, registered_only: bool, limit: int, offset: int
) -> list[Vessel]:
    """Vessels ordered by MMSI; optionally only those in the RCC registry."""
    q = select(Vessel).order_by(Vessel.mmsi).limit(limit).offset(offset)
    if registered_only:
        q = q.where(Vessel.registered.is_(True))
    return list((await session.scalars(q)).all())


async def positions_between(
    session: AsyncSession, *, mmsi: int, since: datetime, until: datetime
) -> list[tuple[float, float]]:
    """(lon, lat) of vessel_position rows of one MMSI in a UTC time range, oldest first."""
    geom = cast(VesselPosition.position, Geometry)
    rows = await session.execute(
        select(func.ST_X(geom), func.ST_Y(geom))
        .where(
            VesselPosition.mmsi == mmsi,
            VesselPosition.received_at >= since,
            VesselPosition.received_at <= until,
        )
        .order_by(VesselPosition.received_at)
    )
    return [(float(lon), float(lat)) for lon, lat in rows]


async def latest_in_mmsi_ranges(
    session: AsyncSession, *, mmsi_ranges: Sequence[range], since: datetime
) -> list[tuple[int, float, float, datetime]]:
    """(mmsi, lon, lat, reported_at) of latest positions reported since `since` by MMSIs in any
    of the ranges (WGS 84, UTC)."""
    geom = cast(VesselLatest.position, Geometry)
    in_ranges = or_(
        *(and_(VesselLatest.mmsi >= r.start, VesselLatest.mmsi < r.stop) for r in mmsi_ranges)
    )
    rows = await session.execute(
        select(VesselLatest.mmsi, func.ST_X(geom), func.ST_Y(geom), VesselLatest.reported_at).where(
            in_ranges, VesselLatest.reported_at >= since
        )
    )
    return [(int(m), float(lon), float(lat), at) for m, lon, lat, at in rows.all()]
