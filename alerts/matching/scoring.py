"""Candidate ranking for a distress case (SURPIC); pure, no I/O. WGS 84, nm, kn, UTC.

Score (lower is better), in minutes-equivalent so a weight reads as "worth N minutes of ETA":

    score = eta_min
          + get_under_way_min            (anchored / moored / stopped: ship must weigh anchor)
          + capacity_short_min           (spare capacity < persons on board; unknown: half)
          + high_freeboard_min           (freeboard above the limit, for a mass rescue)
          - medical_bonus_min            (medical staff aboard, when the case has medical cases)
          - rescue_boat_bonus_min        (carries rescue boats / RHIBs)
          - sar_crew_bonus_min           (SAR-trained crew)
          - rescue_class_bonus_min       (NGO rescue or SAR vessel, for a mass rescue)

A capable NGO ship 20 minutes further away therefore outranks a nearer merchant ship with no
spare capacity. Ties are broken by diversion (distance off the ship's current course), then MMSI.
Vessels silent longer than `stale_after_s`, without a valid position, flagged suspect, or that are
themselves distress beacons (AIS-SART, MOB, EPIRB-AIS: see sar_coord.core.ais) are listed
separately and never ranked.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime

from alerts.matching.types import (
    Candidate,
    CaseTarget,
    Excluded,
    MatchParams,
    MatchResult,
    VesselState,
)
from sar_coord.cases.drift import drifted_position, intercept_time_s
from sar_coord.core.ais import is_distress_device
from sar_coord.core.geo import (
    METRES_PER_NM,
    MS_PER_KN,
    destination,
    haversine_m,
    initial_bearing_deg,
    valid_lon_lat,
)

NAV_AT_ANCHOR = 1
NAV_MOORED = 5
NAV_AGROUND = 6
RESCUE_CLASSES = frozenset({"ngo", "sar"})
SAR_SHIP_TYPE = 51
__all__ = [
    "Candidate",
    "CaseTarget",
    "Excluded",
    "MatchParams",
    "MatchResult",
    "VesselState",
    "dead_reckon",
    "position_uncertainty_nm",
    "rank_candidates",
    "transit_speed_kn",
]

DistanceFn = Callable[[float, float, float, float], float]
"""(lon1, lat1, lon2, lat2) -> distance in metres; over water in production."""
RouteFn = Callable[[float, float, float, float], Sequence[tuple[float, float]]]
"""(lon1, lat1, lon2, lat2) -> the route's (lon, lat) points, first and last the two ends."""


def straight_route(
    lon1: float, lat1: float, lon2: float, lat2: float
) -> tuple[tuple[float, float], ...]:
    """The straight leg between two points (the route when land is not considered)."""
    return ((lon1, lat1), (lon2, lat2))


def dead_reckon(vessel: VesselState, now: datetime, cap_s: float) -> tuple[float, float, float]:
    """(lon, lat, age_s): the position advanced along COG at SOG for min(age, cap_s) seconds."""
    assert vessel.lon is not None and vessel.lat is not None
    age_s = max(0.0, (now - vessel.reported_at).total_seconds())
    sog = vessel.sog_kn or 0.0
    if vessel.cog_deg is None or sog <= 0.0:
        return vessel.lon, vessel.lat, age_s
    run_m = sog * MS_PER_KN * min(age_s, cap_s)
    lon, lat = destination(vessel.lon, vessel.lat, vessel.cog_deg, run_m)
    return lon, lat, age_s


def position_uncertainty_nm(vessel: VesselState, age_s: float, params: MatchParams) -> float:
    """Radius (nm) around the dead-reckoned position: grows with report age, faster once the
    dead-reckoning cap is passed (the ship may have gone anywhere at its own speed)."""
    hours = age_s / 3600.0
    growth = params.base_uncertainty_nm + params.uncertainty_growth_kn * hours
    beyond_cap_h = max(0.0, age_s - params.dead_reckoning_cap_s) / 3600.0
    return growth + (vessel.sog_kn or 0.0) * beyond_cap_h


def transit_speed_kn(vessel: VesselState, params: MatchParams) -> float:
    """Speed used for the ETA: registry max speed, else SOG, else a default; never below a floor."""
    if vessel.max_speed_kn:
        speed = vessel.max_speed_kn
    elif vessel.sog_kn is not None and vessel.sog_kn >= params.stopped_below_kn:
        speed = vessel.sog_kn
    else:
        speed = params.default_speed_kn
    return max(params.speed_floor_kn, speed)


