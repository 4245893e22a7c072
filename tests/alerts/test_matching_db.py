"""Candidate search on real PostGIS: KNN, widening, stale lists, land, the shared AIS corpus."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from alerts.matching.candidates import (
    SearchParams,
    knn_vessels,
    radius_steps,
    search_case,
    search_target,
)
from alerts.matching.scoring import CaseTarget
from sar_coord.cases import service as case_service
from sar_coord.cases.drift import Drift
from sar_coord.cases.schemas import CaseCreate
from sar_coord.core.db import ewkb_point
from sar_coord.core.geo import METRES_PER_NM, destination, haversine_m
from sar_coord.core.time import utcnow

RCC = case_service.Actor("fixture_rcc")
NM = METRES_PER_NM


async def put_vessel(
    session: AsyncSession,
    mmsi: int,
    lon: float,
    lat: float,
    *,
    at: datetime,
    sog_kn: float | None = 10.0,
    cog_deg: float | None = 0.0,
    nav_status: int | None = 0,
    **registry: Any,
) -> None:
    """A vessel_latest row (and a vessel row with registry capabilities when given)."""
    await session.execute(
        text(
            "INSERT INTO vessel_latest (mmsi, position, reported_at, sog_kn, cog_deg, nav_status)"
            " VALUES (:mmsi, ST_GeogFromWKB(:wkb), :at, :sog, :cog, :nav)"
        ),
        {
            "mmsi": mmsi,
            "wkb": ewkb_point(lon, lat),
            "at": at,
            "sog": sog_kn,
            "cog": cog_deg,
            "nav": nav_status,
        },
    )
    if registry:
        cols = ", ".join(["mmsi", "registered", *registry])
        vals = ", ".join([":mmsi", "true", *(f":{k}" for k in registry)])
        await session.execute(
            text(f"INSERT INTO vessel ({cols}) VALUES ({vals})"), {"mmsi": mmsi, **registry}
        )


@pytest.fixture
async def empty_sea(session: AsyncSession) -> AsyncSession:
    """The session without other tests' committed positions (the delete is rolled back)."""
    await session.execute(text("DELETE FROM vessel_latest"))
    return session


@given(st.floats(1, 500), st.floats(1, 3000), st.floats(1.1, 4))
def test_radius_steps_widen_and_stop_at_the_max(start: float, max_nm: float, f: float) -> None:
    steps = radius_steps(start, max_nm, f)
    assert steps == sorted(steps)
    assert steps[-1] <= max_nm
    assert steps[-1] == max_nm or steps[-1] == start >= max_nm
    assert len(steps) < 200


async def test_search_ranks_lists_stale_and_prefers_capable_ships(
    session: AsyncSession, empty_sea: AsyncSession
) -> None:
    now = utcnow()
    datum = (19.0, 34.0)  # open Ionian Sea
    case = await case_service.create_case(
        session, body=CaseCreate(lon=datum[0], lat=datum[1], persons_on_board=120), actor=RCC
    )
    near = destination(*datum, 180.0, 10 * NM)
    far = destination(*datum, 0.0, 25 * NM)
    await put_vessel(
        session,
        211_000_001,
        *near,
        at=now,
        sog_kn=12.0,
        cog_deg=0.0,
        max_persons=15,
        max_speed_kn=12.0,
        registry_class="commercial",
    )
    await put_vessel(
        session,
        211_000_002,
        *far,
        at=now,
        sog_kn=12.0,
        cog_deg=180.0,
        max_persons=400,
        max_speed_kn=12.0,
        rescue_boats=2,
        registry_class="ngo",
    )
    await put_vessel(
        session, 211_000_003, *destination(*datum, 90.0, 2 * NM), at=now - timedelta(hours=3)
    )
    await put_vessel(session, 970_000_009, *datum, at=now)
    found = await search_case(session, case.id, search=SearchParams(k=5), now=now)
    ranked = [c.mmsi for c in found.result.candidates]
    assert ranked == [211_000_002, 211_000_001]
    excluded = {e.mmsi: e.reason for e in found.result.excluded}
    assert excluded[211_000_003].startswith("stale") and "beacon" in excluded[970_000_009]
    ngo = found.result.candidates[0]
    # 25 nm at 12 kn = 125 min, minus 30 (rescue class) and 10 (boats)
    assert ngo.eta_min == pytest.approx(125.0, abs=0.1)
    assert ngo.score == pytest.approx(85.0, abs=0.1)
    assert found.radii_tried_nm == (100.0, 200.0, 400.0)  # fewer than 5 qualify: widened to max


