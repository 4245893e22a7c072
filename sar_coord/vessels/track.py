"""A vessel's track from the position history: a GeoJSON LineString, simplified for the zoom.

The day partitions of vessel_position are pruned by the time range and read through the
(mmsi, received_at) index; PostGIS simplifies the line (ST_Simplify, Douglas-Peucker, tolerance in
degrees) with each vertex's time kept as its M value, so the times survive the simplification.
WGS 84 lon/lat, UTC.
"""

from __future__ import annotations

import math
import struct
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from sar_coord.core.errors import InvalidInput

MAX_RANGE = timedelta(days=7)
DEFAULT_RANGE = timedelta(hours=24)
TILE_PX = 256
SIMPLIFY_PX = 1.0
"""Vertices closer than about one screen pixel to the simplified line are dropped."""

_TRACK_SQL = text(
    """
    WITH pts AS (
        SELECT received_at, position::geometry AS g
          FROM vessel_position
         WHERE mmsi = :mmsi AND received_at >= :from_at AND received_at < :to_at
           AND NOT suspect
    ), line AS (
        SELECT count(*) AS n,
               ST_MakeLine(ST_MakePointM(ST_X(g), ST_Y(g), extract(epoch FROM received_at))
                           ORDER BY received_at) AS geom
          FROM pts
    ), simple AS (
        SELECT n, CASE WHEN CAST(:tolerance_deg AS float8) > 0 AND n > 2
                       THEN ST_Simplify(geom, CAST(:tolerance_deg AS float8), true)
                       ELSE geom END AS geom
          FROM line
    )
    SELECT n, ST_AsBinary(geom, 'NDR') AS wkb FROM simple
    """
)
_WKB_HEADER = struct.Struct("<BII")
_WKB_LINESTRING_M = 2002
"""ISO WKB geometry type of a LineString with M values (x, y, m as little-endian doubles)."""


@dataclass(frozen=True, slots=True)
class Track:
    """Track vertices (lon, lat, at) in time order, and how many positions they stand for."""

    mmsi: int
    from_at: datetime
    to_at: datetime
    tolerance_deg: float
    positions: int
    vertices: list[tuple[float, float, datetime]]


def tolerance_for_zoom(zoom: float) -> float:
    """Degrees of longitude per screen pixel at a web-map zoom level (256 px tiles)."""
    return 360.0 / (TILE_PX * math.pow(2.0, zoom)) * SIMPLIFY_PX


def time_range(
    from_at: datetime | None, to_at: datetime | None, *, now: datetime
) -> tuple[datetime, datetime]:
    """The [from, to) range in UTC: defaults to the last 24 h, at most MAX_RANGE long."""
    for value in (from_at, to_at):
        if value is not None and value.tzinfo is None:
            raise InvalidInput("from and to need a time zone (e.g. 2026-11-28T10:00:00Z)")
    end = (to_at or now).astimezone(UTC)
    start = (from_at or end - DEFAULT_RANGE).astimezone(UTC)
    if start >= end:
        raise InvalidInput("from must be before to")
    if end - start > MAX_RANGE:
        raise InvalidInput(f"a track covers at most {MAX_RANGE.days} days")
    return start, end


async def get_track(
    session: AsyncSession,
    *,
    mmsi: int,
    from_at: datetime,
    to_at: datetime,
    tolerance_deg: float = 0.0,
) -> Track:
    """The vessel's positions in [from_at, to_at) as a simplified line (tolerance in degrees)."""
    row = (
        await session.execute(
            _TRACK_SQL,
            {"mmsi": mmsi, "from_at": from_at, "to_at": to_at, "tolerance_deg": tolerance_deg},
        )
    ).one()
    return Track(mmsi, from_at, to_at, tolerance_deg, int(row.n), _vertices(row.wkb))


def _vertices(wkb: bytes | None) -> list[tuple[float, float, datetime]]:
    """(lon, lat, time) of each vertex of an ISO WKB LineString M (M: Unix seconds)."""
    if not wkb:
        return []
    order, kind, count = _WKB_HEADER.unpack_from(wkb)
    if order != 1 or kind != _WKB_LINESTRING_M:
        raise ValueError(f"expected a little-endian LineString M, got type {kind}")
    xym = np.frombuffer(wkb, dtype="<f8", count=3 * count, offset=_WKB_HEADER.size)
    xym = xym.reshape(count, 3)
    return [(lon, lat, datetime.fromtimestamp(epoch, UTC)) for lon, lat, epoch in xym.tolist()]


def to_geojson(track: Track) -> dict[str, object]:
    """A GeoJSON Feature: LineString (Point for one position, null for none) with the vertex
    times in `properties.times` (ISO 8601, UTC)."""
    coords = [[round(lon, 6), round(lat, 6)] for lon, lat, _ in track.vertices]
    geometry: dict[str, object] | None
    if len(coords) >= 2:
        geometry = {"type": "LineString", "coordinates": coords}
    elif coords:
        geometry = {"type": "Point", "coordinates": coords[0]}
    else:
        geometry = None
    return {
        "type": "Feature",
        "geometry": geometry,
        "properties": {
            "mmsi": track.mmsi,
            "from": _iso(track.from_at),
            "to": _iso(track.to_at),
            "positions": track.positions,
            "vertices": len(coords),
            "tolerance_deg": track.tolerance_deg,
            "times": [_iso(at) for _, _, at in track.vertices],
        },
    }


def _iso(at: datetime) -> str:
    return at.astimezone(UTC).isoformat().replace("+00:00", "Z")