def is_stopped(vessel: VesselState, params: MatchParams) -> bool:
    """True when at anchor, moored, aground, or making less than stopped_below_kn."""
    if vessel.nav_status in (NAV_AT_ANCHOR, NAV_MOORED, NAV_AGROUND):
        return True
    return vessel.sog_kn is not None and vessel.sog_kn < params.stopped_below_kn


def _exclusion(
    vessel: VesselState, target: CaseTarget, now: datetime, params: MatchParams
) -> str | None:
    if vessel.lon is None or vessel.lat is None or not valid_lon_lat(vessel.lon, vessel.lat):
        return "no valid position"
    if is_distress_device(vessel.mmsi) or vessel.mmsi == target.source_mmsi:
        return "distress beacon or the casualty itself"
    if vessel.suspect:
        return "position flagged suspect by ingest"
    if (now - vessel.reported_at).total_seconds() > params.stale_after_s:
        return "stale: silent longer than the threshold"
    return None


def _capability_terms(
    vessel: VesselState, target: CaseTarget, params: MatchParams
) -> tuple[float, list[str], dict[str, object]]:
    """(minutes to add to the score, reasons, capability summary)."""
    terms = 0.0
    reasons: list[str] = []
    pob = target.persons_on_board
    mass = (pob or 0) >= params.mass_rescue_persons or (target.people_in_water or 0) > 0
    caps: dict[str, object] = {
        "vessel_class": vessel.vessel_class,
        "max_persons": vessel.max_persons,
        "medical_staff": vessel.medical_staff,
        "rescue_boats": vessel.rescue_boats,
        "freeboard_m": vessel.freeboard_m,
        "sar_trained_crew": vessel.sar_trained_crew,
        "max_speed_kn": vessel.max_speed_kn,
    }
    if pob:
        if vessel.max_persons is None:
            terms += params.capacity_short_min / 2
            reasons.append(f"capacity unknown (+{params.capacity_short_min / 2:g} min)")
        elif vessel.max_persons < pob:
            terms += params.capacity_short_min
            reasons.append(
                f"spare capacity {vessel.max_persons} < {pob} aboard "
                f"(+{params.capacity_short_min:g} min)"
            )
        else:
            reasons.append(f"spare capacity {vessel.max_persons} >= {pob} aboard")
    if mass and vessel.freeboard_m is not None and vessel.freeboard_m > params.high_freeboard_m:
        terms += params.high_freeboard_min
        reasons.append(
            f"high freeboard {vessel.freeboard_m:g} m for a mass rescue "
            f"(+{params.high_freeboard_min:g} min)"
        )
    if (target.medical_emergencies or 0) > 0 and vessel.medical_staff:
        terms -= params.medical_bonus_min
        reasons.append(
            f"medical staff aboard for medical cases (-{params.medical_bonus_min:g} min)"
        )
    if vessel.rescue_boats:
        terms -= params.rescue_boat_bonus_min
        reasons.append(
            f"{vessel.rescue_boats} rescue boat(s) (-{params.rescue_boat_bonus_min:g} min)"
        )
    if vessel.sar_trained_crew:
        terms -= params.sar_crew_bonus_min
        reasons.append(f"SAR-trained crew (-{params.sar_crew_bonus_min:g} min)")
    rescue_class = vessel.vessel_class in RESCUE_CLASSES or vessel.ship_type == SAR_SHIP_TYPE
    if mass and rescue_class:
        terms -= params.rescue_class_bonus_min
        reasons.append(
            f"{vessel.vessel_class or 'SAR'} rescue vessel preferred for a mass rescue "
            f"(-{params.rescue_class_bonus_min:g} min)"
        )
    return terms, reasons, caps


def _course_terms(
    vessel: VesselState, course_to_deg: float, distance_nm: float, params: MatchParams
) -> tuple[float | None, float]:
    """(course change in degrees or None, diversion in nm off the current course)."""
    if vessel.cog_deg is None or is_stopped(vessel, params):
        return None, 0.0
    change = abs((course_to_deg - vessel.cog_deg + 180.0) % 360.0 - 180.0)
    diversion = distance_nm if change >= 90.0 else distance_nm * math.sin(math.radians(change))
    return change, diversion


