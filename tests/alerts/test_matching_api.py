"""Candidate, SURPIC, SITREP, MAYDAY RELAY and area routes over ASGI, with committed data."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from sar_coord.core.db import ewkb_point
from sar_coord.core.geo import METRES_PER_NM, destination
from sar_coord.core.time import utcnow

DATUM = (25.0, 34.0)  # open sea south of Crete
NM = METRES_PER_NM
SHIPS = {
    # mmsi: (bearing from datum, distance nm, sog, class)
    241_900_001: (0.0, 8.0, 14.0, "commercial"),
    241_900_002: (90.0, 15.0, 11.0, "ngo"),
    241_900_003: (200.0, 30.0, 9.0, "fishing"),
}


@pytest.fixture(scope="module")
def routed_app(app: FastAPI) -> FastAPI:
    """The real app (create_app mounts the case and candidate routers)."""
    return app


@pytest.fixture(scope="module")
async def fleet(engine: AsyncEngine) -> dict[int, tuple[float, float]]:
    """Three committed ships around DATUM, reported now."""
    now = utcnow()
    placed: dict[int, tuple[float, float]] = {}
    async with engine.begin() as conn:
        for mmsi, (bearing, dist_nm, sog, cls) in SHIPS.items():
            lon, lat = destination(*DATUM, bearing, dist_nm * NM)
            placed[mmsi] = (lon, lat)
            await conn.execute(
                text(
                    "INSERT INTO vessel_latest (mmsi, position, reported_at, sog_kn, cog_deg) "
                    "VALUES (:m, ST_GeogFromWKB(:w), :at, :sog, 0) ON CONFLICT (mmsi) DO UPDATE "
                    "SET position = EXCLUDED.position, reported_at = EXCLUDED.reported_at"
                ),
                {"m": mmsi, "w": ewkb_point(lon, lat), "at": now, "sog": sog},
            )
            await conn.execute(
                text(
                    "INSERT INTO vessel (mmsi, name, registry_class, registered) "
                    "VALUES (:m, :n, :c, true) ON CONFLICT (mmsi) DO NOTHING"
                ),
                {"m": mmsi, "n": f"TEST SHIP {mmsi % 10}", "c": cls},
            )
    return placed


@pytest.fixture
async def case_id(
    routed_app: FastAPI, client: Any, users: dict[str, Any], fleet: dict[int, Any]
) -> int:
    r = await client.post(
        "/api/v1/cases",
        json={
            "lat": DATUM[1], "lon": DATUM[0], "persons_on_board": 60, "boat_type": "wooden",
            "boat_colour": "blue", "engine_working": False, "medical_emergencies": 1,
            "first_rcc": "JRCC Test",
        },
        headers=users["rcc"]["headers"],
    )  # fmt: skip
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


async def test_candidates_json_geojson_csv(
    case_id: int, client: Any, users: dict[str, Any]
) -> None:
    rcc = users["rcc"]["headers"]
    r = await client.get(f"/api/v1/cases/{case_id}/candidates?k=3", headers=rcc)
    assert r.status_code == 200, r.text
    body = r.json()
    ranked = [c["mmsi"] for c in body["candidates"]]
    assert set(ranked) == set(SHIPS)
    first = body["candidates"][0]
    for key in ("distance_nm", "eta_min", "report_age_s", "position_uncertainty_nm", "reasons"):
        assert key in first
    assert first["distance_nm"] == pytest.approx(
        {241_900_001: 8.0, 241_900_002: 15.0, 241_900_003: 30.0}[first["mmsi"]], abs=0.05
    )
    geo = (await client.get(f"/api/v1/cases/{case_id}/candidates?format=geojson&k=3",
                            headers=rcc)).json()  # fmt: skip
    kinds = [f["properties"]["kind"] for f in geo["features"]]
    assert kinds[:2] == ["datum", "predicted_datum"] and kinds.count("candidate") == 3
    r = await client.get(f"/api/v1/cases/{case_id}/candidates?format=csv&k=3", headers=rcc)
    assert r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert [int(row["mmsi"]) for row in rows] == ranked


async def test_candidates_are_for_rcc_roles_only(
    case_id: int, client: Any, users: dict[str, Any]
) -> None:
    for who in ("master", "auditor"):
        r = await client.get(f"/api/v1/cases/{case_id}/candidates", headers=users[who]["headers"])
        assert r.status_code == 403
    r = await client.get("/api/v1/cases/999999999/candidates", headers=users["rcc"]["headers"])
    assert r.status_code == 404


async def test_surpic_and_mayday_relay_texts(
    case_id: int, client: Any, users: dict[str, Any]
) -> None:
    rcc = users["rcc"]["headers"]
    surpic = await client.get(f"/api/v1/cases/{case_id}/surpic?k=3", headers=rcc)
    assert surpic.status_code == 200 and surpic.headers["content-type"].startswith("text/plain")
    assert "SURPIC SAR-" in surpic.text and "3400.0N 02500.0E" in surpic.text
    assert "241900001" in surpic.text
    mayday = await client.get(f"/api/v1/cases/{case_id}/mayday-relay", headers=rcc)
    assert "\nMAYDAY RELAY MAYDAY RELAY MAYDAY RELAY\n" in mayday.text
    assert "BLUE WOODEN BOAT" in mayday.text and "60 PERSONS ON BOARD" in mayday.text
    assert "ENGINE NOT WORKING" in mayday.text and "REPORT TO JRCC Test" in mayday.text


async def test_sitreps_are_numbered_per_case_and_recorded(
    case_id: int, client: Any, users: dict[str, Any]
) -> None:
    rcc = users["rcc"]["headers"]
    draft = await client.get(f"/api/v1/cases/{case_id}/sitrep", headers=rcc)
    assert "SAR SITREP (DRAFT" in draft.text and "A. IDENTITY OF CASUALTY" in draft.text
    first = await client.post(f"/api/v1/cases/{case_id}/sitrep", headers=rcc)
    second = await client.post(f"/api/v1/cases/{case_id}/sitrep", headers=rcc)
    assert "\nSAR SITREP (1) " in first.text and "\nSAR SITREP (2) " in second.text
    for letter in "ABCDEF":
        assert f"\n{letter}. " in second.text
    assert "D. NUMBER OF PERSONS: 60" in second.text
    events = (await client.get(f"/api/v1/cases/{case_id}/events", headers=rcc)).json()
    assert [e["data"]["number"] for e in events if e["kind"] == "sitrep"] == [1, 2]


async def test_area_queries_by_box_circle_and_class(
    routed_app: FastAPI, client: Any, users: dict[str, Any], fleet: dict[int, Any]
) -> None:
    reader = users["auditor"]["headers"]
    r = await client.get(
        "/api/v1/vessels/area",
        params={"lat": DATUM[1], "lon": DATUM[0], "radius_nm": 20},
        headers=reader,
    )
    assert r.status_code == 200, r.text
    assert [v["mmsi"] for v in r.json()] == [241_900_001, 241_900_002]  # nearest first
    r = await client.get(
        "/api/v1/vessels/area",
        params={"lat": DATUM[1], "lon": DATUM[0], "radius_nm": 40, "vessel_class": "fishing"},
        headers=reader,
    )
    assert [v["mmsi"] for v in r.json()] == [241_900_003]
    r = await client.get(
        "/api/v1/vessels/area",
        params={"min_lon": 24.5, "min_lat": 33.0, "max_lon": 25.5, "max_lat": 35.0},
        headers=reader,
    )
    assert {v["mmsi"] for v in r.json()} >= set(SHIPS)
    r = await client.get("/api/v1/vessels/area", params={"lat": 34}, headers=reader)
    assert r.status_code == 422
