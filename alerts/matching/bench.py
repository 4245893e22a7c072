"""`bench-match`: candidate search latency at N vessels vs a bare PostGIS KNN; one JSON line.

Runs in its own database (<name>_bench_match, created, migrated and dropped), so the
configured one is never touched. Vessels are spread uniformly over the sea cells (land mask) of
the central Mediterranean; about 10 % report older than the stale threshold, 10 % are at anchor
or moored, 20 % carry registry capabilities. Each query is a real case searched through the
service layer in its own session (KNN with widening, dead reckoning, land check, ETA, ranking),
followed by the bare KNN for the same K and radius.
"""

from __future__ import annotations

import asyncio
import gc
import json
import statistics
import time
from datetime import timedelta
from typing import Annotated, Any

import asyncpg
import numpy as np
import typer
from sqlalchemy.engine import make_url

from alerts.matching import water
from alerts.matching.candidates import SearchParams, raw_knn, search_case
from sar_coord.cases import service as case_service
from sar_coord.cases.schemas import CaseCreate
from sar_coord.core import migrate
from sar_coord.core.database import base_url
from sar_coord.core.db import (
    asyncpg_dsn,
    ewkb_point,
    make_engine,
    make_sessionmaker,
    register_geo_codecs,
    unit_of_work,
)
from sar_coord.core.landmask import land_mask
from sar_coord.core.time import utcnow

app = typer.Typer(help="Matching benchmark.", no_args_is_help=True)
REGION = (10.5, 31.5, 20.0, 38.5)  # lon/lat box: Strait of Sicily, Malta, Ionian Sea


def _sea_points(rng: np.random.Generator, n: int) -> np.ndarray[Any, Any]:
    """n (lon, lat) points uniformly over the sea cells of REGION."""
    out: list[np.ndarray[Any, Any]] = []
    have = 0
    lon0, lat0, lon1, lat1 = REGION
    mask = land_mask()
    while have < n:
        lon = rng.uniform(lon0, lon1, n)
        lat = rng.uniform(lat0, lat1, n)
        sea = mask.ocean[mask.rows(lat), mask.cols(lon)]
        pts = np.column_stack([lon[sea], lat[sea]])
        out.append(pts)
        have += len(pts)
    return np.concatenate(out)[:n]


async def _load_fleet(url: str, n: int, rng: np.random.Generator) -> None:
    now = utcnow()
    pts = _sea_points(rng, n)
    age_s = np.where(rng.random(n) < 0.1, rng.uniform(1900, 7200, n), rng.uniform(0, 900, n))
    nav = rng.choice([0, 0, 0, 0, 0, 0, 0, 0, 1, 5], n)
    sog = np.where(nav == 0, rng.uniform(4, 22, n), 0.0)
    cog = rng.uniform(0, 360, n)
    latest = [
        (200_000_000 + i, ewkb_point(float(pts[i, 0]), float(pts[i, 1])),
         now - timedelta(seconds=float(age_s[i])), float(sog[i]), float(cog[i]), int(nav[i]))
        for i in range(n)
    ]  # fmt: skip
    classes = ["commercial", "fishing", "ngo", "sar", "pleasure"]
    registry = [
        (200_000_000 + i, True, str(rng.choice(classes, p=[0.6, 0.25, 0.05, 0.05, 0.05])),
         int(rng.integers(10, 600)), bool(rng.random() < 0.3), int(rng.integers(0, 3)),
         float(rng.uniform(1, 15)), float(rng.uniform(8, 25)), bool(rng.random() < 0.3))
        for i in range(n)
        if rng.random() < 0.2
    ]  # fmt: skip
    conn = await asyncpg.connect(**asyncpg_dsn(url))
    try:
        await register_geo_codecs(conn)
        await conn.copy_records_to_table(
            "vessel_latest",
            records=latest,
            columns=["mmsi", "position", "reported_at", "sog_kn", "cog_deg", "nav_status"],
        )
        await conn.copy_records_to_table(
            "vessel",
            records=registry,
            columns=["mmsi", "registered", "registry_class", "max_persons", "medical_staff",
                     "rescue_boats", "freeboard_m", "max_speed_kn", "sar_trained_crew"],
        )  # fmt: skip
        await conn.execute("ANALYZE vessel_latest; ANALYZE vessel")
    finally:
        await conn.close()


