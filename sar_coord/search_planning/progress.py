"""Coverage achieved from AIS: the share of a sub-area swept by a ship's track (width W), pure."""

from __future__ import annotations

from shapely.geometry import LineString, Point, Polygon

from sar_coord.search_planning.patterns import local


def swept_fraction(
    area_ring: list[tuple[float, float]],
    track: list[tuple[float, float]],
    sweep_width_nm: float,
) -> float:
    """Fraction (0-1) of the area (lon/lat ring) within W/2 of the track (lon/lat points)."""
    if not track:
        return 0.0
    lon0, lat0 = area_ring[0]
    poly = Polygon([local(lon0, lat0, lon, lat) for lon, lat in area_ring])
    pts = [local(lon0, lat0, lon, lat) for lon, lat in track]
    path = Point(pts[0]) if len(pts) == 1 else LineString(pts)
    swept = path.buffer(sweep_width_nm / 2.0, cap_style="flat" if len(pts) > 1 else "round")
    if poly.area <= 0:
        return 0.0
    return float(swept.intersection(poly).area / poly.area)
