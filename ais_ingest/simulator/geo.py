"""Simulator geography: region, sea lanes, grounds, patrol areas; at sea per the one land mask.

Coordinates are WGS84 degrees (lat, lon); distances nautical miles; courses degrees true.
Distances, bearings and the land mask come from sar_coord.core (geo, landmask); the helpers here
only take the simulator's (lat, lon) order.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from sar_coord.core.geo import destination, haversine_m, initial_bearing_deg, m_to_nm, nm_to_m
from sar_coord.core.landmask import is_water


@dataclass(frozen=True)
class Region:
    """A lon/lat box (west, south, east, north), degrees WGS84."""

    lon1: float
    lat1: float
    lon2: float
    lat2: float

    @classmethod
    def parse(cls, text: str) -> Region:
        """Parse 'lon1,lat1,lon2,lat2' (any corner order)."""
        parts = [float(p) for p in text.split(",")]
        if len(parts) != 4:
            raise ValueError("region must be lon1,lat1,lon2,lat2")
        lo1, la1, lo2, la2 = parts
        reg = cls(min(lo1, lo2), min(la1, la2), max(lo1, lo2), max(la1, la2))
        if not (-180 <= reg.lon1 < reg.lon2 <= 180 and -80 <= reg.lat1 < reg.lat2 <= 80):
            raise ValueError("region out of range or empty (lon -180..180, lat -80..80)")
        if (reg.lon2 - reg.lon1) * (reg.lat2 - reg.lat1) > 400:
            raise ValueError("region larger than 400 square degrees")
        return reg

    def contains(self, lat: float, lon: float, margin_deg: float = 0.0) -> bool:
        """True if (lat, lon) is inside the box shrunk by margin_deg."""
        return (
            self.lat1 + margin_deg <= lat <= self.lat2 - margin_deg
            and self.lon1 + margin_deg <= lon <= self.lon2 - margin_deg
        )

    @property
    def center(self) -> tuple[float, float]:
        """(lat, lon) of the box centre."""
        return (self.lat1 + self.lat2) / 2, (self.lon1 + self.lon2) / 2


CENTRAL_MED = Region(10.0, 32.2, 17.0, 38.4)
"""Default region: Libya, Tunisia, Lampedusa, Malta, Sicily."""


def is_land(lat: float, lon: float) -> bool:
    """True if (lat, lon) is on land (lakes included) per the one land mask in sar_coord.core."""
    return not is_water(lon, lat)


def segment_at_sea(a: tuple[float, float], b: tuple[float, float]) -> bool:
    """True if the straight (rhumb) segment a->b of (lat, lon) points crosses no land cell."""
    n = max(2, int(distance_nm(a[0], a[1], b[0], b[1]) / 0.2) + 2)
    for k in range(n + 1):
        f = k / n
        if is_land(a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f):
            return False
    return True


def random_sea_point(
    rng: random.Random, region: Region, clearance_nm: float = 3.0
) -> tuple[float, float]:
    """A random (lat, lon) in the region with no land within clearance_nm."""
    for _ in range(10_000):
        lat = rng.uniform(region.lat1, region.lat2)
        lon = rng.uniform(region.lon1, region.lon2)
        if clear(lat, lon, clearance_nm):
            return lat, lon
    raise ValueError("region has no open water")


def clear(lat: float, lon: float, radius_nm: float) -> bool:
    """True if the point and eight points radius_nm around it are all water."""
    if is_land(lat, lon):
        return False
    for brg in range(0, 360, 45):
        la, lo = move(lat, lon, float(brg), radius_nm)
        if is_land(la, lo):
            return False
    return True


def distance_nm(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in nautical miles between (lat, lon) points (core.geo's haversine)."""
    return m_to_nm(haversine_m(lon1, lat1, lon2, lat2))


