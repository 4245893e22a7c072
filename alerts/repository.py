"""SQL of the alerts feature: per-ship sequence allocation, delivery reads."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg
from sqlalchemy import bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.types import BigInteger

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
    SELECT s.mmsi, s.last_seq, :alert_id, :kind,
           CAST(:payload AS jsonb) || COALESCE(CAST(:per_ship AS jsonb) -> s.mmsi::text, '{}'),
           :now
      FROM s
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


_ANSWERS_IN_SIGHT = text(
    """
    SELECT r.mmsi, r.distance_nm, d.seq,
           (d.seq IS NOT NULL AND c.acked_seq >= d.seq) AS delivered,
           c.acked_at, a.kind AS answer, a.data AS answer_data, a.received_at AS answered_at,
           (SELECT min(received_at) FROM ship_answer
             WHERE alert_id = r.alert_id AND mmsi = r.mmsi AND kind = 'accept') AS accepted_at
      FROM alert_recipient r
      LEFT JOIN LATERAL (
            SELECT min(seq) AS seq FROM ship_delivery
             WHERE alert_id = r.alert_id AND mmsi = r.mmsi AND kind = 'alert'
      ) d ON true
      LEFT JOIN ship_cursor c ON c.mmsi = r.mmsi
      LEFT JOIN LATERAL (
            SELECT kind, data, received_at FROM ship_answer
             WHERE alert_id = r.alert_id AND mmsi = r.mmsi
               AND kind IN ('accept', 'decline', 'on_scene', 'rescued')
             ORDER BY received_at DESC, id DESC LIMIT 1
      ) a ON true
     WHERE r.alert_id = :alert_id
    """
)


async def answers_in_sight(session: AsyncSession, *, alert_id: int) -> dict[int, Any]:
    """MMSI -> (seq, delivered, acked_at, answer, answer_data, answered_at) for each recipient:
    delivered means the ship's client acknowledged the alert's sequence number."""
    rows = await session.execute(_ANSWERS_IN_SIGHT, {"alert_id": alert_id})
    return {int(r.mmsi): r for r in rows}


async def insert_deliveries(
    session: AsyncSession,
    *,
    alert_id: int,
    kind: str,
    mmsis: list[int],
    payload: dict[str, Any],
    now: datetime,
    per_ship: dict[int, dict[str, Any]] | None = None,
) -> dict[int, int]:
    """Give each ship its next sequence number and a delivery row; returns MMSI -> seq.
    `per_ship` adds keys to one ship's payload only (its own route)."""
    if not mmsis:
        return {}
    rows = await session.execute(
        _DELIVER,
        {
            "mmsis": sorted(set(mmsis)),
            "alert_id": alert_id,
            "kind": kind,
            "payload": json.dumps(payload, separators=(",", ":"), default=str),
            "per_ship": json.dumps({str(m): v for m, v in (per_ship or {}).items()}),
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
