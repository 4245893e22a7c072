"""Simulated vessels: identities (MMSI, names, types), kinds, speeds and movement that stays at sea.

Positions WGS84 degrees, speeds knots, courses degrees true, times Unix seconds UTC.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

from ais_ingest.simulator.geo import (
    Area,
    Geography,
    Lane,
    angle_diff,
    bearing_deg,
    clear,
    distance_nm,
    is_land,
    move,
    segment_at_sea,
)
from sar_coord.core.ais import DEVICE_PREFIX, MmsiKind

SART_PREFIX = DEVICE_PREFIX[MmsiKind.AIS_SART]

# kind -> (ship type codes, cruise speed range kn, class max speed kn, turn rate deg/s, MIDs)
KINDS: dict[str, tuple[tuple[int, ...], tuple[float, float], float, float, tuple[int, ...]]] = {
    "cargo": ((70, 71, 79), (12.0, 16.0), 20.0, 1.0, (636, 538, 256, 248, 229, 247, 212, 477)),
    "tanker": ((80, 81, 82), (11.0, 14.0), 17.0, 0.8, (636, 538, 256, 249, 215, 241, 247)),
    "passenger": ((60, 69), (16.0, 22.0), 28.0, 1.5, (247, 248, 256, 215, 224)),
    "fishing": ((30,), (2.5, 4.0), 12.0, 5.0, (247, 672, 642, 215, 224)),
    "ngo": ((51,), (10.0, 14.0), 16.0, 2.0, (211, 224, 244, 247, 229)),
    "coastguard": ((55,), (14.0, 20.0), 30.0, 3.0, (247,)),
    "pleasure": ((36, 37), (4.0, 7.0), 10.0, 5.0, (247, 256, 215, 224, 228)),
    "sart": ((0,), (0.0, 0.0), 3.0, 10.0, (SART_PREFIX,)),
}
CLASS_MAX_KN = {kind: spec[2] for kind, spec in KINDS.items()}
"""Speed a kind never exceeds (tests compare implied speeds against it)."""

NAMES = {
    "cargo": ("MSC ", "CMA CGM ", "MAERSK ", "GRIMALDI ", "COSCO ", "", "AEGEAN ", "NORDIC "),
    "tanker": ("STENA ", "AFRA ", "SEAWAYS ", "MINERVA ", "", "OLYMPIC ", "DELTA "),
    "passenger": ("VIRTU ", "SIREMAR ", "GNV ", "JEAN DE LA ", "MSC ", "COSTA "),
    "fishing": ("SAN ", "MARIA ", "NUOVO ", "AL ", "IL ", "SANTA "),
    "ngo": ("SEA ", "MARE ", "OCEAN ", "HUMANITY ", "LIFE "),
    "coastguard": ("CP ",),
    "pleasure": ("SY ", "MY ", "LADY ", "BLUE ", ""),
}
SUFFIXES = (
    "AURORA",
    "VALLETTA",
    "SIRIUS",
    "ORION",
    "PEGASO",
    "TRITON",
    "LIBERTY",
    "PALERMO",
    "GOZO",
    "STELLA",
    "ANNA",
    "GIUSEPPE",
    "SALVATORE",
    "HOPE",
    "RESCUE",
    "SOLIDARITY",
    "NAUTILUS",
    "MISTRAL",
    "SCIROCCO",
    "LEVANTE",
    "ETNA",
    "AGRIGENTO",
    "CARTHAGE",
    "NEREIDE",
)
DESTINATIONS = {
    "cargo": ("PORT SAID", "GIBRALTAR", "VALLETTA", "MARSAXLOKK", "PIRAEUS", "ALGECIRAS"),
    "tanker": ("AUGUSTA", "TRIESTE", "FOS SUR MER", "SUEZ", "MELLITAH", "ZAWIYA"),
    "passenger": ("POZZALLO", "VALLETTA", "CATANIA", "LAMPEDUSA", "PORTO EMPEDOCLE"),
    "fishing": ("FISHING", "MAZARA", "LAMPEDUSA", ""),
    "ngo": ("SAR ZONE", "LAMPEDUSA", "SAR PATROL"),
    "coastguard": ("PATROL",),
    "pleasure": ("MARINA DI RAGUSA", "MSIDA", "LICATA", ""),
}
NAV_UNDER_WAY, NAV_NOT_UNDER_COMMAND, NAV_MOORED, NAV_FISHING, NAV_SART = 0, 2, 5, 7, 14


@dataclass
class Vessel:
    """One simulated vessel (or AIS-SART device) and its current kinematic state."""

    mmsi: int
    kind: str
    ais_class: str  # "A" or "B"
    ship_type: int
    name: str
    callsign: str
    imo: int
    dims_m: tuple[int, int, int, int]  # to bow, stern, port, starboard
    draught_m: float
    destination: str
    lat: float
    lon: float
    cruise_kn: float
    turn_deg_s: float
    sog_kn: float = 0.0
    cog_deg: float = 0.0
    nav_status: int = NAV_UNDER_WAY
    lane: Lane | None = None
    leg: int = 0  # index of the waypoint being steered for
    leg_dir: int = 1
    area: Area | None = None
    target: tuple[float, float] | None = None
    zig_until: float = 0.0
    drifting: bool = False
    drift_deg: float = 110.0
    last_t: float = 0.0
    gap_until: float = 0.0
    next_gap_at: float = math.inf
    channel_b: bool = False
    extra: dict[str, float] = field(default_factory=dict)

    @property
    def max_kn(self) -> float:
        """Class speed limit (knots)."""
        return CLASS_MAX_KN[self.kind]


class MmsiPool:
    """Unique MMSIs MIDxxxxxx (ships) or an AIS-SART's (970xxyyyy) drawn from a seeded RNG."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._used: set[int] = set()

    def take(self, mid: int) -> int:
        """A fresh 9-digit MMSI starting with the 3-digit mid (or device prefix)."""
        while True:
            mmsi = mid * 1_000_000 + self._rng.randrange(100_000, 1_000_000)
            if mmsi not in self._used:
                self._used.add(mmsi)
                return mmsi


