"""Write batches to PostGIS over asyncpg: positions, latest and vessel upserts, NOTIFY (UTC)."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import time
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

import asyncpg

from ais_ingest.process import Batch, transponder
from sar_coord.core import events
from sar_coord.core.ais import identity_unique
from sar_coord.core.db import asyncpg_dsn

log = logging.getLogger(__name__)

# One batch is one transaction: a binary COPY into the session's staging table, then ONE
# statement whose data-modifying CTEs (always run to completion) move the positions and upsert
# latest and vessel rows; its NOTIFYs are delivered at commit. Times travel as float Unix
# seconds (to_timestamp) and points as lon/lat, so no per-row codec runs in Python.
STAGE_TABLE = "ingest_position_v2"  # v2: with the flag column (a session may hold the old one)
STAGE_COLUMNS = ("mmsi", "t", "lon", "lat", "sog", "cog", "hdg", "st", "mt", "sus", "flag")
CREATE_STAGE = f"""
CREATE TEMP TABLE IF NOT EXISTS {STAGE_TABLE} (mmsi bigint, t float8, lon float8, lat float8,
    sog float8, cog float8, hdg int2, st int2, mt int2, sus bool, flag text) ON COMMIT DELETE ROWS
"""
_POSITIONS = f"""
INSERT INTO vessel_position (mmsi, received_at, position, sog_kn, cog_deg, heading_deg,
    nav_status, msg_type, suspect, flag)
SELECT s.mmsi, to_timestamp(s.t), ST_SetSRID(ST_MakePoint(s.lon, s.lat), 4326)::geography,
    s.sog, s.cog, s.hdg, s.st, s.mt, s.sus, s.flag
FROM {STAGE_TABLE} s
"""  # noqa: S608

_LATEST = """
INSERT INTO vessel_latest AS l (mmsi, position, reported_at, sog_kn, cog_deg, heading_deg,
    nav_status, msg_type, transponder, suspect, position_flag, identity_unique, updated_at)
SELECT u.mmsi, ST_SetSRID(ST_MakePoint(u.lon, u.lat), 4326)::geography, to_timestamp(u.t),
    u.sog, u.cog, u.hdg, u.st, u.mt, u.tr, u.sus, u.flag, u.uniq, now()
FROM unnest($1::bigint[], $2::float8[], $3::float8[], $4::float8[], $5::float8[],
    $6::float8[], $7::int2[], $8::int2[], $9::int2[], $10::text[], $11::bool[], $12::text[],
    $13::bool[])
    AS u(mmsi, lon, lat, t, sog, cog, hdg, st, mt, tr, sus, flag, uniq)
ORDER BY u.mmsi
ON CONFLICT (mmsi) DO UPDATE SET
    position = EXCLUDED.position, reported_at = EXCLUDED.reported_at, sog_kn = EXCLUDED.sog_kn,
    cog_deg = EXCLUDED.cog_deg, heading_deg = EXCLUDED.heading_deg,
    nav_status = EXCLUDED.nav_status, msg_type = EXCLUDED.msg_type,
    transponder = EXCLUDED.transponder, suspect = EXCLUDED.suspect,
    position_flag = EXCLUDED.position_flag, identity_unique = EXCLUDED.identity_unique,
    updated_at = now()
WHERE l.reported_at <= EXCLUDED.reported_at
"""
_LATEST_PARAMS = 13

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
_V0 = _LATEST_PARAMS + 1  # first vessel parameter
_NEWER = "EXCLUDED.static_updated_at >= COALESCE(v.static_updated_at, '-infinity')"
# Built from the constant column list above only (no input reaches the SQL text).
_VESSELS = f"""
INSERT INTO vessel AS v (mmsi, {", ".join(c for c, _ in _STATIC)}, first_seen_at, last_seen_at,
    static_updated_at, updated_at)
SELECT u.mmsi, {", ".join(f"u.{c}" for c, _ in _STATIC)}, to_timestamp(u.first_s),
    to_timestamp(u.last_s), to_timestamp(u.static_s), now()
FROM unnest(${_V0}::bigint[], {
    ", ".join(f"${_V0 + 1 + i}::{t}[]" for i, (_, t) in enumerate(_STATIC))
}, ${_V0 + len(_STATIC) + 1}::float8[], ${_V0 + len(_STATIC) + 2}::float8[],
    ${_V0 + len(_STATIC) + 3}::float8[])
    AS u(mmsi, {", ".join(c for c, _ in _STATIC)}, first_s, last_s, static_s)
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
_N0 = _V0 + len(_STATIC) + 4  # first notification parameter

WRITE_BATCH = f"""
WITH pos AS ({_POSITIONS}), latest AS ({_LATEST}), vessels AS ({_VESSELS})
SELECT pg_notify(${_N0}, json_build_object('max_updated_at', now(), 'count', ${_N0 + 1}::int,
        'max_received_at', to_timestamp(${_N0 + 2}::float8))::text)
UNION ALL
SELECT pg_notify(${_N0 + 3}, d) FROM unnest(${_N0 + 4}::text[]) AS d
"""  # noqa: S608

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


