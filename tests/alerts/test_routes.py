"""Candidate routes over water: south of Lampedusa, off Cap Bon, in the Strait of Messina.

Every segment of every route is sampled every 50 m against the core land mask (the one the
router uses), and the course to steer is checked against the route's first leg.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from alerts.lifecycle import service
from alerts.matching.ship_routes import routes_for_alert
from alerts.schemas import AlertCreate
from sar_coord.core.db import ewkb_point
from sar_coord.core.geo import haversine_m, initial_bearing_deg
from sar_coord.core.landmask import is_water
from sar_coord.core.time import utcnow
from tests.alerts.factories import make_case, make_ship

SAMPLE_M = 50.0
# scenario: (datum lon/lat, ships' lon/lat); every point is at sea, > 1.5 km off the coast
SCENARIOS: dict[str, tuple[tuple[float, float], list[tuple[float, float]]]] = {
    "lampedusa": (
        (12.60, 35.40),
        [(12.58, 35.60), (12.90, 35.90), (12.00, 35.30), (13.50, 37.00), (12.40, 36.00)],
    ),
    "cap-bon": (
        (11.00, 36.55),
        [(10.50, 37.00), (10.30, 37.10), (11.00, 37.30), (10.90, 37.15), (11.00, 36.00)],
    ),
    "messina": (
        (15.60, 38.10),
        [(15.60, 38.40), (15.30, 38.35), (15.20, 38.60), (15.80, 38.35), (15.45, 37.85)],
    ),
}


def land_samples(route: list[list[float]]) -> list[tuple[float, float]]:
    """Points on land, sampling each segment lon/lat-linearly every SAMPLE_M."""
    found = []
    for a, b in itertools.pairwise(route):
        n = max(2, math.ceil(haversine_m(*a, *b) / SAMPLE_M) + 1)
        for i in range(n):
            t = i / (n - 1)
            lon, lat = a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])
            if not is_water(lon, lat):
                found.append((lon, lat))
    return found


def _mmsi(scenario: int, ship: int) -> int:
    return 247_150_000 + scenario * 10 + ship


@pytest.fixture(scope="module")
async def placed(engine: AsyncEngine) -> dict[str, list[int]]:
    """The scenario ships, committed, reported now, stopped (no dead reckoning)."""
    now = utcnow()
    out: dict[str, list[int]] = {}
    async with engine.begin() as conn:
        for s, (name, (_datum, ships)) in enumerate(SCENARIOS.items()):
            out[name] = []
            for i, (lon, lat) in enumerate(ships):
                mmsi = _mmsi(s, i)
                out[name].append(mmsi)
                await conn.execute(
                    text(
                        "INSERT INTO vessel_latest (mmsi, position, reported_at, sog_kn, cog_deg)"
                        " VALUES (:m, ST_GeogFromWKB(:w), :at, 0, 0) ON CONFLICT (mmsi) DO UPDATE"
                        " SET position = EXCLUDED.position, reported_at = EXCLUDED.reported_at"
                    ),
                    {"m": mmsi, "w": ewkb_point(lon, lat), "at": now},
                )
    return out


def test_scenario_points_are_at_sea() -> None:
    for datum, ships in SCENARIOS.values():
        assert all(is_water(*p) for p in [datum, *ships])


@pytest.mark.parametrize("scenario", list(SCENARIOS))
async def test_every_route_stays_over_water_and_the_course_is_its_first_leg(
    scenario: str, placed: dict[str, list[int]], client: Any, users: dict[str, Any]
) -> None:
    rcc = users["rcc"]["headers"]
    datum, _ships = SCENARIOS[scenario]
    r = await client.post(
        "/api/v1/cases", json={"lon": datum[0], "lat": datum[1], "persons_on_board": 40},
        headers=rcc,
    )  # fmt: skip
    assert r.status_code == 201, r.text
    case_id = r.json()["id"]
    body = (await client.get(f"/api/v1/cases/{case_id}/candidates?k=20", headers=rcc)).json()
    ours = [c for c in body["candidates"] if c["mmsi"] in placed[scenario]]
    assert len(ours) == len(placed[scenario])
    detours = 0
    for c in ours:
        line = c["route"]["coordinates"]
        assert c["route"]["type"] == "LineString" and len(line) >= 2
        assert line[0] == pytest.approx([c["lon"], c["lat"]], abs=1e-6)
        assert line[-1] == pytest.approx([c["intercept_lon"], c["intercept_lat"]], abs=1e-6)
        assert land_samples(line) == [], c["mmsi"]
        first_leg = initial_bearing_deg(*line[0], *line[1])
        off = abs((c["course_to_steer_deg"] - first_leg + 180.0) % 360.0 - 180.0)
        assert off <= 1.0
        assert c["route_nm"] == pytest.approx(c["distance_nm"], rel=0.01)
        if len(line) > 2:
            detours += 1
            # the straight line this ship used to be told to steer crosses land
            straight = [[c["lon"], c["lat"]], line[-1]]
            assert land_samples(straight)
    assert detours >= 2  # each scenario has ships behind land


async def test_geojson_carries_the_routes_as_linestrings(
    placed: dict[str, list[int]], client: Any, users: dict[str, Any]
) -> None:
    rcc = users["rcc"]["headers"]
    datum, _ = SCENARIOS["lampedusa"]
    r = await client.post("/api/v1/cases", json={"lon": datum[0], "lat": datum[1]}, headers=rcc)
    case_id = r.json()["id"]
    geo = (
        await client.get(f"/api/v1/cases/{case_id}/candidates?format=geojson&k=20", headers=rcc)
    ).json()
    routes = [f for f in geo["features"] if f["properties"]["kind"] == "route"]
    candidates = [f for f in geo["features"] if f["properties"]["kind"] == "candidate"]
    assert len(routes) == len(candidates) > 0
    assert all(f["geometry"]["type"] == "LineString" for f in routes)
    assert {f["properties"]["mmsi"] for f in routes} >= set(placed["lampedusa"])


async def test_each_alerted_ship_is_told_its_own_course_and_distance_over_water(
    session: AsyncSession,
) -> None:
    service.use_ship_routes(routes_for_alert)  # as create_app wires it
    datum = SCENARIOS["lampedusa"][0]
    case = await make_case(session, lat=datum[1], lon=datum[0])
    behind = await make_ship(session, lon=12.58, lat=35.60)  # north of Lampedusa
    clear = await make_ship(session, lon=12.45, lat=35.50)  # open water to the datum
    await service.issue_alert(
        session,
        AlertCreate(case_id=case.id, kind="targeted", mmsis=[behind.mmsi, clear.mmsi], message="m"),
        actor=service.Actor("rcc-test"),
    )
    rows = await session.execute(
        text("SELECT mmsi, payload FROM ship_delivery WHERE mmsi = ANY(:m)"),
        {"m": [behind.mmsi, clear.mmsi]},
    )
    payloads = {int(r.mmsi): r.payload for r in rows}
    assert set(payloads) == {behind.mmsi, clear.mmsi}
    for mmsi, payload in payloads.items():
        route = payload["route"]
        line = route["coordinates"]
        assert land_samples(line) == []
        first_leg = initial_bearing_deg(*line[0], *line[1])
        assert abs((route["course_to_steer_deg"] - first_leg + 180.0) % 360.0 - 180.0) <= 1.0
        length_nm = sum(haversine_m(*a, *b) for a, b in itertools.pairwise(line)) / 1852.0
        assert route["distance_nm"] == pytest.approx(length_nm, abs=0.2), mmsi
    # each ship gets only its own route; the one behind the island goes round it
    assert payloads[behind.mmsi]["route"] != payloads[clear.mmsi]["route"]
    assert len(payloads[behind.mmsi]["route"]["coordinates"]) > 2
    straight = initial_bearing_deg(12.58, 35.60, *datum)
    steer = payloads[behind.mmsi]["route"]["course_to_steer_deg"]
    assert abs((steer - straight + 180.0) % 360.0 - 180.0) > 3.0
