"""Operator conventions at the case API: a datum on land kept with a warning, automatic widening
set per case."""

from __future__ import annotations

from typing import Any


async def test_a_datum_on_land_is_kept_with_a_warning(client: Any, users: dict[str, Any]) -> None:
    r = await client.post(
        "/api/v1/cases", json={"lat": 37.5, "lon": 14.0}, headers=users["rcc"]["headers"]
    )  # central Sicily
    assert r.status_code == 201
    assert r.json()["warnings"] and "on land" in r.json()["warnings"][0]


async def test_automatic_widening_is_set_per_case(client: Any, users: dict[str, Any]) -> None:
    rcc = users["rcc"]["headers"]
    r = await client.post("/api/v1/cases", json={"lat": 34.0, "lon": 13.0}, headers=rcc)
    case_id = r.json()["id"]
    assert r.json()["auto_widen"] is False
    r = await client.patch(f"/api/v1/cases/{case_id}", json={"auto_widen": True}, headers=rcc)
    assert r.status_code == 200 and r.json()["auto_widen"] is True
    events = (await client.get(f"/api/v1/cases/{case_id}/events", headers=rcc)).json()
    assert events[-1]["kind"] == "updated"
    assert events[-1]["data"]["auto_widen"] == {"old": False, "new": True}
