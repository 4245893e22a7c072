"""Matching data types: parameters, vessel states, the target, ranked and excluded vessels.

WGS 84 lon/lat, nautical miles, knots, UTC datetimes; every score weight is in minutes of ETA.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sar_coord.cases.drift import Drift


@dataclass(frozen=True, slots=True)
class MatchParams:
    """Tunable matching parameters; every weight is in minutes of ETA."""

    dead_reckoning_cap_s: float = 1800.0
    stale_after_s: float = 1800.0
    base_uncertainty_nm: float = 0.05
    uncertainty_growth_kn: float = 2.0
    speed_floor_kn: float = 6.0
    default_speed_kn: float = 10.0
    stopped_below_kn: float = 0.5
    get_under_way_min: float = 15.0
    mass_rescue_persons: int = 20
    capacity_short_min: float = 60.0
    high_freeboard_m: float = 4.0
    high_freeboard_min: float = 20.0
    medical_bonus_min: float = 15.0
    rescue_boat_bonus_min: float = 10.0
    sar_crew_bonus_min: float = 10.0
    rescue_class_bonus_min: float = 30.0


@dataclass(frozen=True, slots=True)
class VesselState:
    """A vessel's last report plus its registry capabilities (None: unknown)."""

    mmsi: int
    lon: float | None
    lat: float | None
    reported_at: datetime
    sog_kn: float | None = None
    cog_deg: float | None = None
    nav_status: int | None = None
    suspect: bool = False
    name: str | None = None
    vessel_class: str | None = None
    ship_type: int | None = None
    max_speed_kn: float | None = None
    max_persons: int | None = None
    medical_staff: bool | None = None
    rescue_boats: int | None = None
    freeboard_m: float | None = None
    sar_trained_crew: bool | None = None


@dataclass(frozen=True, slots=True)
class CaseTarget:
    """The distress target: datum (lon, lat) at datum_at, its drift and the people's needs."""

    lon: float
    lat: float
    datum_at: datetime
    drift: Drift
    persons_on_board: int | None = None
    medical_emergencies: int | None = None
    people_in_water: int | None = None
    source_mmsi: int | None = None


@dataclass(frozen=True, slots=True)
class Candidate:
    """A ranked vessel with the figures and reasons behind its rank."""

    mmsi: int
    name: str | None
    vessel_class: str | None
    rank: int
    score: float
    distance_nm: float
    straight_nm: float
    eta_min: float
    speed_kn: float
    report_age_s: float
    position_uncertainty_nm: float
    lon: float
    lat: float
    course_to_deg: float
    course_change_deg: float | None
    diversion_nm: float
    intercept_lon: float
    intercept_lat: float
    capabilities: dict[str, Any]
    reasons: list[str] = field(default_factory=list)
    route: tuple[tuple[float, float], ...] = ()
    """Over-water route (lon, lat) from the dead-reckoned position to the intercept point."""
    course_to_steer_deg: float | None = None
    """Initial course of the route's first leg, degrees true (None until the route is set)."""


@dataclass(frozen=True, slots=True)
class Excluded:
    """A vessel left out of the ranking, and why (stale, no position, suspect, beacon)."""

    mmsi: int
    name: str | None
    reason: str
    report_age_s: float
    lon: float | None
    lat: float | None


@dataclass(frozen=True, slots=True)
class MatchResult:
    """Ranked candidates (best first) and the vessels that were left out."""

    candidates: list[Candidate]
    excluded: list[Excluded]