def bearing_deg(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Initial great-circle bearing from point 1 to point 2, degrees true in [0, 360)."""
    return initial_bearing_deg(lon1, lat1, lon2, lat2)


def move(lat: float, lon: float, course_deg: float, dist_nm: float) -> tuple[float, float]:
    """(lat, lon) reached from (lat, lon) after dist_nm along course_deg (great circle)."""
    lon2, lat2 = destination(lon, lat, course_deg, nm_to_m(dist_nm))
    return lat2, lon2


def angle_diff(a: float, b: float) -> float:
    """Signed smallest difference b - a in degrees, in (-180, 180]."""
    d = (b - a) % 360.0
    return d - 360.0 if d > 180.0 else d


@dataclass(frozen=True)
class Lane:
    """A route of (lat, lon) waypoints at sea, travelled back and forth."""

    name: str
    kinds: tuple[str, ...]
    points: tuple[tuple[float, float], ...]


@dataclass(frozen=True)
class Area:
    """A working area: centre (lat, lon) and radius_nm (fishing ground or patrol area)."""

    name: str
    lat: float
    lon: float
    radius_nm: float


@dataclass
class Geography:
    """Lanes, fishing grounds, patrol areas and scenario positions of a region."""

    region: Region
    lanes: list[Lane] = field(default_factory=list)
    grounds: list[Area] = field(default_factory=list)
    ngo_areas: list[Area] = field(default_factory=list)
    guard_areas: list[Area] = field(default_factory=list)
    boat_at: tuple[float, float] = (0.0, 0.0)
    sart_at: tuple[float, float] = (0.0, 0.0)


# Central Mediterranean: every leg was checked against the land mask (see tests).
MED_LANES = (
    Lane(
        "Gibraltar-Suez (Strait of Sicily, Malta Channel)",
        ("cargo", "tanker", "passenger"),
        (
            (37.55, 10.6),
            (37.3, 11.4),
            (36.95, 12.6),
            (36.35, 13.9),
            (36.35, 14.5),
            (36.2, 15.4),
            (35.9, 16.9),
        ),
    ),
    Lane(
        "Gibraltar-Suez (south of Malta)",
        ("cargo", "tanker"),
        ((37.35, 11.25), (36.55, 12.2), (35.7, 14.0), (35.45, 16.9)),
    ),
    Lane(
        "Libyan oil terminals - Strait of Sicily",
        ("tanker",),
        ((33.0, 12.25), (36.55, 12.2), (36.95, 12.6), (37.3, 11.4), (37.55, 10.6)),
    ),
    Lane("Valletta-Pozzallo ferry", ("passenger",), ((35.93, 14.56), (36.68, 14.84))),
    Lane(
        "Valletta-Catania ferry",
        ("passenger",),
        ((35.93, 14.56), (36.6, 15.25), (37.0, 15.45), (37.45, 15.2)),
    ),
    Lane(
        "Lampedusa-Porto Empedocle ferry",
        ("passenger",),
        ((35.5, 12.68), (35.7, 12.75), (36.4, 12.95), (37.25, 13.52)),
    ),
    Lane(
        "Tripoli-Malta",
        ("cargo", "passenger", "tanker"),
        ((32.95, 13.2), (35.7, 14.65), (35.93, 14.56)),
    ),
    Lane(
        "Libyan coastal (Zuwara-Tripoli-Misrata)",
        ("cargo", "tanker"),
        ((32.98, 12.1), (32.95, 13.2), (33.0, 14.3), (32.45, 15.3)),
    ),
)
MED_GROUNDS = (
    Area("Mazara grounds (Adventure Bank)", 37.0, 12.1, 12.0),
    Area("Malta Bank", 36.25, 13.7, 10.0),
    Area("Lampedusa west", 35.3, 12.0, 12.0),
    Area("Libyan shelf off Zuwara", 33.5, 11.8, 12.0),
    Area("East of Pachino", 36.5, 15.3, 10.0),
)
MED_NGO = (
    Area("Off Tripolitania (international waters)", 33.7, 12.9, 30.0),
    Area("West of Lampedusa", 34.8, 12.3, 25.0),
)
MED_GUARD = (Area("Lampedusa approaches", 35.4, 12.75, 18.0),)


def build_geography(region: Region, rng: random.Random) -> Geography:
    """Curated central-Mediterranean geography inside the default region, else synthetic lanes."""
    geo = Geography(region=region)
    inside = [ln for ln in MED_LANES if all(region.contains(la, lo) for la, lo in ln.points)]
    if region == CENTRAL_MED or len(inside) >= 3:
        geo.lanes = list(inside)
        geo.grounds = [a for a in MED_GROUNDS if region.contains(a.lat, a.lon)]
        geo.ngo_areas = [a for a in MED_NGO if region.contains(a.lat, a.lon)]
        geo.guard_areas = [a for a in MED_GUARD if region.contains(a.lat, a.lon)]
    if region == CENTRAL_MED:
        geo.boat_at = (33.55, 12.9)  # about 45 nm north of Sabratha
        geo.sart_at = (34.9, 13.6)  # between Lampedusa and the Libyan coast
    else:
        geo.boat_at = random_sea_point(rng, region, 5.0)
        geo.sart_at = random_sea_point(rng, region, 5.0)
    _fill_synthetic(geo, rng)
    return geo


def _fill_synthetic(geo: Geography, rng: random.Random) -> None:
    """Random lanes and areas at sea for a region without (enough) curated ones."""
    span_nm = distance_nm(geo.region.lat1, geo.region.lon1, geo.region.lat2, geo.region.lon2)
    tries = 0
    while len(geo.lanes) < 3 and tries < 2000:
        tries += 1
        a = random_sea_point(rng, geo.region, 3.0)
        b = random_sea_point(rng, geo.region, 3.0)
        if distance_nm(*a, *b) > span_nm / 3 and segment_at_sea(a, b):
            geo.lanes.append(
                Lane(f"lane {len(geo.lanes) + 1}", ("cargo", "tanker", "passenger"), (a, b))
            )
    if not geo.lanes:
        raise ValueError("no straight sea lane fits in the region; choose a larger sea area")
    radius = max(3.0, min(15.0, span_nm / 10))
    for areas, n, label in (
        (geo.grounds, 3, "ground"),
        (geo.ngo_areas, 1, "patrol"),
        (geo.guard_areas, 1, "guard"),
    ):
        while len(areas) < n:
            la, lo = random_sea_point(rng, geo.region, radius / 2)
            areas.append(Area(f"{label} {len(areas) + 1}", la, lo, radius))
