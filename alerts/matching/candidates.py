"""Candidate search for a case: KNN on vessel_latest, widening radius, over-water ranking.

SQL works in metres on geography (`<->` KNN with the GiST index, `ST_DWithin` for the radius);
the API speaks nautical miles. The radius starts at `radius_nm` and doubles while fewer than K
vessels qualify (fresh, positioned, not beacons), never beyond `max_radius_nm`.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession

from alerts.config import MatchSettings, get_alerts_settings
from alerts.matching import water
from alerts.matching.scoring import (
    CaseTarget,
    MatchParams,
    MatchResult,
    VesselState,
    rank_candidates,
    straight_route,
)
from sar_coord.cases import service as case_service
from sar_coord.core.ais import is_distress_device
from sar_coord.core.config import get_settings
from sar_coord.core.geo import METRES_PER_NM, haversine_m, valid_lon_lat
from sar_coord.core.time import utcnow
from sar_coord.vessels import service as vessels_service

if TYPE_CHECKING:
    from sar_coord.cases.models import DistressCase

DEFAULT_K = 10
DEFAULT_RADIUS_NM = 100.0
MAX_RADIUS_NM = 400.0
WIDEN_FACTOR = 2.0
FETCH_FACTOR = 2
FETCH_EXTRA = 10


@dataclass(frozen=True, slots=True)
class SearchParams:
    """How many candidates, and the search radius with its widening bounds (nm).

    Defaults are the code's; `SearchParams.from_settings()` applies the ALERTS_MATCH_ settings.
    """

    k: int = DEFAULT_K
    radius_nm: float = DEFAULT_RADIUS_NM
    max_radius_nm: float = MAX_RADIUS_NM
    widen_factor: float = WIDEN_FACTOR
    over_water: bool = True

    @classmethod
    def from_settings(
        cls,
        *,
        k: int | None = None,
        radius_nm: float | None = None,
        max_radius_nm: float | None = None,
    ) -> SearchParams:
        """Settings' defaults, overridden by the values given (nm)."""
        cfg = get_alerts_settings().match
        return cls(
            k=k or cfg.k,
            radius_nm=radius_nm or cfg.radius_nm,
            max_radius_nm=max_radius_nm or cfg.max_radius_nm,
            widen_factor=cfg.widen_factor,
        )


@dataclass(frozen=True, slots=True)
class CandidateSearch:
    """The result of a search: ranking, the radius actually used, and the target's datum."""

    case_id: int | None
    computed_at: datetime
    target: CaseTarget
    radius_nm: float
    radii_tried_nm: tuple[float, ...]
    result: MatchResult


def match_params(cfg: MatchSettings, default_stale_after_s: float) -> MatchParams:
    """The pure matching parameters the ALERTS_MATCH_ settings describe (stale after: seconds)."""
    return MatchParams(
        dead_reckoning_cap_s=cfg.dead_reckoning_cap_s,
        stale_after_s=cfg.stale_after_s or default_stale_after_s,
        speed_floor_kn=cfg.speed_floor_kn,
        default_speed_kn=cfg.default_speed_kn,
        get_under_way_min=cfg.get_under_way_min,
        mass_rescue_persons=cfg.mass_rescue_persons,
        capacity_short_min=cfg.capacity_short_min,
        high_freeboard_m=cfg.high_freeboard_m,
        high_freeboard_min=cfg.high_freeboard_min,
        medical_bonus_min=cfg.medical_bonus_min,
        rescue_boat_bonus_min=cfg.rescue_boat_bonus_min,
        sar_crew_bonus_min=cfg.sar_crew_bonus_min,
        rescue_class_bonus_min=cfg.rescue_class_bonus_min,
    )


def radius_steps(start_nm: float, max_nm: float, factor: float) -> list[float]:
    """Radii to try, in nm: start, start*factor, ... capped at max_nm (always ends at <= max)."""
    start = min(start_nm, max_nm)
    steps = [start]
    while steps[-1] < max_nm and factor > 1.0:
        steps.append(min(max_nm, steps[-1] * factor))
    return steps


