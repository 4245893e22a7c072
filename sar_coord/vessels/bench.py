"""`sar-coord bench track`: latency of one vessel's 24 h track at ~10 million stored positions.

Runs in its own database (<name>_bench_track: created, migrated, dropped), so the configured one is
never touched. The history is written by the server (generate_series), day partition by day
partition, in time order with every vessel interleaved as a live feed writes it: `vessels`
vessels reporting every `interval_s` seconds for `days` days (870 x 2,880 x 4 = 10.0 million).
Each query is a random vessel's track over a random 24 h window (about 2,880 positions), read
through the service layer in its own session, once at full resolution and once simplified for a
zoom level. Prints one JSON line.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import statistics
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

import asyncpg
import typer
from sqlalchemy.engine import make_url

from sar_coord.core import migrate
from sar_coord.core.db import asyncpg_dsn, make_engine, make_sessionmaker
from sar_coord.vessels.track import get_track, tolerance_for_zoom

FIRST_MMSI = 200_000_000
DAY_START = datetime(2026, 1, 1, tzinfo=UTC)

# One day of reports: vessels wander in loops over the central Mediterranean (lon 10.5-20,
# lat 31.5-38.5), each with its own phase, so simplification has curves to keep.
_LOAD_DAY = """
INSERT INTO vessel_position (received_at, mmsi, position, sog_kn, cog_deg, nav_status, msg_type)
SELECT $1::timestamptz + make_interval(secs => k * $3 + (v % $3)),
       $4 + v,
       ST_SetSRID(ST_MakePoint(
           10.5 + (v * 7919 % 9000) / 1000.0 + 0.2 * sin((k + $5) / 300.0 + v),
           31.5 + (v * 104729 % 6500) / 1000.0 + 0.2 * cos((k + $5) / 250.0 + v)), 4326)::geography,
       12.0, (k % 360)::float8, 0, 1
  FROM generate_series(0, $6 - 1) AS k CROSS JOIN generate_series(0, $2 - 1) AS v
 ORDER BY k, v
"""


@contextlib.contextmanager
def _base_url(database_url: str | None) -> Iterator[str]:
    if database_url:
        yield database_url
        return
    from sar_coord.core.config import get_settings
    from sar_coord.core.database import database

    with database(get_settings()) as url:
        yield url


async def _load(url: str, *, vessels: int, days: int, interval_s: int) -> int:
    """Write the history day by day; returns the number of positions stored."""
    steps = 86_400 // interval_s
    conn = await asyncpg.connect(**asyncpg_dsn(url))
    try:
        for d in range(days):
            day = DAY_START + timedelta(days=d)
            await conn.execute("SELECT ensure_vessel_position_partition($1)", day.date())
            await conn.execute(_LOAD_DAY, day, vessels, interval_s, FIRST_MMSI, d * steps, steps)
        await conn.execute("ANALYZE vessel_position")
        count: int = await conn.fetchval("SELECT count(*) FROM vessel_position")
        return count
    finally:
        await conn.close()


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100.0 * (len(ordered) - 1)))]


async def run_bench(
    base_url: str, *, vessels: int, days: int, interval_s: int, queries: int, zoom: float, seed: int
) -> dict[str, Any]:
    """Create the bench database, load the history, time `queries` tracks, drop it."""
    url_obj = make_url(base_url)
    name = f"{url_obj.database or 'sar'}_bench_track"
    url = url_obj.set(database=name).render_as_string(hide_password=False)
    await migrate.recreate_database(url)
    await migrate.prepare(url)
    engine = make_engine(url, pool_size=2, max_overflow=0)
    rng = random.Random(seed)
    try:
        t0 = time.perf_counter()
        stored = await _load(url, vessels=vessels, days=days, interval_s=interval_s)
        load_s = time.perf_counter() - t0
        maker = make_sessionmaker(engine)
        span_s = days * 86_400 - 86_400
        windows = [
            (
                FIRST_MMSI + rng.randrange(vessels),
                DAY_START + timedelta(seconds=rng.randrange(span_s)),
            )
            for _ in range(queries)
        ]
        tolerance = tolerance_for_zoom(zoom)
        figures: dict[str, list[float]] = {"full": [], "simplified": []}
        positions: list[int] = []
        vertices: list[int] = []
        for i, (mmsi, start) in enumerate([*windows[:5], *windows]):
            for kind, tol in (("full", 0.0), ("simplified", tolerance)):
                async with maker() as session:
                    t = time.perf_counter()
                    track = await get_track(
                        session, mmsi=mmsi, from_at=start, to_at=start + timedelta(hours=24),
                        tolerance_deg=tol,
                    )  # fmt: skip
                    elapsed_ms = (time.perf_counter() - t) * 1000
                if i < 5:
                    continue  # warm-up: pool, plans
                figures[kind].append(elapsed_ms)
                if kind == "simplified":
                    positions.append(track.positions)
                    vertices.append(len(track.vertices))
        result: dict[str, Any] = {
            "positions_stored": stored,
            "vessels": vessels,
            "days": days,
            "queries": queries,
            "mean_positions_per_track": round(statistics.mean(positions), 1),
            "zoom": zoom,
            "mean_vertices_simplified": round(statistics.mean(vertices), 1),
        }
        for kind, values in figures.items():
            result[f"{kind}_p50_ms"] = round(statistics.median(values), 2)
            result[f"{kind}_p95_ms"] = round(_pct(values, 95), 2)
            result[f"{kind}_max_ms"] = round(max(values), 2)
        result["load_s"] = round(load_s, 1)
        return result
    finally:
        await engine.dispose()
        await migrate.drop_database(url)


def bench_track(
    vessels: Annotated[int, typer.Option("--vessels", min=1, help="Vessels reporting.")] = 870,
    days: Annotated[int, typer.Option("--days", min=2, max=30, help="Days of history.")] = 4,
    interval_s: Annotated[
        int, typer.Option("--interval-s", min=1, max=3600, help="Seconds between reports.")
    ] = 30,
    queries: Annotated[int, typer.Option("--queries", min=1, help="Tracks to read.")] = 200,
    zoom: Annotated[float, typer.Option("--zoom", min=0, max=24, help="Map zoom.")] = 10.0,
    seed: Annotated[int, typer.Option("--seed", help="Random seed.")] = 1,
    database_url: Annotated[
        str | None, typer.Option("--database-url", help="Default: SAR_DATABASE_URL / embedded.")
    ] = None,
) -> None:
    """Time 24 h tracks of single vessels at ~10 million positions; prints one JSON line."""
    with _base_url(database_url) as base:
        result = asyncio.run(
            run_bench(
                base,
                vessels=vessels,
                days=days,
                interval_s=interval_s,
                queries=queries,
                zoom=zoom,
                seed=seed,
            )
        )
    typer.echo(json.dumps(result, separators=(",", ":")))
