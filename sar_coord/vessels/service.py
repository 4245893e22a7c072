"""Vessel services: registry read, upsert and removal; area and bounding-box query checks; views
of latest positions (stale after SAR_STALE_AFTER_S)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from geoalchemy2 import Geometry
from sqlalchemy import cast, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from sar_coord.core.ais import is_nine_digit
from sar_coord.core.errors import InvalidInput, NotFound
from sar_coord.core.time import utcnow
from sar_coord.vessels import queries, repository
from sar_coord.vessels.models import Vessel, VesselLatest
from sar_coord.vessels.repository import effective_class
from sar_coord.vessels.schemas import VesselLatestRead, VesselRead, VesselRegistryWrite


def validate_mmsi(mmsi: int) -> int:
    """A nine-digit MMSI, or InvalidInput."""
    if not is_nine_digit(mmsi):
        raise InvalidInput(f"MMSI {mmsi} is not nine digits")
    return mmsi


def bbox_from_query(
    min_lon: float | None, min_lat: float | None, max_lon: float | None, max_lat: float | None
) -> tuple[float, float, float, float] | None:
    """A (min_lon, min_lat, max_lon, max_lat) box from query values: all four or none."""
    box = (min_lon, min_lat, max_lon, max_lat)
    if all(v is None for v in box):
        return None
    if min_lon is None or min_lat is None or max_lon is None or max_lat is None:
        raise InvalidInput("give all four of min_lon, min_lat, max_lon, max_lat")
    if min_lat > max_lat:
        raise InvalidInput("min_lat must not exceed max_lat")
    return (min_lon, min_lat, max_lon, max_lat)


def area_from_query(
    box: tuple[float | None, float | None, float | None, float | None],
    circle: tuple[float | None, float | None, float | None],
) -> tuple[tuple[float, float, float, float] | None, tuple[float, float, float] | None]:
    """Either a (min_lon, min_lat, max_lon, max_lat) box or a (lon, lat, radius_nm) circle from
    query values, never both; InvalidInput otherwise."""
    has_box = any(v is not None for v in box)
    has_circle = any(v is not None for v in circle)
    if has_box == has_circle:
        raise InvalidInput("give either min_lon/min_lat/max_lon/max_lat or lat/lon/radius_nm")
    if has_box:
        return bbox_from_query(*box), None
    lon, lat, radius_nm = circle
    if lon is None or lat is None or radius_nm is None:
        raise InvalidInput("give all three of lat, lon, radius_nm")
    return None, (lon, lat, radius_nm)


def to_read(v: Vessel) -> VesselRead:
    """API view of a vessel row."""
    data = {c: getattr(v, c) for c in VesselRead.model_fields if c != "vessel_class"}
    return VesselRead(**data, vessel_class=effective_class(v.registry_class, v.ais_class))  # type: ignore[arg-type]


def latest_to_read(row: Any, *, now: datetime, stale_after_s: int) -> VesselLatestRead:
    """API view of a latest-position row."""
    age_s = max(0.0, (now - row.reported_at).total_seconds())
    return VesselLatestRead(
        mmsi=row.mmsi,
        name=row.name,
        vessel_class=effective_class(row.registry_class, row.ais_class),  # type: ignore[arg-type]
        lat=row.lat,
        lon=row.lon,
        sog_kn=row.sog_kn,
        cog_deg=row.cog_deg,
        heading_deg=row.heading_deg,
        nav_status=row.nav_status,
        transponder=row.transponder,
        reported_at=row.reported_at,
        report_age_s=round(age_s, 1),
        stale=age_s > stale_after_s,
        suspect=row.suspect,
        position_flag=row.position_flag,
        identity_unique=row.identity_unique,
    )


async def get_vessel(session: AsyncSession, mmsi: int) -> Vessel:
    """The vessel row, or NotFound."""
    v = await session.get(Vessel, mmsi)
    if v is None:
        raise NotFound(f"no vessel {mmsi}")
    return v


async def ensure_vessel(session: AsyncSession, *, mmsi: int, name: str | None) -> bool:
    """Add the vessel (not registered, with this name) when unknown; return whether registered."""
    v = await session.get(Vessel, mmsi)
    if v is None:
        session.add(Vessel(mmsi=mmsi, name=name, receive_all_alerts=False))
        await session.flush()
        return False
    return bool(v.registered)


async def upsert_registry(session: AsyncSession, *, mmsi: int, body: VesselRegistryWrite) -> Vessel:
    """Create or replace a vessel's registry entry; AIS static data is left as it is."""
    validate_mmsi(mmsi)
    v = await session.get(Vessel, mmsi)
    if v is None:
        v = Vessel(mmsi=mmsi, registered=True, receive_all_alerts=False)
        session.add(v)
    for field, value in body.model_dump().items():
        if field in ("name", "imo", "call_sign") and value is None:
            continue  # keep what AIS told us
        setattr(v, field, value)
    v.registered = True
    v.updated_at = utcnow()
    await session.flush()
    return v


