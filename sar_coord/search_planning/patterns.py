"""Search patterns (IAMSAR Vol. II): expanding square, sector, parallel track, creeping line, track
line. Waypoints are computed in a local plane (east, north NM) around the commence search point
and placed on WGS 84 with great-circle offsets: fine for the tens of NM a pattern spans.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

from sar_coord.core.geo import METRES_PER_NM, destination, haversine_m, initial_bearing_deg

PATTERNS = ("SS", "VS", "PS", "CS", "TS")


@dataclass(frozen=True, slots=True)
class Rect:
    """A search (sub-)area: centre, half-sizes in NM, and the bearing of its major (length) axis."""

    lon: float
    lat: float
    half_length_nm: float
    half_width_nm: float
    major_axis_deg: float = 0.0


def offset(lon: float, lat: float, east_nm: float, north_nm: float) -> tuple[float, float]:
    """The point east_nm / north_nm from (lon, lat) (great-circle, WGS 84 sphere)."""
    dist_nm = math.hypot(east_nm, north_nm)
    if dist_nm == 0.0:
        return lon, lat
    bearing = math.degrees(math.atan2(east_nm, north_nm)) % 360.0
    return destination(lon, lat, bearing, dist_nm * METRES_PER_NM)


def local(lon0: float, lat0: float, lon: float, lat: float) -> tuple[float, float]:
    """(east, north) NM of (lon, lat) from (lon0, lat0): inverse of `offset`."""
    dist_nm = haversine_m(lon0, lat0, lon, lat) / METRES_PER_NM
    if dist_nm == 0.0:
        return 0.0, 0.0
    b = math.radians(initial_bearing_deg(lon0, lat0, lon, lat))
    return dist_nm * math.sin(b), dist_nm * math.cos(b)


def _rot(x: float, y: float, axis_deg: float) -> tuple[float, float]:
    """Rotate (along-axis x, across-axis y) into (east, north) for an axis bearing."""
    a = math.radians(axis_deg)
    # along-axis unit vector (sin a, cos a); across-axis (to the right) (cos a, -sin a)
    return x * math.sin(a) + y * math.cos(a), x * math.cos(a) - y * math.sin(a)


def expanding_square(
    lon: float, lat: float, spacing_nm: float, half_side_nm: float, first_course_deg: float = 0.0
) -> list[tuple[float, float]]:
    """SS from the datum: legs S, S, 2S, 2S, 3S, ... turning 90 degrees right, out to the radius."""
    pts = [(0.0, 0.0)]
    x = y = 0.0
    course = first_course_deg
    leg = 1
    while True:
        for _ in range(2):
            length = leg * spacing_nm
            c = math.radians(course)
            x, y = x + length * math.sin(c), y + length * math.cos(c)
            pts.append((x, y))
            course = (course + 90.0) % 360.0
        if leg * spacing_nm >= 2.0 * half_side_nm:
            break
        leg += 1
    return [offset(lon, lat, e, n) for e, n in pts]


def sector(
    lon: float, lat: float, radius_nm: float, first_course_deg: float = 0.0
) -> list[tuple[float, float]]:
    """VS: nine legs of the radius, 120 degree right turns, three triangles, ending at the datum."""
    order = (0, 60, None, 240, 300, None, 120, 180, None)
    pts = [(lon, lat)]
    for rel in order:
        if rel is None:
            pts.append((lon, lat))
        else:
            bearing = (first_course_deg + rel) % 360.0
            pts.append(destination(lon, lat, bearing, radius_nm * METRES_PER_NM))
    return pts


def _ladder(area: Rect, spacing_nm: float, along_major: bool) -> list[tuple[float, float]]:
    """Parallel legs spaced S, starting S/2 inside a corner; legs along or across the major axis."""
    long_half, short_half = (
        (area.half_length_nm, area.half_width_nm)
        if along_major
        else (area.half_width_nm, area.half_length_nm)
    )
    n_legs = max(1, math.ceil(2.0 * short_half / spacing_nm))
    pts: list[tuple[float, float]] = []
    for i in range(n_legs):
        across = -short_half + spacing_nm * (i + 0.5)
        ends = (-long_half + spacing_nm / 2, long_half - spacing_nm / 2)
        if i % 2:
            ends = (ends[1], ends[0])
        for along in ends:
            x, y = (along, across) if along_major else (across, along)
            pts.append(_rot(x, y, area.major_axis_deg))
    return [offset(area.lon, area.lat, e, n) for e, n in pts]


def parallel_track(area: Rect, spacing_nm: float) -> list[tuple[float, float]]:
    """PS: tracks parallel to the area's major axis, stepping across it."""
    return _ladder(area, spacing_nm, along_major=True)


def creeping_line(area: Rect, spacing_nm: float) -> list[tuple[float, float]]:
    """CS: tracks parallel to the minor axis, creeping along the major axis."""
    return _ladder(area, spacing_nm, along_major=False)


def track_line(
    start: tuple[float, float], end: tuple[float, float], spacing_nm: float
) -> list[tuple[float, float]]:
    """TS (return): down the casualty's intended track offset S/2 to one side, back on the other."""
    lon0, lat0 = start
    e, n = local(lon0, lat0, *end)
    length = math.hypot(e, n) or 1e-9
    rx, ry = n / length, -e / length  # unit vector to the right of the track
    h = spacing_nm / 2.0
    pts = [(rx * h, ry * h), (e + rx * h, n + ry * h), (e - rx * h, n - ry * h), (-rx * h, -ry * h)]
    return [offset(lon0, lat0, x, y) for x, y in pts]


def split(area: Rect, parts: int) -> list[Rect]:
    """The area cut into `parts` equal strips across its width, each keeping the major axis."""
    parts = max(1, parts)
    width = 2.0 * area.half_width_nm / parts
    rects = []
    for i in range(parts):
        across = -area.half_width_nm + width * (i + 0.5)
        e, n = _rot(0.0, across, area.major_axis_deg)
        lon, lat = offset(area.lon, area.lat, e, n)
        rects.append(Rect(lon, lat, area.half_length_nm, width / 2.0, area.major_axis_deg))
    return rects


def corners(area: Rect) -> list[tuple[float, float]]:
    """The rectangle's four corners and the first again (a closed GeoJSON ring, lon/lat)."""
    hl, hw = area.half_length_nm, area.half_width_nm
    ring = [(-hl, -hw), (hl, -hw), (hl, hw), (-hl, hw), (-hl, -hw)]
    return [offset(area.lon, area.lat, *_rot(x, y, area.major_axis_deg)) for x, y in ring]


def track_length_nm(points: list[tuple[float, float]]) -> float:
    """Length of a waypoint list in NM."""
    return (
        sum(haversine_m(a[0], a[1], b[0], b[1]) for a, b in itertools.pairwise(points))
        / METRES_PER_NM
    )
