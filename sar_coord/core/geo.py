"""Geodesy helpers: WGS 84 lon/lat, great-circle distances, units (1 nm = 1852 m, 1 kn = 1 nm/h)."""

from __future__ import annotations

import math

METRES_PER_NM = 1852.0
MS_PER_KN = METRES_PER_NM / 3600.0
"""Metres per second in one knot (one nautical mile per hour)."""
EARTH_RADIUS_M = 6_371_008.8


def nm_to_m(distance_nm: float) -> float:
    """Nautical miles to metres."""
    return distance_nm * METRES_PER_NM


def m_to_nm(distance_m: float) -> float:
    """Metres to nautical miles."""
    return distance_m / METRES_PER_NM


def haversine_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance in metres between two WGS 84 points (spherical Earth)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def destination(
    lon: float, lat: float, bearing_deg: float, distance_m: float
) -> tuple[float, float]:
    """Point reached from (lon, lat) along an initial bearing (degrees true) after distance_m."""
    d = distance_m / EARTH_RADIUS_M
    b = math.radians(bearing_deg)
    p1 = math.radians(lat)
    l1 = math.radians(lon)
    p2 = math.asin(math.sin(p1) * math.cos(d) + math.cos(p1) * math.sin(d) * math.cos(b))
    l2 = l1 + math.atan2(
        math.sin(b) * math.sin(d) * math.cos(p1), math.cos(d) - math.sin(p1) * math.sin(p2)
    )
    lon2 = (math.degrees(l2) + 540.0) % 360.0 - 180.0
    return lon2, math.degrees(p2)


def initial_bearing_deg(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Initial great-circle bearing from point 1 to point 2, degrees true in [0, 360)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dl = math.radians(lon2 - lon1)
    x = math.sin(dl) * math.cos(p2)
    y = math.cos(p1) * math.sin(p2) - math.sin(p1) * math.cos(p2) * math.cos(dl)
    return (math.degrees(math.atan2(x, y)) + 360.0) % 360.0


def valid_lon_lat(lon: float, lat: float) -> bool:
    """True when lon/lat is a real WGS 84 position (AIS 181/91 'not available' is not)."""
    return -180.0 <= lon <= 180.0 and -90.0 <= lat <= 90.0