_identity_unique = functools.lru_cache(maxsize=1 << 16)(identity_unique)


def _clip(value: str | None, n: int) -> str | None:
    return value[:n] if value is not None else None


class Sink:
    """One asyncpg connection writing whole batches atomically; reconnects on demand."""

    def __init__(
        self,
        database_url: str,
        *,
        retention_days: int = 90,
        ensured_days: set[int] | None = None,
    ) -> None:
        """Write to the database at `database_url` (SQLAlchemy or asyncpg form).

        `ensured_days` (days since 1970-01-01 whose partition exists) may be shared by sinks.
        """
        self._dsn = asyncpg_dsn(database_url)
        self._conn: asyncpg.Connection | None = None
        self._ensured_days: set[int] = ensured_days if ensured_days is not None else set()
        self.retention_days = retention_days

    async def connect(self) -> asyncpg.Connection:
        """The open connection, connecting (with a 10 s timeout) if needed."""
        if self._conn is None or self._conn.is_closed():
            conn = await asyncpg.connect(
                **self._dsn, timeout=10, server_settings={"timezone": "UTC"}
            )
            try:
                await conn.execute(CREATE_STAGE)
            except BaseException:
                with contextlib.suppress(Exception):
                    conn.terminate()
                raise
            self._conn = conn
        return self._conn

    async def warm_up(self) -> None:
        """Connect and prepare every batch statement now, so the first batch pays no setup."""
        conn = await self.connect()
        rehearsal = conn.transaction()
        await rehearsal.start()
        try:  # an empty batch, rolled back: the statements are parsed and cached
            await conn.copy_records_to_table(STAGE_TABLE, records=[], columns=STAGE_COLUMNS)
            await conn.execute(WRITE_BATCH, *batch_arguments(Batch()))
        finally:
            await rehearsal.rollback()

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
        """Days since 1970-01-01 (UTC) holding rows of the batch, inside the retention window
        (today included, tomorrow at most), whose partition is not known to exist."""
        if not batch.positions:
            return []
        today_n = int(time.time() // 86400)
        lo_ok, hi_ok = today_n - self.retention_days, today_n + 1
        lo = int(batch.min_received_ts_s // 86400)
        hi = int(batch.max_received_ts_s // 86400)
        if hi - lo <= 1:
            days: Iterable[int] = range(lo, hi + 1)
        else:  # a replay spanning many days: only the days that occur (not the whole range)
            days = sorted({int(row[1] // 86400) for row in batch.positions})
        ensured = self._ensured_days
        return [d for d in days if lo_ok <= d <= hi_ok and d not in ensured]

    async def _ensure_partitions(self, conn: asyncpg.Connection, days: list[int]) -> None:
        dates = [date(1970, 1, 1) + timedelta(days=d) for d in days]
        try:  # one round trip for all of them
            await conn.execute(
                "SELECT ensure_vessel_position_partition(d) FROM unnest($1::date[]) AS d", dates
            )
        except asyncpg.PostgresError as exc:
            if isinstance(exc, TRANSIENT_ERRORS):
                raise
            for day in dates:  # find the day that cannot have one; the others still get theirs
                try:
                    await conn.execute("SELECT ensure_vessel_position_partition($1::date)", day)
                except asyncpg.PostgresError as exc_day:
                    if isinstance(exc_day, TRANSIENT_ERRORS):
                        raise
                    # e.g. rows of that day already sit in the default partition: keep using it
                    log.warning("no partition for %s (%s); rows go to the default", day, exc_day)
        self._ensured_days.update(days)

    async def write(self, batch: Batch) -> None:
        """Persist one batch in one transaction; NOTIFY watermark and distress on commit."""
        conn = await self.connect()
        missing = self._missing_days(batch)
        if missing:
            await self._ensure_partitions(conn, missing)
        async with conn.transaction():
            if batch.positions:  # binary COPY into the session's staging table (cheapest path)
                await conn.copy_records_to_table(
                    STAGE_TABLE, records=batch.positions, columns=STAGE_COLUMNS
                )
            await conn.execute(WRITE_BATCH, *batch_arguments(batch))


def batch_arguments(batch: Batch) -> list[Any]:
    """The parameters of WRITE_BATCH for one batch (column arrays)."""
    return [
        *_latest_arrays(list(batch.latest.values())),
        *_vessel_arrays(list(batch.vessels.values()), batch.static_mmsis),
        events.FLEET,
        len(batch.positions),
        batch.max_received_ts_s or None,
        events.DISTRESS,
        [events.encode_payload(signal.payload()) for signal in batch.distress],
    ]


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
        [r.flag for r in latest],
        [_identity_unique(r.mmsi) for r in latest],
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