async def knn_vessels(
    session: AsyncSession, *, lon: float, lat: float, radius_nm: float, limit: int
) -> list[VesselState]:
    """Up to `limit` vessels nearest (lon, lat) within radius_nm, nearest first."""
    rows = await vessels_service.nearest_latest(
        session, lon=lon, lat=lat, radius_m=radius_nm * METRES_PER_NM, limit=limit
    )
    # The vessels feature returns the columns in VesselState's field order.
    return [VesselState(*r) for r in rows]


def _qualifies(v: VesselState, target: CaseTarget, now: datetime, stale_after_s: float) -> bool:
    if v.lon is None or v.lat is None or not valid_lon_lat(v.lon, v.lat) or v.suspect:
        return False
    if is_distress_device(v.mmsi) or v.mmsi == target.source_mmsi:
        return False
    return (now - v.reported_at).total_seconds() <= stale_after_s


async def search_target(
    session: AsyncSession,
    target: CaseTarget,
    *,
    case_id: int | None = None,
    search: SearchParams | None = None,
    match: MatchParams | None = None,
    now: datetime | None = None,
) -> CandidateSearch:
    """Widen the KNN radius until K vessels qualify (or the max is reached), then rank them."""
    return await _widen_and_rank(session, target, case_id, search, match, now)


async def _widen_and_rank(
    session: AsyncSession,
    target: CaseTarget,
    case_id: int | None,
    search: SearchParams | None,
    match: MatchParams | None,
    now: datetime | None,
) -> CandidateSearch:
    sp = search or SearchParams.from_settings()
    mp = match or match_params(get_alerts_settings().match, float(get_settings().stale_after_s))
    at = now or utcnow()
    limit = fetch_limit(sp.k)
    tried: list[float] = []
    fleet: list[VesselState] = []
    for radius_nm in radius_steps(sp.radius_nm, sp.max_radius_nm, sp.widen_factor):
        tried.append(radius_nm)
        fleet = await knn_vessels(
            session, lon=target.lon, lat=target.lat, radius_nm=radius_nm, limit=limit
        )
        qualifying = [v for v in fleet if _qualifies(v, target, at, mp.stale_after_s)]
        if len(qualifying) >= sp.k:
            break
    distance_fn = water.water_distance_m if sp.over_water else haversine_m
    route_fn = water.water_path if sp.over_water else straight_route
    # Routing round an island can take tens of ms of CPU: keep the event loop responsive.
    result = await asyncio.to_thread(
        functools.partial(
            rank_candidates,
            fleet,
            target,
            at,
            params=mp,
            distance_fn=distance_fn,
            route_fn=route_fn,
            limit=sp.k,
        )
    )
    return CandidateSearch(case_id, at, target, tried[-1], tuple(tried), result)


def fetch_limit(k: int) -> int:
    """Rows fetched per KNN ring: room for stale and beacon rows beside the K wanted."""
    return k * FETCH_FACTOR + FETCH_EXTRA


async def search_case(
    session: AsyncSession,
    case_id: int,
    *,
    search: SearchParams | None = None,
    match: MatchParams | None = None,
    now: datetime | None = None,
) -> CandidateSearch:
    """Search candidates for a case (CaseNotFound when missing): the case from the cases
    feature, then KNN rings from the vessels feature, widening as needed."""
    case, lon, lat = await case_service.get_case(session, case_id)
    return await search_target(
        session, target_of(case, lon, lat), case_id=case_id, search=search, match=match, now=now
    )


def target_of(case: DistressCase, lon: float, lat: float) -> CaseTarget:
    """The matching target of a case at datum (lon, lat): drift or leeway, people's needs."""
    return CaseTarget(
        lon=lon,
        lat=lat,
        datum_at=case.datum_at,
        drift=case_service.case_drift(case),
        persons_on_board=case.persons_on_board,
        medical_emergencies=case.medical_emergencies,
        people_in_water=case.people_in_water,
        source_mmsi=case.source_mmsi,
    )


async def raw_knn(
    session: AsyncSession, *, lon: float, lat: float, radius_nm: float, k: int
) -> Sequence[int]:
    """The bare PostGIS KNN (benchmark baseline): MMSIs of the K nearest within radius_nm."""
    return await vessels_service.nearest_mmsis(
        session, lon=lon, lat=lat, radius_m=radius_nm * METRES_PER_NM, limit=k
    )
