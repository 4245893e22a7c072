"""`bench search`: a search plan for 4 ships plus the AIS-gap list of a case, at N stored
positions; one JSON line with p50/p95 beside a bare PostGIS scan of the same window.

Runs in its own database (<name>_bench_search, created, migrated and dropped). Positions are
generated inside PostgreSQL: `--vessels` tracks over `--hours`, evenly spaced in time, moving
on straight lines across the central Mediterranean; one vessel in 50 goes silent for an hour
(planted gaps). Each query opens a case at a vessel's position mid-window, then times the
plan (area, parallel-track sub-areas for 4 ships, land check) and the gap list together.
"""

from __future__ import annotations

import asyncio
import json
import random
import statistics
import time
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

import typer
from sqlalchemy import text
from sqlalchemy.engine import make_url

from sar_coord.cases import service as case_service
from sar_coord.cases.schemas import CaseCreate
from sar_coord.core import migrate
from sar_coord.core.database import base_url
from sar_coord.core.db import make_engine, make_sessionmaker, unit_of_work
from sar_coord.core.geo import METRES_PER_NM
from sar_coord.search_planning import service, silent_ships
from sar_coord.search_planning.schemas import Assignment, SearchPlanCreate

_LOAD = text(
    """
    INSERT INTO vessel_position (received_at, mmsi, position, sog_kn)
    SELECT CAST(:t0 AS timestamptz) + make_interval(secs => i * CAST(:step_s AS float8)),
           200000000 + v,
           ST_SetSRID(ST_MakePoint(11.0 + (v * 7919 % 1000) / 200.0 + i * 0.00005 * (v % 7 - 3),
                                   33.0 + (v * 104729 % 1000) / 250.0 + i * 0.00004 * (v % 5 - 2)),
                      4326)::geography,
           10.0
    FROM generate_series(0, :vessels - 1) AS v, generate_series(0, :per_vessel - 1) AS i
    WHERE NOT (v % 50 = 0 AND i * CAST(:step_s AS float8) BETWEEN :hole_s AND :hole_s + 3600)
    """
)
_ANCHOR = text(
    """
    SELECT count(*) FROM vessel_position
    WHERE received_at BETWEEN :a AND :b
      AND ST_DWithin(position, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)::geography, :r)
    """
)


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


async def run_bench(
    base: str, positions: int, vessels: int, hours: float, queries: int, seed: int
) -> dict[str, Any]:
    """Create the bench database, load, time `queries` plans + gap lists, drop it."""
    url_obj = make_url(base)
    url = url_obj.set(database=f"{url_obj.database or 'sar'}_bench_search").render_as_string(
        hide_password=False
    )
    await migrate.recreate_database(url)
    await migrate.prepare(url)
    engine = make_engine(url, pool_size=2, max_overflow=0)
    rng = random.Random(seed)
    per_vessel = max(2, positions // vessels)
    step_s = hours * 3600.0 / per_vessel
    t0 = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=hours)
    try:
        started = time.perf_counter()
        async with engine.begin() as conn:
            day = t0.date()
            while day <= datetime.now(UTC).date():
                await conn.execute(text("SELECT ensure_vessel_position_partition(:d)"), {"d": day})
                day += timedelta(days=1)
            await conn.execute(
                _LOAD,
                {"t0": t0, "step_s": step_s, "vessels": vessels, "per_vessel": per_vessel,
                 "hole_s": hours * 1800.0},
            )  # fmt: skip
        async with engine.connect() as conn:
            await conn.execute(text("ANALYZE vessel_position"))
            stored = (await conn.execute(text("SELECT count(*) FROM vessel_position"))).scalar()
        load_s = time.perf_counter() - started
        maker = make_sessionmaker(engine)
        mid = t0 + timedelta(hours=hours / 2)
        timed_ms: list[float] = []
        anchor_ms: list[float] = []
        gaps_found: list[int] = []
        for _ in range(queries):
            v = rng.randrange(vessels // 50) * 50  # a vessel with a planted gap
            i = per_vessel // 2
            lon = 11.0 + (v * 7919 % 1000) / 200.0 + i * 0.00005 * (v % 7 - 3)
            lat = 33.0 + (v * 104729 % 1000) / 250.0 + i * 0.00004 * (v % 5 - 2)
            async with unit_of_work(maker) as session:
                case = await case_service.create_case(
                    session,
                    body=CaseCreate(lon=lon, lat=lat, datum_at=mid, persons_on_board=60),
                    actor=case_service.Actor("bench"),
                )
                case_id = case.id
            plan = SearchPlanCreate(
                pattern="PS",
                sub_areas=4,
                assignments=[Assignment(sub_area=k + 1, mmsi=200000000 + k) for k in range(4)],
            )
            async with unit_of_work(maker) as session:
                t = time.perf_counter()
                await service.create_plan(session, case_id=case_id, body=plan, actor="bench")
                gaps = await silent_ships.case_gaps(
                    session, case_id=case_id, radius_nm=50.0, min_gap_min=30.0,
                    hours_before=6.0, hours_after=6.0, rate_factor=5.0,
                )  # fmt: skip
                timed_ms.append((time.perf_counter() - t) * 1000)
                gaps_found.append(sum(g["cause"] == "vessel_silent" for g in gaps))
            async with engine.connect() as conn:
                t = time.perf_counter()
                await conn.execute(
                    _ANCHOR,
                    {"a": mid - timedelta(hours=6), "b": mid + timedelta(hours=6), "lon": lon,
                     "lat": lat, "r": 50 * METRES_PER_NM},
                )  # fmt: skip
                anchor_ms.append((time.perf_counter() - t) * 1000)
        return {
            "positions": stored,
            "vessels": vessels,
            "hours": hours,
            "queries": queries,
            "p50_ms": round(statistics.median(timed_ms), 2),
            "p95_ms": round(_pct(timed_ms, 95), 2),
            "max_ms": round(max(timed_ms), 2),
            "anchor_scan_p50_ms": round(statistics.median(anchor_ms), 2),
            "anchor_scan_p95_ms": round(_pct(anchor_ms, 95), 2),
            "mean_gaps_listed": round(statistics.mean(gaps_found), 2),
            "load_s": round(load_s, 1),
        }
    finally:
        await engine.dispose()
        await migrate.drop_database(url)


def bench_search(
    positions: Annotated[int, typer.Option(min=1000, help="Stored positions.")] = 10_000_000,
    vessels: Annotated[int, typer.Option(min=10, help="Vessels sharing them.")] = 2_000,
    hours: Annotated[float, typer.Option(min=1, help="Hours of history.")] = 48.0,
    queries: Annotated[int, typer.Option(min=1, help="Cases planned.")] = 50,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 1,
    database_url: Annotated[
        str | None, typer.Option("--database-url", help="Default: SAR_DATABASE_URL / embedded.")
    ] = None,
) -> None:
    """Time a 4-ship search plan plus the AIS-gap list of a case; prints one JSON line."""
    with base_url(database_url) as base:
        result = asyncio.run(run_bench(base, positions, vessels, hours, queries, seed))
    typer.echo(json.dumps(result, separators=(",", ":")))
