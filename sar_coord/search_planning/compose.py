"""Compose a search plan from the case's datum and the coordinator's choices; pure, no I/O."""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Any

from sar_coord.core.landmask import is_water
from sar_coord.core.notation import fmt_position
from sar_coord.search_planning import area, detection, patterns
from sar_coord.search_planning.schemas import SearchPlanCreate

METHOD = (
    "E = sqrt(X^2+Y^2+De^2), De = 0.3 x drift distance; R maximises POC x POD for the effort "
    "Z = speed x hours x W (target circular normal, E its 50 % radius); POD = 1 - exp(-C)"
)
LAND_SAMPLE_NM = 0.25  # legs are checked against the land mask every quarter mile


@dataclass(frozen=True, slots=True)
class Datum:
    """The drifted datum now: position, initial position error, distance and direction drifted."""

    lon: float
    lat: float
    initial_error_nm: float
    drift_distance_nm: float
    drift_toward_deg: float
    wind_kn: float | None


def _waypoints(points: list[tuple[float, float]]) -> list[dict[str, Any]]:
    return [
        {"lat": round(lat, 6), "lon": round(lon, 6), "position": fmt_position(lat, lon)}
        for lon, lat in points
    ]


def legs_over_land(points: list[tuple[float, float]]) -> int:
    """How many legs touch land on the land mask (sampled every LAND_SAMPLE_NM)."""
    count = 0
    for (lon1, lat1), (lon2, lat2) in itertools.pairwise(points):
        e, n = patterns.local(lon1, lat1, lon2, lat2)
        steps = max(1, math.ceil(math.hypot(e, n) / LAND_SAMPLE_NM))
        for i in range(steps + 1):
            lon, lat = patterns.offset(lon1, lat1, e * i / steps, n * i / steps)
            if not is_water(lon, lat):
                count += 1
                break
    return count


def _pattern_points(
    req: SearchPlanCreate, rect: patterns.Rect, spacing_nm: float, datum: Datum, radius_nm: float
) -> list[tuple[float, float]]:
    course = req.first_course_deg if req.first_course_deg is not None else datum.drift_toward_deg
    if req.pattern == "SS":
        return patterns.expanding_square(rect.lon, rect.lat, spacing_nm, radius_nm, course)
    if req.pattern == "VS":
        return patterns.sector(
            rect.lon, rect.lat, req.sector_radius_nm or min(radius_nm, 5.0), course
        )
    if req.pattern == "TS":
        assert req.track_to_lon is not None and req.track_to_lat is not None
        return patterns.track_line(
            (datum.lon, datum.lat), (req.track_to_lon, req.track_to_lat), spacing_nm
        )
    if req.pattern == "PS":
        return patterns.parallel_track(rect, spacing_nm)
    return patterns.creeping_line(rect, spacing_nm)


def compose(req: SearchPlanCreate, datum: Datum) -> dict[str, Any]:
    """The plan as JSON: errors, optimal area, sweep width, spacing, POD/POS and sub-areas."""
    de = area.drift_error_nm(datum.drift_distance_nm)
    y = area.FIX_ERROR_NM[req.facility_fix]
    e = area.total_probable_error_nm(datum.initial_error_nm, y, de)
    wind = req.wind_kn if req.wind_kn is not None else datum.wind_kn
    if req.sweep_width_nm is not None:
        width = req.sweep_width_nm
        width_source = "given"
    else:
        width = detection.corrected_sweep_width_nm(
            req.target, req.visibility_nm, wind_kn=wind, sea_m=req.sea_m, fatigue=req.fatigue
        )
        width_source = "IAMSAR merchant-vessel table, corrected"
    optimum = area.optimal_area(
        e, sweep_width_nm=width, speed_kn=req.speed_kn, hours=req.hours * req.sub_areas
    )
    spacing = optimum.track_spacing_nm
    radius = optimum.radius_nm
    whole = patterns.Rect(datum.lon, datum.lat, radius, radius, datum.drift_toward_deg % 180.0)
    assigned = {a.sub_area: a for a in req.assignments}
    subs = []
    for i, rect in enumerate(patterns.split(whole, req.sub_areas), start=1):
        pts = _pattern_points(req, rect, spacing, datum, radius)
        length = patterns.track_length_nm(pts)
        who = assigned.get(i)
        subs.append(
            {
                "sub_area": i,
                "polygon": {"type": "Polygon", "coordinates": [patterns.corners(rect)]},
                "csp": _waypoints(pts[:1])[0],
                "waypoints": _waypoints(pts),
                "track_length_nm": round(length, 2),
                "hours_at_speed": round(length / req.speed_kn, 2),
                "legs_over_land": legs_over_land(pts),
                "mmsi": who.mmsi if who else None,
                "unit": who.unit if who else None,
            }
        )
    return {
        "datum": {
            "lat": datum.lat,
            "lon": datum.lon,
            "position": fmt_position(datum.lat, datum.lon),
        },
        "errors_nm": {
            "initial_position_x": datum.initial_error_nm,
            "facility_navigation_y": y,
            "drift_de": round(de, 3),
            "total_probable_e": round(e, 3),
        },
        "drift_distance_nm": round(datum.drift_distance_nm, 3),
        "sweep_width_nm": round(width, 3),
        "sweep_width_source": width_source,
        "track_spacing_nm": round(spacing, 3),
        "area": {
            "radius_nm": round(radius, 3),
            "side_nm": round(2 * radius, 3),
            "area_nm2": round(optimum.area_nm2, 2),
            "optimal_search_factor": round(optimum.optimal_search_factor, 3),
            "polygon": {"type": "Polygon", "coordinates": [patterns.corners(whole)]},
        },
        "effort_nm2": round(optimum.effort_nm2, 2),
        "coverage": round(optimum.coverage, 3),
        "pod": round(optimum.pod, 3),
        "pod_ideal_conditions": round(optimum.pod_ideal, 3),
        "poc": round(optimum.poc, 3),
        "pos": round(optimum.pos, 3),
        "sub_areas": subs,
        "method": METHOD,
    }
