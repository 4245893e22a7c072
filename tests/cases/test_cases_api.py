"""Case and SAR-region routes over ASGI with real users and roles."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI


@pytest.fixture(scope="module")
def cases_app(app: FastAPI) -> FastAPI:
    """The real app (create_app mounts the case and SAR-region routers)."""
    return app


async def test_rcc_opens_updates_and_moves_a_case(
    cases_app: FastAPI, client: Any, users: dict[str, Any]
) -> None:
    rcc = users["rcc"]["headers"]
    r = await client.post(
        "/api/v1/cases",
        json={"lat": 35.2, "lon": 12.6, "persons_on_board": 90, "boat_type": "rubber"},
        headers=rcc,
    )
    assert r.status_code == 201, r.text
    case = r.json()
    assert case["status"] == "open" and case["predicted_datum"]["drift_source"] == "none"
    r = await client.patch(
        f"/api/v1/cases/{case['id']}", json={"medical_emergencies": 2}, headers=rcc
    )
    assert r.status_code == 200 and r.json()["medical_emergencies"] == 2
    r = await client.post(
        f"/api/v1/cases/{case['id']}/status", json={"status": "closed"}, headers=rcc
    )
    assert r.status_code == 409 and r.json()["error"] == "bad_status_transition"
    r = await client.post(
        f"/api/v1/cases/{case['id']}/status", json={"status": "alerting"}, headers=rcc
    )
    assert r.status_code == 200 and r.json()["status"] == "alerting"
    r = await client.get(f"/api/v1/cases/{case['id']}/events", headers=users["auditor"]["headers"])
    assert r.status_code == 200, r.text
    assert [e["kind"] for e in r.json()] == [
        "created",
        "responsible_rcc_derived",
        "updated",
        "status",
    ]
    assert r.json()[-1]["actor"] == "fixture_rcc"


async def test_bodies_reject_unknown_fields_and_bad_positions(
    cases_app: FastAPI, client: Any, users: dict[str, Any]
) -> None:
    rcc = users["rcc"]["headers"]
    r = await client.post("/api/v1/cases", json={"lat": 35, "lon": 12, "name": "x"}, headers=rcc)
    assert r.status_code == 422
    r = await client.post("/api/v1/cases", json={"lat": 91, "lon": 12}, headers=rcc)
    assert r.status_code == 422


async def test_roles(cases_app: FastAPI, client: Any, users: dict[str, Any]) -> None:
    body = {"lat": 35.0, "lon": 13.0}
    assert (await client.post("/api/v1/cases", json=body)).status_code == 401
    for who in ("auditor", "master"):
        r = await client.post("/api/v1/cases", json=body, headers=users[who]["headers"])
        assert r.status_code == 403
    r = await client.get("/api/v1/cases", headers=users["master"]["headers"])
    assert r.status_code == 403
    r = await client.get("/api/v1/cases", headers=users["auditor"]["headers"])
    assert r.status_code == 200
    r = await client.post(
        "/api/v1/cases/partner-report",
        json={"reported_by": "Alarm Phone", "lat": 34.5, "lon": 12.9, "persons_on_board": 45},
        headers=users["admin"]["headers"],
    )
    assert r.status_code == 201 and r.json()["source"] == "partner"


async def test_admin_loads_regions_and_cases_get_their_rcc(
    cases_app: FastAPI, client: Any, users: dict[str, Any]
) -> None:
    region = {
        "rcc_name": "RCC Test Sea",
        "region_name": "Test SRR",
        "contact": {"phone": "+000 000"},
        "geometry": {
            "type": "Polygon",
            "coordinates": [[[20.0, 30.0], [22.0, 30.0], [22.0, 32.0], [20.0, 32.0], [20.0, 30.0]]],
        },
    }
    r = await client.put("/api/v1/sar-regions", json=region, headers=users["rcc"]["headers"])
    assert r.status_code == 403
    r = await client.put("/api/v1/sar-regions", json=region, headers=users["admin"]["headers"])
    assert r.status_code == 200, r.text
    bad = dict(
        region, geometry={"type": "Polygon", "coordinates": [[[20, 30], [21, 30], [21, 31]]]}
    )
    r = await client.put("/api/v1/sar-regions", json=bad, headers=users["admin"]["headers"])
    assert r.status_code == 422 and r.json()["error"] == "invalid_sar_region"
    r = await client.post(
        "/api/v1/cases", json={"lat": 31.0, "lon": 21.0}, headers=users["rcc"]["headers"]
    )
    assert r.json()["responsible_rcc"] == "RCC Test Sea"
    assert not r.json()["outside_all_regions"]
