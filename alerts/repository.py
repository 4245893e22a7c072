"""SQL of the alerts feature: recipient resolution, per-ship sequence allocation, delivery reads."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg
from sqlalchemy import bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.types import BigInteger, Float

from sar_coord.core.geo import METRES_PER_NM

_PER_NM = bindparam("metres_per_nm", METRES_PER_NM, type_=Float)
"""Distances in SQL are metres; this turns them into nautical miles at the API."""

_RESOLVE_AREA = text(
    """
    WITH c AS (SELECT id, datum, source_mmsi FROM distress_case WHERE id = :case_id),
    near AS (
        SELECT vl.mmsi, ST_Distance(vl.position, c.datum) / :metres_per_nm AS distance_nm
        FROM vessel_latest vl, c
        WHERE ST_DWithin(vl.position, c.datum, :radius_m)
    ),
    everyone AS (
        SELECT v.mmsi FROM vessel v WHERE v.registered AND v.receive_all_alerts
    ),
    cand AS (
        SELECT mmsi, min(distance_nm) AS distance_nm FROM (
            SELECT mmsi, distance_nm FROM near
            UNION ALL
            SELECT e.mmsi, ST_Distance(vl.position, c.datum) / :metres_per_nm
            FROM everyone e CROSS JOIN c LEFT JOIN vessel_latest vl ON vl.mmsi = e.mmsi
        ) u GROUP BY mmsi
    )
    SELECT cand.mmsi, cand.distance_nm
    FROM cand, c
    WHERE c.source_mmsi IS NULL OR cand.mmsi <> c.source_mmsi
    ORDER BY cand.mmsi
    """
).bindparams(_PER_NM)

_DISTANCES = text(
    """
    SELECT m.mmsi, ST_Distance(vl.position, c.datum) / :metres_per_nm AS distance_nm
    FROM unnest(:mmsis) AS m(mmsi)
    CROSS JOIN (SELECT datum FROM distress_case WHERE id = :case_id) c
    LEFT JOIN vessel_latest vl ON vl.mmsi = m.mmsi
    """
).bindparams(bindparam("mmsis", type_=ARRAY(BigInteger)), _PER_NM)

_STANDING = text(
    """
    SELECT m.mmsi,
           coalesce(v.registered, false) AS registered,
           EXISTS (SELECT 1 FROM user_vessel uv WHERE uv.mmsi = m.mmsi) AS has_account,
           coalesce(sc.last_seen_at >= :seen_after
                    AND (sc.disconnected_at IS NULL OR sc.disconnected_at < sc.last_seen_at),
                    false) AS connected
    FROM unnest(:mmsis) AS m(mmsi)
    LEFT JOIN vessel v ON v.mmsi = m.mmsi
    LEFT JOIN ship_cursor sc ON sc.mmsi = m.mmsi
    """
).bindparams(bindparam("mmsis", type_=ARRAY(BigInteger)))

# Locking each ship's counter row (sorted, so concurrent broadcasts never deadlock) until commit
# makes sequence numbers follow commit order: no reader ever sees seq n+1 before seq n.
_DELIVER = text(
    """
    WITH s AS (
        INSERT INTO ship_sequence AS q (mmsi, last_seq)
        SELECT m, 1 FROM unnest(:mmsis) AS m ORDER BY m
        ON CONFLICT (mmsi) DO UPDATE SET last_seq = q.last_seq + 1
        RETURNING q.mmsi, q.last_seq
    )
    INSERT INTO ship_delivery (mmsi, seq, alert_id, kind, payload, committed_at)
    SELECT s.mmsi, s.last_seq, :alert_id, :kind, CAST(:payload AS jsonb), :now FROM s
    RETURNING mmsi, seq
    """
).bindparams(bindparam("mmsis", type_=ARRAY(BigInteger)))

# One round of the hub: for each (socket, mmsi, cursor) the next deliveries above the cursor.
_PENDING = text(
    """
    SELECT c.i, d.seq, d.kind, d.payload::text AS payload, d.committed_at
    FROM unnest(:ids, :mmsis, :cursors, :lims) AS c(i, mmsi, cur, lim)
    CROSS JOIN LATERAL (
        SELECT seq, kind, payload, committed_at FROM ship_delivery
        WHERE mmsi = c.mmsi AND seq > c.cur ORDER BY seq LIMIT c.lim
    ) d
    ORDER BY c.i, d.seq
    """
).bindparams(
    bindparam("ids", type_=ARRAY(BigInteger)),
    bindparam("mmsis", type_=ARRAY(BigInteger)),
    bindparam("cursors", type_=ARRAY(BigInteger)),
    bindparam("lims", type_=ARRAY(BigInteger)),
)


@dataclass(frozen=True, slots=True)
class Standing:
    """What the system knows about a candidate recipient at send time."""

    mmsi: int
    registered: bool
    has_account: bool
    connected: bool
    distance_nm: float | None


async def area_candidates(
    session: AsyncSession, *, case_id: int, radius_nm: float
) -> dict[int, float | None]:
    """MMSI -> distance (nm) of vessels within `radius_nm` of the datum, plus all-alert partners."""
    rows = await session.execute(
        _RESOLVE_AREA, {"case_id": case_id, "radius_m": radius_nm * METRES_PER_NM}
    )
    return {int(r.mmsi): r.distance_nm for r in rows}


async def distances(session: AsyncSession, *, case_id: int, mmsis: list[int]) -> dict[int, Any]:
    """MMSI -> distance (nm) from the datum (None without a known position)."""
    rows = await session.execute(_DISTANCES, {"case_id": case_id, "mmsis": mmsis})
    return {int(r.mmsi): r.distance_nm for r in rows}


async def standings(
    session: AsyncSession, *, mmsis: dict[int, float | None], seen_after: datetime
) -> list[Standing]:
    """Registration, ship account and presence of each candidate MMSI."""
    if not mmsis:
        return []
    rows = await session.execute(_STANDING, {"mmsis": sorted(mmsis), "seen_after": seen_after})
    return [
        Standing(int(r.mmsi), r.registered, r.has_account, r.connected, mmsis[int(r.mmsi)])
        for r in rows
    ]


async def insert_deliveries(
    session: AsyncSession,
    *,
    alert_id: int,
    kind: str,
    mmsis: list[int],
    payload: dict[str, Any],
    now: datetime,
) -> dict[int, int]:
    """Give each ship its next sequence number and a delivery row; returns MMSI -> seq."""
    if not mmsis:
        return {}
    rows = await session.execute(
        _DELIVER,
        {
            "mmsis": sorted(set(mmsis)),
            "alert_id": alert_id,
            "kind": kind,
            "payload": json.dumps(payload, separators=(",", ":"), default=str),
            "now": now,
        },
    )
    return {int(r.mmsi): int(r.seq) for r in rows}


# The hub's hot read on its own asyncpg connection (prepared once, no pool checkout per round).
PENDING_SQL = """
    SELECT c.i, d.seq, d.kind, d.payload::text AS payload, d.committed_at
    FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[]) AS c(i, mmsi, cur, lim)
    CROSS JOIN LATERAL (
        SELECT seq, kind, payload, committed_at FROM ship_delivery
        WHERE mmsi = c.mmsi AND seq > c.cur ORDER BY seq LIMIT c.lim
    ) d
    ORDER BY c.i, d.seq