def rank_candidates(
    vessels: Iterable[VesselState],
    target: CaseTarget,
    now: datetime,
    *,
    params: MatchParams | None = None,
    distance_fn: DistanceFn = haversine_m,
    route_fn: RouteFn = straight_route,
    limit: int | None = None,
) -> MatchResult:
    """Rank vessels for a case by score (see the module docstring); pure given distance_fn.

    With `limit`, only the best `limit` are returned, and the (costly) over-water distance is
    computed only for vessels whose straight-line score could still make the cut: the
    straight-line intercept is a lower bound of any over-water ETA, so the result equals the
    first `limit` of the full ranking. Each ranked candidate then gets its route from
    `route_fn` (dead-reckoned position to intercept point) and the course of its first leg.
    """
    p = params or MatchParams()
    excluded: list[Excluded] = []
    eligible: list[VesselState] = []
    t_lon, t_lat = drifted_position(
        target.lon, target.lat, target.drift, (now - target.datum_at).total_seconds()
    )
    for vessel in vessels:
        age_s = max(0.0, (now - vessel.reported_at).total_seconds())
        why = _exclusion(vessel, target, now, p)
        if why is not None:
            excluded.append(Excluded(vessel.mmsi, vessel.name, why, age_s, vessel.lon, vessel.lat))
            continue
        eligible.append(vessel)
    scored: list[tuple[float, float, int, Candidate]] = []
    if limit is None or distance_fn is haversine_m:
        scored = [_score(v, target, now, p, t_lon, t_lat, distance_fn) for v in eligible]
    else:
        bounds = [(_lower_bound(v, target, now, p, t_lon, t_lat), v) for v in eligible]
        bounds.sort(key=lambda item: (item[0], item[1].mmsi))
        for bound, vessel in bounds:
            if len(scored) >= limit:
                scored.sort(key=lambda item: item[:3])
                if bound > scored[limit - 1][0] + 0.01:  # scores are rounded to 0.001
                    break
            scored.append(_score(vessel, target, now, p, t_lon, t_lat, distance_fn))
    scored.sort(key=lambda item: (item[0], item[1], item[2]))
    if limit is not None:
        scored = scored[:limit]
    by_mmsi = {v.mmsi: v for v in eligible}
    ranked = [
        _with_route(_with_rank(candidate, i + 1, scored), by_mmsi[candidate.mmsi], p, route_fn)
        for i, (_, _, _, candidate) in enumerate(scored)
    ]
    excluded.sort(key=lambda e: (e.reason, e.report_age_s, e.mmsi))
    return MatchResult(ranked, excluded)


def _lower_bound(
    vessel: VesselState,
    target: CaseTarget,
    now: datetime,
    p: MatchParams,
    t_lon: float,
    t_lat: float,
) -> float:
    """A cheap score no over-water route can beat: straight-line intercept, same penalties."""
    lon, lat, _ = dead_reckon(vessel, now, p.dead_reckoning_cap_s)
    speed_kn = transit_speed_kn(vessel, p)
    t_s = math.inf
    if target.drift.speed_kn > 0:
        t_s = intercept_time_s(lon, lat, speed_kn, t_lon, t_lat, target.drift)
    if not math.isfinite(t_s):
        t_s = haversine_m(lon, lat, t_lon, t_lat) / (speed_kn * MS_PER_KN)
    score = t_s / 60.0 + (p.get_under_way_min if is_stopped(vessel, p) else 0.0)
    return score + _capability_terms(vessel, target, p)[0]


