"""Search area from a point datum (IAMSAR Vol. II): total probable error, optimal radius; NM.

E = sqrt(X^2 + Y^2 + De^2) with X the initial position error, Y the search facility's navigation
error and De the drift error. The target's position is taken as circular normal around the datum
with E its probable-error (50 %) radius, so sigma = E / 1.1774. The search radius R = fs * E is the
one that maximises the probability of success POS = POC(R) * POD(C) for the available effort
Z = speed * hours * W spread evenly over the 2R x 2R square (Koopman's search theory, the basis of
IAMSAR's optimal-search-factor curves); fs is reported beside R.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sar_coord.search_planning.detection import pod_exponential, pod_inverse_cube

# Radius holding 50 % of a circular normal distribution, in standard deviations: sqrt(2 ln 2).
PROBABLE_ERROR_SIGMAS = math.sqrt(2.0 * math.log(2.0))
# Drift error as a fraction of the distance drifted when no better estimate exists.
DRIFT_ERROR_FRACTION = 0.3
# Navigation fix errors in NM by fix type (IAMSAR Vol. II, navigational fix error table).
FIX_ERROR_NM = {"gnss": 0.1, "radar": 1.0, "visual": 1.0, "celestial": 2.0, "dead_reckoning": 5.0}


def drift_error_nm(drift_distance_nm: float, fraction: float = DRIFT_ERROR_FRACTION) -> float:
    """Drift error De in NM: a fraction of the total distance drifted since the datum time."""
    return max(0.0, drift_distance_nm) * fraction


def total_probable_error_nm(
    initial_error_nm: float, facility_error_nm: float, drift_error_nm: float
) -> float:
    """E = sqrt(X^2 + Y^2 + De^2), NM."""
    return math.sqrt(initial_error_nm**2 + facility_error_nm**2 + drift_error_nm**2)


def poc_square(half_side_nm: float, probable_error_nm: float) -> float:
    """Probability that the target lies in the 2R x 2R square centred on the datum."""
    if probable_error_nm <= 0.0:
        return 1.0
    sigma = probable_error_nm / PROBABLE_ERROR_SIGMAS
    return math.erf(half_side_nm / (sigma * math.sqrt(2.0))) ** 2


@dataclass(frozen=True, slots=True)
class AreaPlan:
    """The optimal square search area for a point datum and its expected results."""

    probable_error_nm: float
    radius_nm: float
    optimal_search_factor: float
    area_nm2: float
    effort_nm2: float
    coverage: float
    track_spacing_nm: float
    poc: float
    pod: float
    pod_ideal: float
    pos: float


def _pos(radius_nm: float, e_nm: float, effort_nm2: float) -> float:
    coverage = effort_nm2 / (4.0 * radius_nm * radius_nm)
    return poc_square(radius_nm, e_nm) * pod_exponential(coverage)


def optimal_area(
    probable_error_nm: float, *, sweep_width_nm: float, speed_kn: float, hours: float
) -> AreaPlan:
    """The radius maximising POS for effort Z = speed * hours * W (NM^2); golden-section search."""
    e_nm = max(probable_error_nm, 0.01)
    effort = max(speed_kn * hours * sweep_width_nm, 1e-6)
    lo, hi = 0.05 * e_nm, 20.0 * e_nm
    ratio = (math.sqrt(5.0) - 1.0) / 2.0
    for _ in range(80):
        a = hi - ratio * (hi - lo)
        b = lo + ratio * (hi - lo)
        if _pos(a, e_nm, effort) < _pos(b, e_nm, effort):
            lo = a
        else:
            hi = b
    radius = (lo + hi) / 2.0
    area = 4.0 * radius * radius
    coverage = effort / area
    poc = poc_square(radius, e_nm)
    pod = pod_exponential(coverage)
    return AreaPlan(
        probable_error_nm=probable_error_nm,
        radius_nm=radius,
        optimal_search_factor=radius / e_nm,
        area_nm2=area,
        effort_nm2=effort,
        coverage=coverage,
        track_spacing_nm=sweep_width_nm / coverage,
        poc=poc,
        pod=pod,
        pod_ideal=pod_inverse_cube(coverage),
        pos=poc * pod,
    )
