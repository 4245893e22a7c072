"""Write batches to PostGIS over asyncpg: COPY positions, upsert latest and vessel, NOTIFY (UTC)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from datetime import date, timedelta
from typing import Any

import asyncpg

from ais_ingest.process import Batch, transponder
from sar_coord.core import events
from sar_coord.core.db import asyncpg_dsn, register_geo_codecs

log = logging.getLogger(__name__)

PG_EPOCH_S = 946684800.0  # 2000-01-01T00:00:00Z, origin of PostgreSQL binary timestamps

POSITION_COLUMNS = (
    "mmsi",
    "received_at",
    "position",
    "sog_kn",
    "cog_deg",
    "heading_deg",
    "nav_status",
    "msg_type",
    "suspect",
)

UPSERT_LATEST = """
INSERT INTO vessel_latest AS l (mmsi, position, reported_at, sog_kn, cog_deg, heading_deg,
    nav_status, msg_type, transponder, suspect, updated_at)
SELECT u.mmsi, ST_SetSRID(ST_MakePoint(u.lon, u.lat), 4326)::geography, u.reported_at, u.sog,
    u.cog, u.hdg, u.st, u.mt, u.tr, u.sus, now()
FROM unnest($1::bigint[], $2::float8[], $3::float8[], $4::timestamptz[], $5::float8[],
    $6::float8[], $7::int2[], $8::int2[], $9::int2[], $10::text[], $11::bool[])
    AS u(mmsi, lon, lat, reported_at, sog, cog, hdg, st, mt, tr, sus)
ORDER BY u.mmsi
ON CONFLICT (mmsi) DO UPDATE SET
    position = EXCLUDED.position, reported_at = EXCLUDED.reported_at, sog_kn = EXCLUDED.sog_kn,
    cog_deg = EXCLUDED.cog_deg, heading_deg = EXCLUDED.heading_deg,
    nav_status = EXCLUDED.nav_status, msg_type = EXCLUDED.msg_type,
    transponder = EXCLUDED.transponder, suspect = EXCLUDED.suspect, updated_at = now()
WHERE l.reported_at <= EXCLUDED.reported_at
"""

_STATIC = (
    ("imo", "int4"),
    ("name", "text"),
    ("call_sign", "text"),
    ("ship_type", "int2"),
    ("ais_class", "text"),
    ("length_m", "float8"),
    ("beam_m", "float8"),
    ("draught_m", "float8"),
    ("destination", "text"),
    ("eta", "text"),
)
_NEWER = "EXCLUDED.static_updated_at >= COALESCE(v.static_updated_at, '-infinity')"
# Built from the constant column list above only (no input reaches the SQL text).
UPSERT_VESSEL = f"""
INSERT INTO vessel AS v (mmsi, {", ".join(c for c, _ in _STATIC)}, first_seen_at, last_seen_at,
    static_updated_at, updated_at)
SELECT u.*, now() FROM unnest($1::bigint[], {
    ", ".join(f"${i + 2}::{t}[]" for i, (_, t) in enumerate(_STATIC))
}, ${len(_STATIC) + 2}::timestamptz[], ${len(_STATIC) + 3}::timestamptz[],
    ${len(_STATIC) + 4}::timestamptz[]) AS u
ORDER BY 1
ON CONFLICT (mmsi) DO UPDATE SET
    {
    ", ".join(
        f"{c} = CASE WHEN {_NEWER} THEN COALESCE(EXCLUDED.{c}, v.{c}) ELSE v.{c} END"
        for c, _ in _STATIC
    )
},
    first_seen_at = LEAST(v.first_seen_at, EXCLUDED.first_seen_at),
    last_seen_at = GREATEST(v.last_seen_at, EXCLUDED.last_seen_at),
    static_updated_at = GREATEST(v.static_updated_at, EXCLUDED.static_updated_at),
    updated_at = now()
"""  # noqa: S608

WATERMARK = """
SELECT pg_notify($1, json_build_object('max_updated_at', now(), 'count', $2::int,
    'max_received_at', $3::timestamptz)::text)