async def remove_from_registry(session: AsyncSession, *, mmsi: int) -> None:
    """Take a vessel out of the registry (its AIS data and history stay)."""
    v = await get_vessel(session, mmsi)
    v.registered = False
    v.receive_all_alerts = False
    for field in (
        "registry_class",
        "max_persons",
        "medical_staff",
        "rescue_boats",
        "freeboard_m",
        "max_speed_kn",
        "sar_trained_crew",
        "contact",
    ):
        setattr(v, field, None)
    await session.flush()


async def positions_between(
    session: AsyncSession, *, mmsi: int, since: datetime, until: datetime
) -> list[tuple[float, float]]:
    """A vessel's stored positions (lon, lat) received in [since, until], oldest first."""
    return await repository.positions_between(session, mmsi=mmsi, since=since, until=until)


async def names_of(session: AsyncSession, mmsis: list[int]) -> dict[int, str | None]:
    """Vessel names by MMSI (None where unknown)."""
    if not mmsis:
        return {}
    rows = await session.execute(select(Vessel.mmsi, Vessel.name).where(Vessel.mmsi.in_(mmsis)))
    return {int(m): n for m, n in rows}


async def latest_in_mmsi_ranges(
    session: AsyncSession, *, mmsi_ranges: Sequence[range], since: datetime
) -> list[tuple[int, float, float, datetime]]:
    """(mmsi, lon, lat, reported_at) of vessels in these MMSI ranges heard since `since` (UTC)."""
    return await repository.latest_in_mmsi_ranges(session, mmsi_ranges=mmsi_ranges, since=since)


async def nearest_latest(
    session: AsyncSession, *, lon: float, lat: float, radius_m: float, limit: int
) -> list[Any]:
    """Up to `limit` vessels nearest (lon, lat) within radius_m, nearest first (WGS 84, metres);
    columns in queries.NEAREST_COLUMNS order."""
    return await queries.nearest_latest(session, lon=lon, lat=lat, radius_m=radius_m, limit=limit)


async def nearest_mmsis(
    session: AsyncSession, *, lon: float, lat: float, radius_m: float, limit: int
) -> list[int]:
    """MMSIs of the `limit` vessels nearest (lon, lat) within radius_m (the bare KNN)."""
    return await queries.nearest_mmsis(session, lon=lon, lat=lat, radius_m=radius_m, limit=limit)


async def area_and_partners(
    session: AsyncSession, *, lon: float, lat: float, radius_m: float
) -> dict[int, float | None]:
    """MMSI -> distance (nm) of vessels within radius_m of (lon, lat) and of all-alert partners."""
    return await queries.area_and_partners(session, lon=lon, lat=lat, radius_m=radius_m)


async def distances_nm(
    session: AsyncSession, *, lon: float, lat: float, mmsis: Sequence[int]
) -> dict[int, float | None]:
    """MMSI -> distance (nm) from (lon, lat); None for a vessel without a known position."""
    return await queries.distances_nm(session, lon=lon, lat=lat, mmsis=mmsis)


async def registered_among(session: AsyncSession, mmsis: Sequence[int]) -> set[int]:
    """Which of these MMSIs are in the RCC registry."""
    return await queries.registered_among(session, mmsis)


async def changed_since(session: AsyncSession, since: datetime) -> list[Any]:
    """Latest positions updated after `since` (UTC), oldest change first (the fleet feed)."""
    return await queries.changed_since(session, since)


async def latest_reports(session: AsyncSession, *, mmsis: list[int]) -> list[Any]:
    """Latest report rows (mmsi, lon, lat, reported_at, sog_kn, cog_deg, nav_status) of the given
    vessels that have a position; WGS 84, knots, degrees true, UTC."""
    if not mmsis:
        return []
    rows = await session.execute(
        select(
            VesselLatest.mmsi,
            func.ST_X(cast(VesselLatest.position, Geometry)).label("lon"),
            func.ST_Y(cast(VesselLatest.position, Geometry)).label("lat"),
            VesselLatest.reported_at,
            VesselLatest.sog_kn,
            VesselLatest.cog_deg,
            VesselLatest.nav_status,
        ).where(VesselLatest.mmsi.in_(sorted(set(mmsis))))
    )
    return list(rows.all())
