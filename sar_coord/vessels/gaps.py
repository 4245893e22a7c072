"""AIS gaps near a place and time: vessels that went silent, told apart from receiver outages.

A gap is two consecutive stored positions of one MMSI further apart in time than both a floor
(default 30 min) and `rate_factor` times the vessel's own median reporting interval in the
window (a Class B at anchor reporting every 3 min is not silent after 10). A gap in the middle half
of which fewer than `outage_share` of the other vessels reporting around it (in a span as long
before it) were heard is a receiver outage, not a vessel going silent: the middle half, because
each vessel's silence overruns a shared outage by up to its own reporting interval.
Times UTC (received_at), distances metres in SQL.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from sar_coord.core.geo import METRES_PER_NM

OUTAGE_SHARE = 0.1

_GAPS_SQL = text(
    """
    WITH near AS (
        SELECT DISTINCT mmsi FROM vessel_position
        WHERE received_at BETWEEN :since AND :until
          AND position::geometry && ST_MakeEnvelope(:w, :s, :e, :n, 4326)
          AND ST_DWithin(position, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)::geography, :r)
    ), seq AS (
        SELECT p.mmsi, p.received_at, p.position,
               lead(p.received_at) OVER w AS next_at,
               lead(p.position) OVER w AS next_pos
        FROM vessel_position p JOIN near USING (mmsi)
        WHERE p.received_at BETWEEN :since AND :until
        WINDOW w AS (PARTITION BY p.mmsi ORDER BY p.received_at)
    ), rate AS (
        SELECT mmsi,
               percentile_cont(0.5) WITHIN GROUP (
                   ORDER BY extract(epoch FROM next_at - received_at)) AS median_s
        FROM seq WHERE next_at IS NOT NULL GROUP BY mmsi
    ), tail AS (
        SELECT s.mmsi, s.received_at, s.position,
               (SELECT min(q.received_at) FROM vessel_position q
                WHERE q.mmsi = s.mmsi AND q.received_at > s.received_at) AS next_at
        FROM seq s WHERE s.next_at IS NULL
    ), candidates AS (
        SELECT mmsi, received_at, position, next_at FROM seq WHERE next_at IS NOT NULL
        UNION ALL
        SELECT mmsi, received_at, position, next_at FROM tail
    )
    SELECT c.mmsi, c.received_at AS last_seen_at, c.next_at AS next_seen_at,
           ST_X(c.position::geometry) AS lon, ST_Y(c.position::geometry) AS lat,
           coalesce(r.median_s, 0) AS median_interval_s
    FROM candidates c LEFT JOIN rate r USING (mmsi)
    WHERE extract(epoch FROM coalesce(c.next_at, :now) - c.received_at)
          > greatest(:min_gap_s, :factor * coalesce(r.median_s, 0))
    ORDER BY c.received_at, c.mmsi
    """
)

_HEARD_SQL = text(
    """
    SELECT
      (SELECT count(DISTINCT mmsi) FROM vessel_position
        WHERE received_at > :a AND received_at < :b AND mmsi <> :m
          AND position::geometry && ST_MakeEnvelope(:w, :s, :e, :n, 4326)
          AND ST_DWithin(position, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)::geography, :r))
        AS heard,
      (SELECT count(DISTINCT mmsi) FROM vessel_position
        WHERE received_at BETWEEN :a - (:b - :a) AND :a AND mmsi <> :m
          AND position::geometry && ST_MakeEnvelope(:w, :s, :e, :n, 4326)
          AND ST_DWithin(position, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)::geography, :r))
        AS before
    """
)


@dataclass(frozen=True, slots=True)
class Gap:
    """One silence of one MMSI: last report (time, lon/lat), next report (None while silent)."""

    mmsi: int
    last_seen_at: datetime
    next_seen_at: datetime | None
    lon: float
    lat: float
    median_interval_s: float
    others_heard: int
    others_before: int

    @property
    def receiver_outage(self) -> bool:
        """True when the others reporting around it before the gap went quiet too."""
        return self.others_before > 0 and self.others_heard < OUTAGE_SHARE * self.others_before


def _envelope(lon: float, lat: float, radius_m: float) -> dict[str, float]:
    """A lon/lat box holding the circle: a cheap index-free prefilter before ST_DWithin."""
    dlat = radius_m / METRES_PER_NM / 60.0 * 1.01
    dlon = dlat / max(0.01, math.cos(math.radians(min(89.0, abs(lat) + dlat))))
    return {"w": lon - dlon, "s": lat - dlat, "e": lon + dlon, "n": lat + dlat}


async def find_gaps(
    session: AsyncSession,
    *,
    lon: float,
    lat: float,
    radius_m: float,
    since: datetime,
    until: datetime,
    now: datetime,
    min_gap_s: float,
    rate_factor: float,
) -> list[Gap]:
    """Silences of vessels heard within radius_m of (lon, lat) between since and until (UTC)."""
    params = {
        "lon": lon,
        "lat": lat,
        "r": radius_m,
        "since": since,
        "until": until,
        "now": now,
        "min_gap_s": min_gap_s,
        "factor": rate_factor,
        **_envelope(lon, lat, radius_m),
    }
    rows = (await session.execute(_GAPS_SQL, params)).all()
    gaps = []
    for row in rows:
        end = row.next_seen_at or now
        quarter = (end - row.last_seen_at) / 4
        heard = (
            await session.execute(
                _HEARD_SQL,
                {
                    "a": row.last_seen_at + quarter,
                    "b": end - quarter,
                    "m": row.mmsi,
                    "lon": lon,
                    "lat": lat,
                    "r": radius_m,
                    **_envelope(lon, lat, radius_m),
                },
            )
        ).one()
        gaps.append(
            Gap(
                mmsi=int(row.mmsi),
                last_seen_at=row.last_seen_at,
                next_seen_at=row.next_seen_at,
                lon=float(row.lon),
                lat=float(row.lat),
                median_interval_s=float(row.median_interval_s),
                others_heard=int(heard.heard),
                others_before=int(heard.before),
            )
        )
    return gaps