def fleet_mix(n: int) -> list[str]:
    """Kinds for n vessels: mostly merchant and fishing, 2 NGO ships, 1 coast-guard cutter."""
    fixed = ["ngo", "ngo", "coastguard", "fishing"][: max(0, n)]
    weights = (
        ("cargo", 0.32),
        ("tanker", 0.17),
        ("passenger", 0.12),
        ("fishing", 0.27),
        ("pleasure", 0.12),
    )
    rest: list[str] = []
    remaining = n - len(fixed)
    for kind, w in weights:
        rest += [kind] * round(remaining * w)
    while len(rest) < remaining:
        rest.append("cargo")
    return fixed + rest[:remaining]


def make_vessel(kind: str, geo: Geography, rng: random.Random, pool: MmsiPool) -> Vessel:
    """A vessel of `kind` placed in its lane or area, at sea, with plausible static data."""
    types, (lo_kn, hi_kn), _max, turn, mids = KINDS[kind]
    mid = rng.choice(mids)
    mmsi = pool.take(mid)
    name = (rng.choice(NAMES[kind]) + rng.choice(SUFFIXES)).strip()
    if kind == "coastguard":
        name = f"CP {rng.randrange(300, 999)}"
    small = kind in ("fishing", "pleasure")
    ais_class = "B" if kind == "pleasure" or (kind == "fishing" and rng.random() < 0.4) else "A"
    length = {
        "cargo": 180,
        "tanker": 230,
        "passenger": 110,
        "fishing": 24,
        "ngo": 60,
        "coastguard": 45,
        "pleasure": 14,
    }[kind]
    length = int(length * rng.uniform(0.7, 1.3))
    beam = max(4, length // 7)
    v = Vessel(
        mmsi=mmsi,
        kind=kind,
        ais_class=ais_class,
        ship_type=rng.choice(types),
        name=name[:20],
        callsign=_callsign(mid, rng),
        imo=0 if small else rng.randrange(9_100_000, 9_900_000),
        dims_m=(length * 3 // 4, length - length * 3 // 4, beam // 2, beam - beam // 2),
        draught_m=round(length / 18.0, 1),
        destination=rng.choice(DESTINATIONS[kind]),
        lat=0.0,
        lon=0.0,
        cruise_kn=round(rng.uniform(lo_kn, hi_kn), 1),
        turn_deg_s=turn,
    )
    if kind in ("cargo", "tanker", "passenger"):
        lanes = [ln for ln in geo.lanes if kind in ln.kinds] or geo.lanes
        _place_on_lane(v, rng.choice(lanes), geo, rng)
    else:
        areas = {
            "fishing": geo.grounds,
            "ngo": geo.ngo_areas,
            "coastguard": geo.guard_areas,
            "pleasure": geo.grounds,
        }[kind]
        v.area = rng.choice(areas)
        v.lat, v.lon = _point_in_area(v.area, geo, rng)
        v.cog_deg = rng.uniform(0, 360)
        v.nav_status = NAV_FISHING if kind == "fishing" else NAV_UNDER_WAY
    v.sog_kn = v.cruise_kn
    return v


def make_sart(geo: Geography, rng: random.Random, pool: MmsiPool) -> Vessel:
    """An AIS-SART (MMSI in its device range, nav status 14) drifting at the scripted position."""
    mmsi = pool.take(SART_PREFIX)
    lat, lon = geo.sart_at
    return Vessel(
        mmsi=mmsi,
        kind="sart",
        ais_class="A",
        ship_type=0,
        name="SART ACTIVE",
        callsign="",
        imo=0,
        dims_m=(0, 0, 0, 0),
        draught_m=0.0,
        destination="",
        lat=lat,
        lon=lon,
        cruise_kn=0.6,
        turn_deg_s=10.0,
        sog_kn=0.6,
        cog_deg=95.0,
        nav_status=NAV_SART,
        drifting=True,
        drift_deg=95.0,
    )


def _callsign(mid: int, rng: random.Random) -> str:
    prefix = {
        247: "I",
        215: "9H",
        229: "9H",
        248: "9H",
        249: "9H",
        256: "9H",
        636: "D5",
        538: "V7",
        224: "EA",
        642: "5A",
        672: "3V",
    }.get(mid, "")
    letters = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(4 - len(prefix) + 1))
    return (prefix + letters + str(rng.randrange(10)))[:7]


def _place_on_lane(v: Vessel, lane: Lane, geo: Geography, rng: random.Random) -> None:
    v.lane = lane
    k = rng.randrange(len(lane.points) - 1)
    a, b = lane.points[k], lane.points[k + 1]
    f = rng.uniform(0.05, 0.95)
    v.lat, v.lon = a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f
    if is_land(v.lat, v.lon):  # lanes are at sea; guard anyway
        v.lat, v.lon = a
    if rng.random() < 0.5:
        v.leg, v.leg_dir = k + 1, 1
    else:
        v.leg, v.leg_dir = k, -1
    tgt = lane.points[v.leg]
    v.cog_deg = bearing_deg(v.lat, v.lon, tgt[0], tgt[1])


def _point_in_area(area: Area, geo: Geography, rng: random.Random) -> tuple[float, float]:
    for _ in range(500):
        la, lo = move(
            area.lat, area.lon, rng.uniform(0, 360), area.radius_nm * math.sqrt(rng.random())
        )
        if (
            geo.region.contains(la, lo)
            and clear(la, lo, 1.0)
            and segment_at_sea((area.lat, area.lon), (la, lo))
        ):
            return la, lo
    return area.lat, area.lon


def desired_course(v: Vessel, t: float, geo: Geography, rng: random.Random) -> float:
    """Course the vessel wants to steer now (lane leg, zig-zag on a ground, patrol, drift)."""
    if v.drifting:
        return v.drift_deg
    if v.lane is not None:
        tgt = v.lane.points[v.leg]
        if distance_nm(v.lat, v.lon, tgt[0], tgt[1]) < 0.5:
            nxt = v.leg + v.leg_dir
            if not 0 <= nxt < len(v.lane.points):
                v.leg_dir = -v.leg_dir
                nxt = v.leg + v.leg_dir
                if v.kind == "passenger":  # a ferry spends 20-60 min in port
                    v.extra["moored_until"] = t + rng.uniform(1200.0, 3600.0)
            v.leg = nxt
            tgt = v.lane.points[v.leg]
        return bearing_deg(v.lat, v.lon, tgt[0], tgt[1])
    area = v.area
    assert area is not None
    if v.kind == "fishing":
        # Trawling: slow legs of 10-25 min, zig-zagging, always heading back inside the ground.
        if t >= v.zig_until:
            v.zig_until = t + rng.uniform(600, 1500)
            home = bearing_deg(v.lat, v.lon, area.lat, area.lon)
            off = distance_nm(v.lat, v.lon, area.lat, area.lon) / area.radius_nm
            spread = 150.0 if off < 0.6 else 50.0
            v.extra["zig"] = (home + rng.uniform(-spread, spread)) % 360
        return v.extra.get("zig", v.cog_deg)
    # Patrol (NGO, coast guard, pleasure): sail to random points of the area.
    if v.target is None or distance_nm(v.lat, v.lon, *v.target) < 0.5 or t >= v.zig_until:
        v.target = _point_in_area(area, geo, rng)
        v.zig_until = t + 4 * 3600
    return bearing_deg(v.lat, v.lon, v.target[0], v.target[1])


def _water_ahead(v: Vessel, course: float, geo: Geography) -> bool:
    look = max(0.5, v.sog_kn / 6.0)  # ten minutes ahead, at least half a mile
    for f in (0.3, 0.6, 1.0):
        la, lo = move(v.lat, v.lon, course, look * f)
        if is_land(la, lo) or not geo.region.contains(la, lo):
            return False
    return True


def step(v: Vessel, dt_s: float, t: float, geo: Geography, rng: random.Random) -> None:
    """Advance the vessel dt_s seconds (call with dt_s <= 10): steer, avoid land, move."""
    if t < v.extra.get("moored_until", 0.0):
        v.sog_kn, v.nav_status = 0.0, NAV_MOORED
        return
    if v.nav_status == NAV_MOORED:
        v.nav_status = NAV_UNDER_WAY
    want = desired_course(v, t, geo, rng)
    v.extra["want"] = want
    if not _water_ahead(v, want, geo):
        for delta in (20, -20, 40, -40, 60, -60, 90, -90, 120, -120, 150, -150, 180):
            if _water_ahead(v, want + delta, geo):
                want = (want + delta) % 360
                break
        else:
            want = bearing_deg(v.lat, v.lon, *geo.region.center)
    turn = angle_diff(v.cog_deg, want)
    max_turn = v.turn_deg_s * dt_s
    v.cog_deg = (v.cog_deg + max(-max_turn, min(max_turn, turn))) % 360
    target_kn = v.cruise_kn
    if v.drifting:
        target_kn = v.extra.get("drift_kn", 0.6)
    v.sog_kn += max(
        -0.2 * dt_s, min(0.05 * dt_s, target_kn - v.sog_kn)
    )  # slow down fast, speed up slowly
    la, lo = move(v.lat, v.lon, v.cog_deg, v.sog_kn * dt_s / 3600.0)
    if is_land(la, lo):
        v.cog_deg = (v.cog_deg + 180.0) % 360  # never step onto land: turn about
        return
    v.lat, v.lon = la, lo


def advance(v: Vessel, t: float, geo: Geography, rng: random.Random) -> None:
    """Advance the vessel from its last update to time t in steps of at most 10 s."""
    while v.last_t < t:
        dt = min(10.0, t - v.last_t)
        step(v, dt, v.last_t + dt, geo, rng)
        v.last_t += dt


def turning(v: Vessel) -> bool:
    """True if the vessel is changing course noticeably (Class A reports more often)."""
    return abs(angle_diff(v.cog_deg, v.extra.get("want", v.cog_deg))) > 5.0


def report_interval_s(v: Vessel, is_turning: bool) -> float:
    """ITU-R M.1371 reporting interval for the vessel's class, speed and status, seconds."""
    if v.ais_class == "B":
        return 180.0 if v.sog_kn < 2.0 else 30.0
    if v.nav_status in (1, 5) and v.sog_kn < 3.0:
        return 180.0
    if v.sog_kn > 23.0:
        return 2.0
    if v.sog_kn > 14.0:
        return 2.0 if is_turning else 6.0
    return 10.0 / 3.0 if is_turning else 10.0