def _pct(values: list[float], q: float) -> float:
    return float(np.percentile(np.array(values), q))


async def run_bench(base_url: str, vessels: int, queries: int, k: int, seed: int) -> dict[str, Any]:
    """Create the bench database, load, time `queries` searches and bare KNNs, drop it."""
    url_obj = make_url(base_url)
    name = f"{url_obj.database or 'sar'}_bench_match"
    url = url_obj.set(database=name).render_as_string(hide_password=False)
    await migrate.recreate_database(url)
    await migrate.prepare(url)
    rng = np.random.default_rng(seed)
    engine = make_engine(url, pool_size=2, max_overflow=0)
    try:
        t0 = time.perf_counter()
        await _load_fleet(url, vessels, rng)
        load_s = time.perf_counter() - t0
        maker = make_sessionmaker(engine)
        datums = _sea_points(rng, queries)
        case_ids: list[int] = []
        async with unit_of_work(maker) as session:
            actor = case_service.Actor("bench")
            for lon, lat in datums:
                case = await case_service.create_case(
                    session,
                    body=CaseCreate(lon=float(lon), lat=float(lat),
                                    persons_on_board=int(rng.integers(5, 150))),
                    actor=actor,
                )  # fmt: skip
                case_ids.append(case.id)
        water.warm_up()
        params = SearchParams(k=k)
        for case_id in case_ids[:5]:  # warm the pool and the plans
            async with maker() as session:
                await search_case(session, case_id, search=params)
        # As the app does after start-up: long-lived objects out of full collections.
        gc.collect()
        gc.freeze()
        full_ms: list[float] = []
        raw_ms: list[float] = []
        widened = 0
        ranked_total = 0
        for case_id, (lon, lat) in zip(case_ids, datums, strict=True):
            async with maker() as session:
                t = time.perf_counter()
                found = await search_case(session, case_id, search=params)
                full_ms.append((time.perf_counter() - t) * 1000)
                widened += len(found.radii_tried_nm) > 1
                ranked_total += len(found.result.candidates)
            async with maker() as session:
                t = time.perf_counter()
                await raw_knn(session, lon=float(lon), lat=float(lat), radius_nm=100.0, k=k)
                raw_ms.append((time.perf_counter() - t) * 1000)
        p50, raw_p50 = statistics.median(full_ms), statistics.median(raw_ms)
        return {
            "vessels": vessels,
            "queries": queries,
            "k": k,
            "p50_ms": round(p50, 3),
            "p99_ms": round(_pct(full_ms, 99), 3),
            "max_ms": round(max(full_ms), 3),
            "raw_knn_p50_ms": round(raw_p50, 3),
            "raw_knn_p99_ms": round(_pct(raw_ms, 99), 3),
            "ratio_p50": round(p50 / raw_p50, 2) if raw_p50 > 0 else None,
            "widened_queries": widened,
            "mean_ranked": round(ranked_total / max(1, queries), 2),
            "load_s": round(load_s, 2),
        }
    finally:
        await engine.dispose()
        await migrate.drop_database(url)


@app.command("bench-match")
def bench_match(
    vessels: Annotated[int, typer.Option("--vessels", min=1, help="Synthetic vessels.")] = 100_000,
    queries: Annotated[int, typer.Option("--queries", min=1, help="Candidate searches.")] = 1000,
    k: Annotated[int, typer.Option("--k", min=1, max=100, help="Candidates per search.")] = 10,
    seed: Annotated[int, typer.Option("--seed", help="Random seed.")] = 1,
    database_url: Annotated[
        str | None, typer.Option("--database-url", help="Default: SAR_DATABASE_URL / embedded.")
    ] = None,
) -> None:
    """Time the full candidate search against a bare PostGIS KNN; prints one JSON line."""
    with base_url(database_url) as base:
        result = asyncio.run(run_bench(base, vessels, queries, k, seed))
    typer.echo(json.dumps(result, separators=(",", ":")))


if __name__ == "__main__":
    app()
