"""Drift of a distress target (WGS 84, knots, degrees true) and intercept by a vessel; pure."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from sar_coord.core.geo import MS_PER_KN, destination, haversine_m, initial_bearing_deg

# Leeway as a fraction of the 10 m wind speed, downwind, per boat type. Rough central values of
# the IAMSAR / Allen & Plourde leeway tables (open boats and rafts drift at about 3-4 % of the
# wind); used only when no drift is reported.
LEEWAY_FACTOR = {
    "rubber": 0.040,
    "wooden": 0.030,
    "fishing": 0.030,
    "sailing": 0.040,
    "other": 0.035,
}
DEFAULT_LEEWAY_FACTOR = 0.035


@dataclass(frozen=True, slots=True)
class Drift:
    """Target drift: speed in knots toward a bearing in degrees true; `source` says where from."""

    speed_kn: float
    toward_deg: float
    source: str  # "reported", "leeway" or "none"


def estimate_drift(
    *,
    drift_speed_kn: float | None,
    drift_toward_deg: float | None,
    wind_speed_kn: float | None,
    wind_from_deg: float | None,
    boat_type: str | None,
) -> Drift:
    """Reported drift when given, else leeway (a fraction of the wind, downwind), else none."""
    if drift_speed_kn is not None and drift_toward_deg is not None:
        return Drift(max(0.0, drift_speed_kn), drift_toward_deg % 360.0, "reported")
    if wind_speed_kn is not None and wind_from_deg is not None:
        factor = LEEWAY_FACTOR.get(boat_type or "", DEFAULT_LEEWAY_FACTOR)
        return Drift(factor * max(0.0, wind_speed_kn), (wind_from_deg + 180.0) % 360.0, "leeway")
    return Drift(0.0, 0.0, "none")


def drifted_position(lon: float, lat: float, drift: Drift, elapsed_s: float) -> tuple[float, float]:
    """Where a target at (lon, lat) is after drifting elapsed_s seconds (negative: clamp to 0)."""
    distance_m = drift.speed_kn * MS_PER_KN * max(0.0, elapsed_s)
    if distance_m <= 0.0:
        return lon, lat
    return destination(lon, lat, drift.toward_deg, distance_m)


def predicted_datum(
    lon: float, lat: float, datum_at: datetime, drift: Drift, at: datetime
) -> tuple[float, float]:
    """Predicted (lon, lat) of the target at time `at` (UTC) from its datum and drift."""
    return drifted_position(lon, lat, drift, (at - datum_at).total_seconds())


def intercept_time_s(
    vessel_lon: float,
    vessel_lat: float,
    speed_kn: float,
    target_lon: float,
    target_lat: float,
    drift: Drift,
) -> float:
    """Seconds for a vessel at speed_kn to meet a target drifting from (target_lon, target_lat).

    Local flat-earth solution of |T0 + w t - P| = v t (fine within a few hundred nm); when the
    target outruns the vessel the straight-line time to the current position is returned.
    """
    v = speed_kn * MS_PER_KN
    d0 = haversine_m(vessel_lon, vessel_lat, target_lon, target_lat)
    if d0 == 0.0 or drift.speed_kn <= 0.0:
        return d0 / v if v > 0 else math.inf
    bearing = math.radians(initial_bearing_deg(vessel_lon, vessel_lat, target_lon, target_lat))
    rx, ry = d0 * math.sin(bearing), d0 * math.cos(bearing)
    w = drift.speed_kn * MS_PER_KN
    wx, wy = (
        w * math.sin(math.radians(drift.toward_deg)),
        w * math.cos(math.radians(drift.toward_deg)),
    )
    # (w.w - v^2) t^2 + 2 (r.w) t + r.r = 0
    a = wx * wx + wy * wy - v * v
    b = 2.0 * (rx * wx + ry * wy)
    c = rx * rx + ry * ry
    if abs(a) < 1e-12:
        return -c / b if b < 0 else math.inf
    disc = b * b - 4.0 * a * c
    if disc < 0:
        return math.inf
    roots = [(-b - math.sqrt(disc)) / (2 * a), (-b + math.sqrt(disc)) / (2 * a)]
    positive = [t for t in roots if t > 0]
    return min(positive) if positive else math.inf