def _score(
    vessel: VesselState,
    target: CaseTarget,
    now: datetime,
    p: MatchParams,
    t_lon: float,
    t_lat: float,
    distance_fn: DistanceFn,
) -> tuple[float, float, int, Candidate]:
    lon, lat, age_s = dead_reckon(vessel, now, p.dead_reckoning_cap_s)
    speed_kn = transit_speed_kn(vessel, p)
    # Intercept the drifting target: straight-line meeting point, then the over-water distance
    # to that point, refined once with the time that distance takes.
    i_lon, i_lat = t_lon, t_lat
    t_star_s = 0.0  # straight-line intercept time: no route over water can beat it
    if target.drift.speed_kn > 0:
        t_s = intercept_time_s(lon, lat, speed_kn, t_lon, t_lat, target.drift)
        if math.isfinite(t_s):
            t_star_s = t_s
            i_lon, i_lat = drifted_position(t_lon, t_lat, target.drift, t_s)
    straight_m = haversine_m(lon, lat, i_lon, i_lat)
    distance_m = max(straight_m, distance_fn(lon, lat, i_lon, i_lat))
    if target.drift.speed_kn > 0:
        t_s = distance_m / (speed_kn * MS_PER_KN)
        i_lon, i_lat = drifted_position(t_lon, t_lat, target.drift, t_s)
        straight_m = haversine_m(lon, lat, i_lon, i_lat)
        distance_m = max(straight_m, distance_fn(lon, lat, i_lon, i_lat))
    distance_nm = distance_m / METRES_PER_NM
    eta_min = max(distance_m / (speed_kn * MS_PER_KN), t_star_s) / 60.0
    reasons = [f"{distance_nm:.1f} nm over water at {speed_kn:g} kn: ETA {eta_min:.0f} min"]
    if distance_m > straight_m * 1.01:
        reasons.append(
            f"land in the way: {distance_nm:.1f} nm by sea vs {straight_m / METRES_PER_NM:.1f} nm "
            "straight"
        )
    score = eta_min
    if is_stopped(vessel, p):
        score += p.get_under_way_min
        reasons.append(
            f"stopped/anchored/moored: must get under way (+{p.get_under_way_min:g} min)"
        )
    if age_s > 0:
        dr_s = min(age_s, p.dead_reckoning_cap_s)
        reasons.append(f"last report {age_s:.0f} s ago, dead-reckoned {dr_s:.0f} s")
    cap_min, cap_reasons, caps = _capability_terms(vessel, target, p)
    score += cap_min
    reasons.extend(cap_reasons)
    course_to = initial_bearing_deg(lon, lat, i_lon, i_lat)
    change, diversion_nm = _course_terms(vessel, course_to, distance_nm, p)
    candidate = Candidate(
        mmsi=vessel.mmsi,
        name=vessel.name,
        vessel_class=vessel.vessel_class,
        rank=0,
        score=round(score, 3),
        distance_nm=round(distance_nm, 3),
        straight_nm=round(straight_m / METRES_PER_NM, 3),
        eta_min=round(eta_min, 2),
        speed_kn=speed_kn,
        report_age_s=round(age_s, 1),
        position_uncertainty_nm=round(position_uncertainty_nm(vessel, age_s, p), 3),
        lon=lon,
        lat=lat,
        course_to_deg=round(course_to, 1),
        course_change_deg=None if change is None else round(change, 1),
        diversion_nm=round(diversion_nm, 3),
        intercept_lon=i_lon,
        intercept_lat=i_lat,
        capabilities=caps,
        reasons=reasons,
    )
    return candidate.score, candidate.diversion_nm, vessel.mmsi, candidate


def _with_route(
    candidate: Candidate, vessel: VesselState, p: MatchParams, route_fn: RouteFn
) -> Candidate:
    """The candidate with its route, the course to steer on the first leg, and the course change
    measured against that course (not the straight bearing across any land). The diversion stays
    as ranked (it breaks ties)."""
    start = (candidate.lon, candidate.lat)
    end = (candidate.intercept_lon, candidate.intercept_lat)
    inner = list(route_fn(*start, *end))[1:-1]
    route = (start, *inner, end)
    course = initial_bearing_deg(*route[0], *route[1])
    change, _ = _course_terms(vessel, course, candidate.distance_nm, p)
    return dataclasses.replace(
        candidate,
        route=route,
        course_to_steer_deg=round(course, 1),
        course_change_deg=None if change is None else round(change, 1),
    )


def _with_rank(
    candidate: Candidate, rank: int, scored: Sequence[tuple[float, float, int, Candidate]]
) -> Candidate:
    reasons = list(candidate.reasons)
    if rank > 1:
        ahead = scored[rank - 2][3]
        if ahead.score == candidate.score:
            reasons.append(
                f"rank {rank}: same score as {ahead.mmsi}, more diversion or higher MMSI"
            )
        else:
            reasons.append(
                f"rank {rank}: score {candidate.score:.1f} vs {ahead.score:.1f} for {ahead.mmsi}"
            )
    else:
        reasons.append(f"rank 1: lowest score {candidate.score:.1f}")
    return dataclasses.replace(candidate, rank=rank, reasons=reasons)
