"""Silent ships near a case: AIS gaps of vessels around the datum and its time (NM, UTC)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from sar_coord.cases import service as case_service
from sar_coord.core.geo import METRES_PER_NM, haversine_m
from sar_coord.core.time import utcnow
from sar_coord.vessels import service as vessel_service
from sar_coord.vessels.gaps import find_gaps


async def case_gaps(
    session: AsyncSession,
    *,
    case_id: int,
    radius_nm: float,
    min_gap_min: float,
    hours_before: float,
    hours_after: float,
    rate_factor: float,
    now: datetime | None = None,
) -> list[dict[str, Any]]:
    """Vessels within radius_nm of the case around its time that went silent, newest last."""
    now = now or utcnow()
    case, lon, lat = await case_service.get_case(session, case_id)
    since = case.datum_at - timedelta(hours=hours_before)
    until = min(now, case.datum_at + timedelta(hours=hours_after))
    gaps = await find_gaps(
        session,
        lon=lon,
        lat=lat,
        radius_m=radius_nm * METRES_PER_NM,
        since=since,
        until=until,
        now=now,
        min_gap_s=min_gap_min * 60.0,
        rate_factor=rate_factor,
    )
    names = await vessel_service.names_of(session, sorted({g.mmsi for g in gaps}))
    out = []
    for g in gaps:
        datum = case_service.predicted_datum(case, lon, lat, max(g.last_seen_at, case.datum_at))
        end = g.next_seen_at or now
        distance_nm = haversine_m(g.lon, g.lat, datum.lon, datum.lat) / METRES_PER_NM
        out.append(
            {
                "mmsi": g.mmsi,
                "name": names.get(g.mmsi),
                "last_seen_at": g.last_seen_at,
                "next_seen_at": g.next_seen_at,
                "gap_min": round((end - g.last_seen_at).total_seconds() / 60.0, 1),
                "still_silent": g.next_seen_at is None,
                "distance_nm": round(distance_nm, 2),
                "last_lat": g.lat,
                "last_lon": g.lon,
                "usual_interval_s": round(g.median_interval_s, 1),
                "others_heard_during": g.others_heard,
                "others_heard_before": g.others_before,
                "cause": "receiver_outage" if g.receiver_outage else "vessel_silent",
            }
        )
    return out