async def test_widening_finds_a_distant_ship_and_stops_once_k_qualify(
    session: AsyncSession,
    empty_sea: AsyncSession,
) -> None:
    now = utcnow()
    datum = (19.5, 33.5)
    target = CaseTarget(lon=datum[0], lat=datum[1], datum_at=now, drift=Drift(0, 0, "none"))
    for i in range(3):
        await put_vessel(
            session, 212_000_010 + i, *destination(*datum, 120.0 * i, 150 * NM), at=now
        )
    found = await search_target(
        session, target, search=SearchParams(k=3, over_water=False), now=now
    )
    assert found.radii_tried_nm == (100.0, 200.0)
    assert {c.mmsi for c in found.result.candidates} == {212_000_010, 212_000_011, 212_000_012}
    assert all(c.distance_nm == pytest.approx(150.0, abs=0.01) for c in found.result.candidates)


async def test_behind_sicily_ranks_below_open_water_at_the_same_straight_distance(
    session: AsyncSession,
    empty_sea: AsyncSession,
) -> None:
    now = utcnow()
    datum = (12.6, 35.2)  # south of Lampedusa
    north_of_sicily = (13.0, 38.4)
    straight_m = haversine_m(*datum, *north_of_sicily)
    open_sea = destination(*datum, 100.0, straight_m)
    await put_vessel(session, 213_000_001, *north_of_sicily, at=now, sog_kn=14.0)
    await put_vessel(session, 213_000_002, *open_sea, at=now, sog_kn=14.0)
    target = CaseTarget(lon=datum[0], lat=datum[1], datum_at=now, drift=Drift(0, 0, "none"))
    found = await search_target(
        session, target, search=SearchParams(k=2, radius_nm=250, max_radius_nm=250), now=now
    )
    ours = [c for c in found.result.candidates if c.mmsi in (213_000_001, 213_000_002)]
    assert [c.mmsi for c in ours] == [213_000_002, 213_000_001]
    assert ours[1].distance_nm > 1.1 * ours[0].distance_nm
    assert ours[0].straight_nm == pytest.approx(ours[1].straight_nm, rel=1e-6)


# --- the shared AIS corpus -----------------------------------------------------------------

POSITION_TYPES = {1, 2, 3, 18, 19}


def _decode_corpus(path: Path) -> dict[int, dict[str, Any]]:
    """Last valid position per MMSI from single-part sentences (pyais, test side only)."""
    import pyais

    latest: dict[int, dict[str, Any]] = {}
    for line in path.read_text(errors="replace").splitlines():
        m = re.search(r"!\w{2}VD[MO],1,1,[^*]*\*[0-9A-Fa-f]{2}", line)
        if not m:
            continue
        try:
            msg = pyais.decode(m.group(0)).asdict()
        except Exception:
            continue
        if msg.get("msg_type") not in POSITION_TYPES:
            continue
        lon, lat = msg.get("lon"), msg.get("lat")
        if lon is None or lat is None or abs(lon) > 180 or abs(lat) > 90:
            continue
        sog = msg.get("speed")
        cog = msg.get("course")
        latest[int(msg["mmsi"])] = {
            "lon": float(lon), "lat": float(lat),
            "sog": None if sog is None or sog >= 102.2 else float(sog),
            "cog": None if cog is None or cog >= 360 else float(cog),
            "nav": msg.get("status").value if msg.get("status") is not None else None,
        }  # fmt: skip
    return latest


