"""Search plans over ASGI: computed from the case, numbered, files, AIS progress, roles."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from xml.etree import ElementTree as ET

from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from sar_coord.search_planning import files

MMSI = 247_123_456


async def _case(client: Any, rcc: dict[str, str]) -> dict[str, Any]:
    r = await client.post(
        "/api/v1/cases",
        json={
            "lat": 35.2,
            "lon": 12.6,
            "persons_on_board": 90,
            "boat_type": "rubber",
            "drift_speed_kn": 1.0,
            "drift_toward_deg": 90.0,
        },
        headers=rcc,
    )
    assert r.status_code == 201, r.text
    return r.json()  # type: ignore[no-any-return]


async def test_parallel_track_plan_with_two_ships_and_progress(
    app: FastAPI, client: Any, users: dict[str, Any], engine: AsyncEngine
) -> None:
    rcc = users["rcc"]["headers"]
    case = await _case(client, rcc)
    body = {
        "pattern": "PS",
        "target": "rubber_boat",
        "visibility_nm": 10,
        "speed_kn": 12,
        "hours": 4,
        "sub_areas": 2,
        "assignments": [{"sub_area": 1, "mmsi": MMSI}, {"sub_area": 2, "unit": "Aircraft 1"}],
    }
    r = await client.post(f"/api/v1/cases/{case['id']}/search-plans", json=body, headers=rcc)
    assert r.status_code == 201, r.text
    plan = r.json()
    assert plan["plan_no"] == 1 and plan["pattern"] == "PS"
    p = plan["plan"]
    assert p["errors_nm"]["total_probable_e"] > 0
    assert p["sweep_width_nm"] == 4.3  # rubber boat at 10 NM visibility, calm
    assert p["track_spacing_nm"] > 0 and 0 < p["pod"] <= 1 and 0 < p["pos"] <= 1
    assert [s["sub_area"] for s in p["sub_areas"]] == [1, 2]
    assert p["sub_areas"][0]["mmsi"] == MMSI and p["sub_areas"][1]["unit"] == "Aircraft 1"
    assert p["sub_areas"][0]["legs_over_land"] == 0  # open sea south of Lampedusa
    first = p["sub_areas"][0]["waypoints"][0]
    assert first["position"].endswith("E") and "N " in first["position"]

    # The ship flies its first two legs; its AIS track is the progress.
    wps = p["sub_areas"][0]["waypoints"]
    made = datetime.fromisoformat(plan["created_at"])

    async def fly(points: list[dict[str, Any]], first: int) -> dict[int, Any]:
        async with engine.begin() as conn:
            await conn.execute(
                text("SELECT ensure_vessel_position_partition(:d)"), {"d": made.date()}
            )
            for i, w in enumerate(points, start=first):
                await conn.execute(
                    text(
                        "INSERT INTO vessel_position (received_at, mmsi, position) VALUES "
                        "(:t, :m, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)::geography)"
                    ),
                    {
                        "t": made + timedelta(milliseconds=i),
                        "m": MMSI,
                        "lon": w["lon"],
                        "lat": w["lat"],
                    },
                )
        r = await client.get(f"/api/v1/cases/{case['id']}/search-plans/1", headers=rcc)
        assert r.status_code == 200, r.text
        return {x["sub_area"]: x for x in r.json()["progress"]}

    try:
        part = await fly(wps[:3], 1)
        assert part[1]["positions"] == 3 and 0.05 < part[1]["swept_fraction"] < 0.9
        assert part[2]["swept_fraction"] is None
        whole = await fly(wps[3:], 4)
        assert whole[1]["positions"] == len(wps) and whole[1]["swept_fraction"] >= 0.95
    finally:
        async with engine.begin() as conn:
            await conn.execute(text("DELETE FROM vessel_position WHERE mmsi = :m"), {"m": MMSI})

    r = await client.get(
        f"/api/v1/cases/{case['id']}/search-plans/1/sub-areas/1.rtz",
        headers=users["auditor"]["headers"],
    )
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/xml")
    root = ET.fromstring(r.text)
    assert root.tag == f"{{{files.RTZ_NS}}}route"
    assert len(root.findall(f"{{{files.RTZ_NS}}}waypoints/{{{files.RTZ_NS}}}waypoint")) == len(wps)
    r = await client.get(f"/api/v1/cases/{case['id']}/search-plans/1/sub-areas/2.gpx", headers=rcc)
    assert r.status_code == 200 and "<rtept" in r.text
    r = await client.get(f"/api/v1/cases/{case['id']}/search-plans/1/sub-areas/3.gpx", headers=rcc)
    assert r.status_code == 404 and r.json()["error"] == "search_plan_not_found"


async def test_second_plan_is_numbered_and_sector_needs_one_facility(
    app: FastAPI, client: Any, users: dict[str, Any]
) -> None:
    rcc = users["rcc"]["headers"]
    case = await _case(client, rcc)
    url = f"/api/v1/cases/{case['id']}/search-plans"
    r = await client.post(url, json={"pattern": "VS", "sub_areas": 2}, headers=rcc)
    assert r.status_code == 422 and "sub_areas must be 1" in r.text
    r = await client.post(url, json={"pattern": "TS"}, headers=rcc)
    assert r.status_code == 422 and "track_to_lat" in r.text
    r = await client.post(url, json={"pattern": "SS", "target": "submarine"}, headers=rcc)
    assert r.status_code == 422
    for pattern in ("VS", "SS"):
        r = await client.post(url, json={"pattern": pattern}, headers=rcc)
        assert r.status_code == 201, r.text
    r = await client.get(url, headers=users["auditor"]["headers"])
    assert [(x["plan_no"], x["pattern"]) for x in r.json()] == [(1, "VS"), (2, "SS")]
    assert len(r.json()[0]["plan"]["sub_areas"][0]["waypoints"]) == 10


async def test_roles_and_unknown_case(app: FastAPI, client: Any, users: dict[str, Any]) -> None:
    rcc = users["rcc"]["headers"]
    case = await _case(client, rcc)
    url = f"/api/v1/cases/{case['id']}/search-plans"
    r = await client.post(url, json={"pattern": "VS"}, headers=users["auditor"]["headers"])
    assert r.status_code == 403
    r = await client.post(url, json={"pattern": "VS"}, headers=users["master"]["headers"])
    assert r.status_code == 403
    r = await client.post("/api/v1/cases/999999/search-plans", json={"pattern": "VS"}, headers=rcc)
    assert r.status_code == 404
