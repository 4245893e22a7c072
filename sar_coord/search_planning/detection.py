"""Detection: sweep widths (IAMSAR Vol. II, merchant vessels), corrections, coverage and POD.

Uncorrected sweep widths in NM for a merchant vessel searching visually, by target and
meteorological visibility (3, 5, 10, 15, 20 NM), as tabulated in IAMSAR Vol. II appendix N.
Migrant boats map to the boat rows: an overloaded rubber boat of 10-12 m has no superstructure
and sits low, so it is searched for as a boat of about 7 m; a wooden boat of 6-10 m likewise.
Other search facilities (small craft, aircraft) have other tables: give their sweep width.
"""

from __future__ import annotations

import math
from bisect import bisect_left

VISIBILITY_NM = (3.0, 5.0, 10.0, 15.0, 20.0)
MERCHANT_SWEEP_WIDTH_NM: dict[str, tuple[float, ...]] = {
    "person_in_water": (0.4, 0.5, 0.6, 0.7, 0.7),
    "raft_4_person": (2.3, 3.2, 4.2, 4.9, 5.5),
    "boat_under_5m": (1.1, 1.4, 1.9, 2.1, 2.3),
    "boat_7m": (2.0, 2.9, 4.3, 5.2, 5.8),
    "boat_12m": (2.8, 4.5, 7.6, 9.4, 11.6),
    "boat_24m": (3.2, 5.6, 10.7, 14.7, 18.1),
}
TARGET_ALIASES = {"rubber_boat": "boat_7m", "wooden_boat_6_10m": "boat_7m"}
TARGETS = tuple(sorted(set(MERCHANT_SWEEP_WIDTH_NM) | set(TARGET_ALIASES)))
FATIGUE_FACTOR = 0.9


class UnknownTarget(ValueError):
    """A target with no sweep-width row."""


def uncorrected_sweep_width_nm(target: str, visibility_nm: float) -> float:
    """Table value for a merchant vessel, interpolated linearly in visibility (clamped 3-20 NM)."""
    row = MERCHANT_SWEEP_WIDTH_NM.get(TARGET_ALIASES.get(target, target))
    if row is None:
        raise UnknownTarget(f"no sweep width for target {target!r}; known: {', '.join(TARGETS)}")
    vis = min(max(visibility_nm, VISIBILITY_NM[0]), VISIBILITY_NM[-1])
    i = bisect_left(VISIBILITY_NM, vis)
    if VISIBILITY_NM[i] == vis:
        return row[i]
    x0, x1, y0, y1 = VISIBILITY_NM[i - 1], VISIBILITY_NM[i], row[i - 1], row[i]
    return y0 + (y1 - y0) * (vis - x0) / (x1 - x0)


def weather_factor(target: str, wind_kn: float | None, sea_m: float | None) -> float:
    """IAMSAR weather correction: winds over 15 kn or seas over 1 m reduce detection."""
    wind = wind_kn or 0.0
    sea = sea_m or 0.0
    person = TARGET_ALIASES.get(target, target) == "person_in_water"
    if wind > 25.0 or sea > 1.5:
        return 0.25 if person else 0.9
    if wind > 15.0 or sea > 1.0:
        return 0.5 if person else 0.9
    return 1.0


def corrected_sweep_width_nm(
    target: str,
    visibility_nm: float,
    *,
    wind_kn: float | None = None,
    sea_m: float | None = None,
    fatigue: bool = False,
) -> float:
    """W = uncorrected W x weather factor x fatigue factor (velocity factor is for aircraft)."""
    width = uncorrected_sweep_width_nm(target, visibility_nm)
    width *= weather_factor(target, wind_kn, sea_m)
    return width * (FATIGUE_FACTOR if fatigue else 1.0)


def coverage_factor(sweep_width_nm: float, track_spacing_nm: float) -> float:
    """C = W / S."""
    return sweep_width_nm / track_spacing_nm


def pod_exponential(coverage: float) -> float:
    """POD under normal search conditions (random search, exponential law): 1 - exp(-C)."""
    return 1.0 - math.exp(-max(0.0, coverage))


def pod_inverse_cube(coverage: float) -> float:
    """POD under ideal conditions (Koopman's inverse-cube law): erf(sqrt(pi)/2 * C)."""
    return math.erf(math.sqrt(math.pi) / 2.0 * max(0.0, coverage))