"""


# The broadcast fast path: every delivery of the notified alerts, once (not per socket).
# One row per (alert, kind, commit, payload): the payload crosses the wire once, not per ship.
FRESH_SQL = """
    SELECT kind, committed_at, payload::text AS payload,
           array_agg(mmsi ORDER BY mmsi, seq) AS mmsis, array_agg(seq ORDER BY mmsi, seq) AS seqs
    FROM ship_delivery WHERE alert_id = ANY($1::bigint[])
    GROUP BY alert_id, kind, committed_at, payload
"""


@dataclass(frozen=True, slots=True)
class PendingRow:
    """A delivery above a socket's cursor."""

    socket_id: int
    seq: int
    kind: str
    payload: str
    committed_at: datetime


async def pending(
    conn: AsyncConnection, *, wanted: list[tuple[int, int, int, int]]
) -> list[PendingRow]:
    """Deliveries above each (socket_id, mmsi, cursor, limit), at most limit each, in seq order."""
    if not wanted:
        return []
    ids, mmsis, cursors, lims = (list(col) for col in zip(*wanted, strict=True))
    rows = await conn.execute(
        _PENDING, {"ids": ids, "mmsis": mmsis, "cursors": cursors, "lims": lims}
    )
    return [PendingRow(r.i, r.seq, r.kind, r.payload, r.committed_at) for r in rows]


async def pending_raw(
    conn: asyncpg.Connection, *, wanted: list[tuple[int, int, int, int]]
) -> list[PendingRow]:
    """`pending` on a raw asyncpg connection (the hub's hot path)."""
    if not wanted:
        return []
    ids, mmsis, cursors, lims = (list(col) for col in zip(*wanted, strict=True))
    rows = await conn.fetch(PENDING_SQL, ids, mmsis, cursors, lims)
    return [PendingRow(r[0], r[1], r[2], r[3], r[4]) for r in rows]
