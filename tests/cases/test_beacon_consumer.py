"""The DISTRESS consumer over a real LISTEN connection: NOTIFY in, one case out, idempotently."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import timedelta

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from sar_coord.cases.beacons import run_distress_consumer
from sar_coord.cases.models import DistressCase
from sar_coord.core import events
from sar_coord.core.db import ewkb_point, make_sessionmaker
from sar_coord.core.time import utcnow

SART = 970_555_001
EPIRB_MISSED = 974_555_002  # heard by ingest while nobody listened: the start-up sweep finds it


async def _cases_for(engine: AsyncEngine, mmsi: int) -> int:
    async with engine.connect() as conn:
        value = await conn.scalar(
            select(func.count()).select_from(DistressCase).where(DistressCase.source_mmsi == mmsi)
        )
        return int(value or 0)


async def _wait_for(engine: AsyncEngine, mmsi: int, count: int, timeout_s: float = 10.0) -> int:
    deadline = asyncio.get_running_loop().time() + timeout_s
    while asyncio.get_running_loop().time() < deadline:
        n = await _cases_for(engine, mmsi)
        if n >= count:
            return n
        await asyncio.sleep(0.1)
    return await _cases_for(engine, mmsi)


async def test_notify_opens_one_case_and_the_sweep_catches_missed_beacons(
    engine: AsyncEngine, db_url: str
) -> None:
    now = utcnow()
    async with engine.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO vessel_latest (mmsi, position, reported_at) "
                "VALUES (:m, ST_GeogFromWKB(:w), :at) ON CONFLICT (mmsi) DO NOTHING"
            ),
            {"m": EPIRB_MISSED, "w": ewkb_point(13.1, 34.9), "at": now - timedelta(minutes=3)},
        )
    listener = events.Listener(db_url, channels=[events.DISTRESS])
    await listener.start()
    await asyncio.wait_for(listener.connected.wait(), 10)
    task = asyncio.create_task(run_distress_consumer(make_sessionmaker(engine), listener))
    try:
        assert await _wait_for(engine, EPIRB_MISSED, 1) == 1
        for i in range(3):  # a SART repeats itself; only one case may open
            async with engine.begin() as conn:
                await events.notify(
                    conn,
                    events.DISTRESS,
                    {"mmsi": SART, "kind": "ais_sart", "lat": 35.0, "lon": 12.9 + i * 0.001,
                     "reported_at": (now + timedelta(seconds=i)).isoformat()},
                )  # fmt: skip
        assert await _wait_for(engine, SART, 1) == 1
        async with engine.begin() as conn:  # garbage is skipped, the consumer keeps going
            await events.notify(conn, events.DISTRESS, {"mmsi": "not a number"})
        await asyncio.sleep(0.5)
        assert not task.done()
        assert await _cases_for(engine, SART) == 1
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await listener.stop()
