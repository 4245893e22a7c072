"""Routes: vessel registry CRUD (RCC/admin) and the live picture of latest positions (in a box,
or in a box or circle by area)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, status
from fastapi.responses import JSONResponse

from sar_coord.auth.deps import RCC, RCC_OR_AUDITOR, require_role
from sar_coord.auth.service import Principal
from sar_coord.core.config import get_settings
from sar_coord.core.deps import SessionDep
from sar_coord.core.errors import InvalidInput
from sar_coord.core.time import utcnow
from sar_coord.vessels import repository, service, track
from sar_coord.vessels.schemas import (
    VesselClass,
    VesselLatestRead,
    VesselRead,
    VesselRegistryWrite,
)

router = APIRouter(prefix="/api/v1/vessels", tags=["vessels"])
Rcc = Annotated[Principal, Depends(require_role(*RCC))]
Reader = Annotated[Principal, Depends(require_role(*RCC_OR_AUDITOR))]


@router.get("/latest")
async def latest_positions(
    _: Reader,
    session: SessionDep,
    min_lon: Annotated[float | None, Query(ge=-180, le=180)] = None,
    min_lat: Annotated[float | None, Query(ge=-90, le=90)] = None,
    max_lon: Annotated[float | None, Query(ge=-180, le=180)] = None,
    max_lat: Annotated[float | None, Query(ge=-90, le=90)] = None,
    since: datetime | None = None,
    vessel_class: VesselClass | None = None,
    limit: Annotated[int, Query(ge=1, le=100_000)] = 50_000,
) -> list[VesselLatestRead]:
    """Latest positions (WGS 84) in an optional bounding box; min_lon > max_lon crosses 180°."""
    bbox = service.bbox_from_query(min_lon, min_lat, max_lon, max_lat)
    rows = await repository.list_latest(
        session, bbox=bbox, since=since, vessel_class=vessel_class, limit=limit
    )
    now = utcnow()
    stale_s = get_settings().stale_after_s
    return [service.latest_to_read(r, now=now, stale_after_s=stale_s) for r in rows]


@router.get("/area")
async def vessels_in_area(
    _: Reader,
    session: SessionDep,
    min_lon: Annotated[float | None, Query(ge=-180, le=180)] = None,
    min_lat: Annotated[float | None, Query(ge=-90, le=90)] = None,
    max_lon: Annotated[float | None, Query(ge=-180, le=180)] = None,
    max_lat: Annotated[float | None, Query(ge=-90, le=90)] = None,
    lat: Annotated[float | None, Query(ge=-90, le=90)] = None,
    lon: Annotated[float | None, Query(ge=-180, le=180)] = None,
    radius_nm: Annotated[float | None, Query(gt=0, le=3000)] = None,
    vessel_class: Annotated[list[VesselClass] | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=100_000)] = 10_000,
) -> list[VesselLatestRead]:
    """Latest positions in a box (min_lon > max_lon crosses 180) or within radius_nm of lat/lon,
    optionally of some classes (repeat ?vessel_class=); nearest first for a circle."""
    bbox, circle = service.area_from_query(
        (min_lon, min_lat, max_lon, max_lat), (lon, lat, radius_nm)
    )
    rows = await repository.list_in_area(
        session,
        bbox=bbox,
        circle=circle,
        vessel_classes=list(vessel_class) if vessel_class else None,
        limit=limit,
    )
    now = utcnow()
    stale_s = get_settings().stale_after_s
    return [service.latest_to_read(r, now=now, stale_after_s=stale_s) for r in rows]


@router.get("")
async def list_vessels(
    _: Reader,
    session: SessionDep,
    registered: bool = False,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[VesselRead]:
    """Known vessels by MMSI; `registered=true` lists only the RCC registry."""
    rows = await repository.list_registry(
        session, registered_only=registered, limit=limit, offset=offset
    )
    return [service.to_read(v) for v in rows]


@router.get("/{mmsi}/track")
async def vessel_track(
    mmsi: int,
    _: Reader,
    session: SessionDep,
    from_at: Annotated[
        datetime | None, Query(alias="from", description="UTC; default to-24h")
    ] = None,
    to_at: Annotated[datetime | None, Query(alias="to", description="UTC; default now")] = None,
    zoom: Annotated[
        float | None, Query(ge=0, le=24, description="Simplify for this map zoom")
    ] = None,
    tolerance_deg: Annotated[
        float | None, Query(ge=0, le=1, description="Simplify, degrees")
    ] = None,
) -> JSONResponse:
    """The vessel's track (GeoJSON Feature, vertex times in properties.times) over at most
    7 days, simplified for `zoom` (about one pixel) or by `tolerance_deg`; none by default."""
    if zoom is not None and tolerance_deg is not None:
        raise InvalidInput("give zoom or tolerance_deg, not both")
    start, end = track.time_range(from_at, to_at, now=utcnow())
    tol = track.tolerance_for_zoom(zoom) if zoom is not None else (tolerance_deg or 0.0)
    found = await track.get_track(session, mmsi=mmsi, from_at=start, to_at=end, tolerance_deg=tol)
    return JSONResponse(track.to_geojson(found), media_type="application/geo+json")


@router.get("/{mmsi}")
async def get_vessel(mmsi: int, _: Reader, session: SessionDep) -> VesselRead:
    """One vessel: AIS static data and registry capabilities."""
    return service.to_read(await service.get_vessel(session, mmsi))


@router.put("/{mmsi}")
async def put_vessel(
    mmsi: int, body: VesselRegistryWrite, _: Rcc, session: SessionDep
) -> VesselRead:
    """Create or replace a vessel's registry entry (capabilities used by matching)."""
    return service.to_read(await service.upsert_registry(session, mmsi=mmsi, body=body))


@router.delete("/{mmsi}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_vessel(mmsi: int, _: Rcc, session: SessionDep) -> None:
    """Take a vessel out of the registry; AIS data and history are kept."""
    await service.remove_from_registry(session, mmsi=mmsi)