async def test_matching_over_vessels_from_the_shared_corpus(
    session: AsyncSession, ais_corpus: Path
) -> None:
    fleet = _decode_corpus(ais_corpus / "aisdb__test_data_20211101.nm4")
    assert len(fleet) > 100
    now = utcnow()
    for mmsi, v in fleet.items():
        await session.execute(
            text(
                "INSERT INTO vessel_latest (mmsi, position, reported_at, sog_kn, cog_deg, "
                "nav_status) VALUES (:mmsi, ST_GeogFromWKB(:wkb), :at, :sog, :cog, :nav) "
                "ON CONFLICT (mmsi) DO UPDATE SET position = EXCLUDED.position, "
                "reported_at = EXCLUDED.reported_at, sog_kn = EXCLUDED.sog_kn, "
                "cog_deg = EXCLUDED.cog_deg, nav_status = EXCLUDED.nav_status, suspect = false"
            ),
            {
                "mmsi": mmsi,
                "wkb": ewkb_point(v["lon"], v["lat"]),
                "at": now,
                "sog": v["sog"],
                "cog": v["cog"],
                "nav": v["nav"],
            },
        )
    # a datum at the median position of the capture
    lons = sorted(v["lon"] for v in fleet.values())
    lats = sorted(v["lat"] for v in fleet.values())
    datum = (lons[len(lons) // 2], lats[len(lats) // 2])
    target = CaseTarget(lon=datum[0], lat=datum[1], datum_at=now, drift=Drift(0, 0, "none"))
    k = 10
    found = await search_target(
        session, target, search=SearchParams(k=k, over_water=False), now=now
    )
    ranked = found.result.candidates
    assert len(ranked) == k
    scores = [(c.score, c.diversion_nm, c.mmsi) for c in ranked]
    assert scores == sorted(scores)
    # the KNN returns the truly nearest vessels: brute force over the decoded corpus agrees
    knn = await knn_vessels(session, lon=datum[0], lat=datum[1], radius_nm=400, limit=k)
    brute = sorted(haversine_m(*datum, v["lon"], v["lat"]) for v in fleet.values())[:k]
    got = [haversine_m(*datum, v.lon, v.lat) for v in knn]  # type: ignore[arg-type]
    # (other tests' committed rows may add nearer vessels, never farther ones)
    assert len(got) == k and got == sorted(got)
    assert all(g <= b + 1.0 for g, b in zip(got, brute, strict=True))
    for c in ranked:
        assert c.straight_nm <= found.radius_nm + 1.0  # dead reckoning moves a ship <= 0
        assert c.reasons and c.report_age_s == 0.0


async def test_matching_over_the_ingest_pipelines_output(
    engine: Any, db_url: str, ais_corpus: Path
) -> None:
    """The real ingest pipeline (ais_ingest) fills vessel_latest; matching ranks what it wrote."""
    from ais_ingest.pipeline import run_pipeline

    path = ais_corpus / "aisdb__test_data_20211101.nm4"
    await run_pipeline([f"file:{path}"], db_url)
    async with engine.connect() as conn:
        row = (
            await conn.execute(
                text(
                    "SELECT max(reported_at) AS newest, "
                    "percentile_cont(0.5) WITHIN GROUP (ORDER BY ST_X(position::geometry)) AS lon,"
                    " percentile_cont(0.5) WITHIN GROUP (ORDER BY ST_Y(position::geometry)) AS lat"
                    " FROM vessel_latest WHERE reported_at < '2022-01-01'"
                )
            )
        ).one()
    assert row.newest is not None, "the pipeline wrote no positions from the 2021 capture"
    now = row.newest + timedelta(minutes=5)
    target = CaseTarget(lon=row.lon, lat=row.lat, datum_at=now, drift=Drift(0, 0, "none"))
    from sar_coord.core.db import make_sessionmaker

    async with make_sessionmaker(engine)() as session:
        found = await search_target(
            session, target, search=SearchParams(k=5, over_water=False), now=now
        )
    assert len(found.result.candidates) == 5
    keys = [(c.score, c.diversion_nm, c.mmsi) for c in found.result.candidates]
    assert keys == sorted(keys)
    assert all(c.report_age_s <= 1800 for c in found.result.candidates)
    assert all(e.reason.startswith("stale") or "beacon" in e.reason or "suspect" in e.reason
               or "position" in e.reason for e in found.result.excluded)  # fmt: skip
