"""SAR regions (SRR): GeoJSON validation with shapely, storage, and the RCC covering a point."""

from __future__ import annotations

import itertools
import json
import math
from typing import Any

from geoalchemy2.elements import WKTElement
from shapely.geometry import MultiPolygon, shape
from shapely.validation import explain_validity
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from sar_coord.cases.exceptions import InvalidRegion, RegionNotFound
from sar_coord.cases.models import SarRegion
from sar_coord.cases.schemas import SarRegionRead, SarRegionWrite
from sar_coord.core.geo import valid_lon_lat
from sar_coord.core.time import utcnow


def _check_position(pos: Any, where: str) -> tuple[float, float]:
    if not isinstance(pos, list | tuple) or len(pos) < 2:
        raise InvalidRegion(f"{where}: a position is [longitude, latitude]")
    lon, lat = pos[0], pos[1]
    if not all(isinstance(v, int | float) and math.isfinite(v) for v in (lon, lat)):
        raise InvalidRegion(f"{where}: coordinates must be finite numbers")
    if not valid_lon_lat(lon, lat):
        raise InvalidRegion(f"{where}: ({lon}, {lat}) is outside WGS 84 longitude/latitude")
    return float(lon), float(lat)


def _check_ring(ring: Any, where: str) -> None:
    if not isinstance(ring, list) or len(ring) < 4:
        raise InvalidRegion(f"{where}: a linear ring needs at least 4 positions")
    points = [_check_position(p, where) for p in ring]
    if points[0] != points[-1]:
        raise InvalidRegion(f"{where}: ring is not closed (first and last positions differ)")
    for (lon1, _), (lon2, _) in itertools.pairwise(points):
        if abs(lon2 - lon1) > 180.0:
            raise InvalidRegion(
                f"{where}: an edge jumps {abs(lon2 - lon1):.1f} deg of longitude; a region "
                "crossing the antimeridian must be split into a MultiPolygon at +/-180 "
                "(RFC 7946 section 3.1.9)"
            )


def validate_region_geometry(geometry: dict[str, Any]) -> MultiPolygon:
    """A valid WGS 84 MultiPolygon from GeoJSON, or InvalidRegion saying what is wrong."""
    kind = geometry.get("type")
    coords = geometry.get("coordinates")
    polygons: list[Any] | None
    if kind == "Polygon":
        polygons = [coords]
    elif kind == "MultiPolygon":
        polygons = coords if isinstance(coords, list) else None
    else:
        raise InvalidRegion("geometry must be a GeoJSON Polygon or MultiPolygon")
    if not polygons or not all(isinstance(p, list) and p for p in polygons):
        raise InvalidRegion("geometry has no polygon rings")
    for i, rings in enumerate(polygons):
        for j, ring in enumerate(rings):
            _check_ring(ring, f"polygon {i} ring {j}")
    geom = shape(geometry)
    if not geom.is_valid:
        raise InvalidRegion(f"invalid polygon: {explain_validity(geom)}")
    if geom.is_empty or geom.area <= 0:
        raise InvalidRegion("polygon has no area")
    return geom if isinstance(geom, MultiPolygon) else MultiPolygon([geom])


async def upsert_region(session: AsyncSession, *, body: SarRegionWrite) -> SarRegion:
    """Create or replace the SAR region of an RCC (by rcc_name)."""
    area = validate_region_geometry(body.geometry)
    element = WKTElement(area.wkt, srid=4326)
    region = await session.scalar(select(SarRegion).where(SarRegion.rcc_name == body.rcc_name))
    if region is None:
        region = SarRegion(
            rcc_name=body.rcc_name, region_name=body.region_name, contact=body.contact, area=element
        )
        session.add(region)
    else:
        region.region_name = body.region_name
        region.contact = body.contact
        region.area = element
        region.updated_at = utcnow()
    await session.flush()
    return region


async def delete_region(session: AsyncSession, *, rcc_name: str) -> None:
    """Remove an RCC's SAR region."""
    region = await session.scalar(select(SarRegion).where(SarRegion.rcc_name == rcc_name))
    if region is None:
        raise RegionNotFound(rcc_name)
    await session.delete(region)
    await session.flush()


async def list_regions(session: AsyncSession) -> list[SarRegionRead]:
    """Every loaded region with its geometry as GeoJSON."""
    rows = await session.execute(
        select(SarRegion, func.ST_AsGeoJSON(SarRegion.area)).order_by(SarRegion.rcc_name)
    )
    return [
        SarRegionRead(
            id=r.id,
            rcc_name=r.rcc_name,
            region_name=r.region_name,
            contact=r.contact,
            geometry=json.loads(gj),
            updated_at=r.updated_at,
        )
        for r, gj in rows.all()
    ]


async def region_at(session: AsyncSession, *, lon: float, lat: float) -> SarRegion | None:
    """The region covering (lon, lat); where regions overlap, the smallest wins. None: outside."""
    point = func.ST_SetSRID(func.ST_MakePoint(lon, lat), 4326)
    return await session.scalar(
        select(SarRegion)
        .where(func.ST_Covers(SarRegion.area, point))
        .order_by(func.ST_Area(SarRegion.area))
        .limit(1)
    )