"""

# Failures after which the same batch may succeed once the server is back.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    asyncio.TimeoutError,
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,
    asyncpg.exceptions.OperatorInterventionError,
    asyncpg.exceptions.InsufficientResourcesError,
    asyncpg.exceptions.SerializationError,
    asyncpg.exceptions.DeadlockDetectedError,
)


def _encode_ts(ts_s: float) -> tuple[int]:
    return (round((ts_s - PG_EPOCH_S) * 1_000_000),)


def _decode_ts(value: tuple[int]) -> float:
    return value[0] / 1_000_000 + PG_EPOCH_S


def _clip(value: str | None, n: int) -> str | None:
    return value[:n] if value is not None else None


async def setup_connection(conn: asyncpg.Connection) -> None:
    """Binary EWKB geography and timestamptz as float Unix seconds (no datetime objects)."""
    await register_geo_codecs(conn)
    await conn.set_type_codec(
        "timestamptz",
        schema="pg_catalog",
        encoder=_encode_ts,
        decoder=_decode_ts,
        format="tuple",
    )
    await conn.execute("SET TIME ZONE 'UTC'")


class Sink:
    """One asyncpg connection writing whole batches atomically; reconnects on demand."""

    def __init__(self, database_url: str, *, retention_days: int = 90) -> None:
        """Write to the database at `database_url` (SQLAlchemy or asyncpg form)."""
        self._dsn = asyncpg_dsn(database_url)
        self._conn: asyncpg.Connection | None = None
        self._ensured_days: set[int] = set()
        self.retention_days = retention_days

    async def connect(self) -> asyncpg.Connection:
        """The open connection, connecting (with a 10 s timeout) if needed."""
        if self._conn is None or self._conn.is_closed():
            conn = await asyncpg.connect(**self._dsn, timeout=10)
            try:
                await setup_connection(conn)
            except BaseException:
                with contextlib.suppress(Exception):
                    conn.terminate()
                raise
            self._conn = conn
        return self._conn

    async def close(self) -> None:
        """Close the connection if open."""
        if self._conn is not None and not self._conn.is_closed():
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._conn.close(), 5)
        self._conn = None

    def drop_connection(self) -> None:
        """Forget a broken connection without waiting for the server."""
        if self._conn is not None:
            with contextlib.suppress(Exception):
                self._conn.terminate()
        self._conn = None

    def _missing_days(self, batch: Batch) -> list[int]:
        """Days since 1970-01-01 (UTC) of the batch inside the retention window, not ensured."""
        if not batch.positions:
            return []
        today_n = int(time.time() // 86400)
        lo = max(int(batch.min_received_ts_s // 86400), today_n - self.retention_days)
        hi = min(int(batch.max_received_ts_s // 86400), today_n + 1)
        return [d for d in range(lo, hi + 1) if d not in self._ensured_days]

    async def _ensure_partitions(self, conn: asyncpg.Connection, days: list[int]) -> None:
        for day_n in days:
            day = date(1970, 1, 1) + timedelta(days=day_n)
            try:
                await conn.execute("SELECT ensure_vessel_position_partition($1::date)", day)
            except asyncpg.PostgresError as exc:
                if isinstance(exc, TRANSIENT_ERRORS):
                    raise
                # e.g. rows of that day already sit in the default partition: keep using it
                log.warning("no partition for %s (%s); rows go to the default", day, exc)
            self._ensured_days.add(day_n)

    async def write(self, batch: Batch) -> None:
        """Persist one batch in one transaction; NOTIFY watermark and distress on commit."""
        conn = await self.connect()
        missing = self._missing_days(batch)
        if missing:
            await self._ensure_partitions(conn, missing)
        latest = list(batch.latest.values())
        vessels = list(batch.vessels.values())
        async with conn.transaction():
            if batch.positions:
                await conn.copy_records_to_table(
                    "vessel_position", records=batch.positions, columns=POSITION_COLUMNS
                )
            if latest:
                await conn.execute(UPSERT_LATEST, *_latest_arrays(latest))
            if vessels:
                await conn.execute(UPSERT_VESSEL, *_vessel_arrays(vessels, batch.static_mmsis))
            await conn.execute(
                WATERMARK,
                events.FLEET,
                len(batch.positions),
                batch.max_received_ts_s or None,
            )
            for signal in batch.distress:
                await events.notify_raw(conn, events.DISTRESS, signal.payload())


def _latest_arrays(latest: list[Any]) -> list[list[Any]]:
    return [
        [r.mmsi for r in latest],
        [r.lon_deg for r in latest],
        [r.lat_deg for r in latest],
        [r.received_ts_s for r in latest],
        [r.sog_kn for r in latest],
        [r.cog_deg for r in latest],
        [r.heading_deg for r in latest],
        [r.nav_status for r in latest],
        [r.msg_type for r in latest],
        [transponder(r.msg_type) for r in latest],
        [r.suspect for r in latest],
    ]


def _vessel_arrays(vessels: list[Any], static_mmsis: set[int]) -> list[list[Any]]:
    cols: list[list[Any]] = [[] for _ in range(len(_STATIC) + 4)]
    for tr in vessels:
        has_static = tr.mmsi in static_mmsis
        cols[0].append(tr.mmsi)
        if has_static:
            values: tuple[Any, ...] = (
                tr.imo if tr.imo is not None and tr.imo < 2**31 else None,
                _clip(tr.name, 120),
                _clip(tr.call_sign, 16),
                tr.ship_type,
                tr.ais_class,
                tr.length_m,
                tr.beam_m,
                tr.draught_m,
                _clip(tr.destination, 64),
                _clip(tr.eta, 32),
            )
        else:
            values = (None,) * len(_STATIC)
        for i, value in enumerate(values):
            cols[i + 1].append(value)
        cols[-3].append(tr.first_seen_ts)
        cols[-2].append(tr.last_seen_ts)
        cols[-1].append(tr.static_ts if has_static else None)
    return cols
