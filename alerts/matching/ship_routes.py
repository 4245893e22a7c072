"""Each alerted ship's own route to the case: course to steer and distance over water.

The same ranking as the SURPIC (dead reckoning, drift intercept, over-water route), so the course
and distance a ship is told are the ones the RCC sees. WGS 84 lon/lat, nm, kn, degrees true, UTC.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncSession

from alerts.config import get_alerts_settings
from alerts.matching import water
from alerts.matching.candidates import match_params, target_of
from alerts.matching.scoring import CaseTarget, VesselState, rank_candidates
from sar_coord.cases import service as case_service
from sar_coord.core.config import get_settings
from sar_coord.vessels import service as vessel_service

if TYPE_CHECKING:
    from sar_coord.cases.models import DistressCase

ROUTED_SHIPS_MAX = 200
"""Routes are computed for at most this many recipients of one alert (the nearest)."""


def ship_routes(
    vessels: Iterable[VesselState], target: CaseTarget, now: datetime
) -> dict[int, dict[str, Any]]:
    """MMSI -> {course_to_steer_deg, distance_nm, coordinates} for the vessels that rank
    (stale, beacon or unpositioned vessels get none)."""
    params = match_params(get_alerts_settings().match, float(get_settings().stale_after_s))
    result = rank_candidates(
        vessels,
        target,
        now,
        params=params,
        distance_fn=water.water_distance_m,
        route_fn=water.water_path,
    )
    return {
        c.mmsi: {
            "course_to_steer_deg": c.course_to_steer_deg,
            "distance_nm": round(c.distance_nm, 1),
            "coordinates": [[round(lon, 5), round(lat, 5)] for lon, lat in c.route],
        }
        for c in result.candidates
    }


async def ship_routes_async(
    vessels: list[VesselState], target: CaseTarget, now: datetime
) -> dict[int, dict[str, Any]]:
    """ship_routes in a worker thread (routing round land takes milliseconds of CPU each)."""
    return await asyncio.to_thread(functools.partial(ship_routes, vessels, target, now))


async def routes_for_alert(
    session: AsyncSession, case: DistressCase, mmsis: list[int], now: datetime
) -> dict[int, dict[str, Any]]:
    """MMSI -> {"route": ...} for the first ROUTED_SHIPS_MAX of `mmsis` (nearest first), from
    their latest reports; wired into the alert lifecycle by the composition root."""
    rows = await vessel_service.latest_reports(session, mmsis=mmsis[:ROUTED_SHIPS_MAX])
    if not rows:
        return {}
    _case, lon, lat = await case_service.get_case(session, case.id)
    states = [
        VesselState(
            mmsi=int(r.mmsi), lon=r.lon, lat=r.lat, reported_at=r.reported_at, sog_kn=r.sog_kn,
            cog_deg=r.cog_deg, nav_status=r.nav_status,
        )
        for r in rows
    ]  # fmt: skip
    routes = await ship_routes_async(states, target_of(case, lon, lat), now)
    return {m: {"route": route} for m, route in routes.items()}
