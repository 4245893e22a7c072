"""A search assignment reaches its ship: in the alert, and as files only for its own sub-area."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from sar_coord.core.time import utcnow

MASTER_VESSEL = 247_000_001  # the fixture ship master's vessel


async def test_alert_carries_the_plan_and_the_master_gets_only_its_files(
    app: FastAPI, client: Any, users: dict[str, Any], engine: AsyncEngine
) -> None:
    async with engine.begin() as conn:  # the ship is on the picture, 10 NM from the datum
        await conn.execute(
            text(
                "INSERT INTO vessel_latest (mmsi, position, reported_at) VALUES "
                "(:m, ST_SetSRID(ST_MakePoint(12.4, 35.47), 4326)::geography, :at) "
                "ON CONFLICT (mmsi) DO UPDATE SET position = excluded.position, "
                "reported_at = excluded.reported_at"
            ),
            {"m": MASTER_VESSEL, "at": utcnow()},
        )
        await conn.execute(
            text(
                "INSERT INTO vessel (mmsi, registered) VALUES (:m, true) "
                "ON CONFLICT (mmsi) DO UPDATE SET registered = true"
            ),
            {"m": MASTER_VESSEL},
        )
    rcc = users["rcc"]["headers"]
    master = users["master"]["headers"]
    r = await client.post("/api/v1/cases", json={"lat": 35.3, "lon": 12.4}, headers=rcc)
    case_id = r.json()["id"]
    body = {
        "pattern": "CS",
        "sub_areas": 2,
        "assignments": [
            {"sub_area": 1, "mmsi": MASTER_VESSEL},
            {"sub_area": 2, "mmsi": 247_000_999},
        ],
    }
    r = await client.post(f"/api/v1/cases/{case_id}/search-plans", json=body, headers=rcc)
    assert r.status_code == 201, r.text
    r = await client.post(
        "/api/v1/alerts",
        json={
            "case_id": case_id,
            "kind": "targeted",
            "mmsis": [MASTER_VESSEL],
            "message": "Search your sub-area",
        },
        headers=rcc,
    )
    assert r.status_code == 201, r.text
    r = await client.get(f"/api/v1/ship/deliveries?mmsi={MASTER_VESSEL}&limit=500", headers=master)
    assert r.status_code == 200, r.text
    frames = [f for f in r.json() if f["data"].get("case_id") == case_id]
    assert frames, r.json()
    mine = [a for a in frames[-1]["data"]["search_assignments"] if a["mmsi"] == MASTER_VESSEL]
    assert len(mine) == 1 and mine[0]["pattern"] == "CS" and mine[0]["waypoints"]
    assert mine[0]["csp"] == mine[0]["waypoints"][0] and mine[0]["csp"][-1] in "EW"

    r = await client.get(mine[0]["rtz"], headers=master)
    assert r.status_code == 200 and "<route" in r.text
    r = await client.get(mine[0]["gpx"].replace("/1.gpx", "/2.gpx"), headers=master)
    assert r.status_code == 404
